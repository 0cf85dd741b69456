//! # hop-0-30-removed-items
//!
//! ## What it does
//! With `--to 0.30` or newer, reports the items 0.30 removed or hid with no mechanical
//! replacement (otel-ladder.md §3.3): `new_view` (views are closures now; `error` with the
//! closure to write), `Stream::new()` (a 0.27 closure view built with it also reads
//! `Instrument`'s fields, private now: `error` with the closure to write), and `ManualReader` /
//! `MetricReader` (behind the sdk feature `experimental_metrics_custom_reader`: `warning`). `MetricError` / `MetricResult`
//! (crate-private) are `hop-0-30-metric-error`'s.
//!
//! ## Before
//! ```rust,ignore
//! let view = new_view(Instrument::new().name("latency"), Stream::new().aggregation(a))?;
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-30-removed-items]: 0.30 removed `new_view` — write the view as a closure …
//! ```
//!
//! ## Not rewritten
//! - Everything it reports (that is its job); `use` lines are not reported again.
//! - Packages already on 0.30 or newer, and runs without `--to 0.30+`.
//!
//! ## Safety
//! Nothing is edited.

use crate::transforms::ladder::removed::RemovedItems;

pub const REMOVED_ITEMS: RemovedItems = RemovedItems {
    minor: 30,
    id: "hop-0-30-removed-items",
    description: "hop 0.29 → 0.30: report new_view (closures), ManualReader/MetricReader (feature)",
    needles: &["new_view", "Stream::new", "ManualReader", "MetricReader"],
};
