//! Facts the manifest transforms share about one dependency entry of the manifest being
//! migrated: whose code decides its features (the package, or every workspace member that
//! inherits a `[workspace.dependencies]` entry) and which version it will have once the
//! manifest transforms have run.

use crate::engine::context::UsageFacts;
use crate::engine::manifest::{minimum_version, DepEntry, DepKind};
use crate::engine::manifest_edit::{retarget, Retarget};
use crate::engine::transform::FileContext;
use crate::otel::crates;

/// The usage facts of the code that uses `entry`.
pub fn usage_for(cx: &FileContext<'_>, entry: &DepEntry) -> UsageFacts {
    let mut usage = UsageFacts::default();
    if entry.table.kind == DepKind::Workspace {
        for p in cx.project.inheritors(&entry.key) {
            usage.merge(&p.usage);
        }
    } else if let Some(p) = cx.package {
        usage.merge(&p.usage);
    }
    usage
}

/// The entry that carries the version of `entry`: itself, or for `workspace = true` the
/// root's `[workspace.dependencies]` entry (as the project context read it).
pub fn version_entry<'a>(cx: &'a FileContext<'_>, entry: &'a DepEntry) -> Option<&'a DepEntry> {
    if !entry.workspace {
        return Some(entry);
    }
    cx.project
        .workspace_manifest()?
        .deps
        .iter()
        .find(|d| d.table.kind == DepKind::Workspace && d.key == entry.key)
}

/// The lowest version `entry` will admit after the transforms before `manifest-features`
/// have run: the current requirement, or the target when `manifest-versions` will bump an
/// inherited requirement at the root.
pub fn effective_version(cx: &FileContext<'_>, entry: &DepEntry) -> Option<semver::Version> {
    let carrier = version_entry(cx, entry)?;
    let req = carrier.version.as_deref()?;
    if entry.workspace && cx.is_enabled("manifest-versions") {
        if let Some(Ok(target)) = crates::target(cx.config, &carrier.package) {
            if matches!(retarget(req, &target), Retarget::Bump(_)) {
                return Some(target.version);
            }
        }
    }
    minimum_version(req)
}

/// Whether `entry` will be on the target minor (or newer) of its crate.
pub fn at_target(cx: &FileContext<'_>, entry: &DepEntry) -> bool {
    let Some(Ok(target)) = crates::target(cx.config, &entry.package) else {
        return false;
    };
    effective_version(cx, entry)
        .is_some_and(|v| (v.major, v.minor) >= (target.version.major, target.version.minor))
}

/// Whether any package of the project is still below the target opentelemetry (the project
/// is being migrated, so a crate built on another opentelemetry is a problem).
pub fn project_migrating(cx: &FileContext<'_>) -> bool {
    let Some(Ok(target)) = crates::target(cx.config, "opentelemetry") else {
        return false;
    };
    cx.project.packages.iter().any(|p| {
        p.version_below("opentelemetry", target.version.major, target.version.minor)
            || p.depends_on("opentelemetry-jaeger")
    })
}
