use std::time::Duration;

use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{HttpExporterBuilder, TonicExporterBuilder, WithExportConfig};

/// The collector every pipeline of this binary reports to.
pub fn collector(endpoint: &str) -> TonicExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_secs(3))
}

/// The audit collector, which must be configured.
pub(crate) fn audit_exporter(endpoint: Option<&str>) -> Result<HttpExporterBuilder, TraceError> {
    let endpoint = endpoint.ok_or_else(|| TraceError::from("no audit endpoint"))?;
    Ok(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint))
}

/// Every trace of a debug session, through the shared sampler of another module.
pub fn debug_tracer() -> Result<opentelemetry_sdk::trace::Tracer, TraceError> {
    let pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().http());
    crate::sampling::shared_sampler(pipeline, 1.0).install_simple()
}

/// The jobs' tracer, from the batch pipeline of another module.
pub fn jobs_tracer() -> opentelemetry_sdk::trace::Tracer {
    crate::sampling::batch_pipeline("http://localhost:4317")
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .expect("the batch pipeline installs")
}
