//! # manifest-jaeger-to-otlp
//!
//! ## What it does
//! Removes `opentelemetry-jaeger` (its last release, 0.22, targets opentelemetry 0.23) and puts
//! `opentelemetry-otlp` 0.27 in its place, with the features the package's code needs:
//! `grpc-tonic` for the agent pipeline (`new_agent_pipeline` → OTLP/gRPC), `http-proto` plus the
//! HTTP client for the collector pipeline (`new_collector_pipeline` → OTLP/HTTP):
//! `reqwest-client` (`with_reqwest`), `hyper-client` (`with_hyper`), `reqwest-blocking-client`
//! (`with_reqwest_blocking`), and the same from the jaeger `*_collector_client` features.
//! When the code uses the Jaeger propagator (`opentelemetry_jaeger::Propagator`) it adds
//! `opentelemetry-jaeger-propagator` 0.27 on the next line. A package that does not declare
//! `opentelemetry` gets it too (0.27; `.workspace = true` beside an inherited entry, and at the
//! root when a member inheriting the Jaeger entry lacks it): the OTLP pipeline that replaces a
//! Jaeger one names the API crate (`global`, `KeyValue`, `InstrumentationScope`). An existing opentelemetry-otlp
//! entry is extended instead and the jaeger entry deleted. `optional = true` is kept, and the
//! `[features]` entries that reference the dependency (`dep:opentelemetry-jaeger`,
//! `opentelemetry-jaeger/<feature>`, the implicit `opentelemetry-jaeger` feature) are rewritten
//! to the replacement so a feature named `jaeger` keeps working. Members with
//! `opentelemetry-jaeger.workspace = true` follow the root's `[workspace.dependencies]`.
//!
//! ## Before
//! ```toml
//! [features]
//! jaeger = ["dep:opentelemetry-jaeger"]
//!
//! [dependencies]
//! opentelemetry-jaeger = { version = "0.20", optional = true, features = ["rt-tokio", "collector_client", "reqwest_collector_client"] }
//! ```
//!
//! ## After
//! ```toml
//! [features]
//! jaeger = ["dep:opentelemetry-otlp"]
//!
//! [dependencies]
//! opentelemetry-otlp = { version = "0.27", optional = true, features = ["http-proto", "reqwest-client"] }
//! ```
//!
//! ## Not rewritten
//! - git/path dependencies on opentelemetry-jaeger: reported.
//! - `with_isahc`, `with_surf` and the wasm client have no opentelemetry-otlp 0.27 feature:
//!   `reqwest-client` is used and the site reported. A custom `with_http_client` is reported.
//! - A renamed dependency (`jaeger = { package = "opentelemetry-jaeger" }`) is replaced by an
//!   unrenamed `opentelemetry-otlp`; the code's `jaeger::` paths are reported.
//! - The Rust code (`new_agent_pipeline()` …): see `jaeger-pipeline`.
//!
//! ## Safety
//! Only the jaeger entry, the otlp entry it extends and the `[features]` elements naming it
//! change; every other byte stays. The jaeger runtime features (`rt-tokio`) are dropped: the
//! runtime is `opentelemetry_sdk`'s feature (`manifest-features` adds it where the code uses
//! `runtime::Tokio`). The `[features]` rewrite keeps each feature's name and makes it enable the
//! crate that now does the exporting.

use crate::engine::context::{UsageFacts, JAEGER_PROPAGATOR};
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::manifest::{DepEntry, DepKind, DepSource, Manifest};
use crate::engine::manifest_edit::{
    add_features, add_optional_sibling_entry, add_sibling_entry, remove_entry, rename_key,
    rewrite_array, string_array,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::crates::{self, jaeger_feature_to_otlp};

pub struct ManifestJaegerToOtlp;

const JAEGER: &str = "opentelemetry-jaeger";
const OTLP: &str = "opentelemetry-otlp";
const PROPAGATOR: &str = "opentelemetry-jaeger-propagator";
const API: &str = "opentelemetry";

impl Transform for ManifestJaegerToOtlp {
    fn id(&self) -> &'static str {
        "manifest-jaeger-to-otlp"
    }

    fn description(&self) -> &'static str {
        "Cargo.toml: opentelemetry-jaeger → opentelemetry-otlp (+ opentelemetry-jaeger-propagator), [features] kept working"
    }

    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }

    fn needles(&self) -> &'static [&'static str] {
        &["opentelemetry-jaeger", "opentelemetry_jaeger"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(manifest) = cx.manifest else {
            return out;
        };
        // The config's target for `krate`, else 0.27 (an unusable override is reported by
        // `manifest-versions`).
        let target_of = |krate: &str| match crates::target(&cx.config.targets, krate) {
            Some(Ok(t)) => t.to_string(),
            _ => "0.27".to_string(),
        };
        let otlp_version = target_of(OTLP);
        let propagator_version = target_of(PROPAGATOR);
        let api_version = target_of(API);
        let le = cx.file.line_ending.as_str();
        for jaeger in manifest.deps_on(JAEGER) {
            if jaeger.source != DepSource::Registry {
                out.finding(
                    jaeger.key_span.unwrap_or_default(),
                    Severity::Warning,
                    "opentelemetry-jaeger is a git/path dependency: not replaced",
                    format!("replace it with `{OTLP} = \"{otlp_version}\"` (the Jaeger exporter is gone; Jaeger ingests OTLP)"),
                );
                continue;
            }
            let usage = cx.project.usage_of(cx.package, jaeger);
            let plan = Plan::of(jaeger, &usage);
            for (range, message) in &plan.notes {
                out.finding(
                    *range,
                    Severity::Warning,
                    message.clone(),
                    "check the HTTP client the OTLP exporter uses (`with_http_client`)",
                );
            }
            if jaeger.key != jaeger.package {
                out.finding(
                    jaeger.key_span.unwrap_or_default(),
                    Severity::Warning,
                    format!("`{}` renames opentelemetry-jaeger; it is replaced by an unrenamed `{OTLP}`", jaeger.key),
                    format!("update the code's `{}::` paths (see jaeger-pipeline)", jaeger.key.replace('-', "_")),
                );
            }
            let sibling = |krate: &str| {
                manifest
                    .deps
                    .iter()
                    .find(|d| d.is(krate) && d.table == jaeger.table)
            };
            let existing_otlp = sibling(OTLP);
            let text = &cx.file.text;
            // What the `[features]` references become.
            let replacement: Replacement;
            if !plan.needs_otlp {
                for e in remove_entry(text, jaeger) {
                    out.edit(e);
                }
                replacement = Replacement::Gone;
            } else if let Some(otlp) = existing_otlp {
                for e in remove_entry(text, jaeger) {
                    out.edit(e);
                }
                let have = &otlp.features;
                let defaults_on = otlp.default_features != Some(false);
                let missing: Vec<String> = plan
                    .features
                    .iter()
                    .filter(|f| !have.contains(f))
                    .filter(|f| !(defaults_on && f.as_str() == "grpc-tonic"))
                    .cloned()
                    .collect();
                // An inherited otlp entry gets its features at the root.
                if !otlp.workspace {
                    if let Some(e) = add_features(text, otlp, &missing, le) {
                        out.edit(e);
                    }
                }
                replacement = if otlp.optional {
                    Replacement::Optional(otlp.key.clone())
                } else {
                    Replacement::Required
                };
            } else {
                for e in replace_with_otlp(text, jaeger, &plan, &otlp_version) {
                    out.edit(e);
                }
                replacement = if jaeger.optional {
                    Replacement::Optional(OTLP.to_string())
                } else {
                    Replacement::Required
                };
            }
            // Beside an optional Jaeger entry the crates added with the replacement are optional
            // too, and the features that enabled Jaeger enable them: the propagator when the
            // code uses it, and the API crate the rewritten pipeline names (`global`,
            // `KeyValue`, `InstrumentationScope`) when the package does not declare it.
            let mut companions = Vec::new();
            // At the root: every member inheriting the Jaeger entry declares the API itself.
            let declares_api = if jaeger.table.kind == DepKind::Workspace {
                cx.project
                    .inheritors(&jaeger.key)
                    .iter()
                    .all(|p| p.depends_on(API))
            } else {
                manifest
                    .deps
                    .iter()
                    .any(|d| d.is(API) && d.table.kind == jaeger.table.kind)
            };
            let added_crates = [
                (
                    PROPAGATOR,
                    &propagator_version,
                    plan.propagator && sibling(PROPAGATOR).is_none(),
                ),
                (API, &api_version, plan.needs_otlp && !declares_api),
            ];
            for (krate, version, wanted) in added_crates {
                if !wanted {
                    continue;
                }
                let version = (!jaeger.workspace).then_some(version.as_str());
                let added = if jaeger.optional {
                    companions.push(krate);
                    add_optional_sibling_entry(text, jaeger, krate, version, le)
                } else {
                    add_sibling_entry(text, jaeger, krate, version, &[], le)
                };
                if let Some(e) = added {
                    out.edit(e);
                }
            }
            rewrite_feature_references(cx, manifest, jaeger, &replacement, &companions, &mut out);
            let what = match (&replacement, plan.propagator) {
                (Replacement::Gone, true) => format!("opentelemetry-jaeger removed; the Jaeger propagator now comes from {PROPAGATOR} {propagator_version}"),
                (Replacement::Gone, false) => "opentelemetry-jaeger removed: the code does not use it".to_string(),
                _ => format!(
                    "opentelemetry-jaeger replaced by {OTLP} {otlp_version} ({}){}",
                    plan.features.join(", "),
                    if plan.propagator { format!(" and {PROPAGATOR} {propagator_version}") } else { String::new() }
                ),
            };
            out.finding(
                jaeger.key_span.unwrap_or_default(),
                Severity::Note,
                what,
                "Jaeger ingests OTLP natively: point the exporter at the collector's OTLP port (4317 gRPC, 4318 HTTP)",
            );
        }
        out
    }
}

/// What the package needs in place of opentelemetry-jaeger.
struct Plan {
    needs_otlp: bool,
    features: Vec<String>,
    propagator: bool,
    notes: Vec<(TextRange, String)>,
}

impl Plan {
    fn of(jaeger: &DepEntry, usage: &UsageFacts) -> Plan {
        let at = jaeger.key_span.unwrap_or_default();
        let mut features: Vec<String> = Vec::new();
        let mut notes = Vec::new();
        let add = |f: &str, features: &mut Vec<String>| {
            if !features.iter().any(|x| x == f) {
                features.push(f.to_string());
            }
        };
        let agent = usage.mentions("new_agent_pipeline");
        let mut collector = usage.mentions("new_collector_pipeline");
        let mut feature_clients = Vec::new();
        for f in &jaeger.features {
            let (mapped, note) = jaeger_feature_to_otlp(f);
            if mapped.contains(&"http-proto") {
                collector = true;
            }
            feature_clients.extend(mapped.iter().filter(|m| **m != "http-proto").copied());
            if let Some(n) = note {
                notes.push((
                    at,
                    format!(
                        "opentelemetry-jaeger feature `{f}` {}",
                        n.trim_start_matches("has ").trim()
                    ),
                ));
            }
        }
        let propagator = usage.mentions(JAEGER_PROPAGATOR);
        if agent {
            add("grpc-tonic", &mut features);
        }
        if collector {
            add("http-proto", &mut features);
            let mut clients: Vec<&str> = Vec::new();
            if usage.mentions("with_reqwest_blocking") {
                clients.push("reqwest-blocking-client");
            }
            if usage.mentions("with_reqwest") {
                clients.push("reqwest-client");
            }
            if usage.mentions("with_hyper") {
                clients.push("hyper-client");
            }
            for (needle, name) in [("with_isahc", "isahc"), ("with_surf", "surf")] {
                let said = notes.iter().any(|(_, n)| n.contains(name));
                if usage.mentions(needle) && !said {
                    clients.push("reqwest-client");
                    notes.push((at, format!("the code uses `{needle}`: opentelemetry-otlp 0.27 has no {name} client, reqwest-client is used instead")));
                }
            }
            if usage.mentions("with_http_client") {
                notes.push((at, "the code passes its own HTTP client (`with_http_client`): it must implement opentelemetry-http 0.27's `HttpClient`".to_string()));
            }
            if clients.is_empty() {
                clients.extend(feature_clients.iter().copied());
            }
            if clients.is_empty() && !usage.mentions("with_http_client") {
                clients.push("reqwest-client");
            }
            for c in clients {
                add(c, &mut features);
            }
        }
        let needs_otlp = agent || collector || !propagator;
        if needs_otlp && features.is_empty() {
            add("grpc-tonic", &mut features);
        }
        if needs_otlp && jaeger.default_features == Some(false) {
            add("trace", &mut features);
        }
        Plan {
            needs_otlp,
            features,
            propagator,
            notes,
        }
    }
}

enum Replacement {
    /// opentelemetry-jaeger left without replacement.
    Gone,
    /// Replaced by a non-optional dependency: nothing for a feature to enable.
    Required,
    /// Replaced by this optional dependency (its key).
    Optional(String),
}

/// Edits that turn the jaeger entry into an opentelemetry-otlp entry in place.
fn replace_with_otlp(text: &str, jaeger: &DepEntry, plan: &Plan, version: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    let features = string_array(&plan.features);
    if jaeger.workspace {
        // `opentelemetry-jaeger = { workspace = true, … }`: the root carries version and
        // features; only the key changes here (and jaeger's own extra features go).
        edits.extend(rename_key(text, jaeger, OTLP));
        if let Some(span) = jaeger.features_span {
            let mapped: Vec<String> = jaeger
                .features
                .iter()
                .flat_map(|f| jaeger_feature_to_otlp(f).0.iter().map(|s| s.to_string()))
                .collect();
            edits.push(Edit::replace(span, string_array(&dedup(mapped))));
        }
        return edits;
    }
    if jaeger.is_table_header || jaeger.is_dotted {
        // A rename goes: the new entry is opentelemetry-otlp under its own name.
        let package_line = jaeger
            .package_span
            .map(|p| crate::engine::manifest_edit::full_lines(text, p));
        edits.extend(
            rename_key(text, jaeger, OTLP)
                .into_iter()
                .filter(|e| !package_line.is_some_and(|l| l.contains_range(e.range))),
        );
        edits.extend(package_line.map(Edit::delete));
        if let Some(e) = crate::engine::manifest_edit::set_version(text, jaeger, version) {
            edits.push(e);
        }
        match jaeger.features_span {
            Some(span) => edits.push(Edit::replace(span, features)),
            None => edits.extend(add_features(text, jaeger, &plan.features, "\n").map(|e| {
                // `add_features` wrote `\n`; use the file's ending like the rest.
                let le = crate::engine::source::LineEnding::detect(text).as_str();
                Edit::replace(e.range, e.replacement.replace('\n', le))
            })),
        }
        return edits;
    }
    // String or inline table: one new `key = { … }` in place of the old one.
    let (Some(key), Some(value)) = (jaeger.key_span, jaeger.value_span) else {
        return edits;
    };
    let mut fields = vec![format!("version = \"{version}\"")];
    if jaeger.optional {
        fields.push("optional = true".to_string());
    }
    if jaeger.default_features == Some(false) {
        fields.push("default-features = false".to_string());
    }
    fields.push(format!("features = {features}"));
    edits.push(Edit::replace(key, OTLP));
    edits.push(Edit::replace(value, format!("{{ {} }}", fields.join(", "))));
    edits
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// Rewrites `[features]` elements that name the jaeger dependency.
fn rewrite_feature_references(
    cx: &FileContext<'_>,
    manifest: &Manifest,
    jaeger: &DepEntry,
    replacement: &Replacement,
    companions: &[&str],
    out: &mut Outcome,
) {
    if jaeger.table.kind == DepKind::Workspace {
        return;
    }
    let key = jaeger.key.as_str();
    let sdk_key = manifest
        .deps
        .iter()
        .find(|d| d.is("opentelemetry_sdk") && d.table.kind != DepKind::Workspace)
        .map(|d| d.key.clone());
    // `jaeger = ["opentelemetry-jaeger"]` (the implicit feature) rather than `dep:`.
    let bare_references = manifest
        .feature_lists
        .iter()
        .any(|l| l.items.iter().any(|(i, _)| i == key));
    for list in &manifest.feature_lists {
        let mut changed = Vec::new();
        let changes: Vec<Option<Vec<String>>> = list
            .items
            .iter()
            .map(|(item, _)| {
                let new = rewrite_feature_item(
                    item,
                    key,
                    FeatureTargets {
                        replacement,
                        sdk_key: sdk_key.as_deref(),
                        companions,
                    },
                    bare_references,
                )?;
                changed.push(format!(
                    "`{item}` → {}",
                    if new.is_empty() {
                        "removed".to_string()
                    } else {
                        new.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ));
                Some(new)
            })
            .collect();
        let edits = rewrite_array(&cx.file.text, list.span, &list.items, &changes);
        if edits.is_empty() {
            continue;
        }
        for e in edits {
            out.edit(e);
        }
        out.finding(
            list.span,
            Severity::Note,
            format!(
                "feature `{}` rewritten for the jaeger → OTLP move: {}",
                list.name,
                changed.join("; ")
            ),
            "the feature keeps its name; `#[cfg(feature = \"…\")]` code keeps working",
        );
    }
}

/// What a `[features]` element naming jaeger can name instead.
struct FeatureTargets<'a> {
    replacement: &'a Replacement,
    /// The package's own `opentelemetry_sdk` entry (runtime features move there).
    sdk_key: Option<&'a str>,
    /// Optional dependencies added with the replacement, enabled wherever jaeger was.
    companions: &'a [&'a str],
}

/// The new elements for one `[features]` element, or `None` when it does not name jaeger.
fn rewrite_feature_item(
    item: &str,
    key: &str,
    targets: FeatureTargets<'_>,
    bare_references: bool,
) -> Option<Vec<String>> {
    let FeatureTargets {
        replacement,
        sdk_key,
        companions,
    } = targets;
    let enables = |optional_key: &str, dep_syntax: bool| {
        if dep_syntax {
            format!("dep:{optional_key}")
        } else {
            optional_key.to_string()
        }
    };
    if item == format!("dep:{key}") || item == key {
        let mut out = match replacement {
            Replacement::Optional(k) => vec![enables(k, item.starts_with("dep:"))],
            _ => Vec::new(),
        };
        out.extend(
            companions
                .iter()
                .map(|c| enables(c, item.starts_with("dep:"))),
        );
        return Some(out);
    }
    let (dep, feature) = item.split_once('/')?;
    let weak = dep.ends_with('?');
    if dep.trim_end_matches('?') != key {
        return None;
    }
    let (mapped, _) = jaeger_feature_to_otlp(feature);
    let mut out = Vec::new();
    if matches!(
        feature,
        "rt-tokio" | "rt-tokio-current-thread" | "rt-async-std"
    ) {
        if let Some(sdk) = sdk_key {
            out.push(format!("{sdk}/{feature}"));
        }
    }
    let target_key = match replacement {
        Replacement::Optional(k) => Some(k.as_str()),
        Replacement::Required => Some(OTLP),
        Replacement::Gone => None,
    };
    if let Some(k) = target_key {
        let q = if weak { "?" } else { "" };
        out.extend(mapped.iter().map(|m| format!("{k}{q}/{m}")));
        // `jaeger/rt-tokio` also switched the optional dependency on; keep that.
        if let (Replacement::Optional(k), true, false) = (replacement, mapped.is_empty(), weak) {
            out.push(enables(k, !bare_references));
        }
    }
    if !weak {
        out.extend(companions.iter().map(|c| enables(c, !bare_references)));
    }
    Some(out)
}
