//! The site loop the OTLP metrics and logs transforms share: find the pipelines of a file,
//! parse each (or report why not), place it in the form its position needs (statements for
//! `let p = <pipeline>?;`, the `Result`-keeping expression elsewhere), one import plan per site.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{
    comments_in, range_of, text_of, tokens_mention, ImportMap, ParsedRust,
};
use crate::otel::chain::{links_range, Chain, Link};
use crate::otel::exporter::{ParseNote, OLD_BUILDER_ITEMS};
use crate::otel::exporter_helper::PackageHelpers;
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::otlp_pipeline::Unsupported;
use crate::otel::trace::InstalledAs;

use super::expression::expression;
use super::otlp_locals::{kept_pipeline, Consumer, KeptPipeline};
use super::parts::{register_call, ProviderParts};
use super::site_edit::{place, Placed};
use super::statement::{fresh, statements, StatementBinding};
use crate::engine::ledger::{RawLedgerEntry, Settings};
use crate::otel::conditional_links::ConditionalLinks;
use crate::otel::exporter::Arg;
use crate::otel::ledger::otlp::{self as ledger, LedgerModel};
use crate::otel::otlp_pipeline::{Conditional, Target};

/// A pipeline model [`rewrite_sites`] can find and read.
pub trait PipelineModel: ProviderParts + LedgerModel + Sized {
    /// The link after `new_pipeline()` that names the signal (`metrics`, `logging`).
    const SIGNAL: &'static str;
    /// The calls that end the pipeline (`build`, `install_batch`, …).
    const TERMINALS: &'static [&'static str];
    /// What the pipeline is called in findings (`OTLP metrics pipeline`).
    const NAME: &'static str;

    /// Where an option set under a condition goes on 0.27 (builder, new name); `None` when
    /// it cannot be set there.
    fn conditional_target(name: &str) -> Option<(Target, &'static str)>;
    /// The conditional settings to fill in.
    fn conditional_mut(&mut self) -> &mut Conditional;

    /// Whether `chain` starts like one of these pipelines (it may lack its terminal call).
    fn is_head(imports: &ImportMap, chain: &Chain<'_>) -> bool {
        chain
            .root_path()
            .is_some_and(|p| imports.is(p, &["opentelemetry_otlp", "new_pipeline"]))
            && chain.links.first().is_some_and(|l| l.name == Self::SIGNAL)
    }
    /// Whether `chain` (ending at its build or install call) is one of these pipelines.
    fn is_pipeline(imports: &ImportMap, chain: &Chain<'_>) -> bool {
        Self::is_head(imports, chain)
            && chain
                .links
                .last()
                .is_some_and(|l| Self::TERMINALS.contains(&l.name.as_str()))
    }
    /// Reads a pipeline chain (its exporter may come from a helper `helpers` follows); `Err`
    /// names the first part the model cannot carry over.
    fn parse(
        rust: ParsedRust<'_>,
        chain: &Chain<'_>,
        helpers: &PackageHelpers,
    ) -> Result<(Self, Vec<ParseNote>), Unsupported>;
    /// Reads the pipeline `head` (no terminal call) of a creator whose callers in other files
    /// finish it as `finish`; a runtime it names is named from this file through `names`.
    fn parse_finished_elsewhere(
        rust: ParsedRust<'_>,
        head: &Chain<'_>,
        helpers: &PackageHelpers,
        finish: &InstalledAs,
        names: &mut ImportPlan<'_>,
    ) -> Result<(Self, Vec<ParseNote>), Unsupported>;
}

/// What a pipeline transform plugs into [`rewrite_sites`].
pub trait SiteRewrite {
    type Model: PipelineModel;
    /// Identifiers (besides `new_pipeline`) whose presence in a macro body means a pipeline.
    const MACRO_IDENTS: &'static [&'static str];
    /// Functions whose calls [`rewrite_sites`] collects for the transform (removed globals).
    const FUNCTIONS: &'static [&'static [&'static str]];
    /// The error finding for a pipeline inside a macro body: message and suggestion.
    const IN_MACRO: (&'static str, &'static str);

    /// The exporter helpers of the package the pipelines may take their exporter from.
    fn helpers(&self) -> &PackageHelpers;
    /// Functions the pipeline may pass through before its terminal call (name, pipeline
    /// parameter; `otlp_customizer`): `customize(<pipeline head>, ..).build()` is a site whose
    /// provider builder goes through the function.
    fn customizers(&self) -> &[(String, usize)] {
        &[]
    }
    /// The function (full path) each new provider is registered with, when the old pipeline
    /// registered it globally.
    fn register(&self) -> Option<&'static str> {
        None
    }
    /// Whether the old terminal returned the provider, so that a function creating the
    /// pipeline can return the provider builder for its callers to build (otlp 0.14's logs
    /// install returned a `Logger` instead).
    fn yields_provider(&self) -> bool {
        true
    }
    /// After `let <binding> = <pipeline>?;` at `range` became statements.
    fn placed_statement(
        &mut self,
        _rust: ParsedRust<'_>,
        _out: &mut Changes,
        _range: TextRange,
        _binding: &str,
    ) {
    }
    /// After the pipeline expression at `range` became the `Result`-keeping form; `plan` is
    /// the site's import plan.
    fn placed_expression(
        &mut self,
        _rust: ParsedRust<'_>,
        _out: &mut Changes,
        _plan: &mut ImportPlan<'_>,
        _range: TextRange,
    ) {
    }
}

/// What [`rewrite_sites`] leaves to the transform.
pub struct Rewritten<'c> {
    /// The import plans of the sites; finish them after the transform's own edits.
    pub plans: ImportPlans<'c>,
    /// A plan at the first site for imports the transform's rewrite may have made unused.
    pub cleanup: ImportPlan<'c>,
    /// The calls to [`SiteRewrite::FUNCTIONS`]: range and index.
    pub calls: Vec<(TextRange, usize)>,
    /// The customizer of each site rewritten through one ([`SiteRewrite::customizers`]).
    pub through: Vec<String>,
}

/// Rewrites every pipeline site of the file into `out` and reports the pipelines in macro
/// bodies.
pub fn rewrite_sites<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    rewrite: &mut R,
    out: &mut Changes,
) -> Rewritten<'c> {
    let ParsedRust {
        file,
        syntax,
        imports,
    } = rust;
    let le = file.line_ending.as_str();
    let mut sites = PipelineSites::new(
        file,
        imports,
        R::Model::is_pipeline,
        R::MACRO_IDENTS,
        R::FUNCTIONS,
    );
    sites.is_head = R::Model::is_head;
    sites.terminals = R::Model::TERMINALS;
    sites.customizers = rewrite.customizers().to_vec();
    sites.visit_file(syntax);
    let mut all: Vec<Site<'_>> = Vec::new();
    for (local, pat, chain_expr) in &sites.stmt_sites {
        let form = Form::Statement(range_of(file, *local), pat.clone());
        all.push(Site::new(Chain::read(chain_expr), form, Vec::new()));
    }
    for chain_expr in &sites.expr_sites {
        let form = Form::Expression(range_of(file, *chain_expr));
        all.push(Site::new(Chain::read(chain_expr), form, Vec::new()));
    }
    for (expr, through) in std::mem::take(&mut sites.through_sites) {
        let form = Form::Expression(range_of(file, expr));
        let mut site = Site::new(through.chain, form, Vec::new());
        site.through = Some(through.call);
        all.push(site);
    }
    for kept in std::mem::take(&mut sites.kept) {
        let form = match kept.consumer {
            Consumer::Statement(local, pat) => Form::Statement(range_of(file, local), pat),
            Consumer::Expression(e) => Form::Expression(range_of(file, e)),
        };
        let mut site = Site::new(kept.chain, form, kept.deletes);
        site.conditional = kept.conditional;
        site.finding_range = Some(kept.let_range);
        all.push(site);
    }
    let first_site = all.iter().map(|s| s.start()).min().unwrap_or(0);
    let mut plans = ImportPlans::default();
    let mut through = Vec::new();
    for site in all {
        let range = site.range();
        let Some(mut p) = parse_or_report::<R>(out, rust, &site.chain, rewrite.helpers()) else {
            out.ledger
                .push(ledger::reported::<R::Model>(rust, range, &site.chain.links));
            continue;
        };
        if let Err(name) = add_conditional(file, &mut p, &site.conditional) {
            out.finding(
                site.finding_range.unwrap_or(range),
                Severity::Error,
                format!("the {} is given `.{name}(..)` under a condition, which this tool cannot carry over there; it was not rewritten", R::Model::NAME),
                R::IN_MACRO.1,
            );
            continue;
        }
        let mut plan = ImportPlan::at(file, syntax, range.start);
        let register = rewrite.register().map(|f| register_call(&mut plan, f));
        out.ledger
            .push(ledger::rewritten(rust, range, &p, register.is_some()));
        let indent = file.indent_at(range.start).to_string();
        let customized;
        let parts: &dyn ProviderParts = match &site.through {
            Some(call) => {
                through.push(call.name.clone());
                customized = Customized {
                    inner: &p,
                    call,
                    builder: fresh("provider_builder", &file.text, ""),
                };
                &customized
            }
            None => &p,
        };
        let (text, lead) = match &site.form {
            Form::Statement(_, pat) => {
                let binding = StatementBinding::new(pat, "?", &file.text);
                let text = statements(parts, &mut plan, &binding, register.as_deref(), &indent, le);
                (text, p.comments().to_vec())
            }
            Form::Expression(_) => (
                expression(parts, &mut plan, register.as_deref(), &indent, le),
                Vec::new(),
            ),
        };
        let placed = Placed {
            range,
            deletes: &site.deletes,
            lead,
            text,
            also: p.local_edits(&mut plan, le),
        };
        place(file, out, placed, &indent);
        match &site.form {
            Form::Statement(_, pat) => rewrite.placed_statement(rust, out, range, pat),
            Form::Expression(_) => rewrite.placed_expression(rust, out, &mut plan, range),
        }
        plans.add(plan);
    }
    for (range, name, why) in sites.kept_errors {
        out.finding(
            range,
            Severity::Error,
            format!(
                "the {} kept in `{name}` is {why}; it was not rewritten",
                R::Model::NAME
            ),
            R::IN_MACRO.1,
        );
    }
    for range in sites.in_macros {
        let signal = <R::Model as LedgerModel>::LEDGER_SIGNAL;
        out.ledger
            .push(RawLedgerEntry::reported(range, signal, Settings::new()));
        out.finding(range, Severity::Error, R::IN_MACRO.0, R::IN_MACRO.1);
    }
    let mut cleanup = ImportPlan::at(file, syntax, first_site);
    for path in OLD_BUILDER_ITEMS {
        cleanup.remove_if_unused(path);
    }
    Rewritten {
        plans,
        cleanup,
        calls: sites.calls,
        through,
    }
}

/// A customizer's call around the pipeline: `name(` … `, more)` with the pipeline cut out.
pub struct CustomizerCall {
    pub name: String,
    before: String,
    after: String,
}

/// A site's pieces with its provider builder handed through a customizer before it is built.
struct Customized<'p> {
    inner: &'p dyn ProviderParts,
    call: &'p CustomizerCall,
    /// A name for the provider builder that is free in the file.
    builder: String,
}

impl ProviderParts for Customized<'_> {
    fn comments(&self) -> &[String] {
        self.inner.comments()
    }

    fn exporter_model(
        &self,
    ) -> (
        &crate::otel::exporter::ExporterConfig,
        crate::otel::exporter::Signal,
    ) {
        self.inner.exporter_model()
    }

    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        indent: &str,
        le: &str,
    ) -> (Vec<String>, String) {
        let (mut setup, provider) = self.inner.provider(names, exporter, indent, le);
        let chain = provider
            .strip_suffix(".build()")
            .map_or(provider.as_str(), str::trim_end);
        let (c, builder) = (self.call, &self.builder);
        setup.push(format!("let {builder} = {chain};"));
        (setup, format!("{}{builder}{}.build()", c.before, c.after))
    }

    fn derived(
        &self,
        names: &mut ImportPlan<'_>,
        provider: &str,
        indent: &str,
        le: &str,
    ) -> Option<String> {
        self.inner.derived(names, provider, indent, le)
    }

    fn yields_provider(&self) -> bool {
        self.inner.yields_provider()
    }
}

/// A site whose pipeline head is handed to a customizer right before its terminal call.
struct ThroughSite<'a> {
    /// The head's links and the terminal.
    chain: Chain<'a>,
    call: CustomizerCall,
}

/// Where a pipeline stands and how it goes.
enum Form {
    /// `let <pattern> = <pipeline>?;`: the statement's range and the pattern.
    Statement(TextRange, String),
    /// Anywhere else: the pipeline expression's range.
    Expression(TextRange),
}

struct Site<'a> {
    chain: Chain<'a>,
    form: Form,
    /// Statements that go with the site (a pipeline kept in a local: its `let`, reassignments).
    deletes: Vec<TextRange>,
    /// Its conditional reassignments: condition and links.
    conditional: Vec<(String, Vec<Link<'a>>)>,
    /// Where a finding about the whole site points, when not at `form`'s range.
    finding_range: Option<TextRange>,
    /// The customizer the provider builder goes through.
    through: Option<CustomizerCall>,
}

/// Puts each conditional reassignment's links on the 0.27 builder they belong to (all of one
/// `if` on one builder, so the condition is still evaluated once); `Err` names a link that
/// has no such place.
fn add_conditional<M: PipelineModel>(
    file: &SourceFile,
    p: &mut M,
    conditional: &[(String, Vec<Link<'_>>)],
) -> Result<(), String> {
    let c = p.conditional_mut();
    c.reader_builder = fresh("reader_builder", &file.text, "");
    c.provider_builder = fresh("provider_builder", &file.text, "");
    for (condition, links) in conditional {
        let mut target = None;
        let mut moved = Vec::new();
        for link in links {
            let (t, name) = M::conditional_target(&link.name).ok_or(link.name.clone())?;
            if target.is_some_and(|other| other != t) {
                return Err(link.name.clone());
            }
            target = Some(t);
            moved.push((name.to_string(), Arg::of_link(file, link, Vec::new())));
        }
        let set = ConditionalLinks {
            condition: condition.clone(),
            links: moved,
        };
        match target {
            Some(Target::Reader) => c.reader.push(set),
            Some(Target::Provider) => c.provider.push(set),
            None => {}
        }
    }
    Ok(())
}

impl<'a> Site<'a> {
    fn new(chain: Chain<'a>, form: Form, deletes: Vec<TextRange>) -> Site<'a> {
        Site {
            chain,
            form,
            deletes,
            conditional: Vec::new(),
            finding_range: None,
            through: None,
        }
    }

    fn range(&self) -> TextRange {
        match &self.form {
            Form::Statement(r, _) | Form::Expression(r) => *r,
        }
    }

    fn start(&self) -> usize {
        self.deletes
            .iter()
            .map(|d| d.start)
            .chain([self.range().start])
            .min()
            .unwrap_or(0)
    }
}

fn parse_or_report<R: SiteRewrite>(
    out: &mut Changes,
    rust: ParsedRust<'_>,
    chain: &Chain<'_>,
    helpers: &PackageHelpers,
) -> Option<R::Model> {
    let file = rust.file;
    match R::Model::parse(rust, chain, helpers) {
        Ok((p, notes)) => {
            for n in notes {
                out.finding(n.range, n.severity, n.message, n.suggestion);
            }
            Some(p)
        }
        Err(u) => {
            // The whole chain was left as it was: the finding covers every call in it.
            let range = links_range(file, &chain.links, u.range);
            out.finding(range, Severity::Error, u.message, u.suggestion);
            None
        }
    }
}

/// The pipeline chains of a file by placement, plus calls to some functions (e.g. removed
/// global shutdowns) and macro bodies that mention the pipeline.
struct PipelineSites<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    is_pipeline: fn(&ImportMap, &Chain<'_>) -> bool,
    is_head: fn(&ImportMap, &Chain<'_>) -> bool,
    terminals: &'static [&'static str],
    /// Identifiers (besides `new_pipeline`) whose presence in a macro body means a pipeline.
    macro_idents: &'static [&'static str],
    functions: &'static [&'static [&'static str]],
    /// `let <ident> = <pipeline>?;`: the statement, the binding as written, the chain.
    pub stmt_sites: Vec<(&'a syn::Local, String, &'a syn::Expr)>,
    /// Any other position: the chain expression.
    pub expr_sites: Vec<&'a syn::Expr>,
    /// Calls to one of `functions`: the call's range and the function's index.
    pub calls: Vec<(TextRange, usize)>,
    pub in_macros: Vec<TextRange>,
    /// Pipelines kept in a local and built later in the block.
    pub kept: Vec<KeptPipeline<'a>>,
    /// Pipelines kept in a local this tool cannot follow: the `let`, the local, why.
    pub kept_errors: Vec<(TextRange, String, &'static str)>,
    /// Customizers (name, pipeline parameter) a pipeline head may be handed to.
    customizers: Vec<(String, usize)>,
    /// `customize(<head>, ..).<terminal>(..)`: the whole expression and the site.
    through_sites: Vec<(&'a syn::Expr, ThroughSite<'a>)>,
}

impl<'a> PipelineSites<'a> {
    pub fn new(
        file: &'a SourceFile,
        imports: &'a ImportMap,
        is_pipeline: fn(&ImportMap, &Chain<'_>) -> bool,
        macro_idents: &'static [&'static str],
        functions: &'static [&'static [&'static str]],
    ) -> PipelineSites<'a> {
        PipelineSites {
            file,
            imports,
            is_pipeline,
            is_head: |_, _| false,
            terminals: &[],
            macro_idents,
            functions,
            stmt_sites: Vec::new(),
            expr_sites: Vec::new(),
            calls: Vec::new(),
            in_macros: Vec::new(),
            kept: Vec::new(),
            kept_errors: Vec::new(),
            customizers: Vec::new(),
            through_sites: Vec::new(),
        }
    }

    /// `expr` as `customize(<pipeline head>, ..).<terminal>(..)` for one of the customizers.
    fn through_customizer(&self, expr: &'a syn::Expr) -> Option<ThroughSite<'a>> {
        let syn::Expr::MethodCall(m) = expr else {
            return None;
        };
        let syn::Expr::Call(call) = &*m.receiver else {
            return None;
        };
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        let name = p.path.get_ident().filter(|_| p.qself.is_none())?;
        let (_, param) = self.customizers.iter().find(|(n, _)| name == n)?;
        if !self.terminals.contains(&m.method.to_string().as_str()) {
            return None;
        }
        let arg = call.args.iter().nth(*param)?;
        let head = Chain::read(arg);
        let finished = head
            .links
            .iter()
            .any(|l| self.terminals.contains(&l.name.as_str()));
        if finished || !(self.is_head)(self.imports, &head) {
            return None;
        }
        let mut links = head.links;
        links.push(Chain::read_call(m).links.pop()?);
        Some(ThroughSite {
            chain: Chain {
                root: head.root,
                links,
            },
            call: self.customizer_call(call, *param),
        })
    }

    /// `call` around the pipeline argument at `param`: on one line when its other arguments
    /// each stand on one and no comment sits between them, else as written.
    fn customizer_call(&self, call: &syn::ExprCall, param: usize) -> CustomizerCall {
        let file = self.file;
        let whole = range_of(file, call);
        let arg = range_of(file, &call.args[param]);
        let name = text_of(file, &*call.func).to_string();
        let others: Vec<&str> = call.args.iter().map(|a| text_of(file, a)).collect();
        let outside = [
            TextRange::new(whole.start, arg.start),
            TextRange::new(arg.end, whole.end),
        ];
        let plain = others
            .iter()
            .enumerate()
            .all(|(i, a)| i == param || !a.contains('\n'))
            && outside.iter().all(|r| comments_in(file, *r).is_empty());
        if !plain {
            return CustomizerCall {
                name,
                before: file.slice(outside[0]).to_string(),
                after: file.slice(outside[1]).to_string(),
            };
        }
        let before: String = others[..param].iter().map(|a| format!("{a}, ")).collect();
        let after: String = others[param + 1..]
            .iter()
            .map(|a| format!(", {a}"))
            .collect();
        CustomizerCall {
            before: format!("{name}({before}"),
            after: format!("{after})"),
            name,
        }
    }

    /// `let [mut] p = <pipeline head>;` statements of a block, followed to their build.
    fn kept_in_locals(&mut self, stmts: &'a [syn::Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let Some(init) = local.init.as_ref().filter(|i| i.diverge.is_none()) else {
                continue;
            };
            let head = Chain::read(&init.expr);
            let unfinished = !head
                .links
                .iter()
                .any(|l| self.terminals.contains(&l.name.as_str()));
            if !unfinished || !(self.is_head)(self.imports, &head) {
                continue;
            }
            match kept_pipeline(self.file, stmts, i, head, self.terminals) {
                Ok(kept) => self.kept.push(kept),
                Err(why) => {
                    let name = match &local.pat {
                        syn::Pat::Ident(pi) => pi.ident.to_string(),
                        pat => text_of(self.file, pat).to_string(),
                    };
                    self.kept_errors
                        .push((range_of(self.file, local), name, why));
                }
            }
        }
    }

    fn matches(&self, expr: &syn::Expr) -> bool {
        (self.is_pipeline)(self.imports, &Chain::read(expr))
    }
}

impl<'a> Visit<'a> for PipelineSites<'a> {
    fn visit_block(&mut self, b: &'a syn::Block) {
        self.kept_in_locals(&b.stmts);
        syn::visit::visit_block(self, b);
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        if let (syn::Pat::Ident(id), Some(init)) = (&local.pat, &local.init) {
            if let syn::Expr::Try(t) = &*init.expr {
                if init.diverge.is_none() && id.subpat.is_none() && self.matches(&t.expr) {
                    let binding = text_of(self.file, id).to_string();
                    self.stmt_sites.push((local, binding, &t.expr));
                    return;
                }
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr(&mut self, expr: &'a syn::Expr) {
        if matches!(expr, syn::Expr::MethodCall(_)) && self.matches(expr) {
            self.expr_sites.push(expr);
            return;
        }
        if let Some(site) = self.through_customizer(expr) {
            self.through_sites.push((expr, site));
            return;
        }
        if let syn::Expr::Call(c) = expr {
            if let syn::Expr::Path(p) = &*c.func {
                if let Some(i) = self
                    .functions
                    .iter()
                    .position(|f| self.imports.is(&p.path, f))
                {
                    self.calls.push((range_of(self.file, expr), i));
                }
            }
        }
        syn::visit::visit_expr(self, expr);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        // Pipelines inside macro bodies are reported, not rewritten.
        if tokens_mention(&mac.tokens, &["new_pipeline"])
            && tokens_mention(&mac.tokens, self.macro_idents)
        {
            self.in_macros.push(range_of(self.file, mac));
        }
    }
}
