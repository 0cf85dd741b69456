//! `otel-migrate merge REPORT.json…`: one report from the batch JSON documents of many runs
//! (one CI job per repository at organisation scale). Repositories are concatenated in the
//! order given; the summary counts are recomputed from them (as `batch` computes its own),
//! the service-name tables joined, the next steps kept (each repository's, then the general
//! ones once). Any output format; `--html` also writes the page of the merged batch.
//! A report of another schema version, a `diff`/`check` report, or a repository named in two
//! reports is an error: merging them would misreport.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::Value;

use crate::commands::batch::{print_summary, summarize, BatchReport, BatchSummary, ServiceNameUse};
use crate::commands::{formats, Format, EXIT_ERROR, EXIT_OK};
use crate::engine::report::REPORT_VERSION;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Batch JSON reports (`batch --report FILE` or `batch --format json`).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the merged batch as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

pub fn command(args: &MergeArgs) -> u8 {
    let merged = match args
        .reports
        .iter()
        .map(|p| load(p))
        .collect::<Result<Vec<_>, _>>()
        .and_then(merge)
    {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if let Some(file) = &args.html {
        if let Err(e) = std::fs::write(file, crate::commands::batch::html::render(&merged)) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return EXIT_ERROR;
        }
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&merged).expect("serializable")
        ),
        Format::Text => print_summary(&merged, merged.summary.files_written > 0),
        other => print!(
            "{}",
            formats::render(other, &merged.projects()).unwrap_or_default()
        ),
    }
    EXIT_OK
}

/// Reads one batch report, checking its schema version first.
pub fn load(path: &Path) -> Result<BatchReport<'static>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
    match value.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(REPORT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "{shown} is a version {v} report; this otel-migrate reads version {REPORT_VERSION} (run both with the same otel-migrate release)"
            ))
        }
        None => return Err(format!("{shown} is not an otel-migrate report (no `version`)")),
    }
    if value.get("repos").is_none() && value.get("files").is_some() {
        return Err(format!(
            "{shown} is a diff/check report; merge reads batch reports (`otel-migrate batch FILE --report {shown}`)"
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("{shown} is not a batch report: {e}"))
}

/// One batch report from many, in the order given.
pub fn merge(reports: Vec<BatchReport<'static>>) -> Result<BatchReport<'static>, String> {
    let mut names = BTreeSet::new();
    for r in reports.iter().flat_map(|d| &d.repos) {
        if !names.insert(r.name.clone()) {
            return Err(format!(
                "repository `{}` is in more than one report",
                r.name
            ));
        }
    }
    let service_names = service_names(&reports);
    let next_steps = next_steps(&reports);
    let repos: Vec<_> = reports.into_iter().flat_map(|d| d.repos).collect();
    let summary = BatchSummary {
        service_names,
        next_steps,
        ..summarize(&repos)
    };
    Ok(BatchReport {
        version: REPORT_VERSION,
        repos,
        summary,
    })
}

/// The tables joined: each name with every repository that uses it, sorted as `batch` sorts.
fn service_names(reports: &[BatchReport]) -> Vec<ServiceNameUse> {
    type Joined<'a> = (BTreeSet<&'a str>, bool, BTreeSet<&'a str>);
    let mut by_name: BTreeMap<&str, Joined> = BTreeMap::new();
    for n in reports.iter().flat_map(|d| &d.summary.service_names) {
        let entry =
            by_name
                .entry(&n.name)
                .or_insert((BTreeSet::new(), n.conventional, BTreeSet::new()));
        entry.0.extend(n.repos.iter().map(String::as_str));
        entry.2.extend(n.was.iter().map(String::as_str));
    }
    by_name
        .into_iter()
        .map(|(name, (repos, conventional, was))| ServiceNameUse {
            name: name.to_string(),
            repos: repos.into_iter().map(str::to_string).collect(),
            conventional,
            was: was.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

/// Each repository's steps (they start with its name) in report order, then the general
/// steps once each, as one batch over every repository lists them.
fn next_steps(reports: &[BatchReport]) -> Vec<String> {
    let mut own = Vec::new();
    let mut general: Vec<String> = Vec::new();
    for d in reports {
        for step in &d.summary.next_steps {
            let of_a_repo = d
                .repos
                .iter()
                .any(|r| step.starts_with(&format!("{}: ", r.name)));
            if of_a_repo {
                own.push(step.clone());
            } else if !general.contains(step) {
                general.push(step.clone());
            }
        }
    }
    own.extend(general);
    own
}
