#![deny(deprecated)]
//! A Lightstep-style setup (otlp 0.14): the access token travels as gRPC metadata, which a helper
//! that may fail puts on its exporter (kept in a local, returned in `Ok`); an `if let` chooses
//! between it and a plain exporter, the arm unwrapping the helper's result with `?`. A second
//! setup unwraps another helper's result with `.expect(..)` in a `match` arm.

use opentelemetry_otlp::{TonicExporterBuilder, WithExportConfig};
use opentelemetry_sdk::trace::{self, Sampler, Tracer};
use tonic::metadata::MetadataMap;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

fn with_token(token: &str) -> Result<TonicExporterBuilder, Error> {
    let mut metadata = MetadataMap::new();
    metadata.insert("lightstep-access-token", token.parse()?);
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint("https://ingest.lightstep.com:443")
        .with_metadata(metadata);
    Ok(exporter)
}

pub fn init(token: Option<String>) -> Result<Tracer, Error> {
    let exporter = if let Some(t) = token {
        with_token(&t)?
    } else {
        opentelemetry_otlp::new_exporter().tonic()
    };
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .with_trace_config(trace::config().with_sampler(Sampler::AlwaysOn))
        .install_batch(opentelemetry_sdk::runtime::Tokio)?;
    Ok(tracer)
}

// The satellite's port comes from the operator's `host:port`.
fn satellite(address: &str) -> Result<TonicExporterBuilder, std::num::ParseIntError> {
    let port: u16 = address.rsplit(':').next().unwrap_or_default().parse()?;
    Ok(opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(format!("http://127.0.0.1:{port}")))
}

pub fn init_satellite(address: Option<&str>) -> Tracer {
    let exporter = match address {
        Some(a) => satellite(a).expect("a satellite port"),
        None => opentelemetry_otlp::new_exporter().tonic(),
    };
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .expect("trace pipeline")
}
