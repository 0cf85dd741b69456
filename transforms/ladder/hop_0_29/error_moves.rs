//! # hop-0-29-error-moves
//!
//! ## What it does
//! With `--to 0.29` or newer, moves `opentelemetry::trace::{TraceError, TraceResult}` to
//! `opentelemetry_sdk::trace::{TraceError, TraceResult}` wherever a path resolves to them
//! (otel-ladder.md §3.2 item 1). Imports follow.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::trace::TraceError;
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::trace::TraceError;
//! ```
//!
//! ## Not rewritten
//! - `opentelemetry::trace::TraceContextExt` and the other API items of the module: unchanged.
//! - Packages already on 0.29 or newer, and runs without `--to 0.29+`.
//!
//! ## Safety
//! Only path text changes; the SDK's `TraceError` is the same enum (`Other`, `ExportFailed`, …).

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::RENAMES_0_29;
use crate::otel::path_renames::rename_paths;

pub struct ErrorMoves;

impl Transform for ErrorMoves {
    fn id(&self) -> &'static str {
        "hop-0-29-error-moves"
    }

    fn description(&self) -> &'static str {
        "hop 0.28 → 0.29: opentelemetry::trace::{TraceError, TraceResult} → opentelemetry_sdk::trace"
    }

    super::super::hop_gate!(29);

    fn needles(&self) -> &'static [&'static str] {
        &["TraceError", "TraceResult"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
        rename_paths(&cx.rust(), RENAMES_0_29, &mut plan, &mut out);
        plan.finish(&mut out);
        out
    }
}
