#![deny(deprecated, unused_imports)]
//! An exporter chosen by protocol, one arm behind a cargo feature (compression needs it).

use std::collections::HashMap;

use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::trace::TracerProvider;

fn collector_headers() -> HashMap<String, String> {
    HashMap::from([("x-tenant".to_string(), "checkout".to_string())])
}

fn tracer_provider(protocol: &str, endpoint: &str) -> Result<TracerProvider, TraceError> {
    let exporter: SpanExporterBuilder = match protocol {
        "http/protobuf" => opentelemetry_otlp::new_exporter()
            .http()
            .with_endpoint(endpoint)
            .with_headers(collector_headers())
            .into(),
        // Compressed gRPC only where the build has gzip.
        #[cfg(feature = "gzip")]
        "grpc/gzip" => opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(endpoint)
            .with_compression(opentelemetry_otlp::Compression::Gzip)
            .into(),
        _ => opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(endpoint)
            .into(),
    };
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(opentelemetry_sdk::runtime::Tokio)
}

// Compressed metrics in every build: the option's trait is needed outside the gated arm too.
fn meter_provider(
    endpoint: &str,
) -> opentelemetry::metrics::Result<opentelemetry_sdk::metrics::SdkMeterProvider> {
    opentelemetry_otlp::new_pipeline()
        .metrics(opentelemetry_sdk::runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint)
                .with_compression(opentelemetry_otlp::Compression::Gzip),
        )
        .build()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = tracer_provider("grpc", "http://localhost:4317")?;
    opentelemetry::global::set_tracer_provider(provider);
    opentelemetry::global::set_meter_provider(meter_provider("http://localhost:4317")?);
    Ok(())
}
