//! Re-exports the exporter crate for the members that do not depend on it.
pub use opentelemetry_otlp;
