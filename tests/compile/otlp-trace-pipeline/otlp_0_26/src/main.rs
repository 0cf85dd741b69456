#![deny(deprecated)]
//! opentelemetry-otlp 0.26 trace pipelines: match on a protocol string, statements, a built exporter.

use std::time::Duration;

use opentelemetry::trace::{TraceError, TracerProvider as _};
use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::{self as sdktrace, BatchConfigBuilder, Sampler, TracerProvider};
use opentelemetry_sdk::{runtime, Resource};
use tracing_subscriber::prelude::*;

fn provider_for(protocol: &str, endpoint: &str) -> Result<TracerProvider, TraceError> {
    match protocol {
        "http/protobuf" => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .http()
                    .with_protocol(Protocol::HttpBinary)
                    .with_endpoint(format!("{endpoint}/v1/traces")),
            )
            .with_trace_config(sdktrace::Config::default().with_resource(Resource::new(vec![
                KeyValue::new("service.name", "demo"),
            ])))
            .install_batch(runtime::Tokio),
        _ => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .tonic()
                    .with_endpoint(endpoint)
                    .with_timeout(Duration::from_secs(5)),
            )
            .install_batch(runtime::Tokio),
    }
}

fn exporter() -> Result<opentelemetry_otlp::SpanExporter, TraceError> {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint("http://localhost:4317")
        .build_span_exporter()
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

fn customized() -> Result<TracerProvider, TraceError> {
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
fn built_up_in_arms(http: bool, timeout: Option<std::time::Duration>) -> Result<TracerProvider, TraceError> {
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
fn customized_in_local(slow: bool) -> Result<TracerProvider, TraceError> {
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
    pipeline.with_trace_config(sdktrace::Config::default().with_sampler(sdktrace::Sampler::TraceIdRatioBased(ratio)))
}

fn sampled() -> Result<TracerProvider, TraceError> {
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
        .with_trace_config(sdktrace::Config::default().with_sampler(sdktrace::Sampler::AlwaysOn))
}

fn install_created() -> Result<TracerProvider, TraceError> {
    created("http://localhost:4317").install_batch(runtime::Tokio)
}

// A helper wrapping each transport's builder in the old `SpanExporterBuilder` enum (issue 15,
// the greptimedb shape); the site propagates with `?`.
fn enum_exporter(grpc: bool, endpoint: String) -> opentelemetry_otlp::SpanExporterBuilder {
    if grpc {
        opentelemetry_otlp::SpanExporterBuilder::Tonic(
            opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint),
        )
    } else {
        opentelemetry_otlp::SpanExporterBuilder::Http(
            opentelemetry_otlp::new_exporter()
                .http()
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(endpoint),
        )
    }
}

fn enum_provider(grpc: bool) -> Result<TracerProvider, TraceError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(enum_exporter(grpc, "http://localhost:4318/v1/traces".to_string()))
        .install_simple()?;
    Ok(provider)
}

// The exporter chosen into the old enum by a typed `let`, one arm refusing with `bail!`
// (issue 15 shape 3, the spin shape).
fn typed_choice(wire: &str) -> anyhow::Result<TracerProvider> {
    let builder: opentelemetry_otlp::SpanExporterBuilder = match wire {
        "grpc" => opentelemetry_otlp::new_exporter().tonic().into(),
        "http/protobuf" => opentelemetry_otlp::new_exporter().http().into(),
        other => anyhow::bail!("OTLP over {other} is not supported"),
    };
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(builder)
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

// Span exporters built through the old enum, handed to the provider by hand (the restate
// and surrealdb shapes).
fn through_the_enum(endpoint: &str) -> Result<TracerProvider, TraceError> {
    let converted = opentelemetry_otlp::SpanExporterBuilder::from(
        opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint), // gRPC
    )
    .build_span_exporter()?;
    let http = opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint);
    let variant = opentelemetry_otlp::SpanExporterBuilder::Http(http).build_span_exporter()?;
    Ok(TracerProvider::builder()
        .with_batch_exporter(converted, runtime::Tokio)
        .with_simple_exporter(variant)
        .build())
}

/// A tracer named with a version on the provider a `match` of pipelines yields through
/// `.expect(..)` (each arm a transport), and one chained straight onto the installed provider.
fn scoped_tracers(http: bool, endpoint: &str) -> (opentelemetry_sdk::trace::Tracer, opentelemetry_sdk::trace::Tracer) {
    let chosen = match http {
        true => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint))
            .install_batch(runtime::Tokio)
            .expect("http tracer provider"),
        false => opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint))
            .install_batch(runtime::Tokio)
            .expect("grpc tracer provider"),
    };
    let versioned = chosen
        .tracer_builder("demo.versioned")
        .with_version(env!("CARGO_PKG_VERSION"))
        .build();
    let chained = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_batch(runtime::Tokio)
        .expect("tracer provider")
        .tracer_builder("demo.chained")
        .build();
    (versioned, chained)
}

// Where the telemetry goes, read from the service's settings.
struct Collector {
    grpc: String,
    http: String,
    tenant: String,
    timeout_ms: String,
}

// The exporter is chosen by a shadowing `let` whose branches each hand the pipeline one (the
// HTTP one built in a block that can fail early); shadowing `let`s then add the trace config
// and install it (issue 15, corpus: openobserve).
fn exporter_per_branch(collector: &Collector) -> anyhow::Result<TracerProvider> {
    let pipeline = opentelemetry_otlp::new_pipeline().tracing();
    let pipeline = if collector.grpc.is_empty() {
        pipeline.with_exporter({
            let mut headers = std::collections::HashMap::new();
            headers.insert("x-tenant".to_string(), collector.tenant.clone());
            let timeout = Duration::from_millis(collector.timeout_ms.parse()?);
            opentelemetry_otlp::new_exporter()
                .http()
                .with_endpoint(&collector.http)
                .with_headers(headers)
                .with_timeout(timeout)
        })
    } else {
        pipeline.with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(&collector.grpc)
                .with_protocol(Protocol::Grpc),
        )
    };
    let pipeline = pipeline.with_trace_config(
        sdktrace::Config::default()
            .with_resource(Resource::new(vec![KeyValue::new("service.name", "demo")])),
    );
    let provider = pipeline.install_batch(runtime::Tokio)?;
    Ok(provider)
}

// The exporter is chosen into the old builder enum, then adjusted per transport by matching on
// its variants (issue 15, corpus: spin).
fn refined_per_variant(grpc: bool) -> anyhow::Result<TracerProvider> {
    let mut exporter: opentelemetry_otlp::SpanExporterBuilder = if grpc {
        opentelemetry_otlp::new_exporter().tonic().into()
    } else {
        opentelemetry_otlp::new_exporter().http().into()
    };
    if let Ok(url) = std::env::var("COLLECTOR_URL") {
        match exporter {
            opentelemetry_otlp::SpanExporterBuilder::Tonic(inner) => {
                exporter = inner.with_endpoint(url).with_timeout(Duration::from_secs(3)).into()
            }
            opentelemetry_otlp::SpanExporterBuilder::Http(inner) => {
                exporter = inner.with_endpoint(format!("{url}/v1/traces")).into()
            }
            _ => {}
        }
    }
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

pub enum Destination {
    Nowhere,
    Terminal,
    Agent,
}

fn terminal_provider() -> TracerProvider {
    TracerProvider::builder().build()
}

fn agent_provider(endpoint: &str) -> anyhow::Result<TracerProvider> {
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(provider)
}

/// The provider is chosen among this file's functions (read by their return types), one arm
/// returning early; the tracer is named with a version on it, then the provider goes global.
fn destination_tracer(
    destination: Destination,
    endpoint: &str,
) -> anyhow::Result<Option<opentelemetry_sdk::trace::Tracer>> {
    let provider = match destination {
        Destination::Nowhere => return Ok(None),
        Destination::Terminal => terminal_provider(),
        Destination::Agent => agent_provider(endpoint)?,
    };
    let tracer = provider
        .tracer_builder(env!("CARGO_PKG_NAME"))
        .with_version(env!("CARGO_PKG_VERSION"))
        .build();
    global::set_tracer_provider(provider);
    Ok(Some(tracer))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _scoped = scoped_tracers(false, "http://localhost:4317");
    let _destination = destination_tracer(Destination::Terminal, "http://localhost:4318/v1/traces")?;
    let _refined = refined_per_variant(false)?;
    let _per_branch = exporter_per_branch(&Collector {
        grpc: String::new(),
        http: "http://localhost:4318/v1/traces".to_string(),
        tenant: "default".to_string(),
        timeout_ms: "3000".to_string(),
    })?;
    let _enum = through_the_enum("http://localhost:4317")?;
    let _typed = typed_choice("grpc")?;
    let _sampled = sampled()?;
    sampled_simple()?;
    let _created = install_created()?;
    let _again = created("http://localhost:4318").install_batch(runtime::Tokio)?;
    let _customized = customized()?;
    customized_http()?;
    let _in_local = customized_in_local(false)?;
    let _arms = built_up_in_arms(false, None)?;
    let _from_enum = enum_provider(false)?;
    let _spare = exporter()?;
    let _http = provider_for("http/protobuf", "http://localhost:4318")?;
    let provider = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                // the local collector
                .with_endpoint("http://localhost:4317"),
        )
        .with_trace_config(
            sdktrace::Config::default()
                .with_sampler(Sampler::TraceIdRatioBased(0.5))
                .with_max_events_per_span(64),
        )
        .with_batch_config(BatchConfigBuilder::default().with_max_queue_size(4096).build())
        .install_batch(runtime::Tokio)
        .expect("tracer provider");
    global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer("demo");
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();
    tracing::info!("hello");
    provider.shutdown()?;
    Ok(())
}
