//! One `cargo check --message-format=json` run and what it said: the compiler's errors (each
//! with every span of the message and of its children, and the package it belongs to) and the
//! packages that compiled. `--verify` and the back-out loop read its output; neither parses
//! cargo's JSON itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a cargo run said, when it got as far as compiling.
#[derive(Debug, Default)]
pub struct CargoRun {
    pub errors: Vec<RawError>,
    /// Manifest paths (as cargo printed them) of the packages with a compiled target.
    pub compiled: BTreeSet<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct RawError {
    /// As rustc printed it: relative to the workspace root, or absolute.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub rendered: String,
    /// Every span of the message and of its children (notes, help): file and line.
    pub spans: Vec<(PathBuf, usize)>,
    /// The manifest of the package being compiled (absolute, as cargo printed it).
    pub manifest_path: Option<PathBuf>,
}

/// Runs `cargo check --message-format=json <args>` in `root` with the shared `target`
/// directory. `Ok` when cargo compiled (whether or not the compiler found errors); `Err` with
/// cargo's own words when it failed before the compiler said anything (resolution, network,
/// build scripts, a missing toolchain).
pub fn cargo_check(root: &Path, target: &Path, args: &[String]) -> Result<CargoRun, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .args(["check", "--message-format=json"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut run = CargoRun::default();
    for v in String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        let manifest = v["manifest_path"].as_str().map(PathBuf::from);
        if v["reason"] == "compiler-artifact" {
            run.compiled.extend(manifest);
        } else if v["reason"] == "compiler-message" && v["message"]["level"] == "error" {
            if let Some(mut e) = raw_error(&v["message"]) {
                e.manifest_path = manifest;
                run.errors.push(e);
            }
        }
    }
    // A package with an error did not compile, whatever targets of it did.
    for e in &run.errors {
        if let Some(m) = &e.manifest_path {
            run.compiled.remove(m);
        }
    }
    if out.status.success() || !run.errors.is_empty() {
        return Ok(run);
    }
    // Resolution, download or build-script failures: cargo's own words.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("Compiling") && !l.trim_start().starts_with("Checking")
        })
        .take(12)
        .collect();
    Err(format!("cargo check failed: {}", first.join("\n")))
}

fn raw_error(message: &serde_json::Value) -> Option<RawError> {
    let spans = message["spans"].as_array()?;
    let span = spans
        .iter()
        .find(|s| s["is_primary"] == true)
        .or_else(|| spans.first());
    let text = message["message"].as_str()?.to_string();
    let rendered = message["rendered"].as_str().unwrap_or(&text).to_string();
    let (file, line, column) = match span {
        Some(s) => (
            PathBuf::from(s["file_name"].as_str().unwrap_or("")),
            s["line_start"].as_u64().unwrap_or(0) as usize,
            s["column_start"].as_u64().unwrap_or(0) as usize,
        ),
        // `aborting due to …` and friends carry no span and say nothing new.
        None if text.starts_with("aborting due to") => return None,
        None => (PathBuf::new(), 0, 0),
    };
    let mut all = Vec::new();
    collect_spans(message, &mut all);
    Some(RawError {
        file,
        line,
        column,
        message: text,
        rendered,
        spans: all,
        manifest_path: None,
    })
}

/// The spans of a message and of its children, recursively (a `help` that suggests a fix
/// points at the lines a back-out must cover as well).
fn collect_spans(message: &serde_json::Value, out: &mut Vec<(PathBuf, usize)>) {
    for s in message["spans"].as_array().into_iter().flatten() {
        if let (Some(file), Some(start), Some(end)) = (
            s["file_name"].as_str(),
            s["line_start"].as_u64(),
            s["line_end"].as_u64(),
        ) {
            for line in start..=end.max(start) {
                out.push((PathBuf::from(file), line as usize));
            }
        }
    }
    for child in message["children"].as_array().into_iter().flatten() {
        collect_spans(child, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_keeps_the_spans_of_its_children() {
        let message = serde_json::json!({
            "message": "mismatched types",
            "rendered": "error[E0308]: mismatched types",
            "spans": [
                {"file_name": "src/lib.rs", "line_start": 4, "line_end": 4, "column_start": 9, "is_primary": true},
            ],
            "children": [
                {"message": "note", "spans": [
                    {"file_name": "src/other.rs", "line_start": 10, "line_end": 11, "column_start": 1, "is_primary": true}
                ], "children": []}
            ]
        });
        let e = raw_error(&message).unwrap();
        assert_eq!(
            (e.file.to_str(), e.line, e.column),
            (Some("src/lib.rs"), 4, 9)
        );
        assert_eq!(
            e.spans,
            vec![
                (PathBuf::from("src/lib.rs"), 4),
                (PathBuf::from("src/other.rs"), 10),
                (PathBuf::from("src/other.rs"), 11)
            ]
        );
    }

    #[test]
    fn a_spanless_abort_note_is_dropped() {
        let message =
            serde_json::json!({"message": "aborting due to 2 previous errors", "spans": []});
        assert!(raw_error(&message).is_none());
    }
}
