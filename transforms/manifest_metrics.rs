//! # manifest-metrics
//!
//! ## What it does
//! Moves the `metrics` facade crates to the set the 0.24 rewrite targets: `metrics` 0.24.2
//! (0.24.0 and 0.24.1 no longer build on current rustc; 0.24.4/0.24.5 are yanked),
//! `metrics-exporter-prometheus` 0.16 (its `hyper-tls` feature no longer exists and is
//! dropped) and `metrics-util` 0.19 (what exporter 0.16.2 depends on: another metrics-util
//! breaks `idle_timeout(MetricKindMask…)` with E0308). All three move together, and only when
//! the `metrics-macros` transform runs in the same invocation: the macro API changed in 0.22,
//! and an exporter on another `metrics` than the macros silently records nothing.
//!
//! ## Before
//! ```toml
//! metrics = "0.21"
//! metrics-exporter-prometheus = { version = "0.13", features = ["hyper-tls"] }
//! ```
//!
//! ## After
//! ```toml
//! metrics = "0.24.2"
//! metrics-exporter-prometheus = { version = "0.16", features = [] }
//! ```
//!
//! ## Not rewritten
//! - Everything, when `metrics-macros` is skipped (or not part of this build): the crates stay
//!   and a note says why.
//! - Requirements already on the target minor (`"0.24"`), newer ones, git/path dependencies
//!   and ranges: as in `manifest-versions`.
//!
//! ## Safety
//! Only version literals and the `hyper-tls` element change. The operator and precision of
//! each requirement are kept, except the minimum patch 0.24.2.

use crate::engine::finding::Severity;
use crate::engine::manifest::{canonical, minimum_version, DepEntry, DepSource};
use crate::engine::manifest_edit::{retarget, rewrite_array, set_version, Retarget};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::crates::{self, METRICS};
use crate::transforms;

pub struct ManifestMetrics;

/// The transform that rewrites the macro call sites the version bump breaks.
const MACROS_REWRITE: &str = "metrics-macros";

impl Transform for ManifestMetrics {
    fn id(&self) -> &'static str {
        "manifest-metrics"
    }

    fn description(&self) -> &'static str {
        "Cargo.toml: metrics 0.24.2 / metrics-exporter-prometheus 0.16 / metrics-util 0.19, with the metrics-macros rewrite"
    }

    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }

    fn needles(&self) -> &'static [&'static str] {
        &["metrics"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        // The rewrite must both exist in this build and be enabled in this invocation.
        let with_rewrite =
            transforms::find(MACROS_REWRITE).is_some() && cx.is_enabled(MACROS_REWRITE);
        plan(cx, with_rewrite)
    }
}

fn plan(cx: &FileContext<'_>, with_rewrite: bool) -> Outcome {
    let mut out = Outcome::default();
    let Some(manifest) = cx.manifest else {
        return out;
    };
    let metrics_deps = manifest.deps.iter().filter(|d| {
        !d.workspace
            && METRICS
                .iter()
                .any(|(c, _)| canonical(c) == canonical(&d.package))
    });
    for entry in metrics_deps {
        let Some(Ok(target)) = crates::target(&cx.config.targets, &entry.package) else {
            continue;
        };
        let at = entry.version_span.or(entry.key_span).unwrap_or_default();
        let Some(req) = entry.version.as_deref() else {
            continue;
        };
        if canonical(&entry.package) == "metrics-util" && util_fits(cx, req) {
            continue;
        }
        // A workspace's own `metrics` crate (a Prometheus wrapper, say) is not the facade.
        if entry.source == DepSource::Path && cx.project.has_package(&entry.package) {
            continue;
        }
        if entry.source != DepSource::Registry {
            out.finding(
                at,
                Severity::Warning,
                format!(
                    "`{}` is a git/path dependency: not moved to {target}",
                    entry.package
                ),
                format!("use the registry release `\"{target}\"`"),
            );
            continue;
        }
        match retarget(req, &target) {
            Retarget::OnTarget => {}
            Retarget::Bump(new) if with_rewrite => {
                if let Some(e) = set_version(&cx.file.text, entry, &new) {
                    out.edit(e);
                }
                drop_hyper_tls(cx, entry, &mut out);
            }
            Retarget::Bump(new) => out.finding(
                at,
                Severity::Note,
                format!("`{}` stays on \"{req}\": moving it to \"{new}\" needs the `{MACROS_REWRITE}` rewrite, which is not running", entry.package),
                format!("run otel-migrate with `{MACROS_REWRITE}` enabled to move metrics, metrics-exporter-prometheus and metrics-util together"),
            ),
            Retarget::Newer => out.finding(
                at,
                Severity::Warning,
                format!("`{}` requires \"{req}\", newer than the target {target}: not downgraded", entry.package),
                "keep metrics, metrics-exporter-prometheus and metrics-util on matching releases (see `cargo tree -d`)",
            ),
            Retarget::Unsupported => out.finding(
                at,
                Severity::Warning,
                format!("`{}` requires \"{req}\": this requirement shape is not rewritten", entry.package),
                format!("write `\"{target}\"`"),
            ),
        }
    }
    out
}

fn drop_hyper_tls(cx: &FileContext<'_>, entry: &DepEntry, out: &mut Outcome) {
    if !entry.is("metrics-exporter-prometheus") {
        return;
    }
    let Some(span) = entry.features_span else {
        return;
    };
    let changes: Vec<Option<Vec<String>>> = entry
        .feature_items
        .iter()
        .map(|(f, _)| (f == "hyper-tls").then(Vec::new))
        .collect();
    let edits = rewrite_array(&cx.file.text, span, &entry.feature_items, &changes);
    if !edits.is_empty() {
        out.finding(
            span,
            Severity::Note,
            "metrics-exporter-prometheus feature `hyper-tls` removed: 0.16 has no such feature (the push gateway uses hyper-rustls)",
            "nothing to do",
        );
    }
    for e in edits {
        out.edit(e);
    }
}

/// metrics-util 0.18 is already built on metrics 0.24: it needs 0.19 only beside
/// metrics-exporter-prometheus 0.16 (which depends on 0.19), so without the exporter in the
/// project it stays (vector: metrics 0.24.2 with metrics-util 0.18).
fn util_fits(cx: &FileContext<'_>, req: &str) -> bool {
    let on_metrics_024 = minimum_version(req).is_some_and(|v| (v.major, v.minor) >= (0, 18));
    let exporter = cx
        .project
        .manifests
        .iter()
        .any(|m| m.deps.iter().any(|d| d.is("metrics-exporter-prometheus")));
    on_metrics_024 && !exporter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::context::Project;
    use crate::engine::manifest::Manifest;
    use crate::engine::source::SourceFile;
    use crate::engine::transform::FileContext;
    use std::path::{Path, PathBuf};

    fn run(text: &str, with_rewrite: bool) -> String {
        let path = Path::new("/p/Cargo.toml");
        let file = SourceFile::new(path, text.to_string());
        let manifest = Manifest::parse(path, text).unwrap();
        let project = Project {
            root: PathBuf::from("/p"),
            component: "p".into(),
            config: Config::default(),
            manifest_paths: vec![path.to_path_buf()],
            manifests: vec![manifest.clone()],
            packages: Vec::new(),
            lockfile_path: None,
            lockfile: None,
            git_root: None,
            config_error: None,
            indent_fallback: None,
            state: Default::default(),
        };
        let config = Config::default();
        let cx = FileContext {
            file: &file,
            original: &file,
            syntax: None,
            imports: None,
            manifest: Some(&manifest),
            package: None,
            project: &project,
            config: &config,
        };
        plan(&cx, with_rewrite).edits.apply(text)
    }

    const BEFORE: &str = "[dependencies]\r\nmetrics = \"0.21\" # facade\r\nmetrics-exporter-prometheus = { version = \"~0.13.1\", default-features = false, features = [\"http-listener\", \"hyper-tls\"] }\r\nmetrics-util = \"0.15\"\r\n";

    #[test]
    fn moves_the_three_crates_together_with_the_macro_rewrite() {
        assert_eq!(
            run(BEFORE, true),
            "[dependencies]\r\nmetrics = \"0.24.2\" # facade\r\nmetrics-exporter-prometheus = { version = \"~0.16.0\", default-features = false, features = [\"http-listener\"] }\r\nmetrics-util = \"0.19\"\r\n"
        );
    }

    #[test]
    fn leaves_them_without_the_macro_rewrite() {
        assert_eq!(run(BEFORE, false), BEFORE);
    }

    #[test]
    fn metrics_util_already_on_metrics_024_stays_without_the_exporter() {
        let before = "[dependencies]\nmetrics = \"0.23\"\nmetrics-util = { version = \"0.18.0\", default-features = false }\n";
        assert_eq!(
            run(before, true),
            "[dependencies]\nmetrics = \"0.24.2\"\nmetrics-util = { version = \"0.18.0\", default-features = false }\n"
        );
        // Near misses: 0.17 is built on metrics 0.23; beside the exporter 0.16 wants 0.19.
        assert_eq!(
            run("[dependencies]\nmetrics-util = \"0.17\"\n", true),
            "[dependencies]\nmetrics-util = \"0.19\"\n"
        );
        let with_exporter =
            "[dependencies]\nmetrics-exporter-prometheus = \"0.13\"\nmetrics-util = \"0.18\"\n";
        assert_eq!(
            run(with_exporter, true),
            "[dependencies]\nmetrics-exporter-prometheus = \"0.16\"\nmetrics-util = \"0.19\"\n"
        );
    }
}
