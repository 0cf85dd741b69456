//! # hop-0-28-sdk-renames
//!
//! ## What it does
//! With `--to 0.28` or newer, renames the SDK types 0.28 gave the `Sdk` prefix, wherever a path
//! resolves to them through the file's imports (otel-ladder.md §3.1 items 1, 2):
//! `trace::TracerProvider` → `SdkTracerProvider`, `trace::Builder` → `TracerProviderBuilder`,
//! `logs::LoggerProvider` → `SdkLoggerProvider`, `logs::Builder` → `LoggerProviderBuilder`,
//! `logs::Logger` → `SdkLogger`, `logs::LogRecord` → `SdkLogRecord`. Imports follow (a
//! single-path `use` in place, a group leaf through the import editor).
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry_sdk::trace::TracerProvider;
//! fn init() -> TracerProvider { TracerProvider::builder().build() }
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! fn init() -> SdkTracerProvider { SdkTracerProvider::builder().build() }
//! ```
//!
//! ## Not rewritten
//! - The API traits of the same name (`opentelemetry::trace::TracerProvider`,
//!   `opentelemetry::logs::LoggerProvider`, `opentelemetry::logs::LogRecord`): another item.
//! - `opentelemetry_sdk::trace::Tracer`: still there (an alias of `SdkTracer`).
//! - Packages already on 0.28 or newer, and runs without `--to 0.28+`.
//!
//! ## Safety
//! Only path text changes; each new name is the same type under its 0.28 name.

use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::RENAMES_0_28;
use crate::otel::path_renames::rename_paths;

pub struct SdkRenames;

impl Transform for SdkRenames {
    fn id(&self) -> &'static str {
        "hop-0-28-sdk-renames"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: TracerProvider → SdkTracerProvider, LoggerProvider → SdkLoggerProvider, Builder / Logger / LogRecord renames"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &[
            "TracerProvider",
            "LoggerProvider",
            "Builder",
            "Logger",
            "LogRecord",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
        rename_paths(&cx.rust(), RENAMES_0_28, &mut plan, &mut out);
        plan.finish(&mut out);
        out
    }
}
