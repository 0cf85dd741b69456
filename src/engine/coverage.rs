//! The coverage of a run: how many old-API sites the original code had, and what became of
//! them. Counted from a residue pass's findings ([`RawFinding::left_behind`]), one line a person
//! reads at a glance, and `summary.coverage` in the JSON report.
//!
//! [`RawFinding::left_behind`]: crate::engine::finding::RawFinding::left_behind

use serde::{Deserialize, Serialize};

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Old-API sites in the code before the run.
    pub before: usize,
    /// Sites the run removed (before minus the sites left).
    pub migrated: usize,
    /// Sites left with an `error` finding, or rewritten into code an `error` finding reports.
    pub error: usize,
    /// Sites left with a `warning` finding.
    pub warning: usize,
    /// Sites left with a `note` (a change the user should know of, not a failure).
    pub note: usize,
    /// Sites left whose finding the user allowed (`allow` comment or config).
    pub allowed: usize,
}

impl Coverage {
    /// The coverage of one file: its sites before, and the severity of each finding that marks
    /// a site left (`None`: allowed).
    pub fn of_file(before: usize, left: impl IntoIterator<Item = Option<Severity>>) -> Coverage {
        let mut c = Coverage {
            before,
            ..Coverage::default()
        };
        for severity in left {
            match severity {
                Some(Severity::Error) => c.error += 1,
                Some(Severity::Warning) => c.warning += 1,
                Some(Severity::Note) => c.note += 1,
                None => c.allowed += 1,
            }
        }
        c.migrated = before.saturating_sub(c.left());
        c
    }

    /// Sites still in the code after the run.
    pub fn left(&self) -> usize {
        self.error + self.warning + self.note + self.allowed
    }

    pub fn add(&mut self, other: &Coverage) {
        self.before += other.before;
        self.migrated += other.migrated;
        self.error += other.error;
        self.warning += other.warning;
        self.note += other.note;
        self.allowed += other.allowed;
    }

    /// Whether sites remain that `check` must fail on.
    pub fn fails_check(&self) -> bool {
        self.error + self.warning > 0
    }

    /// `coverage: 12 old-API site(s) before → 9 migrated, 2 reported (1 error, 1 warning), 1 left with a note, 0 allowed`
    pub fn line(&self) -> String {
        format!(
            "coverage: {} old-API site(s) before → {} migrated, {} reported ({} error, {} warning), {} left with a note, {} allowed",
            self.before,
            self.migrated,
            self.error + self.warning,
            self.error,
            self.warning,
            self.note,
            self.allowed
        )
    }
}

/// How many old-API sites of the original text (`before`) no site left covers (`left`: the
/// findings marking sites left) but an `error` finding does (`errors`, its other errors; all in
/// the original text): a rewrite removed their old items but reports its new code as wrong, so
/// they are reported, not migrated.
pub fn sites_under_errors(before: &[TextRange], left: &[TextRange], errors: &[TextRange]) -> usize {
    let covers = |ranges: &[TextRange], site: TextRange| {
        ranges
            .iter()
            .any(|r| r.overlaps(site) || r.contains_range(site))
    };
    before
        .iter()
        .filter(|site| !covers(left, **site) && covers(errors, **site))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_left_are_counted_by_severity_and_the_rest_migrated() {
        let c = Coverage::of_file(5, [Some(Severity::Error), Some(Severity::Note), None]);
        assert_eq!((c.migrated, c.error, c.note, c.allowed), (2, 1, 1, 1));
        assert!(c.fails_check());
        assert!(!Coverage::of_file(3, [Some(Severity::Note)]).fails_check());
        assert_eq!(
            c.line(),
            "coverage: 5 old-API site(s) before → 2 migrated, 1 reported (1 error, 0 warning), 1 left with a note, 1 allowed"
        );
    }

    #[test]
    fn a_site_rewritten_into_code_an_error_reports_is_not_migrated() {
        let r = TextRange::new;
        // Sites at 0..5 and 10..15 rewritten inside one error's replaced text (0..20); 30..35
        // left with its own finding (counted there); 40..45 rewritten cleanly.
        let before = [r(0, 5), r(10, 15), r(30, 35), r(40, 45)];
        assert_eq!(sites_under_errors(&before, &[r(30, 35)], &[r(0, 20)]), 2);
        // An error on the site left does not count it twice; no error, nothing reported.
        assert_eq!(sites_under_errors(&before, &[r(30, 35)], &[r(31, 33)]), 0);
        assert_eq!(sites_under_errors(&before, &[], &[]), 0);
    }
}
