//! Reading a file for the pipeline: the byte prefilter (needles) before any decoding.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use memchr::memmem::Finder;

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
pub(super) struct Gate(Arc<Finders>);

struct Finders {
    /// The needles less those that contain another one (found whenever it is).
    needles: Vec<Finder<'static>>,
    /// The telemetry needles a file without any gate needle may still hold: those containing
    /// no gate needle.
    telemetry: Vec<Finder<'static>>,
}

impl Gate {
    /// The gate of `needles`. A tree's packages share a few needle sets: each is built once.
    pub fn new(needles: &[&'static str]) -> Gate {
        static BUILT: Mutex<BTreeMap<Vec<&'static str>, Arc<Finders>>> =
            Mutex::new(BTreeMap::new());
        let mut key = needles.to_vec();
        key.sort();
        key.dedup();
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        let finders = built
            .entry(key)
            .or_insert_with_key(|key| Arc::new(Finders::of(key)));
        Gate(finders.clone())
    }

    /// No read needle: no file passes.
    pub fn is_empty(&self) -> bool {
        self.0.needles.is_empty()
    }

    /// Whether `bytes` hold one of the needles.
    pub fn finds(&self, bytes: &[u8]) -> bool {
        self.0.needles.iter().any(|f| f.find(bytes).is_some())
    }
}

impl Finders {
    fn of(needles: &[&'static str]) -> Finders {
        let implied = |n: &str| needles.iter().any(|o| o.len() < n.len() && n.contains(o));
        let needed: Vec<&'static str> = needles.iter().copied().filter(|n| !implied(n)).collect();
        let finder = |n: &&'static str| Finder::new(n.as_bytes());
        Finders {
            needles: needed.iter().map(finder).collect(),
            telemetry: TELEMETRY_NEEDLES
                .iter()
                .filter(|t| !needed.iter().any(|n| t.contains(n)))
                .map(finder)
                .collect(),
        }
    }
}

thread_local! {
    /// The bytes of the file being gated: most files are read, searched and dropped, so one
    /// buffer per thread serves them all (a file that passes takes it).
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer grown past this by a big file is dropped after it, not kept for the next one.
const BUFFER_KEPT: usize = 1 << 20;

pub(super) fn read_file(path: &Path, gate: &Gate) -> Read {
    BUFFER.with_borrow_mut(|bytes| {
        let read = read_into(path, gate, bytes);
        if bytes.capacity() > BUFFER_KEPT {
            *bytes = Vec::new();
        }
        read
    })
}

/// Reads `path` into `bytes` and gates it.
fn read_into(path: &Path, gate: &Gate, bytes: &mut Vec<u8>) -> Read {
    bytes.clear();
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(bytes)) {
        return Read::Error(format!("cannot read file: {e}"));
    }
    let found = |f: &Finder| f.find(bytes).is_some();
    let hit = gate.finds(bytes);
    // A file that mentions telemetry but cannot be decoded is an error even when no enabled
    // transform would look at it: the user must know it was not migrated.
    if !hit && !gate.0.telemetry.iter().any(found) {
        return Read::Skipped;
    }
    match std::str::from_utf8(bytes) {
        Ok(_) if !hit => Read::Skipped,
        Ok(_) => Read::Text(String::from_utf8(std::mem::take(bytes)).expect("checked to be UTF-8")),
        Err(e) => Read::Error(format!(
            "not valid UTF-8 (invalid byte at offset {}); file left untouched",
            e.valid_up_to()
        )),
    }
}
