//! The target dependency set (issue 4; otel-0.27-migration.md §1, §5; metrics-0.24-migration.md
//! §1) and what the manifest transforms know about each crate: target versions (overridable
//! with `[targets]` in `otel-migrate.toml`), the features that exist at the target, the
//! features that were renamed or removed, and the contrib crates with the release built on
//! opentelemetry 0.27.

use std::collections::BTreeMap;

use crate::engine::manifest::canonical;
use crate::engine::manifest_edit::TargetVersion;

/// The OpenTelemetry family: crate → target version (`opentelemetry-jaeger` has none: it is
/// replaced by opentelemetry-otlp).
pub const FAMILY: &[(&str, &str)] = &[
    ("opentelemetry", "0.27"),
    // The provider-builder setters (`with_resource`, `with_sampler`) exist from 0.27.1 on.
    ("opentelemetry_sdk", "0.27.1"),
    ("opentelemetry-otlp", "0.27"),
    ("opentelemetry-proto", "0.27"),
    ("opentelemetry-http", "0.27"),
    ("opentelemetry-semantic-conventions", "0.27"),
    ("opentelemetry-appender-tracing", "0.27"),
    ("opentelemetry-appender-log", "0.27"),
    ("opentelemetry-prometheus", "0.27"),
    ("opentelemetry-stdout", "0.27"),
    ("opentelemetry-zipkin", "0.27"),
    ("opentelemetry-jaeger-propagator", "0.27"),
    // tracing-opentelemetry 0.(N+1) is built on opentelemetry 0.N.
    ("tracing-opentelemetry", "0.28"),
];

/// Contrib crates built on opentelemetry: the newest release line whose `opentelemetry`
/// requirement is `^0.27` (checked with `cargo info` and the crates.io index on 2026-12-01;
/// a scratch crate with all six at these requirements plus opentelemetry 0.27 /
/// opentelemetry_sdk 0.27.1 / tracing-opentelemetry 0.28 resolves (`cargo generate-lockfile`)
/// to a single opentelemetry 0.27.1). Every release of each line depends on opentelemetry
/// 0.27 only, so the caret requirement cannot drift to another opentelemetry.
pub const CONTRIB: &[(&str, &str)] = &[
    // 0.20.0 and 0.20.1: opentelemetry ^0.27 (0.21 → 0.28; deprecated after 0.22).
    ("actix-web-opentelemetry", "0.20"),
    // 0.24.x and 0.25.0: ^0.27, tracing-opentelemetry ^0.28; 0.25.0 is the newest on 0.27.
    ("axum-tracing-opentelemetry", "0.25"),
    // 0.15.0: ^0.27 (0.14 → 0.26, 0.16 → 0.28).
    ("opentelemetry-aws", "0.15"),
    // 0.6.0: ^0.27.
    ("opentelemetry-resource-detectors", "0.6"),
    // 0.25.x: ^0.27 and opentelemetry-aws 0.15 (0.24.0/0.24.1 still pull opentelemetry-aws
    // 0.14, which is on opentelemetry 0.26).
    ("init-tracing-opentelemetry", "0.25"),
    // 0.24.x: ^0.27, tracing-opentelemetry ^0.28.
    ("tracing-opentelemetry-instrumentation-sdk", "0.24"),
    // 0.19.0: ^0.27 (0.18 → 0.26, 0.20 → 0.28; the crates.io index, 2026-12-04). Moved only
    // when every feature the entry names still exists there (`features_at_target`).
    ("opentelemetry-contrib", "0.19"),
];

/// Crates whose types cross the OTLP exporter API (`with_metadata`, `with_tls_config`,
/// `with_channel`, `with_interceptor`, `with_http_client`, custom `HttpClient`s): the versions
/// opentelemetry-otlp 0.27 itself depends on (tonic 0.12.3, prost 0.13, http 1.1, reqwest
/// 0.12), with the usage needle that says the code passes them.
pub const CROSSING: &[(&str, &str, &[&str])] = &[
    (
        "tonic",
        "0.12",
        &[
            "with_metadata",
            "with_tls_config",
            "with_channel",
            "with_interceptor",
        ],
    ),
    ("prost", "0.13", &["prost::Message"]),
    ("http", "1", &["HttpClient for"]),
    ("reqwest", "0.12", &["with_http_client"]),
];

/// Crates the target set needs newer than its own manifests ask for: crate → the lowest
/// version that builds, and why. opentelemetry 0.27.1's internal logs (a default feature of
/// the API, SDK and OTLP crates) call `tracing`'s event macros with `name:`, which tracing
/// 0.1.40 has (0.1.38 and 0.1.39 are yanked; 0.1.37 fails with "expected `,`, found `:`"),
/// while its manifest admits any `tracing` 0.1 (0.29 asks for `>=0.1.40`): a lock pinning an
/// older tracing does not build the migrated package.
pub const FLOORS: &[(&str, &str, &str)] = &[(
    "tracing",
    "0.1.40",
    "opentelemetry 0.27's internal logs use the `name:` field of `tracing`'s event macros, which tracing 0.1.40 has; its manifest admits any tracing 0.1",
)];

/// The metrics facade crates (only bumped together with the `metrics-macros` rewrite).
pub const METRICS: &[(&str, &str)] = &[
    // 0.24.0 and 0.24.1 no longer build on current rustc; 0.24.4/0.24.5 are yanked.
    ("metrics", "0.24.2"),
    ("metrics-exporter-prometheus", "0.16"),
    // What metrics-exporter-prometheus 0.16.2 (what "0.16" resolves to) depends on.
    ("metrics-util", "0.19"),
];

/// The target version of `krate`: the `[targets]` override (`overrides`, crate → version) when there is one, else the
/// default recipe. `Err` carries an unusable override.
pub fn target(
    overrides: &BTreeMap<String, String>,
    krate: &str,
) -> Option<Result<TargetVersion, String>> {
    let key = canonical(krate);
    if let Some((_, v)) = overrides.iter().find(|(k, _)| canonical(k) == key) {
        return Some(TargetVersion::parse(v).ok_or_else(|| {
            format!("`[targets] {krate} = \"{v}\"` in otel-migrate.toml is not a plain version like \"0.27\" or \"0.27.1\"")
        }));
    }
    default_target(krate).map(|v| Ok(TargetVersion::parse(v).expect("valid default target")))
}

/// The default recipe's target for `krate`.
pub fn default_target(krate: &str) -> Option<&'static str> {
    let key = canonical(krate);
    FAMILY
        .iter()
        .chain(CONTRIB)
        .chain(METRICS)
        .map(|(c, v)| (*c, *v))
        .chain(CROSSING.iter().map(|(c, v, _)| (*c, *v)))
        .find(|(c, _)| canonical(c) == key)
        .map(|(_, v)| v)
}

/// Whether `krate` is a telemetry crate itself (the OpenTelemetry family, its contrib crates,
/// the `metrics` family, the Jaeger exporter), not a crate whose types cross their APIs.
pub fn is_telemetry(krate: &str) -> bool {
    let key = canonical(krate);
    key == "opentelemetry-jaeger"
        || FAMILY
            .iter()
            .chain(CONTRIB)
            .chain(METRICS)
            .any(|(c, _)| canonical(c) == key)
}

/// Whether `krate` is a crate of the target set this tool knows how to move.
pub fn is_known(krate: &str) -> bool {
    default_target(krate).is_some() || canonical(krate) == "opentelemetry-jaeger"
}

/// The named features of the 0.27 crates (otel-0.27-migration.md §5; the `[features]` of the
/// published manifests), for reporting features that no longer exist.
pub fn features_at_target(krate: &str) -> Option<&'static [&'static str]> {
    Some(match canonical(krate).as_str() {
        "opentelemetry" => &[
            "trace",
            "metrics",
            "logs",
            "internal-logs",
            "spec_unstable_logs_enabled",
            "otel_unstable",
            "testing",
        ],
        "opentelemetry-sdk" => &[
            "trace",
            "metrics",
            "logs",
            "internal-logs",
            "rt-tokio",
            "rt-tokio-current-thread",
            "rt-async-std",
            "jaeger_remote_sampler",
            "spec_unstable_logs_enabled",
            "spec_unstable_metrics_views",
            "experimental_metrics_periodic_reader_no_runtime",
            "testing",
        ],
        "opentelemetry-otlp" => &[
            "grpc-tonic",
            "trace",
            "metrics",
            "logs",
            "internal-logs",
            "gzip-tonic",
            "zstd-tonic",
            "tls",
            "tls-roots",
            "tls-webpki-roots",
            "http-proto",
            "http-json",
            "reqwest-client",
            "reqwest-blocking-client",
            "reqwest-rustls",
            "reqwest-rustls-webpki-roots",
            "hyper-client",
            "populate-logs-event-name",
            "serialize",
            "integration-testing",
        ],
        "tracing-opentelemetry" => &[
            "metrics",
            "metrics_gauge_unstable",
            "tracing-log",
            "thiserror",
        ],
        // 0.19.0 (its `datadog`, `base64_format`'s old spellings and the exporters of old
        // releases are gone).
        "opentelemetry-contrib" => &[
            "api",
            "base64_format",
            "binary_propagator",
            "jaeger_json_exporter",
            "rt-async-std",
            "rt-tokio",
            "rt-tokio-current-thread",
        ],
        _ => return None,
    })
}

/// Features that exist at the target only as the implicit feature of an optional dependency
/// (a dependency no feature names with `dep:`), read from the published 0.27 manifests
/// (opentelemetry 0.27.1, opentelemetry_sdk 0.27.1, opentelemetry-otlp 0.27.0,
/// tracing-opentelemetry 0.28.0); `tests/compile/manifest-features/implicit_and_moved`
/// enables some of them against the real crates.
fn implicit_features_at_target(krate: &str) -> &'static [&'static str] {
    match canonical(krate).as_str() {
        "opentelemetry" => &[
            "futures-core",
            "futures-sink",
            "pin-project-lite",
            "thiserror",
            "tracing",
        ],
        "opentelemetry-sdk" => &[
            "async-std",
            "async-trait",
            "glob",
            "http",
            "opentelemetry-http",
            "percent-encoding",
            "rand",
            "serde",
            "serde_json",
            "tokio",
            "tokio-stream",
            "tracing",
            "url",
        ],
        "opentelemetry-otlp" => &[
            "http",
            "opentelemetry-http",
            "prost",
            "reqwest",
            "serde",
            "serde_json",
            "tokio",
            "tonic",
            "tracing",
        ],
        "tracing-opentelemetry" => &[
            "async-trait",
            "futures-util",
            "lazy_static",
            "smallvec",
            "thiserror",
            "tracing-log",
        ],
        "opentelemetry-contrib" => &[
            "async-std",
            "async-trait",
            "base64",
            "futures-core",
            "futures-util",
            "opentelemetry-semantic-conventions",
            "opentelemetry_sdk",
            "serde_json",
            "tokio",
        ],
        _ => &[],
    }
}

/// Whether the 0.27 release of `krate` has `feature`, named or implicit.
pub fn has_feature_at_target(krate: &str, feature: &str) -> bool {
    features_at_target(krate).is_some_and(|named| named.contains(&feature))
        || implicit_features_at_target(krate).contains(&feature)
}

/// What became of a feature of an older release at the target.
pub enum Fate {
    Renamed(&'static str),
    /// Gone without replacement.
    Removed,
    /// The same feature now lives on this other crate (a dependency of the package).
    MovedTo(&'static str),
}

/// A feature of an older release and what it became at the target (checked against the
/// published manifests of each release named in `why`).
pub struct FeatureChange {
    pub krate: &'static str,
    pub old: &'static str,
    pub fate: Fate,
    pub why: &'static str,
}

impl FeatureChange {
    /// What replaces the feature in the entry's own `features` array.
    pub fn replacement(&self) -> Vec<String> {
        match self.fate {
            Fate::Renamed(new) => vec![new.to_string()],
            Fate::Removed | Fate::MovedTo(_) => Vec::new(),
        }
    }

    /// `→ \`new\``, `removed`, `moved to krate`.
    pub fn describe(&self) -> String {
        match self.fate {
            Fate::Renamed(new) => format!("→ `{new}`"),
            Fate::Removed => "removed".to_string(),
            Fate::MovedTo(krate) => format!("moved to {krate}"),
        }
    }
}

/// The change of `feature` of `krate`, if it changed.
pub fn feature_change(krate: &str, feature: &str) -> Option<&'static FeatureChange> {
    let krate = canonical(krate);
    FEATURE_CHANGES
        .iter()
        .find(|c| canonical(c.krate) == krate && c.old == feature)
}

const RUNTIME_MOVED: &str =
    "opentelemetry 0.13–0.20 only forwarded it; since 0.21 the runtimes are the SDK's";
const SDK_IMPLICIT_GONE: &str =
    "the implicit feature of an optional dependency the SDK no longer has (0.18–0.22)";
const API_IMPLICIT_GONE: &str =
    "the implicit feature of an optional dependency opentelemetry 0.13–0.17 had";

pub const FEATURE_CHANGES: &[FeatureChange] = &[
    FeatureChange {
        krate: "opentelemetry",
        old: "logs_level_enabled",
        fate: Fate::Renamed("spec_unstable_logs_enabled"),
        why: "renamed in 0.27",
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "logs_level_enabled",
        fate: Fate::Renamed("spec_unstable_logs_enabled"),
        why: "renamed in 0.27",
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "experimental-internal-logs",
        fate: Fate::Renamed("internal-logs"),
        why: "renamed in 0.27 (and on by default)",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "experimental-internal-logs",
        fate: Fate::Renamed("internal-logs"),
        why: "renamed in 0.27 (and on by default)",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "grpc-sys",
        fate: Fate::Renamed("grpc-tonic"),
        why: "the grpcio transport is gone since 0.15; tonic is the gRPC transport",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "surf-client",
        fate: Fate::Renamed("reqwest-client"),
        why: "the surf client is gone; reqwest is the async HTTP client",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "openssl",
        fate: Fate::Removed,
        why: "went with grpc-sys; tonic's TLS is the `tls` feature (rustls)",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "openssl-vendored",
        fate: Fate::Removed,
        why: "went with grpc-sys; tonic's TLS is the `tls` feature (rustls)",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "tls-webkpi-roots",
        fate: Fate::Renamed("tls-webpki-roots"),
        why: "0.16's misspelling, fixed in 0.17",
    },
    FeatureChange {
        krate: "opentelemetry-otlp",
        old: "reqwest-rustls-webkpi-roots",
        fate: Fate::Renamed("reqwest-rustls-webpki-roots"),
        why: "0.16's misspelling, fixed in 0.17",
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "rt-tokio",
        fate: Fate::MovedTo("opentelemetry_sdk"),
        why: RUNTIME_MOVED,
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "rt-tokio-current-thread",
        fate: Fate::MovedTo("opentelemetry_sdk"),
        why: RUNTIME_MOVED,
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "rt-async-std",
        fate: Fate::MovedTo("opentelemetry_sdk"),
        why: RUNTIME_MOVED,
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "crossbeam-channel",
        fate: Fate::Removed,
        why: SDK_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "dashmap",
        fate: Fate::Removed,
        why: SDK_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "fnv",
        fate: Fate::Removed,
        why: SDK_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry_sdk",
        old: "regex",
        fate: Fate::Removed,
        why: SDK_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "crossbeam-channel",
        fate: Fate::Removed,
        why: API_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "dashmap",
        fate: Fate::Removed,
        why: API_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "opentelemetry",
        old: "fnv",
        fate: Fate::Removed,
        why: API_IMPLICIT_GONE,
    },
    FeatureChange {
        krate: "metrics-exporter-prometheus",
        old: "hyper-tls",
        fate: Fate::Removed,
        why: "gone since 0.15.1 (the push gateway uses hyper-rustls)",
    },
];

/// The opentelemetry-otlp features that give `http-proto`/`http-json` an HTTP client.
pub const OTLP_HTTP_CLIENTS: &[&str] = &[
    "reqwest-client",
    "reqwest-blocking-client",
    "reqwest-rustls",
    "reqwest-rustls-webpki-roots",
    "hyper-client",
];

/// What a feature of opentelemetry-jaeger becomes on opentelemetry-otlp 0.27: the otlp
/// features, and a note when the old choice has no 0.27 equivalent.
pub fn jaeger_feature_to_otlp(feature: &str) -> (&'static [&'static str], Option<&'static str>) {
    match feature {
        "collector_client" => (&["http-proto"], None),
        "reqwest_collector_client" => (&["http-proto", "reqwest-client"], None),
        "reqwest_blocking_collector_client" => (&["http-proto", "reqwest-blocking-client"], None),
        "hyper_collector_client" | "hyper_tls_collector_client" => {
            (&["http-proto", "hyper-client"], None)
        }
        "reqwest_rustls_collector_client" => (&["http-proto", "reqwest-rustls"], None),
        "isahc_collector_client" => (
            &["http-proto", "reqwest-client"],
            Some("opentelemetry-otlp 0.27 has no isahc client: reqwest-client is used instead"),
        ),
        "surf_collector_client" => (
            &["http-proto", "reqwest-client"],
            Some("opentelemetry-otlp 0.27 has no surf client: reqwest-client is used instead"),
        ),
        "wasm_collector_client" => (
            &["http-proto", "reqwest-client"],
            Some("opentelemetry-otlp 0.27 has no wasm client feature: reqwest-client is used instead"),
        ),
        // The runtime is the SDK's feature (`opentelemetry_sdk/rt-tokio`, see manifest-features).
        "rt-tokio" | "rt-tokio-current-thread" | "rt-async-std" => (&[], None),
        _ => (
            &[],
            Some("has no opentelemetry-otlp equivalent and was dropped"),
        ),
    }
}
