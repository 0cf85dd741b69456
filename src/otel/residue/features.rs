//! Residue in manifests: Cargo features the target version of a crate no longer has, still
//! asked for in a dependency entry (of any table, `[workspace.dependencies]` too) or named by
//! a `[features]` element (`dep/feature`, `dep?/feature`).

use semver::Version;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::manifest::{minimum_version, DepEntry, DepKind, DepTable, Manifest};

use super::scan::Site;
use super::table::{target_of, SCANNED_CRATES, TABLE};

/// The removed features `current` still asks for, judged by the versions the same entries have
/// in `original` (the manifest as the user wrote it); an entry inheriting its version
/// (`workspace = true`) has the workspace root's, from `workspace` (the root manifest as
/// written, when there is one).
pub fn feature_sites(
    current: &Manifest,
    original: &Manifest,
    workspace: Option<&Manifest>,
) -> Vec<Site> {
    let mut sites = Vec::new();
    for entry in &current.deps {
        for (feature, range) in &entry.feature_items {
            sites.extend(removed_feature(
                original, workspace, entry, feature, *range, None,
            ));
        }
    }
    // `[features]` elements name the package's own entries, not `[workspace.dependencies]`.
    for list in &current.feature_lists {
        for (element, range) in &list.items {
            let Some((key, feature)) = element.split_once('/') else {
                continue;
            };
            let key = key.trim_end_matches('?');
            let entry = current
                .deps
                .iter()
                .find(|d| d.key == key && d.table.kind != DepKind::Workspace);
            sites.extend(entry.and_then(|entry| {
                removed_feature(
                    original,
                    workspace,
                    entry,
                    feature,
                    *range,
                    Some(&list.name),
                )
            }));
        }
    }
    sites.sort_by_key(|s| (s.range.start, s.range.end));
    sites
}

/// A site when `feature` of `entry`'s crate is gone in the target and the entry's original
/// version still had it; `in_feature` names the `[features]` entry that asks for it.
fn removed_feature(
    original: &Manifest,
    workspace: Option<&Manifest>,
    entry: &DepEntry,
    feature: &str,
    range: TextRange,
    in_feature: Option<&str>,
) -> Option<Site> {
    let krate = entry.package.replace('-', "_");
    if !SCANNED_CRATES.iter().any(|(k, _)| *k == krate) {
        return None;
    }
    let version = original_version(original, entry).or_else(|| {
        let root = workspace.filter(|_| entry.workspace)?;
        let inherited = DepEntry {
            table: DepTable {
                kind: DepKind::Workspace,
                target: None,
            },
            ..entry.clone()
        };
        original_version(root, &inherited)
    })?;
    let item = format!("{krate}/{feature}");
    let removed = TABLE.features.get(&item)?;
    if version > removed.last {
        return None;
    }
    let place = match in_feature {
        Some(name) => format!("feature `{name}` still enables it"),
        None => "this entry was not migrated".to_string(),
    };
    Some(Site {
        range,
        message: format!(
            "feature `{feature}` of `{}` is gone in {} (last in {}); {place}",
            entry.package,
            target_of(&krate),
            removed.last
        ),
        item,
        severity: Severity::Error,
        suggestion: "remove the feature or pick its replacement (see the crate's CHANGELOG)"
            .to_string(),
    })
}

/// The version the same entry (key and table) requires in the original manifest.
fn original_version(original: &Manifest, entry: &DepEntry) -> Option<Version> {
    let before = original
        .deps
        .iter()
        .find(|d| d.key == entry.key && d.table == entry.table)?;
    minimum_version(before.version.as_deref()?)
}
