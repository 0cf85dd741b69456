use std::time::Duration;

use opentelemetry_otlp::{HttpExporterBuilder, Protocol, WithExportConfig};

/// The collector of the platform, over HTTP.
pub fn collector(endpoint: &str, timeout: Duration) -> HttpExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .with_timeout(timeout)
}
