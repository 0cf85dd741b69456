//! The lockfile and one version (issue 17 item 4), on the copy once the loop has settled: the
//! check already moved the lock to the migrated requirements; a crate of the OpenTelemetry
//! family still locked at two versions gets `cargo update -p name@old` (which fails, and is
//! left, when a dependency still requires the old one). Then `cargo metadata` tells whether the
//! resolved graph holds exactly one version of each family crate, the target's, and a
//! tracing-opentelemetry that pairs with it; otherwise a finding names the dependency path that
//! pulls the other version and the release that fixes it (the built-in contrib table first).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::graph::{metadata, Graph};
use super::{environment, Settings};
use crate::commands::verify::ProjectCopy;
use crate::engine::finding::{Finding, Severity};
use crate::engine::manifest::{canonical, minimum_version};
use crate::engine::report::display_path;
use crate::engine::verify_report::VerifyReport;
use crate::otel::crates::{CONTRIB, FAMILY};

/// The lockfile step alone, on a copy of the project at `root` as it is now (an adopted
/// repository after its write): the refreshed lock and the second-version findings.
pub fn check_lock_alone(root: &Path, settings: &Settings) -> Result<LockCheck, String> {
    let copy = ProjectCopy::new(root)?;
    let args: Vec<String> = environment::config_args(root, &copy.root)
        .into_iter()
        .chain(settings.cargo_args())
        .collect();
    Ok(check(&copy, &args))
}

/// `--update-lock`: writes the lockfiles the verification refreshed and says so in its report;
/// the write errors.
pub fn write_locks(
    locks: &[(PathBuf, String)],
    mut report: Option<&mut VerifyReport>,
) -> Vec<(PathBuf, String)> {
    let mut errors = Vec::new();
    for (path, text) in locks {
        match crate::engine::fs::write_atomic(path, text) {
            Ok(()) => {
                let root = path.parent().map(display_path).unwrap_or_default();
                let checks = report.iter_mut().flat_map(|v| v.projects.iter_mut());
                for p in checks.filter(|p| p.path == root) {
                    p.lockfile = Some("refreshed, written".to_string());
                }
            }
            Err(e) => errors.push((
                path.clone(),
                format!("cannot write the refreshed lockfile: {e}"),
            )),
        }
    }
    errors
}

/// What became of a project's lockfile in the copy.
pub struct LockCheck {
    /// `none`, `unchanged`, or `refreshed`.
    pub state: &'static str,
    /// The refreshed lock, to write with `--update-lock`.
    pub refreshed: Option<String>,
    pub findings: Vec<Finding>,
}

/// Refreshes the copy's lock and checks the resolved graph for second versions.
pub fn check(copy: &ProjectCopy, cargo_args: &[String]) -> LockCheck {
    let user_lock = copy.user_root.join("Cargo.lock");
    let Ok(before) = std::fs::read_to_string(&user_lock) else {
        return LockCheck {
            state: "none",
            refreshed: None,
            findings: Vec::new(),
        };
    };
    let mut findings = Vec::new();
    match metadata(&copy.root, cargo_args) {
        Ok(graph) => {
            for (name, old) in graph.second_versions() {
                // Best effort: when a dependency still requires the old version cargo says so
                // and the graph below keeps it (then the finding names that dependency).
                let unlocked = cargo_args.iter().filter(|a| *a != "--locked").cloned();
                let args: Vec<String> = ["-p".to_string(), format!("{name}@{old}")]
                    .into_iter()
                    .chain(unlocked)
                    .collect();
                let _ = cargo(&copy.root, "update", &args);
            }
            match metadata(&copy.root, cargo_args) {
                Ok(graph) => findings.extend(graph.findings(&user_lock)),
                Err(e) => findings.push(cannot_check(&user_lock, e)),
            }
        }
        Err(e) => findings.push(cannot_check(&user_lock, e)),
    }
    let after = std::fs::read_to_string(copy.root.join("Cargo.lock")).unwrap_or_default();
    let changed = !after.is_empty() && after != before;
    LockCheck {
        state: if changed { "refreshed" } else { "unchanged" },
        refreshed: changed.then_some(after),
        findings,
    }
}

fn cannot_check(lock: &Path, e: String) -> Finding {
    Finding::about_path(
        lock,
        "verify",
        Severity::Warning,
        format!("the resolved dependency graph could not be checked for second OpenTelemetry versions: {e}"),
    )
}

/// Runs `cargo <command> <args>` in `root`: its stdout, or the first lines of its stderr.
pub(super) fn cargo(root: &Path, command: &str, args: &[String]) -> Result<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TERM_COLOR", "never")
        .arg(command)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().take(8).collect::<Vec<_>>().join("\n"))
    }
}

/// The family crate's target version requirement (`0.27`, `0.27.1`, `0.28`).
fn target_of(name: &str) -> Option<&'static str> {
    FAMILY
        .iter()
        .find(|(n, _)| canonical(n) == canonical(name))
        .map(|(_, v)| *v)
}

/// Whether `version` is on the target's release line (`0.27.x` for `0.27.1`).
fn on_target(version: &str, target: &str) -> bool {
    let (Ok(v), Some(t)) = (semver::Version::parse(version), minimum_version(target)) else {
        return false;
    };
    (v.major, v.minor) == (t.major, t.minor)
}

impl Graph {
    /// Family crates locked at more than one version: (name, each version off the target).
    fn second_versions(&self) -> Vec<(String, String)> {
        let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (name, version) in self.packages.values() {
            if target_of(name).is_some() {
                versions.entry(name).or_default().insert(version);
            }
        }
        let mut out = Vec::new();
        for (name, vs) in versions.into_iter().filter(|(_, vs)| vs.len() > 1) {
            let target = target_of(name).unwrap_or_default();
            for v in vs.into_iter().filter(|v| !on_target(v, target)) {
                out.push((name.to_string(), v.to_string()));
            }
        }
        out
    }

    /// A finding for each family crate resolved off its target line (a second version, or
    /// a tracing-opentelemetry that does not pair with the target opentelemetry).
    fn findings(&self, lock: &Path) -> Vec<Finding> {
        // Crates resolved on their target line: an old version next to one is a second
        // version; a tracing-opentelemetry must pair with a target opentelemetry.
        let on: BTreeSet<String> = self
            .packages
            .values()
            .filter(|(n, v)| target_of(n).is_some_and(|t| on_target(v, t)))
            .map(|(n, _)| canonical(n))
            .collect();
        let mut out = Vec::new();
        for (id, (name, version)) in &self.packages {
            let Some(target) = target_of(name) else {
                continue;
            };
            let pairs = canonical(name) == "tracing-opentelemetry" && on.contains("opentelemetry");
            if on_target(version, target) || !(on.contains(&canonical(name)) || pairs) {
                continue;
            }
            let path = self.path_to(id);
            let shown: Vec<String> = path
                .iter()
                .map(|p| {
                    let (n, v) = &self.packages[p];
                    format!("{n} {v}")
                })
                .collect();
            let puller = path
                .len()
                .checked_sub(2)
                .map(|i| self.packages[&path[i]].0.clone());
            let fix = puller
                .as_deref()
                .and_then(|p| CONTRIB.iter().find(|(c, _)| canonical(c) == canonical(p)))
                .map_or_else(
                    || "no release on the target is known".to_string(),
                    |(c, v)| format!("{c} {v} is built on the target"),
                );
            out.push(
                Finding::about_path(
                    lock,
                    "verify",
                    Severity::Warning,
                    format!(
                        "{name} {version} is still in the resolved graph next to the target {target} (pulled by {}): {fix}",
                        if shown.is_empty() { "an unknown path".to_string() } else { shown.join(" → ") }
                    ),
                )
                .with_suggestion("move the crate that pulls it to a release on the target, then `cargo update`"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)], versions: &[(&str, &str, &str)]) -> Graph {
        let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (a, b) in edges {
            deps.entry(a.to_string()).or_default().push(b.to_string());
        }
        Graph {
            packages: versions
                .iter()
                .map(|(id, n, v)| (id.to_string(), (n.to_string(), v.to_string())))
                .collect(),
            deps,
            members: vec!["svc".to_string()],
            manifests: BTreeMap::new(),
        }
    }

    #[test]
    fn a_second_opentelemetry_is_named_with_the_path_that_pulls_it_and_the_fix() {
        let g = graph(
            &[("svc", "otel27"), ("svc", "aws"), ("aws", "otel26")],
            &[
                ("svc", "svc", "0.1.0"),
                ("otel27", "opentelemetry", "0.27.1"),
                ("aws", "opentelemetry-aws", "0.14.0"),
                ("otel26", "opentelemetry", "0.26.0"),
            ],
        );
        assert_eq!(
            g.second_versions(),
            vec![("opentelemetry".to_string(), "0.26.0".to_string())]
        );
        let f = g.findings(Path::new("Cargo.lock"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("pulled by svc 0.1.0 → opentelemetry-aws 0.14.0 → opentelemetry 0.26.0")
                && f[0]
                    .message
                    .contains("opentelemetry-aws 0.15 is built on the target"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn an_unknown_puller_has_no_known_release_and_the_target_line_passes() {
        let g = graph(
            &[("svc", "otel"), ("svc", "x"), ("x", "old")],
            &[
                ("svc", "svc", "0.1.0"),
                ("otel", "opentelemetry", "0.27.0"),
                ("x", "some-exporter", "1.0.0"),
                ("old", "opentelemetry", "0.24.0"),
            ],
        );
        let f = g.findings(Path::new("Cargo.lock"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("no release on the target is known"),
            "{}",
            f[0].message
        );
        let fine = graph(
            &[("svc", "otel")],
            &[("svc", "svc", "0.1.0"), ("otel", "opentelemetry", "0.27.1")],
        );
        assert!(fine.findings(Path::new("Cargo.lock")).is_empty());
        assert!(fine.second_versions().is_empty());
    }
}
