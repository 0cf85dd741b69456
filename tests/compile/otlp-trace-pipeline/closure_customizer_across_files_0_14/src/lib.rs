#![deny(deprecated)]
//! A telemetry module whose callers may adjust the trace pipeline before it is installed.

use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{OtlpTracePipeline, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::trace::{self as sdktrace, Sampler, Tracer};
use opentelemetry_sdk::{runtime, Resource};

/// For callers with nothing to add.
#[must_use]
pub fn unchanged(
    pipeline: OtlpTracePipeline<SpanExporterBuilder>,
) -> OtlpTracePipeline<SpanExporterBuilder> {
    pipeline
}

/// Batch export to `endpoint`; `customize` sees the pipeline last.
pub fn init_tracer<F>(endpoint: &str, service: &'static str, customize: F) -> Result<Tracer, TraceError>
where
    F: FnOnce(OtlpTracePipeline<SpanExporterBuilder>) -> OtlpTracePipeline<SpanExporterBuilder>,
{
    let exporter: SpanExporterBuilder = match endpoint.strip_prefix("http://") {
        Some(_) if endpoint.ends_with(":4318") => opentelemetry_otlp::new_exporter()
            .http()
            .with_endpoint(endpoint)
            .into(),
        _ => opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(endpoint)
            .into(),
    };
    let mut pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .with_trace_config(
            sdktrace::config()
                .with_sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
                .with_resource(Resource::new([opentelemetry::KeyValue::new(
                    "service.name",
                    service,
                )])),
        );
    pipeline = customize(pipeline);
    pipeline.install_batch(runtime::Tokio)
}

/// Simple export, the bound written in place.
pub fn simple_tracer(
    customize: impl FnOnce(OtlpTracePipeline<SpanExporterBuilder>) -> OtlpTracePipeline<SpanExporterBuilder>,
) -> Result<Tracer, TraceError> {
    customize(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic()),
    )
    .install_simple()
}
