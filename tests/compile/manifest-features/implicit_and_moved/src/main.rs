#![deny(deprecated)]
//! opentelemetry 0.20 without a direct opentelemetry_sdk dependency: `rt-tokio` was enabled on
//! the `opentelemetry` facade, which forwarded it to the SDK.

use opentelemetry::trace::TraceError;

fn init_tracer() -> Result<(), TraceError> {
    let _tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_batch(opentelemetry::runtime::Tokio)?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), TraceError> {
    init_tracer()?;
    opentelemetry::global::shutdown_tracer_provider();
    Ok(())
}
