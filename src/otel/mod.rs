//! Shared OpenTelemetry knowledge the transforms consult.

pub mod crates;
pub mod deps;
