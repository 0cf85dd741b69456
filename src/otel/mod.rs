//! Shared OpenTelemetry and `metrics` knowledge the transforms consult: crate tables, which
//! item a path names, version tables, and edit builders for `use` trees.

pub mod crates;
pub mod deps;
pub mod metrics;
pub mod use_tree;
