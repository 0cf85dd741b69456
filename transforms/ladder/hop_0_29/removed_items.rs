//! # hop-0-29-removed-items
//!
//! ## What it does
//! With `--to 0.29` or newer, reports what 0.29 removed or retyped with no mechanical
//! replacement here (otel-ladder.md §3.2 items 6, 8): `trace::config()` (`error`: set the
//! options on the provider builder), the trace `Config` (`warning`: the struct stays, its
//! `with_*` setters and the builder's `with_config` are gone; checked in the 0.29 crate) and
//! `OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT`, now a `Duration` (`warning`).
//!
//! ## Before
//! ```rust,ignore
//! SdkTracerProvider::builder().with_config(trace::config().with_sampler(Sampler::AlwaysOn))
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-29-removed-items]: 0.29 removed `trace::config()` — set the options on the provider builder …
//! ```
//!
//! ## Not rewritten
//! - Everything it reports; `use` lines are not reported again.
//! - Packages already on 0.29 or newer, and runs without `--to 0.29+`.
//!
//! ## Safety
//! Nothing is edited.

use crate::transforms::ladder::removed::RemovedItems;

pub const REMOVED_ITEMS: RemovedItems = RemovedItems {
    minor: 29,
    id: "hop-0-29-removed-items",
    description: "hop 0.28 → 0.29: report trace::config() / Config (removed) and OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT (now a Duration)",
    needles: &["config", "Config", "OTEL_EXPORTER_OTLP_TIMEOUT_DEFAULT"],
};
