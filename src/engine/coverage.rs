//! The coverage of a run: how many old-API sites the original code had, and what became of
//! them. Counted from a residue pass's findings ([`RawFinding::left_behind`]), one line a person
//! reads at a glance, and `summary.coverage` in the JSON report.
//!
//! [`RawFinding::left_behind`]: crate::engine::finding::RawFinding::left_behind

use serde::{Deserialize, Serialize};

use crate::engine::finding::Severity;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Old-API sites in the code before the run.
    pub before: usize,
    /// Sites the run removed (before minus the sites left).
    pub migrated: usize,
    /// Sites left with an `error` finding.
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
}
