#![deny(deprecated)]
//! otlp 0.14 logs installed in `let _ = …` in `main`: the provider lived in the global for the
//! whole program, and the bridge read it from there.
use opentelemetry::global;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::runtime;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() {
    let _ = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_batch(runtime::Tokio)
        .expect("logs pipeline");
    let bridge = OpenTelemetryTracingBridge::new(&global::logger_provider());
    tracing_subscriber::registry().with(bridge).init();
    tracing::info!("started");
    global::shutdown_logger_provider();
}
