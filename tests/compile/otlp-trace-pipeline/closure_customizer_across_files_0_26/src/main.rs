#![deny(deprecated)]
use closure_customizer_0_26 as telemetry;
use opentelemetry::trace::TracerProvider as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let provider = telemetry::init_tracer("http://collector:4317", "llm.edge-agent", telemetry::unchanged)?;
    let _side = telemetry::simple_tracer(|p| p)?;
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("edge-agent")))
        .init();
    tracing::info!("started");
    opentelemetry::global::set_tracer_provider(provider);
    Ok(())
}
