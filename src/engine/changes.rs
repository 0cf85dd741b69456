//! The edits and findings one piece of code asks for on one file. Transforms return them (in
//! their `Outcome`); the knowledge layer builds them without seeing a run.

use crate::engine::edit::{Edit, EditSet, TextRange};
use crate::engine::finding::{RawFinding, Severity};
use crate::engine::ledger::RawLedgerEntry;

#[derive(Debug, Default)]
pub struct Changes {
    pub edits: EditSet,
    pub findings: Vec<RawFinding>,
    /// What the sites this code rewrote or reported export, before and after.
    pub ledger: Vec<RawLedgerEntry>,
}

impl Changes {
    /// Adds an edit. Two sites asking for overlapping edits is a transform bug; rather than
    /// guess, the second edit is dropped and reported.
    pub fn edit(&mut self, edit: Edit) {
        let range = edit.range;
        if let Err(conflict) = self.edits.insert(edit) {
            self.findings.push(RawFinding::new(
                range,
                Severity::Error,
                format!("internal: overlapping rewrites ({conflict}); this site was not rewritten"),
            ));
        }
    }

    pub fn replace(&mut self, range: TextRange, text: impl Into<String>) {
        self.edit(Edit::replace(range, text));
    }

    pub fn finding(
        &mut self,
        range: TextRange,
        severity: Severity,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) {
        self.findings
            .push(RawFinding::new(range, severity, message).with_suggestion(suggestion));
    }

    /// A finding about one old item (resolved path): another transform's finding on an
    /// overlapping span about the same item is the same site, and is reported once.
    pub fn item_finding(
        &mut self,
        item: &str,
        range: TextRange,
        severity: Severity,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) {
        self.findings.push(
            RawFinding::new(range, severity, message)
                .with_suggestion(suggestion)
                .about_item(item),
        );
    }
}
