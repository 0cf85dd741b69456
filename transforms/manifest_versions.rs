//! # manifest-versions
//!
//! ## What it does
//! Moves every dependency on the OpenTelemetry family to the 0.27 target set, in every
//! dependency form (string, inline table, `[dependencies.x]`, dotted keys, dev/build,
//! `[target.'cfg(..)'.dependencies]`, `[workspace.dependencies]` at the root, renamed
//! `package = "…"` entries): `opentelemetry` 0.27, `opentelemetry_sdk` 0.27.1, `-otlp`,
//! `-proto`, `-http`, `-semantic-conventions`, `-appender-tracing`, `-appender-log`,
//! `-prometheus`, `-stdout`, `-zipkin`, `-jaeger-propagator` 0.27, `tracing-opentelemetry`
//! 0.28, and the contrib crates to the release line built on opentelemetry 0.27
//! (actix-web-opentelemetry 0.20, axum-tracing-opentelemetry 0.25, opentelemetry-aws 0.15,
//! opentelemetry-resource-detectors 0.6, init-tracing-opentelemetry 0.25,
//! tracing-opentelemetry-instrumentation-sdk 0.24, opentelemetry-contrib 0.19 — the last one
//! only when every feature its entry names still exists there, else a `warning`). tonic, prost, http and reqwest move to
//! the versions opentelemetry-otlp 0.27 uses (0.12, 0.13, 1, 0.12) when the package's code
//! passes their types to the exporter (`with_metadata`, `with_tls_config`, `with_channel`,
//! `with_interceptor`, `with_http_client`, an `HttpClient` impl). `tracing` is raised to
//! 0.1.40 in a package that moves (`"0.1.34"` → `"0.1.40"`, operator kept) when its lockfile
//! pins an older one, or it has none: opentelemetry 0.27's internal logs need `tracing`
//! 0.1.40 though its manifest admits any 0.1, so the old lock does not build. When no
//! manifest declares `tracing` and the lock pins an older one, a `warning` says to run
//! `cargo update -p tracing`.
//!
//! The requirement keeps its operator and precision (`"=0.21.0"` → `"=0.27.1"`, `"^0.26"` →
//! `"^0.27.1"`, `"~0.26.1"` → `"~0.27.1"` for the SDK; `"~0.26.1"` → `"~0.27.0"` for
//! opentelemetry), except that a target with a minimum patch (0.27.1) is written with it.
//! Targets come from `otel-migrate.toml` when it overrides them:
//! `[targets] opentelemetry_sdk = "0.27.1"`.
//!
//! ## Before
//! ```toml
//! [workspace.dependencies]
//! opentelemetry = { version = "0.26", features = ["trace"] }   # api
//! opentelemetry_sdk = "~0.26.0"
//! tracing-opentelemetry = "0.27"
//! ```
//!
//! ## After
//! ```toml
//! [workspace.dependencies]
//! opentelemetry = { version = "0.27", features = ["trace"] }   # api
//! opentelemetry_sdk = "~0.27.1"
//! tracing-opentelemetry = "0.28"
//! ```
//!
//! ## Not rewritten
//! - A requirement already on the target minor (`"0.27"` for the SDK): left alone, so a
//!   repository already on the target set gets an empty diff.
//! - A requirement newer than the target (`"0.28"`): reported, never downgraded.
//! - git and path dependencies on these crates, ranges (`">=0.21, <0.27"`), `"*"`: reported
//!   with the requirement to write.
//! - `workspace = true` entries: the root's `[workspace.dependencies]` carries the version.
//! - Any other crate that depends on opentelemetry (by the lockfile, or by its name) while the
//!   project is being migrated: reported, since it would pull a second `opentelemetry` into the
//!   graph.
//! - `opentelemetry-jaeger` (see `manifest-jaeger-to-otlp`) and the `metrics` crates (see
//!   `manifest-metrics`).
//! - `Cargo.lock`: never edited; a note says `cargo update` will refresh it.
//!
//! ## Safety
//! Only the version string literal changes (its quote style kept); keys, comments, ordering,
//! spacing and line endings stay byte-identical. All crates of the family move together, so
//! the graph keeps one `opentelemetry`.

use crate::engine::context::PackageInfo;
use crate::engine::finding::Severity;
use crate::engine::manifest::{canonical, minimum_version, DepEntry, DepSource};
use crate::engine::manifest_edit::{raise_floor, retarget, set_version, Retarget};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::crates::{self, CONTRIB, CROSSING, FAMILY};

pub struct ManifestVersions;

impl Transform for ManifestVersions {
    fn id(&self) -> &'static str {
        "manifest-versions"
    }

    fn description(&self) -> &'static str {
        "Cargo.toml: the OpenTelemetry family, tracing-opentelemetry and contrib crates to the 0.27 set"
    }

    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }

    fn needles(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(manifest) = cx.manifest else {
            return out;
        };
        let migrating = project_migrating(cx);
        for entry in manifest.deps.iter().filter(|d| !d.workspace) {
            let name = canonical(&entry.package);
            let in_set = FAMILY
                .iter()
                .chain(CONTRIB)
                .any(|(c, _)| canonical(c) == name);
            if in_set {
                bump(cx, entry, &mut out);
            } else if let Some((_, _, needles)) =
                CROSSING.iter().find(|(c, _, _)| canonical(c) == name)
            {
                let usage = cx.project.usage_of(cx.package, entry);
                if needles.iter().any(|n| usage.mentions(n)) && exports_otlp(cx, entry) {
                    bump(cx, entry, &mut out);
                }
            } else if let Some(floor) = crates::FLOORS.iter().find(|(c, _, _)| *c == name) {
                if migrating && entry_users_any(cx, entry, moves_with_family) {
                    raise(cx, entry, floor, &mut out);
                }
            } else if migrating && name != "opentelemetry-jaeger" && !crates::is_known(&name) {
                report_other_otel_crate(cx, entry, &mut out);
            }
        }
        if migrating {
            report_floors_only_the_lock_holds(cx, manifest, &mut out);
        }
        out
    }
}

/// Whether `holds` for the package of `entry`, or, for a `[workspace.dependencies]` entry,
/// for a member that inherits it.
fn entry_users_any(
    cx: &FileContext<'_>,
    entry: &DepEntry,
    holds: impl Fn(&PackageInfo) -> bool,
) -> bool {
    if entry.table.kind == crate::engine::manifest::DepKind::Workspace {
        cx.project.inheritors(&entry.key).into_iter().any(holds)
    } else {
        cx.package.is_some_and(holds)
    }
}

/// Whether `package` depends on a crate of the target set (or the Jaeger exporter, which
/// becomes OTLP): the run moves it.
fn moves_with_family(package: &PackageInfo) -> bool {
    FAMILY.iter().any(|(c, _)| package.depends_on(c)) || package.depends_on("opentelemetry-jaeger")
}

/// The version the lockfile pins for `krate` when it is below `floor` (the newest locked one).
fn locked_below(
    cx: &FileContext<'_>,
    krate: &str,
    floor: &semver::Version,
) -> Option<semver::Version> {
    let locked = cx.project.lockfile.as_ref()?.packages.get(krate)?;
    locked.iter().max().filter(|v| *v < floor).cloned()
}

/// Raises a requirement the target set needs higher ([`crates::FLOORS`]) when a build could
/// get a version below it: the lockfile pins one, or there is no lockfile (a library's
/// requirement is what its users resolve). A lock already at the floor needs no change.
fn raise(cx: &FileContext<'_>, entry: &DepEntry, floor: &(&str, &str, &str), out: &mut Outcome) {
    let (name, lowest, why) = *floor;
    let lowest_version = semver::Version::parse(lowest).expect("a valid floor");
    if entry.source != DepSource::Registry {
        return;
    }
    let Some(req) = entry.version.as_deref() else {
        return;
    };
    let has_lock = cx.project.lockfile.is_some();
    if has_lock && locked_below(cx, name, &lowest_version).is_none() {
        return;
    }
    let at = entry.version_span.or(entry.key_span).unwrap_or_default();
    match raise_floor(req, &lowest_version) {
        Retarget::Bump(new) => {
            if let Some(edit) = set_version(&cx.file.text, entry, &new) {
                out.edit(edit);
            }
        }
        Retarget::Unsupported => out.finding(
            at,
            Severity::Warning,
            format!("`{name}` requires \"{req}\", which admits versions below {lowest}: {why}"),
            format!("require `\"{lowest}\"` or newer"),
        ),
        Retarget::OnTarget | Retarget::Newer => {}
    }
}

/// A floor crate no manifest of the project declares, locked below its floor: only
/// `cargo update` moves it. Said once, at the project's root manifest (else at the first
/// package manifest that uses the target set).
fn report_floors_only_the_lock_holds(
    cx: &FileContext<'_>,
    manifest: &crate::engine::manifest::Manifest,
    out: &mut Outcome,
) {
    let root_runs = cx.project.manifests.iter().any(|m| {
        m.dir() == cx.project.root && m.deps.iter().any(|d| crates::is_telemetry(&d.package))
    });
    let here = if root_runs {
        manifest.dir() == cx.project.root
    } else {
        let first = cx.project.packages.iter().find(|p| moves_with_family(p));
        first.is_some_and(|p| p.manifest_path == manifest.path)
    };
    if !here {
        return;
    }
    for (name, lowest, why) in crates::FLOORS {
        let declared = cx
            .project
            .manifests
            .iter()
            .flat_map(|m| &m.deps)
            .any(|d| canonical(&d.package) == *name && d.source == DepSource::Registry);
        let floor = semver::Version::parse(lowest).expect("a valid floor");
        let Some(locked) = locked_below(cx, name, &floor).filter(|_| !declared) else {
            continue;
        };
        let at = manifest
            .deps
            .iter()
            .find(|d| crates::is_telemetry(&d.package))
            .and_then(|d| d.key_span.or(d.value_span))
            .unwrap_or_default();
        out.finding(
            at,
            Severity::Warning,
            format!("Cargo.lock pins `{name}` {locked}, below the {lowest} the migrated code needs: {why}"),
            format!("run `cargo update -p {name}` when refreshing the lockfile"),
        );
    }
}

/// Whether the code that uses `entry` has an OTLP exporter (or a Jaeger one about to become
/// OTLP): only then do its tonic/reqwest/… types cross the exporter API.
fn exports_otlp(cx: &FileContext<'_>, entry: &DepEntry) -> bool {
    entry_users_any(cx, entry, |p| {
        p.depends_on("opentelemetry-otlp") || p.depends_on("opentelemetry-jaeger")
    })
}

/// Moves one entry to its target, or reports why not.
fn bump(cx: &FileContext<'_>, entry: &DepEntry, out: &mut Outcome) {
    let at = entry
        .version_span
        .or(entry.key_span)
        .or(entry.value_span)
        .unwrap_or_default();
    let target = match crates::target(&cx.config.targets, &entry.package) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            out.finding(
                at,
                Severity::Error,
                e,
                "write a plain version, e.g. \"0.27\"",
            );
            return;
        }
        None => return,
    };
    let name = &entry.package;
    // A workspace's own crate of that name (vector's `opentelemetry-proto`) moves with it.
    if entry.source == DepSource::Path && cx.project.has_package(name) {
        return;
    }
    if entry.source != DepSource::Registry {
        let kind = if entry.source == DepSource::Git {
            "git"
        } else {
            "path"
        };
        out.finding(
            at,
            Severity::Warning,
            format!("`{name}` is a {kind} dependency: not moved to {target}"),
            format!("point it at a revision built on the target set, or use the registry release: `{} = \"{target}\"`", entry.key),
        );
        return;
    }
    let Some(req) = entry.version.as_deref() else {
        out.finding(
            at,
            Severity::Warning,
            format!("`{name}` has no version requirement: not moved to {target}"),
            format!("add `version = \"{target}\"`"),
        );
        return;
    };
    // A contrib crate whose target release lacks a feature the entry names would not build
    // there: it stays, reported (the family moves together whatever its features; the
    // features of its crates are `manifest-features`' business).
    let gone: Vec<String> = entry
        .features
        .iter()
        .filter(|f| !crates::has_feature_at_target(name, f))
        .map(|f| format!("`{f}`"))
        .collect();
    let contrib = CONTRIB.iter().any(|(c, _)| canonical(c) == canonical(name));
    if contrib && crates::features_at_target(name).is_some() && !gone.is_empty() {
        if let Retarget::Bump(_) = retarget(req, &target) {
            out.finding(
                at,
                Severity::Warning,
                format!("`{name}` {target} has no feature {}: not moved", gone.join(", ")),
                "drop the feature (or depend on the crate that has it now), then run again; until then the package keeps a second `opentelemetry`",
            );
            return;
        }
    }
    match retarget(req, &target) {
        Retarget::OnTarget => {
            // `=0.27.0` stays on the minor but below a minimum patch the migrated code needs.
            let below = minimum_version(req).is_some_and(|v| v < target.version);
            if req.trim_start().starts_with('=') && below {
                out.finding(
                    at,
                    Severity::Warning,
                    format!("`{name}` is pinned to \"{req}\", below the {target} the migrated code needs"),
                    format!("write `\"={target}\"` (or drop the `=`)"),
                );
            }
        }
        Retarget::Bump(new) => {
            if let Some(edit) = set_version(&cx.file.text, entry, &new) {
                out.edit(edit);
            }
        }
        // Past 0.27 on the ladder's way (`--to`): `ladder-manifest` owns it.
        Retarget::Newer if within_ladder_target(cx, entry, req) => {}
        Retarget::Newer => out.finding(
            at,
            Severity::Warning,
            format!("`{name}` requires \"{req}\", newer than the target {target}: not downgraded"),
            "check that every crate of the OpenTelemetry family is on the same release line, or set `[targets]` in otel-migrate.toml",
        ),
        Retarget::Unsupported => out.finding(
            at,
            Severity::Warning,
            format!("`{name}` requires \"{req}\": this requirement shape is not rewritten"),
            format!("write `\"{target}\"`"),
        ),
    }
}

/// Whether `req` is newer than 0.27 but not past the run's `--to` target.
fn within_ladder_target(cx: &FileContext<'_>, entry: &DepEntry, req: &str) -> bool {
    minimum_version(req).is_some_and(|v| {
        crate::otel::ladder::rung_of(&canonical(&entry.package), &v)
            <= crate::transforms::ladder::target(cx.config)
    })
}

fn report_other_otel_crate(cx: &FileContext<'_>, entry: &DepEntry, out: &mut Outcome) {
    let name = canonical(&entry.package);
    // The project's own crates migrate with it.
    if entry.source != DepSource::Registry || cx.project.has_package(&name) {
        return;
    }
    let by_lock = cx
        .project
        .lockfile
        .as_ref()
        .is_some_and(|l| l.depends(&name, "opentelemetry"));
    let by_name = name
        .split('-')
        .any(|w| w == "opentelemetry" || w == "otel" || w == "otlp");
    if !(by_lock || by_name) {
        return;
    }
    let at = entry.key_span.or(entry.value_span).unwrap_or_default();
    let why = if by_lock {
        "the lockfile shows it depending on opentelemetry"
    } else {
        "its name says it is built on opentelemetry"
    };
    out.finding(
        at,
        Severity::Warning,
        format!("`{}` is not in the target set and {why}: it would pull a second `opentelemetry` into the graph", entry.package),
        format!("move it to a release built on opentelemetry 0.27 (`cargo info {}` lists its dependencies), or drop it; check with `cargo tree -d -i opentelemetry`", entry.package),
    );
}

/// Whether any package of the project is still below the target opentelemetry (the project
/// is being migrated, so a crate built on another opentelemetry is a problem).
fn project_migrating(cx: &FileContext<'_>) -> bool {
    let Some(Ok(target)) = crates::target(&cx.config.targets, "opentelemetry") else {
        return false;
    };
    let (major, minor) = (target.version.major, target.version.minor);
    cx.project.packages.iter().any(|p| {
        p.version_below("opentelemetry", major, minor) || p.depends_on("opentelemetry-jaeger")
    })
}
