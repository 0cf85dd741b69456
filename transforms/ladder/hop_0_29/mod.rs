//! The hop 0.28 → 0.29 (otel-ladder.md §3.2), one transform a file. Each runs when the run's
//! target is 0.29 or newer, on packages whose OpenTelemetry crates are below 0.29.

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;

pub mod error_moves;
pub mod export_config_timeout;
pub mod exporter_build_error;
pub mod removed_items;
pub mod timeout_env;

const HOP: u64 = 29;

fn enabled_by(config: &Config) -> bool {
    super::reaches(config, HOP)
}

fn applies_to(package: Option<&PackageInfo>) -> bool {
    super::package_below(package, HOP)
}
