//! Shared OpenTelemetry knowledge: what the transforms and `adopt` write, in one place.

pub mod bootstrap;
