//! # ladder-manifest
//!
//! ## What it does
//! With `--to 0.28 … 0.33 | latest` (or `target = "…"` in otel-migrate.toml), moves the
//! dependencies of a package below the target to the target's release set (otel-ladder.md §1),
//! after `manifest-versions` brought them to 0.27:
//! - `opentelemetry`, `opentelemetry_sdk`, `-otlp`, `-semantic-conventions`,
//!   `-jaeger-propagator`, `-prometheus`, `-stdout`, `-appender-tracing` and
//!   `tracing-opentelemetry` to the pairing table's version (operator and quotes kept);
//! - `tonic`, `prost`, `reqwest` to the versions the target's opentelemetry-otlp uses when the
//!   package's code passes their types to the exporter (reqwest also gets its `blocking` feature
//!   from 0.28 on, for `with_http_client`), and `prometheus` to the one the target's
//!   opentelemetry-prometheus uses (`with_registry`);
//! - features renamed or removed on the hops passed (`reqwest-client` →
//!   `reqwest-blocking-client` at 0.28, `tls` → `tls-ring` at 0.33, the removed unstable and
//!   retry features, …); an otlp entry with default features gets `grpc-tonic` where the code
//!   calls `.with_tonic()` (0.28 dropped it from the defaults);
//! - `opentelemetry-jaeger-propagator` at 0.33 (no release) is removed when the config says
//!   `jaeger-propagator = "trace-context"`.
//!
//! ## Before
//! ```toml
//! opentelemetry-otlp = { version = "0.27", features = ["http-proto", "reqwest-client"] }
//! tracing-opentelemetry = "0.28"
//! ```
//!
//! ## After (`--to 0.28`)
//! ```toml
//! opentelemetry-otlp = { version = "0.28", features = ["http-proto", "reqwest-blocking-client"] }
//! tracing-opentelemetry = "0.29"
//! ```
//!
//! ## Not rewritten (findings)
//! - `opentelemetry-prometheus` with a target of exactly 0.30 (no release): `error`, naming
//!   0.29 and 0.31.
//! - `opentelemetry-jaeger-propagator` at 0.33 without the config decision: `error` with both
//!   options (`TraceContextPropagator` changes the wire format; `--to 0.32` keeps
//!   `uber-trace-id`).
//! - Crates built on opentelemetry that the pairing table does not know (contrib crates:
//!   `opentelemetry-aws`, `axum-tracing-opentelemetry`, …): `warning`, move them by hand.
//!   (`-proto`, `-http`, `-appender-log` and `-zipkin` are in the table: versions only, their
//!   code is not migrated.)
//! - Features removed with a decision left to the user (`rt-async-std` at 0.29,
//!   `reqwest-rustls-webpki-roots` at 0.32, `serialize` at 0.33): `warning`.
//! - `rust-version` lower than the target set declares: `warning` (also the newer toolchain a
//!   fresh lockfile needs from 0.31 on).
//! - Entries already on the target or newer, git and path dependencies: left alone.
//!
//! ## Safety
//! Only version strings and feature array elements change (keys, comments and layout stay),
//! and an entry is removed only on the user's explicit `jaeger-propagator` decision. All crates
//! of the family move together, so the graph keeps one `opentelemetry`.

use crate::engine::config::Config;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::manifest::{canonical, minimum_version, DepEntry, DepSource};
use crate::engine::manifest_edit::{
    add_features, remove_entry, retarget, rewrite_array, set_version, Retarget, TargetVersion,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::crates::{self, CROSSING};
use crate::otel::ladder::features::{fate_between, FeatureFate};
use crate::otel::ladder::pairing::{release_set, ReleaseSet};
use crate::otel::ladder::{self, rung_of};

pub struct LadderManifest;

const PROMETHEUS: &str = "opentelemetry-prometheus";
const PROPAGATOR: &str = "opentelemetry-jaeger-propagator";

impl Transform for LadderManifest {
    fn id(&self) -> &'static str {
        "ladder-manifest"
    }

    fn description(&self) -> &'static str {
        "Cargo.toml, --to 0.28+: the family, tracing-opentelemetry and transport crates to the target's release set; hop feature renames"
    }

    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }

    fn needles(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn enabled_by(&self, config: &Config) -> bool {
        super::reaches(config, ladder::DEFAULT + 1)
    }

    fn check_config(&self, config: &Config) -> Result<(), String> {
        super::check_config(config)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(manifest) = cx.manifest else {
            return out;
        };
        let target = super::target(cx.config);
        let Some(set) = release_set(target) else {
            return out;
        };
        let mut below = false;
        for entry in manifest.deps.iter().filter(|d| !d.workspace) {
            let Some(start) = start_of(entry).filter(|s| *s < target) else {
                continue;
            };
            let name = canonical(&entry.package);
            match set.family_version(&name) {
                Some(version) => {
                    below = true;
                    if !features(cx, entry, start, target, version, &mut out) {
                        move_family_entry(cx, entry, set, version, &mut out);
                    }
                }
                None if crates::default_target(&name).is_some()
                    && name.contains("opentelemetry") =>
                {
                    out.finding(
                        at(entry),
                        Severity::Warning,
                        format!("`{}` has no version in the 0.{target} pairing table: not moved", entry.package),
                        format!("move it to its release built on opentelemetry 0.{target} (`cargo info {}`), or drop it", entry.package),
                    );
                }
                None => move_transport_entry(cx, entry, set, &mut out),
            }
        }
        if below {
            rust_version(cx, set, &mut out);
        }
        out
    }
}

/// The rung a registry entry's requirement is on (0.27 for anything older), `None` for git,
/// path and requirement-less entries.
fn start_of(entry: &DepEntry) -> Option<u64> {
    if entry.source != DepSource::Registry {
        return None;
    }
    minimum_version(entry.version.as_deref()?).map(|v| rung_of(&canonical(&entry.package), &v))
}

fn at(entry: &DepEntry) -> TextRange {
    entry
        .version_span
        .or(entry.key_span)
        .or(entry.value_span)
        .unwrap_or_default()
}

fn bump(cx: &FileContext<'_>, entry: &DepEntry, version: &str, out: &mut Outcome) {
    let (Some(req), Some(target)) = (entry.version.as_deref(), TargetVersion::parse(version))
    else {
        return;
    };
    if let Retarget::Bump(new) = retarget(req, &target) {
        if let Some(edit) = set_version(&cx.file.text, entry, &new) {
            out.edit(edit);
        }
    }
}

fn move_family_entry(
    cx: &FileContext<'_>,
    entry: &DepEntry,
    set: ReleaseSet,
    version: Option<&str>,
    out: &mut Outcome,
) {
    let target = set.minor;
    let name = canonical(&entry.package);
    match version {
        Some(v) => bump(cx, entry, v, out),
        None if name == PROMETHEUS => out.finding(
            at(entry),
            Severity::Error,
            format!("`{}` has no 0.{target} release: a package using it cannot move to 0.{target}", entry.package),
            format!("use `--to 0.{}` or `--to 0.{}` (the 0.{}.x exporter does not type-check with the 0.{target} SDK)", target - 1, target + 1, target - 1),
        ),
        None if name == PROPAGATOR && cx.config.jaeger_propagator.as_deref() == Some(ladder::JAEGER_TRACE_CONTEXT) => {
            for edit in remove_entry(&cx.file.text, entry) {
                out.edit(edit);
            }
            out.finding(
                at(entry),
                Severity::Note,
                format!("`{}` removed (no 0.{target} release): the config chose the W3C trace-context propagator", entry.package),
                "services that still read or send `uber-trace-id` must move at the same time",
            );
        }
        None => out.finding(
            at(entry),
            Severity::Error,
            format!("`{}` has no 0.{target} release (0.32 is the last, deprecated)", entry.package),
            "decide: `TraceContextPropagator::new()` changes the wire format (`traceparent`, not `uber-trace-id`) — set `jaeger-propagator = \"trace-context\"` in otel-migrate.toml to rewrite it; or stay at `--to 0.32`, which keeps `uber-trace-id`",
        ),
    }
}

/// tonic / prost / reqwest when their types cross the exporter API; prometheus beside
/// opentelemetry-prometheus.
fn move_transport_entry(
    cx: &FileContext<'_>,
    entry: &DepEntry,
    set: ReleaseSet,
    out: &mut Outcome,
) {
    let name = canonical(&entry.package);
    let Some(version) = set.transport_version(&name) else {
        return;
    };
    let usage = cx.project.usage_of(cx.package, entry);
    let crosses = match CROSSING.iter().find(|(c, _, _)| *c == name) {
        Some((_, _, needles)) => needles.iter().any(|n| usage.mentions(n)),
        None => {
            cx.package.is_some_and(|p| p.depends_on(PROMETHEUS)) && usage.mentions("with_registry")
        }
    };
    if !crosses {
        return;
    }
    // 0.28's exports run on their own thread: the client handed in is reqwest's blocking one
    // (`hop-0-28-http-client`).
    let blocking = name == "reqwest"
        && start_of(entry).is_some_and(|s| s < 28)
        && set.minor >= 28
        && usage.mentions("with_http_client")
        && !entry.features.iter().any(|f| f == "blocking");
    if blocking {
        let plain = entry.version_span.is_some() && entry.version_span == entry.value_span;
        if let (true, Some(value), Some(new)) = (
            plain,
            entry.value_span,
            new_requirement(entry, Some(version)),
        ) {
            out.replace(
                value,
                format!("{{ version = \"{new}\", features = [\"blocking\"] }}"),
            );
            return;
        }
        let le = cx.file.line_ending.as_str();
        if let Some(edit) = add_features(&cx.file.text, entry, &["blocking".to_string()], le) {
            out.edit(edit);
        }
    }
    bump(cx, entry, version, out);
}

/// Renames and removals on the hops after `start` up to `target`; `grpc-tonic` for a default
/// otlp entry whose code calls `.with_tonic()` (0.28 dropped it from the defaults). Returns
/// whether it rewrote the entry's whole value (a plain `"0.27"` becomes an inline table with
/// the target `version`), which then carries the new version too.
fn features(
    cx: &FileContext<'_>,
    entry: &DepEntry,
    start: u64,
    target: u64,
    version: Option<&str>,
    out: &mut Outcome,
) -> bool {
    let name = canonical(&entry.package);
    let mut changes: Vec<Option<Vec<String>>> = Vec::new();
    for (feature, span) in &entry.feature_items {
        let Some((change, new_name)) = fate_between(&name, feature, start, target) else {
            changes.push(None);
            continue;
        };
        match change.fate {
            FeatureFate::Reported => {
                out.finding(
                    *span,
                    Severity::Warning,
                    format!("{} feature `{feature}`: {}", entry.package, change.why),
                    "edit the feature by hand",
                );
                changes.push(None);
            }
            _ => changes.push(Some(new_name.map(str::to_string).into_iter().collect())),
        }
    }
    let usage = cx.project.usage_of(cx.package, entry);
    if name == "opentelemetry-otlp" && !usage.mentions("with_http_client") {
        several_http_clients(entry, &changes, start, target, out);
    }
    let needs_tonic = name == "opentelemetry-otlp"
        && start < 28
        && target >= 28
        && entry.default_features != Some(false)
        && usage.mentions("with_tonic")
        && !entry.features.iter().any(|f| f == "grpc-tonic");
    let text = &cx.file.text;
    match (entry.features_span, changes.iter().any(Option::is_some)) {
        (Some(array), true) => {
            if needs_tonic {
                let last = changes.len() - 1;
                let kept = changes[last]
                    .clone()
                    .unwrap_or_else(|| vec![entry.feature_items[last].0.clone()]);
                changes[last] = Some(kept.into_iter().chain(["grpc-tonic".to_string()]).collect());
            }
            for edit in rewrite_array(text, array, &entry.feature_items, &changes) {
                out.edit(edit);
            }
        }
        _ if needs_tonic => {
            let plain = entry.version_span.is_some() && entry.version_span == entry.value_span;
            if let (true, Some(value), Some(new)) =
                (plain, entry.value_span, new_requirement(entry, version))
            {
                out.replace(
                    value,
                    format!("{{ version = \"{new}\", features = [\"grpc-tonic\"] }}"),
                );
                return true;
            }
            let le = cx.file.line_ending.as_str();
            if let Some(edit) = add_features(text, entry, &["grpc-tonic".to_string()], le) {
                out.edit(edit);
            }
        }
        _ => {}
    }
    false
}

/// The requirement `entry` gets for `version`, its operator kept.
fn new_requirement(entry: &DepEntry, version: Option<&str>) -> Option<String> {
    let target = TargetVersion::parse(version?)?;
    match retarget(entry.version.as_deref()?, &target) {
        Retarget::Bump(new) => Some(new),
        _ => None,
    }
}

/// otlp 0.28–0.31 select no HTTP client when more than one client feature is on (0.27 preferred
/// the blocking one; 0.32 prefers `reqwest-client`): HTTP `build()` returns `NoHttpClient`.
/// `reqwest-blocking-client` is a default feature from 0.28 on.
fn several_http_clients(
    entry: &DepEntry,
    changes: &[Option<Vec<String>>],
    start: u64,
    target: u64,
    out: &mut Outcome,
) {
    if !(start < 28 && (28..=31).contains(&target)) {
        return;
    }
    let mut features: Vec<String> = entry
        .feature_items
        .iter()
        .zip(changes)
        .flat_map(|((old, _), c)| c.clone().unwrap_or_else(|| vec![old.clone()]))
        .collect();
    if entry.default_features != Some(false) {
        features.push("reqwest-blocking-client".to_string());
    }
    features.sort();
    features.dedup();
    let clients: Vec<&String> = features
        .iter()
        .filter(|f| {
            ["reqwest-client", "reqwest-blocking-client", "hyper-client"].contains(&f.as_str())
        })
        .collect();
    if clients.len() > 1 {
        out.finding(
            at(entry),
            Severity::Warning,
            format!(
                "with {} enabled and no `with_http_client(..)`, opentelemetry-otlp 0.28–0.31 selects no HTTP client: an HTTP exporter's `build()` returns `NoHttpClient`",
                clients.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            ),
            "keep one client feature (`reqwest-blocking-client` with the thread-based processors; `default-features = false` drops the default one), or pass the client with `.with_http_client(..)`",
        );
    }
}

/// A `rust-version` below what the target set declares.
fn rust_version(cx: &FileContext<'_>, set: ReleaseSet, out: &mut Outcome) {
    let Ok(doc) = toml_edit::Document::parse(cx.file.text.clone()) else {
        return;
    };
    let Some(value) = doc
        .get("package")
        .and_then(|p| p.get("rust-version"))
        .and_then(|v| v.as_value())
    else {
        return;
    };
    let (Some(declared), Some(span)) = (value.as_str(), value.span()) else {
        return;
    };
    let parse = |v: &str| TargetVersion::parse(v).map(|t| t.version);
    let (Some(have), Some(need)) = (parse(declared), parse(set.rust_version())) else {
        return;
    };
    let fresh = set
        .fresh_lock_rust_version()
        .map(|v| {
            format!(" (a fresh lockfile of this set pulls crates that need {v}: tonic 0.14.9)")
        })
        .unwrap_or_default();
    if have < need {
        out.finding(
            TextRange::new(span.start, span.end),
            Severity::Warning,
            format!(
                "`rust-version = \"{declared}\"` is below the {} the 0.{} crates declare",
                set.rust_version(),
                set.minor
            ),
            format!("raise it to \"{}\"{fresh}", set.rust_version()),
        );
    }
}
