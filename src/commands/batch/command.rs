//! The `batch` command: progress while the repositories run, then each repository's diff,
//! findings and verify result, the summary table, the service names and the next steps.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::{
    exit_code, load, refresh_adopted_locks, report, run_all, service_names_table, summary_table,
    verify_all, BatchOptions, BatchReport, RepoRun,
};
use clap::Args;

use crate::commands::formats;
use crate::commands::heal;
use crate::commands::ledger::{self, LedgerArgs};
use crate::commands::output::{render_findings, verify_text};
use crate::commands::{ColorChoice, Format, Presentation, EXIT_ERROR};
use crate::engine::diff;
use crate::engine::report::display_path;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The batch file (`[[repo]]` entries; see the README).
    pub file: PathBuf,
    /// Write the changes (per repository: a dirty one is skipped and reported).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: write even when files to change have uncommitted modifications.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Compile-check each repository (the written tree, or a temporary copy on a dry run).
    /// This RUNS each repository's build scripts and procedural macros: verify untrusted
    /// repositories in a sandbox or container.
    #[arg(long)]
    pub verify: bool,
    /// With --apply --verify: also write each lockfile the verification refreshed (one
    /// version of each OpenTelemetry crate, the target's, checked with `cargo metadata`).
    #[arg(long, requires = "verify")]
    pub update_lock: bool,
    /// With --verify: cargo runs offline (uses only what it has downloaded).
    #[arg(long, requires = "verify")]
    pub offline: bool,
    /// With --verify: cargo runs `--locked`; a lockfile changes only by the refresh for the
    /// migrated requirements (on each repository's copy).
    #[arg(long, requires = "verify")]
    pub locked: bool,
    /// With --apply: write even through symbolic links that lead outside a repository.
    #[arg(long)]
    pub write_through_symlinks: bool,
    /// CI gate: exit 1 when a change is pending or an error/warning finding exists.
    #[arg(long, conflicts_with = "apply")]
    pub check: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the JSON document to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Also write the batch as one self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// No progress bar and no diffs; the summary only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only this transform in every repository (repeatable, or comma-separated).
    #[arg(long = "only", value_name = "ID", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Do not run this transform in any repository (repeatable, or comma-separated).
    #[arg(long = "skip", value_name = "ID", value_delimiter = ',')]
    pub skip: Vec<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also migrate Rust files that belong to no Cargo package.
    #[arg(long)]
    pub include_orphans: bool,
    /// Leave the rewritten code in the tool's own layout: by default a file that was
    /// rustfmt-clean is passed through rustfmt after the rewrite (the project's `rustfmt.toml`).
    #[arg(long)]
    pub no_rustfmt: bool,
    #[command(flatten)]
    pub ledger: LedgerArgs,
    /// The release to move to: 0.27 (the default) … 0.33, or `latest`; over every entry's `target`.
    #[arg(long = "to", value_name = "RELEASE", value_parser = crate::commands::migrate::target_arg)]
    pub to: Option<String>,
}

/// `otel-migrate batch FILE`: run every repository with a progress bar, then print the text
/// report or the JSON document (and save it with `--report`).
pub fn command(args: &BatchArgs) -> u8 {
    let specs = match load(&args.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let opts = BatchOptions {
        apply: args.apply,
        allow_dirty: args.allow_dirty,
        verify: args.verify,
        update_lock: args.update_lock,
        cargo: heal::Settings {
            offline: args.offline,
            locked: args.locked,
        },
        only: args.only.clone(),
        skip: args.skip.clone(),
        include_orphans: args.include_orphans,
        rustfmt: !args.no_rustfmt,
        target: args.to.clone(),
        write_through_symlinks: args.write_through_symlinks,
    };
    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(specs.len() as u64)
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} repositories {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message(if args.apply {
        "migrating and writing"
    } else {
        "migrating"
    });
    progress.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut runs = run_all(&specs, &opts, &|name| {
        progress.inc(1);
        progress.set_message(format!("{name} done"));
    });
    if args.verify {
        progress.set_position(0);
        progress.set_length(runs.len() as u64);
        verify_all(&mut runs, &|name| {
            progress.set_message(format!("verifying {name} (cargo check)"));
            progress.inc(1);
        });
        if args.apply && args.update_lock {
            refresh_adopted_locks(&mut runs);
        }
    }
    progress.finish_and_clear();

    let report = report(&runs, &opts);
    let json = serde_json::to_string_pretty(&report).expect("serializable");
    if let Some(file) = &args.report {
        if let Err(e) = std::fs::write(file, format!("{json}\n")) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return EXIT_ERROR;
        }
    }
    if let Some(file) = &args.html {
        if let Err(e) = std::fs::write(file, super::html::render(&report)) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return EXIT_ERROR;
        }
    }
    match args.format {
        Format::Json => println!("{json}"),
        Format::Text => print_batch_text(args, &runs, &report),
        other => {
            let document = formats::render(other, &report.projects());
            print!("{}", document.unwrap_or_default());
        }
    }
    exit_code(&runs, args.check)
}

fn print_batch_text(args: &BatchArgs, runs: &[RepoRun], report: &BatchReport) {
    let presentation = Presentation {
        format: Format::Text,
        color: args.color,
    };
    let stdout_color = presentation.color_for(std::io::stdout().is_terminal());
    let stderr_color = presentation.color_for(std::io::stderr().is_terminal());
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for run in runs {
        let header = format!("==> {} ({})\n", run.name, display_path(&run.path));
        let diffs: String = run.report.files.iter().map(|f| f.diff.as_str()).collect();
        if args.ledger.ledger {
            let table = ledger::render(&run.name, &run.report.ledger, args.ledger.ledger_format);
            let _ = out.write_all(table.as_bytes());
        } else if !args.apply && !args.quiet && !diffs.is_empty() {
            let _ = out.write_all(header.as_bytes());
            let text = if stdout_color {
                diff::colorize(&diffs)
            } else {
                diffs
            };
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
        let _ = err.write_all(header.as_bytes());
        if !args.quiet {
            for rendered in render_findings(&run.result, stderr_color) {
                let _ = writeln!(err, "{rendered}");
            }
        }
        for e in &run.report.errors {
            let _ = writeln!(err, "error: {}: {}", e.path, e.message);
        }
        if !run.dirty.is_empty() {
            let _ = writeln!(
                err,
                "error: {} file(s) to change have uncommitted changes; this repository was skipped:",
                run.dirty.len()
            );
            for d in &run.dirty {
                let _ = writeln!(err, "  {} ({})", display_path(&d.path), d.state);
            }
        }
        if let Some(v) = &run.verify {
            let _ = write!(err, "{}", verify_text(v));
        }
        let _ = writeln!(err, "{}", run.report.summary_line());
        let _ = writeln!(err, "{}", run.report.coverage_line());
        if args.apply && run.written > 0 {
            let _ = writeln!(err, "otel-migrate: wrote {} file(s)", run.written);
        }
        let _ = writeln!(err);
    }
    print_summary(report, args.apply);
}

/// The end of the text report (also `merge`'s): the table, the totals, the service names and
/// the next steps, on stderr. `written` adds the files written to the totals.
pub fn print_summary(report: &BatchReport, written: bool) {
    let mut err = std::io::stderr().lock();
    let s = &report.summary;
    let _ = writeln!(err, "==> summary ({} repositories)", s.repos);
    let _ = write!(err, "{}", summary_table(&report.repos));
    let _ = writeln!(
        err,
        "total: {} file(s) scanned, {} changed{}; {} finding(s) ({} error, {} warning, {} note), {} suppressed; {} error(s)",
        s.files_scanned,
        s.files_changed,
        if written { format!(", {} written", s.files_written) } else { String::new() },
        s.findings,
        s.by_severity.error,
        s.by_severity.warning,
        s.by_severity.note,
        s.suppressed,
        s.errors
    );
    let _ = writeln!(err, "{}", s.coverage.line());
    if !s.service_names.is_empty() {
        let _ = writeln!(
            err,
            "\nservice names (from a scan of service-name sites in the migrated code):"
        );
        let _ = write!(err, "{}", service_names_table(&s.service_names));
    }
    if !s.next_steps.is_empty() {
        let _ = writeln!(err, "\nnext steps:");
        for step in &s.next_steps {
            let _ = writeln!(err, "  - {step}");
        }
    }
}
