//! The robustness run over a whole tree (see `scripts/robustness.sh`, which prepares a COPY of
//! `$CARGO_HOME/registry/src` and the demo repositories): every immediate subdirectory of each
//! TREE argument is a unit migrated in process with every transform. Prints the counts as a
//! Markdown table and every violation; exits 1 when there is one. The checks are the ones
//! `tests/robustness.rs` runs on its bounded corpus (tests/support/robustness.rs).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let trees: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if trees.is_empty() {
        eprintln!("usage: robustness TREE... (a copy: outputs are written into it)");
        return ExitCode::from(2);
    }
    let started = std::time::Instant::now();
    let mut total = support::robustness::Counts::default();
    for tree in &trees {
        total.merge(support::robustness::check_tree(tree));
    }
    println!("{total}");
    println!("elapsed: {:.1?}", started.elapsed());
    let violations = total.violations();
    for v in &violations {
        println!("VIOLATION {v}");
    }
    if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
