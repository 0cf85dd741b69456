//! The site loop the OTLP metrics and logs transforms share: find the pipelines of a file,
//! parse each (or report why not), place it in the form its position needs (statements for
//! `let p = <pipeline>?;`, the `Result`-keeping expression elsewhere), one import plan per site.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, text_of, tokens_mention, ImportMap, ParsedRust};
use crate::otel::chain::{links_range, Chain};
use crate::otel::exporter::{ParseNote, OLD_BUILDER_ITEMS};
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::otlp_pipeline::Unsupported;

use super::expression::expression;
use super::parts::{register_call, ProviderParts};
use super::site_edit::{place, Placed};
use super::statement::{statements, StatementBinding};

/// A pipeline model [`rewrite_sites`] can find and read.
pub trait PipelineModel: ProviderParts + Sized {
    /// Whether `chain` (ending at its build or install call) is one of these pipelines.
    fn is_pipeline(imports: &ImportMap, chain: &Chain<'_>) -> bool;
    /// Reads a pipeline chain; `Err` names the first part the model cannot carry over.
    fn parse(
        rust: ParsedRust<'_>,
        chain: &Chain<'_>,
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

    /// The function (full path) each new provider is registered with, when the old pipeline
    /// registered it globally.
    fn register(&self) -> Option<&'static str> {
        None
    }
    /// After `let <binding> = <pipeline>?;` at `range` became statements.
    fn placed_statement(&mut self, _out: &mut Changes, _range: TextRange, _binding: &str) {}
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
    sites.visit_file(syntax);
    let first_site = sites
        .stmt_sites
        .iter()
        .map(|(l, _, _)| range_of(file, *l).start)
        .chain(sites.expr_sites.iter().map(|e| range_of(file, *e).start))
        .min()
        .unwrap_or(0);
    let mut plans = ImportPlans::default();
    for (local, pat, chain_expr) in &sites.stmt_sites {
        let range = range_of(file, *local);
        let Some(p) = parse_or_report::<R>(out, rust, &Chain::read(chain_expr)) else {
            continue;
        };
        let mut plan = ImportPlan::at(file, syntax, range.start);
        let register = rewrite.register().map(|f| register_call(&mut plan, f));
        let indent = file.indent_at(range.start).to_string();
        let binding = StatementBinding::new(pat, "?", &file.text);
        let text = statements(&p, &mut plan, &binding, register.as_deref(), &indent, le);
        let lead = p.comments().to_vec();
        let placed = Placed {
            range,
            deletes: &[],
            lead,
            text,
            also: p.local_edits(&mut plan, le),
        };
        place(file, out, placed, &indent);
        rewrite.placed_statement(out, range, pat);
        plans.add(plan);
    }
    for chain_expr in &sites.expr_sites {
        let range = range_of(file, *chain_expr);
        let Some(p) = parse_or_report::<R>(out, rust, &Chain::read(chain_expr)) else {
            continue;
        };
        let mut plan = ImportPlan::at(file, syntax, range.start);
        let register = rewrite.register().map(|f| register_call(&mut plan, f));
        let base = file.indent_at(range.start).to_string();
        let text = expression(&p, &mut plan, register.as_deref(), &base, le);
        let placed = Placed {
            range,
            deletes: &[],
            lead: Vec::new(),
            text,
            also: p.local_edits(&mut plan, le),
        };
        place(file, out, placed, &base);
        rewrite.placed_expression(rust, out, &mut plan, range);
        plans.add(plan);
    }
    for range in sites.in_macros {
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
    }
}

fn parse_or_report<R: SiteRewrite>(
    out: &mut Changes,
    rust: ParsedRust<'_>,
    chain: &Chain<'_>,
) -> Option<R::Model> {
    let file = rust.file;
    match R::Model::parse(rust, chain) {
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
            macro_idents,
            functions,
            stmt_sites: Vec::new(),
            expr_sites: Vec::new(),
            calls: Vec::new(),
            in_macros: Vec::new(),
        }
    }

    fn matches(&self, expr: &syn::Expr) -> bool {
        (self.is_pipeline)(self.imports, &Chain::read(expr))
    }
}

impl<'a> Visit<'a> for PipelineSites<'a> {
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
