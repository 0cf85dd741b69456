//! The engine: a library that finds projects and files, runs an ordered list of transforms on
//! them with lossless byte edits, and reports or writes the result. It knows nothing about
//! OpenTelemetry and never names a command or a transform (the registry is handed to it).
//!
//! - Walk and context: [`discover`] (projects, their files, the skip notes; [`path_list`] holds the
//!   file lists compactly), [`config`]
//!   (`otel-migrate.toml`), [`manifest`] (a parsed `Cargo.toml`), [`context`] (a project's
//!   packages, resolved dependency versions, usage facts), [`reexports`] (crates reached
//!   through another member's `pub use`).
//! - Running: [`transform`] (the contract every transform implements), [`pipeline`]
//!   (prefilter and gate, parse, transforms in order with re-parse, findings mapped back).
//! - Layout: [`rustfmt`] (a file that was rustfmt-clean goes through the user's rustfmt after
//!   the rewrite).
//! - Text and edits: [`source`] (a file's text, line index, line endings), [`edit`]
//!   (byte-range edits, overlap-checked), [`item_edit`] (deleting whole items and lines),
//!   [`manifest_edit`] (format-preserving manifest edits), [`syntax`] (spans to byte ranges,
//!   the import map, macro fragments).
//! - Safety: [`containment`] (writes stay inside the tree: symbolic links out of it are not
//!   written through unless the user allows it).
//! - Results: [`finding`] (findings and their rendering), [`ledger`] (each site's settings
//!   before and after), [`coverage`] (old-API sites before
//!   the run and what became of them), [`report`] (the JSON report),
//!   [`diff`] (unified diffs), [`verify_report`] (what `--verify` found, as the report shows
//!   it), [`write`](mod@write) (atomic writes after the dirty check), [`fs`], [`vcs`].
//!
//! Uses no other layer.

pub mod changes;
pub mod config;
pub mod containment;
pub mod context;
pub mod coverage;
pub mod diff;
pub mod discover;
pub mod edit;
pub mod finding;
pub mod fs;
pub mod item_edit;
pub mod ledger;
pub mod manifest;
pub mod manifest_edit;
pub mod path_list;
pub mod pipeline;
pub mod reexports;
pub mod report;
pub mod rustfmt;
pub mod source;
pub mod syntax;
pub mod timings;
pub mod transform;
pub mod vcs;
pub mod verify_report;
pub mod write;
