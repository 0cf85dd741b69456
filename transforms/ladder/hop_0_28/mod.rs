//! The hop 0.27 → 0.28 (otel-ladder.md §3.1), one transform a file. Each runs when the run's
//! target is 0.28 or newer, on packages whose OpenTelemetry crates are below 0.28.

pub mod export_timeouts;
pub mod flush_results;
pub mod global_shutdown;
pub mod guard_facts;
pub mod http_client;
pub mod resource_builder;
pub mod runtime_argument;
pub mod sdk_renames;
