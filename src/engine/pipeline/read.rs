//! Reading a file for the pipeline: the byte prefilter (needles) before any decoding.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::engine::context::TELEMETRY_NEEDLES;

/// A file read for the pipeline: text, or why it cannot be processed.
pub(super) enum Read {
    Text(String),
    /// No transform would look at it.
    Skipped,
    Error(String),
}

/// The needles a file is read through and the telemetry needles, in one automaton: one pass
/// over a file's bytes instead of one search per needle.
pub(super) struct Gate {
    automaton: AhoCorasick,
    /// Patterns below this index are the read needles; the rest are telemetry needles only.
    read_needles: usize,
}

impl Gate {
    pub fn new(needles: &[&str]) -> Gate {
        let mut patterns = needles.to_vec();
        patterns.extend(TELEMETRY_NEEDLES.iter().filter(|n| !needles.contains(n)));
        // One gate per package: an NFA builds in a fraction of a DFA's time, and the
        // automaton's SIMD prefilter does most of the search either way.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns)
            .expect("plain string needles");
        Gate {
            automaton,
            read_needles: needles.len(),
        }
    }

    /// No read needle: no file passes.
    pub fn is_empty(&self) -> bool {
        self.read_needles == 0
    }

    /// (a read needle is in `bytes`, a telemetry needle is in `bytes`); the second is only
    /// exact when the first is false.
    fn scan(&self, bytes: &[u8]) -> (bool, bool) {
        let mut telemetry = false;
        for m in self.automaton.find_overlapping_iter(bytes) {
            if m.pattern().as_usize() < self.read_needles {
                return (true, true);
            }
            telemetry = true;
        }
        (false, telemetry)
    }
}

pub(super) fn read_file(path: &Path, gate: &Gate) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Read::Error(format!("cannot read file: {e}")),
    };
    let (hit, telemetry) = gate.scan(&bytes);
    // A file that mentions telemetry but cannot be decoded is an error even when no enabled
    // transform would look at it: the user must know it was not migrated.
    if !hit && !telemetry {
        return Read::Skipped;
    }
    match String::from_utf8(bytes) {
        Ok(_) if !hit => Read::Skipped,
        Ok(t) => Read::Text(t),
        Err(e) => Read::Error(format!(
            "not valid UTF-8 (invalid byte at offset {}); file left untouched",
            e.utf8_error().valid_up_to()
        )),
    }
}
