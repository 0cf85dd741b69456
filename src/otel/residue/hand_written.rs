//! The hand-written half of the residue table: what the generated item diff cannot see (a
//! call shape whose items all still exist, a crate that is gone as a whole), each entry with
//! the source that says so.

use crate::engine::finding::Severity;
use crate::otel::instruments::INSTRUMENT_BUILDERS;

/// Removed items no transform rewrites (a user's own use of them has no mechanical
/// replacement), with the code to write instead of the generic advice. Checked against the
/// last old version's source (`AttributeSet::from` keeps the last value of a repeated key and
/// sorts by key; the noop module held the no-op provider and instruments).
pub(super) const SUGGESTIONS: &[(&str, &str)] = &[
    ("opentelemetry_sdk::AttributeSet", ATTRIBUTE_SET),
    ("opentelemetry_sdk::metrics::AttributeSet", ATTRIBUTE_SET),
    (
        "opentelemetry::global::Error",
        "0.27 has no umbrella error: hold the error of the signal that produced it (`opentelemetry::trace::TraceError`, `opentelemetry_sdk::metrics::MetricError`, `opentelemetry_sdk::logs::LogError`, `opentelemetry::propagation::PropagationError`), one variant each, or a `Box<dyn std::error::Error + Send + Sync>`; a handler that matched on it moves to a `tracing` layer (0.27 reports internal errors as `tracing` events, `internal-logs` feature)",
    ),
    (
        "opentelemetry::logs::TraceContext",
        "set the record's trace context with the `LogRecord` trait (0.27): `record.set_trace_context(span_context.trace_id(), span_context.span_id(), Some(span_context.trace_flags()))` instead of assigning `trace_context = Some(TraceContext::from(..))`",
    ),
    (
        "opentelemetry_sdk::trace::XrayIdGenerator",
        "use `opentelemetry_aws::trace::XrayIdGenerator` (opentelemetry-aws 0.15 on the target, feature `trace`), which took its place",
    ),
    ("opentelemetry::metrics::ObservableGauge::observe", OBSERVE),
    ("opentelemetry::metrics::ObservableCounter::observe", OBSERVE),
    ("opentelemetry::metrics::ObservableUpDownCounter::observe", OBSERVE),
    (
        "opentelemetry::metrics::noop",
        "0.27 has no public no-op meter provider: where a provider that records nothing is needed, use `opentelemetry::global::meter_provider()` before any provider is installed (its default is the no-op), or `opentelemetry_sdk::metrics::SdkMeterProvider::builder().build()` (no reader: nothing is collected)",
    ),
];

const OBSERVE: &str = "in 0.27 an observable instrument reports only from its callback: observe there (`.with_callback(|observer| observer.observe(value, attributes))`, reading the value the code kept), or, to record a value when it happens, make it a synchronous instrument (`u64_gauge(..).build()` then `.record(value, attributes)`; `u64_counter` / `i64_up_down_counter` then `.add(..)`)";

const ATTRIBUTE_SET: &str = "0.27 has no public `AttributeSet`; to key your own storage by a set of attributes, build the key as `AttributeSet::from(kvs)` did — the last value of a repeated key, sorted by key: `let mut set: Vec<KeyValue> = Vec::new(); for kv in kvs.iter().rev() { if !set.iter().any(|s| s.key == kv.key) { set.push(kv.clone()); } } set.sort_by(|a, b| a.key.cmp(&b.key));` — and, since a 0.27 `KeyValue` has no `Hash`/`Eq`, keep the entries in a `Vec<(Vec<KeyValue>, V)>` found with `==` (or a newtype hashing each `key` and `value.as_str()`); where the set's `(key, value)` pairs were read, read `kv.key`/`kv.value`";

/// A crate that has no target version at all: every use of it is a site.
pub(super) struct WholeCrate {
    pub name: &'static str,
    /// The last supported old version.
    pub last: &'static str,
    pub message: &'static str,
}

pub(super) const WHOLE_CRATES: &[WholeCrate] = &[
    // https://github.com/open-telemetry/opentelemetry-rust/blob/v0.21.0/opentelemetry/CHANGELOG.md
    // ("opentelemetry_api merged into opentelemetry")
    WholeCrate {
        name: "opentelemetry_api",
        last: "0.20.0",
        message: "`opentelemetry_api` was merged into `opentelemetry` in 0.21",
    },
    // https://github.com/open-telemetry/opentelemetry-rust/blob/v0.22.0/opentelemetry-jaeger/CHANGELOG.md
    // (deprecated; the last release is 0.22, Jaeger takes OTLP)
    WholeCrate {
        name: "opentelemetry_jaeger",
        last: "0.22.0",
        message: "`opentelemetry_jaeger` has no 0.27 release (Jaeger accepts OTLP)",
    },
];

/// A method call whose receiver is a chain through one of `after`: a call shape the target
/// changed though each name still exists somewhere.
pub(super) struct MethodShape {
    pub method: &'static str,
    /// Earlier links of the chain that identify the receiver type.
    pub after: &'static [&'static str],
    /// The crate whose old versions have the shape, as the table names it.
    pub krate: &'static str,
    pub item: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub suggestion: &'static str,
}

pub(super) const METHOD_SHAPES: &[MethodShape] = &[
    // https://github.com/open-telemetry/opentelemetry-rust/blob/v0.27.0/opentelemetry/CHANGELOG.md
    // ("instrument builders: `init()` renamed to `build()`, `try_init()` removed")
    MethodShape {
        method: "init",
        after: INSTRUMENT_BUILDERS,
        krate: "opentelemetry",
        item: "opentelemetry::metrics::InstrumentBuilder::init",
        severity: Severity::Error,
        message: "`.init()` on an instrument builder is `.build()` in opentelemetry 0.27",
        suggestion: "call `.build()` instead",
    },
    MethodShape {
        method: "try_init",
        after: INSTRUMENT_BUILDERS,
        krate: "opentelemetry",
        item: "opentelemetry::metrics::InstrumentBuilder::try_init",
        severity: Severity::Error,
        message: "`.try_init()` on an instrument builder is gone in opentelemetry 0.27 (`.build()` cannot fail)",
        suggestion: "call `.build()` and drop the error handling",
    },
];

/// A method only a removed API has by that name: a call is a site even where the scan cannot
/// see its receiver's type (a pipeline or exporter builder handed over by a helper or a
/// parameter), in a file that names the crate.
pub(super) struct UniqueMethod {
    pub method: &'static str,
    /// The crate whose old versions have it, as the table names it.
    pub krate: &'static str,
    pub item: &'static str,
    pub message: &'static str,
}

// https://github.com/open-telemetry/opentelemetry-rust/blob/v0.27.0/opentelemetry-otlp/CHANGELOG.md
// ("`new_pipeline`/`new_exporter` and the pipeline builders removed; build exporters with
// `SpanExporter::builder()` & co"): the install and build calls of those builders went with them.
pub(super) const UNIQUE_METHODS: &[UniqueMethod] = &[
    UniqueMethod {
        method: "install_batch",
        krate: "opentelemetry_otlp",
        item: "opentelemetry_otlp::OtlpTracePipeline::install_batch",
        message: "`.install_batch(..)` of an OTLP pipeline is gone in opentelemetry-otlp 0.27 (build the provider with `with_batch_exporter`)",
    },
    UniqueMethod {
        method: "install_simple",
        krate: "opentelemetry_otlp",
        item: "opentelemetry_otlp::OtlpTracePipeline::install_simple",
        message: "`.install_simple()` of an OTLP pipeline is gone in opentelemetry-otlp 0.27 (build the provider with `with_simple_exporter`)",
    },
    UniqueMethod {
        method: "build_span_exporter",
        krate: "opentelemetry_otlp",
        item: "opentelemetry_otlp::TonicExporterBuilder::build_span_exporter",
        message: "`.build_span_exporter()` is gone in opentelemetry-otlp 0.27 (`SpanExporter::builder().with_tonic()…build()`)",
    },
    UniqueMethod {
        method: "build_metrics_exporter",
        krate: "opentelemetry_otlp",
        item: "opentelemetry_otlp::TonicExporterBuilder::build_metrics_exporter",
        message: "`.build_metrics_exporter(..)` is gone in opentelemetry-otlp 0.27 (`MetricExporter::builder().with_tonic()…build()`)",
    },
    UniqueMethod {
        method: "build_log_exporter",
        krate: "opentelemetry_otlp",
        item: "opentelemetry_otlp::TonicExporterBuilder::build_log_exporter",
        message: "`.build_log_exporter()` is gone in opentelemetry-otlp 0.27 (`LogExporter::builder().with_tonic()…build()`)",
    },
];

/// Crates whose own pipeline builders still have methods of those names: a file naming one
/// is left to the path checks (the receiver could be theirs).
pub(super) const SAME_METHOD_NAMES_ELSEWHERE: &[&str] = &[
    "opentelemetry_zipkin",
    "opentelemetry_datadog",
    "opentelemetry_application_insights",
    "opentelemetry_stackdriver",
    // Its Jaeger JSON file exporter keeps `install_batch()` on the target.
    "opentelemetry_contrib",
];

/// A `metrics` macro in its 0.21 value-carrying form, used as a statement:
/// `counter!("name", 1, "k" => "v");` (0.22 takes the value in a method of the handle).
pub(super) struct MacroShape {
    pub name: &'static str,
    /// What takes the value on 0.24.
    pub value_method: &'static str,
}

// https://github.com/metrics-rs/metrics/blob/main/metrics/CHANGELOG.md#0220---2023-12-24
// ("macros no longer take a value: `counter!(name).increment(value)`")
pub(super) const MACRO_SHAPES: &[MacroShape] = &[
    MacroShape {
        name: "counter",
        value_method: "increment",
    },
    MacroShape {
        name: "gauge",
        value_method: "set",
    },
    MacroShape {
        name: "histogram",
        value_method: "record",
    },
];

/// The last `metrics` version whose macros carry the value.
pub(super) const LAST_VALUE_CARRYING_METRICS: (u64, u64) = (0, 21);
