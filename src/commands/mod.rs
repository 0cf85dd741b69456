//! The commands: the command line (`cli`: arguments and dispatch) and one module per command.
//! `diff`, `apply` and `check` share one path (`migrate`); `batch`, `merge`, `adopt` and
//! `verify` have their own; `formats` renders the machine-readable report formats; `ledger` prints the ledger's tables; `output` prints a run. What they all share (output format, color, exit codes)
//! is defined here. `--verify` on diff/check/apply/batch is `heal` (the back-out loop), which
//! checks through `verify`'s copy and `cargo_check`. Commands use the engine, the registry of transforms and the knowledge;
//! nothing below uses a command.

use clap::ValueEnum;

pub mod adopt;
pub mod batch;
pub mod cargo_check;
pub mod cli;
pub mod formats;
pub mod heal;
pub mod ledger;
pub mod merge;
pub mod migrate;
pub mod output;
pub mod verify;

pub const EXIT_OK: u8 = 0;
pub const EXIT_CHECK_FAILED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// The exit code of a command: 2 on any error, else 1 when it `failed` (a check gate or a
/// verify that did not compile), else 0.
pub fn exit_code(errors: bool, failed: bool) -> u8 {
    if errors {
        EXIT_ERROR
    } else if failed {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The diff on stdout; findings like rustc, errors and the summary on stderr.
    Text,
    /// The tool's own JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, security dashboards).
    Sarif,
    /// GitHub Actions annotations (`::error file=…`).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
