#![deny(deprecated)]
//! The workspace's shared telemetry crate: the metrics and logging pipelines every service
//! finishes itself (issue 15 shape 5 across members, otlp 0.26).
mod pipelines;

pub use pipelines::{log_pipeline, meter_pipeline};
