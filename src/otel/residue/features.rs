//! Residue in manifests: Cargo features the target version of a crate no longer has, still
//! asked for in a dependency entry.

use semver::Version;

use crate::engine::finding::Severity;
use crate::engine::manifest::{minimum_version, DepEntry, Manifest};

use super::scan::Site;
use super::table::{target_of, SCANNED_CRATES, TABLE};

/// The removed features `current` still asks for, judged by the versions the same entries have
/// in `original` (the manifest as the user wrote it).
pub fn feature_sites(current: &Manifest, original: &Manifest) -> Vec<Site> {
    let mut sites = Vec::new();
    for entry in &current.deps {
        let krate = entry.package.replace('-', "_");
        if !SCANNED_CRATES.iter().any(|(k, _)| *k == krate) {
            continue;
        }
        let Some(version) = original_version(original, entry) else {
            continue;
        };
        for (feature, range) in &entry.feature_items {
            let item = format!("{krate}/{feature}");
            let Some(removed) = TABLE.features.get(&item) else {
                continue;
            };
            if version > removed.last {
                continue;
            }
            sites.push(Site {
                range: *range,
                message: format!(
                    "feature `{feature}` of `{}` is gone in {} (last in {}); this entry was not migrated",
                    entry.package,
                    target_of(&krate),
                    removed.last
                ),
                item,
                severity: Severity::Error,
                suggestion: "remove the feature or pick its replacement (see the crate's CHANGELOG)"
                    .to_string(),
            });
        }
    }
    sites
}

/// The version the same entry (key and table) requires in the original manifest.
fn original_version(original: &Manifest, entry: &DepEntry) -> Option<Version> {
    let before = original
        .deps
        .iter()
        .find(|d| d.key == entry.key && d.table == entry.table)?;
    minimum_version(before.version.as_deref()?)
}
