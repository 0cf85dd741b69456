//! What each hop does to the features of the family crates (otel-ladder.md §3, the manifest
//! rows; checked by Cargo resolution there): renamed, removed, or gone with a decision left to
//! the user.

/// What became of a feature at a hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureFate {
    Renamed(&'static str),
    /// Gone; nothing replaces it.
    Removed,
    /// Gone; the replacement needs a human (`why` says which).
    Reported,
}

/// One feature change at the hop to `minor`.
pub struct HopFeature {
    pub minor: u64,
    /// Canonical crate name (`-` for `_`).
    pub krate: &'static str,
    pub feature: &'static str,
    pub fate: FeatureFate,
    pub why: &'static str,
}

const fn change(
    minor: u64,
    krate: &'static str,
    feature: &'static str,
    fate: FeatureFate,
    why: &'static str,
) -> HopFeature {
    HopFeature {
        minor,
        krate,
        feature,
        fate,
        why,
    }
}

use FeatureFate::{Removed, Renamed, Reported};

#[rustfmt::skip]
pub const HOP_FEATURES: &[HopFeature] = &[
    change(28, "opentelemetry-otlp", "reqwest-client", Renamed("reqwest-blocking-client"), "0.28's batch processors and periodic reader export from their own thread: OTLP/HTTP needs the blocking client"),
    change(28, "opentelemetry-otlp", "populate-logs-event-name", Removed, "removed in 0.28"),
    change(28, "opentelemetry", "otel_unstable", Removed, "removed in 0.28"),
    change(28, "opentelemetry-sdk", "experimental_metrics_periodic_reader_no_runtime", Removed, "removed in 0.28: the periodic reader needs no runtime any more"),
    change(29, "opentelemetry-sdk", "rt-async-std", Reported, "removed in 0.29 with `runtime::AsyncStd`: move the service to Tokio (`rt-tokio`) or stay on 0.28"),
    change(31, "tracing-opentelemetry", "metrics_gauge_unstable", Removed, "removed in tracing-opentelemetry 0.32: gauges are stable"),
    change(32, "opentelemetry", "spec_unstable_logs_enabled", Removed, "removed in 0.32: the logs-enabled capability is always on"),
    change(32, "opentelemetry-sdk", "spec_unstable_logs_enabled", Removed, "removed in 0.32: the logs-enabled capability is always on"),
    change(32, "opentelemetry-appender-tracing", "spec_unstable_logs_enabled", Removed, "removed in 0.32: the logs-enabled capability is always on"),
    change(32, "opentelemetry-appender-tracing", "experimental_use_tracing_span_context", Removed, "removed in 0.32: logs inside spans carry the span context by default (0.31)"),
    change(32, "opentelemetry-sdk", "experimental_logs_concurrent_log_processor", Removed, "removed in 0.32"),
    change(32, "opentelemetry-otlp", "reqwest-rustls-webpki-roots", Reported, "no longer resolves in 0.32 (reqwest 0.13 has no `webpki-roots`): use `reqwest-rustls`, which trusts the platform's roots"),
    change(33, "opentelemetry-otlp", "tls", Renamed("tls-ring"), "removed in 0.33; `tls-ring` is the same rustls setup (or `tls-aws-lc`, `tls-provider-agnostic`)"),
    change(33, "opentelemetry-otlp", "serialize", Reported, "removed in 0.33 without a replacement: serialize the proto types yourself or stay on 0.32"),
    change(33, "opentelemetry-otlp", "experimental-grpc-retry", Removed, "removed in 0.33: retries are built in and on by default"),
    change(33, "opentelemetry-otlp", "experimental-http-retry", Removed, "removed in 0.33: retries are built in and on by default"),
];

/// What `feature` of `krate` becomes from `from` to `to`, following renames: the last name
/// and the last change (or `None`: it stays).
pub fn fate_between(
    krate: &str,
    feature: &str,
    from: u64,
    to: u64,
) -> Option<(&'static HopFeature, Option<&'static str>)> {
    let mut name: Option<&'static str> = None;
    let mut last = None;
    let mut current = feature.to_string();
    for c in HOP_FEATURES
        .iter()
        .filter(|c| c.minor > from && c.minor <= to)
    {
        if c.krate != krate || c.feature != current {
            continue;
        }
        last = Some(c);
        match c.fate {
            FeatureFate::Renamed(new) => {
                name = Some(new);
                current = new.to_string();
            }
            FeatureFate::Removed | FeatureFate::Reported => {
                name = None;
                break;
            }
        }
    }
    last.map(|c| (c, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates_follow_the_hops_between_the_two_sets() {
        let (c, name) = fate_between("opentelemetry-otlp", "reqwest-client", 27, 28).unwrap();
        assert_eq!((c.minor, name), (28, Some("reqwest-blocking-client")));
        assert!(fate_between("opentelemetry-otlp", "reqwest-client", 28, 33).is_none());
        assert!(fate_between("opentelemetry-otlp", "tls", 27, 32).is_none());
        let (c, name) = fate_between("opentelemetry-otlp", "tls", 27, 33).unwrap();
        assert_eq!((c.minor, name), (33, Some("tls-ring")));
        let (c, name) = fate_between("opentelemetry-sdk", "rt-async-std", 27, 33).unwrap();
        assert_eq!((c.fate, name), (FeatureFate::Reported, None));
        assert!(fate_between("opentelemetry", "otel_unstable", 27, 33).is_some());
    }
}
