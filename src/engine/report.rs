//! The run report: the JSON document of `--format json` and the data the text output and the
//! summary line are printed from. Adding fields keeps `"version": 1`; changing or removing one
//! bumps it.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::coverage::Coverage;
use crate::engine::diff;
use crate::engine::finding::{Finding, Severity};
use crate::engine::ledger::LedgerEntry;
use crate::engine::pipeline::RunResult;

pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    pub version: u32,
    pub files: Vec<FileReport>,
    pub findings: Vec<Finding>,
    pub errors: Vec<ErrorReport>,
    pub summary: Summary,
    /// What each rewritten or reported pipeline, exporter, provider and service-name site
    /// exports, before and after (absent when the run met none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerEntry>,
    /// `--verify`: whether the migrated code compiles (absent without `--verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<crate::engine::verify_report::VerifyReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub changed: bool,
    pub edits: Vec<EditCount>,
    pub diff: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EditCount {
    pub transform: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorReport {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_changed: usize,
    pub findings: usize,
    pub errors: usize,
    pub suppressed: usize,
    pub by_severity: SeverityCounts,
    /// Old-API sites before the run → migrated / reported / left with a note / allowed.
    #[serde(default)]
    pub coverage: Coverage,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

/// A path as the user should see it: relative to the current directory when possible.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| c.canonicalize().ok());
    let shown: PathBuf = match cwd {
        Some(cwd) if path.is_absolute() => {
            pathdiff::diff_paths(path, &cwd).unwrap_or_else(|| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

impl RunReport {
    pub fn from_result(result: &RunResult) -> RunReport {
        // Diffs are the expensive part of a report over a big tree: computed in parallel.
        let files: Vec<FileReport> = result
            .files
            .par_iter()
            .map(|f| {
                let path = display_path(&f.path);
                // A file the run creates (adopt's module) has no original on disk.
                let created = f.original.is_empty() && !f.path.exists();
                FileReport {
                    diff: if created {
                        diff::created(&path, f.output())
                    } else {
                        diff::unified(&path, &f.original, f.output())
                    },
                    path,
                    changed: f.changed(),
                    edits: f
                        .edits
                        .iter()
                        .map(|(t, c)| EditCount {
                            transform: t.clone(),
                            count: *c,
                        })
                        .collect(),
                }
            })
            .collect();
        let findings: Vec<Finding> = result.map_findings(|f, source| Finding {
            path: PathBuf::from(display_path(&f.path)),
            excerpt: source.and_then(|s| f.excerpt_in(s)),
            ..f.clone()
        });
        let errors: Vec<ErrorReport> = result
            .errors
            .iter()
            .map(|(p, m)| ErrorReport {
                path: display_path(p),
                message: m.clone(),
            })
            .collect();
        let mut by_severity = SeverityCounts::default();
        for f in &findings {
            match f.severity {
                Severity::Error => by_severity.error += 1,
                Severity::Warning => by_severity.warning += 1,
                Severity::Note => by_severity.note += 1,
            }
        }
        let summary = Summary {
            files_scanned: result.files_scanned,
            files_changed: files.iter().filter(|f| f.changed).count(),
            findings: findings.len(),
            errors: errors.len(),
            suppressed: result.suppressed,
            by_severity,
            coverage: result.coverage,
        };
        let ledger = result
            .ledger
            .iter()
            .map(|e| LedgerEntry {
                path: PathBuf::from(display_path(&e.path)),
                ..e.clone()
            })
            .collect();
        RunReport {
            version: REPORT_VERSION,
            files,
            findings,
            errors,
            summary,
            ledger,
            verify: None,
        }
    }

    /// Whether `check` fails: a pending change, or a finding that is an error or warning.
    pub fn check_fails(&self) -> bool {
        self.summary.check_fails()
    }

    pub fn summary_line(&self) -> String {
        self.summary.line()
    }

    /// The coverage line printed under the summary line.
    pub fn coverage_line(&self) -> String {
        self.summary.coverage_line()
    }
}

impl SeverityCounts {
    pub fn add(&mut self, other: &SeverityCounts) {
        self.error += other.error;
        self.warning += other.warning;
        self.note += other.note;
    }
}

impl Summary {
    /// Adds the counts of another part of the run (a project of a streamed run).
    pub fn add(&mut self, other: &Summary) {
        self.files_scanned += other.files_scanned;
        self.files_changed += other.files_changed;
        self.findings += other.findings;
        self.errors += other.errors;
        self.suppressed += other.suppressed;
        self.by_severity.add(&other.by_severity);
        self.coverage.add(&other.coverage);
    }

    /// `otel-migrate: coverage: …`, printed under [`Summary::line`].
    pub fn coverage_line(&self) -> String {
        format!("otel-migrate: {}", self.coverage.line())
    }

    /// Whether `check` fails: a pending change, or a finding that is an error or warning.
    pub fn check_fails(&self) -> bool {
        self.files_changed > 0 || self.by_severity.error + self.by_severity.warning > 0
    }

    pub fn line(&self) -> String {
        format!(
            "otel-migrate: {} file(s) scanned, {} changed; {} finding(s) ({} error, {} warning, {} note), {} suppressed; {} error(s)",
            self.files_scanned, self.files_changed, self.findings, self.by_severity.error, self.by_severity.warning, self.by_severity.note, self.suppressed, self.errors
        )
    }
}
