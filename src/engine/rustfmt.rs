//! A file that was rustfmt-clean stays rustfmt-clean: the rewritten text of such a file is
//! passed through the user's own `rustfmt` (the project's `rustfmt.toml`, the package's
//! edition, the toolchain the directory pins), so the new code is laid out as `cargo fmt` would
//! lay it out. Layout is rustfmt's business: emulating its chain and width rules in templates
//! only ever approximates them.
//!
//! Only a file whose original text rustfmt leaves as it is gets formatted: everything the
//! transforms did not touch is then already in rustfmt's layout, so what formatting changes is
//! the rewritten code (and what rustfmt arranges around it, like the order of a `use` group a
//! new name joined). A file that was not clean keeps the transforms' own layout: formatting it
//! would rewrite the user's code. When rustfmt cannot run or fails, or its output does not
//! parse, the text stays as the transforms left it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, Once, OnceLock};

/// The rewritten `migrated` text of `original`, formatted when `original` was rustfmt-clean.
/// `dir` is the file's directory (rustfmt looks for its config and the toolchain file there);
/// `edition` the package's (`None`: rustfmt's default, as `cargo fmt` outside a package).
pub fn keep_clean(original: &str, migrated: String, dir: &Path, edition: Option<&str>) -> String {
    let Some(formatted) = format(&migrated, dir, edition) else {
        return migrated;
    };
    if formatted == migrated {
        return migrated;
    }
    let clean_before = format(original, dir, edition).is_some_and(|f| f == original);
    if clean_before && syn::parse_file(formatted.trim_start_matches('\u{feff}')).is_ok() {
        formatted
    } else {
        migrated
    }
}

/// `text` as rustfmt formats it, or `None` when no rustfmt ran successfully on it.
fn format(text: &str, dir: &Path, edition: Option<&str>) -> Option<String> {
    let candidates: Vec<PathBuf> = match std::env::var_os("RUSTFMT") {
        Some(program) => vec![PathBuf::from(program)],
        // The toolchain `dir` pins, as `cargo fmt` run there would use; when it is not
        // installed, the default toolchain's; without rustup, the one on PATH.
        None => {
            let mut found: Vec<PathBuf> =
                [pinned_toolchain_rustfmt(dir), default_toolchain_rustfmt()]
                    .into_iter()
                    .flatten()
                    .collect();
            found.dedup();
            if found.is_empty() {
                vec![PathBuf::from("rustfmt")]
            } else {
                found
            }
        }
    };
    let mut spawned = false;
    let formatted = candidates.iter().find_map(|program| {
        let output = run(program, text, dir, edition)?;
        spawned = true;
        output
    });
    if !spawned {
        static MISSING: Once = Once::new();
        MISSING.call_once(|| {
            eprintln!(
                "note: rustfmt could not run, so rewritten code keeps the tool's own layout \
                 (install it with `rustup component add rustfmt`, set RUSTFMT, or pass --no-rustfmt)"
            )
        });
    }
    formatted
}

/// `None` when `program` could not be started; `Some(None)` when it failed on `text`.
fn run(program: &Path, text: &str, dir: &Path, edition: Option<&str>) -> Option<Option<String>> {
    let mut command = Command::new(program);
    command.args(["--emit", "stdout", "--quiet"]);
    if let Some(edition) = edition {
        command.args(["--edition", edition]);
    }
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut child = command
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Written from another thread: rustfmt may fill its output pipe before it reads all input.
    let mut stdin = child.stdin.take()?;
    let input = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output();
    let written = writer.join().is_ok_and(|w| w.is_ok());
    Some(
        output
            .ok()
            .filter(|o| written && o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok()),
    )
}

/// The default toolchain's rustfmt binary (`rustup which rustfmt` asked outside any project),
/// found once per run.
fn default_toolchain_rustfmt() -> Option<PathBuf> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| rustup_which(&std::env::temp_dir()))
        .clone()
}

/// The rustfmt binary of the toolchain a `rust-toolchain(.toml)` file above `dir` pins, asked
/// of rustup once per such file (`None`: no pin, or a toolchain that is not installed). The
/// binary is then run directly: no proxy start-up per file.
fn pinned_toolchain_rustfmt(dir: &Path) -> Option<PathBuf> {
    static PINNED: OnceLock<Mutex<HashMap<PathBuf, Option<PathBuf>>>> = OnceLock::new();
    let pinning = dir
        .ancestors()
        .find(|d| d.join("rust-toolchain.toml").is_file() || d.join("rust-toolchain").is_file())?;
    let cache = PINNED.get_or_init(Default::default);
    if let Some(known) = cache.lock().ok()?.get(pinning) {
        return known.clone();
    }
    let found = rustup_which(pinning);
    cache
        .lock()
        .ok()?
        .insert(pinning.to_path_buf(), found.clone());
    found
}

/// `rustup which rustfmt` run in `dir`, without installing anything. Without the user's
/// backtrace switches: with `RUST_BACKTRACE=1`, rustup symbolizes a backtrace for the error it
/// gives on a pinned toolchain that is not installed (60 ms a call here, against 2 ms).
fn rustup_which(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("rustup")
        .args(["which", "rustfmt"])
        .env("RUSTUP_AUTO_INSTALL", "0")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .current_dir(dir)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !path.trim().is_empty()).then(|| PathBuf::from(path.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "fn main() {\n    let x = 1;\n}\n";

    /// [`keep_clean`] in a fresh directory (with that `rustfmt.toml`), edition 2021; `None`
    /// when rustfmt cannot run here, which fails the test under CI instead.
    fn kept(rustfmt_toml: Option<&str>, original: &str, migrated: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(config) = rustfmt_toml {
            std::fs::write(dir.path().join("rustfmt.toml"), config).unwrap();
        }
        let found = format(CLEAN, dir.path(), Some("2021")).is_some();
        assert!(
            found || std::env::var_os("CI").is_none(),
            "rustfmt is required under CI"
        );
        found.then(|| keep_clean(original, migrated.to_string(), dir.path(), Some("2021")))
    }

    #[test]
    fn a_clean_file_is_formatted_after_the_rewrite() {
        let original = "fn main() {\n    let e = a().b();\n}\n";
        let migrated = "fn main() {\n    let e = a()\n        .c()\n        .b();\n}\n";
        if let Some(out) = kept(None, original, migrated) {
            assert_eq!(out, "fn main() {\n    let e = a().c().b();\n}\n");
        }
    }

    #[test]
    fn a_file_that_was_not_clean_keeps_the_rewrite_as_it_is() {
        let original = "fn main() {\n  let e = a().b();\n}\n";
        let migrated = "fn main() {\n  let e = a()\n        .c()\n        .b();\n}\n";
        if let Some(out) = kept(None, original, migrated) {
            assert_eq!(out, migrated);
        }
    }

    #[test]
    fn the_projects_rustfmt_toml_applies() {
        let original = "fn main() {\n  let e = a().b();\n}\n";
        let migrated = "fn main() {\n  let e = a()\n    .c()\n    .b();\n}\n";
        if let Some(out) = kept(Some("tab_spaces = 2\n"), original, migrated) {
            assert_eq!(out, "fn main() {\n  let e = a().c().b();\n}\n");
        }
    }
}
