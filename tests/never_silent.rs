//! Nothing old is left without a word: one finding per site (same-site reports merged), the
//! full span of a finding, and the dependency gate never silencing a package.

mod support;

use std::path::{Path, PathBuf};

use otel_migrate::engine::changes::Changes;
use otel_migrate::engine::coverage::Coverage;
use otel_migrate::engine::edit::TextRange;
use otel_migrate::engine::finding::{Finding, Severity};
use otel_migrate::engine::pipeline::{run, RunOptions, RunResult};
use otel_migrate::engine::source::SourceFile;
use otel_migrate::engine::transform::{FileContext, FileKind, Outcome, Transform};

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Tree {
    fn new(files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Tree { _dir: dir, root }
    }

    fn run(&self) -> RunResult {
        run(
            otel_migrate::transforms::all(),
            &RunOptions {
                paths: vec![self.root.clone()],
                ..RunOptions::default()
            },
        )
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

fn manifest(deps: &str) -> String {
    format!("[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}")
}

/// What the run left in the file at `path` (its text, changed or not).
fn output_of<'a>(result: &'a RunResult, path: &Path) -> &'a str {
    result
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{} is not in the run", path.display()))
        .output()
}

fn findings_at<'a>(result: &'a RunResult, path: &Path, line: usize) -> Vec<&'a Finding> {
    result
        .findings
        .iter()
        .filter(|f| f.path == path && f.line == line)
        .collect()
}

const OTEL_026: &str =
    "opentelemetry = \"0.26\"\nopentelemetry_sdk = \"0.26\"\nopentelemetry-otlp = \"0.26\"\n";

const REMOVED_GLOBALS: &str = "use opentelemetry::global;\n\npub fn init(version: Option<&'static str>) {\n    let _m = global::meter_with_version(\"svc\", version, None, None);\n    let _p = global::logger_provider();\n}\n";

#[test]
fn two_transforms_reporting_one_site_give_one_finding_listing_both() {
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_026)),
        ("src/lib.rs", REMOVED_GLOBALS),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    let handler = findings_at(&result, &lib, 4);
    assert_eq!(handler.len(), 1, "{handler:#?}");
    assert_eq!(handler[0].transform, "sdk-api-renames");
    // The residue scan finds the removed item too: folded into the same site.
    assert_eq!(
        handler[0].transforms,
        ["sdk-api-renames", "tracing-bridge", "residue"]
    );
    // The removed logger globals are `tracing-bridge`'s alone (it rewrites them where a
    // provider is in reach), so one transform speaks about them.
    let logger = findings_at(&result, &lib, 5);
    assert_eq!(logger.len(), 1, "{logger:#?}");
    assert_eq!(logger[0].transform, "tracing-bridge");
    assert_eq!(logger[0].transforms, ["tracing-bridge"]);
    let source = SourceFile::new(&lib, REMOVED_GLOBALS.to_string());
    let shown = handler[0].render(Some(&source), false);
    assert!(
        shown.contains("also reported by: tracing-bridge, residue"),
        "{shown}"
    );
}

#[test]
fn a_pipeline_the_run_reads_twice_is_reported_once() {
    // `let tracer = <chain>.expect(..);` is read by the pipeline transform and again when the
    // run looks at the tracer's origin: the same finding twice, which the merge folds.
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_026)),
        (
            "src/lib.rs",
            include_str!(
                "../fixtures/otlp-trace-pipeline/negative_helper_wraps_builder_it_did_not_make.input.rs"
            ),
        ),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    let pipeline = findings_at(&result, &lib, 7);
    assert_eq!(pipeline.len(), 1, "{pipeline:#?}");
    assert!(
        pipeline[0].message.contains("is built elsewhere"),
        "{pipeline:#?}"
    );
}

#[test]
fn a_removed_global_shutdown_two_transforms_see_is_reported_once() {
    // `global::shutdown_meter_provider()` where no provider is in reach: the metrics pipeline
    // transform, `tracing-bridge` and `residue` each report it; one finding lists all three.
    let tree = Tree::new(&[
        (
            "Cargo.toml",
            &manifest(
                "opentelemetry = { version = \"0.21\", features = [\"metrics\"] }\nopentelemetry_sdk = { version = \"0.21\", features = [\"rt-tokio\", \"metrics\"] }\nopentelemetry-otlp = { version = \"0.14\", features = [\"metrics\"] }\n",
            ),
        ),
        (
            "src/lib.rs",
            "pub fn start() -> opentelemetry_sdk::metrics::MeterProvider {\n    opentelemetry_otlp::new_pipeline()\n        .metrics(opentelemetry_sdk::runtime::Tokio)\n        .with_exporter(opentelemetry_otlp::new_exporter().tonic())\n        .build()\n        .expect(\"meter provider\")\n}\n\npub struct Stop;\n\nimpl Drop for Stop {\n    fn drop(&mut self) {\n        let _ = opentelemetry::global::shutdown_meter_provider();\n    }\n}\n",
        ),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    let shutdown = findings_at(&result, &lib, 13);
    assert_eq!(shutdown.len(), 1, "{shutdown:#?}");
    assert_eq!(shutdown[0].severity, Severity::Error, "{shutdown:#?}");
}

#[test]
fn an_allow_for_any_reporter_suppresses_the_merged_finding() {
    let allowed = REMOVED_GLOBALS.replace(
        "    let _m",
        "    // otel-migrate: allow(tracing-bridge)\n    let _m",
    );
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_026)),
        ("src/lib.rs", &allowed),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    assert!(findings_at(&result, &lib, 5).is_empty());
    assert_eq!(findings_at(&result, &lib, 6).len(), 1);
    assert!(result.suppressed >= 1);
}

#[test]
fn a_finding_on_a_chain_covers_every_call_and_shows_its_end() {
    let lib = "pub fn init(builder: opentelemetry_otlp::TonicExporterBuilder) {\n    let _t = opentelemetry_otlp::new_pipeline()\n        .tracing()\n        .with_exporter(builder.into())\n        .install_batch(opentelemetry_sdk::runtime::Tokio);\n}\n";
    let tree = Tree::new(&[("Cargo.toml", &manifest(OTEL_026)), ("src/lib.rs", lib)]);
    let result = tree.run();
    let path = tree.path("src/lib.rs");
    let chain = result
        .findings
        .iter()
        .find(|f| f.path == path && f.message.contains("built elsewhere"))
        .unwrap_or_else(|| panic!("{:#?}", result.findings));
    assert_eq!((chain.line, chain.end_line), (2, 5));
    let shown = chain.render(Some(&SourceFile::new(&path, lib.to_string())), false);
    assert!(shown.contains(".install_batch("), "{shown}");
}

#[test]
fn a_long_construct_shows_its_first_and_last_line() {
    let body: String = (0..30).map(|i| format!("    .with_x({i})\n")).collect();
    let text = format!("fn f() {{\n    build()\n{body}    .done();\n}}\n");
    let file = SourceFile::new(Path::new("src/lib.rs"), text.clone());
    let start = text.find("build()").unwrap();
    let end = text.find(".done()").unwrap() + ".done()".len();
    let raw = otel_migrate::engine::finding::RawFinding::new(
        otel_migrate::engine::edit::TextRange::new(start, end),
        otel_migrate::engine::finding::Severity::Error,
        "m",
    );
    let f = Finding::located(&file, Path::new("src/lib.rs"), "probe", raw);
    assert_eq!((f.line, f.end_line), (2, 33));
    let shown = f.render(Some(&file), false);
    assert!(
        shown.contains("build()") && shown.contains(".done()"),
        "{shown}"
    );
    assert!(shown.lines().count() < 20, "the middle is folded:\n{shown}");
}

const PIPELINE_LIB: &str = "pub fn init() {\n    let _t = opentelemetry_otlp::new_pipeline()\n        .tracing()\n        .with_exporter(opentelemetry_otlp::new_exporter().tonic())\n        .install_batch(opentelemetry_sdk::runtime::Tokio);\n}\n";

/// The workspace of the gate test: `api` reaches `opentelemetry_otlp` without declaring it.
fn undeclared_otlp_workspace(config: &str) -> Tree {
    Tree::new(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"api\", \"common\"]\nresolver = \"2\"\n",
        ),
        ("otel-migrate.toml", config),
        (
            "common/Cargo.toml",
            &manifest(OTEL_026).replace("name = \"svc\"", "name = \"common\""),
        ),
        ("common/src/lib.rs", "pub fn x() {}\n"),
        (
            "api/Cargo.toml",
            &manifest("opentelemetry = \"0.26\"\nopentelemetry_sdk = \"0.26\"\ncommon = { path = \"../common\" }\n"),
        ),
        ("api/src/lib.rs", PIPELINE_LIB),
    ])
}

/// The dependency gate's findings on `path`.
fn gate_warnings<'a>(result: &'a RunResult, path: &Path) -> Vec<&'a Finding> {
    result
        .findings
        .iter()
        .filter(|f| f.path == path && f.transform == "engine")
        .collect()
}

#[test]
fn a_package_using_a_crate_it_does_not_declare_gets_a_warning_not_silence() {
    let tree = undeclared_otlp_workspace("");
    let result = tree.run();
    let lib = tree.path("api/src/lib.rs");
    let warned = gate_warnings(&result, &lib);
    assert_eq!(warned.len(), 1, "{:#?}", result.findings);
    let w = warned[0];
    assert_eq!(w.severity, otel_migrate::engine::finding::Severity::Warning);
    assert_eq!((w.line, w.column), (2, 14));
    assert!(
        w.message
            .contains("does not declare the `opentelemetry-otlp` dependency"),
        "{}",
        w.message
    );
    assert!(w.message.contains("otlp-trace-pipeline"), "{}", w.message);
    assert!(w
        .suggestion
        .as_deref()
        .unwrap()
        .contains("declare `opentelemetry-otlp`"));
    assert!(result.files.iter().all(|f| f.path != lib || !f.changed()));
}

#[test]
fn a_package_declaring_the_crate_is_migrated_without_the_gate_warning() {
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_026)),
        ("src/lib.rs", PIPELINE_LIB),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    assert!(
        result.findings.iter().all(|f| f.transform != "engine"),
        "{:#?}",
        result.findings
    );
    assert!(result.files.iter().any(|f| f.path == lib && f.changed()));
}

const OTEL_021: &str = "opentelemetry = { version = \"0.21\", features = [\"metrics\"] }\n";

/// A file only the residue scan has anything to say about: no transform rewrites the
/// `ExportError` trait (moved out of the API crate in 0.27).
const EXPORT_ERROR_ONLY: &str = "use opentelemetry::metrics::Meter;\n\npub fn f(meter: &Meter) {\n    let _: Option<&dyn opentelemetry::ExportError> = None;\n    let _ = meter;\n}\n";

#[test]
fn a_removed_item_in_a_file_no_transform_touches_is_a_finding_at_its_line() {
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_021)),
        ("src/lib.rs", EXPORT_ERROR_ONLY),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    let file = result.files.iter().find(|f| f.path == lib).unwrap();
    assert!(!file.changed(), "no transform rewrites this file");
    let site = findings_at(&result, &lib, 4);
    assert_eq!(site.len(), 1, "{:#?}", result.findings);
    assert_eq!(site[0].transforms, ["residue"]);
    assert_eq!(site[0].severity, Severity::Error);
    assert_eq!(site[0].item.as_deref(), Some("opentelemetry::ExportError"));
    assert_eq!((site[0].column, site[0].end_column), (24, 50));
    assert_eq!(
        result.coverage,
        Coverage {
            before: 1,
            error: 1,
            ..Coverage::default()
        }
    );
}

/// otlp 0.14: the install's tracer is read for its provider where the rewrite binds it (it
/// becomes the provider it builds), and a tracer handed to another function is asked the same:
/// that read is not guessed at, but it must not be silent (crate-private on 0.27).
const TRACER_HANDED_OVER: &str = "use opentelemetry_sdk::trace::Tracer;\n\npub fn init() -> Tracer {\n    opentelemetry_otlp::new_pipeline()\n        .tracing()\n        .with_exporter(opentelemetry_otlp::new_exporter().tonic())\n        .install_simple()\n        .expect(\"tracer\")\n}\n\npub fn flush(tracer: &Tracer) {\n    if let Some(provider) = tracer.provider() {\n        let _ = provider.force_flush();\n    }\n}\n";

#[test]
fn a_provider_read_of_a_tracer_the_rewrite_did_not_bind_is_an_error_at_its_line() {
    let deps = "opentelemetry = \"0.21\"\nopentelemetry_sdk = \"0.21\"\nopentelemetry-otlp = { version = \"0.14\", features = [\"grpc-tonic\"] }\n";
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(deps)),
        ("src/lib.rs", TRACER_HANDED_OVER),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    assert!(
        !output_of(&result, &lib).contains("new_pipeline"),
        "the install is migrated"
    );
    let site = findings_at(&result, &lib, 12);
    assert_eq!(site.len(), 1, "{:#?}", result.findings);
    assert_eq!(site[0].severity, Severity::Error);
    assert_eq!(
        site[0].item.as_deref(),
        Some("opentelemetry_sdk::trace::Tracer::provider")
    );
    assert!(site[0]
        .suggestion
        .as_deref()
        .is_some_and(|s| s.contains("TracerProvider")));
}

/// A package already on 0.27 whose file kept one old path (a migration finished by hand, or an
/// earlier run's result edited): the second run must still see it, and only the removed items
/// count there (the 0.27 calls around it are not sites).
const HALF_MIGRATED_027: &str = "use opentelemetry_sdk::metrics::{data::Temporality, SdkMeterProvider};\n\npub fn provider() -> (SdkMeterProvider, Temporality) {\n    (SdkMeterProvider::builder().build(), Temporality::Delta)\n}\n";

#[test]
fn a_removed_item_left_in_a_package_already_on_the_target_is_still_reported() {
    let tree = Tree::new(&[
        (
            "Cargo.toml",
            &manifest("opentelemetry = \"0.27\"\nopentelemetry_sdk = \"0.27.1\"\n"),
        ),
        ("src/lib.rs", HALF_MIGRATED_027),
    ]);
    let result = tree.run();
    let lib = tree.path("src/lib.rs");
    assert!(
        result.files.iter().all(|f| !f.changed()),
        "nothing rewritten on 0.27"
    );
    let errors: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.path == lib)
        .map(|f| (f.line, f.severity, f.item.clone().unwrap_or_default()))
        .collect();
    let temporality = "opentelemetry_sdk::metrics::data::Temporality".to_string();
    assert_eq!(
        errors,
        [
            (1, Severity::Error, temporality.clone()),
            (3, Severity::Error, temporality.clone()),
            (4, Severity::Error, temporality),
        ],
        "{:#?}",
        result.findings
    );
    // A newer release is the ladder's: not judged against the 0.27 table.
    let newer = Tree::new(&[
        (
            "Cargo.toml",
            &manifest("opentelemetry = \"0.28\"\nopentelemetry_sdk = \"0.28\"\n"),
        ),
        ("src/lib.rs", HALF_MIGRATED_027),
    ]);
    let findings = newer.run().findings;
    assert!(
        findings.iter().all(|f| f.transforms != ["residue"]),
        "{findings:#?}"
    );
}

#[test]
fn coverage_counts_the_sites_before_and_what_became_of_them() {
    // `.init()` is migrated, `ExportError` is reported, the allowed line's two removed items
    // (which no transform rewrites) are kept.
    let lib = "use opentelemetry::{metrics::Meter, ExportError};\n\npub fn f(meter: &Meter) {\n    let _c = meter.u64_counter(\"c\").init();\n    // otel-migrate: allow(residue)\n    let _e: Option<(opentelemetry::global::Error, Box<dyn opentelemetry::ExportError>)> = None;\n}\n";
    let tree = Tree::new(&[("Cargo.toml", &manifest(OTEL_021)), ("src/lib.rs", lib)]);
    let result = tree.run();
    assert_eq!(
        result.coverage,
        Coverage {
            before: 4,
            migrated: 1,
            error: 1,
            allowed: 2,
            ..Coverage::default()
        },
        "{:#?}",
        result.findings
    );
    let report = otel_migrate::engine::report::RunReport::from_result(&result);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["summary"]["coverage"]["before"], 4);
    assert_eq!(json["summary"]["coverage"]["migrated"], 1);
    assert_eq!(
        report.coverage_line(),
        "otel-migrate: coverage: 4 old-API site(s) before → 1 migrated, 1 reported (1 error, 0 warning), 0 left with a note, 2 allowed"
    );
}

/// A test-only rewrite of one `.init()` call into `.build()`, reporting the new code as wrong
/// when `wrong` says so (what a pipeline rewrite does when its new code needs the user).
struct RewriteInit {
    id: &'static str,
    call: &'static str,
    wrong: bool,
}

impl Transform for RewriteInit {
    fn id(&self) -> &'static str {
        self.id
    }
    fn description(&self) -> &'static str {
        "test only"
    }
    fn kind(&self) -> FileKind {
        FileKind::Rust
    }
    fn needles(&self) -> &'static [&'static str] {
        &["init()"]
    }
    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut changes = Changes::default();
        let from = format!("{}.init()", self.call);
        if let Some(at) = cx.file.text.find(&from) {
            let range = TextRange::new(at, at + from.len());
            changes.replace(range, format!("{}.build()", self.call));
            if self.wrong {
                let new_code = TextRange::new(at, at + self.call.len() + ".build()".len());
                changes.finding(new_code, Severity::Error, "needs the user", "fix it");
            }
        }
        changes.into()
    }
}

static WRONG_REWRITE: RewriteInit = RewriteInit {
    id: "test-wrong-rewrite",
    call: "meter.u64_counter(\"a\")",
    wrong: true,
};
static CLEAN_REWRITE: RewriteInit = RewriteInit {
    id: "test-clean-rewrite",
    call: "meter.u64_counter(\"b\")",
    wrong: false,
};

#[test]
fn a_site_rewritten_into_code_an_error_reports_counts_as_reported_not_migrated() {
    let lib = "use opentelemetry::metrics::Meter;\n\npub fn f(meter: &Meter) {\n    let _a = meter.u64_counter(\"a\").init();\n    let _b = meter.u64_counter(\"b\").init();\n}\n";
    let tree = Tree::new(&[("Cargo.toml", &manifest(OTEL_021)), ("src/lib.rs", lib)]);
    let residue = *otel_migrate::transforms::all()
        .iter()
        .find(|t| t.id() == "residue")
        .unwrap();
    let registry: &[&'static dyn Transform] = &[&WRONG_REWRITE, &CLEAN_REWRITE, residue];
    let result = run(
        registry,
        &RunOptions {
            paths: vec![tree.root.clone()],
            ..RunOptions::default()
        },
    );
    let after = output_of(&result, &tree.path("src/lib.rs"));
    assert!(!after.contains("init()"), "{after}");
    let expected = Coverage {
        before: 2,
        migrated: 1,
        error: 1,
        ..Coverage::default()
    };
    assert_eq!(result.coverage, expected, "{:#?}", result.findings);
}

#[test]
fn check_fails_while_residue_remains_and_passes_once_it_is_allowed() {
    let tree = Tree::new(&[
        ("Cargo.toml", &manifest(OTEL_021)),
        ("src/lib.rs", EXPORT_ERROR_ONLY),
    ]);
    let check = |tree: &Tree| {
        support::cli::run(
            support::cli::bin()
                .args(["check", "--only", "residue"])
                .arg(&tree.root),
        )
    };
    let out = check(&tree);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "coverage: 1 old-API site(s) before → 0 migrated, 1 reported (1 error, 0 warning)"
        ),
        "{}",
        out.stderr
    );
    let allowed = EXPORT_ERROR_ONLY.replace(
        "    let _: Option<&dyn",
        "    // otel-migrate: allow(residue)\n    let _: Option<&dyn",
    );
    std::fs::write(tree.path("src/lib.rs"), allowed).unwrap();
    let out = check(&tree);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 allowed"), "{}", out.stderr);
}

#[test]
fn a_public_user_type_left_unused_by_a_removed_impl_gets_a_note_at_its_definition() {
    let lib = std::fs::read_to_string(
        support::fixtures_dir().join("temporality/match_per_kind.input.rs"),
    )
    .unwrap();
    let tree = Tree::new(&[
        (
            "Cargo.toml",
            &manifest("opentelemetry = \"0.24\"\nopentelemetry_sdk = { version = \"0.24\", features = [\"metrics\"] }\n"),
        ),
        ("src/lib.rs", &lib),
    ]);
    let result = tree.run();
    let path = tree.path("src/lib.rs");
    let output = output_of(&result, &path);
    assert!(output.contains("pub struct LowMemory;") && !output.contains("for LowMemory"));
    let notes: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.transform == "residue" && f.severity == Severity::Note)
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", result.findings);
    assert_eq!((notes[0].line, notes[0].column), (4, 12));
    assert!(
        notes[0].message.contains("`LowMemory` implemented"),
        "{}",
        notes[0].message
    );
    // Not an old-API site: the coverage counts the impls' items, not the type.
    assert_eq!(result.coverage.note, 0);
}

#[test]
fn assumed_dependencies_migrate_a_package_that_does_not_declare_the_crate() {
    let tree = undeclared_otlp_workspace(
        "[assume-dependencies]\n\"api\" = [\"opentelemetry-otlp@0.26\"]\n",
    );
    let result = tree.run();
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lib = tree.path("api/src/lib.rs");
    assert!(
        gate_warnings(&result, &lib).is_empty(),
        "{:#?}",
        result.findings
    );
    let after = output_of(&result, &lib);
    assert!(after.contains("SpanExporter::builder()"), "{after}");
    assert!(!after.contains("new_pipeline()"), "{after}");
    // The manifest is not given an entry the user did not write.
    let manifest = tree.path("api/Cargo.toml");
    assert!(result
        .files
        .iter()
        .all(|f| f.path != manifest || !f.output().contains("otlp")));
}

#[test]
fn assumed_dependencies_for_another_package_leave_the_gate_warning() {
    let tree = undeclared_otlp_workspace(
        "[assume-dependencies]\n\"common\" = [\"opentelemetry-otlp@0.26\"]\n",
    );
    let result = tree.run();
    let lib = tree.path("api/src/lib.rs");
    let warned = gate_warnings(&result, &lib);
    assert_eq!(warned.len(), 1, "{:#?}", result.findings);
    assert!(warned[0]
        .suggestion
        .as_deref()
        .unwrap()
        .contains("\"api\" = [\"opentelemetry-otlp@<version>\"]"));
    assert!(result.files.iter().all(|f| f.path != lib || !f.changed()));
}

#[test]
fn an_assumed_dependency_without_a_version_is_a_clear_config_error() {
    let tree =
        undeclared_otlp_workspace("[assume-dependencies]\n\"api\" = [\"opentelemetry-otlp\"]\n");
    let result = tree.run();
    let errors = format!("{:?}", result.errors);
    assert!(errors.contains("is not `crate@version`"), "{errors}");
    assert!(result.files.iter().all(|f| !f.changed()));
}

/// `api` reaches `opentelemetry_otlp` only through `shared`'s `pub use opentelemetry_otlp;`.
fn reexported_otlp_workspace(api_lib: &str) -> Tree {
    Tree::new(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"api\", \"shared\"]\nresolver = \"2\"\n",
        ),
        (
            "shared/Cargo.toml",
            &manifest(OTEL_026).replace("name = \"svc\"", "name = \"shared\""),
        ),
        ("shared/src/lib.rs", "pub use opentelemetry_otlp;\n"),
        (
            "api/Cargo.toml",
            &manifest("opentelemetry = \"0.26\"\nopentelemetry_sdk = \"0.26\"\nshared = { path = \"../shared\" }\n"),
        ),
        ("api/src/lib.rs", api_lib),
    ])
}

#[test]
fn a_member_reaching_the_crate_through_a_reexport_is_migrated() {
    let through_shared =
        PIPELINE_LIB.replace("opentelemetry_otlp::", "shared::opentelemetry_otlp::");
    let tree = reexported_otlp_workspace(&through_shared);
    let result = tree.run();
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lib = tree.path("api/src/lib.rs");
    // Migrated, not warned about: the gate follows the re-export, the residue scan finds nothing.
    assert!(
        result.findings.iter().all(|f| f.path != lib),
        "{:#?}",
        result.findings
    );
    let output = |rel: &str| {
        let path = tree.path(rel);
        result
            .files
            .iter()
            .find(|f| f.path == path && f.changed())
            .map(|f| f.output().to_string())
            .unwrap_or_else(|| panic!("{rel} not changed"))
    };
    let after = output("api/src/lib.rs");
    assert!(after.contains("SpanExporter::builder()"), "{after}");
    assert!(!after.contains("new_pipeline()"), "{after}");
    // The new code names the crate by its own name, bound through the re-export.
    assert!(
        after.contains("use shared::opentelemetry_otlp;\n"),
        "{after}"
    );
    // The dependency is bumped where it is declared; `api` is not given an entry.
    assert!(
        output("shared/Cargo.toml").contains("opentelemetry-otlp = \"0.27\""),
        "{}",
        output("shared/Cargo.toml")
    );
    assert!(!output("api/Cargo.toml").contains("otlp"));
    assert_eq!(result.coverage.before, 2, "{:?}", result.coverage);
    assert_eq!(result.coverage.migrated, 2, "{:?}", result.coverage);
}

#[test]
fn a_reexport_under_another_name_is_followed_and_bound_under_the_crate_name() {
    // `pub use opentelemetry_otlp as otlp;`: the code says `otlp::`, the new code the crate's
    // own name, bound through the re-export.
    let through_alias = PIPELINE_LIB.replace("opentelemetry_otlp::", "otlp::");
    let tree = reexported_otlp_workspace(&format!("use shared::otlp;\n\n{through_alias}"));
    std::fs::write(
        tree.path("shared/src/lib.rs"),
        "pub use opentelemetry_otlp as otlp;\n",
    )
    .unwrap();
    let result = tree.run();
    let lib = tree.path("api/src/lib.rs");
    assert!(
        result.findings.iter().all(|f| f.path != lib),
        "{:#?}",
        result.findings
    );
    let after = output_of(&result, &lib);
    assert!(after.contains("SpanExporter::builder()"), "{after}");
    // Bound in the `use shared::otlp;` already there, whose own binding the rewrite left
    // unused (an `unused import`) and goes (the new lines sort before it).
    assert!(
        after.contains("\nuse shared::otlp as opentelemetry_otlp;\n"),
        "{after}"
    );
}

#[test]
fn a_reexport_by_a_member_the_package_does_not_depend_on_is_not_followed() {
    // Near miss: `shared` re-exports the crate, but `api` does not depend on `shared`: the
    // gate still says why `api` was not migrated.
    let tree = reexported_otlp_workspace(PIPELINE_LIB);
    let api_manifest = tree.path("api/Cargo.toml");
    let manifest = std::fs::read_to_string(&api_manifest).unwrap();
    std::fs::write(
        &api_manifest,
        manifest.replace("shared = { path = \"../shared\" }\n", ""),
    )
    .unwrap();
    let result = tree.run();
    let lib = tree.path("api/src/lib.rs");
    assert_eq!(
        gate_warnings(&result, &lib).len(),
        1,
        "{:#?}",
        result.findings
    );
    assert!(result.files.iter().all(|f| f.path != lib || !f.changed()));
}

#[test]
fn removed_features_named_in_the_features_table_are_migrated_or_reported_once_at_their_element() {
    let manifest = std::fs::read_to_string(
        support::fixtures_dir().join("residue/feature_references.input.toml"),
    )
    .unwrap();
    let tree = Tree::new(&[("Cargo.toml", &manifest), ("src/lib.rs", "")]);
    let result = tree.run();
    let path = tree.path("Cargo.toml");
    let after = output_of(&result, &path);
    // A known rename is migrated, a removed feature is dropped.
    assert!(
        after.contains("\"opentelemetry-otlp/grpc-tonic\""),
        "{after}"
    );
    assert!(!after.contains("openssl-vendored"), "{after}");
    // `rt-tokio` moved to a crate the package lacks: one error at the element, the residue
    // scan's site folded into it (the array was rewritten whole around it).
    let errors: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.path == path && f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", result.findings);
    assert_eq!((errors[0].line, errors[0].column), (13, 30));
    assert_eq!(errors[0].transforms, ["manifest-features", "residue"]);
}

#[test]
fn a_reexported_crate_outside_telemetry_is_never_bound() {
    // linkerd's shape: a member re-exports a non-telemetry crate (`pub use drain;`) beside
    // OpenTelemetry, and a file of a dependent package names `drain::` through a glob and says
    // "metrics": it has no telemetry use and is not touched.
    let tree = reexported_otlp_workspace("pub use shared::*;\nmod controller;\n");
    let shared = tree.path("shared/Cargo.toml");
    let manifest = std::fs::read_to_string(&shared).unwrap();
    std::fs::write(&shared, format!("{manifest}drain = \"0.1\"\n")).unwrap();
    std::fs::write(
        tree.path("shared/src/lib.rs"),
        "pub use opentelemetry_otlp;\npub use drain;\n",
    )
    .unwrap();
    let controller = tree.path("api/src/controller.rs");
    std::fs::write(
        &controller,
        "use super::*;\n\n// Counts requests for the metrics endpoint.\npub fn serve(_: drain::Watch) {}\n",
    )
    .unwrap();
    let result = tree.run();
    let touched: Vec<_> = result
        .files
        .iter()
        .filter(|f| f.path == controller && f.changed())
        .collect();
    assert!(touched.is_empty(), "{:#?}", result.findings);
}

/// A run that turns the trace transform off for a caller's package (`--verify` backing out
/// what broke its build), or that does not cover the callers' files, leaves the shared
/// customizer of another member as it was, with the finding naming every caller: rewriting it
/// would break the callers left old.
#[test]
fn a_customizer_whose_callers_are_backed_out_or_outside_the_run_stays_with_its_finding() {
    let (_dir, root) = fixture_copy("otlp-trace-pipeline/customizer_in_unpublished_member");
    let run_on = |paths: Vec<PathBuf>, disabled: &[&str]| {
        let disabled = disabled
            .iter()
            .map(|member| {
                let manifest = root.join(member).join("Cargo.toml");
                (manifest, ["otlp-trace-pipeline".to_string()].into())
            })
            .collect();
        run(
            otel_migrate::transforms::all(),
            &RunOptions {
                paths,
                disabled,
                ..RunOptions::default()
            },
        )
    };
    let run_with = |disabled: &[&str]| run_on(vec![root.clone()], disabled);
    let sampling = root.join("crates/telemetry/src/sampling.rs");
    let changed = |result: &RunResult| {
        result
            .files
            .iter()
            .any(|f| f.path == sampling && f.output().contains("pipeline: Builder"))
    };
    // Followed when every caller's package runs the transform (fails without the facts).
    assert!(changed(&run_with(&[])));
    let result = run_with(&["crates/worker"]);
    assert!(
        !changed(&result),
        "the customizer changed without its caller"
    );
    let reported: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.path == sampling && f.transform == "otlp-trace-pipeline")
        .collect();
    assert_eq!(reported.len(), 2, "{:#?}", result.findings);
    let help = reported[0].suggestion.as_deref().unwrap_or_default();
    assert!(
        help.contains("crates/api/src/main.rs:6") && help.contains("crates/worker/src/lib.rs:8"),
        "{help}"
    );
    // A run on the library alone leaves it too: its callers are outside the run.
    let result = run_on(vec![root.join("crates/telemetry")], &[]);
    assert!(
        !changed(&result),
        "the customizer changed without its callers"
    );
    assert!(result
        .findings
        .iter()
        .any(|f| f.path == sampling && f.transform == "otlp-trace-pipeline"));
}

/// A copy of fixture directory `case` (a run may read it as a whole tree), and its root.
fn fixture_copy(case: &str) -> (tempfile::TempDir, PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for entry in walk(&fixture) {
        let to = root.join(entry.strip_prefix(&fixture).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, to).unwrap();
    }
    (dir, root)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A run on the caller's file alone leaves the exporter helper of another file and its call as
/// they were (the call's pipeline reported): rewriting the call alone would break it.
#[test]
fn an_exporter_helper_outside_the_run_is_not_followed() {
    let (_dir, root) = fixture_copy("otlp-trace-pipeline/helper_in_other_file");
    let main = root.join("src/main.rs");
    let run_on = |path: PathBuf| {
        let result = run(
            otel_migrate::transforms::all(),
            &RunOptions {
                paths: vec![path],
                ..RunOptions::default()
            },
        );
        let changed = result
            .files
            .iter()
            .any(|f| f.path == main && !f.output().contains("telemetry::collector(settings))"));
        (changed, result)
    };
    // The whole package: the call is rewritten with its helper (fails without the facts).
    assert!(run_on(root.clone()).0);
    let (changed, result) = run_on(main.clone());
    assert!(!changed, "the call changed without its helper");
    assert!(result
        .findings
        .iter()
        .any(|f| f.path == main && f.severity == Severity::Error));
}

/// A run on one file of a package still reads what the package's other files say: the
/// service-name facts come from the files the run's gate read only when the run covers the
/// whole package, else from a walk of it (the site naming the constant is outside the run).
#[test]
fn a_run_on_one_file_still_reads_the_package_facts_of_the_others() {
    let (_dir, root) = fixture_copy("service-name/cross_file_const");
    let names = root.join("src/names.rs");
    let renamed = |paths: Vec<PathBuf>| {
        let result = run(
            otel_migrate::transforms::all(),
            &RunOptions {
                paths,
                ..RunOptions::default()
            },
        );
        output_of(&result, &names).contains("pub const SERVICE_NAME: &str = \"llm.")
    };
    assert!(renamed(vec![root.clone()]), "the whole package");
    assert!(renamed(vec![names.clone()]), "names.rs alone");
}

/// The setup both files below share: 0.20's facade `trace` module, read only by the
/// `trace::config()` the pipeline rewrite drops.
const FACADE_TRACE_SETUP: &str = "use std::fmt;\nuse opentelemetry::sdk::{trace, Resource};\nuse opentelemetry::KeyValue;\n\npub fn init() -> Result<opentelemetry::sdk::trace::Tracer, opentelemetry::trace::TraceError> {\n    opentelemetry_otlp::new_pipeline()\n        .tracing()\n        .with_exporter(opentelemetry_otlp::new_exporter().tonic())\n        .with_trace_config(trace::config().with_resource(Resource::new(vec![KeyValue::new(\"service.name\", \"llm.svc\")])))\n        .install_batch(opentelemetry::runtime::Tokio)\n}\n";

#[test]
fn an_import_the_rewrites_left_unused_goes_and_no_other() {
    let tree = Tree::new(&[
        (
            "Cargo.toml",
            &manifest("opentelemetry = { version = \"0.20\", features = [\"rt-tokio\"] }\nopentelemetry-otlp = { version = \"0.13\", features = [\"grpc-tonic\"] }\n"),
        ),
        ("src/lib.rs", "pub mod sampled;\npub mod spans;\n"),
        ("src/spans.rs", FACADE_TRACE_SETUP),
        (
            "src/sampled.rs",
            &format!("{FACADE_TRACE_SETUP}\npub fn sampler() -> trace::Sampler {{\n    trace::Sampler::AlwaysOn\n}}\n"),
        ),
    ]);
    let result = tree.run();
    let spans = output_of(&result, &tree.path("src/spans.rs"));
    // `trace` is read nowhere after the rewrite (its later mentions in paths,
    // `opentelemetry_sdk::trace::Tracer`, do not read the binding): it goes, `Resource` stays.
    assert!(
        spans.contains("use opentelemetry_sdk::Resource;\n"),
        "{spans}"
    );
    assert!(!spans.contains("{trace, Resource}"), "{spans}");
    // Unused before the run too: not this run's to remove.
    assert!(spans.contains("use std::fmt;\n"), "{spans}");
    // The near miss: another function still reads the module.
    let sampled = output_of(&result, &tree.path("src/sampled.rs"));
    assert!(
        sampled.contains("use opentelemetry_sdk::{trace, Resource};\n"),
        "{sampled}"
    );
    assert!(sampled.contains("use std::fmt;\n"), "{sampled}");
}
