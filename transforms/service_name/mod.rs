//! # service-name
//!
//! ## What it does
//! Renames the service names a service reports to the convention `llm.{component}[.{subcomponent}]`
//! (lowercase, dots between the parts, hyphens kept inside a part: `llm.edge-agent`,
//! `llm.edge-agent.proxy`, `llm.policy-engine.cel`). The component is `[service-name] component`
//! of `otel-migrate.toml`, else the repository directory's name; a crate's subcomponent is
//! `[service-name.crates]`, else the default rule: strip a leading `llm-`, then the component and
//! `-` (`edge-agent-`), else the component's first word and `-` (`edge-`); what is left is the
//! subcomponent, nothing left means the component itself (`llm-edge-proxy` → `proxy`,
//! `llm-policy-engine-cel` → `cel`, `llm-cost-ops` → none). `[service-name.rename]` maps exact
//! literals and wins over every rule.
//!
//! Sites: the value of `KeyValue::new("service.name", ..)` and of `KeyValue::new(SERVICE_NAME, ..)`
//! with the semantic-conventions constant (through imports and aliases), `.with_service_name(..)`
//! of Jaeger/Zipkin pipelines and of 0.28's `Resource::builder()` (recognised, never emitted),
//! the default of `env::var("OTEL_SERVICE_NAME").unwrap_or(..)`/`unwrap_or_else(..)`, a
//! `const`/`static` string that flows into a site (in the same file, or through a path such as
//! `telemetry::SERVICE_NAME` from another file of the package), locals bound in the same
//! function, `env!("CARGO_PKG_NAME")` (→ the name computed for the file's crate), the
//! `.replace('-', ".")` idiom (dropped: it turns `llm-edge-agent` into `llm.edge.agent`), and the
//! string default of a config-struct field (`Default` impl or `#[serde(default = "..")]`
//! function) when the field flows into a site in the same package, or when the field is the
//! `service_name` of a struct that configures OpenTelemetry/OTLP export (a type named `Otlp*`,
//! `Telemetry*` or `Otel*Config`, or an endpoint field beside it: `endpoint`, `*_url`,
//! `*_addr`, …) — together with the tests of the package that assert the old default
//! (`assert_eq!(cfg.service_name, "llm-cost-ops")`). Export configs count in packages without
//! an OpenTelemetry dependency too (a tracing-only service prepared for it); there, nothing else
//! is renamed.
//! Every rename is reported as a note `renamed service name `old` → `new``.
//!
//! Deployment files (`.env`, Dockerfiles, YAML, docker-compose) that set `OTEL_SERVICE_NAME`,
//! `service.name=` in `OTEL_RESOURCE_ATTRIBUTES`, or a `key: service.name` attribute are
//! reported as notes with the new name; they are never edited.
//!
//! ## Before
//! ```rust,ignore
//! pub const SERVICE_NAME: &str = "llm-edge-agent";
//! Resource::new(vec![KeyValue::new(SERVICE_NAME_KEY, SERVICE_NAME)])
//! KeyValue::new("service.name", env!("CARGO_PKG_NAME").replace('-', "."))
//! ```
//!
//! ## After
//! ```rust,ignore
//! pub const SERVICE_NAME: &str = "llm.edge-agent";
//! Resource::new(vec![KeyValue::new(SERVICE_NAME_KEY, SERVICE_NAME)])
//! KeyValue::new("service.name", "llm.edge-agent.proxy".to_string())
//! ```
//!
//! ## Not rewritten
//! - A name that is not certain (not configured, not the component, not a workspace crate in
//!   hyphenated, `llm-`-prefixed, half-dotted or dotted form): a warning lists the candidates and
//!   the `[service-name.rename]` line that settles it.
//! - Names built with `format!` that join parts with `-` (`format!("{name}-sandbox")`): a
//!   warning, unless the template itself is in `[service-name.rename]`.
//! - `.replace('-', ".")` on a value the tool cannot see (a parameter): a warning.
//! - A constant from another crate: a note.
//! - Look-alikes that are not service names: tracer and instrumentation-scope names, metric
//!   names, `EnvFilter` directives (`llm_edge_agent=debug`), Prometheus labels, database
//!   application names, cfg features, and a struct field named `service_name` that never reaches
//!   a site and is not an export config's (a data-model row, telemetry received from others).
//! - Already-conforming names.
//!
//! ## Safety
//! Only string literals change (and `env!("CARGO_PKG_NAME")`, replaced by a literal; a dropped
//! `.replace('-', ".")` becomes `.to_string()` so the type stays `String`). A renamed constant
//! also changes its other uses in the file; the note lists their lines (a tracer name or a
//! Prometheus label that shows the new name). Dashboards keyed on the old name must follow: the
//! notes list every rename and every deployment file to update.

// The parts: [`scan`] reads what a file says (sites, constants, defaults, asserts),
// [`facts`] what the whole package says (values flowing across files, computed once per
// package and run), [`rewrite`] renames a file's sites and constants, [`defaults`] the
// config-struct defaults that become service names and the tests asserting them,
// [`deployment`] reports deployment files.

mod defaults;
mod deployment;
mod facts;
mod rewrite;
mod scan;
#[cfg(test)]
mod tests;

use std::sync::{Arc, OnceLock};

use crate::engine::config::ServiceNameConfig;
use crate::engine::context::{PackageInfo, Project};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::naming::{Naming, NamingRules};

pub struct ServiceName;

impl Transform for ServiceName {
    fn id(&self) -> &'static str {
        "service-name"
    }

    fn description(&self) -> &'static str {
        "service names → `llm.{component}[.{subcomponent}]`, per crate, configurable, reported"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn scans(&self, kind: FileKind) -> bool {
        matches!(kind, FileKind::Rust | FileKind::Deployment)
    }

    fn needles(&self) -> &'static [&'static str] {
        facts::RELEVANT_WORDS
    }

    fn wants(
        &self,
        text: &str,
        kind: FileKind,
        package: Option<&PackageInfo>,
        project: &Project,
    ) -> bool {
        let has_flows =
            |p: &PackageInfo| facts::of_package(project, p, &naming_of(project)).has_flows();
        match package {
            // A package without OpenTelemetry (tracing-only) has no site: only an export
            // config's default and the tests asserting it can change, in Rust files that name
            // the field.
            Some(p) if !p.uses_opentelemetry() => {
                kind == FileKind::Rust
                    && text.contains(defaults::SERVICE_NAME_FIELD)
                    && has_flows(p)
            }
            // Without a site of its own, a file can only hold a constant, a default or a test
            // that a site elsewhere in the package makes relevant.
            _ => {
                kind != FileKind::Rust
                    || scan::may_have_site(text)
                    || package.is_some_and(has_flows)
            }
        }
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let naming = naming_of(cx.project);
        match cx.kind() {
            FileKind::Rust => rewrite::run_rust(cx, &naming),
            FileKind::Deployment => {
                let krate = cx.package.map(|p| p.name.as_str());
                deployment::run_deployment(cx.file, krate, &naming).into()
            }
            FileKind::Manifest => Outcome::default(),
        }
    }
}

/// The `[service-name]` configuration as the naming convention takes it.
fn rules_of(config: &ServiceNameConfig) -> NamingRules<'_> {
    NamingRules {
        prefix: config.prefix.as_deref(),
        crates: &config.crates,
        rename: &config.rename,
    }
}

/// The conforming service name of package `package` of `project` (what `adopt` names a
/// service it sets up): the same rules the transform renames by.
pub fn service_name_of_package(project: &Project, package: &str) -> String {
    naming_of(project).name_of_crate(package)
}

/// A project's naming, kept in its run state: every file of the run uses the same one.
#[derive(Default)]
struct ProjectNaming(OnceLock<Naming>);

impl std::ops::Deref for ProjectNaming {
    type Target = Naming;
    fn deref(&self) -> &Naming {
        self.0.get().expect("built by `naming_of`")
    }
}

/// The naming of `project` (its config, component and packages), built on first use in a run.
fn naming_of(project: &Project) -> Arc<ProjectNaming> {
    let naming = project.state.get::<ProjectNaming>();
    naming.0.get_or_init(|| {
        Naming::new(
            rules_of(&project.config.service_name),
            &project.component,
            project.packages.iter().map(|p| p.name.as_str()),
        )
    });
    naming
}
