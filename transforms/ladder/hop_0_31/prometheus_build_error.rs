//! # hop-0-31-prometheus-build-error
//!
//! ## What it does
//! With `--to 0.31` or newer: the Prometheus exporter's `build()` returned `MetricResult`
//! through 0.29.1 and returns `Result<_, opentelemetry_sdk::error::OTelSdkError>` from 0.31
//! (otel-ladder.md §3.4 item 9; there is no 0.30 release). A function returning
//! `MetricResult<T>` / `Result<T, MetricError>` whose every `?` (and value) is
//! `opentelemetry_prometheus::exporter()….build()` gets `OTelSdkError`.
//!
//! ## Before
//! ```rust,ignore
//! fn init_prometheus() -> MetricResult<PrometheusExporter> {
//!     opentelemetry_prometheus::exporter().with_registry(prometheus::Registry::new()).build()
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn init_prometheus() -> Result<PrometheusExporter, OTelSdkError> {
//!     opentelemetry_prometheus::exporter().with_registry(prometheus::Registry::new()).build()
//! }
//! ```
//!
//! ## Not rewritten (findings)
//! - A function that also uses `?` on something else or names `MetricError` in its body:
//!   `error` (`hop-0-30-metric-error` rewrites the mixed ones to `Box<dyn Error + Send + Sync>`
//!   first, so this is rare).
//! - Other uses of the two types: reported by `hop-0-30-metric-error`.
//!
//! ## Safety
//! The function's callers see a different error type: a caller that only propagates or prints
//! it compiles as before. Nothing else in the function changes.

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::ladder::renames::{
    METRIC_ERRORS_0_31, PROMETHEUS_BUILDERS, PROMETHEUS_BUILD_ERROR,
};
use crate::transforms::ladder::error_retarget::{ErrorRetarget, Otherwise};

pub struct PrometheusBuildError;

const RETARGET: ErrorRetarget = ErrorRetarget {
    hop: "0.31",
    old: METRIC_ERRORS_0_31,
    builders: PROMETHEUS_BUILDERS,
    new: PROMETHEUS_BUILD_ERROR,
    later: &[],
    otherwise: Otherwise::Report,
    mixed_message: "the Prometheus `build()` returns `OTelSdkError`, and `{old}` is crate-private",
    mixed_suggestion: "use `opentelemetry_sdk::error::OTelSdkError` when only the Prometheus build fails, else `Box<dyn std::error::Error + Send + Sync>`",
    removed_message: "",
    removed_suggestion: "",
};

impl Transform for PrometheusBuildError {
    fn id(&self) -> &'static str {
        "hop-0-31-prometheus-build-error"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: functions returning MetricResult around the Prometheus build() → Result<_, OTelSdkError>"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["MetricError", "MetricResult"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_prometheus"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        RETARGET.run(cx)
    }
}
