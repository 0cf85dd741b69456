//! The gate decided from manifests alone: which enabled transforms apply to each package, and
//! which needles let a file through to them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::engine::context::{PackageInfo, Project, TELEMETRY_NEEDLES};
use crate::engine::transform::{FileKind, Transform};

use super::read::Gate;
use super::undeclared::Undeclared;

/// The enabled transforms that apply to one package (or to the files outside any package), and
/// the needles that let a file through to them.
pub(super) struct Plan {
    pub transforms: Vec<&'static dyn Transform>,
    /// What lets a Rust file the gate read through to the runs: its transforms' needles.
    pub rust_gate: Gate,
    /// What lets a deployment file be read: its transforms' needles.
    pub deployment_gate: Gate,
    /// Whether the files read are scanned for usage facts (the package depends on a telemetry
    /// crate).
    pub wants_usage: bool,
    /// What lets a Rust file be read at all: its transforms' needles, plus the telemetry
    /// needles when the manifest transforms want the usage facts of every telemetry file.
    pub read_gate: Gate,
    /// Crates the package's code may name without declaring them: files that do are read to
    /// be warned about (never parsed for it).
    pub undeclared: Undeclared,
}

impl Plan {
    pub fn new(
        enabled: &[&'static dyn Transform],
        package: Option<&PackageInfo>,
        usage: bool,
    ) -> Plan {
        let transforms: Vec<&'static dyn Transform> = enabled
            .iter()
            .copied()
            .filter(|t| t.applies_to(package) || (package.is_none() && t.reads_unowned_manifests()))
            .collect();
        let mut rust_needles = needles_of(&transforms, FileKind::Rust);
        if package.is_some() {
            rust_needles.extend(transforms.iter().flat_map(|t| t.call_needles()));
            rust_needles.sort();
            rust_needles.dedup();
        }
        let wants_usage = package.is_some_and(PackageInfo::uses_telemetry);
        let mut read_needles = rust_needles.clone();
        if usage && wants_usage {
            read_needles.extend(TELEMETRY_NEEDLES);
        }
        let undeclared = package.map_or_else(Undeclared::default, |p| Undeclared::of(enabled, p));
        read_needles.extend(undeclared.needles());
        read_needles.sort();
        read_needles.dedup();
        Plan {
            deployment_gate: Gate::new(&needles_of(&transforms, FileKind::Deployment)),
            transforms,
            rust_gate: Gate::new(&rust_needles),
            wants_usage,
            read_gate: Gate::new(&read_needles),
            undeclared,
        }
    }
}

/// One plan per package of the project (same index) and one for the files outside any package.
pub(super) struct Plans {
    packages: Vec<Plan>,
    loose: Plan,
    pub dirs: PackageDirs,
    /// Every enabled transform's Rust needles: what makes an orphan file worth a note.
    pub orphan_gate: Gate,
}

impl Plans {
    pub fn new(enabled: &[&'static dyn Transform], project: &Project) -> Plans {
        let usage_wanted = enabled.iter().any(|t| t.kind() == FileKind::Manifest);
        let packages = project
            .packages
            .iter()
            .map(|p| Plan::new(enabled, Some(p), usage_wanted))
            .collect();
        // Files in no package are read for every enabled transform's needles: an orphan that
        // uses telemetry is reported even when no transform can migrate it without a package.
        let all_rust_needles = needles_of(enabled, FileKind::Rust);
        let loose = Plan {
            read_gate: Gate::new(&all_rust_needles),
            ..Plan::new(enabled, None, false)
        };
        Plans {
            packages,
            loose,
            dirs: PackageDirs::new(project),
            orphan_gate: Gate::new(&all_rust_needles),
        }
    }

    pub fn of(&self, package: Option<usize>) -> &Plan {
        package.map_or(&self.loose, |i| &self.packages[i])
    }
}

pub(super) fn needles_of(
    transforms: &[&'static dyn Transform],
    kind: FileKind,
) -> Vec<&'static str> {
    let mut n: Vec<&str> = transforms
        .iter()
        .filter(|t| t.scans(kind))
        .flat_map(|t| t.needles().iter().copied())
        .collect();
    n.sort();
    n.dedup();
    n
}

/// The packages of a project by directory: a file's package is its innermost ancestor
/// directory that is a package's (the first such package when two share it), found by a lookup
/// per ancestor rather than a comparison with every package.
pub(super) struct PackageDirs(HashMap<PathBuf, usize>);

impl PackageDirs {
    pub fn new(project: &Project) -> PackageDirs {
        let mut dirs = HashMap::new();
        for (i, p) in project.packages.iter().enumerate() {
            dirs.entry(p.dir.clone()).or_insert(i);
        }
        PackageDirs(dirs)
    }

    /// The index in `project.packages` of the package `path` belongs to.
    pub fn package_of(&self, path: &Path) -> Option<usize> {
        path.ancestors().find_map(|dir| self.0.get(dir).copied())
    }
}
