//! The command line (clap derive). Contract: diff/apply/check/list/explain; the diff or the
//! JSON report on stdout, findings, errors and the summary on stderr; exit 0 ok, 1 for a
//! failing `check`, 2 for errors.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::batch::{self, BatchOptions};
use crate::commands::{adopt, verify};
use crate::engine::diff;
use crate::engine::finding::Finding;
use crate::engine::pipeline::{self, RunOptions, RunResult};
use crate::engine::report::{display_path, RunReport, Summary};
use crate::engine::source::SourceFile;
use crate::engine::write::write_changes;
use crate::transforms;

#[derive(Debug, Parser)]
#[command(
    name = "otel-migrate",
    version,
    about = "Migrate Rust services' OpenTelemetry code and manifests to opentelemetry 0.27, losslessly"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dry run: print a unified diff of every change (pipe it to `git apply`).
    Diff(RunArgs),
    /// Write the changes in place (refuses when a file to change is dirty in git).
    Apply {
        #[command(flatten)]
        run: RunArgs,
        /// Write even when files to change have uncommitted modifications.
        #[arg(long)]
        allow_dirty: bool,
    },
    /// CI gate: exit 1 when a change is pending or an error/warning finding exists.
    Check(RunArgs),
    /// Migrate several repositories listed in a batch file (dry run unless --apply).
    Batch(BatchArgs),
    /// Add OpenTelemetry (0.27) to a service that only has `tracing`.
    Adopt {
        /// The service's workspace or crate (default: the current directory).
        path: Option<PathBuf>,
        /// Print the diff instead of writing.
        #[arg(long)]
        dry_run: bool,
        /// Write even when files to change have uncommitted modifications.
        #[arg(long)]
        allow_dirty: bool,
        /// Compile-check the result (cargo check on a temporary copy).
        #[arg(long)]
        verify: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// List the transforms in the order they run.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a transform's documentation.
    Explain { id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Repositories, crates or files (default: the current directory).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Run only this transform (repeatable, or comma-separated).
    #[arg(long = "only", value_name = "ID", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Do not run this transform (repeatable, or comma-separated).
    #[arg(long = "skip", value_name = "ID", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Configuration file for every project (default: `otel-migrate.toml` at each project or repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also migrate Rust files that belong to no Cargo package.
    #[arg(long)]
    pub include_orphans: bool,
    /// Compile-check the migrated code: `cargo check --all-targets` on a temporary copy of each
    /// project (exit 1 when it fails).
    #[arg(long)]
    pub verify: bool,
}

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
    #[arg(long)]
    pub verify: bool,
    /// CI gate: exit 1 when a change is pending or an error/warning finding exists.
    #[arg(long, conflicts_with = "apply")]
    pub check: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the JSON document to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
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
}

/// How output is printed.
#[derive(Debug, Clone, Copy)]
pub struct Presentation {
    pub format: Format,
    pub color: ColorChoice,
}

impl Presentation {
    fn color_for(&self, terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

impl RunArgs {
    fn presentation(&self) -> Presentation {
        Presentation {
            format: self.format,
            color: self.color,
        }
    }

    fn options(&self) -> RunOptions {
        RunOptions {
            paths: if self.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                self.paths.clone()
            },
            only: self.only.clone(),
            skip: self.skip.clone(),
            config_file: self.config.clone(),
            config: None,
            include_orphans: self.include_orphans,
        }
    }
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_CHECK_FAILED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn main() -> u8 {
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    run(cli)
}

/// `diff` and `check`: run, optionally verify, print; `check` also fails on pending changes
/// and on error/warning findings.
fn dry_run(args: &RunArgs, gate: bool) -> u8 {
    let options = args.options();
    if args.format == Format::Text && !args.verify {
        return streamed_dry_run(&args.presentation(), &options, gate);
    }
    let result = pipeline::run(transforms::all(), &options);
    let mut report = RunReport::from_result(&result);
    let verified = verify_if(args.verify, &result, &options.paths, &mut report);
    print_outcome(&args.presentation(), &result, &report, true);
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if (gate && report.check_fails()) || !verified {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    }
}

/// `diff`/`check` in text form: each project's diffs and findings are printed as soon as it is
/// done, then dropped, so memory stays flat however big the tree. (JSON is one document and
/// `--verify` needs every change: those keep the whole run.)
fn streamed_dry_run(presentation: &Presentation, options: &RunOptions, gate: bool) -> u8 {
    let stdout_color = presentation.color_for(std::io::stdout().is_terminal());
    let stderr_color = presentation.color_for(std::io::stderr().is_terminal());
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    pipeline::run_each(transforms::all(), options, |result| {
        let report = RunReport::from_result(&result);
        print_diffs(&report, stdout_color);
        print_findings(&result, stderr_color);
        summary.add(&report.summary);
        errors.extend(report.errors);
    });
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    summary.errors = errors.len();
    let mut err = std::io::stderr().lock();
    for e in &errors {
        let _ = writeln!(err, "error: {}: {}", e.path, e.message);
    }
    let _ = writeln!(err, "{}", summary.line());
    if !errors.is_empty() {
        EXIT_ERROR
    } else if gate && summary.check_fails() {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    }
}

/// `otel-migrate diff | head` must end quietly like other command-line tools, not panic in
/// `println!` on a closed pipe: restore the default SIGPIPE action Rust's runtime ignores.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread is spawned; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::List { format } => list(format),
        Command::Explain { id } => match transforms::documentation(&id) {
            Some(doc) => {
                println!("{doc}");
                EXIT_OK
            }
            None => {
                eprintln!("error: unknown transform `{id}` (see `otel-migrate list`)");
                EXIT_ERROR
            }
        },
        Command::Diff(args) => dry_run(&args, false),
        Command::Check(args) => dry_run(&args, true),
        Command::Apply { run, allow_dirty } => {
            let options = run.options();
            let result = pipeline::run(transforms::all(), &options);
            apply(
                &run.presentation(),
                result,
                allow_dirty,
                run.verify,
                &options.paths,
            )
        }
        Command::Adopt {
            path,
            dry_run,
            allow_dirty,
            verify,
            format,
            color,
        } => {
            let paths = vec![path.unwrap_or_else(|| PathBuf::from("."))];
            let mut result = RunResult::default();
            let plan = adopt::plan(&paths, None, &result);
            adopt::overlay(&mut result, plan);
            let presentation = Presentation { format, color };
            if dry_run {
                let mut report = RunReport::from_result(&result);
                let verified = verify_if(verify, &result, &paths, &mut report);
                print_outcome(&presentation, &result, &report, true);
                if !report.errors.is_empty() {
                    EXIT_ERROR
                } else if !verified {
                    EXIT_CHECK_FAILED
                } else {
                    EXIT_OK
                }
            } else {
                apply(&presentation, result, allow_dirty, verify, &paths)
            }
        }
        Command::Batch(args) => batch(&args),
    }
}

/// Runs `--verify` when asked and records it in the report; whether the code compiles (true
/// without `--verify`).
fn verify_if(enabled: bool, result: &RunResult, paths: &[PathBuf], report: &mut RunReport) -> bool {
    if !enabled {
        return true;
    }
    let roots = verify::project_roots(result, paths);
    let v = verify::verify(&roots, &result.files);
    let passed = v.passed();
    report.verify = Some(v);
    passed
}

fn list(format: Format) -> u8 {
    match format {
        Format::Text => {
            let width = transforms::all()
                .iter()
                .map(|t| t.id().len())
                .max()
                .unwrap_or(0);
            for t in transforms::all() {
                println!("{:width$}  {}", t.id(), t.description());
            }
        }
        Format::Json => {
            let list: Vec<BTreeMap<&str, &str>> = transforms::all()
                .iter()
                .map(|t| BTreeMap::from([("id", t.id()), ("description", t.description())]))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializable")
            );
        }
    }
    EXIT_OK
}

/// Prints the diff (or JSON) to stdout and findings, errors and the summary to stderr.
fn print_outcome(args: &Presentation, result: &RunResult, report: &RunReport, show_diff: bool) {
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).expect("serializable")
        );
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
}

fn print_diffs(report: &RunReport, color: bool) {
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

fn print_findings(result: &RunResult, color: bool) {
    let mut err = std::io::stderr().lock();
    for rendered in render_findings(result, color) {
        let _ = writeln!(err, "{rendered}");
    }
}

/// Per project: `compiles`, or the first compiler errors with the transforms behind them.
fn verify_text(v: &verify::VerifyReport) -> String {
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

/// Every finding rendered, in order. Findings are sorted by path: each file's text is indexed
/// once for all its findings, and files render in parallel.
fn render_findings(result: &RunResult, color: bool) -> Vec<String> {
    result
        .findings
        .par_chunk_by(|a, b| a.path == b.path)
        .flat_map_iter(|same_file| {
            let path = &same_file[0].path;
            let source = result
                .source_of(path)
                .map(|t| SourceFile::new(path, t.to_string()));
            same_file.iter().map(move |f| {
                let shown = Finding {
                    path: PathBuf::from(display_path(&f.path)),
                    ..f.clone()
                };
                format!("{}\n", shown.render(source.as_ref(), color))
            })
        })
        .collect()
}

fn apply(
    args: &Presentation,
    result: RunResult,
    allow_dirty: bool,
    verify: bool,
    paths: &[PathBuf],
) -> u8 {
    let mut report = RunReport::from_result(&result);
    let outcome = write_changes(&result, allow_dirty);
    if outcome.outside_git > 0 {
        eprintln!(
            "note: {} file(s) are not in a git repository; writing them without a dirty-tree check",
            outcome.outside_git
        );
    }
    if outcome.refused_any() {
        print_outcome(args, &result, &report, false);
        for e in &outcome.status_errors {
            eprintln!("error: {e}");
        }
        if !outcome.refused.is_empty() {
            eprintln!(
                "error: {} file(s) to change have uncommitted changes; nothing was written:",
                outcome.refused.len()
            );
            for d in &outcome.refused {
                eprintln!("  {} ({})", display_path(&d.path), d.state);
            }
            eprintln!("commit or stash them first, or pass --allow-dirty to write anyway");
        }
        return EXIT_ERROR;
    }
    for (path, message) in &outcome.write_errors {
        report.errors.push(crate::engine::report::ErrorReport {
            path: display_path(path),
            message: message.clone(),
        });
    }
    report.summary.errors = report.errors.len();
    let verified = verify_if(verify, &result, paths, &mut report);
    print_outcome(args, &result, &report, false);
    if args.format == Format::Text {
        eprintln!("otel-migrate: wrote {} file(s)", outcome.written);
    }
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if !verified {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    }
}

fn batch(args: &BatchArgs) -> u8 {
    let specs = match batch::load(&args.file) {
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
        only: args.only.clone(),
        skip: args.skip.clone(),
        include_orphans: args.include_orphans,
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
    let mut runs = batch::run_all(&specs, &opts, &|name| {
        progress.inc(1);
        progress.set_message(format!("{name} done"));
    });
    if args.verify {
        progress.set_position(0);
        progress.set_length(runs.len() as u64);
        batch::verify_all(&mut runs, &|name| {
            progress.set_message(format!("verifying {name} (cargo check)"));
            progress.inc(1);
        });
    }
    progress.finish_and_clear();

    let report = batch::report(&runs, &opts);
    let json = serde_json::to_string_pretty(&report).expect("serializable");
    if let Some(file) = &args.report {
        if let Err(e) = std::fs::write(file, format!("{json}\n")) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return EXIT_ERROR;
        }
    }
    if args.format == Format::Json {
        println!("{json}");
    } else {
        print_batch_text(args, &runs, &report);
    }
    batch::exit_code(&runs, args.check)
}

fn print_batch_text(args: &BatchArgs, runs: &[batch::RepoRun], report: &batch::BatchReport) {
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
        if !args.apply && !args.quiet && !diffs.is_empty() {
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
        if args.apply && run.written > 0 {
            let _ = writeln!(err, "otel-migrate: wrote {} file(s)", run.written);
        }
        let _ = writeln!(err);
    }
    let s = &report.summary;
    let _ = writeln!(err, "==> summary ({} repositories)", s.repos);
    let _ = write!(err, "{}", batch::summary_table(runs));
    let _ = writeln!(
        err,
        "total: {} file(s) scanned, {} changed{}; {} finding(s) ({} error, {} warning, {} note), {} suppressed; {} error(s)",
        s.files_scanned,
        s.files_changed,
        if args.apply { format!(", {} written", s.files_written) } else { String::new() },
        s.findings,
        s.by_severity.error,
        s.by_severity.warning,
        s.by_severity.note,
        s.suppressed,
        s.errors
    );
    if !s.service_names.is_empty() {
        let _ = writeln!(
            err,
            "\nservice names (from a scan of service-name sites in the migrated code):"
        );
        let _ = write!(err, "{}", batch::service_names_table(&s.service_names));
    }
    if !s.next_steps.is_empty() {
        let _ = writeln!(err, "\nnext steps:");
        for step in &s.next_steps {
            let _ = writeln!(err, "  - {step}");
        }
    }
}
