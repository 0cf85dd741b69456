//! Shared knowledge about the telemetry crates that several transforms need: which item a path
//! names, version tables, and edit builders for `use` trees.

pub mod metrics;
pub mod use_tree;
