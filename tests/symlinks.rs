//! Writes stay where they belong (issue 23): a symbolic link in a repository never makes the
//! tool change a file outside it, unless the user allows it with `--write-through-symlinks`
//! (then the dirty-tree check covers the target's own work tree); linked directories out of
//! the tree are not walked, loops end the walk with a note; links inside the tree migrate as
//! any file. The same for `apply`, `batch --apply` and `adopt`.
#![cfg(unix)]

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use support::cli::{bin, git, out_of, write, Out};

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nopentelemetry = { version = \"0.26\", features = [\"metrics\"] }\n";
const OLD: &str = "use opentelemetry::global;\n\npub fn counter() {\n    let _c = global::meter(\"svc\").u64_counter(\"hits\").init();\n}\n";
const MIGRATED: &str = "u64_counter(\"hits\").build()";

/// Runs the binary in `dir`; a run that does not end within a minute fails the test.
fn run(dir: &Path, args: &[&str]) -> Out {
    let mut cmd = bin();
    cmd.current_dir(dir).args(args);
    let output = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    out_of(output)
}

fn commit_all(dir: &Path) {
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        git(dir, &["config", "user.name", "t"]);
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "state"]);
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// A temporary directory with `svc/` (a package on opentelemetry 0.26 with `src/main_code.rs`
/// to migrate, a git repository) and `elsewhere/` (another git repository holding `secret.rs`,
/// old code too).
struct World {
    _dir: tempfile::TempDir,
    svc: PathBuf,
    elsewhere: PathBuf,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let svc = base.join("svc");
        let elsewhere = base.join("elsewhere");
        write(&svc.join("Cargo.toml"), MANIFEST);
        write(&svc.join("src/main_code.rs"), OLD);
        write(
            &svc.join("otel-migrate.toml"),
            "only = [\"instrument-init-to-build\"]\n",
        );
        write(&elsewhere.join("secret.rs"), OLD);
        write(&elsewhere.join("dir/hidden.rs"), OLD);
        commit_all(&elsewhere);
        World {
            _dir: dir,
            svc,
            elsewhere,
        }
    }

    /// `svc/src/lib.rs` → `elsewhere/secret.rs`, committed.
    fn with_file_link_out(self) -> World {
        symlink(
            self.elsewhere.join("secret.rs"),
            self.svc.join("src/lib.rs"),
        )
        .unwrap();
        commit_all(&self.svc);
        self
    }
}

#[test]
fn a_file_link_out_of_the_tree_is_not_written_and_named_in_an_error_finding() {
    let w = World::new().with_file_link_out();
    let out = run(&w.svc, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(&w.elsewhere.join("secret.rs")), OLD, "never written");
    assert!(read(&w.svc.join("src/main_code.rs")).contains(MIGRATED));
    assert!(out.stderr.contains("error[engine]"), "{}", out.stderr);
    assert!(out.stderr.contains("src/lib.rs"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&w.elsewhere.join("secret.rs").display().to_string()),
        "names the target: {}",
        out.stderr
    );
    assert!(out.stderr.contains("--write-through-symlinks"));
    assert!(out.stderr.contains("wrote 1 file(s)"), "{}", out.stderr);
    // diff and check see the same: no patch for the link, and the gate fails on the finding.
    let diff = run(&w.svc, &["diff"]);
    assert!(!diff.stdout.contains("lib.rs"), "{}", diff.stdout);
    assert_eq!(run(&w.svc, &["check"]).code, 1);
    // A repository's own config cannot allow it.
    write(
        &w.svc.join("otel-migrate.toml"),
        "only = [\"instrument-init-to-build\"]\nwrite-through-symlinks = true\n",
    );
    commit_all(&w.svc);
    let out = run(&w.svc, &["apply"]);
    assert!(out.stderr.contains("is ignored"), "{}", out.stderr);
    assert_eq!(read(&w.elsewhere.join("secret.rs")), OLD);
}

#[test]
fn the_flag_writes_through_the_link_after_the_dirty_check_of_the_targets_work_tree() {
    let w = World::new().with_file_link_out();
    write(
        &w.elsewhere.join("secret.rs"),
        &format!("{OLD}// local edit\n"),
    );
    let out = run(&w.svc, &["apply", "--write-through-symlinks"]);
    assert_eq!(out.code, 2, "the target is dirty in its own work tree");
    assert!(
        out.stderr.contains("secret.rs (modified)"),
        "{}",
        out.stderr
    );
    assert!(!read(&w.elsewhere.join("secret.rs")).contains(MIGRATED));
    assert!(!read(&w.svc.join("src/main_code.rs")).contains(MIGRATED));

    commit_all(&w.elsewhere);
    let out = run(&w.svc, &["apply", "--write-through-symlinks"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.elsewhere.join("secret.rs")).contains(MIGRATED));
    assert!(std::fs::symlink_metadata(w.svc.join("src/lib.rs"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(out.stderr.contains("note[engine]"), "{}", out.stderr);

    // The same permission from the file given to --config.
    let w = World::new().with_file_link_out();
    write(
        &w.elsewhere.join("allow.toml"),
        "only = [\"instrument-init-to-build\"]\nwrite-through-symlinks = true\n",
    );
    commit_all(&w.elsewhere);
    let config = w.elsewhere.join("allow.toml");
    let out = run(&w.svc, &["apply", "--config", config.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.elsewhere.join("secret.rs")).contains(MIGRATED));
}

#[test]
fn a_directory_link_out_of_the_tree_is_not_walked() {
    let w = World::new();
    symlink(w.elsewhere.join("dir"), w.svc.join("src/vendor")).unwrap();
    commit_all(&w.svc);
    let out = run(&w.svc, &["apply", "--write-through-symlinks"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(&w.elsewhere.join("dir/hidden.rs")), OLD);
    assert!(out.stderr.contains("note[engine]"), "{}", out.stderr);
    assert!(out.stderr.contains("not walked"), "{}", out.stderr);
    assert!(out.stderr.contains("src/vendor"), "{}", out.stderr);
}

#[test]
fn symlink_loops_are_notes_and_the_run_ends() {
    let w = World::new();
    symlink("b.rs", w.svc.join("src/a.rs")).unwrap();
    symlink("a.rs", w.svc.join("src/b.rs")).unwrap();
    symlink("..", w.svc.join("src/up")).unwrap();
    commit_all(&w.svc);
    let out = run(&w.svc, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.svc.join("src/main_code.rs")).contains(MIGRATED));
    let loops = out.stderr.matches("symbolic link loop").count();
    assert_eq!(loops, 3, "{}", out.stderr);
}

#[test]
fn a_link_inside_the_tree_migrates_as_today() {
    let w = World::new();
    write(&w.svc.join("shared/lib.rs"), OLD);
    symlink("../shared/lib.rs", w.svc.join("src/lib.rs")).unwrap();
    commit_all(&w.svc);
    let out = run(&w.svc, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.svc.join("shared/lib.rs")).contains(MIGRATED));
    assert!(std::fs::symlink_metadata(w.svc.join("src/lib.rs"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!out.stderr.contains("[engine]"), "{}", out.stderr);
}

#[test]
fn batch_apply_keeps_writes_inside_each_repository() {
    let w = World::new().with_file_link_out();
    symlink(w.elsewhere.join("dir"), w.svc.join("src/vendor")).unwrap();
    commit_all(&w.svc);
    let root = w.svc.parent().unwrap();
    write(&root.join("migrate.toml"), "[[repo]]\npath = \"svc\"\n");
    let out = run(root, &["batch", "migrate.toml", "--apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(&w.elsewhere.join("secret.rs")), OLD);
    assert!(read(&w.svc.join("src/main_code.rs")).contains(MIGRATED));
    assert!(out.stderr.contains("error[engine]"), "{}", out.stderr);
    assert!(out.stderr.contains("not walked"), "{}", out.stderr);

    // The batch entry may allow it for its repository; the target's work tree is checked.
    commit_all(&w.svc);
    write(
        &w.elsewhere.join("secret.rs"),
        &format!("{OLD}// local edit\n"),
    );
    write(
        &root.join("migrate.toml"),
        "[[repo]]\npath = \"svc\"\nwrite-through-symlinks = true\n",
    );
    let out = run(root, &["batch", "migrate.toml", "--apply"]);
    assert_eq!(out.code, 2, "dirty target: {}", out.stderr);
    assert!(
        out.stderr.contains("secret.rs (modified)"),
        "{}",
        out.stderr
    );
    commit_all(&w.elsewhere);
    let out = run(root, &["batch", "migrate.toml", "--apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.elsewhere.join("secret.rs")).contains(MIGRATED));
    assert_eq!(
        read(&w.elsewhere.join("dir/hidden.rs")),
        OLD,
        "never walked"
    );
}

const TRACING_MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntracing = \"0.1\"\ntracing-subscriber = \"0.3\"\n";
const TRACING_MAIN: &str = "use tracing_subscriber::prelude::*;\n\nfn main() {\n    tracing_subscriber::registry()\n        .with(tracing_subscriber::fmt::layer())\n        .init();\n}\n";

#[test]
fn adopt_does_not_write_through_a_link_out_of_the_tree() {
    let w = World::new();
    std::fs::remove_dir_all(&w.svc).unwrap();
    write(&w.svc.join("Cargo.toml"), TRACING_MANIFEST);
    write(&w.elsewhere.join("main.rs"), TRACING_MAIN);
    commit_all(&w.elsewhere);
    std::fs::create_dir_all(w.svc.join("src")).unwrap();
    symlink(w.elsewhere.join("main.rs"), w.svc.join("src/main.rs")).unwrap();
    symlink(&w.elsewhere, w.svc.join("src/shared")).unwrap();
    commit_all(&w.svc);
    let out = run(&w.svc, &["adopt"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(&w.elsewhere.join("main.rs")), TRACING_MAIN);
    assert!(out.stderr.contains("error[engine]"), "{}", out.stderr);
    assert!(out.stderr.contains("src/main.rs"), "{}", out.stderr);
    assert!(out.stderr.contains("not walked"), "{}", out.stderr);

    git(&w.svc, &["checkout", "-q", "."]);
    git(&w.svc, &["clean", "-qfd"]);
    let out = run(&w.svc, &["adopt", "--write-through-symlinks"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(read(&w.elsewhere.join("main.rs")).contains("otel_guard.layer()"));
}
