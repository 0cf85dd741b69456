//! A 0.32 Prometheus exporter (otel-ladder.md §3.6 item 1: `without_scope_info()`) and an OTLP
//! span exporter from its typestate `Default` (item 4), migrated to 0.33.
#![deny(deprecated)]

use opentelemetry_sdk::metrics::SdkMeterProvider;

fn init_prometheus(
    registry: prometheus::Registry,
) -> Result<opentelemetry_prometheus::PrometheusExporter, opentelemetry_sdk::error::OTelSdkError> {
    opentelemetry_prometheus::exporter()
        .with_registry(registry)
        .without_scope_info()
        .build()
}

fn init_spans() -> Result<opentelemetry_otlp::SpanExporter, opentelemetry_otlp::ExporterBuildError> {
    opentelemetry_otlp::SpanExporterBuilder::<opentelemetry_otlp::TonicExporterBuilderSet>::default()
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = init_prometheus(prometheus::Registry::new())?;
    let mp = SdkMeterProvider::builder().with_reader(exporter).build();
    mp.shutdown()?;
    let _spans = init_spans()?;
    Ok(())
}
