#![deny(deprecated)]
//! otlp 0.14 installed a tracer and a logger; the service asks each for its provider to keep it
//! for shutdown (`Tracer::provider()` / `Logger::provider()`, public in the 0.21 SDK).

use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::trace::TracerProvider;

pub struct Shutdown {
    pub traces: Option<TracerProvider>,
    pub logs: Option<LoggerProvider>,
}

pub fn install(collector: &str) -> Result<Shutdown, Box<dyn std::error::Error>> {
    use opentelemetry_otlp::WithExportConfig;

    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(collector))
        .install_batch(opentelemetry_sdk::runtime::Tokio)?;
    // kept for a clean shutdown
    let traces = tracer.provider();

    let logger = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(collector))
        .install_batch(opentelemetry_sdk::runtime::Tokio)?;
    let logs = logger.provider();
    Ok(Shutdown { traces, logs })
}
