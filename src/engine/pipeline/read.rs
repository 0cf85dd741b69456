//! Reading a file for the pipeline: the byte prefilter (needles) before any decoding.

use std::path::Path;

use crate::engine::context::TELEMETRY_NEEDLES;

/// A file read for the pipeline: text, or why it cannot be processed.
pub(super) enum Read {
    Text(String),
    /// No transform would look at it.
    Skipped,
    Error(String),
}

/// The needles a file is read through. (One Aho-Corasick pass over the read and telemetry
/// needles was tried: slower on the ordinary tree than a SIMD `memmem` per needle, and an
/// automaton per package plan costs time to build; BENCHMARKS.md.)
pub(super) struct Gate {
    needles: Vec<&'static str>,
}

impl Gate {
    pub fn new(needles: &[&'static str]) -> Gate {
        Gate {
            needles: needles.to_vec(),
        }
    }

    /// No read needle: no file passes.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }
}

pub(super) fn read_file(path: &Path, gate: &Gate) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Read::Error(format!("cannot read file: {e}")),
    };
    let contains = |n: &&str| memchr::memmem::find(&bytes, n.as_bytes()).is_some();
    let hit = gate.needles.iter().any(contains);
    // A file that mentions telemetry but cannot be decoded is an error even when no enabled
    // transform would look at it: the user must know it was not migrated.
    if !hit && !TELEMETRY_NEEDLES.iter().any(contains) {
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
