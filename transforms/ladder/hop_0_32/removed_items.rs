//! # hop-0-32-removed-items
//!
//! ## What it does
//! With `--to 0.32` or newer, reports what 0.32 removed with no mechanical replacement
//! (otel-ladder.md §3.5): `opentelemetry_sdk::trace::{TraceError, TraceResult}`, `ExportConfig`
//! and the `Has{Export,Tonic,Http}Config` / `TonicConfig` / `HttpConfig` items (`.with_endpoint(e)
//! .with_timeout(t).with_protocol(p)` instead), `OtelData` (private in tracing-opentelemetry
//! 0.33), `Protocol::default()` (a warning: it no longer reads `OTEL_EXPORTER_OTLP_PROTOCOL`),
//! and the deprecated Jaeger propagator when the config has not chosen
//! (`jaeger-propagator = "trace-context"` makes `hop-0-32-jaeger-propagator` rewrite it).
//!
//! ## Before
//! ```rust,ignore
//! fn init() -> Result<SdkTracerProvider, TraceError> { … }
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-32-removed-items]: 0.32 removed `opentelemetry_sdk::trace::TraceError` …
//! ```
//!
//! ## Not rewritten
//! - Everything it reports; `use` lines are not reported again.
//! - Packages already on 0.32 or newer, and runs without `--to 0.32+`.
//!
//! ## Safety
//! Nothing is edited.

use crate::transforms::ladder::removed::RemovedItems;

pub const REMOVED_ITEMS: RemovedItems = RemovedItems {
    minor: 32,
    id: "hop-0-32-removed-items",
    description: "hop 0.31 → 0.32: report sdk TraceError/TraceResult, ExportConfig and the Has*Config items, OtelData, Protocol::default(), the Jaeger propagator",
    needles: &[
        "TraceError",
        "TraceResult",
        "ExportConfig",
        "TonicConfig",
        "HttpConfig",
        "OtelData",
        "Propagator",
        "Protocol",
    ],
};
