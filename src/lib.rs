//! otel-migrate: a lossless codemod that moves Rust services' OpenTelemetry code and
//! manifests to opentelemetry 0.27.
//!
//! Four layers, each allowed to use only the ones below it (`tests/layers.rs` enforces it;
//! `ARCHITECTURE.md` walks through them):
//!
//! - [`commands`]: the command line: `diff`/`apply`/`check`, `batch`, `adopt`, `verify`,
//!   `list`/`explain`. Uses everything below.
//! - [`transforms`] (the `transforms/` folder): one file per transform and the ordered
//!   registry. Uses the knowledge and the engine.
//! - [`otel`]: the OpenTelemetry and `metrics` knowledge: pipeline models and their 0.27
//!   renderers, version facts, import editing, placement, the naming convention. Uses only
//!   the engine's text, edit, syntax and finding types; it returns edits and findings and
//!   never sees a run (no `FileContext`, config or pipeline).
//! - [`engine`]: the library that runs transforms: walk, project context, pipeline, edits,
//!   syntax, findings, reports, fs/vcs. It knows no command and no transform by name (the
//!   registry is handed to it).

pub mod commands;
pub mod engine;
pub mod otel;

#[path = "../transforms/mod.rs"]
pub mod transforms;
