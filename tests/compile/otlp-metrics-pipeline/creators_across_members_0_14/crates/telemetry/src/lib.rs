#![deny(deprecated)]
//! The workspace's shared telemetry crate: the metrics pipeline every service builds (issue 15
//! shape 5 across members, otlp 0.14: `build()` also set the global meter provider, which the
//! callers rely on).
pub mod meters;
