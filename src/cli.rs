//! The command line (clap derive). Contract: diff/apply/check/list/explain; the diff or the
//! JSON report on stdout, findings, errors and the summary on stderr; exit 0 ok, 1 for a
//! failing `check`, 2 for errors.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Finding;
use crate::pipeline::{self, RunOptions, RunResult};
use crate::report::{display_path, RunReport};
use crate::source::SourceFile;
use crate::{diff, fs, transforms, vcs};

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
    /// Run only this transform (repeatable).
    #[arg(long = "only", value_name = "ID")]
    pub only: Vec<String>,
    /// Do not run this transform (repeatable).
    #[arg(long = "skip", value_name = "ID")]
    pub skip: Vec<String>,
    /// Configuration file for every project (default: `otel-migrate.toml` at each project or repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also migrate Rust files that belong to no Cargo package.
    #[arg(long)]
    pub include_orphans: bool,
}

impl RunArgs {
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
            include_orphans: self.include_orphans,
        }
    }

    fn color_for(&self, terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_CHECK_FAILED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    run(cli)
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
        Command::Diff(args) => {
            let result = pipeline::run(&args.options());
            let report = RunReport::from_result(&result);
            print_outcome(&args, &result, &report, true);
            if report.errors.is_empty() {
                EXIT_OK
            } else {
                EXIT_ERROR
            }
        }
        Command::Check(args) => {
            let result = pipeline::run(&args.options());
            let report = RunReport::from_result(&result);
            print_outcome(&args, &result, &report, true);
            if !report.errors.is_empty() {
                EXIT_ERROR
            } else if report.check_fails() {
                EXIT_CHECK_FAILED
            } else {
                EXIT_OK
            }
        }
        Command::Apply { run, allow_dirty } => apply(&run, allow_dirty),
    }
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
fn print_outcome(args: &RunArgs, result: &RunResult, report: &RunReport, show_diff: bool) {
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
        let mut out = std::io::stdout().lock();
        for f in &report.files {
            if !f.diff.is_empty() {
                let text = if stdout_color {
                    diff::colorize(&f.diff)
                } else {
                    f.diff.clone()
                };
                let _ = out.write_all(text.as_bytes());
            }
        }
    }
    let mut err = std::io::stderr().lock();
    for f in &result.findings {
        let _ = writeln!(err, "{}", render_finding(result, f, stderr_color));
    }
    for e in &report.errors {
        let _ = writeln!(err, "error: {}: {}", e.path, e.message);
    }
    let _ = writeln!(err, "{}", report.summary_line());
}

fn render_finding(result: &RunResult, f: &Finding, color: bool) -> String {
    let shown = Finding {
        path: PathBuf::from(display_path(&f.path)),
        ..f.clone()
    };
    let source = result
        .source_of(&f.path)
        .map(|t| SourceFile::new(&f.path, t.to_string()));
    format!("{}\n", shown.render(source.as_ref(), color))
}

fn apply(args: &RunArgs, allow_dirty: bool) -> u8 {
    let result = pipeline::run(&args.options());
    let mut report = RunReport::from_result(&result);
    let changed: Vec<&pipeline::FileResult> = result.files.iter().filter(|f| f.changed()).collect();

    // Per git repository: refuse when a file to change is modified, staged or untracked.
    let mut by_repo: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for f in &changed {
        by_repo
            .entry(f.git_root.clone())
            .or_default()
            .push(f.path.clone());
    }
    let mut refused = Vec::new();
    let mut status_errors = Vec::new();
    for (root, files) in &by_repo {
        match root {
            None => eprintln!("note: {} file(s) are not in a git repository; writing them without a dirty-tree check", files.len()),
            Some(root) if !allow_dirty => match vcs::dirty_files(root, files) {
                Ok(dirty) => refused.extend(dirty),
                Err(e) => status_errors.push(e),
            },
            Some(_) => {}
        }
    }
    if !refused.is_empty() || !status_errors.is_empty() {
        print_outcome(args, &result, &report, false);
        for e in &status_errors {
            eprintln!("error: {e}");
        }
        if !refused.is_empty() {
            eprintln!(
                "error: {} file(s) to change have uncommitted changes; nothing was written:",
                refused.len()
            );
            for d in &refused {
                eprintln!("  {} ({})", display_path(&d.path), d.state);
            }
            eprintln!("commit or stash them first, or pass --allow-dirty to write anyway");
        }
        return EXIT_ERROR;
    }

    let mut written = 0;
    for f in &changed {
        match fs::write_atomic(&f.path, &f.output) {
            Ok(()) => written += 1,
            Err(e) => report.errors.push(crate::report::ErrorReport {
                path: display_path(&f.path),
                message: format!("cannot write: {e}"),
            }),
        }
    }
    report.summary.errors = report.errors.len();
    print_outcome(args, &result, &report, false);
    if args.format == Format::Text {
        eprintln!("otel-migrate: wrote {written} file(s)");
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    }
}
