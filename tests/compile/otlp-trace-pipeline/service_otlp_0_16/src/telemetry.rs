use std::time::Duration;

use anyhow::Context;
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{Protocol as Wire, SpanExporterBuilder, TonicExporterBuilder, WithExportConfig};
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::{self as sdktrace, Sampler, Tracer};

use crate::config::{Config, Protocol};
use crate::exporters;

pub fn init(cfg: &Config) -> anyhow::Result<Tracer> {
    let exporter: SpanExporterBuilder = match cfg.protocol {
        Protocol::Grpc => opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(&cfg.endpoint)
            .into(),
        Protocol::HttpBinary => opentelemetry_otlp::new_exporter()
            .http()
            .with_protocol(Wire::HttpBinary)
            .with_endpoint(format!("{}/v1/traces", cfg.endpoint))
            .into(),
    };
    let mut pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter);
    if let Some(ratio) = cfg.sample_ratio {
        pipeline = pipeline
            .with_trace_config(sdktrace::config().with_sampler(Sampler::TraceIdRatioBased(ratio)));
    }
    let tracer = pipeline
        .install_batch(runtime::Tokio)
        .context("installing the trace pipeline")?;
    Ok(tracer)
}

pub fn audit(cfg: &Config) -> Result<Option<Tracer>, TraceError> {
    let Some(endpoint) = cfg.audit_endpoint.as_deref() else {
        return Ok(None);
    };
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporters::audit_collector(endpoint))
        .install_simple()?;
    Ok(Some(tracer))
}

/// The platform collector every signal of the service reports to.
fn platform_collector(cfg: &Config) -> TonicExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(&cfg.endpoint)
        .with_timeout(Duration::from_secs(3))
}

/// Traces, metrics and logs to the platform collector, through one exporter helper.
pub fn platform(cfg: &Config) -> anyhow::Result<(Tracer, SdkMeterProvider, LoggerProvider)> {
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(platform_collector(cfg))
        .install_batch(runtime::Tokio)
        .context("installing the platform trace pipeline")?;
    let meters = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(platform_collector(cfg))
        .with_delta_temporality()
        .with_period(Duration::from_secs(15))
        .build()?;
    let logs = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(platform_collector(cfg))
        .install_batch(runtime::Tokio)?;
    Ok((tracer, meters, logs))
}
