#![deny(deprecated)]
//! A trace config kept in a local inside the async block that builds the pipeline on a
//! runtime of its own (otlp 0.26: the call returns the provider, registered by hand), with a
//! user sampler and a simple (not batch) export.

use opentelemetry::global;
use opentelemetry_sdk::trace::{Config, ShouldSample, TracerProvider};
use opentelemetry_sdk::Resource;

#[derive(Clone, Debug)]
pub struct DropHealthChecks;

impl ShouldSample for DropHealthChecks {
    fn should_sample(
        &self,
        _parent: Option<&opentelemetry::Context>,
        _trace_id: opentelemetry::trace::TraceId,
        name: &str,
        _kind: &opentelemetry::trace::SpanKind,
        _attributes: &[opentelemetry::KeyValue],
        _links: &[opentelemetry::trace::Link],
    ) -> opentelemetry::trace::SamplingResult {
        let decision = if name == "health" {
            opentelemetry::trace::SamplingDecision::Drop
        } else {
            opentelemetry::trace::SamplingDecision::RecordAndSample
        };
        opentelemetry::trace::SamplingResult {
            decision,
            attributes: Vec::new(),
            trace_state: Default::default(),
        }
    }
}

fn default_resource() -> Resource {
    Resource::new([opentelemetry::KeyValue::new("service.name", "llm.sentinel")])
}

pub fn install(runtime: &tokio::runtime::Runtime) -> TracerProvider {
    runtime.block_on(async {
        let tracer_cfg = Config::default()
            .with_sampler(DropHealthChecks)
            .with_resource(default_resource());
        let provider = opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic())
            .with_trace_config(tracer_cfg)
            .install_simple()
            .unwrap();
        global::set_tracer_provider(provider.clone());
        provider
    })
}
