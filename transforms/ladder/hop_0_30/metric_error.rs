//! # hop-0-30-metric-error
//!
//! ## What it does
//! With `--to 0.30` or newer: 0.30 made `opentelemetry_sdk::metrics::{MetricError,
//! MetricResult}` crate-private (otel-ladder.md §3.3 item 2). A function returning one of them
//! gets `opentelemetry_otlp::ExporterBuildError` when every `?` (and its value) is an OTLP
//! exporter's `build()`, else `Box<dyn std::error::Error + Send + Sync>`, which every `?`
//! converts into (`MetricResult<T>` → `Result<T, …>`).
//!
//! ## Before
//! ```rust,ignore
//! fn init_meter(res: Resource) -> MetricResult<SdkMeterProvider> {
//!     let view = build_view()?;
//!     Ok(SdkMeterProvider::builder().with_resource(res).with_view(view).build())
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn init_meter(res: Resource) -> Result<SdkMeterProvider, Box<dyn std::error::Error + Send + Sync>> {
//!     let view = build_view()?;
//!     Ok(SdkMeterProvider::builder().with_resource(res).with_view(view).build())
//! }
//! ```
//!
//! ## Not rewritten (findings)
//! - A function whose body names the old type (`MetricError::Other(..)`), or whose value is
//!   neither `Ok(..)`/`Err(..)` nor a build (`other_fn()`, whose type may differ): `error`.
//! - Every other use of the two types (a field, a local's type): `error`.
//! - A function fed only by a Prometheus `build()`: left to `hop-0-31-prometheus-build-error`
//!   (opentelemetry-prometheus has no 0.30 release; its 0.31 `build()` returns `OTelSdkError`).
//!
//! ## Safety
//! The function's callers see a different error type: a caller that only propagates or prints
//! it compiles as before; one that matches on `MetricError` variants was reported (it cannot
//! compile at 0.30 either way).

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::ladder::renames::{
    EXPORTER_BUILDERS, EXPORTER_BUILD_ERROR, METRIC_ERRORS_0_30, PROMETHEUS_BUILDERS,
};
use crate::transforms::ladder::error_retarget::{ErrorRetarget, Otherwise};

pub struct MetricError;

const METRIC_ERROR_SUGGESTION: &str = "use `Box<dyn std::error::Error + Send + Sync>`, or `opentelemetry_otlp::ExporterBuildError` when only an exporter build fails";

const RETARGET: ErrorRetarget = ErrorRetarget {
    hop: "0.30",
    old: METRIC_ERRORS_0_30,
    builders: EXPORTER_BUILDERS,
    new: EXPORTER_BUILD_ERROR,
    later: PROMETHEUS_BUILDERS,
    otherwise: Otherwise::Boxed,
    mixed_message: "`{old}` is crate-private, and this function names it in its body or returns another function's result",
    mixed_suggestion: METRIC_ERROR_SUGGESTION,
    removed_message:
        "0.30 made `opentelemetry_sdk::metrics::{MetricError, MetricResult}` crate-private",
    removed_suggestion: METRIC_ERROR_SUGGESTION,
};

impl Transform for MetricError {
    fn id(&self) -> &'static str {
        "hop-0-30-metric-error"
    }

    fn description(&self) -> &'static str {
        "hop 0.29 → 0.30: functions returning MetricError / MetricResult (crate-private) → ExporterBuildError or Box<dyn Error + Send + Sync>"
    }

    super::super::hop_gate!(30);

    fn needles(&self) -> &'static [&'static str] {
        &["MetricError", "MetricResult"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        RETARGET.run(cx)
    }
}
