#![deny(deprecated)]
//! The workspace's shared telemetry crate: the collector every member's pipelines export to
//! (issue 15 shape 2 across members), also re-exported at the root.
pub mod exporters;

pub use exporters::collector;
