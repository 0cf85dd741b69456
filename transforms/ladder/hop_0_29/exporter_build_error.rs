//! # hop-0-29-exporter-build-error
//!
//! ## What it does
//! With `--to 0.29` or newer: every OTLP exporter `build()` now returns
//! `opentelemetry_otlp::ExporterBuildError`, and `?` no longer converts it into `TraceError`,
//! `MetricError` or `LogError` (otel-ladder.md §3.2 items 2, 3). A function whose error type is
//! one of those (or `TraceResult<T>`, `MetricResult<T>`, `LogResult<T>`) and whose every `?`
//! is on an exporter's `…Exporter::builder()….build()` (or whose value is
//! `…build().map(|exporter| …)`, the form the 0.27 rewrites place, also in every arm of a
//! `match` or `if`) gets `ExporterBuildError` as
//! its error type (`TraceResult<T>` → `Result<T, ExporterBuildError>`).
//!
//! ## Before
//! ```rust,ignore
//! fn init_logs(res: Resource) -> Result<SdkLoggerProvider, LogError> {
//!     let exporter = LogExporter::builder().with_tonic().build()?;
//!     Ok(SdkLoggerProvider::builder().with_resource(res).with_batch_exporter(exporter).build())
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn init_logs(res: Resource) -> Result<SdkLoggerProvider, ExporterBuildError> {
//!     let exporter = LogExporter::builder().with_tonic().build()?;
//!     Ok(SdkLoggerProvider::builder().with_resource(res).with_batch_exporter(exporter).build())
//! }
//! ```
//!
//! ## Not rewritten (findings)
//! - A function that also uses `?` on something else, or names the old error type in its body
//!   (`TraceError::Other(..)`): `error` with both ways out (`ExporterBuildError` when only the
//!   exporter fails, else `Box<dyn std::error::Error + Send + Sync>`, or
//!   `.map_err(|e| TraceError::Other(Box::new(e)))?` on the build); callers that `match` on the
//!   old type need a look too.
//! - `LogError` / `LogResult` anywhere else: removed in 0.29, `error`.
//! - Functions with no exporter `build()?`: their error type still works (`TraceError` moves
//!   with `hop-0-29-error-moves`).
//!
//! ## Safety
//! The function's callers see a different error type: a caller that only propagates or prints
//! it compiles as before; one that matches on `TraceError` variants does not compile (the
//! compiler names it). Nothing else in the function changes.

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::ladder::renames::{EXPORTER_BUILDERS, EXPORTER_BUILD_ERROR, EXPORTER_ERRORS_0_29};
use crate::transforms::ladder::error_retarget::{ErrorRetarget, Otherwise};

pub struct ExporterBuildError;

const RETARGET: ErrorRetarget = ErrorRetarget {
    hop: "0.29",
    old: EXPORTER_ERRORS_0_29,
    builders: EXPORTER_BUILDERS,
    new: EXPORTER_BUILD_ERROR,
    later: &[],
    otherwise: Otherwise::Report,
    mixed_message: "exporter `build()` returns `ExporterBuildError`, which `?` no longer converts into `{old}`",
    mixed_suggestion: "use `opentelemetry_otlp::ExporterBuildError` when only the exporter build fails, else `Box<dyn std::error::Error + Send + Sync>`, or keep the type with `.build().map_err(|e| TraceError::Other(Box::new(e)))?`; check callers that match on the old type",
    removed_message: "0.29 removed `opentelemetry_sdk::logs::{LogError, LogResult}`",
    removed_suggestion: "use `opentelemetry_otlp::ExporterBuildError` for exporter builds, `opentelemetry_sdk::error::OTelSdkResult` for shutdown and flush, or `Box<dyn std::error::Error + Send + Sync>`",
};

impl Transform for ExporterBuildError {
    fn id(&self) -> &'static str {
        "hop-0-29-exporter-build-error"
    }

    fn description(&self) -> &'static str {
        "hop 0.28 → 0.29: functions returning TraceError / MetricError / LogError around exporter build()? → ExporterBuildError"
    }

    super::super::hop_gate!(29);

    fn needles(&self) -> &'static [&'static str] {
        &[
            "TraceError",
            "TraceResult",
            "MetricError",
            "MetricResult",
            "LogError",
            "LogResult",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        RETARGET.run(cx)
    }
}
