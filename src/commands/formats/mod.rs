//! Machine-readable renderings of a run or a batch for the tools CI teams already use:
//! SARIF (`sarif`, code scanning), GitHub Actions annotations (`github`), GitLab Code Quality
//! (`gitlab`) and JUnit XML (`junit`). Each renders [`Project`]s: a single run is one project,
//! a batch one per repository. (The HTML page shows a whole batch: `batch::html`.)

pub mod github;
pub mod gitlab;
pub mod junit;
pub mod sarif;

use crate::commands::Format;
use crate::engine::report::RunReport;
use crate::engine::verify_report::VerifyReport;

/// One repository (or the whole run of `diff`/`check`/`apply`) to render.
#[derive(Debug, Clone, Copy)]
pub struct Project<'a> {
    /// As the batch file names it; `.` for a single run.
    pub name: &'a str,
    /// The repository root as shown (relative to the current directory); `.` for a single run,
    /// whose paths are already relative to where it ran.
    pub root: &'a str,
    pub report: &'a RunReport,
    pub verify: Option<&'a VerifyReport>,
}

impl<'a> Project<'a> {
    /// A `diff`/`check`/`apply` run.
    pub fn single(report: &'a RunReport) -> Project<'a> {
        Project {
            name: ".",
            root: ".",
            report,
            verify: report.verify.as_ref(),
        }
    }

    /// `path` (as shown) relative to this project's root.
    pub fn relative<'p>(&self, path: &'p str) -> &'p str {
        if self.root == "." {
            return path;
        }
        path.strip_prefix(self.root)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(path)
    }
}

/// The document of a machine-readable format (`None` for text and JSON, which the commands
/// print themselves).
pub fn render(format: Format, projects: &[Project]) -> Option<String> {
    match format {
        Format::Text | Format::Json => None,
        Format::Sarif => Some(sarif::render(projects)),
        Format::Github => Some(github::render(projects)),
        Format::Gitlab => Some(gitlab::render(projects)),
        Format::Junit => Some(junit::render(projects)),
    }
}
