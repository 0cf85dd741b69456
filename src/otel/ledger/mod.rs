//! The ledger's entries for the sites the knowledge rewrites or reports: what a trace,
//! metrics or logs pipeline exports before and after (`engine::ledger` holds the data type).
//!
//! - [`resolve`]: an argument's value through literals, same-file constants, config defaults
//!   and semantic-convention keys; the expression text, marked unresolved, otherwise.
//! - [`package`]: values from the package's other files (constants, config defaults, what
//!   callers pass), resolving what one file left unresolved.
//! - [`settings`]: the values of the parts every model shares (exporter options, resource,
//!   sampler, batch settings, header keys).
//! - [`trace`]: trace pipelines (Jaeger agent and collector, OTLP).
//! - [`otlp`]: OTLP metrics and logs pipelines.
//! - [`prometheus`]: a `metrics` user's Prometheus exporter (listen address, buckets).

pub mod otlp;
pub mod package;
pub mod prometheus;
pub mod resolve;
pub mod settings;
pub mod trace;
