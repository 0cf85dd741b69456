#![deny(deprecated)]
//! An operator that sends its spans to a Jaeger agent, with no dependency on the API crate.

use tracing_subscriber::layer::SubscriberExt;

fn tracer(app: &str) -> opentelemetry_sdk::trace::Tracer {
    #[allow(deprecated)]
    let tracer = opentelemetry_jaeger::new_agent_pipeline()
        .with_service_name(app)
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .expect("a Jaeger pipeline");
    tracer
}

#[tokio::main]
async fn main() {
    let layer = tracing_opentelemetry::layer().with_tracer(tracer("operator"));
    let subscriber = tracing_subscriber::registry().with(layer);
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::info!("reconciling");
}
