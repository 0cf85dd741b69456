//! `otel-migrate merge`: the merge of the reports of two batches equals the report of one batch
//! over both sets of repositories; reports of another schema version, `check` reports and
//! repositories named twice are refused with the reason.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the binary in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("otel-migrate")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The demo repositories in a temporary directory, with the demo batch file split in two
/// (`first.toml`: three repositories, `second.toml`: the other three) beside `all.toml`.
fn demo_split(dir: &Path) {
    let repos = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    copy_dir(&repos, dir);
    let all = std::fs::read_to_string(repos.join("migrate.toml")).unwrap();
    let entries: Vec<&str> = all.split("\n[[repo]]").skip(1).collect();
    assert_eq!(entries.len(), 6);
    let file = |part: &[&str]| {
        part.iter()
            .map(|e| format!("[[repo]]{e}\n"))
            .collect::<String>()
    };
    std::fs::write(dir.join("all.toml"), file(&entries)).unwrap();
    std::fs::write(dir.join("first.toml"), file(&entries[..3])).unwrap();
    std::fs::write(dir.join("second.toml"), file(&entries[3..])).unwrap();
}

#[test]
fn merging_two_batches_equals_one_batch_over_both() {
    let dir = tempfile::tempdir().unwrap();
    demo_split(dir.path());
    for part in ["all", "first", "second"] {
        let (code, _, err) = run(
            dir.path(),
            &[
                "batch",
                &format!("{part}.toml"),
                "--quiet",
                "--report",
                &format!("{part}.json"),
            ],
        );
        assert_eq!(code, 0, "{err}");
    }
    let (code, merged, err) = run(
        dir.path(),
        &["merge", "first.json", "second.json", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let merged: Value = serde_json::from_str(&merged).unwrap();
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("all.json")).unwrap())
            .unwrap();
    let first: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("first.json")).unwrap())
            .unwrap();
    // Not trivially equal: each half alone differs from the whole.
    assert_ne!(first["summary"], all["summary"]);
    assert!(!all["summary"]["service_names"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!all["summary"]["next_steps"].as_array().unwrap().is_empty());
    assert_eq!(merged["summary"], all["summary"]);
    assert_eq!(merged, all);
}

#[test]
fn merge_renders_every_format_and_the_html_page() {
    let dir = tempfile::tempdir().unwrap();
    demo_split(dir.path());
    for part in ["first", "second"] {
        run(
            dir.path(),
            &[
                "batch",
                &format!("{part}.toml"),
                "-q",
                "--report",
                &format!("{part}.json"),
            ],
        );
    }
    let (code, _, summary) = run(dir.path(), &["merge", "first.json", "second.json"]);
    assert_eq!(code, 0);
    assert!(
        summary.contains("==> summary (6 repositories)"),
        "{summary}"
    );
    for format in ["sarif", "github", "gitlab", "junit"] {
        let (code, out, err) = run(
            dir.path(),
            &[
                "merge",
                "first.json",
                "second.json",
                "--format",
                format,
                "--html",
                "page.html",
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("policy-engine"), "{format}: {out}");
    }
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    assert!(page.contains("cost-ops") && page.contains("edge-agent"));
}

#[test]
fn merge_refuses_what_it_cannot_merge_faithfully() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("v2.json"),
        r#"{"version": 2, "repos": [], "summary": {}}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("check.json"),
        r#"{"version": 1, "files": [], "findings": []}"#,
    )
    .unwrap();
    std::fs::write(d.join("junk.json"), "not json").unwrap();
    let (code, _, err) = run(d, &["merge", "v2.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("v2.json is a version 2 report; this otel-migrate reads version 1"),
        "{err}"
    );
    let (code, _, err) = run(d, &["merge", "check.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is a diff/check report"), "{err}");
    let (code, _, err) = run(d, &["merge", "junk.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("junk.json is not JSON"), "{err}");

    demo_split(d);
    run(d, &["batch", "first.toml", "-q", "--report", "first.json"]);
    let (code, out, err) = run(
        d,
        &["merge", "first.json", "first.json", "--format", "json"],
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("repository `edge-agent` is in more than one report"),
        "{err}"
    );
}
