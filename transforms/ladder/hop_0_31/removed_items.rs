//! # hop-0-31-removed-items
//!
//! ## What it does
//! With `--to 0.31` or newer, reports what tracing-opentelemetry 0.32 removed with no
//! mechanical replacement (otel-ladder.md §3.4): the `PreSampledTracer` trait (`error`, with the
//! bound to write) and `OtelData`'s private fields (`warning`: `data.trace_id()` /
//! `data.span_id()`).
//!
//! ## Before
//! ```rust,ignore
//! T: Tracer + tracing_opentelemetry::PreSampledTracer + 'static,
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-31-removed-items]: tracing-opentelemetry 0.32 removed `PreSampledTracer` …
//! ```
//!
//! ## Not rewritten
//! - Everything it reports; `use` lines are not reported again.
//! - Packages already on 0.31 or newer, and runs without `--to 0.31+`.
//!
//! ## Safety
//! Nothing is edited.

use crate::transforms::ladder::removed::RemovedItems;

pub const REMOVED_ITEMS: RemovedItems = RemovedItems {
    minor: 31,
    id: "hop-0-31-removed-items",
    description: "hop 0.30 → 0.31: report PreSampledTracer (removed) and OtelData's private fields",
    needles: &["PreSampledTracer", "OtelData"],
};
