//! How a run is shown: the diff (colored on a terminal) on stdout, findings rendered like
//! rustc diagnostics, errors, the verify result and the summary on stderr, or one document (JSON
//! or another machine-readable format) on stdout.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::commands::formats::{self, Project};
use crate::commands::ledger::{self, LedgerArgs};
use crate::commands::{Format, Presentation};
use crate::engine::diff;
use crate::engine::finding::Finding;
use crate::engine::pipeline::RunResult;
use crate::engine::report::{display_path, RunReport};
use crate::engine::verify_report::VerifyReport;

/// Prints the diff (or JSON) to stdout and findings, errors and the summary to stderr.
pub fn print_outcome(args: &Presentation, result: &RunResult, report: &RunReport, show_diff: bool) {
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).expect("serializable")
        );
        return;
    }
    if let Some(document) = formats::render(args.format, &[Project::single(report)]) {
        print!("{document}");
        return;
    }
    let stdout_color = args.color_for(std::io::stdout().is_terminal());
    let stderr_color = args.color_for(std::io::stderr().is_terminal());
    if show_diff {
        print_diffs(report, stdout_color);
    }
    print_findings(result, stderr_color);
    let mut err = std::io::stderr().lock();
    for e in &report.errors {
        let _ = writeln!(err, "error: {}: {}", e.path, e.message);
    }
    if let Some(v) = &report.verify {
        let _ = write!(err, "{}", verify_text(v));
    }
    let _ = writeln!(err, "{}", report.summary_line());
    let _ = writeln!(err, "{}", report.coverage_line());
}

/// `--ledger`: the run's ledger on stdout, one table per project (repository).
pub fn print_ledger(args: &LedgerArgs, result: &RunResult) {
    print!("{}", ledger::render_per_project(result, args.ledger_format));
}

pub fn print_diffs(report: &RunReport, color: bool) {
    let mut out = std::io::stdout().lock();
    for f in report.files.iter().filter(|f| !f.diff.is_empty()) {
        let text = if color {
            diff::colorize(&f.diff)
        } else {
            f.diff.clone()
        };
        let _ = out.write_all(text.as_bytes());
    }
}

pub fn print_findings(result: &RunResult, color: bool) {
    let mut err = std::io::stderr().lock();
    for rendered in render_findings(result, color) {
        let _ = writeln!(err, "{rendered}");
    }
}

/// Per project: `compiles`, or the first compiler errors with the transforms behind them;
/// after the back-out loop, per package: what compiled, what was backed out or restored, why.
pub fn verify_text(v: &VerifyReport) -> String {
    if !v.packages.is_empty() {
        return healed_text(v);
    }
    let mut out = String::new();
    for p in &v.projects {
        let features = if p.all_features {
            ", also with --all-features"
        } else {
            ""
        };
        out.push_str(&format!(
            "verify: {}: {} ({:.1}s{features})\n",
            p.path,
            p.status.as_str(),
            p.seconds
        ));
        if let Some(m) = &p.message {
            out.push_str(&format!("  {}\n", m.replace('\n', "\n  ")));
        }
        for e in &p.errors {
            let by = if e.transforms.is_empty() {
                String::new()
            } else {
                format!(" [from {}]", e.transforms.join(", "))
            };
            let features = if e.features == "all" {
                " (--all-features)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}:{}:{}: error: {}{by}{features}\n",
                e.path, e.line, e.column, e.message
            ));
        }
    }
    out
}

fn healed_text(v: &VerifyReport) -> String {
    let mut out = String::new();
    for p in &v.packages {
        let compiled = if p.compiled.is_empty() {
            String::new()
        } else {
            format!(" (compiled: {})", p.compiled.join(", "))
        };
        out.push_str(&format!(
            "verify: {} ({}): {}{compiled}\n",
            p.name,
            p.manifest,
            p.outcome.as_str()
        ));
        for b in &p.backed_out {
            out.push_str(&format!(
                "  backed out {} ({} site(s)): {}:{}:{}: error: {}\n",
                b.transform,
                b.sites.len(),
                b.error.path,
                b.error.line,
                b.error.column,
                b.error.message
            ));
        }
        if !p.skipped.is_empty() {
            out.push_str(&format!(
                "  not checked (fails before the migration too): {}\n",
                p.skipped.join(", ")
            ));
        }
        for u in &p.unverified {
            out.push_str(&format!(
                "  unverified (no checked configuration compiles it): {}:{} under {}\n",
                u.path, u.line, u.cfg
            ));
        }
        if let Some(why) = &p.restored_because {
            out.push_str(&format!("  restored: {why}\n"));
        }
        if let Some(e) = p
            .first_error
            .as_ref()
            .filter(|_| p.restored_because.is_none())
        {
            out.push_str(&format!(
                "  {}:{}:{}: error: {}\n",
                e.path, e.line, e.column, e.message
            ));
        }
    }
    for p in &v.projects {
        if let Some(lock) = &p.lockfile {
            out.push_str(&format!("verify: {}: lockfile {lock}\n", p.path));
        }
    }
    let seconds: f64 = v.projects.iter().map(|p| p.seconds).fold(0.0, f64::max);
    out.push_str(&format!(
        "verify: {} ({} round(s), {seconds:.1}s)\n",
        v.short(),
        v.rounds
    ));
    out
}

/// Every finding rendered, in order. Findings are sorted by path: each file's text is indexed
/// once for all its findings, and files render in parallel.
pub fn render_findings(result: &RunResult, color: bool) -> Vec<String> {
    result.map_findings(|f, source| {
        let shown = Finding {
            path: PathBuf::from(display_path(&f.path)),
            ..f.clone()
        };
        format!("{}\n", shown.render(source, color))
    })
}
