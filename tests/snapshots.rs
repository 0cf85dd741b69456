//! Snapshot tests: every fixture case's findings and diff, for its own transform, plus the
//! harness invariants (output parses, idempotent, no bytes changed outside edits, line
//! endings/BOM kept, negative cases untouched). Review changes with `cargo insta review`.

mod support;

use support::{run_case, Case};

fn check(path: &std::path::Path) {
    let case = Case::from_path(path);
    let run = run_case(&case);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.remove_snapshot_suffix();
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(case.snapshot_name(), run.snapshot()));
    let violations = run.invariant_violations();
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn single_file_cases() {
    insta::glob!("../fixtures", "*/*.input.{rs,toml}", check);
}

#[test]
fn directory_cases() {
    insta::glob!("../fixtures", "*/*/Cargo.toml", |path| {
        if !path.starts_with(support::fixtures_dir().join("repos")) {
            check(path)
        }
    });
}
