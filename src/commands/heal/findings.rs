//! What the loop took back, for people: a finding on each restored package's manifest, and
//! the backed-out change as a patch.

use std::path::Path;

use crate::engine::diff;
use crate::engine::finding::{Finding, Severity};
use crate::engine::pipeline::RunResult;
use crate::engine::report::display_path;
use crate::engine::verify_report::{PackageOutcome, PackageVerdict};

use super::VERIFY;

/// A finding on the manifest of every package whose migration was taken back.
pub(super) fn restore_findings(verdicts: &[PackageVerdict]) -> Vec<Finding> {
    verdicts
        .iter()
        .filter(|v| v.outcome != PackageOutcome::Ok)
        .map(|v| {
            let message = match (v.outcome, &v.first_error) {
                (PackageOutcome::FailedBeforeMigration, Some(e)) => format!(
                    "{} does not compile before the migration either, so it was left as it was: {} ({}:{})",
                    v.name, e.message, e.path, e.line
                ),
                _ => format!(
                    "migration of {} taken back ({}): {}",
                    v.name,
                    v.outcome.as_str(),
                    v.restored_because.as_deref().unwrap_or("")
                ),
            };
            Finding::about_path(Path::new(&v.manifest), VERIFY, Severity::Warning, message)
                .with_suggestion("`--backed-out-patch FILE` writes the restored migration as a patch to finish by hand")
        })
        .collect()
}

/// The diff from the healed texts to the full migration.
pub(super) fn backed_out_patch(first: &RunResult, healed: &RunResult) -> String {
    first
        .files
        .iter()
        .map(|f| {
            let now = healed
                .files
                .iter()
                .find(|h| h.path == f.path)
                .map_or(f.original.as_str(), |h| h.output());
            diff::unified(&display_path(&f.path), now, f.output())
        })
        .collect()
}
