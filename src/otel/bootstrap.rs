//! The 0.27 bootstrap `otel-migrate adopt` gives a tracing-only service: the canonical
//! dependencies and the `telemetry` module (the report's §4.5 bootstrap sequence in the API that
//! compiles on 0.27: OTLP/gRPC exporter, resource, sampler, batch processor, W3C propagator,
//! tracing layer, and a guard whose `Drop` shuts the provider down).

/// The first line of a generated module: `adopt` recognizes its own work by it.
pub const MARKER: &str =
    "//! OpenTelemetry tracing for this service, written by `otel-migrate adopt`.";

/// A dependency `adopt` adds: name, and its value as written in a `[dependencies]` table.
pub struct CanonicalDep {
    pub name: &'static str,
    pub value: &'static str,
}

/// What the generated module needs, in the order written.
pub const DEPENDENCIES: &[CanonicalDep] = &[
    CanonicalDep {
        name: "opentelemetry",
        value: "\"0.27\"",
    },
    // 0.27.1: the TracerProvider builder setters (`with_resource`, `with_sampler`) are new there.
    CanonicalDep {
        name: "opentelemetry_sdk",
        value: "{ version = \"0.27.1\", features = [\"rt-tokio\"] }",
    },
    CanonicalDep {
        name: "opentelemetry-otlp",
        value: "{ version = \"0.27\", features = [\"grpc-tonic\", \"trace\"] }",
    },
    // tracing-opentelemetry 0.(N+1) is the one built on opentelemetry 0.N.
    CanonicalDep {
        name: "tracing-opentelemetry",
        value: "\"0.28\"",
    },
];

/// Added when the crate has no tokio dependency: the module owns a runtime when `init` is
/// called outside one.
pub const TOKIO: CanonicalDep = CanonicalDep {
    name: "tokio",
    value: "{ version = \"1\", features = [\"rt-multi-thread\"] }",
};

/// The module text (LF line endings) for a service called `service_name`.
pub fn telemetry_module(service_name: &str) -> String {
    TEMPLATE.replace("{SERVICE_NAME}", service_name)
}

const TEMPLATE: &str = r#"//! OpenTelemetry tracing for this service, written by `otel-migrate adopt`.
//!
//! Spans go over OTLP/gRPC to `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4317`),
//! sampled at the ratio in `OTEL_TRACES_SAMPLER_ARG` (default 1.0, parent-based), with the
//! W3C trace-context propagator. [`init`] returns a guard: keep it alive in `main`; dropping it
//! flushes the pending spans and shuts the tracer provider down.

use std::time::Duration;

use opentelemetry::trace::{TraceError, TracerProvider as _};
use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, Sampler, Tracer, TracerProvider,
};
use opentelemetry_sdk::{runtime, Resource};
use tracing_opentelemetry::OpenTelemetryLayer;
use tracing_subscriber::registry::LookupSpan;

/// `service.name`, by the naming convention `llm.{component}[.{subcomponent}]`.
pub const SERVICE_NAME: &str = "{SERVICE_NAME}";

const DEFAULT_ENDPOINT: &str = "http://localhost:4317";

/// Keeps the tracer provider alive; dropping it shuts the provider down.
pub struct TelemetryGuard {
    provider: TracerProvider,
    tracer: Tracer,
    // The runtime the exporter runs on when `init` was called outside of a Tokio runtime;
    // declared last so it outlives the provider's shutdown.
    _runtime: Option<tokio::runtime::Runtime>,
}

impl TelemetryGuard {
    /// The `tracing` layer that records spans with OpenTelemetry.
    pub fn layer<S>(&self) -> OpenTelemetryLayer<S, Tracer>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.tracer.clone())
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Err(err) = self.provider.shutdown() {
            eprintln!("telemetry: shutting down the tracer provider failed: {err}");
        }
    }
}

/// Builds the tracer provider, registers it and the propagator globally, and returns the
/// guard that owns them.
pub fn init() -> Result<TelemetryGuard, TraceError> {
    // The batch processor and the gRPC channel spawn tasks on Tokio: the caller's runtime, or
    // a small one of our own when there is none yet.
    let own_runtime = match tokio::runtime::Handle::try_current() {
        Ok(_) => None,
        Err(_) => Some(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("otel-export")
                .enable_all()
                .build()
                .map_err(|err| TraceError::Other(Box::new(err)))?,
        ),
    };
    let provider = match &own_runtime {
        Some(rt) => {
            let _entered = rt.enter();
            tracer_provider()?
        }
        None => tracer_provider()?,
    };
    global::set_text_map_propagator(TraceContextPropagator::new());
    global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer(SERVICE_NAME);
    Ok(TelemetryGuard {
        provider,
        tracer,
        _runtime: own_runtime,
    })
}

fn tracer_provider() -> Result<TracerProvider, TraceError> {
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .unwrap_or_else(|_| DEFAULT_ENDPOINT.to_string());
    let exporter = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .with_timeout(Duration::from_secs(10))
        .build()?;
    let batch = BatchConfigBuilder::default()
        .with_max_queue_size(4096)
        .with_max_export_batch_size(512)
        .with_scheduled_delay(Duration::from_secs(5))
        .build();
    let processor = BatchSpanProcessor::builder(exporter, runtime::Tokio)
        .with_batch_config(batch)
        .build();
    Ok(TracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            sampling_ratio(),
        ))))
        .with_resource(resource())
        .build())
}

fn resource() -> Resource {
    let environment =
        std::env::var("DEPLOYMENT_ENVIRONMENT").unwrap_or_else(|_| "development".to_string());
    Resource::new([
        KeyValue::new("service.name", SERVICE_NAME),
        KeyValue::new("service.version", env!("CARGO_PKG_VERSION")),
        KeyValue::new("deployment.environment", environment),
    ])
}

/// `OTEL_TRACES_SAMPLER_ARG` as a ratio in 0..=1; 1.0 when unset or invalid.
fn sampling_ratio() -> f64 {
    std::env::var("OTEL_TRACES_SAMPLER_ARG")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|r| (0.0..=1.0).contains(r))
        .unwrap_or(1.0)
}
"#;
