//! A file that was rustfmt-clean stays rustfmt-clean after the rewrite (the user's rustfmt,
//! the project's config, the package's edition); a file that was not keeps the transforms' own
//! layout, and `--no-rustfmt` or `rustfmt = false` keep it everywhere. Needs `rustfmt` (under
//! CI its absence fails these tests).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::cli::{bin, git, run, write};

const MANIFEST: &str = r#"[package]
name = "svc"
version = "0.1.0"
edition = "2021"

[dependencies]
opentelemetry = "0.26"
opentelemetry_sdk = { version = "0.26", features = ["rt-tokio"] }
opentelemetry-otlp = "0.26"
"#;

/// rustfmt-clean for edition 2021: the exporter chain is too wide for one line.
const CLEAN: &str = r#"use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::TracerProvider;

pub fn init(endpoint: String) -> TracerProvider {
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint);
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .expect("valid tracer")
}
"#;

/// The transforms' layout of the new exporter; rustfmt keeps the shorter chain on one line.
const TOOL_LAYOUT: &str = "+    let exporter = SpanExporter::builder()\n+        .with_tonic()\n";
const RUSTFMT_LAYOUT: &str =
    "    let exporter = SpanExporter::builder().with_tonic().with_endpoint(endpoint);\n";

fn rustfmt_available() -> bool {
    let found = Command::new("rustfmt").arg("--version").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "rustfmt is required under CI"
    );
    if !found {
        eprintln!("rustfmt not found: skipped");
    }
    found
}

struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("svc");
        for (path, text) in files {
            write(&root.join(path), text);
        }
        git(&root, &["init", "-q"]);
        git(&root, &["config", "user.email", "t@example.com"]);
        git(&root, &["config", "user.name", "t"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "base"]);
        Repo { _dir: dir, root }
    }

    fn diff(&self, args: &[&str]) -> String {
        let out = run(bin().arg("diff").args(args).arg(&self.root));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap()
    }
}

fn rustfmt_check(path: &Path, edition: &str) -> bool {
    Command::new("rustfmt")
        .args(["--check", "--edition", edition])
        .arg(path)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn a_rustfmt_clean_file_stays_clean_and_a_second_apply_changes_nothing() {
    if !rustfmt_available() {
        return;
    }
    let repo = Repo::new(&[("Cargo.toml", MANIFEST), ("src/lib.rs", CLEAN)]);
    assert!(rustfmt_check(&repo.root.join("src/lib.rs"), "2021"));
    let out = run(bin().arg("apply").arg(&repo.root));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let migrated = repo.read("src/lib.rs");
    assert!(migrated.contains(RUSTFMT_LAYOUT), "{migrated}");
    assert!(rustfmt_check(&repo.root.join("src/lib.rs"), "2021"));
    git(&repo.root, &["commit", "-qam", "migrated"]);
    let again = run(bin().arg("diff").arg(&repo.root));
    assert_eq!(again.stdout, "", "{}", again.stderr);
}

#[test]
fn no_rustfmt_and_the_config_key_keep_the_tools_layout() {
    if !rustfmt_available() {
        return;
    }
    let repo = Repo::new(&[("Cargo.toml", MANIFEST), ("src/lib.rs", CLEAN)]);
    let formatted = repo.diff(&[]);
    assert!(
        formatted.contains(&format!("+{RUSTFMT_LAYOUT}")),
        "{formatted}"
    );
    let raw = repo.diff(&["--no-rustfmt"]);
    assert!(raw.contains(TOOL_LAYOUT), "{raw}");
    write(&repo.root.join("otel-migrate.toml"), "rustfmt = false\n");
    assert_eq!(repo.diff(&[]), raw);
}

#[test]
fn a_file_that_was_not_rustfmt_clean_keeps_the_tools_layout() {
    if !rustfmt_available() {
        return;
    }
    // The near miss: the same code with the exporter chain on one line, wider than rustfmt's
    // chain width, so rustfmt would reformat the user's own line too.
    let unclean = CLEAN.replace(
        "opentelemetry_otlp::new_exporter()\n        .tonic()\n        .with_endpoint(endpoint);",
        "opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint);",
    );
    assert_ne!(unclean, CLEAN);
    let repo = Repo::new(&[("Cargo.toml", MANIFEST), ("src/lib.rs", &unclean)]);
    assert!(!rustfmt_check(&repo.root.join("src/lib.rs"), "2021"));
    assert_eq!(repo.diff(&[]), repo.diff(&["--no-rustfmt"]));
}

#[test]
fn the_edition_a_member_inherits_from_the_workspace_is_rustfmts() {
    if !rustfmt_available() {
        return;
    }
    // Clean only for the 2024 style (uppercase names first in a `use` group): formatted when
    // rustfmt is told the inherited edition, left alone when it is not.
    let workspace = "[workspace]\nmembers = [\"svc\"]\n\n[workspace.package]\nedition = \"2024\"\n";
    let member = MANIFEST.replace("edition = \"2021\"", "edition.workspace = true");
    let source = CLEAN.replace(
        "use opentelemetry_otlp::WithExportConfig;\n",
        "use opentelemetry::{KeyValue, global};\nuse opentelemetry_otlp::WithExportConfig;\n",
    );
    let source = format!(
        "{source}\npub fn attribute() -> KeyValue {{\n    global::meter(\"svc\");\n    KeyValue::new(\"a\", 1)\n}}\n"
    );
    let repo = Repo::new(&[
        ("Cargo.toml", workspace),
        ("svc/Cargo.toml", &member),
        ("svc/src/lib.rs", &source),
    ]);
    let file = repo.root.join("svc/src/lib.rs");
    assert!(rustfmt_check(&file, "2024") && !rustfmt_check(&file, "2021"));
    let diff = repo.diff(&[]);
    assert!(diff.contains(&format!("+{RUSTFMT_LAYOUT}")), "{diff}");
}
