//! # hop-0-33-removed-items
//!
//! ## What it does
//! With `--to 0.33` or newer, reports what 0.33 removed with no mechanical replacement
//! (otel-ladder.md §3.6): the old `ExporterBuildError` variants (`InvalidUri`, `NoHttpClient`,
//! `InvalidConfig`: the enum is now exhaustive with `InvalidConfiguration(String)` and
//! `InternalFailure(String)`), `HttpExporterBuilder` / `TonicExporterBuilder`,
//! `opentelemetry_otlp::retry`, `OTEL_EXPORTER_OTLP_ENDPOINT_DEFAULT`, `Protocol::from_env()`.
//!
//! ## Before
//! ```rust,ignore
//! ExporterBuildError::InvalidUri(..) => "bad endpoint",
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-33-removed-items]: 0.33's `ExporterBuildError` has two variants …
//! ```
//!
//! ## Not rewritten
//! - Everything it reports; `use` lines are not reported again.
//! - Packages already on 0.33, and runs without `--to 0.33`/`latest`.
//!
//! ## Safety
//! Nothing is edited.

use crate::transforms::ladder::removed::RemovedItems;

pub const REMOVED_ITEMS: RemovedItems = RemovedItems {
    minor: 33,
    id: "hop-0-33-removed-items",
    description: "hop 0.32 → 0.33: report the old ExporterBuildError variants, Http/TonicExporterBuilder, retry, endpoint default, Protocol::from_env",
    needles: &[
        "InvalidUri",
        "NoHttpClient",
        "InvalidConfig",
        "ExporterBuilder",
        "retry",
        "OTEL_EXPORTER_OTLP_ENDPOINT_DEFAULT",
        "from_env",
    ],
};
