#![deny(deprecated, unused)]
//! otlp 0.26: a trace config built in a local, then the pipeline run in the closure that
//! receives a fallible helper's exporter (`helper(..).and_then(|exporter| new_pipeline()…)`),
//! the helper choosing gRPC or HTTP by a `match` and returning `SpanExporterBuilder`s made with
//! `.into()`. Migrated, the settings move onto the provider builder in that closure (0.27.1
//! deprecates `Config`'s setters and `with_config`) and the helper returns the built exporter.

use opentelemetry::{global, trace::TraceError, KeyValue};
use opentelemetry_otlp::{Protocol, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::Sampler;
use opentelemetry_sdk::{trace, Resource};

pub enum Wire {
    Grpc,
    Http,
}

fn span_exporter(endpoint: &str, wire: Wire) -> Result<SpanExporterBuilder, TraceError> {
    match wire {
        Wire::Grpc => Ok(opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(endpoint)
            .into()),
        Wire::Http => {
            if !endpoint.starts_with("http") {
                return Err(TraceError::from("the HTTP endpoint must be an http(s) URL"));
            }
            let traces = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
            Ok(opentelemetry_otlp::new_exporter()
                .http()
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(traces)
                .into())
        }
    }
}

/// Spans to `endpoint` when given: the provider, or why there is none.
pub fn init(
    endpoint: Option<&String>,
    service: String,
    wire: Wire,
) -> Option<Result<opentelemetry_sdk::trace::TracerProvider, TraceError>> {
    let endpoint = endpoint?;
    global::set_text_map_propagator(TraceContextPropagator::new());
    let config = trace::Config::default()
        .with_resource(Resource::new(vec![KeyValue::new("service.name", service)]))
        .with_sampler(Sampler::AlwaysOn);
    let provider = span_exporter(endpoint, wire).and_then(|exporter| {
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .with_trace_config(config)
            .install_batch(opentelemetry_sdk::runtime::Tokio)
    });
    Some(provider)
}
