//! # residue
//!
//! ## What it does
//! Runs last, after every transform, and reports each old OpenTelemetry or `metrics` item the
//! migrated file still uses: nothing old is left behind without a word. A use of an item the
//! target version no longer has is an `error` at its exact line and column; a builder setter
//! that may live on in a trait is a `warning`. A site another transform already reported (an
//! overlapping finding) is not reported twice. It also counts the sites of the original file:
//! the coverage line (`old-API sites before → migrated / reported / left with a note`).
//!
//! A public user type that implemented a removed SDK trait (a user's `DeltaTemporalitySelector`)
//! and that nothing in the file names once a transform removed the impl gets a `note` at its
//! definition (a private one is deleted with its impl by `temporality`).
//!
//! In `Cargo.toml`, a feature the target version of its crate no longer has is an `error` at the
//! feature: in a dependency entry of any table (a virtual workspace root's
//! `[workspace.dependencies]` too) and in `[features]` elements (`dep/feature`, `dep?/feature`).
//!
//! The table (`src/otel/residue/`): the public items and Cargo features of every supported old
//! version absent from the target (generated from the published sources by `scripts/residue-table.sh`), and
//! hand-written call shapes the item diff cannot see (`.init()` on instrument builders,
//! `counter!(name, value)`, crates gone as a whole), each with its source.
//!
//! ## Before
//! ```rust,ignore
//! let unit = opentelemetry::metrics::Unit::new("ms"); // no transform migrates this
//! ```
//!
//! ## After
//! ```text
//! error[residue]: `opentelemetry::metrics::Unit` (struct) is gone in opentelemetry 0.27 (last in 0.23.0); this use was not migrated
//! ```
//!
//! ## Not rewritten
//! Nothing: it only reports. A package already on the target's release (0.27.x, metrics 0.24.x)
//! is scanned for removed items only (`error`s: such code cannot compile, and a file migrated by
//! hand halfway must not be silent on a second run); one on a newer release is the ladder's and
//! is not scanned. Code inside the OpenTelemetry crates themselves never matches (it names its items through
//! `crate::`). Items reached through a glob import are found (a name the file defines or binds
//! itself shadows the glob). A method call whose receiver type the scan cannot see is a site
//! only when only a removed API has a method of that name (`install_batch`,
//! `build_span_exporter`, …) and the file names that crate (and no other crate with methods of
//! those names); other such calls are not found.
//!
//! ## Safety
//! No edits. `// otel-migrate: allow(residue)` keeps an intended site.

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::RawFinding;
use crate::engine::manifest::Manifest;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ImportMap, ParsedRust, Reexport};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::residue::{
    feature_sites, might_have_sites, orphaned_types, scan, OldVersions, Site, SCANNED_CRATES,
};

pub struct Residue;

/// Every residue site's file names one of these (a crate's name, a `metrics` macro).
pub(crate) const NEEDLES: &[&str] = &[
    "opentelemetry",
    "otel",
    "otlp",
    "metrics",
    "counter!",
    "gauge!",
    "histogram!",
];

/// The scanned crates the package has on an old version.
pub(crate) fn old_versions(package: &PackageInfo) -> OldVersions {
    let mut v = OldVersions::default();
    for (krate, _) in SCANNED_CRATES {
        if let (Some(version), Some(code)) = (package.version(krate), package.code_name_of(krate)) {
            v.add(&code, krate, version);
        }
    }
    // opentelemetry ≤ 0.20 re-exported its SDK (`opentelemetry::sdk`): a package without its
    // own `opentelemetry_sdk` has that one, which `sdk-facade-paths` names directly.
    if let (None, Some(version)) = (
        package.version("opentelemetry_sdk"),
        package.version("opentelemetry"),
    ) {
        if (version.major, version.minor) <= (0, 20) {
            v.add("opentelemetry_sdk", "opentelemetry_sdk", version);
        }
    }
    v
}

impl Transform for Residue {
    fn id(&self) -> &'static str {
        "residue"
    }

    fn description(&self) -> &'static str {
        "reports every old OpenTelemetry/metrics item left after the migration (and counts the coverage)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn scans(&self, kind: FileKind) -> bool {
        matches!(kind, FileKind::Rust | FileKind::Manifest)
    }

    fn needles(&self) -> &'static [&'static str] {
        NEEDLES
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| !old_versions(p).is_empty())
    }

    /// A virtual workspace root's `[workspace.dependencies]` carry their own versions.
    fn reads_unowned_manifests(&self) -> bool {
        true
    }

    fn wants(
        &self,
        text: &str,
        kind: FileKind,
        package: Option<&PackageInfo>,
        _project: &crate::engine::context::Project,
    ) -> bool {
        (package.is_some() || kind == FileKind::Manifest) && might_have_sites(text)
    }

    /// A Rust file's sites are of the crates its package has on an old version: only their
    /// names (most files of a package on `metrics` 0.24 say `new`, none `set_recorder`). A
    /// manifest's features carry their own versions.
    fn may_act(&self, text: &str, kind: FileKind, package: Option<&PackageInfo>) -> bool {
        match (kind, package) {
            (FileKind::Rust, Some(package)) => old_versions(package).might_have_sites(text),
            _ => true,
        }
    }

    fn measures_original(&self) -> bool {
        true
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let scanned = match (cx.manifest, cx.package) {
            (Some(manifest), _) => scan_manifest(cx, manifest),
            (None, Some(package)) => scan_rust(cx, &old_versions(package)),
            (None, None) => return Outcome::default(),
        };
        let mut out = Outcome {
            old_sites_before: Some(scanned.before),
            ..Outcome::default()
        };
        let finding = |site: Site| {
            RawFinding::new(site.range, site.severity, site.message)
                .with_suggestion(site.suggestion)
                .about_item(site.item)
        };
        for site in scanned.left {
            out.findings.push(finding(site).left_behind());
        }
        out.findings.extend(scanned.notes.into_iter().map(finding));
        out
    }
}

/// What the scan of one file found.
#[derive(Default)]
struct Scanned {
    /// Old-API sites left in the current text.
    left: Vec<Site>,
    /// Where the old-API sites of the original text are.
    before: Vec<TextRange>,
    /// Advisory findings that are not old-API sites (user types left unused).
    notes: Vec<Site>,
}

fn scan_manifest(cx: &FileContext<'_>, manifest: &Manifest) -> Scanned {
    let Ok(original) = Manifest::parse(&cx.original.path, &cx.original.text) else {
        return Scanned::default();
    };
    let workspace = cx.project.workspace_manifest();
    Scanned {
        left: feature_sites(manifest, &original, workspace),
        before: ranges(feature_sites(&original, &original, workspace)),
        notes: Vec::new(),
    }
}

fn scan_rust(cx: &FileContext<'_>, versions: &OldVersions) -> Scanned {
    let left = scan(cx.rust(), versions);
    if cx.original.text == cx.file.text {
        return Scanned {
            before: left.iter().map(|site| site.range).collect(),
            left,
            notes: Vec::new(),
        };
    }
    let reexports = cx.package.map_or(&[][..], |p| &p.reexports);
    let Some((syntax, imports)) = parse(cx.original, reexports) else {
        return Scanned {
            left,
            ..Scanned::default()
        };
    };
    let original = ParsedRust {
        file: cx.original,
        syntax: &syntax,
        imports: &imports,
    };
    Scanned {
        left,
        before: ranges(scan(original, versions)),
        notes: orphaned_types(original, cx.rust(), versions),
    }
}

fn ranges(sites: Vec<Site>) -> Vec<TextRange> {
    sites.into_iter().map(|site| site.range).collect()
}

/// The text as the user wrote it, parsed (a file a transform changed).
fn parse(original: &SourceFile, reexports: &[Reexport]) -> Option<(syn::File, ImportMap)> {
    let syntax = original.parse_rust().ok()?;
    let imports = ImportMap::of_file(&syntax).reaching(reexports);
    Some((syntax, imports))
}
