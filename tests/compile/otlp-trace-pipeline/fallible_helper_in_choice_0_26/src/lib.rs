#![deny(deprecated)]
//! otlp 0.26: a helper that may fail (`anyhow::Result`) puts an access token on a gRPC exporter
//! kept in a local; one arm of a `match` unwraps it with `?`. An HTTP helper returning
//! `Result<HttpExporterBuilder, String>` is unwrapped with `.expect(..)` in an `if` arm.

use std::collections::HashMap;

use opentelemetry_otlp::{HttpExporterBuilder, Protocol, TonicExporterBuilder, WithExportConfig};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::TracerProvider;

fn token_exporter(token: &str) -> anyhow::Result<TonicExporterBuilder> {
    let mut metadata = tonic::metadata::MetadataMap::new();
    metadata.insert("lightstep-access-token", token.parse()?);
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint("https://ingest.lightstep.com:443")
        .with_metadata(metadata);
    Ok(exporter)
}

pub fn init(token: Option<&str>) -> anyhow::Result<TracerProvider> {
    let exporter = match token {
        Some(t) => token_exporter(t)?,
        None => opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint("http://localhost:4317"),
    };
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

fn keyed(key: &str) -> Result<HttpExporterBuilder, String> {
    let headers = HashMap::from([("x-api-key".to_string(), key.trim().to_string())]);
    Ok(opentelemetry_otlp::new_exporter()
        .http()
        .with_protocol(Protocol::HttpBinary)
        .with_headers(headers))
}

pub fn init_http(key: Option<&str>) -> TracerProvider {
    let exporter = if let Some(k) = key {
        keyed(k).expect("an API key")
    } else {
        opentelemetry_otlp::new_exporter()
            .http()
            .with_protocol(Protocol::HttpBinary)
    };
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_simple()
        .expect("trace pipeline")
}
