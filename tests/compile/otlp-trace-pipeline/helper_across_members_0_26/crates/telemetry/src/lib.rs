#![deny(deprecated)]
//! The workspace's shared telemetry crate: the HTTP collector the trace pipelines of two members
//! and a metrics pipeline export to (issue 15 shape 2 across members).
pub mod exporters;
