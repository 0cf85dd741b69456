//! Finding old trace pipelines in a file and placing their 0.27 replacement so it has the type
//! the old expression had (design.md §5), shared by `jaeger-pipeline` and `otlp-trace-pipeline`.
//!
//! A [`PipelineSyntax`] says which chains are pipelines (their root call) and parses their links
//! into a [`TracePipeline`]. The driver handles where they appear:
//! - `let <pat> = <pipeline>?;` (also `.unwrap()`, `.expect(..)`, `.map_err(..)?`, `.context(..)?`)
//!   → statements (`let exporter = …build()?; let provider = …; …; let <pat> = provider.tracer…`);
//! - a builder kept in a local: `let mut p = <pipeline head>; p = p.with_x(..); if c { p = p.with_y(..) }`
//!   then `p.install_batch(..)` → the links are joined (conditional links only when they are all
//!   options that no longer exist, which are then removed); anything else about `p` is reported;
//! - anywhere else (function tail, `match` arm or scrutinee, argument) → a `Result` of the old
//!   type: `SpanExporter::builder()…build().map(|exporter| …)`;
//! - macro bodies that parse (`cfg_if!`, `lazy_static!`, `tokio::select!`) are treated the same;
//!   bodies that do not parse but mention the pipeline are reported.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::ledger::{RawLedgerEntry, Settings, Signal};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{
    ident_str, macro_fragments, range_of, range_of_span, range_of_tokens, text_of, tokens_mention,
    ImportMap, ParsedRust,
};
use crate::otel::chain::{
    count_ident, follow_local, local_terminal, rebinds_a_name_of, stmt_range, uses_in_consumer,
    Chain, Link,
};
use crate::otel::conditional_links::ConditionalLinks;
use crate::otel::exporter::OLD_BUILDER_ITEMS;
use crate::otel::exporter_branches::branch_exporters;
use crate::otel::imports::{ident_counts, ImportPlan, ImportPlans};
use crate::otel::trace::{config_helpers, InstalledAs, TracePipeline, TERMINALS};

use super::conditional::conditional_setters;
use super::expression::expression;
use super::parts::{register_call, ProviderParts};
use super::site_edit::{leftover_comments, place, Placed};
use super::statement::{fresh, pattern_ident, statements, StatementBinding};
use crate::engine::source::whole_lines;
use crate::otel::local_binding::method_calls_after;

/// `name = callee(.., name, ..);`: the call.
fn reassigned_by_call<'a>(stmt: &'a syn::Stmt, name: &str) -> Option<&'a syn::ExprCall> {
    let syn::Stmt::Expr(syn::Expr::Assign(a), _) = stmt else {
        return None;
    };
    let (syn::Expr::Path(lhs), syn::Expr::Call(call)) = (&*a.left, &*a.right) else {
        return None;
    };
    let passes = |e: &syn::Expr| matches!(e, syn::Expr::Path(p) if p.path.is_ident(name));
    (lhs.path.is_ident(name) && call.args.iter().any(passes)).then_some(call)
}

/// `name = callee(.., name, ..);`: the callee's path.
fn handed_to(stmt: &syn::Stmt, name: &str) -> Option<String> {
    let syn::Expr::Path(callee) = &*reassigned_by_call(stmt, name)?.func else {
        return None;
    };
    let segments: Vec<String> = callee
        .path
        .segments
        .iter()
        .map(|s| ident_str(&s.ident))
        .collect();
    Some(segments.join("::"))
}

/// A shadowing `let` a pipeline kept in a local goes through before its install.
struct ShadowingStep<'a> {
    /// The links it adds to the pipeline.
    links: Vec<Link<'a>>,
    /// Whether the statement stays (rewritten by the exporter it holds) instead of going.
    stays: bool,
}

/// Result adapters that only touch the error side; statements keep them after the exporter's
/// `build()` (whose error type is the old one, `TraceError`).
const ERROR_ADAPTERS: &[&str] = &["unwrap", "expect", "map_err", "context", "with_context"];

/// A parsed pipeline and what of the original text its rendering carries.
pub struct Parsed {
    pub pipeline: TracePipeline,
    /// Argument ranges the renderer splices verbatim (comments inside them travel along).
    pub carried: Vec<TextRange>,
}

/// Where [`PipelineSyntax::parse`] reads a pipeline: the file, the import plan of the site
/// (names the rendering uses), the site's range and the outcome its findings go to.
pub struct ParseSite<'a, 'c> {
    pub rust: ParsedRust<'c>,
    pub names: &'a mut ImportPlan<'c>,
    pub site: TextRange,
    pub out: &'a mut Changes,
}

pub trait PipelineSyntax {
    /// Whether `chain` (root call and links) is one of this transform's pipelines (its head:
    /// the terminal call may be missing when the builder is kept in a local).
    fn is_root(&self, imports: &ImportMap, chain: &Chain<'_>) -> bool;
    /// Parses the links (root first, terminal last). Findings for removed or unknown links go
    /// to `at.out`; `None` means "not rewritten" (a finding says why).
    fn parse(&self, links: &[Link<'_>], at: ParseSite<'_, '_>) -> Option<Parsed>;
    /// Parses a pipeline head (root first, no terminal) whose callers in other files install it
    /// as `install` (`pipeline_creator`); `None` when this syntax cannot.
    fn parse_installed(
        &self,
        _links: &[Link<'_>],
        _install: &InstalledAs,
        _at: ParseSite<'_, '_>,
    ) -> Option<Parsed> {
        None
    }
    /// Links that may be dropped when they appear only in a conditional reassignment.
    fn removable(&self, name: &str) -> bool;
    /// Identifiers that mark an unparsable macro body as containing this pipeline.
    fn mentions(&self) -> &'static [&'static str];
    /// Called once per rewritten site (deployment notes).
    fn after_rewrite(&self, _site: TextRange, _out: &mut Changes) {}
    /// Private functions of the file a pipeline may pass through before its install
    /// (`customize(pipeline, ..).install_batch(rt)`, `otel::pipeline_customizer`): each name
    /// with the index of its pipeline parameter.
    fn customizers(&self) -> &[(String, usize)] {
        &[]
    }
    /// Customizers the package facts follow across files (`transforms/signature_facts.rs`):
    /// their names are unique in the workspace, so a qualified call (`telemetry::sampled(..)`)
    /// names them too.
    fn customizers_elsewhere(&self) -> &[(String, usize)] {
        &[]
    }
    /// Where the pipeline heads another rewrite takes care of start (`pipeline_creator`).
    fn left_to_others(&self) -> &[usize] {
        &[]
    }
    /// Closure parameters the pipeline may pass through inside their function
    /// (`pipeline = customize(pipeline)`, `otel::closure_customizer`): each name with the range
    /// of the function's body.
    fn closure_customizers(&self) -> &[(String, TextRange)] {
        &[]
    }
}

/// Items the old pipelines named that the rewritten code may no longer need; their imports are
/// removed when the edited file no longer mentions them (traits are never listed: they are used
/// without being named).
const MAYBE_UNUSED: &[&str] = &[
    "opentelemetry_sdk::trace",
    "opentelemetry_sdk::trace::config",
    "opentelemetry_sdk::trace::Config",
    "opentelemetry_sdk::trace::BatchConfig",
    "opentelemetry_otlp::ExportConfig",
    "opentelemetry_otlp::Protocol",
    "opentelemetry_otlp::new_pipeline",
    "opentelemetry_jaeger",
    "opentelemetry_jaeger::new_agent_pipeline",
    "opentelemetry_jaeger::new_collector_pipeline",
];

/// A trace pipeline transform's run: the pipelines of `syntax` rewritten, then `visit` (the
/// transform's own pass over the file, which may plan imports), then the same-file config
/// helpers the rewrite inlined deleted and the imports finished (after every other edit).
pub fn run<'c>(
    rust: ParsedRust<'c>,
    syntax: &dyn PipelineSyntax,
    visit: impl FnOnce(&mut Changes, &mut ImportPlans<'c>),
) -> Changes {
    let mut out = Changes::default();
    let mut plans = ImportPlans::default();
    rewrite_file(rust, syntax, &mut out, &mut plans);
    visit(&mut out, &mut plans);
    delete_inlined_config_helpers(rust, &mut out);
    plans.finish(&mut out);
    out
}

/// Rewrites every pipeline of `syntax` in the file into `out`; the imports the new code needs
/// are added to `plans` (finish them after the transform's other edits). Returns the
/// customizer of each site rewritten through one ([`PipelineSyntax::customizers`]).
pub fn rewrite_file<'c>(
    rust: ParsedRust<'c>,
    syntax: &dyn PipelineSyntax,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) -> Vec<String> {
    let mut d = Driver {
        rust,
        syntax,
        out: std::mem::take(out),
        handled: syntax.left_to_others().to_vec(),
        plans: std::mem::take(plans),
        customized: Vec::new(),
        placed_through: Vec::new(),
    };
    d.visit_file(rust.syntax);
    if !d.out.edits.is_empty() {
        d.plans.add(cleanup(rust));
    }
    *out = d.out;
    *plans = d.plans;
    d.placed_through
}

/// The imports of the old pipelines, removed where the edited file no longer needs them.
pub fn cleanup<'c>(rust: ParsedRust<'c>) -> ImportPlan<'c> {
    let mut cleanup = ImportPlan::at(rust.file, rust.syntax, 0);
    for path in MAYBE_UNUSED.iter().chain(OLD_BUILDER_ITEMS) {
        cleanup.remove_if_unused(path);
    }
    cleanup
}

struct Driver<'a, 'c> {
    rust: ParsedRust<'c>,
    syntax: &'a dyn PipelineSyntax,
    out: Changes,
    /// Start offsets of pipeline chains already rewritten (or reported).
    handled: Vec<usize>,
    plans: ImportPlans<'c>,
    /// Sites that go through a customizer: their terminal call's start, the customizer's
    /// name, and the call's text before and after the pipeline argument.
    customized: Vec<(usize, String, (String, String))>,
    /// The customizer of each such site rewritten.
    placed_through: Vec<String>,
}

/// A pipeline chain up to its terminal call, and what follows it in the expression.
struct Found<'e> {
    links: Vec<Link<'e>>,
    terminal: &'e syn::ExprMethodCall,
}

/// `customize(<pipeline argument>, ..)` installed right after: `customize(..).install_batch(rt)`.
struct Customized<'e> {
    name: String,
    call: &'e syn::ExprCall,
    pipeline: &'e syn::Expr,
    terminal: &'e syn::ExprMethodCall,
}

impl<'a, 'c> Driver<'a, 'c> {
    fn file(&self) -> &'c SourceFile {
        self.rust.file
    }

    /// `expr` as `<root>.links….<terminal>(..)` with a root of this pipeline syntax (or a
    /// customizer's call taking such a root, remembered for the site's rendering).
    fn pipeline_chain<'e>(&mut self, expr: &'e syn::Expr) -> Option<Found<'e>> {
        let chain = Chain::read(expr);
        if let Some(c) = self.customized(&chain) {
            let head = self.pipeline_head(c.pipeline)?;
            return Some(self.through(head, c));
        }
        if !self.syntax.is_root(self.rust.imports, &chain) {
            return None;
        }
        let last = chain.links.last()?;
        if !TERMINALS.contains(&last.name.as_str()) {
            return None;
        }
        let terminal = last.call;
        Some(Found {
            links: chain.links,
            terminal,
        })
    }

    /// `chain` as a customizer's call installed right after.
    fn customized<'e>(&self, chain: &Chain<'e>) -> Option<Customized<'e>> {
        let syn::Expr::Call(call) = chain.root else {
            return None;
        };
        let (name, param) = self.customizer_of(call)?;
        let terminal = chain.links.first()?;
        if !TERMINALS.contains(&terminal.name.as_str()) {
            return None;
        }
        Some(Customized {
            name,
            call,
            pipeline: call.args.iter().nth(param)?,
            terminal: terminal.call,
        })
    }

    /// The customizer `call` calls (its name and pipeline parameter): a function of the
    /// customizer's form, or a closure parameter of the function around the call.
    fn customizer_of(&self, call: &syn::ExprCall) -> Option<(String, usize)> {
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        let last = p.path.segments.last()?;
        if p.qself.is_some() {
            return None;
        }
        let name = ident_str(&last.ident);
        let elsewhere = self.syntax.customizers_elsewhere().iter();
        let found = match p.path.get_ident() {
            Some(_) => self.syntax.customizers().iter().chain(elsewhere),
            None if last.arguments.is_none() => [].iter().chain(elsewhere),
            None => return None,
        }
        .find(|(n, _)| *n == name);
        if let Some((_, param)) = found {
            return Some((name, *param));
        }
        let at = range_of(self.file(), call);
        let closure = self
            .syntax
            .closure_customizers()
            .iter()
            .any(|(n, body)| *n == name && body.start <= at.start && at.end <= body.end);
        // A `let` of that name in between would hide the parameter.
        (closure
            && p.path.get_ident().is_some()
            && crate::otel::local_binding::binding_of(self.rust, &name, at.start).is_none())
        .then_some((name, 0))
    }

    /// `expr` as a pipeline head of this syntax that is not installed yet.
    fn pipeline_head<'e>(&self, expr: &'e syn::Expr) -> Option<Chain<'e>> {
        let head = Chain::read(expr);
        let installed = head
            .links
            .iter()
            .any(|l| TERMINALS.contains(&l.name.as_str()));
        (self.syntax.is_root(self.rust.imports, &head) && !installed).then_some(head)
    }

    /// The site of `head` going through customizer `c`: its links and `c`'s terminal.
    fn through<'e>(&mut self, head: Chain<'e>, c: Customized<'e>) -> Found<'e> {
        let file = self.file();
        let arg = range_of(file, c.pipeline);
        self.go_through(c.call, c.pipeline, c.terminal, c.name);
        // The head is part of this site, not a pipeline of its own.
        self.handled.push(arg.start);
        let mut links = head.links;
        links.push(
            Chain::read_call(c.terminal)
                .links
                .pop()
                .expect("the terminal link"),
        );
        Found {
            links,
            terminal: c.terminal,
        }
    }

    /// Remembers that the site finished by `terminal` goes through customizer `name`, called
    /// by `call` with the pipeline as `arg`: the call's text before and after it.
    fn go_through(
        &mut self,
        call: &syn::ExprCall,
        arg: &syn::Expr,
        terminal: &syn::ExprMethodCall,
        name: String,
    ) {
        let file = self.file();
        let (whole, arg) = (range_of(file, call), range_of(file, arg));
        let text = if call.args.len() == 1 {
            // The pipeline was the only argument: the short builder name fits on one line.
            let open = range_of_span(file, call.paren_token.span.open());
            (
                file.text[whole.start..open.end].to_string(),
                ")".to_string(),
            )
        } else {
            (
                file.text[whole.start..arg.start].to_string(),
                file.text[arg.end..whole.end].to_string(),
            )
        };
        let terminal = range_of(file, terminal).start;
        self.customized.push((terminal, name, text));
    }

    /// `name = customize(name);`: the call and the customizer's name, when `customize` is a
    /// customizer taking the local alone as its pipeline.
    fn customizer_reassignment(
        &self,
        stmt: &'a syn::Stmt,
        name: &str,
    ) -> Option<(&'a syn::ExprCall, &'a syn::Expr, String)> {
        let call = reassigned_by_call(stmt, name)
            .filter(|_| matches!(stmt, syn::Stmt::Expr(_, Some(_))))?;
        let (customizer, param) = self.customizer_of(call)?;
        let arg = call.args.iter().nth(param)?;
        let is_local = |e: &syn::Expr| matches!(e, syn::Expr::Path(p) if p.path.is_ident(name));
        (is_local(arg) && count_ident(call, name) == 1).then_some((call, arg, customizer))
    }

    fn names_at(&self, offset: usize) -> ImportPlan<'c> {
        ImportPlan::at(self.rust.file, self.rust.syntax, offset)
    }

    fn block(&mut self, stmts: &'a [syn::Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let Some(init) = &local.init else { continue };
            if init.diverge.is_some() {
                continue;
            }
            if let Some((found, tail)) = self
                .statement_tail(&init.expr)
                .and_then(|(e, tail)| Some((self.pipeline_chain(e)?, tail)))
            {
                if self
                    .handled
                    .contains(&range_of(self.file(), found.terminal).start)
                {
                    continue;
                }
                let pat = text_of(self.file(), &local.pat).to_string();
                self.place_statements(stmt, (found.links, Vec::new()), &[], pat, tail);
                continue;
            }
            self.let_builder(stmts, i, local);
        }
    }

    /// `<…>.<terminal>(..)` followed only by error adapters ending in `?`, `unwrap()` or
    /// `expect(..)`: the expression up to the terminal call and the tail text.
    fn statement_tail<'e>(&self, expr: &'e syn::Expr) -> Option<(&'e syn::Expr, String)> {
        let (inner, has_try) = match expr {
            syn::Expr::Try(t) => (&*t.expr, true),
            e => (e, false),
        };
        let chain = Chain::read(inner);
        let idx = chain
            .links
            .iter()
            .rposition(|l| TERMINALS.contains(&l.name.as_str()))?;
        let adapters = &chain.links[idx + 1..];
        if !adapters
            .iter()
            .all(|l| ERROR_ADAPTERS.contains(&l.name.as_str()))
        {
            return None;
        }
        let ends_in_value = has_try
            || adapters
                .iter()
                .any(|l| l.name == "unwrap" || l.name == "expect");
        if !ends_in_value {
            return None;
        }
        let terminal_expr: &syn::Expr = if adapters.is_empty() {
            inner
        } else {
            chain.receiver_of(idx + 1)
        };
        let tail_start = range_of(self.file(), terminal_expr).end;
        let tail = self.file().text[tail_start..range_of(self.file(), expr).end].to_string();
        Some((terminal_expr, tail))
    }

    /// `let [mut] p = <pipeline head>;` then reassignments and a consumer using `p.<terminal>`.
    fn let_builder(&mut self, stmts: &'a [syn::Stmt], i: usize, local: &'a syn::Local) {
        let syn::Pat::Ident(pi) = &local.pat else {
            return;
        };
        let Some(init) = &local.init else { return };
        let head = Chain::read(&init.expr);
        if !self.syntax.is_root(self.rust.imports, &head)
            || head
                .links
                .iter()
                .any(|l| TERMINALS.contains(&l.name.as_str()))
        {
            return;
        }
        let name = ident_str(&pi.ident);
        let site = range_of(self.file(), local);
        self.handled.push(range_of(self.file(), &*init.expr).start);
        let mut followed = follow_local(stmts, i + 1, &name);
        // Shadowing `let`s that extend the pipeline before its install: their links join it.
        let mut shadowing = Vec::new();
        while let Some(at) = followed.consumer {
            let Some(step) = self.shadowing_step(&stmts[at], &name) else {
                break;
            };
            shadowing.push((at, step));
            let rest = follow_local(stmts, at + 1, &name);
            followed.reassignments.extend(rest.reassignments);
            followed.consumer = rest.consumer;
        }
        // `p = customize(p);` then the install: the site goes through the customizer.
        let mut through = None;
        if let Some(at) = followed.consumer {
            if let Some((call, arg, customizer)) = self.customizer_reassignment(&stmts[at], &name) {
                let rest = follow_local(stmts, at + 1, &name);
                if rest.reassignments.is_empty() && rest.consumer.is_some() {
                    through = Some((at, call, arg, customizer));
                    followed.consumer = rest.consumer;
                }
            }
        }
        let report = |d: &mut Self, why: &str| {
            d.out.finding(
                site,
                Severity::Error,
                format!("the pipeline kept in `{name}` is {why}; it was not rewritten"),
                "build the 0.27 exporter and provider by hand: `let exporter = SpanExporter::builder().with_tonic()…build()?; let provider = TracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio)…build();` (see otel-0.27-migration.md §3)",
            );
        };
        let Some(consumer_idx) = followed.consumer else {
            return report(self, "never installed in this block");
        };
        if rebinds_a_name_of(&stmts[i + 1..consumer_idx], &init.expr) {
            return report(self, "built from a name bound again before it is installed");
        }
        // A shadowing `let`'s options move to the install: nothing in between may rebind what
        // they read (the pipeline's own name aside).
        let moved_args_rebound =
            shadowing
                .iter()
                .filter(|(_, step)| !step.stays)
                .any(|(at, step)| {
                    let args = step.links.iter().flat_map(|l| &l.call.args);
                    args.into_iter()
                        .any(|arg| rebinds_a_name_of(&stmts[at + 1..consumer_idx], arg))
                });
        if moved_args_rebound {
            return report(
                self,
                "extended with values bound again before it is installed",
            );
        }
        let consumer = &stmts[consumer_idx];
        // The consumer must use the local exactly once, as the root of a terminal chain (or
        // as the argument of a customizer installed right after).
        let found = local_terminal(consumer, &name, TERMINALS)
            .or_else(|| self.customized_local(consumer, &name));
        let count = uses_in_consumer(consumer, &name);
        let Some(terminal_expr) = found.filter(|_| count == 1) else {
            let why = match handed_to(consumer, &name) {
                // `p = customize(p);` through a function or closure not followed.
                Some(callee) => format!(
                    "handed to `{callee}` before its install (`{name} = {callee}({name})`), which this tool does not follow here (see its finding, if any)"
                ),
                None => "used in a way this tool cannot follow".to_string(),
            };
            return report(self, &why);
        };
        let mut links = head.links.clone();
        let mut delete = vec![stmt_of(stmts, local)];
        if let Some((at, ..)) = through {
            delete.push(&stmts[at]);
        }
        for (at, step) in &shadowing {
            links.extend(step.links.iter().cloned());
            if !step.stays {
                delete.push(&stmts[*at]);
            }
        }
        let mut conditional_drops = Vec::new();
        let mut conditional = Vec::new();
        for r in &followed.reassignments {
            if r.conditional {
                // An `if` that also does something else is not deleted.
                if r.only_assignments() && r.links.iter().all(|l| self.syntax.removable(&l.name)) {
                    conditional_drops.push(r);
                    delete.push(r.stmt);
                    continue;
                }
                let at = stmts.iter().position(|s| std::ptr::eq(s, r.stmt));
                let setters = at.and_then(|at| {
                    let imports = self.rust.imports;
                    conditional_setters(self.file(), imports, stmts, (at, consumer_idx), r)
                });
                let Some(setters) = setters else {
                    return report(
                        self,
                        "extended inside a condition with options this tool cannot carry over under that condition",
                    );
                };
                conditional.push(setters);
                delete.push(r.stmt);
                continue;
            }
            links.extend(r.links.iter().cloned());
            delete.push(r.stmt);
        }
        let tail_chain = Chain::read(terminal_expr);
        let Some(t) = tail_chain
            .links
            .iter()
            .position(|l| TERMINALS.contains(&l.name.as_str()))
        else {
            return;
        };
        links.extend(tail_chain.links[..=t].iter().cloned());
        if !conditional.is_empty() && links.iter().any(|l| l.name == "with_trace_config") {
            // The old call replaced the whole config under the condition.
            return report(
                self,
                "given a trace config and another one under a condition (which replaced the first)",
            );
        }
        let terminal = tail_chain.links[t].call;
        self.handled.push(range_of(self.file(), terminal).start);
        if let Some((_, call, arg, customizer)) = through {
            self.go_through(call, arg, terminal, customizer);
        }
        for r in conditional_drops {
            let names: Vec<String> = r
                .links
                .iter()
                .map(|l| format!("`.{}(..)`", l.name))
                .collect();
            let range = stmt_range(self.file(), r.stmt);
            self.out.finding(
                range,
                Severity::Warning,
                format!("{} has no OpenTelemetry 0.27 counterpart; this conditional statement was removed", names.join(", ")),
                "nothing to do in code; if the setting mattered, configure the collector side instead",
            );
        }
        let delete_ranges: Vec<TextRange> = delete
            .iter()
            .map(|s| whole_lines(self.file(), stmt_range(self.file(), s)))
            .collect();
        // The consumer: a `let` with adapters → statements; otherwise an expression.
        if let syn::Stmt::Local(cl) = consumer {
            if let Some(ci) = &cl.init {
                if let Some((_, tail)) = self.statement_tail(&ci.expr) {
                    let pat = text_of(self.file(), &cl.pat).to_string();
                    let site = (links, conditional);
                    self.place_statements(consumer, site, &delete_ranges, pat, tail);
                    return;
                }
            }
        }
        let terminal_range = TextRange::new(
            range_of(self.file(), tail_chain.root).start,
            range_of(self.file(), terminal).end,
        );
        self.place_expression(terminal_range, (links, conditional), &delete_ranges);
    }

    /// A `let` that shadows pipeline local `name` before its install: `let name =
    /// name.with_x(..)…;` (no terminal: its links join the pipeline and the statement goes), or
    /// `let name = if c { name.with_exporter(a) } else { name.with_exporter(b) };` (the
    /// statement stays: it becomes the choice of built exporters, `otel::exporter_branches`).
    fn shadowing_step(&self, stmt: &'a syn::Stmt, name: &str) -> Option<ShadowingStep<'a>> {
        if let Some(calls) = branch_exporters(stmt, name) {
            let link = Link {
                name: "with_exporter".to_string(),
                call: calls[0],
            };
            return Some(ShadowingStep {
                links: vec![link],
                stays: true,
            });
        }
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Pat::Ident(pi) = &local.pat else {
            return None;
        };
        let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
        let chain = Chain::read(&init.expr);
        let extends = pi.ident == name
            && pi.by_ref.is_none()
            && pi.subpat.is_none()
            && chain.root_local().as_deref() == Some(name)
            && !chain.links.is_empty()
            && !chain
                .links
                .iter()
                .any(|l| TERMINALS.contains(&l.name.as_str()))
            && count_ident(&*init.expr, name) == 1;
        extends.then_some(ShadowingStep {
            links: chain.links,
            stays: false,
        })
    }

    /// The first `customize(<local>, ..).<terminal>(..)` in `stmt`, remembered for the site's
    /// rendering.
    fn customized_local(&mut self, stmt: &'a syn::Stmt, local: &str) -> Option<&'a syn::Expr> {
        struct Finder<'d, 'a, 'c> {
            driver: &'d Driver<'a, 'c>,
            local: &'d str,
            found: Option<(&'a syn::Expr, Customized<'a>)>,
        }
        impl<'a> Visit<'a> for Finder<'_, 'a, '_> {
            fn visit_expr(&mut self, e: &'a syn::Expr) {
                if self.found.is_some() {
                    return;
                }
                if let Some(c) = self.driver.customized(&Chain::read(e)) {
                    if Chain::read(c.pipeline).root_local().as_deref() == Some(self.local)
                        && matches!(c.pipeline, syn::Expr::Path(_))
                    {
                        let terminal = Chain::read(e).links[0].call;
                        // The terminal call itself is the consumer's chain.
                        let e = self.driver.terminal_expr(e, terminal);
                        self.found = Some((e, c));
                        return;
                    }
                }
                syn::visit::visit_expr(self, e);
            }
        }
        let mut finder = Finder {
            driver: self,
            local,
            found: None,
        };
        finder.visit_stmt(stmt);
        let (expr, c) = finder.found?;
        let head = Chain::read(c.pipeline);
        self.through(head, c);
        Some(expr)
    }

    /// The sub-expression of chain `e` that ends with `terminal`.
    fn terminal_expr(&self, e: &'a syn::Expr, terminal: &syn::ExprMethodCall) -> &'a syn::Expr {
        let mut cur = e;
        while let syn::Expr::MethodCall(m) = cur {
            if std::ptr::eq(m, terminal) {
                break;
            }
            cur = &m.receiver;
        }
        cur
    }

    fn parse(
        &mut self,
        names: &mut ImportPlan<'c>,
        (links, conditional): (&[Link<'_>], Vec<ConditionalLinks>),
        site: TextRange,
    ) -> Option<Parsed> {
        let through = links.last().and_then(|t| {
            let start = range_of(self.rust.file, t.call).start;
            let found = self.customized.iter().find(|(at, ..)| *at == start);
            found.map(|(_, name, text)| (name.clone(), text.clone()))
        });
        if let Some((name, _)) = &through {
            // The old customizer's trace config replaced every earlier one; the 0.27 setters
            // would add to them instead. (What a closure parameter does is its callers' own:
            // they hand it the provider builder now.)
            let function = (self.syntax.customizers().iter())
                .chain(self.syntax.customizers_elsewhere())
                .any(|(n, _)| n == name);
            let replaced = function && links.iter().any(|l| l.name == "with_trace_config");
            if replaced || !conditional.is_empty() {
                self.out.finding(
                    site,
                    Severity::Error,
                    format!("this pipeline gets a trace config here and another from `{name}`, which replaced it; it was not rewritten"),
                    format!("keep the settings in one place: in `{name}`, which now takes and returns the 0.27 provider builder (`opentelemetry_sdk::trace::Builder`), or after it"),
                );
                return None;
            }
        }
        let mut out = std::mem::take(&mut self.out);
        let at = ParseSite {
            rust: self.rust,
            names,
            site,
            out: &mut out,
        };
        let mut parsed = self.syntax.parse(links, at);
        self.out = out;
        if let Some(p) = &mut parsed {
            p.pipeline.conditional = conditional;
            p.pipeline.conditional_builder = fresh("provider_builder", &self.file().text, "");
            p.pipeline.customizer = through.map(|(_, text)| text);
        }
        parsed
    }

    fn place_statements(
        &mut self,
        stmt: &syn::Stmt,
        (links, conditional): (Vec<Link<'_>>, Vec<ConditionalLinks>),
        deletes: &[TextRange],
        pat: String,
        tail: String,
    ) {
        let file = self.file();
        let range = stmt_range(file, stmt);
        let terminal = links.last().map(|l| range_of(file, l.call).start);
        let binding = StatementBinding::new(&pat, &tail, &file.text);
        // Whether the pattern now binds a tracer derived from a provider bound beside it.
        let mut derived = false;
        let placed = self.render_and_place(
            range,
            (&links, conditional),
            deletes,
            |pipeline, names, register, indent, le| {
                derived = !pipeline.yields_provider();
                statements(pipeline, names, &binding, register, indent, le)
            },
        );
        if let Some(t) = terminal.filter(|_| placed) {
            self.handled.push(t);
        }
        if placed && derived {
            self.provider_reads(stmt, &pat, &binding.provider);
        }
    }

    /// `tracer.provider()` after the statement that now binds `tracer` from a provider local:
    /// the 0.21–0.23 SDK `Tracer::provider()` (public then, returning `Option<TracerProvider>`)
    /// is crate-private in 0.27, and the provider it returned is the local →
    /// `Some(provider.clone())`.
    fn provider_reads(&mut self, stmt: &syn::Stmt, pat: &str, provider: &str) {
        let Some(tracer) = pattern_ident(pat) else {
            return;
        };
        let at = stmt_range(self.file(), stmt).start;
        for call in method_calls_after(self.rust, at, &tracer, "provider") {
            self.out.replace(call, format!("Some({provider}.clone())"));
        }
    }

    fn place_expression(
        &mut self,
        range: TextRange,
        (links, conditional): (Vec<Link<'_>>, Vec<ConditionalLinks>),
        deletes: &[TextRange],
    ) {
        self.render_and_place(
            range,
            (&links, conditional),
            deletes,
            |pipeline, names, register, indent, le| {
                expression(pipeline, names, register, indent, le)
            },
        );
    }

    /// Parses the site's pipeline, renders it with `render` (the statement or the expression
    /// form) and puts it in place with the edits of the locals it reads; whether it was placed
    /// (`false`: the pipeline was not understood, and a finding says so).
    fn render_and_place(
        &mut self,
        range: TextRange,
        (links, conditional): (&[Link<'_>], Vec<ConditionalLinks>),
        deletes: &[TextRange],
        render: impl FnOnce(&TracePipeline, &mut ImportPlan<'c>, Option<&str>, &str, &str) -> String,
    ) -> bool {
        let file = self.file();
        let mut names = self.names_at(range.start);
        // A builder kept in a local starts at its `let`, which goes with the site.
        let start = deletes
            .iter()
            .map(|d| d.start)
            .fold(range.start, usize::min);
        let site = TextRange::new(start, range.end);
        let Some(parsed) = self.parse(&mut names, (links, conditional), range) else {
            let entry = crate::otel::ledger::trace::reported(self.rust, site, links);
            self.out.ledger.push(entry);
            return false;
        };
        // `helper(..).and_then(|exporter| <pipeline>)`: the whole expression goes.
        let range = match parsed
            .pipeline
            .exporter
            .kept_in
            .as_ref()
            .and_then(|k| k.widens)
        {
            Some((pipeline, whole)) if pipeline == range => whole,
            Some(_) => {
                self.out.finding(
                    range,
                    Severity::Error,
                    "this pipeline takes its exporter from the `and_then` around it, which this form of the pipeline cannot replace; it was not rewritten",
                    "build the exporter in the helper (`SpanExporter::builder()…build()`) and install the pipeline with `helper(..).map(|exporter| TracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio).build())`",
                );
                let entry = crate::otel::ledger::trace::reported(self.rust, site, links);
                self.out.ledger.push(entry);
                return false;
            }
            None => range,
        };
        let entry = crate::otel::ledger::trace::rewritten(self.rust, site, links, &parsed.pipeline);
        self.out.ledger.push(entry);
        if parsed.pipeline.customizer.is_some() {
            let terminal = links.last().map(|t| range_of(file, t.call).start);
            let through = self
                .customized
                .iter()
                .find(|(at, ..)| Some(*at) == terminal);
            self.placed_through
                .extend(through.map(|(_, name, _)| name.clone()));
        }
        let indent = file.indent_at(range.start).to_string();
        let le = file.line_ending.as_str();
        let register = registration(&parsed.pipeline, &mut names);
        let text = render(
            &parsed.pipeline,
            &mut names,
            register.as_deref(),
            &indent,
            le,
        );
        let also = parsed.pipeline.local_edits(&mut names, le);
        self.place(
            range,
            deletes,
            &parsed.carried,
            (text, also),
            &indent,
            names,
        );
        true
    }

    /// Puts the rendered `text` of the site at `range` in place: comments of the replaced
    /// ranges that the rendering does not carry open it, `deletes` go, the site's imports join
    /// the file's.
    fn place(
        &mut self,
        range: TextRange,
        deletes: &[TextRange],
        carried: &[TextRange],
        (text, also): (String, Vec<(TextRange, String)>),
        indent: &str,
        names: ImportPlan<'c>,
    ) {
        let mut scanned = vec![range];
        scanned.extend(deletes.iter().copied());
        let lead = leftover_comments(self.file(), &scanned, carried);
        let placed = Placed {
            range,
            deletes,
            lead,
            text,
            also,
        };
        place(self.file(), &mut self.out, placed, indent);
        self.syntax.after_rewrite(range, &mut self.out);
        self.plans.add(names);
    }
}

impl<'a, 'c> Visit<'a> for Driver<'a, 'c> {
    fn visit_block(&mut self, b: &'a syn::Block) {
        self.block(&b.stmts);
        syn::visit::visit_block(self, b);
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let start = range_of(self.file(), m).start;
        if !self.handled.contains(&start) {
            let chain = Chain::read_call(m);
            if self.syntax.is_root(self.rust.imports, &chain) {
                self.handled.push(start);
                match chain
                    .links
                    .iter()
                    .position(|l| TERMINALS.contains(&l.name.as_str()))
                {
                    // `<pipeline>.install_batch(rt)` with anything after it (`.expect(..)`,
                    // `.map(..)`): the pipeline part becomes a `Result` of the same type.
                    Some(idx) => {
                        let terminal = chain.links[idx].call;
                        let range = range_of(self.file(), terminal);
                        let links = chain.links[..=idx].to_vec();
                        self.place_expression(range, (links, Vec::new()), &[]);
                    }
                    // A pipeline head never installed here: the pipeline value escapes
                    // (returned, stored, passed on); its type has no 0.27 counterpart.
                    None => {
                        let range = range_of(self.file(), m);
                        self.out.finding(
                        range,
                        Severity::Error,
                        "this pipeline builder is not installed here (it is returned, stored or passed on); pipeline types do not exist in 0.27, so it was not rewritten",
                        "return or pass the 0.27 pieces instead: a `SpanExporter` (`SpanExporter::builder()…build()?`) or a `TracerProvider` (`TracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio)…build()`), and update the callers",
                    )
                    }
                }
                return;
            }
            // `customize(<pipeline>, ..).install_batch(rt)`: the same through the customizer.
            if let Some(c) = self.customized(&chain) {
                if let Some(head) = self.pipeline_head(c.pipeline) {
                    self.handled.push(start);
                    let range = range_of(self.file(), c.terminal);
                    let found = self.through(head, c);
                    self.place_expression(range, (found.links, Vec::new()), &[]);
                    return;
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        let fragments = macro_fragments(mac);
        if fragments.items.is_empty()
            && fragments.stmts.is_empty()
            && fragments.exprs.is_empty()
            && fragments.opaque.is_empty()
        {
            return;
        }
        // Fragments are owned by this call; rewrite them with a nested driver whose edits use
        // the same file offsets (spans point into the original text).
        let mut inner = Driver {
            rust: self.rust,
            syntax: self.syntax,
            out: Changes::default(),
            handled: std::mem::take(&mut self.handled),
            plans: std::mem::take(&mut self.plans),
            customized: std::mem::take(&mut self.customized),
            placed_through: std::mem::take(&mut self.placed_through),
        };
        for item in &fragments.items {
            inner.visit_item(item);
        }
        inner.block(&fragments.stmts);
        for s in &fragments.stmts {
            inner.visit_stmt(s);
        }
        for e in &fragments.exprs {
            inner.visit_expr(e);
        }
        let Driver {
            out,
            handled,
            plans,
            customized,
            placed_through,
            ..
        } = inner;
        self.handled = handled;
        self.plans = plans;
        self.customized = customized;
        self.placed_through = placed_through;
        for e in out.edits.iter() {
            self.out.edit(e.clone());
        }
        self.out.findings.extend(out.findings);
        self.out.ledger.extend(out.ledger);
        for tokens in fragments.opaque {
            if tokens_mention(&tokens, self.syntax.mentions()) {
                if let Some(range) = range_of_tokens(self.file(), &tokens) {
                    let entry = RawLedgerEntry::reported(range, Signal::Traces, Settings::new());
                    self.out.ledger.push(entry);
                    self.out.finding(
                        range,
                        Severity::Error,
                        "an old trace pipeline inside a macro body this tool cannot parse",
                        "rewrite it by hand to `SpanExporter::builder()…build()?` + `TracerProvider::builder()…build()` (otel-0.27-migration.md §3)",
                    );
                }
            }
        }
    }
}

fn stmt_of<'s>(stmts: &'s [syn::Stmt], local: &syn::Local) -> &'s syn::Stmt {
    stmts
        .iter()
        .find(|s| matches!(s, syn::Stmt::Local(l) if std::ptr::eq(l, local)))
        .expect("the local is a statement of this block")
}

/// `global::set_tracer_provider` when the old call registered the provider globally.
fn registration(p: &TracePipeline, names: &mut ImportPlan<'_>) -> Option<String> {
    p.registers_global
        .then(|| register_call(names, "opentelemetry::global::set_tracer_provider"))
}

/// Deletes the config helpers that the rewrite inlined everywhere (their name occurs only in
/// their own definition in the edited file, and occurred elsewhere before).
fn delete_inlined_config_helpers(rust: ParsedRust<'_>, out: &mut Changes) {
    let file = rust.file;
    let helpers = config_helpers(file, rust.syntax, rust.imports);
    if helpers.is_empty() || out.edits.is_empty() {
        return;
    }
    let before = ident_counts(file.rust_text());
    let edited = out.edits.apply(&file.text);
    let after = ident_counts(&edited[file.base_offset.min(edited.len())..]);
    let (Some(before), Some(after)) = (before, after) else {
        return;
    };
    for f in helpers {
        let name = ident_str(&f.sig.ident);
        if before.get(&name).copied().unwrap_or(0) > 1 && after.get(&name).copied() == Some(1) {
            out.edit(Edit::delete(whole_lines(file, range_of(file, f))));
        }
    }
}
