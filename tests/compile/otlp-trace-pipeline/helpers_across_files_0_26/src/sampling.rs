//! The sampler every trace pipeline of the binary shares, applied in two other files (issue 15
//! shape 5 across files): it and both callers change together; and the pipeline its callers
//! install, set up here (the install moves in).
use opentelemetry_otlp::{OtlpTracePipeline, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::trace::{self as sdktrace, Sampler};

pub(crate) fn shared_sampler(
    pipeline: OtlpTracePipeline<SpanExporterBuilder>,
    ratio: f64,
) -> OtlpTracePipeline<SpanExporterBuilder> {
    pipeline.with_trace_config(sdktrace::Config::default().with_sampler(Sampler::TraceIdRatioBased(ratio)))
}

/// The pipeline of the batch tracers, installed by callers in two other files.
pub(crate) fn batch_pipeline(endpoint: &str) -> OtlpTracePipeline<SpanExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
        .with_trace_config(sdktrace::Config::default().with_sampler(Sampler::AlwaysOn))
}
