//! The units the back-out loop keeps or restores. A package (its manifest and its source files)
//! is one unit; packages that inherit a `[workspace.dependencies]` entry the run changed share
//! a transaction with the root manifest: restored together, or kept together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::engine::discover::walk;
use crate::engine::manifest::{DepKind, Manifest};
use crate::engine::pipeline::{FileResult, RunResult};

/// One package the run touched (or that inherits an entry the run changed).
#[derive(Debug, Clone)]
pub struct Unit {
    /// The package's manifest path (a virtual root's manifest: its own path).
    pub key: PathBuf,
    /// `[package] name`; None for a virtual workspace root (nothing to compile there).
    pub name: Option<String>,
    pub project_root: PathBuf,
    /// Whether the manifest declares `[features]` (then more configurations are checked).
    pub features: bool,
}

/// Units that go in together or not at all.
#[derive(Debug, Clone)]
pub struct Transaction {
    pub units: Vec<Unit>,
    /// The changed `[workspace.dependencies]` entries its members share (empty for one package).
    pub shared: Vec<String>,
}

/// The unit key of a changed file: its package's manifest, or a manifest outside every
/// package (a virtual root) itself. Files outside every package are no unit.
pub fn key_of(file: &FileResult) -> Option<PathBuf> {
    file.package.clone().or_else(|| {
        file.path
            .file_name()
            .is_some_and(|n| n == "Cargo.toml")
            .then(|| file.path.clone())
    })
}

/// The transactions of a run: one per changed package, except that a root manifest whose
/// `[workspace.dependencies]` entries changed joins every member inheriting one of them.
pub fn transactions(result: &RunResult) -> Vec<Transaction> {
    let mut units: BTreeMap<PathBuf, Unit> = BTreeMap::new();
    for f in result.files.iter().filter(|f| f.changed()) {
        if let Some(key) = key_of(f) {
            units
                .entry(key.clone())
                .or_insert_with(|| unit(&key, &f.project_root));
        }
    }
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for root_manifest in result.files.iter().filter(|f| f.changed()) {
        let shared = changed_workspace_entries(root_manifest);
        if shared.is_empty() {
            continue;
        }
        let mut members = vec![units
            .get(&root_manifest.path)
            .cloned()
            .unwrap_or_else(|| unit(&root_manifest.path, &root_manifest.project_root))];
        for m in inheriting_members(root_manifest, &shared) {
            if m != root_manifest.path {
                members.push(
                    units
                        .get(&m)
                        .cloned()
                        .unwrap_or_else(|| unit(&m, &root_manifest.project_root)),
                );
            }
        }
        taken.extend(members.iter().map(|u| u.key.clone()));
        out.push(Transaction {
            units: members,
            shared: shared.into_iter().collect(),
        });
    }
    for (key, u) in units {
        if !taken.contains(&key) {
            out.push(Transaction {
                units: vec![u],
                shared: Vec::new(),
            });
        }
    }
    out
}

fn unit(manifest: &Path, project_root: &Path) -> Unit {
    let parsed = std::fs::read_to_string(manifest)
        .ok()
        .and_then(|t| Manifest::parse(manifest, &t).ok());
    Unit {
        key: manifest.to_path_buf(),
        name: parsed.as_ref().and_then(|m| m.package_name.clone()),
        project_root: project_root.to_path_buf(),
        features: parsed.is_some_and(|m| !m.features.is_empty()),
    }
}

/// The `[workspace.dependencies]` keys whose text the run changed (or removed, or added).
fn changed_workspace_entries(file: &FileResult) -> BTreeSet<String> {
    if file.path.file_name().is_none_or(|n| n != "Cargo.toml") {
        return BTreeSet::new();
    }
    let entries = |text: &str| -> BTreeMap<String, String> {
        Manifest::parse(&file.path, text)
            .map(|m| {
                m.deps
                    .iter()
                    .filter(|d| d.table.kind == DepKind::Workspace)
                    .map(|d| {
                        let written: String =
                            d.parts.iter().map(|r| &text[r.start..r.end]).collect();
                        (d.key.clone(), written)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (entries(&file.original), entries(file.output()));
    before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// The manifests below a workspace root that inherit one of `shared` with `workspace = true`.
fn inheriting_members(root_manifest: &FileResult, shared: &BTreeSet<String>) -> Vec<PathBuf> {
    let dir = root_manifest.path.parent().unwrap_or(Path::new("."));
    walk(dir, true)
        .manifests
        .into_iter()
        .filter(|m| {
            std::fs::read_to_string(m)
                .ok()
                .and_then(|t| Manifest::parse(m, &t).ok())
                .is_some_and(|parsed| {
                    parsed.package_name.is_some()
                        && parsed.deps.iter().any(|d| {
                            d.workspace
                                && d.table.kind != DepKind::Workspace
                                && shared.contains(&d.key)
                        })
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(original: &str, output: &str) -> FileResult {
        FileResult {
            path: PathBuf::from("/w/Cargo.toml"),
            original: original.to_string(),
            migrated: Some(output.to_string()),
            edits: Vec::new(),
            edit_ranges: Vec::new(),
            project_root: PathBuf::from("/w"),
            git_root: None,
            package: None,
        }
    }

    #[test]
    fn only_the_workspace_entries_whose_text_changed_are_shared() {
        let before = "[workspace]\nmembers = [\"a\"]\n\n[workspace.dependencies]\nopentelemetry = \"0.24\"\nserde = \"1\"\n\n[dependencies]\ntracing = \"0.1\"\n";
        let after = before
            .replace("opentelemetry = \"0.24\"", "opentelemetry = \"0.27\"")
            .replace("tracing = \"0.1\"", "tracing = \"0.1.40\"");
        let shared = changed_workspace_entries(&manifest(before, &after));
        assert_eq!(shared, BTreeSet::from(["opentelemetry".to_string()]));
        assert!(changed_workspace_entries(&manifest(before, before)).is_empty());
    }
}
