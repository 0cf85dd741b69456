//! Which version a dependency entry of a manifest will have once the manifest transforms have
//! run, and whether that is the target: what `manifest-features` needs to know before it picks
//! the features of the target release.

use std::collections::BTreeMap;

use crate::engine::manifest::{minimum_version, DepEntry};
use crate::engine::manifest_edit::{retarget, Retarget};
use crate::otel::crates;

/// One dependency entry and what decides its version.
pub struct EntryVersion<'a> {
    pub entry: &'a DepEntry,
    /// The entry that carries the version: the entry itself, or for `workspace = true` the
    /// root's `[workspace.dependencies]` entry (`None` when the root does not declare it).
    pub carrier: Option<&'a DepEntry>,
    /// The `[targets]` overrides of the run.
    pub targets: &'a BTreeMap<String, String>,
    /// Whether `manifest-versions` runs first (it bumps inherited requirements at the root).
    pub versions_bumped: bool,
}

impl EntryVersion<'_> {
    /// The lowest version the entry will admit after the transforms before
    /// `manifest-features` have run: the current requirement, or the target when
    /// `manifest-versions` will bump an inherited requirement at the root.
    pub fn effective(&self) -> Option<semver::Version> {
        let carrier = self.carrier?;
        let req = carrier.version.as_deref()?;
        if self.entry.workspace && self.versions_bumped {
            if let Some(Ok(target)) = crates::target(self.targets, &carrier.package) {
                if matches!(retarget(req, &target), Retarget::Bump(_)) {
                    return Some(target.version);
                }
            }
        }
        minimum_version(req)
    }

    /// Whether the entry will be on the target minor (or newer) of its crate.
    pub fn at_target(&self) -> bool {
        let Some(Ok(target)) = crates::target(self.targets, &self.entry.package) else {
            return false;
        };
        self.effective()
            .is_some_and(|v| (v.major, v.minor) >= (target.version.major, target.version.minor))
    }
}
