//! The pairing table (otel-ladder.md §1), one row a crate and one column a release set past
//! 0.27 ([`MINORS`]): the version of every crate of the family, the transport crates whose
//! types cross the exporter API, and the `rust-version` each set declares. Versions are the
//! newest patch of each minor, written as requirements (`"0.28"` is `^0.28.0`).

/// The release sets, in ladder order: the columns of the tables below.
pub const MINORS: [u64; 6] = [28, 29, 30, 31, 32, 33];

/// Family crate → its version in each set; `None`: no release in that set.
#[rustfmt::skip]
pub const FAMILY: &[(&str, [Option<&str>; 6])] = &[
    ("opentelemetry",                      [Some("0.28"),   Some("0.29.1"), Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry_sdk",                  [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32.1"), Some("0.33.1")]),
    ("opentelemetry-otlp",                 [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31.1"), Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-semantic-conventions", [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32.1"), Some("0.33.1")]),
    // 0.32 is deprecated at crate level, and the last release.
    ("opentelemetry-jaeger-propagator",    [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   None]),
    ("opentelemetry-prometheus",           [Some("0.28"),   Some("0.29.1"), None,           Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-stdout",               [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-appender-tracing",     [Some("0.28.1"), Some("0.29.1"), Some("0.30.1"), Some("0.31.1"), Some("0.32"),   Some("0.33.1")]),
    // Released in lockstep with opentelemetry (not in otel-ladder.md's table): read from the
    // crates.io index on 2026-12-02, each release requiring opentelemetry ^0.N (-proto/-http
    // 0.30.1 are yanked; -zipkin has no 0.33.1).
    ("opentelemetry-proto",                [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-http",                 [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-appender-log",         [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33.1")]),
    ("opentelemetry-zipkin",               [Some("0.28"),   Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32"),   Some("0.33")]),
    // tracing-opentelemetry 0.(N+1) is built on opentelemetry 0.N.
    ("tracing-opentelemetry",              [Some("0.29"),   Some("0.30"),   Some("0.31"),   Some("0.32.1"), Some("0.33"),   Some("0.34")]),
];

/// tonic, prost, reqwest and prometheus as each set's crates depend on them (opentelemetry-
/// prometheus 0.29.1 depends on prometheus 0.14).
#[rustfmt::skip]
pub const TRANSPORT: &[(&str, [&str; 6])] = &[
    ("tonic",      ["0.12", "0.12", "0.13", "0.14", "0.14", "0.14"]),
    ("prost",      ["0.13", "0.13", "0.13", "0.14", "0.14", "0.14"]),
    ("reqwest",    ["0.12", "0.12", "0.12", "0.12", "0.13", "0.13"]),
    ("prometheus", ["0.13", "0.14", "0.14", "0.14", "0.14", "0.14"]),
];

/// The lowest `rust-version` each set's crates declare.
pub const RUST_VERSION: [&str; 6] = ["1.75"; 6];
/// What a fresh lockfile of the set needs (tonic 0.14.9), when more.
pub const FRESH_LOCK_RUST_VERSION: [Option<&str>; 6] =
    [None, None, None, Some("1.88"), Some("1.88"), Some("1.88")];

/// One column of the tables: the release set of a minor.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseSet {
    pub minor: u64,
    column: usize,
}

/// The release set of `minor` (0.28 … 0.33).
pub fn release_set(minor: u64) -> Option<ReleaseSet> {
    let column = MINORS.iter().position(|m| *m == minor)?;
    Some(ReleaseSet { minor, column })
}

impl ReleaseSet {
    /// The version of `krate` (canonical name) in this set: `Some(None)` when the crate has no
    /// release here, `None` when the table does not know the crate.
    pub fn family_version(&self, canonical: &str) -> Option<Option<&'static str>> {
        FAMILY
            .iter()
            .find(|(c, _)| c.replace('_', "-") == canonical)
            .map(|(_, v)| v[self.column])
    }

    pub fn transport_version(&self, canonical: &str) -> Option<&'static str> {
        TRANSPORT
            .iter()
            .find(|(c, _)| *c == canonical)
            .map(|(_, v)| v[self.column])
    }

    pub fn rust_version(&self) -> &'static str {
        RUST_VERSION[self.column]
    }

    pub fn fresh_lock_rust_version(&self) -> Option<&'static str> {
        FRESH_LOCK_RUST_VERSION[self.column]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_is_on_its_column_minor() {
        assert_eq!(
            MINORS.to_vec(),
            (28..=super::super::LATEST).collect::<Vec<_>>()
        );
        for (krate, versions) in FAMILY {
            for (minor, v) in MINORS.iter().zip(versions) {
                // tracing-opentelemetry 0.(N+1) is built on opentelemetry 0.N.
                let on = if *krate == "tracing-opentelemetry" {
                    minor + 1
                } else {
                    *minor
                };
                if let Some(v) = v {
                    assert!(
                        v.starts_with(&format!("0.{on}")),
                        "{krate} {v} in 0.{minor}"
                    );
                }
            }
        }
        let t = release_set(30).unwrap();
        assert_eq!(t.family_version("opentelemetry-prometheus"), Some(None));
        assert_eq!(t.family_version("opentelemetry-sdk"), Some(Some("0.30")));
        assert_eq!(t.family_version("opentelemetry-zipkin"), Some(Some("0.30")));
        assert_eq!(t.family_version("opentelemetry-aws"), None);
        assert_eq!(t.transport_version("tonic"), Some("0.13"));
        assert!(release_set(27).is_none());
    }
}
