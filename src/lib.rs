//! otel-migrate: a lossless codemod that moves Rust services' OpenTelemetry code and
//! manifests to opentelemetry 0.27.
//!
//! The pipeline (see `pipeline`): discover projects and files (`discover`), read the
//! manifests into a project context (`context`, `manifest`), prefilter files by needles, run
//! the ordered transforms (`transforms/`) on each file with byte-range edits (`edit`,
//! `syntax`), re-parse after each, then report (`report`, `diff`, `finding`) or write
//! atomically (`fs`, `vcs`).

pub mod cli;
pub mod config;
pub mod context;
pub mod diff;
pub mod discover;
pub mod edit;
pub mod finding;
pub mod fs;
pub mod item_edit;
pub mod manifest;
pub mod manifest_edit;
pub mod naming;
pub mod otel;
pub mod pipeline;
pub mod report;
pub mod source;
pub mod syntax;
pub mod transform;
pub mod vcs;

#[path = "../transforms/mod.rs"]
pub mod transforms;
