//! The 0.27 bootstrap `otel-migrate adopt` gives a tracing-only service: the canonical
//! dependencies and the `telemetry` module (the report's §4.5 bootstrap sequence in the API that
//! compiles on 0.27: OTLP/gRPC exporter, resource, sampler, batch processor, W3C propagator,
//! tracing layer, and a guard whose `Drop` shuts the provider down). With a target past 0.27
//! (`adopt --to`), the same module in the API of releases 0.28 … 0.33 ([`LADDER_EDITS`]) and the
//! versions of the target's release set (`ladder::pairing`).

use std::borrow::Cow;

use crate::otel::ladder::pairing::release_set;

/// The first line of a generated module: `adopt` recognizes its own work by it.
pub const MARKER: &str =
    "//! OpenTelemetry tracing for this service, written by `otel-migrate adopt`.";

/// A dependency `adopt` adds: name, and its value as written in a `[dependencies]` table.
#[derive(Debug, Clone)]
pub struct CanonicalDep {
    pub name: &'static str,
    pub value: Cow<'static, str>,
}

/// What the generated module needs, in the order written.
pub const DEPENDENCIES: &[CanonicalDep] = &[
    CanonicalDep {
        name: "opentelemetry",
        value: Cow::Borrowed("\"0.27\""),
    },
    // 0.27.1: the TracerProvider builder setters (`with_resource`, `with_sampler`) are new there.
    CanonicalDep {
        name: "opentelemetry_sdk",
        value: Cow::Borrowed("{ version = \"0.27.1\", features = [\"rt-tokio\"] }"),
    },
    CanonicalDep {
        name: "opentelemetry-otlp",
        value: Cow::Borrowed("{ version = \"0.27\", features = [\"grpc-tonic\", \"trace\"] }"),
    },
    // tracing-opentelemetry 0.(N+1) is the one built on opentelemetry 0.N.
    CanonicalDep {
        name: "tracing-opentelemetry",
        value: Cow::Borrowed("\"0.28\""),
    },
];

/// Added when the crate has no tokio dependency: the module owns a runtime when `init` is
/// called outside one.
pub const TOKIO: CanonicalDep = CanonicalDep {
    name: "tokio",
    value: Cow::Borrowed("{ version = \"1\", features = [\"rt-multi-thread\"] }"),
};

/// The dependencies of the module on the release set of `minor` (27: [`DEPENDENCIES`]).
pub fn dependencies(minor: u64) -> Vec<CanonicalDep> {
    let Some(set) = release_set(minor) else {
        return DEPENDENCIES.to_vec();
    };
    let version = |name: &str| {
        set.family_version(&name.replace('_', "-"))
            .flatten()
            .expect("every release set has the bootstrap's crates")
    };
    vec![
        CanonicalDep {
            name: "opentelemetry",
            value: format!("\"{}\"", version("opentelemetry")).into(),
        },
        // Since 0.28 the batch processor runs on its own thread: no runtime feature.
        CanonicalDep {
            name: "opentelemetry_sdk",
            value: format!("\"{}\"", version("opentelemetry_sdk")).into(),
        },
        CanonicalDep {
            name: "opentelemetry-otlp",
            value: format!(
                "{{ version = \"{}\", features = [\"grpc-tonic\", \"trace\"] }}",
                version("opentelemetry-otlp")
            )
            .into(),
        },
        CanonicalDep {
            name: "tracing-opentelemetry",
            value: format!("\"{}\"", version("tracing-opentelemetry")).into(),
        },
    ]
}

/// The module text (LF line endings) for a service called `service_name`.
pub fn telemetry_module(service_name: &str) -> String {
    telemetry_module_for(service_name, crate::otel::ladder::DEFAULT)
}

/// The module text on the release set of `minor`: the 0.27 module, with [`LADDER_EDITS`]
/// past 0.27 (one text serves 0.28 … 0.33).
pub fn telemetry_module_for(service_name: &str, minor: u64) -> String {
    let mut text = TEMPLATE.to_string();
    if minor > crate::otel::ladder::DEFAULT {
        for (old, new) in LADDER_EDITS {
            text = text.replacen(old, new, 1);
        }
    }
    text.replace("{SERVICE_NAME}", service_name)
}

/// The module's changes from 0.27 to 0.28 … 0.33 (otel-ladder.md §3.1, §3.2): the provider's
/// new name, no runtime argument, the resource builder, and the module's own setup error (the
/// exporter's build error type changed at 0.29 and `TraceError` moved, then went, at 0.32).
pub const LADDER_EDITS: &[(&str, &str)] = &[
    (
        "use opentelemetry::trace::{TraceError, TracerProvider as _};",
        "use opentelemetry::trace::TracerProvider as _;",
    ),
    (
        "    BatchConfigBuilder, BatchSpanProcessor, Sampler, Tracer, TracerProvider,\n",
        "    BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracerProvider, Tracer,\n",
    ),
    (
        "use opentelemetry_sdk::{runtime, Resource};",
        "use opentelemetry_sdk::Resource;",
    ),
    (
        "const DEFAULT_ENDPOINT: &str = \"http://localhost:4317\";\n",
        concat!(
            "const DEFAULT_ENDPOINT: &str = \"http://localhost:4317\";\n",
            "\n",
            "/// A setup failure: building the exporter (its error type changes between releases) or\n",
            "/// the runtime.\n",
            "#[derive(Debug)]\n",
            "pub struct Error(Box<dyn std::error::Error + Send + Sync>);\n",
            "\n",
            "impl Error {\n",
            "    fn new(err: impl std::error::Error + Send + Sync + 'static) -> Error {\n",
            "        Error(Box::new(err))\n",
            "    }\n",
            "}\n",
            "\n",
            "impl std::fmt::Display for Error {\n",
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n",
            "        write!(f, \"telemetry setup failed: {}\", self.0)\n",
            "    }\n",
            "}\n",
            "\n",
            "impl std::error::Error for Error {\n",
            "    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {\n",
            "        Some(&*self.0)\n",
            "    }\n",
            "}\n",
        ),
    ),
    ("    provider: TracerProvider,", "    provider: SdkTracerProvider,"),
    (
        "pub fn init() -> Result<TelemetryGuard, TraceError> {",
        "pub fn init() -> Result<TelemetryGuard, Error> {",
    ),
    (
        "    // The batch processor and the gRPC channel spawn tasks on Tokio: the caller's runtime, or\n    // a small one of our own when there is none yet.",
        "    // The gRPC channel spawns its tasks on Tokio: the caller's runtime, or a small one of our\n    // own when there is none yet (the batch processor runs on its own thread).",
    ),
    (
        ".map_err(|err| TraceError::Other(Box::new(err)))?,",
        ".map_err(Error::new)?,",
    ),
    (
        "        .with_timeout(Duration::from_secs(10))\n        .build()?;",
        "        .with_timeout(Duration::from_secs(10))\n        .build()\n        .map_err(Error::new)?;",
    ),
    (
        "fn tracer_provider() -> Result<TracerProvider, TraceError> {",
        "fn tracer_provider() -> Result<SdkTracerProvider, Error> {",
    ),
    (
        "BatchSpanProcessor::builder(exporter, runtime::Tokio)",
        "BatchSpanProcessor::builder(exporter)",
    ),
    ("    Ok(TracerProvider::builder()", "    Ok(SdkTracerProvider::builder()"),
    (
        "    Resource::new([\n        KeyValue::new(\"service.name\", SERVICE_NAME),\n        KeyValue::new(\"service.version\", env!(\"CARGO_PKG_VERSION\")),\n        KeyValue::new(\"deployment.environment\", environment),\n    ])\n",
        "    Resource::builder_empty()\n        .with_attributes([\n            KeyValue::new(\"service.name\", SERVICE_NAME),\n            KeyValue::new(\"service.version\", env!(\"CARGO_PKG_VERSION\")),\n            KeyValue::new(\"deployment.environment\", environment),\n        ])\n        .build()\n",
    ),
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ladder_edit_applies_exactly_once() {
        for (old, _) in LADDER_EDITS {
            assert_eq!(TEMPLATE.matches(old).count(), 1, "{old}");
        }
        let newer = telemetry_module_for("llm.svc", 33);
        for gone in [
            "TraceError",
            "runtime::Tokio",
            "Resource::new",
            " TracerProvider,",
        ] {
            assert!(!newer.contains(gone), "{gone} left in:\n{newer}");
        }
        assert_eq!(
            telemetry_module("llm.svc"),
            telemetry_module_for("llm.svc", 27)
        );
    }

    #[test]
    fn dependencies_follow_the_pairing_table() {
        let latest: Vec<String> = dependencies(33)
            .iter()
            .map(|d| format!("{} = {}", d.name, d.value))
            .collect();
        assert_eq!(
            latest,
            [
                "opentelemetry = \"0.33.1\"",
                "opentelemetry_sdk = \"0.33.1\"",
                "opentelemetry-otlp = { version = \"0.33.1\", features = [\"grpc-tonic\", \"trace\"] }",
                "tracing-opentelemetry = \"0.34\"",
            ]
        );
        assert_eq!(dependencies(27)[0].value, "\"0.27\"");
    }
}
