//! The shared member re-exports the exporter crate (also under a short name); `api` names it
//! only through here.
pub use opentelemetry_otlp;
pub use opentelemetry_otlp as otlp;
