#![deny(deprecated)]
use closure_customizer_0_14 as telemetry;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tracer = telemetry::init_tracer("http://collector:4317", "llm.edge-agent", telemetry::unchanged)?;
    let _side = telemetry::simple_tracer(|p| p)?;
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("started");
    Ok(())
}
