#![deny(deprecated)]
//! opentelemetry-otlp 0.14: install_batch returned a Tracer and registered the provider globally.

use opentelemetry::trace::TraceError;
use opentelemetry::KeyValue;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{runtime, trace as sdktrace, Resource};
use tracing_subscriber::prelude::*;

fn init_tracer() -> Result<sdktrace::Tracer, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint("http://localhost:4317"))
        .with_trace_config(
            sdktrace::config()
                .with_sampler(sdktrace::Sampler::AlwaysOn)
                .with_resource(Resource::new(vec![KeyValue::new("service.name", "otlp-14")])),
        )
        .install_batch(runtime::Tokio)
}

// A builder handed to a helper that sets the options every service shares (issue 15, shape 5).
fn with_collector(
    builder: opentelemetry_otlp::TonicExporterBuilder,
    endpoint: &str,
) -> opentelemetry_otlp::TonicExporterBuilder {
    builder
        .with_endpoint(endpoint)
        .with_timeout(std::time::Duration::from_secs(3))
}

fn over_http(http: opentelemetry_otlp::HttpExporterBuilder) -> opentelemetry_otlp::HttpExporterBuilder {
    http.with_endpoint("http://localhost:4318/v1/traces")
}

fn customized() -> Result<sdktrace::Tracer, TraceError> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(with_collector(opentelemetry_otlp::new_exporter().tonic(), "http://localhost:4317"))
        .install_batch(runtime::Tokio)
}

fn customized_http() -> anyhow::Result<()> {
    let _provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(over_http(opentelemetry_otlp::new_exporter().http()))
        .install_simple()?;
    Ok(())
}

// Each `match` arm grows its own builder in a local, extended under conditions (issue 15).
fn built_up_in_arms(http: bool, timeout: Option<std::time::Duration>) -> Result<sdktrace::Tracer, TraceError> {
    let exporter: opentelemetry_otlp::SpanExporterBuilder = match http {
        false => {
            let mut builder = opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint("http://localhost:4317");
            builder = if let Some(t) = timeout {
                builder.with_timeout(t)
            } else {
                builder
            };
            builder.into()
        }
        true => {
            let mut builder = opentelemetry_otlp::new_exporter().http();
            builder = match timeout {
                Some(t) => builder.with_timeout(t),
                None => builder,
            };
            let mut headers = std::collections::HashMap::new();
            headers.insert("x-tenant".to_string(), "demo".to_string());
            builder = builder.with_headers(headers);
            builder.into()
        }
    };
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)
}

fn with_deadline(
    builder: opentelemetry_otlp::TonicExporterBuilder,
    deadline: std::time::Duration,
) -> opentelemetry_otlp::TonicExporterBuilder {
    builder.with_timeout(deadline)
}

// The customized builder kept in a local, then extended under a condition.
fn customized_in_local(slow: bool) -> Result<sdktrace::Tracer, TraceError> {
    let mut exporter = with_deadline(
        opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint("http://localhost:4317"),
        std::time::Duration::from_secs(3),
    );
    if slow {
        exporter = exporter.with_timeout(std::time::Duration::from_secs(10));
    }
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)
}

// A private function adds the shared sampler to the pipeline; it and its callers change
// together (issue 15, shape 5).
fn with_shared_sampler(
    pipeline: opentelemetry_otlp::OtlpTracePipeline<opentelemetry_otlp::SpanExporterBuilder>,
    ratio: f64,
) -> opentelemetry_otlp::OtlpTracePipeline<opentelemetry_otlp::SpanExporterBuilder> {
    pipeline.with_trace_config(sdktrace::config().with_sampler(sdktrace::Sampler::TraceIdRatioBased(ratio)))
}

fn sampled() -> Result<sdktrace::Tracer, TraceError> {
    let pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic());
    with_shared_sampler(pipeline, 0.5).install_batch(runtime::Tokio)
}

fn sampled_simple() -> anyhow::Result<()> {
    let _simple = with_shared_sampler(
        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().http()),
        1.0,
    )
    .install_simple()?;
    Ok(())
}

// One function sets the pipeline up, its callers install it (issue 15, shape 5).
fn created(
    endpoint: &str,
) -> opentelemetry_otlp::OtlpTracePipeline<opentelemetry_otlp::SpanExporterBuilder> {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
        .with_trace_config(sdktrace::config().with_sampler(sdktrace::Sampler::AlwaysOn))
}

fn install_created() -> Result<sdktrace::Tracer, TraceError> {
    created("http://localhost:4317").install_batch(runtime::Tokio)
}

// A helper wrapping each transport's builder in the old `SpanExporterBuilder` enum (issue 15,
// the greptimedb shape); the site unwraps with `.expect(..)`.
fn enum_exporter(grpc: bool) -> opentelemetry_otlp::SpanExporterBuilder {
    let endpoint = if grpc { "http://localhost:4317" } else { "http://localhost:4318/v1/traces" };
    match grpc {
        true => opentelemetry_otlp::SpanExporterBuilder::Tonic(
            opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint),
        ),
        false => opentelemetry_otlp::SpanExporterBuilder::Http(
            opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint),
        ),
    }
}

fn enum_tracer(grpc: bool) -> sdktrace::Tracer {
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(enum_exporter(grpc))
        .install_batch(runtime::Tokio)
        .expect("span pipeline")
}

// Started in one `let`, finished by a shadowing `let` after unrelated statements (issue 15,
// the kanidm shape).
fn shadowed_tracer(endpoint: &str) -> Result<sdktrace::Tracer, String> {
    let tracer = opentelemetry_otlp::new_pipeline().tracing().with_exporter(
        opentelemetry_otlp::new_exporter()
            .tonic()
            .with_endpoint(endpoint)
            .with_timeout(std::time::Duration::from_secs(5)),
    );
    let version = format!("{}-dev", env!("CARGO_PKG_VERSION"));
    let tracer = tracer
        .with_trace_config(
            sdktrace::config()
                .with_sampler(sdktrace::Sampler::AlwaysOn)
                .with_resource(Resource::new(vec![KeyValue::new("service.version", version)])),
        )
        .install_batch(runtime::Tokio)
        .map_err(|err| format!("OTLP pipeline: {err:?}"))?;
    Ok(tracer)
}

// The exporter is chosen by a shadowing `let` whose branches each hand the pipeline one (one
// built in a block that can fail early), then a shadowing `let` installs it (issue 15, corpus:
// openobserve on otlp 0.15, which still returned the `Tracer`).
fn exporter_per_branch(endpoint: &str, tenant: &str) -> anyhow::Result<sdktrace::Tracer> {
    let tracer = opentelemetry_otlp::new_pipeline().tracing();
    let tracer = if endpoint.starts_with("https") {
        tracer.with_exporter({
            let mut headers = std::collections::HashMap::new();
            headers.insert("x-tenant".to_string(), tenant.to_string());
            let retries: u8 = std::env::var("OTLP_RETRIES").unwrap_or("1".into()).parse()?;
            headers.insert("x-retries".to_string(), retries.to_string());
            opentelemetry_otlp::new_exporter()
                .http()
                .with_endpoint(format!("{endpoint}/v1/traces"))
                .with_headers(headers)
        })
    } else {
        tracer.with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
    };
    let tracer = tracer
        .with_trace_config(
            sdktrace::config().with_resource(Resource::new(vec![KeyValue::new("service.name", "otlp-14")])),
        )
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

// The exporter is chosen into the old builder enum, then adjusted per transport by matching on
// its variants (issue 15, corpus: spin 0.22).
fn refined_per_variant(grpc: bool) -> anyhow::Result<sdktrace::Tracer> {
    let mut exporter: opentelemetry_otlp::SpanExporterBuilder = if grpc {
        opentelemetry_otlp::new_exporter().tonic().into()
    } else {
        opentelemetry_otlp::new_exporter()
            .http()
            .with_timeout(std::time::Duration::from_secs(3))
            .into()
    };
    if let Ok(url) = std::env::var("COLLECTOR_URL") {
        match exporter {
            opentelemetry_otlp::SpanExporterBuilder::Tonic(inner) => {
                exporter = inner.with_endpoint(url).into()
            }
            opentelemetry_otlp::SpanExporterBuilder::Http(inner) => {
                exporter = inner.with_endpoint(format!("{url}/v1/traces")).into()
            }
            _ => {}
        }
    }
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _per_branch = exporter_per_branch("http://localhost:4317", "default")?;
    let _refined = refined_per_variant(true)?;
    let _sampled = sampled()?;
    sampled_simple()?;
    let _created = install_created()?;
    let _again = created("http://localhost:4318").install_batch(runtime::Tokio)?;
    let _customized = customized()?;
    customized_http()?;
    let _in_local = customized_in_local(false)?;
    let _arms = built_up_in_arms(false, None)?;
    let _from_enum = enum_tracer(false);
    let _shadowed = shadowed_tracer("http://localhost:4317").map_err(anyhow::Error::msg)?;
    let tracer = init_tracer()?;
    let simple = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint("http://localhost:4318/v1/traces"))
        .install_simple()
        .map_err(|e| anyhow::anyhow!("tracer: {e}"))?;
    drop(simple);
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("hello");
    opentelemetry::global::shutdown_tracer_provider();
    Ok(())
}
