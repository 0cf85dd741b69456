//! Private functions that create an old OTLP trace pipeline and return it for the caller to
//! install (`fn pipeline(endpoint: &str) -> OtlpTracePipeline<SpanExporterBuilder> {
//! new_pipeline().tracing().with_exporter(..) }` then `pipeline(url).install_batch(rt)`, issue
//! 15 shape 5), rewritten with every caller of the file: the function builds the exporter
//! (`?`) and returns `Result<opentelemetry_sdk::trace::Builder, TraceError>` with the exporter
//! installed the way its callers installed it, and each call becomes
//! `pipeline(url).map(|builder| builder.build())` (plus the global registration and the tracer
//! when the old install returned one), which keeps the old call's type.
//!
//! Only what one file proves: a free function without `pub` in a file that declares no module in
//! another file, no generics, no pipeline parameter, ending in the pipeline chain; every mention
//! of its name a call installed right after (`install_batch(rt)` / `install_simple()`), all the
//! same. Anything else keeps the signature's finding (`pipeline_signature`).

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};
use crate::otel::chain::{count_ident, Chain, Link};
use crate::otel::exporter::Signal;
use crate::otel::exporter_helper::{private_free_function, top_level_fn};
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::pipeline_signature::{pipeline_types_in, Role};
use crate::otel::trace::{old_result, render_tracer, InstalledAs, Returns, TERMINALS};

use super::parts::{register_call, ProviderParts};
use super::site_edit::leftover_comments;
use super::statement::fresh;
use super::trace_sites::{cleanup, ParseSite, PipelineSyntax};

/// A function creating the pipeline, with the calls that install it.
pub struct PipelineCreator<'a> {
    item: &'a syn::ItemFn,
    /// The pipeline chain the body ends with (no terminal call).
    head: Chain<'a>,
    /// The body's last expression (the chain).
    tail: &'a syn::Expr,
    /// The old return type.
    ret: TextRange,
    /// `name(args)` of every call, and the terminal installed right after it.
    sites: Vec<(&'a syn::ExprCall, Link<'a>)>,
    /// How callers in other files install it (then `sites` is empty: they rewrite their calls).
    installed_elsewhere: Option<InstalledAs>,
}

impl PipelineCreator<'_> {
    /// The signature's range (its finding is this rewrite's business).
    pub fn signature(&self, rust: ParsedRust<'_>) -> TextRange {
        range_of(rust.file, &self.item.sig)
    }

    /// Where the pipeline head starts (the trace sites leave it to this rewrite).
    pub fn head_start(&self, rust: ParsedRust<'_>) -> usize {
        range_of(rust.file, self.tail).start
    }

    /// The old return type's range.
    pub fn return_type(&self) -> TextRange {
        self.ret
    }

    /// The pipeline's links: the body's chain and the install its callers share.
    fn links(&self) -> Option<Vec<Link<'_>>> {
        let mut links = self.head.links.clone();
        if self.installed_elsewhere.is_none() {
            links.push(self.sites.first()?.1.clone());
        }
        Some(links)
    }
}

/// The creators of the file whose every call installs the pipeline the same way, and whose
/// pipeline `syntax` can read (a dry parse: its findings are dropped).
pub fn trace_creators<'a>(
    rust: ParsedRust<'a>,
    syntax: &dyn PipelineSyntax,
) -> Vec<PipelineCreator<'a>> {
    let mut fns = Vec::new();
    collect_fns(&rust.syntax.items, &mut fns);
    fns.into_iter()
        .filter_map(|f| creator(rust, syntax, f))
        .filter(|c| {
            let mut names = ImportPlan::at(rust.file, rust.syntax, c.head_start(rust));
            parse(rust, syntax, c, &mut names, &mut Changes::default()).is_some()
        })
        .collect()
}

fn collect_fns<'a>(items: &'a [syn::Item], out: &mut Vec<&'a syn::ItemFn>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(f),
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_fns(items, out);
                }
            }
            _ => {}
        }
    }
}

fn creator<'a>(
    rust: ParsedRust<'a>,
    syntax: &dyn PipelineSyntax,
    f: &'a syn::ItemFn,
) -> Option<PipelineCreator<'a>> {
    let name = ident_str(&f.sig.ident);
    if !std::ptr::eq(private_free_function(rust, &name)?, f) {
        return None;
    }
    let mut c = creator_form(rust, syntax, f)?;
    let sites = installs(rust.syntax, &name, false);
    // Every mention but the definition is a call installed right after, all alike (the
    // install moves into the function).
    let terminal = |l: &Link<'_>| (l.name.clone(), l.args_text(rust.file).trim().to_string());
    let first = terminal(&sites.first()?.1);
    let alike = sites.iter().all(|(_, t)| terminal(t) == first);
    if !alike || sites.len() + 1 != count_ident(rust.syntax, &name) {
        return None;
    }
    c.sites = sites;
    Some(c)
}

/// The free function `name` at the top of the file, creating the pipeline its callers in other
/// files install as `install` (the workspace facts checked them), when `syntax` can read its
/// pipeline installed that way.
pub fn creator_installed_elsewhere<'a>(
    rust: ParsedRust<'a>,
    syntax: &dyn PipelineSyntax,
    name: &str,
    install: &InstalledAs,
) -> Option<PipelineCreator<'a>> {
    let mut c = creator_form(rust, syntax, top_level_fn(rust.syntax, name)?)?;
    c.installed_elsewhere = Some(install.clone());
    let mut names = ImportPlan::at(rust.file, rust.syntax, c.head_start(rust));
    parse(rust, syntax, &c, &mut names, &mut Changes::default())?;
    Some(c)
}

/// Whether `f` creates the pipeline (`-> OtlpTracePipeline<..>`, no generics, not async, ending
/// in a pipeline head `syntax` knows that is not installed); its callers not checked.
pub fn is_creator(rust: ParsedRust<'_>, syntax: &dyn PipelineSyntax, f: &syn::ItemFn) -> bool {
    creator_form(rust, syntax, f).is_some()
}

fn creator_form<'a>(
    rust: ParsedRust<'a>,
    syntax: &dyn PipelineSyntax,
    f: &'a syn::ItemFn,
) -> Option<PipelineCreator<'a>> {
    let (ret, tail) = creator_shape(rust, f, Signal::Span)?;
    let head = Chain::read(tail);
    let installed = head
        .links
        .iter()
        .any(|l| TERMINALS.contains(&l.name.as_str()));
    if !syntax.is_root(rust.imports, &head) || installed {
        return None;
    }
    Some(PipelineCreator {
        item: f,
        head,
        tail,
        ret,
        sites: Vec::new(),
        installed_elsewhere: None,
    })
}

/// `f` shaped like a creator of `signal`'s pipeline: it returns the old pipeline type and takes
/// none, has no generics, is not `async` and ends in an expression. The return type's range and
/// that expression.
pub fn creator_shape<'a>(
    rust: ParsedRust<'_>,
    f: &'a syn::ItemFn,
    signal: Signal,
) -> Option<(TextRange, &'a syn::Expr)> {
    let sig = &f.sig;
    let found = pipeline_types_in(rust, sig, signal)?;
    let [(ret, Role::Return)] = found.types.as_slice() else {
        return None;
    };
    if !sig.generics.params.is_empty() || sig.asyncness.is_some() {
        return None;
    }
    let Some(syn::Stmt::Expr(tail, None)) = f.block.stmts.last() else {
        return None;
    };
    Some((*ret, tail))
}

/// Every `name(..).<terminal>(..)` of the file (`qualified`: also `path::to::name(..)`, for a
/// name the workspace facts found unique).
pub fn installs<'a>(
    file: &'a syn::File,
    name: &str,
    qualified: bool,
) -> Vec<(&'a syn::ExprCall, Link<'a>)> {
    calls_then(file, name, qualified, TERMINALS)
}

/// Every `name(..).<terminal>(..)` of the file whose method is one of `terminals`.
pub fn calls_then<'a>(
    file: &'a syn::File,
    name: &str,
    qualified: bool,
    terminals: &[&str],
) -> Vec<(&'a syn::ExprCall, Link<'a>)> {
    struct Finder<'n, 'a> {
        name: &'n str,
        qualified: bool,
        terminals: &'n [&'n str],
        found: Vec<(&'a syn::ExprCall, Link<'a>)>,
    }
    impl<'a> syn::visit::Visit<'a> for Finder<'_, 'a> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if let syn::Expr::Call(c) = &*m.receiver {
                let named = matches!(&*c.func, syn::Expr::Path(p)
                    if p.qself.is_none() && (p.path.is_ident(self.name)
                        || self.qualified && p.path.segments.last().is_some_and(|s|
                            s.ident == self.name && s.arguments.is_none())));
                if named && self.terminals.contains(&ident_str(&m.method).as_str()) {
                    let link = Chain::read_call(m).links.pop().expect("the call's link");
                    self.found.push((c, link));
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut finder = Finder {
        name,
        qualified,
        terminals,
        found: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut finder, file);
    finder.found
}

fn parse<'c>(
    rust: ParsedRust<'c>,
    syntax: &dyn PipelineSyntax,
    c: &PipelineCreator<'_>,
    names: &mut ImportPlan<'c>,
    out: &mut Changes,
) -> Option<super::trace_sites::Parsed> {
    let links = c.links()?;
    let at = ParseSite {
        rust,
        names,
        site: range_of(rust.file, c.tail),
        out,
    };
    match &c.installed_elsewhere {
        Some(install) => syntax.parse_installed(&links, install, at),
        None => syntax.parse(&links, at),
    }
}

/// Rewrites `creators` (from [`trace_creators`]) and their calls into `out`.
pub fn rewrite_creators<'c>(
    rust: ParsedRust<'c>,
    syntax: &dyn PipelineSyntax,
    creators: &[PipelineCreator<'c>],
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let file = rust.file;
    for c in creators {
        let tail = range_of(file, c.tail);
        let mut names = ImportPlan::at(file, rust.syntax, tail.start);
        let Some(parsed) = parse(rust, syntax, c, &mut names, out) else {
            continue;
        };
        let p = &parsed.pipeline;
        if let Some(links) = c.links() {
            let entry = crate::otel::ledger::trace::rewritten(rust, tail, &links, p);
            out.ledger.push(entry);
        }
        let exporter_name = p
            .exporter_local()
            .map(str::to_string)
            .unwrap_or_else(|| fresh("exporter", &file.text, ""));
        let lead = leftover_comments(file, &[tail], &parsed.carried);
        let creator = (Signal::Span, c.ret, tail);
        replace_creator_body(file, p, creator, (&exporter_name, lead), &mut names, out);
        plans.add(names);
        for (call, terminal) in &c.sites {
            replace_terminal(
                rust,
                (call, terminal),
                |names, indent, le| built(&p.returns, p.registers_global, names, indent, le),
                out,
                plans,
            );
        }
        let mut cleanup = cleanup(rust);
        cleanup.remove_if_unused("opentelemetry_otlp::OtlpTracePipeline");
        plans.add(cleanup);
    }
}

/// A creator's 0.27 form for `signal`: its return type (at `ret`) becomes
/// `Result<provider builder, build error>`, its tail (at `tail`) builds the exporter into the
/// local `exporter` with `?` after the `lead` lines and returns `Ok(<provider builder>)`.
pub fn replace_creator_body(
    file: &SourceFile,
    p: &dyn ProviderParts,
    (signal, ret, tail): (Signal, TextRange, TextRange),
    (exporter, lead): (&str, Vec<String>),
    names: &mut ImportPlan<'_>,
    out: &mut Changes,
) {
    let le = file.line_ending.as_str();
    out.replace(
        ret,
        format!(
            "Result<{}, {}>",
            names.name(signal.provider_builder_path()),
            names.name(signal.build_error_path())
        ),
    );
    let indent = file.indent_at(tail.start).to_string();
    let step = crate::engine::source::deeper(&indent, file.indent_unit());
    let mut lines = lead;
    lines.push(format!(
        "let {exporter} = {}?;",
        p.exporter(names, &step, le)
    ));
    let (setup, provider) = p.provider(names, exporter, &step, le);
    lines.extend(setup);
    let builder = provider
        .strip_suffix(".build()")
        .map(|b| b.trim_end().to_string())
        .unwrap_or(provider);
    lines.push(format!("Ok({builder})"));
    out.replace(tail, lines.join(&format!("{le}{indent}")));
    for (range, text) in p.local_edits(names, le) {
        out.replace(range, text);
    }
}

/// The calls in this file of the creators the workspace facts follow from other files (each
/// with the opentelemetry-otlp version of its own package, whose pipeline the callers
/// installed): `name(..).install_batch(rt)` → `name(..).map(|builder| builder.build())`.
pub fn rewrite_calls_of_creators_elsewhere<'c>(
    rust: ParsedRust<'c>,
    creators: &[(String, Option<semver::Version>)],
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let finish = |terminal: &Link<'_>, version: Option<&semver::Version>| {
        let (returns, registers) = old_result("opentelemetry-otlp", version, &terminal.name);
        move |names: &mut ImportPlan<'_>, indent: &str, le: &str| {
            built(&returns, registers, names, indent, le)
        }
    };
    let calls = (creators, TERMINALS);
    rewrite_finishes_elsewhere(rust, calls, finish, out, plans);
}

/// The calls in this file of `creators` (name, opentelemetry-otlp version of the creator's
/// package) finished right after by one of `terminals`: each terminal becomes what
/// `finish(terminal, version)` writes; the runtime the old install named is dropped from the
/// imports when nothing else uses it (it moved into the creator).
pub fn rewrite_finishes_elsewhere<'c, F>(
    rust: ParsedRust<'c>,
    (creators, terminals): (&[(String, Option<semver::Version>)], &[&str]),
    finish: impl Fn(&Link<'_>, Option<&semver::Version>) -> F,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) where
    F: FnOnce(&mut ImportPlan<'c>, &str, &str) -> String,
{
    let mut rewritten = false;
    for (name, version) in creators {
        for (call, terminal) in calls_then(rust.syntax, name, true, terminals) {
            let text = finish(&terminal, version.as_ref());
            replace_terminal(rust, (call, &terminal), text, out, plans);
            rewritten = true;
        }
    }
    if rewritten {
        let mut cleanup = ImportPlan::at(rust.file, rust.syntax, 0);
        for runtime in RUNTIME_ITEMS {
            cleanup.remove_if_unused(runtime);
        }
        plans.add(cleanup);
    }
}

const RUNTIME_ITEMS: &[&str] = &[
    "opentelemetry_sdk::runtime",
    "opentelemetry_sdk::runtime::Tokio",
    "opentelemetry_sdk::runtime::TokioCurrentThread",
    "opentelemetry_sdk::runtime::AsyncStd",
];

/// The terminal after a creator's call (`.install_batch(rt)`, `.build()`) → what `finish`
/// writes there (given the names at the call, its indent and the line ending).
pub fn replace_terminal<'c>(
    rust: ParsedRust<'c>,
    (call, terminal): (&syn::ExprCall, &Link<'_>),
    finish: impl FnOnce(&mut ImportPlan<'c>, &str, &str) -> String,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let file = rust.file;
    let site = TextRange::new(
        terminal.name_range(file).start,
        range_of(file, terminal.call).end,
    );
    let at = range_of(file, call).start;
    let mut names = ImportPlan::at(file, rust.syntax, at);
    let text = finish(&mut names, file.indent_at(at), file.line_ending.as_str());
    out.replace(site, text);
    plans.add(names);
}

/// `map(|builder| builder.build())` for the call, with the registration and the tracer the
/// old install gave.
fn built(
    returns: &Returns,
    registers_global: bool,
    names: &mut ImportPlan<'_>,
    indent: &str,
    le: &str,
) -> String {
    let Returns::Tracer(scope) = returns else {
        return builder_built(None, None, indent, names.indent_unit(), le);
    };
    let i1 = crate::engine::source::deeper(indent, names.indent_unit());
    let register = registers_global
        .then(|| register_call(names, "opentelemetry::global::set_tracer_provider"));
    let tracer = render_tracer(names, "provider", scope, &i1, le);
    builder_built(
        register.as_deref(),
        Some(&tracer),
        indent,
        names.indent_unit(),
        le,
    )
}

/// `map(|builder| builder.build())`, the link that builds a creator's provider builder where
/// its old pipeline was installed; with `register` (the global registration function as named
/// at the site) and `derived` (what the old call yielded instead of the provider, an
/// expression of the local `provider`), a block on lines under `indent`.
pub fn builder_built(
    register: Option<&str>,
    derived: Option<&str>,
    indent: &str,
    unit: crate::engine::source::IndentUnit,
    le: &str,
) -> String {
    if register.is_none() && derived.is_none() {
        return "map(|builder| builder.build())".to_string();
    }
    let i1 = crate::engine::source::deeper(indent, unit);
    let mut lines = vec!["let provider = builder.build();".to_string()];
    if let Some(register) = register {
        lines.push(format!("{register}(provider.clone());"));
    }
    lines.push(derived.unwrap_or("provider").to_string());
    let body: String = lines.iter().map(|l| format!("{le}{i1}{l}")).collect();
    format!("map(|builder| {{{body}{le}{indent}}})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;
    use crate::otel::exporter::{ExporterConfig, Transport};
    use crate::otel::trace::{OldTerminal, Processing, TracePipeline};

    /// Any `new_pipeline().tracing()` chain, read as a provider-returning pipeline.
    struct AnyTrace;

    impl PipelineSyntax for AnyTrace {
        fn is_root(&self, imports: &crate::engine::syntax::ImportMap, chain: &Chain<'_>) -> bool {
            chain
                .root_path()
                .is_some_and(|r| imports.is(r, &["opentelemetry_otlp", "new_pipeline"]))
        }
        fn parse(
            &self,
            _: &[Link<'_>],
            _: ParseSite<'_, '_>,
        ) -> Option<super::super::trace_sites::Parsed> {
            let terminal = OldTerminal {
                processing: Processing::Simple,
                returns: Returns::Provider,
                registers_global: false,
            };
            Some(super::super::trace_sites::Parsed {
                pipeline: TracePipeline::new(ExporterConfig::new(Transport::Grpc), terminal),
                carried: Vec::new(),
            })
        }
        fn removable(&self, _: &str) -> bool {
            false
        }
        fn mentions(&self) -> &'static [&'static str] {
            &[]
        }
    }

    fn creators(src: &str) -> Vec<String> {
        let src = format!(
            "use opentelemetry_otlp::{{new_pipeline, OtlpTracePipeline as P, SpanExporterBuilder as B}};\n{src}"
        );
        with_parsed(&src, |rust| {
            trace_creators(rust, &AnyTrace)
                .iter()
                .map(|c| ident_str(&c.item.sig.ident))
                .collect()
        })
    }

    #[test]
    fn a_private_creator_installed_alike_everywhere_is_rewritten() {
        let src = "fn p(u: &str) -> P<B> { let _ = u; new_pipeline().tracing() }\n\
                   fn a() { p(\"x\").install_simple(); }\n\
                   fn b() { let _ = p(\"y\").install_simple().unwrap(); }\n";
        assert_eq!(creators(src), vec!["p"]);
    }

    #[test]
    fn near_misses_keep_their_finding() {
        let shapes = [
            // Public; generic; installed two ways; not installed right after; taken as a
            // value; never called; not ending in the pipeline; installed already.
            "pub fn p() -> P<B> { new_pipeline().tracing() }\nfn a() { p().install_simple(); }",
            "fn p<T>() -> P<B> { new_pipeline().tracing() }\nfn a() { p::<u8>().install_simple(); }",
            "fn p() -> P<B> { new_pipeline().tracing() }\nfn a() { p().install_simple(); p().install_batch(Tokio); }",
            "fn p() -> P<B> { new_pipeline().tracing() }\nfn a() { p().with_trace_config(c()).install_simple(); }",
            "fn p() -> P<B> { new_pipeline().tracing() }\nfn a() { p().install_simple(); let f = p; }",
            "fn p() -> P<B> { new_pipeline().tracing() }",
            "fn p() -> P<B> { let q = new_pipeline().tracing(); q }\nfn a() { p().install_simple(); }",
            "fn p() -> P<B> { new_pipeline().tracing().install_simple() }\nfn a() { p().install_simple(); }",
        ];
        for shape in shapes {
            assert!(creators(shape).is_empty(), "{shape}");
        }
    }
}
