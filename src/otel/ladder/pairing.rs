//! The pairing table (otel-ladder.md §1): the version of every crate of the family in each
//! release set past 0.27, the transport crates whose types cross the exporter API, and the
//! `rust-version` each set declares. Versions are the newest patch of each minor, written as
//! requirements (`"0.28"` is `^0.28.0`).

/// The family crates of one release set; `None`: the crate has no release in this set.
pub struct ReleaseSet {
    pub minor: u64,
    pub family: &'static [(&'static str, Option<&'static str>)],
    /// `(crate, version)` of tonic, prost, reqwest and prometheus as the set's crates depend on them.
    pub transport: &'static [(&'static str, &'static str)],
    /// The lowest `rust-version` the set's crates declare.
    pub rust_version: &'static str,
    /// What a fresh lockfile of the set needs (its newest transport crates), when more.
    pub fresh_lock_rust_version: Option<&'static str>,
}

const fn set(
    minor: u64,
    family: &'static [(&'static str, Option<&'static str>)],
    transport: &'static [(&'static str, &'static str)],
    rust_version: &'static str,
    fresh_lock_rust_version: Option<&'static str>,
) -> ReleaseSet {
    ReleaseSet {
        minor,
        family,
        transport,
        rust_version,
        fresh_lock_rust_version,
    }
}

/// 0.28 … 0.33, in order.
pub const SETS: &[ReleaseSet] = &[
    set(
        28,
        &[
            ("opentelemetry", Some("0.28")),
            ("opentelemetry_sdk", Some("0.28")),
            ("opentelemetry-otlp", Some("0.28")),
            ("opentelemetry-semantic-conventions", Some("0.28")),
            ("opentelemetry-jaeger-propagator", Some("0.28")),
            ("opentelemetry-prometheus", Some("0.28")),
            ("opentelemetry-stdout", Some("0.28")),
            ("opentelemetry-appender-tracing", Some("0.28.1")),
            ("tracing-opentelemetry", Some("0.29")),
        ],
        &[
            ("tonic", "0.12"),
            ("prost", "0.13"),
            ("reqwest", "0.12"),
            ("prometheus", "0.13"),
        ],
        "1.75",
        None,
    ),
    set(
        29,
        &[
            ("opentelemetry", Some("0.29.1")),
            ("opentelemetry_sdk", Some("0.29")),
            ("opentelemetry-otlp", Some("0.29")),
            ("opentelemetry-semantic-conventions", Some("0.29")),
            ("opentelemetry-jaeger-propagator", Some("0.29")),
            ("opentelemetry-prometheus", Some("0.29.1")),
            ("opentelemetry-stdout", Some("0.29")),
            ("opentelemetry-appender-tracing", Some("0.29.1")),
            ("tracing-opentelemetry", Some("0.30")),
        ],
        &[
            ("tonic", "0.12"),
            ("prost", "0.13"),
            ("reqwest", "0.12"),
            // opentelemetry-prometheus 0.29.1 depends on prometheus 0.14.
            ("prometheus", "0.14"),
        ],
        "1.75",
        None,
    ),
    set(
        30,
        &[
            ("opentelemetry", Some("0.30")),
            ("opentelemetry_sdk", Some("0.30")),
            ("opentelemetry-otlp", Some("0.30")),
            ("opentelemetry-semantic-conventions", Some("0.30")),
            ("opentelemetry-jaeger-propagator", Some("0.30")),
            ("opentelemetry-prometheus", None),
            ("opentelemetry-stdout", Some("0.30")),
            ("opentelemetry-appender-tracing", Some("0.30.1")),
            ("tracing-opentelemetry", Some("0.31")),
        ],
        &[
            ("tonic", "0.13"),
            ("prost", "0.13"),
            ("reqwest", "0.12"),
            ("prometheus", "0.14"),
        ],
        "1.75",
        None,
    ),
    set(
        31,
        &[
            ("opentelemetry", Some("0.31")),
            ("opentelemetry_sdk", Some("0.31")),
            ("opentelemetry-otlp", Some("0.31.1")),
            ("opentelemetry-semantic-conventions", Some("0.31")),
            ("opentelemetry-jaeger-propagator", Some("0.31")),
            ("opentelemetry-prometheus", Some("0.31")),
            ("opentelemetry-stdout", Some("0.31")),
            ("opentelemetry-appender-tracing", Some("0.31.1")),
            ("tracing-opentelemetry", Some("0.32.1")),
        ],
        &[
            ("tonic", "0.14"),
            ("prost", "0.14"),
            ("reqwest", "0.12"),
            ("prometheus", "0.14"),
        ],
        "1.75",
        Some("1.88"),
    ),
    set(
        32,
        &[
            ("opentelemetry", Some("0.32")),
            ("opentelemetry_sdk", Some("0.32.1")),
            ("opentelemetry-otlp", Some("0.32")),
            ("opentelemetry-semantic-conventions", Some("0.32.1")),
            // Deprecated at crate level, and the last release.
            ("opentelemetry-jaeger-propagator", Some("0.32")),
            ("opentelemetry-prometheus", Some("0.32")),
            ("opentelemetry-stdout", Some("0.32")),
            ("opentelemetry-appender-tracing", Some("0.32")),
            ("tracing-opentelemetry", Some("0.33")),
        ],
        &[
            ("tonic", "0.14"),
            ("prost", "0.14"),
            ("reqwest", "0.13"),
            ("prometheus", "0.14"),
        ],
        "1.75",
        Some("1.88"),
    ),
    set(
        33,
        &[
            ("opentelemetry", Some("0.33.1")),
            ("opentelemetry_sdk", Some("0.33.1")),
            ("opentelemetry-otlp", Some("0.33.1")),
            ("opentelemetry-semantic-conventions", Some("0.33.1")),
            ("opentelemetry-jaeger-propagator", None),
            ("opentelemetry-prometheus", Some("0.33.1")),
            ("opentelemetry-stdout", Some("0.33.1")),
            ("opentelemetry-appender-tracing", Some("0.33.1")),
            ("tracing-opentelemetry", Some("0.34")),
        ],
        &[
            ("tonic", "0.14"),
            ("prost", "0.14"),
            ("reqwest", "0.13"),
            ("prometheus", "0.14"),
        ],
        "1.75",
        Some("1.88"),
    ),
];

/// The release set of `minor` (0.28 … 0.33).
pub fn release_set(minor: u64) -> Option<&'static ReleaseSet> {
    SETS.iter().find(|s| s.minor == minor)
}

impl ReleaseSet {
    /// The version of `krate` (canonical name) in this set: `Some(None)` when the crate has no
    /// release here, `None` when the table does not know the crate.
    pub fn family_version(&self, canonical: &str) -> Option<Option<&'static str>> {
        self.family
            .iter()
            .find(|(c, _)| c.replace('_', "-") == canonical)
            .map(|(_, v)| *v)
    }

    pub fn transport_version(&self, canonical: &str) -> Option<&'static str> {
        self.transport
            .iter()
            .find(|(c, _)| *c == canonical)
            .map(|(_, v)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_names_every_crate_once_in_ladder_order() {
        let minors: Vec<u64> = SETS.iter().map(|s| s.minor).collect();
        assert_eq!(minors, (28..=super::super::LATEST).collect::<Vec<_>>());
        for s in SETS {
            assert_eq!(s.family.len(), SETS[0].family.len());
            for (krate, version) in s.family {
                if let Some(v) = version {
                    assert!(
                        v.starts_with(&format!("0.{}", s.minor))
                            || *krate == "tracing-opentelemetry",
                        "{krate} {v}"
                    );
                }
            }
        }
        let t = release_set(30).unwrap();
        assert_eq!(t.family_version("opentelemetry-prometheus"), Some(None));
        assert_eq!(t.family_version("opentelemetry-sdk"), Some(Some("0.30")));
        assert_eq!(t.family_version("opentelemetry-zipkin"), None);
        assert_eq!(t.transport_version("tonic"), Some("0.13"));
    }
}
