//! `batch`, `adopt`, `--verify` and orphan handling, through the command line, on temporary
//! git repositories. The end-to-end test at the bottom migrates copies of the six demo
//! repositories with `batch --apply --verify` against the real registry crates (slow: it
//! shares `target/compile-check` with tests/compile.rs so the OpenTelemetry crates build once).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::cli::{bin, git, run, write, Out};

fn git_init_commit(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "t@example.com"]);
    git(dir, &["config", "user.name", "t"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "before migration"]);
}

const OLD_MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.26\", features = [\"metrics\"] }\n";
const OLD_CODE: &str = "use opentelemetry::global;\n\npub fn requests() {\n    let meter = global::meter(\"svc\");\n    let _c = meter.u64_counter(\"requests\").init();\n}\n";

/// A small package on opentelemetry 0.26 with one `.init()` to migrate, as a git repository.
fn old_repo(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    write(&dir.join("Cargo.toml"), &OLD_MANIFEST.replace("svc", name));
    write(&dir.join("src/lib.rs"), OLD_CODE);
    git_init_commit(&dir);
    dir
}

/// Writes the batch file `migrate.toml` into `dir`.
fn batch_file(dir: &Path, text: &str) {
    write(&dir.join("migrate.toml"), text);
}

/// `otel-migrate batch migrate.toml <args>` in `dir`.
fn batch(dir: &Path, args: &[&str]) -> Out {
    run(bin()
        .current_dir(dir)
        .args(["batch", "migrate.toml"])
        .args(args))
}

/// A JSON array of the report (`doc["repos"]`, `doc["files"]`, …).
fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

/// The paths of the report's `files` entries that `keep` selects.
fn file_paths(doc: &Value, keep: impl Fn(&Value) -> bool) -> Vec<&str> {
    list(&doc["files"])
        .iter()
        .filter(|f| keep(f))
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn repo<'a>(doc: &'a Value, name: &str) -> &'a Value {
    list(&doc["repos"])
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no repo {name} in {doc}"))
}

#[test]
fn dry_run_prints_diffs_per_repository_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = old_repo(dir.path(), "alpha");
    old_repo(dir.path(), "beta");
    batch_file(
        dir.path(),
        "[[repo]]\npath = \"alpha\"\n\n[[repo]]\npath = \"beta\"\n",
    );
    let out = batch(dir.path(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("==> alpha (alpha)\ndiff --git a/alpha/Cargo.toml"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("==> beta (beta)\n"));
    assert!(out
        .stdout
        .contains("+    let _c = meter.u64_counter(\"requests\").build();"));
    assert!(
        out.stderr.contains("==> summary (2 repositories)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("instrument-init-to-build:1"));
    assert!(out.stderr.contains("run again with --apply"));
    assert_eq!(
        std::fs::read_to_string(a.join("src/lib.rs")).unwrap(),
        OLD_CODE
    );
}

#[test]
fn the_service_name_table_lists_what_the_dry_run_will_produce_without_look_alikes() {
    let dir = tempfile::tempdir().unwrap();
    let svc = old_repo(dir.path(), "svc");
    write(
        &svc.join("src/resource.rs"),
        "use opentelemetry::KeyValue;\n\npub fn attrs() -> Vec<KeyValue> {\n    vec![KeyValue::new(\"service.name\", \"llm-svc\"), KeyValue::new(\"replay.source\", \"stdin\")]\n}\n",
    );
    git_init_commit(&svc);
    // A path spelled differently from the run's canonical ones: the table must still read
    // the migrated text of the files the run changed.
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    batch_file(
        dir.path(),
        "[[repo]]\npath = \"other/../svc\"\n[repo.service-name]\ncomponent = \"svc\"\n",
    );
    let out = batch(dir.path(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let names: Vec<(&str, Vec<&str>)> = list(&doc["summary"]["service_names"])
        .iter()
        .map(|n| {
            let was = list(&n["was"])
                .iter()
                .map(|w| w.as_str().unwrap())
                .collect();
            (n["name"].as_str().unwrap(), was)
        })
        .collect();
    assert_eq!(names, [("llm.svc", vec!["llm-svc"])], "{}", doc["summary"]);
    assert_eq!(
        std::fs::read_to_string(svc.join("src/resource.rs"))
            .unwrap()
            .matches("llm-svc")
            .count(),
        1,
        "a dry run writes nothing"
    );
}

#[test]
fn json_document_has_the_documented_shape_and_report_file_matches() {
    let dir = tempfile::tempdir().unwrap();
    old_repo(dir.path(), "alpha");
    batch_file(dir.path(), "[[repo]]\npath = \"alpha\"\nskip = [\"instrument-init-to-build\"]\n\n[[repo]]\npath = \"./alpha\"\n");
    let out = batch(dir.path(), &["--format", "json", "--report", "saved.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(doc["version"], 1);
    let repos = list(&doc["repos"]);
    assert_eq!(repos.len(), 2);
    for r in repos {
        for key in ["path", "status", "report", "verify", "dirty", "written"] {
            assert!(r.get(key).is_some(), "repo without {key}: {r}");
        }
        assert_eq!(r["report"]["version"], 1);
        assert!(r["verify"].is_null());
        assert_eq!(r["status"], "ok");
    }
    // The per-repo `skip` applies to its entry only: the first entry changes the manifest alone.
    let changed_rs = |r: &Value| {
        list(&r["report"]["files"])
            .iter()
            .filter(|f| f["changed"] == true && f["path"].as_str().unwrap().ends_with(".rs"))
            .count()
    };
    assert_eq!(changed_rs(&repos[0]), 0);
    assert_eq!(changed_rs(&repos[1]), 1);
    assert_eq!(repos[0]["report"]["summary"]["files_changed"], 1);
    assert_eq!(repos[1]["report"]["summary"]["files_changed"], 2);
    let s = &doc["summary"];
    for key in [
        "repos",
        "repos_changed",
        "files_scanned",
        "files_changed",
        "edits",
        "findings",
        "by_severity",
        "errors",
        "verify",
        "service_names",
        "next_steps",
    ] {
        assert!(s.get(key).is_some(), "summary without {key}: {s}");
    }
    assert_eq!(s["repos"], 2);
    assert_eq!(s["files_changed"], 3);
    assert_eq!(s["edits"]["instrument-init-to-build"], 1);
    let saved = json(&std::fs::read_to_string(dir.path().join("saved.json")).unwrap());
    assert_eq!(saved, doc);
}

#[test]
fn apply_skips_a_dirty_repository_and_writes_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let clean = old_repo(dir.path(), "clean");
    let dirty = old_repo(dir.path(), "dirty");
    let edited = format!("{OLD_CODE}// work in progress\n");
    write(&dirty.join("src/lib.rs"), &edited);
    batch_file(
        dir.path(),
        "[[repo]]\npath = \"dirty\"\n\n[[repo]]\npath = \"clean\"\n",
    );
    let out = batch(dir.path(), &["--apply", "--format", "json"]);
    assert_eq!(out.code, 2, "a skipped repository exits 2: {}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(repo(&doc, "dirty")["status"], "skipped-dirty");
    assert_eq!(repo(&doc, "dirty")["dirty"][0]["state"], "modified");
    assert_eq!(repo(&doc, "clean")["status"], "ok");
    // The manifest bump and the source rewrite.
    assert_eq!(repo(&doc, "clean")["written"], 2);
    assert_eq!(doc["summary"]["repos_skipped_dirty"], 1);
    assert_eq!(
        std::fs::read_to_string(dirty.join("src/lib.rs")).unwrap(),
        edited
    );
    assert!(std::fs::read_to_string(clean.join("src/lib.rs"))
        .unwrap()
        .contains(".build()"));

    // Text mode names the dirty file and the way out.
    let out = batch(dir.path(), &["--apply"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("this repository was skipped"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("dirty/src/lib.rs (modified)"));
    assert!(out.stderr.contains("--allow-dirty"));
}

#[test]
fn an_error_in_one_repository_never_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = old_repo(dir.path(), "good");
    let broken = old_repo(dir.path(), "broken");
    write(
        &broken.join("src/bad.rs"),
        "use opentelemetry::global;\nfn oops( { meter.u64_counter(\"x\").init()\n",
    );
    git(&broken, &["add", "-A"]);
    git(&broken, &["commit", "-qm", "bad"]);
    batch_file(dir.path(), "[[repo]]\npath = \"missing\"\n\n[[repo]]\npath = \"broken\"\n\n[[repo]]\npath = \"good\"\n");
    let out = batch(dir.path(), &["--apply", "--format", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert_eq!(repo(&doc, "missing")["status"], "error");
    assert!(repo(&doc, "missing")["report"]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("does not exist"));
    assert_eq!(repo(&doc, "broken")["status"], "error");
    assert!(repo(&doc, "broken")["report"]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Rust syntax error"));
    // A repository with an error is not written at all.
    assert_eq!(
        std::fs::read_to_string(broken.join("src/lib.rs")).unwrap(),
        OLD_CODE
    );
    assert_eq!(repo(&doc, "good")["status"], "ok");
    assert!(std::fs::read_to_string(good.join("src/lib.rs"))
        .unwrap()
        .contains(".build()"));
    assert_eq!(doc["summary"]["repos_with_errors"], 2);
}

#[test]
fn check_exits_1_while_changes_are_pending_and_0_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    old_repo(dir.path(), "alpha");
    batch_file(dir.path(), "[[repo]]\npath = \"alpha\"\n");
    let out = batch(dir.path(), &["--check", "--quiet"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "--quiet prints no diffs");
    let out = batch(dir.path(), &["--apply", "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = batch(dir.path(), &["--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn bad_batch_files_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    old_repo(dir.path(), "alpha");
    let cases = [
        (
            "[[repo]]\npath = \"alpha\"\nskipp = []\n",
            "unknown field `skipp`",
        ),
        ("[[repo]]\nskip = []\n", "missing field `path`"),
        ("", "no [[repo]] entries"),
        (
            "[[repo]]\npath = \"alpha\"\n[[repo]]\npath = \"alpha\"\n",
            "listed twice",
        ),
    ];
    for (text, expected) in cases {
        batch_file(dir.path(), text);
        let out = batch(dir.path(), &[]);
        assert_eq!(out.code, 2, "{text}");
        assert!(out.stderr.contains(expected), "{text}: {}", out.stderr);
    }
    // Cargo's settings only mean something with --verify.
    for flag in ["--offline", "--locked"] {
        let out = batch(dir.path(), &[flag]);
        assert_eq!(out.code, 2, "{flag}");
        assert!(out.stderr.contains("--verify"), "{flag}: {}", out.stderr);
    }
    let out = run(bin().current_dir(dir.path()).args(["batch", "nope.toml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read nope.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn per_repo_settings_win_over_the_repository_config_key_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("alpha");
    write(&a.join("Cargo.toml"), &OLD_MANIFEST.replace("svc", "alpha"));
    write(&a.join("src/lib.rs"), OLD_CODE);
    // The repository's own config skips the transform; the batch entry's `only` keeps its
    // `skip` (a key the entry does not set), so nothing changes.
    write(
        &a.join("otel-migrate.toml"),
        "skip = [\"instrument-init-to-build\"]\n",
    );
    git_init_commit(&a);
    batch_file(
        dir.path(),
        "[[repo]]\npath = \"alpha\"\nonly = [\"instrument-init-to-build\"]\n",
    );
    let out = batch(dir.path(), &["--format", "json"]);
    let doc = json(&out.stdout);
    assert_eq!(repo(&doc, "alpha")["report"]["summary"]["files_changed"], 0);
    // Setting `skip` in the batch entry replaces the repository's.
    batch_file(dir.path(), "[[repo]]\npath = \"alpha\"\nskip = []\n");
    let out = batch(dir.path(), &["--format", "json"]);
    let doc = json(&out.stdout);
    // Cargo.toml (manifest transforms) and src/lib.rs.
    assert_eq!(repo(&doc, "alpha")["report"]["summary"]["files_changed"], 2);
}

// --- orphans -------------------------------------------------------------------------------

#[test]
fn a_backup_copy_beside_a_package_is_skipped_with_one_note_unless_included() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"crates/svc\"]\n",
    );
    let r = dir.path().join("crates/svc");
    write(&r.join("Cargo.toml"), OLD_MANIFEST);
    write(&r.join("src/lib.rs"), OLD_CODE);
    // A backup beside the package directory: inside the workspace, in no package.
    let backup = dir.path().join("crates/src.backup");
    write(&backup.join("lib.rs"), OLD_CODE);
    write(&backup.join("metrics.rs"), OLD_CODE);
    git_init_commit(dir.path());
    let out = run(bin()
        .current_dir(dir.path())
        .args(["diff", "--format", "json", "."]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let changed: Vec<&str> = file_paths(&doc, |f| f["changed"] == true);
    assert_eq!(
        changed,
        vec!["crates/svc/Cargo.toml", "crates/svc/src/lib.rs"]
    );
    let notes: Vec<&Value> = list(&doc["findings"])
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("not part of any package")
        })
        .collect();
    assert_eq!(notes.len(), 1, "one note per directory: {notes:?}");
    assert_eq!(notes[0]["path"], "crates/src.backup");
    assert_eq!(notes[0]["severity"], "note");

    // --include-orphans: the files are part of the run and the skip note is gone. Transforms
    // that gate on a package's dependency versions still leave them alone (no package, no
    // version), and say so once per directory.
    let out = run(bin().current_dir(dir.path()).args([
        "diff",
        "--format",
        "json",
        "--include-orphans",
        ".",
    ]));
    let doc = json(&out.stdout);
    let changed: Vec<&str> = file_paths(&doc, |f| f["changed"] == true);
    assert!(!changed.iter().any(|p| p.contains("src.backup")), "{doc}");
    assert!(
        !out.stdout.contains("not part of any package: skipped"),
        "{doc}"
    );
    let notes: Vec<&Value> = list(&doc["findings"])
        .iter()
        .filter(|f| f["path"] == "crates/src.backup")
        .collect();
    assert_eq!(notes.len(), 1, "{doc}");
    assert_eq!(
        notes[0]["message"],
        "not part of any package: included, but these transforms need a package's dependency versions and left the files alone: instrument-init-to-build, residue, unused-removed-imports"
    );
}

#[test]
fn a_src_dir_beside_a_virtual_workspace_root_is_an_orphan() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"crates/svc\"]\n",
    );
    write(&ws.join("crates/svc/Cargo.toml"), OLD_MANIFEST);
    write(&ws.join("crates/svc/src/lib.rs"), OLD_CODE);
    // Left over from before the workspace split: no package contains it.
    write(&ws.join("src/main.rs"), OLD_CODE);
    // Inside a package but reached by no `mod`: still the package's, so migrated.
    write(&ws.join("crates/svc/src/unused.rs"), OLD_CODE);
    git_init_commit(ws);
    let out = run(bin().current_dir(ws).args(["diff", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    let changed: Vec<&str> = file_paths(&doc, |f| f["changed"] == true);
    assert_eq!(
        changed,
        vec![
            "crates/svc/Cargo.toml",
            "crates/svc/src/lib.rs",
            "crates/svc/src/unused.rs"
        ]
    );
    assert!(list(&doc["findings"])
        .iter()
        .any(|f| f["path"] == "src" && f["message"] == "not part of any package: skipped"));
    let out = run(bin()
        .current_dir(ws)
        .args(["diff", "--format", "json", "--include-orphans"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out.stdout);
    assert!(
        list(&doc["findings"]).iter().any(|f| f["path"] == "src"
            && f["message"]
                .as_str()
                .unwrap()
                .starts_with("not part of any package: included")),
        "{doc}"
    );
    assert!(!out.stdout.contains("not part of any package: skipped"));
}

// --- adopt ---------------------------------------------------------------------------------

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn adopt_wires_the_registry_in_main_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shield = dir.path().join("shield");
    copy_dir(&demo("shield"), &shield);
    git_init_commit(&shield);
    let out = run(bin().current_dir(&shield).args(["adopt", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "new file mode 100644\n--- /dev/null\n+++ b/crates/llm-shield/src/telemetry.rs"
        ),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("+pub const SERVICE_NAME: &str = \"llm.shield\";"));
    assert!(out.stdout.contains(
        "+    let otel_guard = telemetry::init()?;\n     tracing_subscriber::registry()"
    ));
    assert!(out.stdout.contains("         .with(tracing_subscriber::fmt::layer())\n+        .with(otel_guard.layer())\n         .init();"));
    assert!(out
        .stdout
        .contains("+opentelemetry_sdk = { version = \"0.27.1\", features = [\"rt-tokio\"] }"));
    assert!(
        out.stdout.contains("+opentelemetry.workspace = true"),
        "follows the crate's workspace style"
    );

    let out = run(bin().current_dir(&shield).arg("adopt"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(shield.join("crates/llm-shield/src/telemetry.rs").is_file());
    git(&shield, &["add", "-A"]);
    git(&shield, &["commit", "-qm", "adopted"]);
    let out = run(bin().current_dir(&shield).args(["adopt", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "second adopt changes nothing: {}",
        out.stdout
    );
}

/// `adopt --dry-run` on a committed service that depends on tracing, with this `main.rs`.
fn adopt_dry_run_on_a_tracing_service(main_rs: &str) -> (tempfile::TempDir, Out) {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("svc");
    write(
        &svc.join("Cargo.toml"),
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntracing = \"0.1\"\ntracing-subscriber = \"0.3\"\ntokio = { version = \"1\", features = [\"full\"] }\n",
    );
    write(&svc.join("src/main.rs"), main_rs);
    git_init_commit(&svc);
    let out = run(bin().current_dir(&svc).args(["adopt", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    (dir, out)
}

#[test]
fn adopt_lays_the_module_out_in_the_main_files_indentation() {
    let (_dir, out) = adopt_dry_run_on_a_tracing_service("use tracing_subscriber::prelude::*;\n\nfn main() {\n  tracing_subscriber::registry()\n    .with(tracing_subscriber::fmt::layer())\n    .init();\n}\n");
    let module: Vec<&str> = out
        .stdout
        .split("+++ b/src/telemetry.rs")
        .nth(1)
        .expect("the new module")
        .split("diff --git")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix('+'))
        .collect();
    // Two-space steps, as main.rs is written (the template is written in four-space steps).
    assert!(
        module.contains(&"  let endpoint = std::env::var(\"OTEL_EXPORTER_OTLP_ENDPOINT\")"),
        "{}",
        module.join("\n")
    );
    assert!(module.contains(&"    KeyValue::new(\"service.name\", SERVICE_NAME),"));
    assert!(out.stdout.contains("+  let otel_guard = telemetry::init()"));
}

#[test]
fn adopt_reports_the_place_when_the_wiring_is_ambiguous() {
    let (_dir, out) = adopt_dry_run_on_a_tracing_service("use tracing_subscriber::prelude::*;\n\nfn init_logging() {\n    let subscriber = tracing_subscriber::registry().with(tracing_subscriber::fmt::layer());\n    subscriber.init();\n}\n\nfn main() {\n    init_logging();\n}\n");
    assert!(out.stderr.contains("warning[adopt]"), "{}", out.stderr);
    assert!(
        out.stderr.contains("src/main.rs:4:"),
        "points at the registry: {}",
        out.stderr
    );
    assert!(out.stderr.contains("let otel_guard = telemetry::init()?;"));
    // The module and the dependencies are still added; only the wiring is left to the user.
    assert!(out.stdout.contains("+++ b/src/telemetry.rs"));
    assert!(out.stdout.contains("+mod telemetry;"));
    assert!(!out.stdout.contains("otel_guard.layer()"));
}

// --- the compiler is the judge (slow; needs the registry) ----------------------------------

fn compile_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compile-check")
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let o = Command::new(env!("CARGO"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", compile_target())
        .args(args)
        .output()
        .unwrap();
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

#[test]
fn adopted_demo_services_compile_and_pass_clippy() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for name in ["shield", "cost-ops"] {
        let copy = dir.path().join(name);
        copy_dir(&demo(name), &copy);
        let out = run(bin().current_dir(&copy).arg("adopt"));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        for args in [
            &["check", "--all-targets", "--quiet"][..],
            &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"][..],
        ] {
            if let Err(e) = cargo(&copy, args) {
                failures.push(format!("{name}: cargo {args:?}:\n{e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn verify_on_a_dry_run_reports_compile_errors_with_their_transform() {
    // `.init()` → `.build()` without the manifest bump: the migrated code cannot compile on
    // 0.26, and --verify says so, naming the transform behind the line, without touching the
    // repository.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("alpha");
    write(&a.join("Cargo.toml"), &OLD_MANIFEST.replace("svc", "alpha"));
    write(&a.join("src/lib.rs"), OLD_CODE);
    write(&a.join("otel-migrate.toml"), "[targets]\n");
    git_init_commit(&a);
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args(["diff", "--verify", "--format", "json", "alpha"]));
    let doc = json(&out.stdout);
    let v = &doc["verify"];
    let manifest_migrated = list(&doc["files"])
        .iter()
        .any(|f| f["path"] == "alpha/Cargo.toml" && f["changed"] == true);
    if manifest_migrated {
        // Once the manifest transform lands the pair is consistent and compiles.
        assert_eq!(v["status"], "compiles", "{v}");
        assert_eq!(out.code, 0);
    } else {
        assert_eq!(out.code, 1, "a failed --verify exits 1: {}", out.stderr);
        assert_eq!(v["status"], "fails", "{v}");
        let e = &v["projects"][0]["errors"][0];
        assert_eq!(e["path"], "alpha/src/lib.rs", "{v}");
        assert_eq!(e["line"], 5);
        assert_eq!(e["transforms"][0], "instrument-init-to-build");
    }
    assert_eq!(
        std::fs::read_to_string(a.join("src/lib.rs")).unwrap(),
        OLD_CODE
    );
}

/// OpenTelemetry crates a lockfile holds at more than one version or off the target line.
fn second_versions(lock: &Path) -> Vec<String> {
    const TARGET_LINES: &[(&str, &str)] = &[
        ("tracing-opentelemetry", "0.28."),
        ("opentelemetry", "0.27."),
    ];
    let text = std::fs::read_to_string(lock).unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
    let doc: toml::Table = text.parse().unwrap();
    let mut versions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in doc["package"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        if name.starts_with("opentelemetry") || name == "tracing-opentelemetry" {
            versions
                .entry(name.to_string())
                .or_default()
                .push(p["version"].as_str().unwrap().to_string());
        }
    }
    let mut out = Vec::new();
    if !versions.contains_key("opentelemetry") {
        out.push(format!("{}: no opentelemetry locked", lock.display()));
    }
    for (name, vs) in versions {
        let line = TARGET_LINES
            .iter()
            .find(|(n, _)| name.starts_with(n))
            .map_or("0.27.", |(_, l)| l);
        if vs.len() != 1 || !vs[0].starts_with(line) {
            out.push(format!(
                "{}: {name} locked at {vs:?} (target {line}x)",
                lock.display()
            ));
        }
    }
    out
}

/// Telemetry requirements of a manifest below the target set (design.md §7).
fn below_target(path: &Path) -> Vec<String> {
    const TARGETS: &[(&str, u64, u64)] = &[
        ("opentelemetry", 0, 27),
        ("opentelemetry_sdk", 0, 27),
        ("opentelemetry-otlp", 0, 27),
        ("opentelemetry-semantic-conventions", 0, 27),
        ("opentelemetry-appender-tracing", 0, 27),
        ("opentelemetry-prometheus", 0, 27),
        ("tracing-opentelemetry", 0, 28),
        ("metrics", 0, 24),
        ("metrics-exporter-prometheus", 0, 16),
    ];
    let text = std::fs::read_to_string(path).unwrap();
    let manifest = otel_migrate::engine::manifest::Manifest::parse(path, &text).unwrap();
    let mut out = Vec::new();
    for d in &manifest.deps {
        if d.is("opentelemetry-jaeger") {
            out.push(format!(
                "{}: still depends on opentelemetry-jaeger",
                path.display()
            ));
        }
        let Some(req) = &d.version else { continue };
        for (krate, major, minor) in TARGETS {
            if d.is(krate) {
                let v = otel_migrate::engine::manifest::minimum_version(req).unwrap();
                if (v.major, v.minor) < (*major, *minor) {
                    out.push(format!(
                        "{}: {krate} = \"{req}\" is below {major}.{minor}",
                        path.display()
                    ));
                }
            }
        }
    }
    out
}

/// The end-to-end run: the six demo repositories, `batch --apply --verify`, then a
/// second run that must change nothing. Needs every transform of the target set.
#[test]
fn batch_apply_verify_migrates_the_six_demo_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let repos = [
        "edge-agent",
        "policy-engine",
        "observatory",
        "sentinel",
        "shield",
        "cost-ops",
    ];
    for name in repos {
        let copy = dir.path().join(name);
        copy_dir(&demo(name), &copy);
        git_init_commit(&copy);
    }
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/migrate.toml"),
        dir.path().join("migrate.toml"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = run(bin()
        .current_dir(dir.path())
        .env("OTEL_MIGRATE_TARGET_DIR", compile_target())
        .args([
            "batch",
            "migrate.toml",
            "--apply",
            "--verify",
            "--update-lock",
            // cargo runs `--locked` on each copy: the lockfiles change only by the refresh.
            "--locked",
            "--report",
            "report.json",
        ]));
    eprintln!("batch --apply --verify took {:.1?}", started.elapsed());
    let doc = json(&std::fs::read_to_string(dir.path().join("report.json")).unwrap());

    // The text summary and the JSON agree, row by row.
    for r in list(&doc["repos"]) {
        let name = r["path"].as_str().unwrap();
        let s = &r["report"]["summary"];
        let row = out
            .stderr
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no summary row for {name}:\n{}", out.stderr));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[1], s["files_scanned"].to_string(), "{row}");
        assert_eq!(cells[2], s["files_changed"].to_string(), "{row}");
        let sev = &s["by_severity"];
        let findings = format!("{}/{}/{}", sev["error"], sev["warning"], sev["note"]);
        assert!(cells.contains(&findings.as_str()), "{row} vs {findings}");
    }

    let mut failures = Vec::new();
    for r in list(&doc["repos"]) {
        let name = r["path"].as_str().unwrap();
        if r["status"] != "ok" {
            failures.push(format!(
                "{name}: status {} errors {}",
                r["status"], r["report"]["errors"]
            ));
            continue;
        }
        let v = &r["verify"];
        if v["status"] != "compiles" {
            let first: Vec<String> = v["projects"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|p| {
                    p["message"].as_str().map(str::to_string).into_iter().chain(
                        p["errors"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .take(3)
                            .map(|e| {
                                format!(
                                    "{}:{}: {} [from {}]",
                                    e["path"].as_str().unwrap_or(""),
                                    e["line"],
                                    e["message"].as_str().unwrap_or(""),
                                    e["transforms"]
                                )
                            }),
                    )
                })
                .collect();
            failures.push(format!(
                "{name} does not compile:\n  {}",
                first.join("\n  ")
            ));
        }
        // Healed by nothing: every package kept its whole migration.
        for p in v["packages"].as_array().into_iter().flatten() {
            if p["outcome"] != "ok" || p["backed_out"].as_array().is_some_and(|b| !b.is_empty()) {
                failures.push(format!("{name}: the verification took back {p}"));
            }
        }
        if name == "observatory" || name == "sentinel" {
            // Already on 0.27: at most metrics bumps in manifests, and the service names the
            // naming convention (issue 8) renames.
            for f in list(&r["report"]["files"]) {
                let only_renames = f["edits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e["transform"] == "service-name");
                if f["changed"] == true
                    && !f["path"].as_str().unwrap().ends_with("Cargo.toml")
                    && !only_renames
                {
                    failures.push(format!(
                        "{name}: {} changed, expected manifests only",
                        f["path"]
                    ));
                }
            }
        }
    }
    // One version of each OpenTelemetry crate per lockfile, the target's (`--update-lock`).
    for name in repos {
        failures.extend(second_versions(&dir.path().join(name).join("Cargo.lock")));
    }
    // "On the target set": every telemetry requirement left in the migrated manifests is at
    // least the target version, and the Jaeger exporter is gone.
    for name in repos {
        for m in otel_migrate::engine::discover::walk(&dir.path().join(name), true).manifests {
            let shown = m.strip_prefix(dir.path()).unwrap_or(&m).to_path_buf();
            failures.extend(
                below_target(&m)
                    .into_iter()
                    .map(|f| f.replace(&m.display().to_string(), &shown.display().to_string())),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nstderr:\n{}",
        failures.join("\n"),
        out.stderr
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    for name in repos {
        git(&dir.path().join(name), &["add", "-A"]);
        git(&dir.path().join(name), &["commit", "-qm", "migrated"]);
    }
    let again = batch(dir.path(), &["--format", "json"]);
    let doc = json(&again.stdout);
    assert_eq!(
        doc["summary"]["files_changed"], 0,
        "a second run changes nothing: {}",
        again.stdout
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
}
