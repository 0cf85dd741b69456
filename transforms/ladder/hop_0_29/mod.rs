//! The hop 0.28 → 0.29 (otel-ladder.md §3.2), one transform a file. Each runs when the run's
//! target is 0.29 or newer, on packages whose OpenTelemetry crates are below 0.29.

pub mod error_moves;
pub mod export_config_timeout;
pub mod exporter_build_error;
pub mod removed_items;
pub mod timeout_env;
