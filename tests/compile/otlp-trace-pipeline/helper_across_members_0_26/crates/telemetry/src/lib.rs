#![deny(deprecated)]
//! The workspace's shared telemetry crate: the HTTP collector the trace pipelines of two members
//! and a metrics and a logs pipeline export to (issue 15 shape 2 across members), and the
//! sampling policy both members' pipelines apply (shape 5 across members), re-exported at the
//! root.
pub mod exporters;
pub mod sampling;

pub use sampling::platform_sampling;
