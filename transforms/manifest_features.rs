//! # manifest-features
//!
//! ## What it does
//! Gives the 0.27 crates the features the package's code needs and renames the features that
//! changed between 0.26 and 0.27:
//! - `opentelemetry_sdk`: `rt-tokio` where the code passes `runtime::Tokio` (also
//!   `rt-tokio-current-thread` for `TokioCurrentThread`, `rt-async-std` for `AsyncStd`);
//!   `spec_unstable_metrics_views` where it builds metric views (`new_view`, `with_view`, or a
//!   user's `AggregationSelector`, which `aggregation-selector` turns into a view),
//!   which 0.27 puts behind that feature; `trace`/`metrics`/`logs` as used when default
//!   features are off.
//! - `opentelemetry`, `opentelemetry-otlp`, `tracing-opentelemetry`: the signals as used when
//!   default features are off (`MetricsLayer` needs tracing-opentelemetry's `metrics`).
//! - `opentelemetry-otlp`: `http-proto`/`http-json` give no HTTP client on their own;
//!   `reqwest-client` is added when no client feature is present and the code does not bring
//!   its own (`with_http_client`).
//! - Renames: `logs_level_enabled` → `spec_unstable_logs_enabled` (opentelemetry, _sdk),
//!   `experimental-internal-logs` → `internal-logs` (_sdk, -otlp), `grpc-sys` → `grpc-tonic`,
//!   `surf-client` → `reqwest-client`, 0.16's `tls-webkpi-roots` / `reqwest-rustls-webkpi-roots`
//!   → `…-webpki-roots`; `openssl`/`openssl-vendored` removed (-otlp); the implicit features
//!   `crossbeam-channel`, `dashmap`, `fnv`, `regex` of old releases removed (opentelemetry, _sdk).
//! - Moves: opentelemetry 0.13–0.20's `rt-tokio`, `rt-tokio-current-thread`, `rt-async-std`
//!   go to the `opentelemetry_sdk` entry of the same table, which is added when there is none.
//! - Kept: every feature the 0.27 crate still has, including the implicit features of its
//!   optional dependencies (`tonic`, `http`, `reqwest`, `serde`, `tokio`, …).
//! - Added: `opentelemetry_sdk` beside an opentelemetry ≤ 0.20 entry when the code names the
//!   facade's SDK (`opentelemetry::sdk::…`); beside an optional entry it is optional too, and
//!   every feature that enables the facade (`dep:opentelemetry`, `opentelemetry`) enables it.
//!
//! `[workspace.dependencies]` entries get what any member that inherits them needs; members'
//! own `features` on `workspace = true` entries get the renames. `[features]` elements
//! `dep/feature` get the same renames, removals and moves (`opentelemetry/rt-tokio` →
//! `opentelemetry_sdk/rt-tokio`); one naming a feature 0.27 does not have is reported.
//!
//! ## Before
//! ```toml
//! opentelemetry_sdk = { version = "0.27.1", features = ["logs_level_enabled"] }
//! ```
//!
//! ## After
//! ```toml
//! opentelemetry_sdk = { version = "0.27.1", features = ["spec_unstable_logs_enabled", "rt-tokio"] }
//! ```
//!
//! ## Not rewritten
//! - Entries that are not (or will not be, once `manifest-versions` ran) on the 0.27 minor:
//!   their features are those of their own release.
//! - A feature that does not exist in the 0.27 crate and has no known replacement: reported.
//! - A moved runtime feature whose entry is optional or inherited, or sits in
//!   `[workspace.dependencies]`: removed from it, with a warning saying what to add where.
//!
//! ## Safety
//! Features are only added or renamed inside the entry's `features` array (or a `features`
//! key is added to the entry); the other bytes stay. Added features are additive: nothing the
//! package enabled before is turned off, except the removed features 0.27 does not have.

use crate::engine::context::UsageFacts;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::manifest::{canonical, DepEntry, DepKind, Manifest};
use crate::engine::manifest_edit::{
    add_features, add_optional_sibling_entry, add_sibling_entry, rewrite_array,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::crates::{
    feature_change, features_at_target, has_feature_at_target, Fate, OTLP_HTTP_CLIENTS,
};
use crate::otel::deps::EntryVersion;

pub struct ManifestFeatures;

impl Transform for ManifestFeatures {
    fn id(&self) -> &'static str {
        "manifest-features"
    }

    fn description(&self) -> &'static str {
        "Cargo.toml: features the 0.27 crates need (rt-tokio, views, signals, an OTLP HTTP client) and 0.27 feature renames"
    }

    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }

    fn needles(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(manifest) = cx.manifest else {
            return out;
        };
        let le = cx.file.line_ending.as_str();
        for entry in &manifest.deps {
            let name = canonical(&entry.package);
            if features_at_target(&name).is_none() || !at_target(cx, entry) {
                continue;
            }
            // Renames and removals, element by element.
            let mut kept: Vec<String> = Vec::new();
            let changes: Vec<Option<Vec<String>>> = entry
                .feature_items
                .iter()
                .map(|(f, span)| match feature_change(&name, f) {
                    Some(c) => {
                        let new = c.replacement();
                        kept.extend(new.iter().cloned());
                        let what = format!("{} feature `{f}` {}", entry.package, c.describe());
                        match c.fate {
                            Fate::MovedTo(krate) => {
                                let moved = Moved {
                                    what,
                                    why: c.why,
                                    krate,
                                    feature: f,
                                };
                                move_feature(cx, manifest, entry, *span, moved, &mut out);
                            }
                            _ => out.finding(
                                *span,
                                Severity::Note,
                                format!("{what}: {}", c.why),
                                "nothing to do unless code names the old feature in `cfg`",
                            ),
                        }
                        Some(new)
                    }
                    None => {
                        if !has_feature_at_target(&name, f) {
                            out.finding(
                                *span,
                                Severity::Error,
                                format!("{} 0.27 has no feature `{f}`", entry.package),
                                format!(
                                    "remove it; the 0.27 features are: {}",
                                    features_at_target(&name).unwrap_or(&[]).join(", ")
                                ),
                            );
                        }
                        kept.push(f.clone());
                        None
                    }
                })
                .collect();
            let renames = match entry.features_span {
                Some(span) => rewrite_array(&cx.file.text, span, &entry.feature_items, &changes),
                None => Vec::new(),
            };
            let renamed = !renames.is_empty();
            for e in renames {
                out.edit(e);
            }
            // The root's `[workspace.dependencies]` entry gets what the code needs; features
            // moved from a sibling go where the sibling had them.
            let mut needed = if entry.workspace {
                Vec::new()
            } else {
                needed_features(&name, entry, &cx.project.usage_of(cx.package, entry))
            };
            needed.extend(moved_from_siblings(manifest, entry));
            needed.retain(|f| !kept.contains(f) && !entry.features.contains(f));
            needed.dedup();
            if needed.is_empty() {
                continue;
            }
            if renamed && entry.features_span.is_some() {
                // The array was rewritten whole or in place; add after its last element
                // only when that element was kept (no overlapping edits).
                let last_changed = changes.last().is_some_and(Option::is_some);
                let single_line = entry
                    .features_span
                    .is_some_and(|s| !cx.file.text[s.start..s.end].contains('\n'));
                if last_changed || single_line {
                    out.finding(
                        entry.features_span.unwrap_or_default(),
                        Severity::Note,
                        format!(
                            "{} also needs features {}; run otel-migrate again to add them",
                            entry.package,
                            needed.join(", ")
                        ),
                        "a second run adds them",
                    );
                    continue;
                }
            }
            if let Some(e) = add_features(&cx.file.text, entry, &needed, le) {
                out.edit(e);
                if name == "opentelemetry-otlp" && needed.iter().any(|f| f == "reqwest-client") {
                    out.finding(
                        entry.value_span.unwrap_or_default(),
                        Severity::Note,
                        "opentelemetry-otlp's `http-proto` gives no HTTP client by itself: `reqwest-client` added",
                        "use `reqwest-blocking-client` or `hyper-client` instead if the service prefers them",
                    );
                }
            }
        }
        rewrite_feature_references(cx, manifest, &mut out);
        add_sdk_for_facade_paths(cx, manifest, &mut out);
        out
    }
}

/// opentelemetry ≤ 0.20 code that names the facade's SDK (`opentelemetry::sdk::…`,
/// `opentelemetry::runtime::…`), which `sdk-facade-paths` moves to the `opentelemetry_sdk`
/// crate: the package gets that crate beside its `opentelemetry` entry when it has none and no
/// runtime feature moving there adds it.
fn add_sdk_for_facade_paths(cx: &FileContext<'_>, manifest: &Manifest, out: &mut Outcome) {
    const SDK: &str = "opentelemetry_sdk";
    let Some(package) = cx
        .package
        .filter(|p| p.version_below("opentelemetry", 0, 21))
    else {
        return;
    };
    let Some(facade) = manifest
        .deps
        .iter()
        .find(|d| d.is("opentelemetry") && d.table.kind == DepKind::Normal)
    else {
        return;
    };
    let usage = cx.project.usage_of(Some(package), facade);
    let names_facade_sdk =
        usage.mentions("opentelemetry::sdk") || usage.mentions("opentelemetry::runtime");
    let moves_a_runtime = facade.features.iter().any(|f| {
        feature_change("opentelemetry", f)
            .is_some_and(|c| matches!(c.fate, Fate::MovedTo(k) if k == SDK))
    });
    if !names_facade_sdk || moves_a_runtime || manifest.deps.iter().any(|d| d.is(SDK)) {
        return;
    }
    let Some(Ok(version)) = crate::otel::crates::target(&cx.config.targets, SDK) else {
        return;
    };
    let version = version.to_string();
    let at = facade.value_span.unwrap_or_default();
    let why = "the code names `opentelemetry::sdk` / `opentelemetry::runtime`, the SDK opentelemetry ≤ 0.20 re-exported; `sdk-facade-paths` moves those paths to the crate";
    let le = cx.file.line_ending.as_str();
    let added = if facade.workspace {
        None
    } else if facade.optional {
        add_optional_companion(&cx.file.text, manifest, facade, SDK, &version, le).map(
            |(edits, features)| {
                (
                    edits,
                    format!(
                        " (optional, enabled by the features that enable `{}`: {})",
                        facade.key,
                        features.join(", ")
                    ),
                )
            },
        )
    } else {
        add_sibling_entry(&cx.file.text, facade, SDK, Some(&version), &[], le)
            .map(|edit| (vec![edit], String::new()))
    };
    match added {
        Some((edits, how)) => {
            for edit in edits {
                out.edit(edit);
            }
            out.finding(
                at,
                Severity::Note,
                format!("{why}: `{SDK} = \"{version}\"` added{how}"),
                "nothing to do",
            );
        }
        None => out.finding(
            at,
            Severity::Warning,
            format!("{why}, but the `opentelemetry` entry is inherited, or optional and enabled by no feature (or by `opentelemetry/…` ones): `{SDK}` not added"),
            format!("add `{SDK} = \"{version}\"` where the package declares `opentelemetry` (optional too when that is)"),
        ),
    }
}

/// Adds `krate` as an optional entry beside the optional `beside`, and `dep:krate` to every
/// feature that enables `beside` (`dep:key`, or its implicit feature `key`), so the two come
/// and go together; the edits and the names of those features. `None` when no feature enables
/// `beside`, or one names its features (`key/feature`: rewritten by the feature references).
fn add_optional_companion(
    text: &str,
    manifest: &Manifest,
    beside: &DepEntry,
    krate: &str,
    version: &str,
    le: &str,
) -> Option<(Vec<crate::engine::edit::Edit>, Vec<String>)> {
    let key = beside.key.as_str();
    let items = || manifest.feature_lists.iter().flat_map(|l| &l.items);
    let names_features = |i: &String| {
        i.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with("?/"))
    };
    if items().any(|(i, _)| names_features(i)) {
        return None;
    }
    let enables = |i: &String| *i == format!("dep:{key}") || i == key;
    let companion = format!("dep:{krate}");
    let mut edits = Vec::new();
    let mut features = Vec::new();
    for list in &manifest.feature_lists {
        if list.items.iter().any(|(i, _)| *i == companion) {
            continue;
        }
        let changes: Vec<Option<Vec<String>>> = list
            .items
            .iter()
            .map(|(i, _)| enables(i).then(|| vec![i.clone(), companion.clone()]))
            .collect();
        let list_edits = rewrite_array(text, list.span, &list.items, &changes);
        if !list_edits.is_empty() {
            features.push(format!("`{}`", list.name));
            edits.extend(list_edits);
        }
    }
    if features.is_empty() {
        return None;
    }
    edits.push(add_optional_sibling_entry(
        text,
        beside,
        krate,
        Some(version),
        le,
    )?);
    Some((edits, features))
}

/// `[features]` elements `dep/feature` (and `dep?/feature`) naming a feature of a 0.27 crate
/// that was renamed, removed or moved: rewritten like the dependency's own `features`; one
/// that does not exist at all: reported.
fn rewrite_feature_references(cx: &FileContext<'_>, manifest: &Manifest, out: &mut Outcome) {
    // The entry a `dep/…` reference means: the package's own, not `[workspace.dependencies]`.
    let entry_of = |key: &str| {
        manifest
            .deps
            .iter()
            .find(|d| d.key == key && d.table.kind != DepKind::Workspace)
    };
    let entry_of_crate = |krate: &str| {
        manifest
            .deps
            .iter()
            .find(|d| d.is(krate) && d.table.kind != DepKind::Workspace)
    };
    for list in &manifest.feature_lists {
        let changes: Vec<Option<Vec<String>>> = list
            .items
            .iter()
            .map(|(item, span)| {
                let (dep, feature) = item.split_once('/')?;
                let weak = if dep.ends_with('?') { "?" } else { "" };
                let entry = entry_of(dep.trim_end_matches('?'))?;
                let name = canonical(&entry.package);
                if features_at_target(&name).is_none() || !at_target(cx, entry) {
                    return None;
                }
                let Some(change) = feature_change(&name, feature) else {
                    if !has_feature_at_target(&name, feature) {
                        out.finding(
                            *span,
                            Severity::Error,
                            format!("{} 0.27 has no feature `{feature}` (feature `{}`)", entry.package, list.name),
                            "remove it from the feature",
                        );
                    }
                    return None;
                };
                let new: Vec<String> = match change.fate {
                    Fate::MovedTo(krate) => match entry_of_crate(krate) {
                        Some(home) => {
                            let home_weak = if home.optional { weak } else { "" };
                            vec![format!("{}{home_weak}/{feature}", home.key)]
                        }
                        // Added beside `entry` by this transform (not for an optional entry).
                        None if !entry.optional && entry.table.kind != DepKind::Workspace => {
                            vec![format!("{krate}/{feature}")]
                        }
                        None => {
                            out.finding(
                                *span,
                                Severity::Error,
                                format!("`{item}` in feature `{}`: `{feature}` now belongs to {krate}, which the package does not depend on", list.name),
                                format!("add `{krate}` (optional, like `{}`) and enable `{krate}/{feature}` here", entry.key),
                            );
                            return None;
                        }
                    },
                    _ => change
                        .replacement()
                        .into_iter()
                        .map(|f| format!("{dep}/{f}"))
                        .collect(),
                };
                // `dep/feature` also enabled an optional `dep`: what replaces it still does.
                let mut new = new;
                if entry.optional && weak.is_empty() && !new.iter().any(|n| n.starts_with(&format!("{dep}/"))) {
                    new.insert(0, enabling(manifest, &entry.key));
                }
                out.finding(
                    *span,
                    Severity::Note,
                    format!("feature `{}`: `{item}` {}: {}", list.name, describe(&new), change.why),
                    "the feature keeps its name; `#[cfg(feature = \"…\")]` code keeps working",
                );
                Some(new)
            })
            .collect();
        for e in rewrite_array(&cx.file.text, list.span, &list.items, &changes) {
            out.edit(e);
        }
    }
}

/// The element that enables optional dependency `key`: `dep:key` when the manifest names it
/// that way (then it has no implicit feature), else `key`.
fn enabling(manifest: &Manifest, key: &str) -> String {
    let dep_syntax = format!("dep:{key}");
    let uses_dep_syntax = manifest
        .feature_lists
        .iter()
        .any(|l| l.items.iter().any(|(i, _)| *i == dep_syntax));
    if uses_dep_syntax {
        dep_syntax
    } else {
        key.to_string()
    }
}

/// `→ \`a\``, or `removed`.
fn describe(new: &[String]) -> String {
    match new {
        [] => "removed".to_string(),
        items => {
            let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
            format!("→ {}", quoted.join(", "))
        }
    }
}

/// The features other entries of `entry`'s table moved to `entry`'s crate (`rt-tokio` of an
/// old `opentelemetry` entry for the `opentelemetry_sdk` entry beside it).
fn moved_from_siblings(manifest: &Manifest, entry: &DepEntry) -> Vec<String> {
    manifest
        .deps
        .iter()
        .filter(|d| d.table == entry.table)
        .flat_map(|d| {
            d.features.iter().filter(|f| {
                feature_change(&d.package, f)
                    .is_some_and(|c| matches!(c.fate, Fate::MovedTo(k) if entry.is(k)))
            })
        })
        .cloned()
        .collect()
}

/// A feature that moved from an entry's crate to `krate`, and the words of its finding.
struct Moved<'a> {
    what: String,
    why: &'static str,
    krate: &'static str,
    feature: &'a str,
}

/// Gives a feature that moved from `entry`'s crate a home: the entry of the new crate beside
/// it picks it up (`moved_from_siblings`); without one, a new entry is added after `entry`.
/// Where adding would not do (an optional or inherited entry, the workspace's table, a
/// sibling that is not on the target), a warning says what to add. One finding either way.
fn move_feature(
    cx: &FileContext<'_>,
    manifest: &Manifest,
    entry: &DepEntry,
    at: TextRange,
    moved: Moved<'_>,
    out: &mut Outcome,
) {
    let Moved {
        what,
        why,
        krate,
        feature,
    } = moved;
    let Some(Ok(version)) = crate::otel::crates::target(&cx.config.targets, krate) else {
        return;
    };
    let sibling = manifest
        .deps
        .iter()
        .find(|d| d.is(krate) && d.table == entry.table);
    let blocker = match sibling {
        Some(s) if !at_target(cx, s) => Some(format!("its `{}` entry is not on {version}", s.key)),
        Some(s) => {
            let note = format!("{what}: {why}; added to the `{}` entry", s.key);
            out.finding(
                at,
                Severity::Note,
                note,
                "nothing to do unless code names the old feature in `cfg`",
            );
            return;
        }
        None if entry.optional => Some(format!("`{}` is optional", entry.key)),
        None if entry.workspace || entry.table.kind == DepKind::Workspace => {
            Some("the members inherit their dependencies".to_string())
        }
        None => None,
    };
    let le = cx.file.line_ending.as_str();
    let version = version.to_string();
    let features = [feature.to_string()];
    let added = blocker
        .is_none()
        .then(|| add_sibling_entry(&cx.file.text, entry, krate, Some(&version), &features, le))
        .flatten();
    match (added, blocker) {
        (Some(edit), _) => {
            out.edit(edit);
            out.finding(
                at,
                Severity::Note,
                format!("{what}: {why}; `{krate} = \"{version}\"` added with it"),
                "the migrated pipelines name the runtime `opentelemetry_sdk::runtime::…`",
            );
        }
        (None, blocker) => out.finding(
            at,
            Severity::Warning,
            format!(
                "{what}, but {}: not added there",
                blocker.unwrap_or_else(|| "the entry could not be extended".to_string())
            ),
            format!("enable it where the code needs the runtime: `{krate} = {{ version = \"{version}\", features = [\"{feature}\"] }}`"),
        ),
    }
}

/// The features `entry` needs for what the code does (before subtracting what it has).
fn needed_features(name: &str, entry: &DepEntry, usage: &UsageFacts) -> Vec<String> {
    let mut need: Vec<&str> = Vec::new();
    let defaults_off = entry.default_features == Some(false);
    let traces = usage.mentions("tracing()")
        || usage.mentions("TracerProvider")
        || usage.mentions("new_agent_pipeline")
        || usage.mentions("new_collector_pipeline");
    let metrics = usage.mentions("metrics(")
        || usage.mentions("MeterProvider")
        || usage.mentions("SdkMeterProvider");
    let logs = usage.mentions("logging()")
        || usage.mentions("LoggerProvider")
        || usage.mentions("OpenTelemetryTracingBridge");
    let signals = |need: &mut Vec<&str>| {
        if defaults_off {
            if traces {
                need.push("trace");
            }
            if metrics {
                need.push("metrics");
            }
            if logs {
                need.push("logs");
            }
        }
    };
    match name {
        "opentelemetry-sdk" => {
            if usage.mentions("runtime::Tokio") || usage.mentions("Tokio") {
                need.push("rt-tokio");
            }
            if usage.mentions("TokioCurrentThread") {
                need.push("rt-tokio-current-thread");
            }
            if usage.mentions("AsyncStd") {
                need.push("rt-async-std");
            }
            if usage.mentions("new_view")
                || usage.mentions("with_view")
                || usage.mentions("AggregationSelector")
            {
                need.push("spec_unstable_metrics_views");
            }
            signals(&mut need);
        }
        "opentelemetry" => signals(&mut need),
        "opentelemetry-otlp" => {
            let http = entry
                .features
                .iter()
                .any(|f| f == "http-proto" || f == "http-json");
            let client = entry
                .features
                .iter()
                .any(|f| OTLP_HTTP_CLIENTS.contains(&f.as_str()));
            if http && !client && !usage.mentions("with_http_client") {
                need.push("reqwest-client");
            }
            if defaults_off
                && (usage.mentions(".tonic()") || usage.mentions("with_tonic"))
                && !entry.features.iter().any(|f| f == "grpc-tonic")
            {
                need.push("grpc-tonic");
            }
            signals(&mut need);
        }
        "tracing-opentelemetry" if defaults_off && usage.mentions("MetricsLayer") => {
            need.push("metrics");
        }
        _ => {}
    }
    need.into_iter()
        .filter(|f| !entry.features.iter().any(|e| e == f))
        .map(str::to_string)
        .collect()
}

/// Whether `entry` will be on the target minor of its crate once `manifest-versions` has run.
fn at_target(cx: &FileContext<'_>, entry: &DepEntry) -> bool {
    let version = EntryVersion {
        entry,
        carrier: cx.project.version_entry(entry),
        targets: &cx.config.targets,
        versions_bumped: cx.is_enabled("manifest-versions"),
    };
    // An entry already past 0.27 has its own release's features: `ladder-manifest` moves
    // them on under `--to 0.28+`, and without it the entry is not downgraded (deno's
    // `opentelemetry_sdk = "0.32"` keeps `experimental_trace_batch_span_processor_…`).
    let past_default = || {
        version.effective().is_some_and(|v| {
            crate::otel::ladder::rung_of(&canonical(&entry.package), &v)
                > crate::otel::ladder::DEFAULT
        })
    };
    version.at_target() && !past_default()
}
