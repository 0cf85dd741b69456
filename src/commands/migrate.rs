//! `diff`, `apply` and `check`: one run of the pipeline over the PATHs, then the diff (or the
//! JSON report), the written files, and the gate.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use crate::commands::ledger::{self, LedgerArgs};
use crate::commands::output::{print_diffs, print_findings, print_ledger, print_outcome};
use crate::commands::verify;
use crate::commands::{
    exit_code, heal, ColorChoice, Format, Presentation, EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK,
};
use crate::engine::config::Config;
use crate::engine::containment::Containment;
use crate::engine::pipeline::{self, RunOptions, RunResult};
use crate::engine::report::{display_path, ErrorReport, RunReport, Summary};
use crate::engine::verify_report::{VerifyReport, VerifyStatus};
use crate::engine::write::write_changes;
use crate::transforms;

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
    /// project (exit 1 when it fails). This RUNS the project's build scripts and procedural
    /// macros (and its dependencies'): verify untrusted repositories in a sandbox or container.
    #[arg(long)]
    pub verify: bool,
    /// With `--verify`: write what the verification took back (transforms backed out of a
    /// package, restored packages) as a patch to FILE, to finish by hand (`git apply FILE`).
    #[arg(long, value_name = "FILE", requires = "verify")]
    pub backed_out_patch: Option<PathBuf>,
    /// With `--verify`: cargo runs offline (uses only what it has downloaded).
    #[arg(long, requires = "verify")]
    pub offline: bool,
    /// With `--verify`: cargo runs `--locked`; the lockfile changes only by the refresh for
    /// the migrated requirements (`cargo update --workspace` on the copy).
    #[arg(long, requires = "verify")]
    pub locked: bool,
    /// With `apply --verify`: also write the lockfile the verification refreshed.
    #[arg(long, requires = "verify")]
    pub update_lock: bool,
    /// Write changed files even through symbolic links that lead outside the project or PATH
    /// (refused by default); the dirty-tree check then covers the target's git work tree too.
    #[arg(long)]
    pub write_through_symlinks: bool,
    /// Leave the rewritten code in the tool's own layout: by default a file that was
    /// rustfmt-clean is passed through rustfmt after the rewrite (the project's `rustfmt.toml`).
    #[arg(long)]
    pub no_rustfmt: bool,
    #[command(flatten)]
    pub ledger: LedgerArgs,
    /// The release to move to: 0.27 (the default) … 0.33, or `latest`; over the config's `target`.
    #[arg(long = "to", value_name = "RELEASE", value_parser = target_arg)]
    pub to: Option<String>,
}

/// `--to`: a target the ladder knows, else clap's error with the known ones.
pub fn target_arg(text: &str) -> Result<String, String> {
    crate::otel::ladder::parse_target(text).map(|_| text.trim().to_string())
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
            disabled: Default::default(),
            target: self.to.clone(),
            rustfmt: !self.no_rustfmt,
        }
    }

    /// Where this run may write: inside the PATHs, through links out of them only when the
    /// flag or the `--config` file allows it (a repository's own config cannot).
    pub fn containment(&self) -> Containment {
        let from_config = self
            .config
            .as_ref()
            .and_then(|f| Config::load(f).ok())
            .is_some_and(|c| c.write_through_symlinks);
        Containment::new(
            &self.options().paths,
            self.write_through_symlinks || from_config,
        )
    }
}

/// `diff` and `check`: run, optionally verify, print; `check` also fails on pending changes
/// and on error/warning findings.
pub fn dry_run(args: &RunArgs, gate: bool) -> u8 {
    let options = args.options();
    let containment = args.containment();
    if args.format == Format::Text && !args.verify {
        return streamed_dry_run(args, &options, &containment, gate);
    }
    let Verified {
        result,
        report: verified,
        ..
    } = healed_run(args, &options, &containment);
    let mut report = RunReport::from_result(&result);
    let exit = verified.as_ref().map(|v| verified_exit(v, gate));
    report.verify = verified;
    let ledger = args.ledger.ledger && args.format == Format::Text;
    print_outcome(&args.presentation(), &result, &report, !ledger);
    if ledger {
        print_ledger(&args.ledger, &result);
    }
    let code = exit_code(!report.errors.is_empty(), gate && report.check_fails());
    code.max(exit.unwrap_or(EXIT_OK))
}

/// A run, healed when verified.
struct Verified {
    result: RunResult,
    report: Option<VerifyReport>,
    /// Lockfiles the verification refreshed (path, text).
    locks: Vec<(PathBuf, String)>,
}

/// Runs the pipeline; with `--verify`, heals the result (backs out what does not compile) and
/// writes `--backed-out-patch`.
fn healed_run(args: &RunArgs, options: &RunOptions, containment: &Containment) -> Verified {
    let mut result = pipeline::run(transforms::all(), options);
    containment.enforce(&mut result);
    if !args.verify {
        return Verified {
            result,
            report: None,
            locks: Vec::new(),
        };
    }
    let settings = heal::Settings {
        offline: args.offline,
        locked: args.locked,
    };
    let healed = heal::heal(
        transforms::all(),
        options,
        &settings,
        result,
        &|r: &mut RunResult| containment.enforce(r),
    );
    let mut result = healed.result;
    if let Some(file) = &args.backed_out_patch {
        if let Err(e) = std::fs::write(file, &healed.patch) {
            result.errors.push((
                file.clone(),
                format!("cannot write the backed-out patch: {e}"),
            ));
        }
    }
    Verified {
        result,
        report: Some(healed.report),
        locks: healed.locks,
    }
}

/// The exit code a verification asks for: 2 when it could not run; 1 when a package's
/// migration was restored, or (`check`) anything was taken back; else 0.
fn verified_exit(v: &VerifyReport, gate: bool) -> u8 {
    match v.status {
        VerifyStatus::Error => EXIT_ERROR,
        VerifyStatus::Fails => EXIT_CHECK_FAILED,
        VerifyStatus::Compiles if gate && v.healed() => EXIT_CHECK_FAILED,
        VerifyStatus::Compiles => EXIT_OK,
    }
}

/// `diff`/`check` in text form: each project's diffs and findings are printed as soon as it is
/// done, then dropped, so memory stays flat however big the tree. (JSON is one document and
/// `--verify` needs every change: those keep the whole run.)
fn streamed_dry_run(
    args: &RunArgs,
    options: &RunOptions,
    containment: &Containment,
    gate: bool,
) -> u8 {
    let presentation = &args.presentation();
    let stdout_color = presentation.color_for(std::io::stdout().is_terminal());
    let stderr_color = presentation.color_for(std::io::stderr().is_terminal());
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    pipeline::run_each(transforms::all(), options, |mut result| {
        containment.enforce(&mut result);
        let report = RunReport::from_result(&result);
        if args.ledger.ledger {
            print_ledger(&args.ledger, &result);
        } else {
            print_diffs(&report, stdout_color);
        }
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
    let _ = writeln!(err, "{}", summary.coverage_line());
    exit_code(!errors.is_empty(), gate && summary.check_fails())
}

/// Runs `--verify` when asked and records it in the report; whether the code compiles (true
/// without `--verify`).
pub fn verify_if(
    enabled: bool,
    result: &RunResult,
    paths: &[PathBuf],
    report: &mut RunReport,
) -> bool {
    if !enabled {
        return true;
    }
    let roots = verify::project_roots(result, paths);
    let v = verify::verify(&roots, &result.files);
    let passed = v.passed();
    report.verify = Some(v);
    passed
}

/// `otel-migrate apply`: run, then write (after the dirty-tree check).
/// With `--verify`, nothing is written until the back-out loop ends, and nothing at all when
/// the verification could not run.
pub fn apply_command(args: &RunArgs, allow_dirty: bool) -> u8 {
    let options = args.options();
    let containment = args.containment();
    let Verified {
        result,
        report: verified,
        locks,
    } = healed_run(args, &options, &containment);
    let presentation = args.presentation();
    if let Some(v) = verified
        .as_ref()
        .filter(|v| v.status == VerifyStatus::Error)
    {
        let mut report = RunReport::from_result(&result);
        report.verify = Some(v.clone());
        print_outcome(&presentation, &result, &report, false);
        eprintln!("error: the verification could not run; nothing was written");
        return EXIT_ERROR;
    }
    let write = WriteOptions {
        allow_dirty,
        verify: false,
        containment,
    };
    // The ledger of what is written: the run's changes, which containment has already kept
    // to what may be written (`healed_run`); one table per project.
    let ledger = (args.ledger.ledger && args.format == Format::Text)
        .then(|| ledger::render_per_project(&result, args.ledger.ledger_format));
    let exit = verified.as_ref().map(|v| verified_exit(v, false));
    let locks = if args.update_lock { locks } else { Vec::new() };
    let code = apply_verified(
        &presentation,
        result,
        &write,
        &options.paths,
        verified,
        &locks,
    )
    .max(exit.unwrap_or(EXIT_OK));
    if let Some(tables) = ledger {
        print!("{tables}");
    }
    code
}

/// How [`apply`] writes.
pub struct WriteOptions {
    pub allow_dirty: bool,
    pub verify: bool,
    pub containment: Containment,
}

/// Writes a run's changes and prints the outcome (also `adopt`'s way to write).
pub fn apply(
    args: &Presentation,
    result: RunResult,
    write: &WriteOptions,
    paths: &[PathBuf],
) -> u8 {
    apply_verified(args, result, write, paths, None, &[])
}

/// [`apply`] of a run the back-out loop already verified (its report is shown).
fn apply_verified(
    args: &Presentation,
    mut result: RunResult,
    write: &WriteOptions,
    paths: &[PathBuf],
    verified: Option<VerifyReport>,
    locks: &[(PathBuf, String)],
) -> u8 {
    write.containment.enforce(&mut result);
    let mut report = RunReport::from_result(&result);
    report.verify = verified;
    let outcome = write_changes(&result, write.allow_dirty, &write.containment);
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
        report.errors.push(ErrorReport {
            path: display_path(path),
            message: message.clone(),
        });
    }
    for (path, message) in heal::write_locks(locks, report.verify.as_mut()) {
        report.errors.push(ErrorReport {
            path: display_path(&path),
            message,
        });
    }
    report.summary.errors = report.errors.len();
    let verified = verify_if(write.verify, &result, paths, &mut report);
    print_outcome(args, &result, &report, false);
    if args.format == Format::Text {
        eprintln!("otel-migrate: wrote {} file(s)", outcome.written);
    }
    exit_code(!report.errors.is_empty(), !verified)
}
