//! # hop-0-32-sampling-moves
//!
//! ## What it does
//! With `--to 0.32` or newer, moves `opentelemetry::trace::{SamplingDecision, SamplingResult}`
//! (custom samplers) to `opentelemetry_sdk::trace` wherever a path resolves to them
//! (otel-ladder.md §3.5 item 3). Imports follow.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::trace::{SamplingDecision, SamplingResult};
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult};
//! ```
//!
//! ## Not rewritten
//! - The other items of `opentelemetry::trace` (`TraceContextExt`, `SpanKind`, …).
//! - Packages already on 0.32 or newer, and runs without `--to 0.32+`.
//!
//! ## Safety
//! Only path text changes; the SDK's types have the same fields and variants.

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::RENAMES_0_32;
use crate::otel::path_renames::rename_paths;

pub struct SamplingMoves;

impl Transform for SamplingMoves {
    fn id(&self) -> &'static str {
        "hop-0-32-sampling-moves"
    }

    fn description(&self) -> &'static str {
        "hop 0.31 → 0.32: opentelemetry::trace::{SamplingDecision, SamplingResult} → opentelemetry_sdk::trace"
    }

    super::super::hop_gate!(32);

    fn needles(&self) -> &'static [&'static str] {
        &["SamplingDecision", "SamplingResult"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
        rename_paths(&cx.rust(), RENAMES_0_32, &mut plan, &mut out);
        plan.finish(&mut out);
        out
    }
}
