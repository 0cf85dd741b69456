//! The contract every transform implements. A transform sees one file (freshly parsed after
//! the transforms before it), the project context, and returns edits and findings; it never
//! writes anything itself.

use crate::engine::changes::Changes;
use crate::engine::config::Config;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::TextRange;
use crate::engine::manifest::Manifest;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ImportMap, ParsedRust};

/// Which files a transform edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Rust,
    Manifest,
    /// `.env`, Dockerfiles, YAML (`discover::is_deployment_file`): scanned for findings only;
    /// the engine never applies edits to them.
    Deployment,
}

pub trait Transform: Sync + Send {
    /// Stable kebab-case id, the file name with `_` → `-`.
    fn id(&self) -> &'static str;
    /// One line for `otel-migrate list`. The long documentation is the file's `//!` block.
    fn description(&self) -> &'static str;
    fn kind(&self) -> FileKind;
    /// Whether the transform runs on files of `kind`: its own kind, and a transform may also
    /// scan deployment files (findings only).
    fn scans(&self, kind: FileKind) -> bool {
        kind == self.kind()
    }
    /// The transform runs only on files containing at least one of these strings.
    fn needles(&self) -> &'static [&'static str];
    /// Whether `text` holds one of [`Transform::needles`] (the first, cheapest gate).
    fn has_needle(&self, text: &str) -> bool {
        self.needles().iter().any(|n| text.contains(n))
    }
    /// Calls of functions another file defines that the transform may rewrite there
    /// (`name(..).build()`): a file of a package holding one of these but none of
    /// [`Transform::needles`] is read and run on when [`Transform::wants_calls`] holds. They
    /// never alone mark a file as using telemetry (orphan notes, undeclared crates).
    fn call_needles(&self) -> &'static [&'static str] {
        &[]
    }
    /// Whether a file of `package` holding one of [`Transform::call_needles`] calls a function
    /// the transform rewrites with its callers (read from `project`'s facts, before any parse
    /// of this file).
    fn wants_calls(&self, text: &str, package: &PackageInfo, project: &Project) -> bool {
        let _ = (text, package, project);
        false
    }
    /// The text gate of a file of `kind` in `package`: one of [`Transform::needles`] and
    /// [`Transform::wants`], or (in a package) one of [`Transform::call_needles`] and
    /// [`Transform::wants_calls`]. The pipeline asks it of each file; the workspace facts ask
    /// it of the files they dry-run, so both see the same files.
    fn admits(
        &self,
        text: &str,
        kind: FileKind,
        package: Option<&PackageInfo>,
        project: &Project,
    ) -> bool {
        let calls = |package| {
            self.call_needles().iter().any(|n| text.contains(n))
                && self.wants_calls(text, package, project)
        };
        self.scans(kind)
            && (self.has_needle(text) && self.wants(text, kind, package, project)
                || package.is_some_and(calls))
    }
    /// Whether the transform can change anything in the files of `package` (`None`: a file
    /// outside any package), decided from the manifest alone before any file is read: the
    /// gate that keeps big trees fast (a tree of crates that do not use the migrated crates
    /// is never parsed). Version gates belong here rather than at the top of `run`.
    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        let _ = package;
        true
    }
    /// Whether the transform also reads manifests outside every package (a virtual workspace
    /// root), whose entries carry their own versions, though [`Transform::applies_to`] turns
    /// down files without a package.
    fn reads_unowned_manifests(&self) -> bool {
        false
    }
    /// The dependencies (as the code names them: `opentelemetry_otlp`) whose declared versions open [`Transform::applies_to`]'s
    /// gate. A file that names one of them in a package that does not declare it is not
    /// migrated, and gets a warning rather than silence.
    fn gated_on(&self) -> &'static [&'static str] {
        &[]
    }
    /// A finer look at a file that passed the needles, still before it is parsed: whether the
    /// transform can do anything with this text in this package. A file no transform wants is
    /// not parsed at all.
    fn wants(
        &self,
        text: &str,
        kind: FileKind,
        package: Option<&PackageInfo>,
        project: &Project,
    ) -> bool {
        let _ = (text, kind, package, project);
        true
    }
    /// Whether the transform can have anything to do in `text` (a file it wants): it must hold
    /// for every text the transform would edit or report on. A file every transform that
    /// wants it can leave alone is not parsed: it is still a file the run looked at (listed
    /// unchanged, as when the transforms ran and did nothing). A transform that measures the
    /// run is asked of the original text too: it runs when it may act on either.
    fn may_act(&self, text: &str, kind: FileKind, package: Option<&PackageInfo>) -> bool {
        let _ = (text, kind, package);
        true
    }
    /// Whether the transform measures the run ([`Outcome::old_sites_before`]): it then runs on
    /// every file whose original text it wanted, even when the transforms before it left
    /// nothing it wants in the current text.
    fn measures_original(&self) -> bool {
        false
    }
    /// Whether the run's configuration asks for this transform at all (a transform that moves
    /// code past the run's target release does not run). Decided once per project.
    fn enabled_by(&self, config: &Config) -> bool {
        let _ = config;
        true
    }
    /// Checks the configuration keys the transform reads; an `Err` is the project's error and
    /// nothing of the project is migrated.
    fn check_config(&self, config: &Config) -> Result<(), String> {
        let _ = config;
        Ok(())
    }
    fn run(&self, cx: &FileContext<'_>) -> Outcome;
}

/// Everything a transform may look at for one file.
pub struct FileContext<'a> {
    pub file: &'a SourceFile,
    /// The file as the user wrote it, before any transform: what a pass that measures the
    /// run (the coverage's sites before) compares `file` with. The same text when nothing
    /// changed it.
    pub original: &'a SourceFile,
    /// The parsed file, for Rust transforms.
    pub syntax: Option<&'a syn::File>,
    pub imports: Option<&'a ImportMap>,
    /// The parsed manifest, for manifest transforms.
    pub manifest: Option<&'a Manifest>,
    /// The package the file belongs to (none for files of a manifest-less tree).
    pub package: Option<&'a PackageInfo>,
    pub project: &'a Project,
    /// The effective configuration (project config merged with command-line flags).
    pub config: &'a Config,
}

impl<'a> FileContext<'a> {
    /// The name the code uses for `krate`: the package's dependency key when it renames the
    /// crate, else the crate's own name as a Rust identifier.
    pub fn crate_code_name(&self, krate: &str) -> String {
        self.package
            .and_then(|p| p.code_name_of(krate))
            .unwrap_or_else(|| krate.replace('-', "_"))
    }

    pub fn syntax(&self) -> &'a syn::File {
        self.syntax.expect("a Rust transform runs on a parsed file")
    }

    pub fn imports(&self) -> &'a ImportMap {
        self.imports
            .expect("a Rust transform runs on a parsed file")
    }

    /// The parsed file without the run around it, for the knowledge layer.
    pub fn rust(&self) -> ParsedRust<'a> {
        ParsedRust {
            file: self.file,
            syntax: self.syntax(),
            imports: self.imports(),
        }
    }

    /// The kind of the file being looked at.
    pub fn kind(&self) -> FileKind {
        if self.syntax.is_some() {
            FileKind::Rust
        } else if self.manifest.is_some() {
            FileKind::Manifest
        } else {
            FileKind::Deployment
        }
    }

    /// Whether another transform runs in this invocation (some edits are only valid together).
    pub fn is_enabled(&self, id: &str) -> bool {
        self.config.is_enabled(id)
    }
}

/// What a transform wants done to one file: its [`Changes`] (edits and findings, which the
/// knowledge layer produces too) and, as the run grows, what only a run needs to know.
#[derive(Debug, Default)]
pub struct Outcome {
    pub changes: Changes,
    /// Where the old-API sites of the original text are, when the transform counts them: the
    /// coverage line's "before" (its findings marked [`RawFinding::left_behind`] are the sites
    /// left).
    ///
    /// [`RawFinding::left_behind`]: crate::engine::finding::RawFinding::left_behind
    pub old_sites_before: Option<Vec<TextRange>>,
}

impl std::ops::Deref for Outcome {
    type Target = Changes;
    fn deref(&self) -> &Changes {
        &self.changes
    }
}

impl std::ops::DerefMut for Outcome {
    fn deref_mut(&mut self) -> &mut Changes {
        &mut self.changes
    }
}

impl From<Changes> for Outcome {
    fn from(changes: Changes) -> Outcome {
        Outcome {
            changes,
            old_sites_before: None,
        }
    }
}
