#![deny(deprecated)]
//! Exporter helpers in another module (a builder, and a fallible one chained with `and_then`)
//! on opentelemetry-otlp 0.14, where install_* returned a Tracer and registered the provider.

mod sampling;
mod telemetry;

use opentelemetry::trace::{TraceError, Tracer as _};
use opentelemetry_otlp::{Protocol, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::{runtime, trace as sdktrace};

/// A same-file helper choosing the transport, checking its input before the exporter exists.
fn chosen_exporter(endpoint: &str, http: bool) -> Result<SpanExporterBuilder, TraceError> {
    if http {
        if !endpoint.starts_with("http") {
            return Err(TraceError::from("the HTTP endpoint must be a URL"));
        }
        Ok(opentelemetry_otlp::new_exporter()
            .http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{endpoint}/v1/traces"))
            .into())
    } else {
        Ok(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint).into())
    }
}

fn chosen_tracer(endpoint: &str, http: bool) -> Option<sdktrace::Tracer> {
    let tracer = chosen_exporter(endpoint, http).and_then(|exporter| {
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .install_batch(runtime::Tokio)
    });
    tracer.ok()
}

fn batch_tracer(endpoint: &str) -> Result<sdktrace::Tracer, TraceError> {
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(telemetry::collector(endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

fn audit_tracer(endpoint: Option<&str>) -> Result<sdktrace::Tracer, TraceError> {
    telemetry::audit_exporter(endpoint).and_then(|exporter| {
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .install_simple()
    })
}

fn sampled_tracer(endpoint: &str) -> Result<sdktrace::Tracer, TraceError> {
    sampling::shared_sampler(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint)),
        0.25,
    )
    .install_batch(runtime::Tokio)
}

fn created_tracer(endpoint: &str) -> Result<sdktrace::Tracer, TraceError> {
    let tracer = sampling::batch_pipeline(endpoint).install_batch(runtime::Tokio)?;
    Ok(tracer)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tracer = batch_tracer("http://localhost:4317")?;
    tracer.in_span("work", |_| {});
    let audit = audit_tracer(Some("http://localhost:4318/v1/traces"))?;
    audit.in_span("audit", |_| {});
    if let Some(chosen) = chosen_tracer("http://localhost:4318", true) {
        chosen.in_span("chosen", |_| {});
    }
    sampled_tracer("http://localhost:4317")?.in_span("sampled", |_| {});
    telemetry::debug_tracer()?.in_span("debug", |_| {});
    created_tracer("http://localhost:4317")?.in_span("created", |_| {});
    telemetry::jobs_tracer().in_span("jobs", |_| {});
    Ok(())
}
