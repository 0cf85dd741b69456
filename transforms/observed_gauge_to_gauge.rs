//! # observed-gauge-to-gauge
//!
//! ## What it does
//! An observable gauge made without a callback and then observed directly, outside any
//! callback (`if let Some(g) = &self.depth { g.observe(v, &[]) }`), was a synchronous gauge in
//! all but name: up to 0.26 the SDK recorded such an observation on the spot. 0.27 removed
//! `ObservableGauge::observe`; an observable instrument reports only from its callback. The
//! gauge becomes the synchronous `Gauge` it was used as: `u64_observable_gauge(..)` →
//! `u64_gauge(..)` (`i64_`, `f64_` alike), the type `ObservableGauge` → `Gauge` (fields,
//! parameters, `let`s, imports), `.observe(v, attrs)` → `.record(v, attrs)`. The export stays
//! the last value recorded per attribute set.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::metrics::{Meter, ObservableGauge};
//! struct QueueMetrics { depth: Option<ObservableGauge<u64>> }
//! impl QueueMetrics {
//!     fn new(meter: &Meter) -> Self {
//!         Self { depth: Some(meter.u64_observable_gauge("queue.depth").init()) }
//!     }
//!     fn record_depth(&self, v: u64) {
//!         if let Some(g) = &self.depth { g.observe(v, &[]); }
//!     }
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry::metrics::{Gauge, Meter};
//! struct QueueMetrics { depth: Option<Gauge<u64>> }
//! impl QueueMetrics {
//!     fn new(meter: &Meter) -> Self {
//!         Self { depth: Some(meter.u64_gauge("queue.depth").build()) }
//!     }
//!     fn record_depth(&self, v: u64) {
//!         if let Some(g) = &self.depth { g.record(v, &[]); }
//!     }
//! }
//! ```
//!
//! ## Not rewritten
//! The whole file or nothing (`otel::observed_gauge`): not when any observable gauge of the
//! file has a callback (`with_callback`, `register_callback`, `as_any`), when the type is named
//! in a `pub`/`pub(crate)` field, function, alias, static or enum, in a trait impl or trait, in a
//! macro body the parser cannot see, or when the file has a child module in another file. Then
//! `residue` reports each `.observe(..)` with what to do. Observable counters observed directly
//! are not rewritten (a counter's observation is a running total, a synchronous counter's `add`
//! an increment): `residue` reports them.
//!
//! ## Safety
//! Three identifiers change per site, arguments stay; `Gauge::record` takes what
//! `ObservableGauge::observe` took. The type cannot leave the file (see above), so no other
//! file names the old type for the gauge's values.

use crate::engine::context::PackageInfo;
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct ObservedGaugeToGauge;

impl Transform for ObservedGaugeToGauge {
    fn id(&self) -> &'static str {
        "observed-gauge-to-gauge"
    }

    fn description(&self) -> &'static str {
        "observable gauges observed outside a callback → synchronous `Gauge` (`.observe` → `.record`)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["ObservableGauge"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
        if crate::otel::observed_gauge::rewrite_observed_gauges(&cx.rust(), &mut plan, &mut out) {
            plan.finish(&mut out);
        }
        out
    }
}
