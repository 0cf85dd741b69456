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

pub(super) fn read_file(path: &Path, needles: &[&str]) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Read::Error(format!("cannot read file: {e}")),
    };
    let contains = |n: &&str| memchr::memmem::find(&bytes, n.as_bytes()).is_some();
    let hit = needles.iter().any(contains);
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
