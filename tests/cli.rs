//! End-to-end tests of the command line on temporary git repositories: the diff/apply/check
//! contract, the dirty-tree refusal, exit codes, the JSON report and every kind of bad input.

use std::path::PathBuf;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use predicates::prelude::*;

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.26\", features = [\"metrics\"] }\n";
const LIB: &str = "use opentelemetry::global;\n\npub fn counter() {\n    let _c = global::meter(\"svc\").u64_counter(\"hits\").init();\n}\n";
const PLAIN: &str = "pub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n";
/// The repository's config: these tests are about the CLI contract on one Rust rewrite, so
/// the manifest transforms (which would also migrate Cargo.toml) are skipped; see
/// `diff_migrates_the_manifest_too`.
const CONFIG: &str = "skip = [\"manifest-versions\", \"manifest-jaeger-to-otlp\", \"manifest-features\", \"manifest-metrics\"]\n";

struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    /// A package with one telemetry file and one plain file; committed when `git` is set.
    fn new(git: bool) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("svc");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("Cargo.toml"), MANIFEST).unwrap();
        std::fs::write(root.join("src/lib.rs"), LIB).unwrap();
        std::fs::write(root.join("src/plain.rs"), PLAIN).unwrap();
        std::fs::write(root.join("otel-migrate.toml"), CONFIG).unwrap();
        let repo = Repo { _dir: dir, root };
        if git {
            repo.git(&["init", "-q"]);
            repo.git(&["config", "user.email", "t@example.com"]);
            repo.git(&["config", "user.name", "t"]);
            repo.commit();
        }
        repo
    }

    fn git(&self, args: &[&str]) -> String {
        let out = StdCommand::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", "state"]);
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("otel-migrate").unwrap();
        c.current_dir(&self.root).args(args);
        c
    }

    /// Runs `args`, asserting the exit code.
    fn output(&self, args: &[&str], code: i32) -> std::process::Output {
        self.cmd(args).assert().code(code).get_output().clone()
    }
}

fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("stdout is one JSON document")
}

#[test]
fn diff_prints_a_patch_git_can_apply_and_writes_nothing() {
    let repo = Repo::new(true);
    let out = repo.output(&["diff", "--color", "never"], 0);
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.contains("--- a/src/lib.rs\n+++ b/src/lib.rs\n"),
        "{patch}"
    );
    assert!(patch.contains("+    let _c = global::meter(\"svc\").u64_counter(\"hits\").build();"));
    assert!(!patch.contains("plain.rs"));
    assert_eq!(repo.read("src/lib.rs"), LIB, "diff must not write");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("1 changed"), "{stderr}");
    // The patch applies with git, from the same directory.
    let mut apply = StdCommand::new("git");
    apply
        .arg("-C")
        .arg(&repo.root)
        .args(["apply", "-"])
        .stdin(std::process::Stdio::piped());
    let mut child = apply.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), patch.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(repo.read("src/lib.rs").contains(".build()"));
}

#[test]
fn diff_paths_are_relative_to_the_current_directory() {
    let repo = Repo::new(false);
    let parent = repo.root.parent().unwrap();
    let out = Command::cargo_bin("otel-migrate")
        .unwrap()
        .current_dir(parent)
        .args(["diff", "svc"])
        .assert()
        .success();
    let patch = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(patch.contains("--- a/svc/src/lib.rs"), "{patch}");
}

#[test]
fn color_always_colors_the_diff_and_never_does_not() {
    let repo = Repo::new(false);
    repo.cmd(&["diff", "--color", "always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[32m+"));
    repo.cmd(&["diff", "--color", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn apply_writes_atomically_keeps_permissions_and_is_idempotent() {
    let repo = Repo::new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            repo.path("src/lib.rs"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        repo.commit();
    }
    let plain_mtime = std::fs::metadata(repo.path("src/plain.rs"))
        .unwrap()
        .modified()
        .unwrap();
    repo.cmd(&["apply"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 1 file"));
    assert!(repo
        .read("src/lib.rs")
        .contains(".u64_counter(\"hits\").build()"));
    assert_eq!(repo.read("src/plain.rs"), PLAIN);
    assert_eq!(
        std::fs::metadata(repo.path("src/plain.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        plain_mtime
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(repo.path("src/lib.rs"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(repo.path("src"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".otel-migrate"))
        .collect();
    assert!(leftovers.is_empty());
    repo.commit();
    repo.cmd(&["apply"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 0 file"));
    repo.cmd(&["check"]).assert().code(0);
}

#[test]
fn apply_refuses_dirty_files_and_writes_nothing() {
    for state in ["modified", "staged", "untracked"] {
        let repo = Repo::new(true);
        match state {
            "modified" => repo.write("src/lib.rs", format!("{LIB}// local edit\n")),
            "staged" => {
                repo.write("src/lib.rs", format!("{LIB}// local edit\n"));
                repo.git(&["add", "src/lib.rs"]);
            }
            _ => repo.write("src/new.rs", LIB),
        }
        let before_lib = repo.read("src/lib.rs");
        repo.cmd(&["apply"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("({state})")))
            .stderr(predicate::str::contains("--allow-dirty"))
            .stderr(predicate::str::contains("nothing was written"));
        assert_eq!(
            repo.read("src/lib.rs"),
            before_lib,
            "{state}: nothing may be written"
        );
        repo.cmd(&["apply", "--allow-dirty"]).assert().success();
        assert!(repo.read("src/lib.rs").contains(".build()"), "{state}");
    }
}

#[test]
fn apply_outside_git_proceeds_and_says_so() {
    let repo = Repo::new(false);
    repo.cmd(&["apply"])
        .assert()
        .success()
        .stderr(predicate::str::contains("not in a git repository"));
    assert!(repo.read("src/lib.rs").contains(".build()"));
}

#[test]
fn check_fails_on_pending_changes_and_passes_after_apply() {
    let repo = Repo::new(true);
    repo.cmd(&["check"]).assert().code(1);
    repo.cmd(&["apply"]).assert().success();
    repo.cmd(&["check"]).assert().code(0);
}

/// A file whose only finding is an `error` (a macro body the tool cannot parse).
const OPAQUE: &str = "pub fn f(meter: &opentelemetry::metrics::Meter) {\n    weird! { @x meter.u64_counter(\"a\").init() }\n}\n";

#[test]
fn error_findings_fail_check_unless_suppressed() {
    let repo = Repo::new(true);
    repo.write("src/lib.rs", OPAQUE);
    repo.commit();
    let out = repo.output(&["check"], 1);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[instrument-init-to-build]"),
        "{stderr}"
    );
    assert!(stderr.contains("--> src/lib.rs:2:14"), "{stderr}");
    assert!(stderr.contains("help: "), "{stderr}");
    // Suppressed at the line above.
    repo.write(
        "src/lib.rs",
        OPAQUE.replace(
            "    weird!",
            "    // otel-migrate: allow(instrument-init-to-build)\n    weird!",
        ),
    );
    let out = repo.output(&["check", "--format", "json"], 0);
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 1);
    // Suppressed per repository in the config file.
    repo.write("src/lib.rs", OPAQUE);
    repo.write(
        "otel-migrate.toml",
        format!("{CONFIG}allow = [\"instrument-init-to-build\"]\n"),
    );
    repo.cmd(&["check"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 suppressed"));
}

#[test]
fn json_report_has_the_documented_shape() {
    let repo = Repo::new(true);
    repo.write("src/opaque.rs", OPAQUE);
    repo.commit();
    let out = repo.output(&["diff", "--format", "json"], 0);
    let r = json(&out.stdout);
    assert_eq!(r["version"], 1);
    let files = r["files"].as_array().unwrap();
    let lib = files.iter().find(|f| f["path"] == "src/lib.rs").unwrap();
    assert_eq!(lib["changed"], true);
    assert_eq!(
        lib["edits"],
        serde_json::json!([{"transform": "instrument-init-to-build", "count": 1}])
    );
    assert!(lib["diff"].as_str().unwrap().contains("+++ b/src/lib.rs"));
    let f = &r["findings"][0];
    for key in [
        "path",
        "line",
        "column",
        "transform",
        "severity",
        "message",
        "suggestion",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["path"], "src/opaque.rs");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(14))
    );
    assert_eq!(f["severity"], "error");
    assert_eq!(r["errors"], serde_json::json!([]));
    let s = &r["summary"];
    assert_eq!(s["files_changed"], 1);
    assert_eq!(s["findings"], 1);
    assert_eq!(s["errors"], 0);
    assert!(s["files_scanned"].as_u64().unwrap() >= 3);
    assert!(out.stderr.is_empty(), "json mode keeps stderr quiet");
}

#[test]
fn non_utf8_file_is_an_error_and_other_files_still_migrate() {
    let repo = Repo::new(false);
    let mut bytes = b"// opentelemetry \xff\xfe\n".to_vec();
    bytes.extend_from_slice(PLAIN.as_bytes());
    repo.write("src/latin1.rs", &bytes);
    repo.cmd(&["diff"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("+++ b/src/lib.rs"))
        .stderr(predicate::str::contains("src/latin1.rs: not valid UTF-8"));
    repo.cmd(&["apply"]).assert().code(2);
    assert_eq!(std::fs::read(repo.path("src/latin1.rs")).unwrap(), bytes);
    assert!(
        repo.read("src/lib.rs").contains(".build()"),
        "the other files are still written"
    );
}

#[test]
fn syntax_error_is_reported_and_the_file_left_untouched() {
    let repo = Repo::new(false);
    let broken = "use opentelemetry::global;\npub fn f() {\n    let _c = global::meter(\"a\").u64_counter(\"b\").init();\n";
    repo.write("src/broken.rs", broken);
    repo.cmd(&["apply"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "src/broken.rs: Rust syntax error at",
        ));
    assert_eq!(repo.read("src/broken.rs"), broken);
    assert!(repo.read("src/lib.rs").contains(".build()"));
}

#[test]
fn malformed_manifest_with_telemetry_is_an_error_without_is_a_note() {
    let repo = Repo::new(false);
    repo.write(
        "Cargo.toml",
        MANIFEST.replace("[dependencies]", "[dependencies"),
    );
    repo.cmd(&["diff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Cargo.toml: malformed Cargo.toml"));
    let repo = Repo::new(false);
    repo.write("tests/data/broken/Cargo.toml", "[package\nname = \"x\"\n");
    repo.cmd(&["diff"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "note[engine]: malformed Cargo.toml without telemetry dependencies",
        ));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error() {
    let repo = Repo::new(false);
    std::os::unix::fs::symlink(
        repo.path("src/missing-target.rs"),
        repo.path("src/dangling.rs"),
    )
    .unwrap();
    repo.cmd(&["diff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "src/dangling.rs: cannot read file",
        ))
        .stdout(predicate::str::contains("+++ b/src/lib.rs"));
}

#[test]
fn missing_path_and_unknown_transform_are_errors() {
    let repo = Repo::new(false);
    repo.cmd(&["diff", "does/not/exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does/not/exist: path does not exist",
        ));
    repo.cmd(&["check", "--only", "no-such-transform"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown transform `no-such-transform`",
        ));
    repo.cmd(&["diff", "--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    repo.write("otel-migrate.toml", "skipp = []\n");
    repo.cmd(&["diff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("otel-migrate.toml"));
    assert_eq!(repo.read("src/lib.rs"), LIB);
}

/// A tree without any Cargo.toml is a project too: an invalid config there is an error, not a
/// silent skip of its files.
#[test]
fn invalid_config_of_a_manifest_less_tree_is_an_error() {
    let repo = Repo::new(false);
    std::fs::remove_file(repo.path("Cargo.toml")).unwrap();
    repo.write("otel-migrate.toml", "skipp = []\n");
    repo.cmd(&["diff", "--include-orphans"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("otel-migrate.toml"));
    assert_eq!(repo.read("src/lib.rs"), LIB);
}

#[test]
fn only_and_skip_select_transforms() {
    let repo = Repo::new(false);
    repo.cmd(&["diff", "--skip", "instrument-init-to-build"])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    repo.cmd(&["diff", "--only", "instrument-init-to-build"])
        .assert()
        .success()
        .stdout(predicate::str::contains("build()"));
}

#[test]
fn a_single_file_path_uses_its_package_context() {
    let repo = Repo::new(false);
    repo.cmd(&["diff", "src/lib.rs"])
        .assert()
        .success()
        .stdout(predicate::str::contains("+++ b/src/lib.rs"));
}

#[test]
fn transforms_run_only_in_packages_that_depend_on_their_crates() {
    // Three members with the same source: it uses OpenTelemetry 0.26 and the `metrics` 0.21
    // facade, but only `with-otel` depends on opentelemetry and only `with-metrics` on metrics.
    // A near miss for `without-deps`: the code looks like telemetry, the package does not have
    // it (a vendored copy, an example that is not built, an incomplete manifest), so it is not
    // migrated nor parsed — even its syntax error is not reported — but it is not silent either:
    // the gate warns once per file that names an undeclared crate where a transform would look.
    let repo = Repo::new(false);
    repo.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"with-otel\", \"with-metrics\", \"without-deps\"]\n",
    );
    std::fs::remove_dir_all(repo.path("src")).unwrap();
    let source = "use opentelemetry::{global, KeyValue};\n\npub fn init() {\n    let _c = global::meter(\"svc\").u64_counter(\"hits\").init();\n    let _r = KeyValue::new(\"service.name\", \"llm-svc\");\n    metrics::increment_counter!(\"hits_total\");\n}\n";
    let deps = [
        (
            "with-otel",
            "opentelemetry = { version = \"0.26\", features = [\"metrics\"] }\n",
        ),
        ("with-metrics", "metrics = \"0.21\"\n"),
        ("without-deps", ""),
    ];
    for (name, dep) in deps {
        repo.write(
            &format!("{name}/Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dep}"),
        );
        repo.write(&format!("{name}/src/lib.rs"), source);
    }
    repo.write(
        "without-deps/src/broken.rs",
        "use opentelemetry::global;\nfn (\n",
    );
    let out = repo
        .cmd(&[
            "diff",
            "--format",
            "json",
            "--only",
            "instrument-init-to-build,service-name,metrics-macros",
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let files: Vec<(&str, bool)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["changed"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("with-metrics/src/lib.rs", true),
            ("with-otel/src/lib.rs", true)
        ],
        "{report:#}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let diffs: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["diff"].as_str().unwrap())
        .collect();
    assert!(
        diffs[0].contains("+    metrics::counter!(\"hits_total\").increment(1);"),
        "{}",
        diffs[0]
    );
    assert!(!diffs[0].contains(".build()"), "{}", diffs[0]);
    assert!(
        diffs[1].contains(".u64_counter(\"hits\").build();"),
        "{}",
        diffs[1]
    );
    assert!(!diffs[1].contains("increment(1)"), "{}", diffs[1]);
    let gate_warnings: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().starts_with("without-deps"))
        .collect();
    assert_eq!(gate_warnings.len(), 1, "{report:#}");
    let w = gate_warnings[0];
    assert_eq!(w["path"], "without-deps/src/lib.rs", "{w}");
    assert_eq!(w["severity"], "warning", "{w}");
    assert_eq!(w["transform"], "engine", "{w}");
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("does not declare the `opentelemetry` dependency"),
        "{w}"
    );
}

#[test]
fn list_and_explain() {
    let repo = Repo::new(false);
    repo.cmd(&["list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("instrument-init-to-build"));
    repo.cmd(&["explain", "instrument-init-to-build"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## What it does"))
        .stdout(predicate::str::contains("//!").not());
    repo.cmd(&["explain", "nope"]).assert().code(2);
}

#[test]
fn crlf_files_keep_their_line_endings_on_apply() {
    let repo = Repo::new(false);
    repo.write("src/lib.rs", LIB.replace('\n', "\r\n"));
    repo.cmd(&["apply"]).assert().success();
    let after = repo.read("src/lib.rs");
    assert_eq!(
        after,
        LIB.replace('\n', "\r\n").replace(".init()", ".build()")
    );
}

#[test]
fn missing_workspace_members_and_targets_are_notes() {
    let repo = Repo::new(false);
    let manifest = MANIFEST.replace(
        "[dependencies]",
        "[[bin]]\nname = \"tool\"\npath = \"src/bin/gone.rs\"\n\n[dependencies]",
    );
    repo.write(
        "Cargo.toml",
        format!("{manifest}\n[workspace]\nmembers = [\"crates/gone\", \"plugins/*\"]\n"),
    );
    repo.cmd(&["diff"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "note[engine]: workspace member `crates/gone` has no Cargo.toml",
        ))
        .stderr(predicate::str::contains(
            "workspace member `plugins/*` has no Cargo.toml",
        ))
        .stderr(predicate::str::contains(
            "target file `src/bin/gone.rs` does not exist",
        ))
        .stdout(predicate::str::contains("+++ b/src/lib.rs"));
}

#[test]
fn diff_migrates_the_manifest_too() {
    let repo = Repo::new(false);
    std::fs::remove_file(repo.path("otel-migrate.toml")).unwrap();
    let out = repo.output(&["diff", "--color", "never"], 0);
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.contains("+opentelemetry = { version = \"0.27\", features = [\"metrics\"] }"),
        "{patch}"
    );
    assert!(patch.contains("+++ b/src/lib.rs"), "{patch}");
}

#[test]
fn timings_switch_prints_each_phase_to_stderr_and_changes_no_output() {
    let repo = Repo::new(false);
    let plain = repo
        .cmd(&["diff", "--color", "never"])
        .env_remove("OTEL_MIGRATE_TIMINGS")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("timings"));
    let timed = repo
        .cmd(&["diff", "--color", "never"])
        .env("OTEL_MIGRATE_TIMINGS", "1")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(timed.stdout, plain.stdout, "the diff is the same");
    let stderr = String::from_utf8(timed.stderr).unwrap();
    let table = &stderr[stderr
        .find("timings (OTEL_MIGRATE_TIMINGS)")
        .expect(&stderr)..];
    let phases: Vec<&str> = table
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for phase in [
        "walk",
        "read",
        "parse",
        "instrument-init-to-build",
        "residue",
        "render",
    ] {
        assert!(phases.contains(&phase), "{phase} missing:\n{table}");
    }
    // Skipped transforms take no time at all.
    assert!(!phases.contains(&"manifest-versions"), "{table}");
}
