#![deny(deprecated)]
//! The trace config is prepared in a local before the exporter and handed to the pipeline
//! whole (otlp 0.14: `install_batch` returns the tracer and registers the provider). On 0.27.1
//! `Config`'s setters and the builder's `with_config` are deprecated: the settings move onto
//! the provider builder and the local goes.

use anyhow::Context;
use opentelemetry::KeyValue;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::{self, Sampler, Tracer};
use opentelemetry_sdk::Resource;

pub struct Settings {
    pub endpoint: String,
    pub ratio: f64,
    pub version: String,
}

pub fn tracer(settings: &Settings) -> anyhow::Result<Tracer> {
    let resource = Resource::new([KeyValue::new("service.name", "llm.edge-agent.proxy")]);
    // Sample a share of the root spans; keep the version on every span.
    let trace_config = trace::config()
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            settings.ratio,
        ))))
        // long request traces carry many events
        .with_max_events_per_span(512)
        .with_resource(resource.merge(&Resource::new([KeyValue::new(
            "service.version",
            settings.version.clone(),
        )])));
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(&settings.endpoint);
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .with_trace_config(trace_config)
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .context("installing the trace pipeline")?;
    Ok(tracer)
}
