//! The shared member re-exports the exporter crate; `api` names it only through here.
pub use opentelemetry_otlp;
