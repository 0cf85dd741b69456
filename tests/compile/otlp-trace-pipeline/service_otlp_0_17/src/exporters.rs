use std::time::Duration;

use opentelemetry_otlp::{TonicExporterBuilder, WithExportConfig};

/// The audit collector gets a short timeout: audit spans must not hold requests up.
pub(crate) fn audit_collector(endpoint: &str) -> TonicExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_millis(500))
}

/// The platform collector traces and metrics report to.
pub(crate) fn platform_collector(endpoint: &str) -> TonicExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_secs(3))
}
