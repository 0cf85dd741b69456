//! # hop-0-29-timeout-env
//!
//! ## What it does
//! With `--to 0.29` or newer, reports where a deployment file (`.env`, Dockerfile, YAML) sets
//! `OTEL_EXPORTER_OTLP_TIMEOUT` or `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_TIMEOUT`: 0.29 reads
//! them as **milliseconds** (they were seconds), and code configuration now wins over them
//! (otel-ladder.md §3.2, behaviour changes). A value below 1000 is a `warning` (`10` now means
//! 10 ms), a larger one a `note`.
//!
//! ## Before
//! ```text
//! OTEL_EXPORTER_OTLP_TIMEOUT=10
//! ```
//!
//! ## After
//! ```text
//! warning[hop-0-29-timeout-env]: 0.29 reads OTEL_EXPORTER_OTLP_TIMEOUT as milliseconds: `10` is 10 ms
//! ```
//!
//! ## Not rewritten
//! - The value: only the user knows whether the file is also read by services on older releases.
//! - Runs without `--to 0.29+`.
//!
//! ## Safety
//! Nothing is edited (deployment files never are).

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;
use crate::engine::finding::Severity;
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::ladder::env::{assignments, TIMEOUT_VARS};

pub struct TimeoutEnv;

impl Transform for TimeoutEnv {
    fn id(&self) -> &'static str {
        "hop-0-29-timeout-env"
    }

    fn description(&self) -> &'static str {
        "hop 0.28 → 0.29: report OTEL_EXPORTER_OTLP_*TIMEOUT in deployment files (now milliseconds)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Deployment
    }

    fn needles(&self) -> &'static [&'static str] {
        TIMEOUT_VARS
    }

    fn enabled_by(&self, config: &Config) -> bool {
        super::super::reaches(config, 29)
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        // A deployment file outside every package serves the project: the target decides.
        package.is_none() || super::super::package_below(package, 29)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        for a in assignments(&cx.file.text, TIMEOUT_VARS) {
            let small = a.value.parse::<u64>().is_ok_and(|v| v < 1000);
            out.finding(
                a.range,
                if small { Severity::Warning } else { Severity::Note },
                format!("0.29 reads {} as milliseconds (it was seconds): `{}` is {} ms; a timeout set in code now wins over it", a.var, a.value, a.value),
                "write the value in milliseconds (`10000` for 10 s)",
            );
        }
        out
    }
}
