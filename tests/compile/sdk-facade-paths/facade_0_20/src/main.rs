#![deny(deprecated)]
//! A 0.20 service that names the SDK through the facade crate outside its pipeline: the
//! resource and sampler are built in helpers, and the tracer's type is spelled in a signature.

use opentelemetry::sdk::trace::Sampler;
use opentelemetry::sdk::{self, Resource};
use opentelemetry::{
    runtime,
    sdk::trace::{self as sdktrace, Tracer},
    trace::TraceError,
    KeyValue,
};

/// The resource every signal of the service carries.
fn resource(service: &str) -> sdk::Resource {
    Resource::new(vec![KeyValue::new("service.name", service.to_string())])
}

fn sampler(ratio: f64) -> Sampler {
    Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))
}

fn init(endpoint: &str) -> Result<Tracer, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .with_trace_config(
            sdktrace::config()
                .with_sampler(sampler(0.25))
                .with_resource(resource("llm.facade")),
        )
        .install_batch(runtime::Tokio)
}

#[tokio::main]
async fn main() {
    match init("http://localhost:4317") {
        Ok(_tracer) => {}
        Err(e) => eprintln!("telemetry disabled: {e}"),
    }
}
