use std::time::Duration;

use opentelemetry_otlp::{TonicExporterBuilder, WithExportConfig};

/// The platform's collector.
pub fn collector(endpoint: &str) -> TonicExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_secs(3))
}
