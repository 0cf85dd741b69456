//! The path of one file through a run: the text gate, one parse, the transforms in registry
//! order (each on a fresh parse of the current text, its result re-parsed and dropped when it
//! does not parse), then the findings mapped back to the original text.

use crate::engine::{rustfmt, timings};
use std::path::Path;

use crate::engine::config::Config;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::coverage::{sites_under_errors, Coverage};
use crate::engine::edit::{EditSet, TextRange};
use crate::engine::finding::{Finding, RawFinding, Severity};
use crate::engine::ledger::{follow_renames, LedgerEntry, RawLedgerEntry};
use crate::engine::manifest::Manifest;
use crate::engine::source::SourceFile;
use crate::engine::syntax::ImportMap;
use crate::engine::transform::{FileContext, FileKind, Transform};

use super::deleted_sites::{without_deleted_sites, Deletion, Reported};
use super::merge::merge_same_site;
use super::suppress::is_suppressed;
use super::FileResult;

pub(super) enum FileRun {
    Done {
        /// Boxed: the other variants are small.
        file: Box<FileResult>,
        findings: Vec<Finding>,
        suppressed: usize,
        coverage: Coverage,
        ledger: Vec<LedgerEntry>,
    },
    Failed {
        path: std::path::PathBuf,
        message: String,
    },
    /// No transform wants the file after a closer look at its text: not parsed.
    Skipped,
}

/// What one file is run with.
pub(super) struct FileInput<'a> {
    pub project: &'a Project,
    pub package: Option<&'a PackageInfo>,
    pub config: &'a Config,
    pub transforms: &'a [&'static dyn Transform],
    pub path: &'a Path,
    pub kind: FileKind,
}

impl FileInput<'_> {
    /// The text gate: the transform scans this kind of file, a needle is in the text, and
    /// the transform wants the text (still before any parse); or a call needle is, and the
    /// call is one the transform rewrites.
    fn wants(&self, t: &dyn Transform, text: &str) -> bool {
        t.admits(text, self.kind, self.package, self.project)
    }
}

pub(super) fn run_file(input: &FileInput<'_>, text: String) -> FileRun {
    // Each transform's gate on the text as written, asked once: the same answer holds until a
    // transform changes the text.
    let wanted_original: Vec<bool> = input
        .transforms
        .iter()
        .map(|t| input.wants(*t, &text))
        .collect();
    if !wanted_original.contains(&true) {
        return FileRun::Skipped;
    }
    let acts = |t: &dyn Transform, text: &str| t.may_act(text, input.kind, input.package);
    let acting_original: Vec<bool> = input
        .transforms
        .iter()
        .zip(&wanted_original)
        .map(|(t, wanted)| *wanted && acts(*t, &text))
        .collect();
    if !acting_original.contains(&true) {
        // What running them would give: the file, unchanged, with nothing to say.
        return Rewrite::new(SourceFile::new(input.path, text), None).finish(input);
    }
    let original =
        SourceFile::new(input.path, text).with_indent_fallback(input.project.indent_fallback);
    let parsed = match reparse(input.kind, &original) {
        Ok(parsed) => parsed,
        Err(e) => return unparsable_input(input, e),
    };
    let mut rewrite = Rewrite::new(original, parsed);
    for (t, acting_original) in input.transforms.iter().zip(acting_original) {
        // A transform that measures the run runs on every file whose original text it may
        // act on, even when the transforms before it changed that text.
        let acting = if rewrite.history.is_empty() {
            acting_original
        } else {
            let current = &rewrite.current.text;
            (t.measures_original() && acting_original)
                || (input.wants(*t, current) && acts(*t, current))
        };
        if acting {
            rewrite.run(input, *t);
        }
    }
    rewrite.finish(input)
}

fn unparsable_input(input: &FileInput<'_>, error: String) -> FileRun {
    let what = match input.kind {
        FileKind::Rust => "Rust syntax error",
        FileKind::Manifest => "malformed Cargo.toml",
        FileKind::Deployment => unreachable!("deployment files are not parsed"),
    };
    FileRun::Failed {
        path: input.path.to_path_buf(),
        message: format!("{what} at {error}; file left untouched"),
    }
}

/// A file's text as the transforms change it, with what each accepted transform did.
struct Rewrite {
    /// The text as the user wrote it.
    original: SourceFile,
    current: SourceFile,
    /// The parse of `current`, when it is fresh: a file is parsed once to check it, and again
    /// only after a transform changed it.
    fresh_parse: Option<syn::File>,
    /// The import map of `fresh_parse` once a transform asked for it (dropped with it).
    fresh_imports: Option<ImportMap>,
    /// The accepted edit sets in order, each on the text the ones before it produced.
    history: Vec<EditSet>,
    counts: Vec<(String, usize)>,
    /// Findings already mapped to the original text.
    findings: Vec<Reported>,
    /// Ledger entries of accepted edit sets (and of reports), mapped to the original text.
    ledger: Vec<RawLedgerEntry>,
    /// Where the old-API sites of the original text are, as a transform that counts them said.
    old_sites_before: Vec<TextRange>,
}

impl Rewrite {
    fn new(original: SourceFile, parsed: Option<syn::File>) -> Rewrite {
        Rewrite {
            current: original.clone(),
            original,
            fresh_parse: parsed,
            fresh_imports: None,
            history: Vec::new(),
            counts: Vec::new(),
            findings: Vec::new(),
            ledger: Vec::new(),
            old_sites_before: Vec::new(),
        }
    }

    /// Runs one transform on the current text and keeps its edits when the result parses.
    fn run(&mut self, input: &FileInput<'_>, t: &'static dyn Transform) {
        let (syntax, manifest) = self.parse_current(input);
        let reexports = input.package.map_or(&[][..], |p| &p.reexports);
        // The same text has the same imports: kept with its parse while no transform edits.
        let imports = self.fresh_imports.take().or_else(|| {
            timings::time("imports", || {
                syntax
                    .as_ref()
                    .map(|s| ImportMap::of_file(s).reaching(reexports))
            })
        });
        let cx = FileContext {
            file: &self.current,
            original: &self.original,
            syntax: syntax.as_ref(),
            imports: imports.as_ref(),
            manifest: manifest.as_ref(),
            package: input.package,
            project: input.project,
            config: input.config,
        };
        let outcome = timings::time(t.id(), || t.run(&cx));
        self.old_sites_before
            .extend(outcome.old_sites_before.into_iter().flatten());
        let outcome = outcome.changes;
        for f in outcome.findings {
            self.report(t.id(), f);
        }
        let ledger = outcome.ledger;
        if outcome.edits.is_empty() {
            self.record(ledger);
            // The text did not change: the next transform sees the same parse.
            self.fresh_parse = syntax;
            self.fresh_imports = imports;
        } else if input.kind == FileKind::Deployment {
            let at = first_range(&outcome.edits);
            self.report(t.id(), RawFinding::new(
                at,
                Severity::Error,
                "internal: a transform asked to edit a deployment file; deployment files are only reported on, its edits were dropped",
            ));
        } else if self.accept_if_it_parses(input, t, outcome.edits, syntax) {
            // Entries are located before the edit set just accepted.
            let upto = self.history.len() - 1;
            self.record_upto(upto, ledger);
        } else {
            // The sites stay as written, with the error finding that says so.
            self.record(
                ledger
                    .into_iter()
                    .map(RawLedgerEntry::into_reported)
                    .collect(),
            );
        }
    }

    /// Keeps ledger entries located in the current text.
    fn record(&mut self, ledger: Vec<RawLedgerEntry>) {
        self.record_upto(self.history.len(), ledger);
    }

    /// Keeps ledger entries of the text after the first `upto` accepted edit sets.
    fn record_upto(&mut self, upto: usize, ledger: Vec<RawLedgerEntry>) {
        for mut entry in ledger {
            let start = self.map_back(upto, entry.range.start);
            let end = self.map_back(upto, entry.range.end).max(start);
            entry.range = TextRange::new(start, end);
            self.ledger.push(entry);
        }
    }

    /// The current text's syntax tree (Rust) or manifest, reusing a fresh parse.
    fn parse_current(&mut self, input: &FileInput<'_>) -> (Option<syn::File>, Option<Manifest>) {
        const REPARSED: &str = "text is re-parsed after every transform";
        match input.kind {
            FileKind::Rust => {
                let parsed = self
                    .fresh_parse
                    .take()
                    .map_or_else(|| timings::time("parse", || self.current.parse_rust()), Ok);
                (Some(parsed.expect(REPARSED)), None)
            }
            FileKind::Manifest => {
                match timings::time(PARSE_MANIFEST, || {
                    Manifest::parse(input.path, &self.current.text)
                }) {
                    Ok(m) => (None, Some(m)),
                    Err(_) => unreachable!("{REPARSED}"),
                }
            }
            FileKind::Deployment => (None, None),
        }
    }

    fn accept_if_it_parses(
        &mut self,
        input: &FileInput<'_>,
        t: &'static dyn Transform,
        edits: EditSet,
        syntax: Option<syn::File>,
    ) -> bool {
        let candidate = self.current.successor(edits.apply(&self.current.text));
        match reparse(input.kind, &candidate) {
            Ok(parsed) => {
                self.counts.push((t.id().to_string(), edits.len()));
                self.history.push(edits);
                self.current = candidate;
                self.fresh_parse = parsed;
                true
            }
            Err(e) => {
                self.fresh_parse = syntax;
                if std::env::var_os("OTEL_MIGRATE_DEBUG_UNPARSABLE").is_some() {
                    eprintln!(
                        "--- {} by {}:\n{}",
                        input.path.display(),
                        t.id(),
                        candidate.text
                    );
                }
                let finding = RawFinding::new(
                    first_range(&edits),
                    Severity::Error,
                    format!("internal: the rewrite produced code that does not parse ({e}); its changes to this file were dropped"),
                )
                .with_suggestion("please report this file; migrate this site by hand");
                self.report(t.id(), finding);
                false
            }
        }
    }

    /// Keeps a finding, located in the original text.
    fn report(&mut self, id: &'static str, mut f: RawFinding) {
        let start = self.map_back(self.history.len(), f.range.start);
        // A site inside rewritten text covers all the text it replaced (so it meets the
        // finding of the transform that rewrote it there).
        let end = self
            .history
            .iter()
            .rev()
            .fold(f.range.end, |end, set| set.map_back_end(end))
            .max(start);
        f.range = TextRange::new(start, end);
        self.findings.push(Reported {
            transform: id,
            finding: f,
            before_sets: self.history.len(),
        });
    }

    /// An offset in the text after the first `upto` accepted edit sets, in the original text.
    fn map_back(&self, upto: usize, mut offset: usize) -> usize {
        for set in self.history[..upto].iter().rev() {
            offset = set.map_back(offset);
        }
        offset
    }

    /// Where the accepted edits fall in the original text.
    fn edit_ranges(&self) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        for (k, set) in self.history.iter().enumerate() {
            for e in set.iter() {
                let (start, end) = (e.range.start, e.range.end);
                ranges.push(TextRange::new(
                    self.map_back(k, start),
                    self.map_back(k, end),
                ));
            }
        }
        ranges
    }

    /// The deletions of the accepted edit sets, in the original text.
    fn deletions(&self) -> Vec<Deletion<'_>> {
        let mut deletions = Vec::new();
        // `counts` has one entry per accepted edit set, in the same order.
        for (set, (edits, (transform, _))) in self.history.iter().zip(&self.counts).enumerate() {
            for e in edits.iter().filter(|e| e.replacement.is_empty()) {
                deletions.push(Deletion {
                    set,
                    transform,
                    range: TextRange::new(
                        self.map_back(set, e.range.start),
                        self.map_back(set, e.range.end),
                    ),
                });
            }
        }
        deletions
    }

    fn finish(mut self, input: &FileInput<'_>) -> FileRun {
        let edit_ranges = self.edit_ranges();
        let reported = std::mem::take(&mut self.findings);
        let reported = without_deleted_sites(reported, &self.deletions());
        let original = self.original;
        let mut findings = Vec::new();
        let mut suppressed = 0;
        // The severity of each site left (`None`: its finding was allowed).
        let mut sites_left = Vec::new();
        let mut ranges_left = Vec::new();
        let mut errors_elsewhere = Vec::new();
        for merged in merge_same_site(reported) {
            let left_behind = merged.raw.left_behind;
            let range = merged.raw.range;
            let mut finding =
                Finding::located(&original, input.path, merged.transforms[0], merged.raw);
            finding.transforms = merged.transforms.iter().map(|t| t.to_string()).collect();
            let allowed = is_suppressed(&original, &finding, input.project, input.config);
            if left_behind {
                sites_left.push((!allowed).then_some(finding.severity));
                ranges_left.push(range);
            } else if !allowed && finding.severity == Severity::Error {
                errors_elsewhere.push(range);
            }
            if allowed {
                suppressed += 1;
            } else {
                findings.push(finding);
            }
        }
        // A site rewritten into code an error reports is reported, not migrated.
        let under_errors =
            sites_under_errors(&self.old_sites_before, &ranges_left, &errors_elsewhere);
        sites_left.extend(std::iter::repeat_n(Some(Severity::Error), under_errors));
        let coverage = Coverage::of_file(self.old_sites_before.len(), sites_left);
        let mut ledger = self.ledger;
        follow_renames(&mut ledger);
        let ledger = ledger
            .into_iter()
            .map(|e| {
                LedgerEntry::located(
                    input.path.to_path_buf(),
                    original.line_col(e.range.start).0,
                    e,
                )
            })
            .collect();
        let mut migrated = self.current.text;
        if input.kind == FileKind::Rust
            && migrated != original.text
            && input.config.formats_with_rustfmt()
        {
            let dir = input.path.parent().unwrap_or(Path::new("."));
            let edition = input.package.and_then(|p| input.project.edition_of(p));
            migrated = timings::time("rustfmt", || {
                rustfmt::keep_clean(&original.text, migrated, dir, edition)
            });
        }
        FileRun::Done {
            file: Box::new(FileResult {
                path: input.path.to_path_buf(),
                migrated: (migrated != original.text).then_some(migrated),
                original: original.text,
                edits: self.counts,
                edit_ranges,
                project_root: input.project.root.clone(),
                git_root: input.project.git_root.clone(),
                package: input.package.map(|p| p.manifest_path.clone()),
            }),
            findings,
            suppressed,
            coverage,
            ledger,
        }
    }
}

fn first_range(edits: &EditSet) -> TextRange {
    edits.iter().next().map(|e| e.range).unwrap_or_default()
}

/// Checks that text is still valid for its kind; the error message when it is not. The
/// parsed Rust file is returned so the next transform can use it instead of parsing again.
fn reparse(kind: FileKind, file: &SourceFile) -> Result<Option<syn::File>, String> {
    let phase = match kind {
        FileKind::Manifest => PARSE_MANIFEST,
        _ => "parse",
    };
    timings::time(phase, || parse_checked(kind, file))
}

/// Manifests are timed apart from Rust parses: their count says nothing of how often a Rust
/// file is parsed.
const PARSE_MANIFEST: &str = "parse manifest";

fn parse_checked(kind: FileKind, file: &SourceFile) -> Result<Option<syn::File>, String> {
    match kind {
        FileKind::Rust => file.parse_rust().map(Some).map_err(|e| {
            let lc = e.span().start();
            format!("{}:{}: {e}", lc.line, lc.column + 1)
        }),
        FileKind::Manifest => toml_edit::Document::parse(file.text.clone())
            .map(|_| None)
            .map_err(|e| {
                e.to_string()
                    .lines()
                    .next()
                    .unwrap_or("invalid TOML")
                    .to_string()
            }),
        FileKind::Deployment => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::discover::{discover, DiscoverOptions, ProjectFiles};

    /// Reports every line of a deployment file, and (wrongly) asks to edit it.
    struct DeploymentProbe;

    impl Transform for DeploymentProbe {
        fn id(&self) -> &'static str {
            "probe"
        }
        fn description(&self) -> &'static str {
            "test probe"
        }
        fn kind(&self) -> FileKind {
            FileKind::Rust
        }
        fn scans(&self, kind: FileKind) -> bool {
            matches!(kind, FileKind::Rust | FileKind::Deployment)
        }
        fn needles(&self) -> &'static [&'static str] {
            &["OTEL_"]
        }
        fn run(&self, cx: &FileContext<'_>) -> crate::engine::transform::Outcome {
            let mut out = crate::engine::transform::Outcome::default();
            assert_eq!(cx.kind(), FileKind::Deployment);
            out.finding(
                TextRange::new(0, 4),
                Severity::Note,
                "seen",
                "nothing to do",
            );
            out.replace(TextRange::new(0, 4), "EDIT");
            out
        }
    }

    /// A package `p` in a temporary directory with `files` beside its manifest, discovered:
    /// the directory (kept alive), its root and the project.
    pub(super) fn one_package(
        files: &[(&str, &str)],
    ) -> (tempfile::TempDir, std::path::PathBuf, ProjectFiles) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        for (path, text) in files {
            std::fs::write(root.join(path), text).unwrap();
        }
        let discovery = discover(
            std::slice::from_ref(&root),
            &DiscoverOptions {
                config_override: None,
            },
        );
        let mut pf = discovery.projects.into_iter().next().unwrap();
        pf.project.resolve_packages().unwrap();
        (dir, root, pf)
    }

    #[test]
    fn deployment_files_get_findings_but_never_edits() {
        let (_dir, root, pf) = one_package(&[(".env", "OTEL_SERVICE_NAME=p\n")]);
        assert_eq!(pf.deployment_files.to_vec(), vec![root.join(".env")]);
        static PROBE: DeploymentProbe = DeploymentProbe;
        let path = root.join(".env");
        let input = FileInput {
            project: &pf.project,
            package: pf.project.package_for(&path),
            config: &Config::default(),
            transforms: &[&PROBE],
            path: &path,
            kind: FileKind::Deployment,
        };
        let run = run_file(&input, "OTEL_SERVICE_NAME=p\n".to_string());
        let FileRun::Done { file, findings, .. } = run else {
            panic!("the run failed");
        };
        assert!(!file.changed());
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages.contains(&"seen"));
        assert!(messages.iter().any(|m| m.contains("edits were dropped")));
    }
}

#[cfg(test)]
mod ledger_tests {
    use super::*;
    use crate::engine::ledger::{Key, Settings, Signal, Status, Value};

    /// Inserts `insert` at the start of the file and, with `ledger_at`, hands in a rewritten
    /// entry at the first occurrence of that text in the text it saw.
    struct LedgerProbe {
        id: &'static str,
        insert: &'static str,
        ledger_at: Option<&'static str>,
    }

    impl Transform for LedgerProbe {
        fn id(&self) -> &'static str {
            self.id
        }
        fn description(&self) -> &'static str {
            "test probe"
        }
        fn kind(&self) -> FileKind {
            FileKind::Rust
        }
        fn needles(&self) -> &'static [&'static str] {
            &["fn"]
        }
        fn run(&self, cx: &FileContext<'_>) -> crate::engine::transform::Outcome {
            let mut out = crate::engine::transform::Outcome::default();
            out.replace(TextRange::empty(0), self.insert);
            if let Some(at) = self.ledger_at {
                let start = cx.file.text.find(at).expect("the probe's site");
                let side = |v: &str| Settings::from([(Key::ServiceName, Value::resolved(v))]);
                out.ledger.push(RawLedgerEntry::rewritten(
                    TextRange::new(start, start + at.len()),
                    Signal::Traces,
                    side("old"),
                    side(self.id),
                ));
            }
            out
        }
    }

    #[test]
    fn entries_point_into_the_original_text_and_a_dropped_rewrite_is_reported() {
        let (_dir, root, pf) = super::tests::one_package(&[]);
        static GROW: LedgerProbe = LedgerProbe {
            id: "grow",
            insert: "// one\n// two\n",
            ledger_at: None,
        };
        static SITE: LedgerProbe = LedgerProbe {
            id: "site",
            insert: "// three\n",
            ledger_at: Some("fn site"),
        };
        static BROKEN: LedgerProbe = LedgerProbe {
            id: "broken",
            insert: "fn (\n",
            ledger_at: Some("fn site"),
        };
        let path = root.join("src/lib.rs");
        let input = FileInput {
            project: &pf.project,
            package: pf.project.package_for(&path),
            config: &Config::default(),
            transforms: &[&GROW, &SITE, &BROKEN],
            path: &path,
            kind: FileKind::Rust,
        };
        let text = "// a\nfn main() {}\nfn site() {}\n".to_string();
        let FileRun::Done { file, ledger, .. } = run_file(&input, text) else {
            panic!("the run failed");
        };
        assert_eq!(file.edits.len(), 2, "the broken rewrite is dropped");
        let seen: Vec<(usize, Status, Vec<Key>)> = ledger
            .iter()
            .map(|e| (e.line, e.status, e.changed.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                (3, Status::Rewritten, vec![Key::ServiceName]),
                (3, Status::Reported, vec![]),
            ]
        );
        assert!(ledger[1].after.is_empty());
        assert_eq!(ledger[0].path, path);
    }
}
