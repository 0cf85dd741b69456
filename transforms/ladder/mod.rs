//! The version ladder past 0.27 (`--to 0.28 … 0.33 | latest`): a manifest transform that moves
//! the dependencies to the target's release set, and one folder per hop with its code
//! transforms. They run after today's transforms (which bring any older code to 0.27), in
//! ladder order, each on a fresh parse; a hop runs only when the run's target reaches it and
//! only on packages still below it (code already on 0.28+ starts at its own version). The
//! version facts are `otel::ladder`'s.

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;
use crate::otel::ladder;

/// What every code transform of a hop shares: a Rust transform, enabled when the run's target
/// reaches the hop to `$minor`, on packages still below it.
macro_rules! hop_gate {
    ($minor:expr) => {
        fn kind(&self) -> crate::engine::transform::FileKind {
            crate::engine::transform::FileKind::Rust
        }

        fn enabled_by(&self, config: &crate::engine::config::Config) -> bool {
            crate::transforms::ladder::reaches(config, $minor)
        }

        fn applies_to(&self, package: Option<&crate::engine::context::PackageInfo>) -> bool {
            crate::transforms::ladder::package_below(package, $minor)
        }
    };
}
pub(crate) use hop_gate;

pub mod error_retarget;
pub mod hop_0_28;
pub mod hop_0_29;
pub mod hop_0_30;
pub mod hop_0_31;
pub mod hop_0_32;
pub mod hop_0_33;
pub mod manifest;
pub mod removed;

/// The crates whose declared version says which rung a package's code is on.
pub const RUNG_CRATES: &[&str] = &["opentelemetry", "opentelemetry_sdk", "opentelemetry-otlp"];

/// The minor of the run's target.
pub fn target(config: &Config) -> u64 {
    ladder::target_minor(config.target.as_deref())
}

/// Whether the run's target reaches the hop to `minor`.
pub fn reaches(config: &Config, minor: u64) -> bool {
    target(config) >= minor
}

/// Whether the package's code is below `minor` once migrated to 0.27 (so the hop to `minor`
/// applies): one of its OpenTelemetry crates is declared below it.
pub fn package_below(package: Option<&PackageInfo>, minor: u64) -> bool {
    package.is_some_and(|p| {
        RUNG_CRATES
            .iter()
            .any(|c| p.version(c).is_some_and(|v| ladder::start_minor(v) < minor))
    })
}

/// Checks `target` and `jaeger-propagator`: an unknown value is the project's error.
pub fn check_config(config: &Config) -> Result<(), String> {
    if let Some(t) = &config.target {
        ladder::parse_target(t).map_err(|e| format!("`target`: {e}"))?;
    }
    match config.jaeger_propagator.as_deref() {
        None => Ok(()),
        Some(v) if v == ladder::JAEGER_TRACE_CONTEXT => Ok(()),
        Some(other) => Err(format!(
            "`jaeger-propagator = \"{other}\"`: the only value is \"{}\" (leave it out to be asked at each site)",
            ladder::JAEGER_TRACE_CONTEXT
        )),
    }
}
