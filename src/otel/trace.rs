//! The trace pipeline, independent of the crate and version that spelled it (Jaeger agent,
//! Jaeger collector, OTLP 0.14 … 0.26), and the renderers of its 0.27 pieces:
//! `SpanExporter::builder()…build()`, an optional `BatchSpanProcessor`,
//! `TracerProvider::builder()…build()` and the tracer the old call implied (`placement` puts
//! them together with the global registration). Also the readers of the old terminal call and
//! trace config.
//!
//! Facts (otel-0.27-migration.md §2.1, read from the crate sources): `install_batch` /
//! `install_simple` returned a `Tracer` (scope `opentelemetry-jaeger` / `opentelemetry-otlp`
//! with the crate version) and registered the provider globally for every Jaeger release and
//! for opentelemetry-otlp ≤ 0.16; otlp 0.17 … 0.26 returned the `TracerProvider` and did not
//! register it. Jaeger's `build_batch`/`build_simple` returned the provider, unregistered.

use crate::engine::changes::Changes;
use crate::engine::edit::Edit;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, range_of, text_of, ImportMap, ParsedRust};

use super::chain::{Chain, Link};
use super::conditional_links::{render_mutable, ConditionalLinks};
use super::exporter::{Arg, ExporterConfig};
use super::imports::ImportPlan;
use super::runtime::{self, RuntimeArg};

/// How spans reach the exporter.
#[derive(Debug, Clone)]
pub enum Processing {
    Batch(RuntimeArg),
    Simple,
}

/// What the old terminal call gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    /// A `Tracer` of this instrumentation scope.
    Tracer(TracerScope),
    Provider,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracerScope {
    pub name: &'static str,
    pub version: Option<String>,
    pub schema_url: Option<&'static str>,
}

/// The semantic-conventions 0.13 schema URL (jaeger 0.20 and otlp 0.14 both used it).
pub const SCHEMA_URL_1_21: &str = "https://opentelemetry.io/schemas/1.21.0";

/// The scope of the tracer the old pipeline returned, by crate and source version.
pub fn old_tracer_scope(krate: &str, version: Option<&semver::Version>) -> TracerScope {
    let name = if krate == "opentelemetry-jaeger" {
        "opentelemetry-jaeger"
    } else {
        "opentelemetry-otlp"
    };
    let schema_url = match (krate, version.map(|v| (v.major, v.minor))) {
        ("opentelemetry-jaeger", Some((0, 20))) | ("opentelemetry-otlp", Some((0, 14))) => {
            Some(SCHEMA_URL_1_21)
        }
        _ => None,
    };
    TracerScope {
        name,
        version: version.map(|v| v.to_string()),
        schema_url,
    }
}

/// What the old trace call returned and whether it registered the provider globally, for the
/// source version of `krate` (`opentelemetry-jaeger` or `opentelemetry-otlp`) and the terminal
/// method (`install_batch`, `install_simple`, `build_batch`, `build_simple`).
pub fn old_result(
    krate: &str,
    version: Option<&semver::Version>,
    terminal: &str,
) -> (Returns, bool) {
    if terminal.starts_with("build_") {
        return (Returns::Provider, false);
    }
    let returns_tracer =
        krate == "opentelemetry-jaeger" || version.is_some_and(|v| (v.major, v.minor) <= (0, 16));
    if returns_tracer {
        (Returns::Tracer(old_tracer_scope(krate, version)), true)
    } else {
        (Returns::Provider, false)
    }
}

/// A trace pipeline: exporter, provider settings, processing, and what the old call returned.
#[derive(Debug, Clone)]
pub struct TracePipeline {
    pub exporter: ExporterConfig,
    /// `with_service_name(x)` of the Jaeger pipelines.
    pub service_name: Option<Arg>,
    /// The resource of the old trace config.
    pub resource: Option<Arg>,
    /// Jaeger exported `Resource::default()` (environment, SDK attributes) plus the service name
    /// when the trace config set no resource; keep that with `Resource::default().merge(..)`.
    pub keep_default_resource: bool,
    /// Provider settings moved from the old trace config (`with_sampler`, `with_id_generator`,
    /// `with_max_*`, `with_span_limits`), in source order.
    pub setters: Vec<(String, Arg)>,
    /// A trace config this model could not unfold: passed whole to the (deprecated)
    /// `with_config(..)`.
    pub opaque_config: Option<Arg>,
    /// A 0.27 `BatchConfig` expression (already converted).
    pub batch_config: Option<String>,
    pub processing: Processing,
    pub returns: Returns,
    pub registers_global: bool,
    /// Provider settings the old code applied under a condition (a pipeline kept in a
    /// `let mut` and extended in an `if`): set on a mutable provider builder under the same
    /// condition.
    pub conditional: Vec<ConditionalLinks>,
    /// The name of the mutable provider builder the conditional settings use.
    pub conditional_builder: String,
    /// A private function of the file the old pipeline went through before its install
    /// (`with_sampling(pipeline, 0.5).install_batch(rt)`, `otel::pipeline_customizer`): the
    /// call's text before and after the pipeline argument. It now takes the provider builder.
    pub customizer: Option<(String, String)>,
}

/// What the old terminal call (`install_batch(rt)`, `build_simple()`, …) implied.
pub struct OldTerminal {
    pub processing: Processing,
    pub returns: Returns,
    pub registers_global: bool,
}

impl TracePipeline {
    /// A pipeline with `exporter` and the terminal's facts, no provider setting read yet.
    pub fn new(exporter: ExporterConfig, terminal: OldTerminal) -> TracePipeline {
        TracePipeline {
            exporter,
            service_name: None,
            resource: None,
            keep_default_resource: false,
            setters: Vec::new(),
            opaque_config: None,
            batch_config: None,
            processing: terminal.processing,
            returns: terminal.returns,
            registers_global: terminal.registers_global,
            conditional: Vec::new(),
            conditional_builder: String::new(),
            customizer: None,
        }
    }
}

/// Terminal calls of the old trace pipelines.
pub const TERMINALS: &[&str] = &[
    "install_batch",
    "install_simple",
    "build_batch",
    "build_simple",
];

/// The terminal call's facts for a trace pipeline syntax's `parse`: what it returned (and whether it
/// registered globally) for the source version of `krate`, and how spans are processed. A batch
/// runtime this tool does not know is an error finding (`pipeline` names what was not
/// rewritten, `fix` the manual rewrite) and `None`.
pub fn read_terminal(
    rust: ParsedRust<'_>,
    krate: &str,
    version: Option<&semver::Version>,
    terminal: &Link<'_>,
    out: &mut Changes,
    pipeline: &str,
    fix: &str,
) -> Option<OldTerminal> {
    let file = rust.file;
    let (returns, registers_global) = old_result(krate, version, &terminal.name);
    let processing = match terminal.name.as_str() {
        "install_batch" | "build_batch" => {
            let arg = terminal.call.args.first()?;
            match runtime::recognize(file, rust.imports, arg) {
                Some(rt) => Processing::Batch(rt),
                None => {
                    out.finding(
                        range_of(file, arg),
                        Severity::Error,
                        format!(
                            "`{}` is not a runtime this tool knows; {pipeline} was not rewritten",
                            text_of(file, arg)
                        ),
                        fix,
                    );
                    return None;
                }
            }
        }
        _ => Processing::Simple,
    };
    Some(OldTerminal {
        processing,
        returns,
        registers_global,
    })
}

/// How the callers of a function creating the pipeline install it (`install_batch(rt)` /
/// `install_simple()`; a metrics pipeline's `build()`), read in their own files: the same for
/// every caller, so the install can move into the function (`placement::pipeline_creator`,
/// `placement::otlp_creator`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledAs {
    pub terminal: String,
    /// The runtime of `install_batch`, resolved through the caller's imports.
    pub runtime: Option<runtime::Runtime>,
}

impl InstalledAs {
    /// `terminal` (a `name(..).install_x(..)` call's last link) when this tool knows it.
    pub fn read(rust: ParsedRust<'_>, terminal: &Link<'_>) -> Option<InstalledAs> {
        let runtime = match terminal.name.as_str() {
            "install_batch" => {
                let arg = terminal.call.args.first()?;
                Some(runtime::recognize(rust.file, rust.imports, arg)?.runtime)
            }
            "install_simple" | "build" if terminal.call.args.is_empty() => None,
            _ => return None,
        };
        Some(InstalledAs {
            terminal: terminal.name.clone(),
            runtime,
        })
    }

    /// The old terminal's facts on `version` of opentelemetry-otlp, the runtime named from
    /// `names`' file.
    pub fn old_terminal(
        &self,
        version: Option<&semver::Version>,
        names: &mut ImportPlan<'_>,
    ) -> OldTerminal {
        let (returns, registers_global) = old_result("opentelemetry-otlp", version, &self.terminal);
        let processing = match self.runtime {
            Some(runtime) => Processing::Batch(RuntimeArg {
                runtime,
                text: names.name(&format!(
                    "opentelemetry_sdk::runtime::{}",
                    runtime.type_name()
                )),
            }),
            None => Processing::Simple,
        };
        OldTerminal {
            processing,
            returns,
            registers_global,
        }
    }
}

/// What [`trace_config`] did with a `with_trace_config(..)` argument.
pub enum TraceConfig {
    /// Its settings are now provider setters; the resource it set, if any.
    Unfolded(Option<Arg>),
    /// Passed whole to the deprecated `with_config(..)`.
    Opaque,
}

/// `with_trace_config(arg)` on an old pipeline: the config's settings move onto the provider
/// builder (`p.setters`); a config this tool cannot unfold (not a `config()` chain, a same-file
/// helper returning one or a local bound to one) is passed whole, with a warning. The resource is the
/// caller's: how it combines with the default resource differs per pipeline.
pub fn trace_config(
    rust: ParsedRust<'_>,
    link: &Link<'_>,
    arg: &syn::Expr,
    p: &mut TracePipeline,
    out: &mut Changes,
) -> TraceConfig {
    let ParsedRust {
        file,
        syntax,
        imports,
    } = rust;
    let unfolded = unfold_config(file, imports, arg)
        .or_else(|| unfold_config_helper(file, syntax, imports, arg))
        .or_else(|| {
            // A config kept in a local: its settings move here and its `let` goes.
            let local = super::trace_config_local::config_in_local(rust, arg)?;
            let mut u = unfold_config(file, imports, local.value)
                .or_else(|| unfold_config_helper(file, syntax, imports, local.value))?;
            let first_comments = u.setters.first_mut().map(|(_, a)| &mut a.comments);
            out.edit(Edit::delete(local.deleted_lines(file, first_comments)));
            Some(u)
        });
    match unfolded {
        Some(u) => {
            p.setters = u.setters;
            TraceConfig::Unfolded(u.resource)
        }
        None => {
            p.opaque_config = Some(Arg::of_link(file, link, Vec::new()));
            out.finding(
                link.range(file),
                Severity::Warning,
                "this trace config is passed whole to `TracerProvider::builder().with_config(..)`, deprecated in opentelemetry_sdk 0.27.1",
                "move its settings onto the builder: `.with_sampler(..)`, `.with_resource(..)`, `.with_id_generator(..)`, `.with_max_*(..)`",
            );
            TraceConfig::Opaque
        }
    }
}

impl TracePipeline {
    /// `BatchSpanProcessor::builder(exporter, rt).with_batch_config(..).build()` when the old
    /// pipeline had a batch config.
    pub fn render_processor(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        step: &str,
        le: &str,
    ) -> Option<String> {
        let cfg = self.batch_config.as_ref()?;
        let Processing::Batch(rt) = &self.processing else {
            return None;
        };
        Some(format!(
            "{}::builder({exporter}, {}){le}{step}.with_batch_config({cfg}){le}{step}.build()",
            names.name("opentelemetry_sdk::trace::BatchSpanProcessor"),
            rt.text
        ))
    }

    /// `TracerProvider::builder()…build()` with the processing, settings and resource; with
    /// conditional settings, the statements that build it first (`let mut builder = …;` and
    /// one `if` per condition) and then `builder.build()`. Links and `if` bodies at `step`.
    pub fn render_provider_parts(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        step: &str,
        le: &str,
    ) -> (Vec<String>, String) {
        let chain = self.render_provider(names, exporter, step, le);
        let Some((before, after)) = &self.customizer else {
            return render_mutable(
                &self.conditional_builder,
                chain,
                &self.conditional,
                step,
                names.indent_unit(),
                le,
            );
        };
        // The builder goes through the customizer after every setting of the old site.
        let builder = &self.conditional_builder;
        let setup = if self.conditional.is_empty() {
            vec![format!("let {builder} = {chain};")]
        } else {
            render_mutable(
                builder,
                chain,
                &self.conditional,
                step,
                names.indent_unit(),
                le,
            )
            .0
        };
        (setup, format!("{before}{builder}{after}.build()"))
    }

    /// `TracerProvider::builder()…` with the processing, settings and resource (no `.build()`).
    fn render_provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        step: &str,
        le: &str,
    ) -> String {
        let mut out = format!(
            "{}::builder()",
            names.name("opentelemetry_sdk::trace::TracerProvider")
        );
        let mut link = |s: String| out.push_str(&format!("{le}{step}{s}"));
        match (&self.processing, &self.batch_config) {
            (Processing::Batch(_), Some(_)) => link(".with_span_processor(batch_processor)".into()),
            (Processing::Batch(rt), None) => {
                link(format!(".with_batch_exporter({exporter}, {})", rt.text))
            }
            (Processing::Simple, _) => link(format!(".with_simple_exporter({exporter})")),
        }
        if let Some(cfg) = &self.opaque_config {
            link(format!(".with_config({})", cfg.at(step)));
        }
        for (name, arg) in &self.setters {
            for c in &arg.comments {
                link(c.clone());
            }
            link(format!(".{name}({})", arg.at(step)));
        }
        if let Some(resource) = self.render_resource(names, step) {
            link(format!(".with_resource({resource})"));
        }
        out
    }

    fn render_resource(&self, names: &mut ImportPlan<'_>, step: &str) -> Option<String> {
        let service = self.service_name.as_ref().map(|s| {
            format!(
                "{}::new(vec![{}::new(\"service.name\", {})])",
                names.name("opentelemetry_sdk::Resource"),
                names.name("opentelemetry::KeyValue"),
                owned_string(&s.text)
            )
        });
        match (&self.resource, service) {
            (Some(r), Some(s)) => Some(format!("{}.merge(&{s})", receiver_text(&r.at(step)))),
            (Some(r), None) => Some(r.at(step)),
            (None, Some(s)) if self.keep_default_resource => Some(format!(
                "{}::default().merge(&{s})",
                names.name("opentelemetry_sdk::Resource")
            )),
            (None, Some(s)) => Some(s),
            (None, None) => None,
        }
    }
}

/// `provider.tracer_with_scope(..)`: the tracer the old `install_*` call returned.
pub fn render_tracer(
    names: &mut ImportPlan<'_>,
    provider: &str,
    scope: &TracerScope,
    indent: &str,
    le: &str,
) -> String {
    names.need_trait_anonymous("opentelemetry::trace::TracerProvider");
    let unit = names.indent_unit();
    let step = crate::engine::source::deeper(indent, unit);
    let mut s = format!(
        "{provider}.tracer_with_scope({le}{step}{}::builder({:?})",
        names.name("opentelemetry::InstrumentationScope"),
        scope.name
    );
    let inner = crate::engine::source::deeper(&step, unit);
    if let Some(v) = &scope.version {
        s.push_str(&format!("{le}{inner}.with_version({v:?})"));
    }
    if let Some(u) = scope.schema_url {
        s.push_str(&format!("{le}{inner}.with_schema_url({u:?})"));
    }
    s.push_str(&format!("{le}{inner}.build(),{le}{indent})"));
    s
}

/// A service-name argument as a value `KeyValue::new` accepts: Jaeger took `impl Into<String>`,
/// `KeyValue::new` takes `impl Into<Value>` (a `String` or a `&'static str`), so anything that
/// is not a literal, a constant or already a `String` gets `.to_string()`.
fn owned_string(text: &str) -> String {
    let t = text.trim();
    let is_literal = t.starts_with('"') || t.starts_with("r\"") || t.starts_with("r#");
    let is_const = t.rsplit("::").next().is_some_and(|last| {
        !last.is_empty()
            && last
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
    });
    let is_owned = t.starts_with("format!")
        || t.starts_with("String::from")
        || t.ends_with(".to_string()")
        || t.ends_with(".to_owned()")
        || t.ends_with(".clone()")
        || t.ends_with("into()");
    if is_literal || is_const || is_owned {
        t.to_string()
    } else {
        format!("{}.to_string()", receiver_text(t))
    }
}

/// An expression's text usable as a method receiver (parenthesized unless it is a path, call,
/// method call or field).
fn receiver_text(text: &str) -> String {
    match syn::parse_str::<syn::Expr>(text.trim()) {
        Ok(
            syn::Expr::Path(_)
            | syn::Expr::Call(_)
            | syn::Expr::MethodCall(_)
            | syn::Expr::Field(_)
            | syn::Expr::Macro(_),
        ) => text.trim().to_string(),
        _ => format!("({})", text.trim()),
    }
}

/// The result of unfolding an old `trace::config()` / `Config::default()` chain.
pub struct UnfoldedConfig {
    pub setters: Vec<(String, Arg)>,
    pub resource: Option<Arg>,
}

/// Methods of the old `Config` that exist under the same name on the 0.27.1 provider builder.
pub const CONFIG_SETTERS: &[&str] = &[
    "with_sampler",
    "with_id_generator",
    "with_max_events_per_span",
    "with_max_attributes_per_span",
    "with_max_links_per_span",
    "with_max_attributes_per_event",
    "with_max_attributes_per_link",
    "with_span_limits",
    "with_resource",
];

/// Unfolds `config().with_x(..)…` / `Config::default().with_x(..)…` into provider-builder
/// setters (migration doc §3.9). `None` when `expr` is anything else.
pub fn unfold_config(
    file: &SourceFile,
    imports: &ImportMap,
    expr: &syn::Expr,
) -> Option<UnfoldedConfig> {
    let chain = Chain::read(expr);
    let root = chain.root_path()?;
    let resolved = imports.resolve(root);
    let tail = super::sdk_path_suffix(&resolved)?;
    let is_root = matches!(tail, [t, c] if t == "trace" && c == "config")
        || matches!(tail, [t, c, d] if t == "trace" && c == "Config" && d == "default");
    if !is_root || !matches!(chain.root, syn::Expr::Call(c) if c.args.is_empty()) {
        return None;
    }
    let mut out = UnfoldedConfig {
        setters: Vec::new(),
        resource: None,
    };
    let mut prev_end = range_of(file, chain.root).end;
    for link in &chain.links {
        if !CONFIG_SETTERS.contains(&link.name.as_str()) {
            return None;
        }
        let r = link.range(file);
        let comments = comments_in(file, crate::engine::edit::TextRange::new(prev_end, r.end))
            .into_iter()
            .map(|c| file.slice(c).to_string())
            .collect();
        prev_end = r.end;
        let arg = Arg::of_link(file, link, comments);
        if link.name == "with_resource" {
            out.resource = Some(arg);
        } else {
            out.setters.push((link.name.clone(), arg));
        }
    }
    Some(out)
}

/// `with_trace_config(helper(a, b))` where `helper` is a function of this file whose body is only
/// a `config()`/`Config::default()` chain and every argument is the parameter's own name (or
/// another plain local): the chain is unfolded as if written at the call, with parameters renamed
/// to the arguments.
pub fn unfold_config_helper(
    file: &SourceFile,
    syntax: &syn::File,
    imports: &ImportMap,
    expr: &syn::Expr,
) -> Option<UnfoldedConfig> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let name = p.path.get_ident()?;
    let f = config_helpers(file, syntax, imports)
        .into_iter()
        .find(|f| f.sig.ident == *name)?;
    if f.sig.inputs.len() != call.args.len() {
        return None;
    }
    let mut renames = Vec::new();
    for (input, arg) in f.sig.inputs.iter().zip(&call.args) {
        let syn::FnArg::Typed(t) = input else {
            return None;
        };
        let syn::Pat::Ident(param) = &*t.pat else {
            return None;
        };
        let syn::Expr::Path(a) = arg else {
            return None;
        };
        let arg_name = a.path.get_ident()?;
        if param.ident != *arg_name {
            renames.push((
                crate::engine::syntax::ident_str(&param.ident),
                crate::engine::syntax::ident_str(arg_name),
            ));
        }
    }
    let syn::Stmt::Expr(body, None) = f.block.stmts.first()? else {
        return None;
    };
    let mut u = unfold_config(file, imports, body)?;
    if !renames.is_empty() {
        let all: Vec<&mut Arg> = u
            .setters
            .iter_mut()
            .map(|(_, a)| a)
            .chain(u.resource.iter_mut())
            .collect();
        for a in all {
            if a.text.contains('"') {
                return None;
            }
            a.text = rename_idents(&a.text, &renames);
        }
    }
    Some(u)
}

/// Top-level functions whose body is only a trace-config chain (candidates for inlining, and for
/// deletion once nothing calls them).
pub fn config_helpers<'s>(
    file: &SourceFile,
    syntax: &'s syn::File,
    imports: &ImportMap,
) -> Vec<&'s syn::ItemFn> {
    syntax
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Fn(f) if f.block.stmts.len() == 1 => Some(f),
            _ => None,
        })
        .filter(|f| match f.block.stmts.first() {
            Some(syn::Stmt::Expr(body, None)) => unfold_config(file, imports, body).is_some(),
            _ => false,
        })
        .collect()
}

fn rename_idents(text: &str, renames: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let w = std::mem::take(word);
        match renames.iter().find(|(from, _)| *from == w) {
            Some((_, to)) => out.push_str(to),
            None => out.push_str(&w),
        }
    };
    let mut prev_dot = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            if !prev_dot {
                flush(&mut word, &mut out);
            } else {
                out.push_str(&std::mem::take(&mut word));
            }
            prev_dot = c == '.';
            out.push(c);
        }
    }
    if prev_dot {
        out.push_str(&word);
    } else {
        flush(&mut word, &mut out);
    }
    out
}

/// Converts an old batch config argument to a 0.27 `BatchConfig` expression:
/// `BatchConfig::default().with_x(..)…` (0.21) → `BatchConfigBuilder::default().with_x(..)….build()`;
/// anything else (already a `BatchConfigBuilder…build()`, a variable) is kept as written.
pub fn convert_batch_config(
    file: &SourceFile,
    imports: &ImportMap,
    names: &mut ImportPlan<'_>,
    expr: &syn::Expr,
) -> String {
    let chain = Chain::read(expr);
    let old_type = chain.root_path().and_then(|p| {
        let mut resolved = imports.resolve(p);
        let is_old = matches!(super::sdk_path_suffix(&resolved), Some([t, b, d]) if t == "trace" && b == "BatchConfig" && d == "default");
        is_old.then(|| {
            resolved.pop();
            resolved.join("::")
        })
    });
    let Some(old_type) = old_type.filter(|_| !chain.links.is_empty()) else {
        return text_of(file, expr).to_string();
    };
    // Its import goes with its last use (the type is still in 0.27, so only when unused).
    names.remove_if_unused(&old_type);
    let root_end = range_of(file, chain.root).end;
    let links = &file.text[root_end..range_of(file, expr).end];
    format!(
        "{}::default(){links}.build()",
        names.name("opentelemetry_sdk::trace::BatchConfigBuilder")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_results_follow_the_crate_versions() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        assert!(matches!(
            old_result("opentelemetry-otlp", Some(&v("0.16.0")), "install_batch"),
            (Returns::Tracer(_), true)
        ));
        assert_eq!(
            old_result("opentelemetry-otlp", Some(&v("0.17.0")), "install_batch"),
            (Returns::Provider, false)
        );
        assert!(matches!(
            old_result("opentelemetry-jaeger", Some(&v("0.22.0")), "install_simple"),
            (Returns::Tracer(_), true)
        ));
        assert_eq!(
            old_result("opentelemetry-jaeger", None, "build_batch"),
            (Returns::Provider, false)
        );
    }

    #[test]
    fn service_names_become_values() {
        assert_eq!(owned_string("\"svc\""), "\"svc\"");
        assert_eq!(owned_string("SERVICE_NAME"), "SERVICE_NAME");
        assert_eq!(
            owned_string("cfg.service_name.clone()"),
            "cfg.service_name.clone()"
        );
        assert_eq!(owned_string("name"), "name.to_string()");
        assert_eq!(owned_string("a.as_str()"), "a.as_str().to_string()");
        assert_eq!(owned_string("a + b"), "(a + b).to_string()");
    }
}
