//! The residue table: the generated list of removed items (`removed.txt`) and the hand-written
//! call shapes, loaded once; and the package's old versions it is matched against.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use aho_corasick::AhoCorasick;
use semver::Version;

use super::hand_written::{
    MacroShape, MethodShape, MACRO_SHAPES, METHOD_SHAPES, UNIQUE_METHODS, WHOLE_CRATES,
};

/// The crates the table knows, as code names, with the version the migration targets.
pub const SCANNED_CRATES: &[(&str, &str)] = &[
    ("opentelemetry", "0.27"),
    ("opentelemetry_sdk", "0.27"),
    ("opentelemetry_otlp", "0.27"),
    ("opentelemetry_api", "0.27"),
    ("opentelemetry_jaeger", "0.27"),
    ("metrics", "0.24"),
];

/// One removed item.
pub(super) struct Entry {
    pub kind: String,
    /// The last supported old version that has it.
    pub last: Version,
    /// A hand-written message (a whole crate that is gone); generated entries have none.
    pub message: Option<&'static str>,
}

pub(super) struct Table {
    /// Items by resolved path (`opentelemetry::metrics::Unit`).
    pub removed: HashMap<String, Entry>,
    /// Cargo features by `crate/feature` (`opentelemetry_otlp/grpc-sys`).
    pub features: HashMap<String, Entry>,
    pub methods: &'static [MethodShape],
    pub macros: &'static [MacroShape],
    /// Every name a site can be spelled with: the prefilter.
    prefilter: AhoCorasick,
}

pub(super) static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut removed = HashMap::new();
    let mut features = HashMap::new();
    for line in include_str!("removed.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [path, kind, _first, last] = fields[..] else {
            panic!("removed.txt: malformed line `{line}`");
        };
        let entry = Entry {
            kind: kind.to_string(),
            last: Version::parse(last).expect("removed.txt: a version"),
            message: None,
        };
        if path.contains('/') {
            features.insert(path.to_string(), entry);
        } else {
            removed.insert(path.to_string(), entry);
        }
    }
    for krate in WHOLE_CRATES {
        removed.insert(
            krate.name.to_string(),
            Entry {
                kind: "crate".to_string(),
                last: Version::parse(krate.last).expect("a version"),
                message: Some(krate.message),
            },
        );
    }
    let names = removed
        .keys()
        .map(|p| last_name(p).to_string())
        .chain(
            features
                .keys()
                .map(|f| f.rsplit('/').next().unwrap().to_string()),
        )
        .chain(shape_names(|_| true));
    Table {
        prefilter: automaton(names),
        removed,
        features,
        methods: METHOD_SHAPES,
        macros: MACRO_SHAPES,
    }
});

/// The name a removed item's site is spelled with (`Unit` of `opentelemetry::metrics::Unit`).
fn last_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap()
}

/// The names of the hand-written shapes of the crates `has` accepts.
fn shape_names(has: impl Fn(&str) -> bool) -> Vec<String> {
    let methods = METHOD_SHAPES
        .iter()
        .map(|m| (m.krate, m.method.to_string()));
    let unique = UNIQUE_METHODS
        .iter()
        .map(|m| (m.krate, m.method.to_string()));
    let macros = MACRO_SHAPES
        .iter()
        .map(|m| ("metrics", format!("{}!", m.name)));
    methods
        .chain(unique)
        .chain(macros)
        .filter(|(krate, _)| has(krate))
        .map(|(_, name)| name)
        .collect()
}

fn automaton(names: impl Iterator<Item = String>) -> AhoCorasick {
    let mut names: Vec<String> = names.collect();
    names.sort();
    names.dedup();
    AhoCorasick::new(names).expect("valid patterns")
}

/// Whether `text` may hold a site: one search for every name of the table.
pub fn might_have_sites(text: &str) -> bool {
    TABLE.prefilter.is_match(text)
}

/// The prefilters of the packages' old versions, built once per distinct set (a tree's
/// packages share a few: most of a big workspace is on one `metrics`).
static PREFILTERS: LazyLock<Mutex<HashMap<CratesOnVersions, Arc<AhoCorasick>>>> =
    LazyLock::new(Mutex::default);

/// (crate as the table names it, the package's version judged): what a prefilter depends on.
type CratesOnVersions = Vec<(&'static str, Version)>;

/// The scanned crates a package has on a version older than the target, by the name its code
/// uses for each (`otel` for `otel = { package = "opentelemetry" }`).
#[derive(Debug, Clone, Default)]
pub struct OldVersions {
    /// (code name, crate as the table names it, version).
    crates: Vec<(String, &'static str, Version)>,
}

/// The version a package already on the target is judged as: below every entry's `last`, so
/// every removed item counts. Such code cannot compile with any of them (a file half migrated
/// by hand, or by a run whose result was edited), and a second run must not be silent on it.
const ON_TARGET: Version = Version::new(0, 0, 0);

impl OldVersions {
    /// Adds a dependency; ignored unless its version is older than the target or on the
    /// target's own minor release (newer releases are the ladder's).
    pub fn add(&mut self, code_name: &str, krate: &'static str, version: &Version) {
        let Some((_, target)) = SCANNED_CRATES.iter().find(|(k, _)| *k == krate) else {
            return;
        };
        let target = Version::parse(&format!("{target}.0")).expect("a version");
        let judged_as = if version < &target {
            version.clone()
        } else if (version.major, version.minor) == (target.major, target.minor) {
            ON_TARGET
        } else {
            return;
        };
        self.crates.push((code_name.to_string(), krate, judged_as));
    }

    /// Whether the package has `krate` on the target already (only removed items, `error`s,
    /// are judged there: a changed behaviour is the migration's to report, and it is done).
    pub(super) fn on_target(&self, krate: &str) -> bool {
        self.version_of(krate) == Some(&ON_TARGET)
    }

    pub fn is_empty(&self) -> bool {
        self.crates.is_empty()
    }

    /// The table's crate and the package's version for a path's first segment.
    pub(super) fn of(&self, first_segment: &str) -> Option<(&'static str, &Version)> {
        self.crates
            .iter()
            .find(|(code, _, _)| code == first_segment)
            .map(|(_, k, v)| (*k, v))
    }

    /// The name the package's code uses for `krate`, when it has it on an old version.
    pub(super) fn code_of(&self, krate: &str) -> Option<&str> {
        self.crates
            .iter()
            .find(|(_, k, _)| *k == krate)
            .map(|(code, _, _)| code.as_str())
    }

    pub(super) fn version_of(&self, krate: &str) -> Option<&Version> {
        self.crates
            .iter()
            .find(|(_, k, _)| *k == krate)
            .map(|(_, _, v)| v)
    }

    /// Whether `text` may hold a site of these crates on these versions: one search for the
    /// names of their removed items and shapes only (a package on `metrics` alone is not
    /// searched for OpenTelemetry's `new` or `Error`). A crate gone as a whole may be named
    /// through a rename or a re-export: then the whole table's search, as before.
    pub fn might_have_sites(&self, text: &str) -> bool {
        let key: CratesOnVersions = self
            .crates
            .iter()
            .map(|(_, krate, version)| (*krate, version.clone()))
            .collect();
        let prefilter = PREFILTERS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert_with(|| self.prefilter())
            .clone();
        prefilter.is_match(text)
    }

    /// The search for the names of the items and shapes these crates' sites can be spelled
    /// with (`check_path` skips an item newer than the package's version, so does this).
    fn prefilter(&self) -> Arc<AhoCorasick> {
        let removed = TABLE.removed.iter().filter(|(path, entry)| {
            self.version_of(path.split("::").next().unwrap_or_default())
                .is_some_and(|version| version <= &entry.last)
        });
        if removed
            .clone()
            .any(|(path, _)| WHOLE_CRATES.iter().any(|c| c.name == path))
        {
            return Arc::new(TABLE.prefilter.clone());
        }
        let names = removed
            .map(|(path, _)| last_name(path).to_string())
            .chain(shape_names(|krate| self.version_of(krate).is_some()));
        Arc::new(automaton(names))
    }
}

/// The version the migration targets for `krate`.
/// The kind (`struct`, `trait`, `mod`, …) of a removed item of the table, by its resolved path.
pub fn removed_kind(item: &str) -> Option<&'static str> {
    TABLE.removed.get(item).map(|e| e.kind.as_str())
}

pub(super) fn target_of(krate: &str) -> &'static str {
    SCANNED_CRATES
        .iter()
        .find(|(k, _)| *k == krate)
        .map_or("the target", |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_entry_belongs_to_a_scanned_crate_and_an_old_version() {
        assert!(TABLE.removed.len() > 100 && !TABLE.features.is_empty());
        for (path, entry) in TABLE.removed.iter().chain(&TABLE.features) {
            let krate = path.split([':', '/']).next().unwrap();
            let (_, target) = SCANNED_CRATES
                .iter()
                .find(|(k, _)| *k == krate)
                .unwrap_or_else(|| panic!("{path}: not a scanned crate"));
            let target = Version::parse(&format!("{target}.0")).unwrap();
            assert!(
                entry.last < target,
                "{path}: last {} is not old",
                entry.last
            );
        }
    }

    #[test]
    fn a_package_is_searched_for_the_names_of_its_own_old_crates_only() {
        let mut metrics = OldVersions::default();
        metrics.add("metrics", "metrics", &Version::new(0, 24, 1));
        let ordinary = "fn new() -> Result<Config, Error> { todo!() }";
        assert!(might_have_sites(ordinary) && !metrics.might_have_sites(ordinary));
        assert!(metrics.might_have_sites("metrics::set_recorder(r)"));
        assert!(metrics.might_have_sites("counter!(\"hits\", 1);"));
        let mut otel = OldVersions::default();
        otel.add("otel", "opentelemetry", &Version::new(0, 26, 0));
        assert!(otel.might_have_sites("otel::global::handle_error(e)"));
        // `Unit` is gone since 0.24: a package on 0.26 cannot name the old one.
        assert!(!otel.might_have_sites("let unit = Unit;"));
        assert!(!otel.might_have_sites("metrics::set_recorder(r)"));
        // A crate gone as a whole may be named through a rename: the whole table's names.
        let mut jaeger = OldVersions::default();
        jaeger.add("jaeger", "opentelemetry_jaeger", &Version::new(0, 20, 0));
        assert!(jaeger.might_have_sites(ordinary));
    }

    #[test]
    fn old_versions_and_the_target_release_are_kept_newer_ones_are_not() {
        let mut v = OldVersions::default();
        v.add("otel", "opentelemetry", &Version::new(0, 26, 0));
        v.add("metrics", "metrics", &Version::new(0, 24, 1));
        v.add(
            "opentelemetry_sdk",
            "opentelemetry_sdk",
            &Version::new(0, 28, 0),
        );
        v.add("serde", "serde", &Version::new(0, 1, 0));
        assert_eq!(v.of("otel").map(|(k, _)| k), Some("opentelemetry"));
        assert!(!v.on_target("opentelemetry") && v.on_target("metrics"));
        assert!(v.of("opentelemetry_sdk").is_none() && v.of("serde").is_none());
    }
}
