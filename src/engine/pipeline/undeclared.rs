//! The dependency gate never silences: a transform gated on a dependency the package does not
//! declare is not run (its versions are unknown), but a file that names that crate where the
//! transform would look gets one `warning` saying why it was not migrated and how to fix it
//! (declare the dependency, or state its version with `assume-dependencies`, which the project
//! resolves into the package's dependencies so the gate opens).

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::{RawFinding, Severity};
use crate::engine::manifest::canonical;
use crate::engine::transform::{FileKind, Transform};

/// The crates a package's code may name without declaring them, each with the gated
/// transforms that therefore do not run on it.
#[derive(Default)]
pub(super) struct Undeclared {
    crates: Vec<(&'static str, Vec<&'static dyn Transform>)>,
}

impl Undeclared {
    /// The gates of `enabled` transforms closed for `package` only because it does not
    /// declare the crate.
    pub fn of(enabled: &[&'static dyn Transform], package: &PackageInfo) -> Undeclared {
        let mut crates: Vec<(&'static str, Vec<&'static dyn Transform>)> = Vec::new();
        // Many transforms are gated on the same few crates: ask the package once per crate.
        let mut declared: Vec<&'static str> = Vec::new();
        for t in enabled.iter().filter(|t| t.scans(FileKind::Rust)) {
            for krate in t.gated_on() {
                if declared.contains(krate) {
                    continue;
                }
                if package.depends_on(krate) {
                    declared.push(krate);
                    continue;
                }
                match crates.iter_mut().find(|(k, _)| k == krate) {
                    Some((_, ts)) => ts.push(*t),
                    None => crates.push((krate, vec![*t])),
                }
            }
        }
        Undeclared { crates }
    }

    /// What lets a file be read to be checked: the crates' names.
    pub fn needles(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.crates.iter().map(|(k, _)| *k)
    }

    /// One warning per undeclared crate the file names where a gated transform would look.
    /// `package_dir` is the package's directory relative to the project root, for the
    /// `assume-dependencies` line the suggestion offers.
    pub fn findings(
        &self,
        text: &str,
        package: &PackageInfo,
        package_dir: &str,
    ) -> Vec<RawFinding> {
        let mut findings = Vec::new();
        for (krate, transforms) in &self.crates {
            // Where the crate is named first: one pass for the crate, where the transforms'
            // needles are many (most files that pass the gate name no undeclared crate).
            let Some(at) = first_use(text, krate) else {
                continue;
            };
            let wanted: Vec<&str> = transforms
                .iter()
                .filter(|t| t.has_needle(text))
                .map(|t| t.id())
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let manifest = package.manifest_path.display();
            let dependency = canonical(krate);
            findings.push(
                RawFinding::new(
                    TextRange::new(at, at + krate.len()),
                    Severity::Warning,
                    format!(
                        "`{krate}` is used here but package `{}` does not declare the `{dependency}` dependency, so its version is unknown and this file was not migrated ({})",
                        package.name,
                        wanted.join(", ")
                    ),
                )
                .with_suggestion(format!(
                    "declare `{dependency}` in {manifest} at the version this code is written against, or state that version in otel-migrate.toml (`[assume-dependencies]` `\"{package_dir}\" = [\"{dependency}@<version>\"]`), then run again"
                )),
            );
        }
        findings
    }
}

/// Where the file names `krate` as a crate: a path `krate::…` not inside a longer name or path.
/// `opentelemetry*` names are unmistakable; a shorter name (`metrics`) counts only in a `use`
/// or `extern crate` and when the file declares no module of that name.
fn first_use(text: &str, krate: &str) -> Option<usize> {
    let unmistakable = krate.starts_with("opentelemetry");
    if !unmistakable && text.contains(&format!("mod {krate}")) {
        return None;
    }
    text.match_indices(krate).map(|(i, _)| i).find(|&i| {
        let before = &text[..i];
        let after = &text[i + krate.len()..];
        let boundary = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        let as_crate = after.starts_with("::")
            || after.starts_with(';')
            || after.starts_with(" as ")
            || after.starts_with(|c: char| c.is_whitespace());
        let in_use = {
            let line = before.rsplit('\n').next().unwrap_or(before).trim_start();
            line.starts_with("use ")
                || line.starts_with("pub use ")
                || line.starts_with("extern crate ")
        };
        boundary && as_crate && (in_use || (unmistakable && after.starts_with("::")))
    })
}

#[cfg(test)]
mod tests {
    use super::first_use;

    #[test]
    fn a_crate_is_named_by_a_path_or_a_use() {
        let text = "fn f() { let _ = opentelemetry_otlp::new_pipeline(); }";
        assert_eq!(first_use(text, "opentelemetry_otlp"), Some(17));
        assert_eq!(first_use(text, "opentelemetry"), None);
        assert_eq!(first_use("use metrics::counter;", "metrics"), Some(4));
        assert_eq!(first_use("let m = metrics::counter();", "metrics"), None);
        assert_eq!(first_use("mod metrics;\nuse metrics::x;", "metrics"), None);
        assert_eq!(first_use("use crate::metrics::x;", "metrics"), None);
        assert_eq!(first_use("use my_opentelemetry::x;", "opentelemetry"), None);
    }
}
