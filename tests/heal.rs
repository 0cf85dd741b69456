//! The back-out loop of `--verify` (issue 17), on small crates without dependencies, so cargo
//! checks them in a second: test-only transforms are registered next to nothing else, one that
//! compiles (`test-fixer`), one that breaks the build on purpose (`test-breaker`), one whose
//! change breaks a line it did not edit (`test-retyper`), and a manifest transform that changes
//! a `[workspace.dependencies]` entry (`test-bumper`). At the bottom, through the command line
//! and against the registry's crates (the compile tests' shared target directory): a real
//! transform whose output does not compile is backed out; a migration that compiles is written.

mod support;

use std::path::{Path, PathBuf};

use otel_migrate::commands::heal::{heal, Healed, Settings};
use otel_migrate::engine::changes::Changes;
use otel_migrate::engine::edit::TextRange;
use otel_migrate::engine::ledger::{
    self, Key, RawLedgerEntry, Signal, Status, Value as LedgerValue,
};
use otel_migrate::engine::pipeline::{self, RunOptions};
use otel_migrate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use otel_migrate::engine::verify_report::{PackageOutcome, PackageVerdict, VerifyStatus};
use serde_json::Value;
use support::cli::{bin, git, run, write};

/// Replaces `from` with `to` wherever the text has it.
struct Replace {
    id: &'static str,
    kind: FileKind,
    needles: &'static [&'static str],
    from: &'static str,
    to: &'static str,
}

impl Transform for Replace {
    fn id(&self) -> &'static str {
        self.id
    }
    fn description(&self) -> &'static str {
        "test only"
    }
    fn kind(&self) -> FileKind {
        self.kind
    }
    fn needles(&self) -> &'static [&'static str] {
        self.needles
    }
    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut changes = Changes::default();
        for (at, _) in cx.file.text.match_indices(self.from) {
            let range = TextRange::new(at, at + self.from.len());
            changes.replace(range, self.to);
            // What the ledger would say of it: the value before and after.
            let value =
                |v: &str| ledger::Settings::from([(Key::Endpoint, LedgerValue::resolved(v))]);
            let entry =
                RawLedgerEntry::rewritten(range, Signal::Traces, value(self.from), value(self.to));
            changes.ledger.push(entry);
        }
        changes.into()
    }
}

static FIXER: Replace = Replace {
    id: "test-fixer",
    kind: FileKind::Rust,
    needles: &["KEEP_ME"],
    from: "KEEP_ME: u32 = 1",
    to: "KEEP_ME: u32 = 2",
};
static BREAKER: Replace = Replace {
    id: "test-breaker",
    kind: FileKind::Rust,
    needles: &["BREAK_ME"],
    from: "BREAK_ME: u32 = 1",
    to: "BREAK_ME: u32 = \"one\"",
};
static RETYPER: Replace = Replace {
    id: "test-retyper",
    kind: FileKind::Rust,
    needles: &["fn count"],
    from: "fn count() -> u32 { 1 }",
    to: "fn count() -> u64 { 1 }",
};
static BUMPER: Replace = Replace {
    id: "test-bumper",
    kind: FileKind::Manifest,
    needles: &["helper"],
    from: "helper = { path = \"helper\", version = \"0.1.0\" }",
    to: "helper = { path = \"helper\", version = \"0.1\" }",
};
/// Turns on a feature of a dependency that does not compile with it.
static FEATURER: Replace = Replace {
    id: "test-featurer",
    kind: FileKind::Manifest,
    needles: &["vendored"],
    from: "features = [\"calm\"]",
    to: "features = [\"calm\", \"broken\"]",
};
static REGISTRY: &[&dyn Transform] = &[&BUMPER, &FEATURER, &FIXER, &BREAKER, &RETYPER];

fn package(dir: &Path, name: &str, lib: &str) {
    write(
        &dir.join("Cargo.toml"),
        &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
    );
    write(&dir.join("src/lib.rs"), lib);
}

fn heal_paths(paths: Vec<PathBuf>) -> Healed {
    let options = RunOptions {
        paths,
        ..RunOptions::default()
    };
    let first = pipeline::run(REGISTRY, &options);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    heal(REGISTRY, &options, &Settings::default(), first, &|_| {})
}

/// The package compiled with its whole migration.
fn assert_kept_whole(p: &PackageVerdict) {
    assert_eq!(
        (p.outcome, p.backed_out.len()),
        (PackageOutcome::Ok, 0),
        "{p:#?}"
    );
}

fn output_of<'a>(healed: &'a Healed, path: &Path) -> &'a str {
    healed
        .result
        .files
        .iter()
        .find(|f| f.path == path)
        .map_or("(not in the result)", |f| f.output())
}

#[test]
fn only_the_transform_that_breaks_the_build_is_backed_out_and_a_clean_package_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (solo, clean) = (dir.path().join("solo"), dir.path().join("clean"));
    package(
        &solo,
        "solo",
        "pub const KEEP_ME: u32 = 1;\npub const BREAK_ME: u32 = 1;\n",
    );
    package(&clean, "clean", "pub const KEEP_ME: u32 = 1;\n");
    let healed = heal_paths(vec![solo.clone(), clean.clone()]);
    let v = &healed.report;
    assert_eq!(v.status, VerifyStatus::Compiles, "{v:#?}");
    assert_eq!(v.short(), "ok (1 backed out)");
    assert!(v.healed());
    assert_eq!(
        output_of(&healed, &solo.join("src/lib.rs")),
        "pub const KEEP_ME: u32 = 2;\npub const BREAK_ME: u32 = 1;\n"
    );
    assert_eq!(
        output_of(&healed, &clean.join("src/lib.rs")),
        "pub const KEEP_ME: u32 = 2;\n"
    );
    let solo_verdict = v.packages.iter().find(|p| p.name == "solo").unwrap();
    assert_eq!(solo_verdict.outcome, PackageOutcome::Ok);
    assert_eq!(solo_verdict.compiled, vec!["default"]);
    assert_eq!(solo_verdict.backed_out.len(), 1);
    let b = &solo_verdict.backed_out[0];
    assert_eq!(b.transform, "test-breaker");
    assert!(b.error.message.contains("mismatched types"), "{b:?}");
    let clean_verdict = v.packages.iter().find(|p| p.name == "clean").unwrap();
    assert_eq!(
        (clean_verdict.outcome, clean_verdict.backed_out.len()),
        (PackageOutcome::Ok, 0)
    );
    // The site, for a ledger; the finding carries the compiler's message.
    let sites: Vec<_> = v.backed_out_sites().collect();
    assert_eq!(sites.len(), 1);
    assert!(sites[0].path.ends_with("solo/src/lib.rs"), "{sites:?}");
    assert_eq!(
        (sites[0].line, sites[0].transform.as_str()),
        (2, "test-breaker")
    );
    let finding = healed
        .result
        .findings
        .iter()
        .find(|f| f.transform == "verify")
        .expect("a finding at the backed-out edit");
    assert_eq!(
        (finding.path.clone(), finding.line),
        (solo.join("src/lib.rs"), 2)
    );
    assert!(
        finding.message.contains("test-breaker") && finding.message.contains("mismatched types"),
        "{}",
        finding.message
    );
    // The patch puts the backed-out edit back on the healed text.
    assert!(
        healed
            .patch
            .contains("-pub const BREAK_ME: u32 = 1;\n+pub const BREAK_ME: u32 = \"one\";\n"),
        "{}",
        healed.patch
    );
    assert!(
        !healed.patch.contains("+pub const KEEP_ME"),
        "{}",
        healed.patch
    );
    // The ledger: the kept site rewritten, the backed-out one backed out (after = before).
    let lib = solo.join("src/lib.rs");
    let sites: Vec<(usize, Status)> = healed
        .result
        .ledger
        .iter()
        .filter(|e| e.path == lib)
        .map(|e| (e.line, e.status))
        .collect();
    assert_eq!(sites, [(1, Status::Rewritten), (2, Status::BackedOut)]);
    // Nothing was written.
    assert_eq!(
        std::fs::read_to_string(solo.join("src/lib.rs")).unwrap(),
        "pub const KEEP_ME: u32 = 1;\npub const BREAK_ME: u32 = 1;\n"
    );
}

#[test]
fn members_sharing_a_changed_workspace_entry_are_restored_together_and_the_blocker_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    // The comment names a telemetry crate: the run reads only manifests that do.
    let manifest = "# uses opentelemetry (test)\n[workspace]\nmembers = [\"a\", \"b\", \"helper\"]\nresolver = \"2\"\n\n[workspace.dependencies]\nhelper = { path = \"helper\", version = \"0.1.0\" }\n";
    write(&root.join("Cargo.toml"), manifest);
    package(&root.join("helper"), "helper", "");
    let member = |name: &str, lib: &str| {
        let dir = root.join(name);
        write(
            &dir.join("Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhelper = {{ workspace = true }}\n"),
        );
        write(&dir.join("src/lib.rs"), lib);
    };
    member("a", "pub const KEEP_ME: u32 = 1;\n");
    // `b`'s change breaks a line no transform edited: nothing to back out alone.
    let b_lib = "pub fn count() -> u32 { 1 }\n\npub fn twice() -> u32 {\n    let n: u32 = count();\n    n * 2\n}\n";
    member("b", b_lib);
    let healed = heal_paths(vec![root.clone()]);
    let v = &healed.report;
    assert_eq!(v.status, VerifyStatus::Fails, "{v:#?}");
    assert_eq!(v.short(), "restored");
    for name in ["a", "b"] {
        let p = v.packages.iter().find(|p| p.name == name).unwrap();
        assert_eq!(p.outcome, PackageOutcome::Restored, "{p:?}");
        let why = p.restored_because.as_deref().unwrap_or("");
        assert!(why.contains("b does not compile"), "{name}: {why}");
    }
    let a = v.packages.iter().find(|p| p.name == "a").unwrap();
    assert!(
        a.restored_because
            .as_deref()
            .unwrap()
            .contains("shares the changed workspace entries helper with b"),
        "{a:?}"
    );
    let b = v.packages.iter().find(|p| p.name == "b").unwrap();
    assert!(
        b.first_error
            .as_ref()
            .unwrap()
            .message
            .contains("mismatched types"),
        "{b:?}"
    );
    // Everything as it was: the root entry, a's kept-alone change, b.
    for (path, text) in [
        (root.join("Cargo.toml"), manifest),
        (root.join("a/src/lib.rs"), "pub const KEEP_ME: u32 = 1;\n"),
        (root.join("b/src/lib.rs"), b_lib),
    ] {
        let out = healed.result.files.iter().find(|f| f.path == path);
        assert!(out.is_none_or(|f| f.output() == text), "{}", path.display());
    }
    assert!(
        healed.patch.contains("+pub const KEEP_ME: u32 = 2;"),
        "{}",
        healed.patch
    );
    assert!(
        healed.patch.contains("version = \"0.1\" }"),
        "{}",
        healed.patch
    );
    let restored: Vec<&str> = healed
        .result
        .findings
        .iter()
        .filter(|f| f.transform == "verify")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(restored.len(), 2, "{restored:?}");
    assert!(
        restored.iter().all(|m| m.contains("b does not compile")),
        "{restored:?}"
    );
}

#[test]
fn a_member_the_run_left_alone_that_breaks_restores_the_package_it_depends_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"lib\", \"app\"]\nresolver = \"2\"\n",
    );
    let lib = "pub fn count() -> u32 { 1 }\n";
    package(&root.join("lib"), "lib", lib);
    write(
        &root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlib = { path = \"../lib\" }\n",
    );
    write(
        &root.join("app/src/lib.rs"),
        "pub fn twice() -> u32 {\n    let n: u32 = lib::count();\n    n * 2\n}\n",
    );
    let healed = heal_paths(vec![root.clone()]);
    let v = &healed.report;
    assert_eq!(
        v.packages.len(),
        1,
        "only the changed package has a verdict: {v:#?}"
    );
    let p = &v.packages[0];
    assert_eq!(
        (p.name.as_str(), p.outcome),
        ("lib", PackageOutcome::Restored),
        "{p:#?}"
    );
    let why = p.restored_because.as_deref().unwrap_or("");
    assert!(
        why.contains("app (which depends on it) does not compile"),
        "{why}"
    );
    let out = healed
        .result
        .files
        .iter()
        .find(|f| f.path == root.join("lib/src/lib.rs"));
    assert!(out.is_none_or(|f| f.output() == lib));
}

#[test]
fn a_package_that_fails_before_migration_is_left_alone_with_its_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    let lib = "pub const KEEP_ME: u32 = 1;\n\npub fn oops() -> u32 {\n    \"x\"\n}\n";
    package(&broken, "broken", lib);
    let healed = heal_paths(vec![broken.clone()]);
    let v = &healed.report;
    assert_eq!(v.short(), "failed before migration", "{v:#?}");
    let p = &v.packages[0];
    assert_eq!(p.outcome, PackageOutcome::FailedBeforeMigration);
    let e = p.first_error.as_ref().unwrap();
    assert_eq!(
        (e.line, e.message.as_str()),
        (4, "mismatched types"),
        "{e:?}"
    );
    assert!(e.path.ends_with("broken/src/lib.rs"), "{e:?}");
    let out = healed
        .result
        .files
        .iter()
        .find(|f| f.path == broken.join("src/lib.rs"));
    assert!(out.is_none_or(|f| f.output() == lib));
    let finding = healed
        .result
        .findings
        .iter()
        .find(|f| f.transform == "verify")
        .unwrap();
    assert!(
        finding
            .message
            .contains("does not compile before the migration either")
            && finding.message.contains("mismatched types"),
        "{}",
        finding.message
    );
}

/// A package declaring `features` with `lib` and `more` files.
fn package_with_features(dir: &Path, name: &str, features: &str, files: &[(&str, &str)]) {
    write(
        &dir.join("Cargo.toml"),
        &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\n{features}\n"),
    );
    for (path, text) in files {
        write(&dir.join(path), text);
    }
}

#[test]
fn a_feature_gated_module_is_verified_under_all_features() {
    let dir = tempfile::tempdir().unwrap();
    let gated = dir.path().join("gated");
    package_with_features(
        &gated,
        "gated",
        "extra = []",
        &[
            (
                "src/lib.rs",
                "pub const KEEP_ME: u32 = 1;\n\n#[cfg(feature = \"extra\")]\npub mod extra;\n",
            ),
            ("src/extra.rs", "pub const BREAK_ME: u32 = 1;\n"),
        ],
    );
    let healed = heal_paths(vec![gated.clone()]);
    let p = &healed.report.packages[0];
    assert_eq!(p.outcome, PackageOutcome::Ok, "{p:#?}");
    assert_eq!(
        p.compiled,
        vec!["default", "all-features", "no-default-features"]
    );
    assert_eq!(p.backed_out.len(), 1, "{p:#?}");
    assert_eq!(p.backed_out[0].transform, "test-breaker");
    assert_eq!(p.backed_out[0].error.features, "all-features");
    assert_eq!(
        output_of(&healed, &gated.join("src/lib.rs")),
        "pub const KEEP_ME: u32 = 2;\n\n#[cfg(feature = \"extra\")]\npub mod extra;\n"
    );
}

#[test]
fn a_configuration_that_fails_before_migration_too_is_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let skippy = dir.path().join("skippy");
    let lib = "pub const KEEP_ME: u32 = 1;\n\n#[cfg(feature = \"broken\")]\npub fn oops() -> u32 {\n    \"x\"\n}\n";
    package_with_features(&skippy, "skippy", "broken = []", &[("src/lib.rs", lib)]);
    let healed = heal_paths(vec![skippy.clone()]);
    let p = &healed.report.packages[0];
    assert_eq!(p.outcome, PackageOutcome::Ok, "{p:#?}");
    assert_eq!(p.compiled, vec!["default", "no-default-features"]);
    assert_eq!(p.skipped, vec!["all-features"]);
    assert!(p.backed_out.is_empty(), "{p:#?}");
    assert!(
        output_of(&healed, &skippy.join("src/lib.rs")).starts_with("pub const KEEP_ME: u32 = 2;")
    );
}

#[test]
fn a_dependency_that_fails_only_under_all_features_after_migration_restores_the_package() {
    // The migration turns on a feature of an optional dependency, which then fails to compile
    // when `extra` pulls it in: the package compiles with its default features, not with all
    // of them, and the error is in the dependency, not in the package.
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    write(
        &blocked.join("Cargo.toml"),
        // The comment names a telemetry crate: the run reads only manifests that do.
        "# uses opentelemetry (test)\n[package]\nname = \"blocked\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nvendored = { path = \"vendored\", optional = true, features = [\"calm\"] }\n\n[features]\nextra = [\"dep:vendored\"]\n",
    );
    write(&blocked.join("src/lib.rs"), "pub const KEEP_ME: u32 = 1;\n");
    package_with_features(
        &blocked.join("vendored"),
        "vendored",
        "calm = []\nbroken = []",
        &[(
            "src/lib.rs",
            "#[cfg(feature = \"broken\")]\npub fn oops() -> u32 {\n    \"x\"\n}\n",
        )],
    );
    let healed = heal_paths(vec![blocked.clone()]);
    let p = healed
        .report
        .packages
        .iter()
        .find(|p| p.name == "blocked")
        .expect("a verdict for the package");
    assert_eq!(p.outcome, PackageOutcome::Restored, "{p:#?}");
    let why = p.restored_because.as_deref().unwrap_or_default();
    assert!(why.contains("mismatched types"), "{why}");
    let changed: Vec<_> = healed.result.files.iter().filter(|f| f.changed()).collect();
    assert!(changed.is_empty(), "left changed: {changed:#?}");
}

#[test]
fn a_kept_edit_under_a_cfg_no_configuration_enables_is_listed_as_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd");
    package(
        &odd,
        "odd",
        "#[cfg(any(test, feature = \"x\"))]\npub const KEEP_ME: u32 = 1;\n\n#[cfg(otel_migrate_never_set)]\nmod never {\n    pub const KEEP_ME: u32 = 1;\n}\n",
    );
    let healed = heal_paths(vec![odd.clone()]);
    let p = &healed.report.packages[0];
    assert_kept_whole(p);
    assert_eq!(p.unverified.len(), 1, "{p:#?}");
    assert_eq!(
        (p.unverified[0].line, p.unverified[0].cfg.as_str()),
        (6, "cfg(otel_migrate_never_set)")
    );
}

#[test]
fn the_copy_honours_the_cargo_configuration_of_parent_directories() {
    // The package needs what only its parent directory's `.cargo/config.toml` provides.
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join(".cargo/config.toml"),
        "[env]\nOTEL_MIGRATE_PARENT_CONFIG = \"seen\"\n",
    );
    let svc = dir.path().join("team/svc");
    package(
        &svc,
        "svc",
        "pub const KEEP_ME: u32 = 1;\npub const FROM_PARENT: &str = env!(\"OTEL_MIGRATE_PARENT_CONFIG\");\n",
    );
    let healed = heal_paths(vec![svc.clone()]);
    let p = &healed.report.packages[0];
    assert_kept_whole(p);
    assert!(output_of(&healed, &svc.join("src/lib.rs")).starts_with("pub const KEEP_ME: u32 = 2;"));
}

const OLD_MANIFEST: &str = "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.26\", features = [\"metrics\"] }\n";
const OLD_CODE: &str = "use opentelemetry::global;\n\npub fn requests() {\n    let meter = global::meter(\"svc\");\n    let _c = meter.u64_counter(\"requests\").init();\n}\n";

/// A package on opentelemetry 0.26 with one `.init()` to migrate, committed to git.
fn old_repo(dir: &Path) {
    write(&dir.join("Cargo.toml"), OLD_MANIFEST);
    write(&dir.join("src/lib.rs"), OLD_CODE);
    commit_all(dir);
}

/// `git init` and one commit of everything in `dir`.
fn commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    let who = ["-c", "user.email=t@example.com", "-c", "user.name=t"];
    git(dir, &[&who[..], &["add", "-A"]].concat());
    git(dir, &[&who[..], &["commit", "-qm", "old"]].concat());
}

fn compile_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-check")
}

#[test]
fn check_verify_backs_out_a_real_transform_whose_output_does_not_compile() {
    // `.init()` → `.build()` without the manifest bump (`--only`): 0.26 has no `build`.
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    old_repo(&alpha);
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args(["check", "--verify", "--only", "instrument-init-to-build"])
        .args([
            "--backed-out-patch",
            "backed-out.diff",
            "--format",
            "json",
            "alpha",
        ]));
    assert_eq!(
        out.code, 1,
        "check exits 1 when something was backed out: {}",
        out.stderr
    );
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let v = &doc["verify"];
    assert_eq!(v["status"], "compiles", "{v}");
    let p = &v["packages"][0];
    assert_eq!(
        (&p["name"], &p["outcome"]),
        (&"alpha".into(), &"ok".into()),
        "{v}"
    );
    let b = &p["backed_out"][0];
    assert_eq!(b["transform"], "instrument-init-to-build", "{v}");
    assert_eq!(b["error"]["line"], 5, "{v}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("build"),
        "{v}"
    );
    assert_eq!(b["sites"][0]["line"], 5, "{v}");
    // The healed diff is empty: nothing left to change.
    assert!(
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["changed"] == false),
        "{doc}"
    );
    let patch = std::fs::read_to_string(dir.path().join("backed-out.diff")).unwrap();
    assert!(
        patch.contains("+    let _c = meter.u64_counter(\"requests\").build();"),
        "{patch}"
    );
    assert_eq!(
        std::fs::read_to_string(alpha.join("src/lib.rs")).unwrap(),
        OLD_CODE
    );
}

#[test]
fn apply_verify_writes_a_migration_that_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    old_repo(&alpha);
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args(["apply", "--verify", "alpha"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("verify: alpha (alpha/Cargo.toml): ok (compiled: default)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("verify: ok (1 round(s)"),
        "{}",
        out.stderr
    );
    let code = std::fs::read_to_string(alpha.join("src/lib.rs")).unwrap();
    assert!(code.contains(".build()"), "{code}");
    let manifest = std::fs::read_to_string(alpha.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\"0.27\""), "{manifest}");
}

fn cargo_in(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The versions of `name` in a lockfile.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let doc: toml::Table = lock.parse().unwrap();
    doc["package"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"].as_str() == Some(name))
        .map(|p| p["version"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn apply_verify_update_lock_writes_a_lockfile_with_one_opentelemetry() {
    // `--locked`: the lock moves only by the refresh for the migrated requirements.
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    write(&alpha.join("Cargo.toml"), OLD_MANIFEST);
    write(&alpha.join("src/lib.rs"), OLD_CODE);
    cargo_in(&alpha, &["generate-lockfile"]);
    let before = std::fs::read_to_string(alpha.join("Cargo.lock")).unwrap();
    assert_eq!(locked_versions(&before, "opentelemetry").len(), 1);
    assert!(locked_versions(&before, "opentelemetry")[0].starts_with("0.26."));
    commit_all(&alpha);
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args([
            "apply",
            "--verify",
            "--update-lock",
            "--format",
            "json",
            "alpha",
        ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        doc["verify"]["projects"][0]["lockfile"], "refreshed, written",
        "{}",
        doc["verify"]
    );
    let after = std::fs::read_to_string(alpha.join("Cargo.lock")).unwrap();
    let versions = locked_versions(&after, "opentelemetry");
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert!(versions[0].starts_with("0.27."), "{versions:?}");
}

#[test]
fn a_second_opentelemetry_pulled_by_a_dependency_is_named_with_its_path() {
    // `contrib` (ignored by the walk, so never migrated) still requires opentelemetry 0.26.
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    write(
        &alpha.join("Cargo.toml"),
        &format!("{OLD_MANIFEST}contrib = {{ path = \"vendor/contrib\" }}\n"),
    );
    write(&alpha.join("src/lib.rs"), OLD_CODE);
    write(&alpha.join(".gitignore"), "vendor/\n");
    write(
        &alpha.join("vendor/contrib/Cargo.toml"),
        "[package]\nname = \"contrib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.26\", default-features = false }\n",
    );
    write(&alpha.join("vendor/contrib/src/lib.rs"), "");
    cargo_in(&alpha, &["generate-lockfile"]);
    commit_all(&alpha);
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args(["diff", "--verify", "--format", "json", "alpha"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let second: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["transform"] == "verify")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(second.len(), 1, "{second:?}");
    assert!(
        second[0].contains("opentelemetry 0.26.")
            && second[0].contains("pulled by alpha 0.1.0 → contrib 0.1.0 → opentelemetry 0.26.")
            && second[0].contains("no release on the target is known"),
        "{}",
        second[0]
    );
    assert_eq!(
        doc["verify"]["projects"][0]["lockfile"], "refreshed",
        "{}",
        doc["verify"]
    );
    // A dry run writes no lockfile.
    let lock = std::fs::read_to_string(alpha.join("Cargo.lock")).unwrap();
    assert_eq!(locked_versions(&lock, "opentelemetry").len(), 1);
}

#[test]
fn apply_verify_writes_nothing_and_exits_2_when_the_verification_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    old_repo(&alpha);
    let out = run(bin()
        .current_dir(dir.path())
        .env("CARGO", dir.path().join("no-such-cargo"))
        .args(["apply", "--verify", "alpha"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot run cargo")
            && out
                .stderr
                .contains("the verification could not run; nothing was written"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(alpha.join("src/lib.rs")).unwrap(),
        OLD_CODE
    );
    assert_eq!(
        std::fs::read_to_string(alpha.join("Cargo.toml")).unwrap(),
        OLD_MANIFEST
    );
}

/// A local stand-in for opentelemetry 0.26 (patched in for the registry crate at that version,
/// so the package is on an old version without downloading it; a plain path dependency would
/// be taken for the package's own crate): `meter.u64_counter(..).init()`.
const STUB_OPENTELEMETRY: &str = "pub mod global {\n    pub struct Meter;\n    pub struct Builder;\n    impl Meter {\n        pub fn u64_counter(&self, _name: &str) -> Builder {\n            Builder\n        }\n    }\n    impl Builder {\n        pub fn init(self) {}\n    }\n    pub fn meter(_name: &str) -> Meter {\n        Meter\n    }\n}\n";

#[test]
fn an_old_item_in_a_restored_package_is_still_reported_at_its_line() {
    // `test-retyper` breaks a line it did not edit, so the package is restored whole; the
    // `.init()` no transform here migrates must still carry the residue scan's finding.
    let dir = tempfile::tempdir().unwrap();
    let alpha = dir.path().join("alpha");
    write(
        &alpha.join("Cargo.toml"),
        "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = \"0.26\"\n\n[patch.crates-io]\nopentelemetry = { path = \"stub\" }\n",
    );
    write(
        &alpha.join("stub/Cargo.toml"),
        "[package]\nname = \"opentelemetry\"\nversion = \"0.26.0\"\nedition = \"2021\"\n",
    );
    write(&alpha.join("stub/src/lib.rs"), STUB_OPENTELEMETRY);
    let lib = "use opentelemetry::global;\n\npub fn count() -> u32 { 1 }\n\npub fn twice() -> u32 {\n    let n: u32 = count();\n    n * 2\n}\n\npub fn requests() {\n    let meter = global::meter(\"svc\");\n    meter.u64_counter(\"requests\").init();\n}\n";
    write(&alpha.join("src/lib.rs"), lib);
    let registry: &[&dyn Transform] = &[&RETYPER, &otel_migrate::transforms::residue::Residue];
    let options = RunOptions {
        paths: vec![alpha.clone()],
        ..RunOptions::default()
    };
    let first = pipeline::run(registry, &options);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let healed = heal(registry, &options, &Settings::default(), first, &|_| {});
    let v = &healed.report;
    let p = v.packages.iter().find(|p| p.name == "alpha").unwrap();
    assert_eq!(p.outcome, PackageOutcome::Restored, "{v:#?}");
    let path = alpha.join("src/lib.rs");
    let out = healed.result.files.iter().find(|f| f.path == path);
    assert!(out.is_none_or(|f| f.output() == lib), "restored as written");
    let residue: Vec<_> = healed
        .result
        .findings
        .iter()
        .filter(|f| f.path == path && f.transforms.iter().any(|t| t == "residue"))
        .collect();
    assert_eq!(residue.len(), 1, "{:#?}", healed.result.findings);
    assert_eq!(
        (residue[0].line, residue[0].column, residue[0].end_column),
        (12, 5, 41),
        "{:#?}",
        residue[0]
    );
    assert_eq!(
        residue[0].severity,
        otel_migrate::engine::finding::Severity::Error
    );
    assert_eq!(
        healed.result.coverage.error, 1,
        "{:?}",
        healed.result.coverage
    );
}
