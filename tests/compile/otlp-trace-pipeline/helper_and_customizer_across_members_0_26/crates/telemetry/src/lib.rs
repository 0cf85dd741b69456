#![deny(deprecated)]
//! The workspace's shared telemetry crate: the collector every pipeline exports to and the
//! sampling policy it passes through; the api's pipeline uses both (one settlement of the two).
pub mod exporters;
pub mod sampling;
