//! The command line (clap derive). Contract: diff/apply/check/list/explain; the diff or the
//! JSON report on stdout, findings, errors and the summary on stderr; exit 0 ok, 1 for a
//! failing `check`, 2 for errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::batch::BatchArgs;
use crate::commands::merge::MergeArgs;
use crate::commands::migrate::{RunArgs, WriteOptions};
use crate::commands::{
    adopt, batch, merge, migrate, ColorChoice, Format, Presentation, EXIT_ERROR, EXIT_OK,
};
use crate::engine::containment::Containment;
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
    /// Merge the batch JSON reports of many runs (one per CI job) into one report.
    Merge(MergeArgs),
    /// Add OpenTelemetry (0.27, or the `--to` release set) to a service that only has `tracing`.
    Adopt {
        /// The service's workspace or crate (default: the current directory).
        path: Option<PathBuf>,
        /// The release set to write the module for (0.27 … 0.33 or `latest`; default: the
        /// config's `target`, else 0.27).
        #[arg(long = "to", value_name = "RELEASE", value_parser = crate::commands::migrate::target_arg)]
        to: Option<String>,
        /// Print the diff instead of writing.
        #[arg(long)]
        dry_run: bool,
        /// Write even when files to change have uncommitted modifications.
        #[arg(long)]
        allow_dirty: bool,
        /// Compile-check the result (cargo check on a temporary copy). This RUNS the project's
        /// build scripts and procedural macros: verify untrusted repositories in a sandbox.
        #[arg(long)]
        verify: bool,
        /// Write even through symbolic links that lead outside PATH (refused by default).
        #[arg(long)]
        write_through_symlinks: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// List the transforms in the order they run.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a transform's documentation.
    Explain { id: String },
}

/// `list` prints a table or JSON; the report formats have nothing to say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

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
            to,
            dry_run,
            allow_dirty,
            verify,
            write_through_symlinks,
            format,
            color,
        } => {
            let path = path.unwrap_or_else(|| PathBuf::from("."));
            let presentation = Presentation { format, color };
            let write = WriteOptions {
                allow_dirty,
                verify,
                containment: Containment::new(std::slice::from_ref(&path), write_through_symlinks),
            };
            adopt::command(path, to.as_deref(), &presentation, dry_run, &write)
        }
        Command::Batch(args) => batch::command(&args),
        Command::Merge(args) => merge::command(&args),
    }
}

fn list(format: ListFormat) -> u8 {
    match format {
        ListFormat::Text => {
            let width = transforms::all()
                .iter()
                .map(|t| t.id().len())
                .max()
                .unwrap_or(0);
            for t in transforms::all() {
                println!("{:width$}  {}", t.id(), t.description());
            }
            println!();
            println!(
                "ladder-manifest and hop-0-NN-* run only with --to (or `target`): {} (default 0.27)",
                crate::otel::ladder::known_targets()
            );
        }
        ListFormat::Json => {
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
