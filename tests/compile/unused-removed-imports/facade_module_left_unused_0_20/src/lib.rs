#![deny(deprecated, unused_imports)]
//! opentelemetry 0.20 (otlp 0.13): the SDK's `trace` module is imported through the facade for
//! its only use, `trace::config()`, which the pipeline rewrite drops; the exporter is chosen by
//! an `if let` between a fallible helper and a plain builder, and the pipeline's error goes
//! through `?` into the crate's own error type. Migrated, the module import must go too
//! (`unused_imports` is denied here).

use opentelemetry::{
    sdk::{trace, Resource},
    trace::TraceError,
    KeyValue,
};
use opentelemetry_otlp::{TonicExporterBuilder, WithExportConfig};
use tonic::metadata::{errors::InvalidMetadataValue, MetadataMap};

#[derive(Debug)]
pub enum SetupError {
    Key(InvalidMetadataValue),
    Pipeline(TraceError),
}

impl From<InvalidMetadataValue> for SetupError {
    fn from(e: InvalidMetadataValue) -> Self {
        SetupError::Key(e)
    }
}

impl From<TraceError> for SetupError {
    fn from(e: TraceError) -> Self {
        SetupError::Pipeline(e)
    }
}

/// Spans go to the hosted backend when a key is given, else to the local collector.
pub fn setup(api_key: Option<String>) -> Result<opentelemetry::sdk::trace::Tracer, SetupError> {
    let resource = Resource::new(vec![KeyValue::new("service.name", "llm.beacon")]);

    let exporter = if let Some(api_key) = api_key {
        hosted_exporter(api_key)?
    } else {
        // the collector next to the service, plain gRPC
        opentelemetry_otlp::new_exporter().tonic()
    };

    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .with_trace_config(trace::config().with_resource(resource))
        .install_batch(opentelemetry::runtime::Tokio)?;
    Ok(tracer)
}

fn hosted_exporter(key: String) -> Result<TonicExporterBuilder, SetupError> {
    let mut metadata = MetadataMap::with_capacity(1);
    metadata.insert("x-api-key", key.parse()?);
    Ok(opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint("https://ingest.example.com:443")
        .with_metadata(metadata))
}
