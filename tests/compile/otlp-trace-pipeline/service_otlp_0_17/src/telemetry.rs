use std::time::Duration;

use anyhow::Context;
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{Protocol as Wire, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::{self as sdktrace, Sampler, TracerProvider};

use crate::config::{Config, Protocol};
use crate::exporters;

pub fn init(cfg: &Config) -> anyhow::Result<TracerProvider> {
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
    let provider = pipeline
        .install_batch(runtime::Tokio)
        .context("installing the trace pipeline")?;
    Ok(provider)
}

pub fn audit(cfg: &Config) -> Result<Option<TracerProvider>, TraceError> {
    let Some(endpoint) = cfg.audit_endpoint.as_deref() else {
        return Ok(None);
    };
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporters::audit_collector(endpoint))
        .install_simple()?;
    Ok(Some(provider))
}

/// Traces and metrics to the platform collector, through one exporter helper of another file.
pub fn platform(cfg: &Config) -> anyhow::Result<(TracerProvider, SdkMeterProvider)> {
    let traces = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporters::platform_collector(&cfg.endpoint))
        .install_batch(runtime::Tokio)
        .context("installing the platform trace pipeline")?;
    let meters = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(exporters::platform_collector(&cfg.endpoint))
        .with_period(Duration::from_secs(15))
        .build()?;
    Ok((traces, meters))
}
