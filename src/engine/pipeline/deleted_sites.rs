//! A warning or note at code a later transform deleted (the 0.27 bridge's warning at a
//! `global::shutdown_tracer_provider();` that the 0.28 hop removes) points at nothing in the
//! output: the transform that deleted the site says why at the same place, so the stale one is
//! dropped. Errors always stay: a reviewer must see them.

use crate::engine::edit::TextRange;
use crate::engine::finding::{RawFinding, Severity};

/// A finding located in the original text, with the number of edit sets accepted before its
/// transform ran.
pub struct Reported {
    pub transform: &'static str,
    pub finding: RawFinding,
    pub before_sets: usize,
}

/// A deletion of the original text's `range` by the edit set with index `set`, which
/// `transform` made.
pub struct Deletion<'a> {
    pub set: usize,
    pub transform: &'a str,
    pub range: TextRange,
}

/// The findings whose site no later transform deleted.
pub fn without_deleted_sites(
    findings: Vec<Reported>,
    deletions: &[Deletion<'_>],
) -> Vec<(&'static str, RawFinding)> {
    findings
        .into_iter()
        .filter(|r| {
            r.finding.severity == Severity::Error
                || !deletions.iter().any(|d| {
                    d.set >= r.before_sets
                        && d.transform != r.transform
                        && d.range.contains_range(r.finding.range)
                })
        })
        .map(|r| (r.transform, r.finding))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(
        transform: &'static str,
        severity: Severity,
        range: TextRange,
        before_sets: usize,
    ) -> Reported {
        Reported {
            transform,
            finding: RawFinding::new(range, severity, "m"),
            before_sets,
        }
    }

    #[test]
    fn a_later_deletion_drops_warnings_and_notes_but_not_errors() {
        let deleted = [Deletion {
            set: 2,
            transform: "later",
            range: TextRange::new(10, 40),
        }];
        let kept = without_deleted_sites(
            vec![
                reported("earlier", Severity::Warning, TextRange::new(12, 30), 0),
                // Reported just before set 2, by a transform that made no edits.
                reported("earlier", Severity::Note, TextRange::new(12, 30), 2),
                reported("earlier", Severity::Error, TextRange::new(12, 30), 0),
                // Its own transform's deletion: kept (it says why there).
                reported("later", Severity::Note, TextRange::new(12, 30), 2),
                // Reported after the deletion (on other text): kept.
                reported("last", Severity::Note, TextRange::new(12, 30), 3),
                // Only partly deleted: kept.
                reported("earlier", Severity::Warning, TextRange::new(35, 45), 0),
            ],
            &deleted,
        );
        let left: Vec<(Severity, usize)> = kept
            .iter()
            .map(|(_, f)| (f.severity, f.range.start))
            .collect();
        assert_eq!(
            left,
            [
                (Severity::Error, 12),
                (Severity::Note, 12),
                (Severity::Note, 12),
                (Severity::Warning, 35)
            ]
        );
    }
}
