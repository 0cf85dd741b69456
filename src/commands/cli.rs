//! The command line (clap derive). Contract: diff/apply/check/list/explain; the diff or the
//! JSON report on stdout, findings, errors and the summary on stderr; exit 0 ok, 1 for a
//! failing `check`, 2 for errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::{adopt, batch, migrate};
use crate::engine::pipeline::RunOptions;
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
    pub fn color_for(&self, terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

impl RunArgs {
    pub fn presentation(&self) -> Presentation {
        Presentation {
            format: self.format,
            color: self.color,
        }
    }

    pub fn options(&self) -> RunOptions {
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
        Command::Diff(args) => migrate::dry_run(&args, false),
        Command::Check(args) => migrate::dry_run(&args, true),
        Command::Apply { run, allow_dirty } => migrate::apply_command(&run, allow_dirty),
        Command::Adopt {
            path,
            dry_run,
            allow_dirty,
            verify,
            format,
            color,
        } => {
            let path = path.unwrap_or_else(|| PathBuf::from("."));
            let presentation = Presentation { format, color };
            adopt::command(path, &presentation, dry_run, allow_dirty, verify)
        }
        Command::Batch(args) => batch::command(&args),
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
