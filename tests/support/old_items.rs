//! An independent detector of old OpenTelemetry / `metrics` items (issue 16): a plain text
//! scan for a fixed list of spellings, sharing nothing with the residue table or the tool's
//! parsing. Over the robustness corpus, every line it finds in the migrated text of a package
//! on an old version must carry a finding: nothing old is left without a word.

use std::path::{Path, PathBuf};

use otel_migrate::engine::finding::Finding;
use similar::{DiffOp, TextDiff};

/// Spellings of items the target versions no longer have, with the package that defines them
/// (its own code, tests and examples name them as definitions, not as old uses).
const OLD_ITEMS: &[(&str, &str)] = &[
    ("opentelemetry-otlp", "opentelemetry_otlp::new_pipeline"),
    ("opentelemetry-otlp", "opentelemetry_otlp::new_exporter"),
    ("opentelemetry", "opentelemetry::metrics::Unit"),
    ("opentelemetry", "opentelemetry::metrics::MetricsError"),
    ("opentelemetry", "opentelemetry::InstrumentationLibrary"),
    ("opentelemetry", "global::set_error_handler"),
    ("opentelemetry", "global::handle_error"),
    ("opentelemetry-sdk", "reader::TemporalitySelector"),
    ("opentelemetry-sdk", "reader::DefaultTemporalitySelector"),
    ("metrics", "metrics::set_recorder"),
    ("metrics", "metrics::SetRecorderError"),
    ("opentelemetry-jaeger", "opentelemetry_jaeger::"),
];

/// Instrument-builder methods: `.init()` on the same line after one of them is old.
const INSTRUMENT_METHODS: &[&str] = &["_counter(", "_histogram(", "_gauge("];

/// The 1-based lines of `text`, a file of package `package`, that spell an old item of
/// another package (comment lines are skipped).
pub fn old_item_lines(text: &str, package: &str) -> Vec<usize> {
    let package = package.replace('_', "-");
    let own_instruments = package == "opentelemetry";
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.trim_start();
            !code.starts_with("//")
                && (OLD_ITEMS
                    .iter()
                    .any(|(owner, i)| *owner != package && code.contains(i))
                    || (!own_instruments
                        && code.contains(".init()")
                        && INSTRUMENT_METHODS.iter().any(|m| code.contains(m))))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The target (major, minor) of a crate the detector knows, by its package name.
fn target_of(package: &str) -> Option<(u64, u64)> {
    match package.replace('_', "-").as_str() {
        "opentelemetry" | "opentelemetry-sdk" | "opentelemetry-otlp" | "opentelemetry-jaeger" => {
            Some((0, 27))
        }
        "metrics" => Some((0, 24)),
        _ => None,
    }
}

/// `major.minor` of a version requirement (`"0.21"`, `"=0.21.1"`, `"^0.14"`).
fn minor_of(req: &str) -> Option<(u64, u64)> {
    let v = req.trim_start_matches(['=', '^', '~', ' ']);
    let mut parts = v.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn dep_tables(doc: &toml::Table) -> Vec<&toml::Table> {
    let mut tables = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        tables.extend(doc.get(key).and_then(|t| t.as_table()));
    }
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
        for target in targets.values().filter_map(|t| t.as_table()) {
            for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                tables.extend(target.get(key).and_then(|t| t.as_table()));
            }
        }
    }
    tables
}

/// The package name of the manifest at `manifest`, when it declares a known crate below its
/// target (workspace dependencies looked up in `workspace`).
pub fn old_package(manifest: &Path, workspace: Option<&Path>) -> Option<String> {
    let read = |p: &Path| -> Option<toml::Table> { std::fs::read_to_string(p).ok()?.parse().ok() };
    let doc = read(manifest)?;
    let name = doc.get("package")?.get("name")?.as_str()?.to_string();
    let ws = workspace.and_then(read);
    let ws_deps = ws
        .as_ref()
        .and_then(|w| w.get("workspace")?.get("dependencies")?.as_table().cloned());
    let old = dep_tables(&doc).into_iter().flatten().any(|(key, value)| {
        let (package, req) = match value {
            toml::Value::String(req) => (key.clone(), Some(req.clone())),
            toml::Value::Table(t) => {
                let package = t
                    .get("package")
                    .and_then(|p| p.as_str())
                    .unwrap_or(key)
                    .to_string();
                let req = if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                    ws_deps.as_ref().and_then(|d| match d.get(key)? {
                        toml::Value::String(s) => Some(s.clone()),
                        toml::Value::Table(t) => Some(t.get("version")?.as_str()?.to_string()),
                        _ => None,
                    })
                } else {
                    t.get("version")
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                };
                (package, req)
            }
            _ => return false,
        };
        match (target_of(&package), req.as_deref().and_then(minor_of)) {
            (Some(target), Some(version)) => version < target,
            _ => false,
        }
    });
    old.then_some(name)
}

/// The manifest of the package `file` belongs to: the nearest `Cargo.toml` with a `[package]`
/// above it, inside `unit`.
pub fn package_manifest(unit: &Path, file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(unit))
        .map(|d| d.join("Cargo.toml"))
        .find(|m| {
            std::fs::read_to_string(m)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .is_some_and(|t| t.contains_key("package"))
        })
}

/// The original lines an output line stands for: itself when the run kept it, the lines the
/// run replaced when it is new.
pub fn original_lines(original: &str, output: &str, output_line: usize) -> (usize, usize) {
    let diff = TextDiff::from_lines(original, output);
    let at = output_line - 1;
    for op in diff.ops() {
        let new = op.new_range();
        if !new.contains(&at) {
            continue;
        }
        let old = op.old_range();
        return match op {
            DiffOp::Equal { .. } => {
                let l = old.start + (at - new.start) + 1;
                (l, l)
            }
            _ => (old.start + 1, old.end.max(old.start + 1)),
        };
    }
    (output_line, output_line)
}

/// Whether a finding of `file` covers any of the original lines `lines`.
pub fn reported(findings: &[Finding], file: &Path, (first, last): (usize, usize)) -> bool {
    findings
        .iter()
        .any(|f| f.path == file && f.line <= last && f.end_line.max(f.line) >= first)
}
