use opentelemetry_otlp::{OtlpTracePipeline, SpanExporterBuilder};
use opentelemetry_sdk::trace::{Config, Sampler};

/// The platform's sampling policy.
pub fn sampled(
    pipeline: OtlpTracePipeline<SpanExporterBuilder>,
    ratio: f64,
) -> OtlpTracePipeline<SpanExporterBuilder> {
    pipeline.with_trace_config(
        Config::default()
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))),
    )
}
