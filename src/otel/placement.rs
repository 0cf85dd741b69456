//! Type-preserving placement of a rewritten pipeline (design.md §5): the old chain returned
//! `Result<Provider, E>`; the new code builds an exporter (`…build()` → `Result<Exporter, E'>`)
//! and then a provider from it.
//!
//! - Statement form, for `let p = <pipeline>?;`: `let exporter = …build()?;`, the setup
//!   statements, `let p = <provider>;` and an optional global registration.
//! - Expression form, anywhere else: `…build().map(|exporter| { <setup>; <provider> })`, which
//!   keeps the `Result` so `?`, `.unwrap()`, a function tail or a `match` still type-check.

use syn::visit::Visit;

use crate::edit::TextRange;
use crate::source::SourceFile;
use crate::syntax::{range_of, text_of, tokens_mention, ImportMap};

use super::chain::Chain;
use super::imports::ImportPlan;

/// The pieces a pipeline model renders, given the indentation of their links.
pub trait ProviderParts {
    /// Comments from the old chain that belong to no moved option (they open the new code).
    fn comments(&self) -> &[String];
    /// The exporter chain ending in `.build()` (no `?`).
    fn exporter(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str) -> String;
    /// Statements before the provider (`let reader = …;`) and the provider expression, both
    /// using the local `exporter`; links at `indent`.
    fn provider(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str)
        -> (Vec<String>, String);
}

/// `let exporter = …?; <setup> let <binding> = <provider>; [<register>(<binding>.clone());]`,
/// each statement on its own line at `indent`.
pub fn statements(
    p: &dyn ProviderParts,
    names: &mut ImportPlan<'_>,
    binding: &str,
    register: Option<&str>,
    indent: &str,
    le: &str,
) -> String {
    let inner = format!("{indent}    ");
    let mut lines: Vec<String> = p.comments().to_vec();
    lines.push(format!(
        "let exporter = {}?;",
        p.exporter(names, &inner, le)
    ));
    let (setup, provider) = p.provider(names, &inner, le);
    lines.extend(setup);
    lines.push(format!("let {binding} = {provider};"));
    if let Some(register) = register {
        lines.push(format!("{register}({binding}.clone());"));
    }
    lines.join(&format!("{le}{indent}"))
}

/// `<exporter chain>.map(|exporter| { … })` for a chain that starts on a line indented `base`.
pub fn expression(
    p: &dyn ProviderParts,
    names: &mut ImportPlan<'_>,
    register: Option<&str>,
    base: &str,
    le: &str,
) -> String {
    let i1 = format!("{base}    ");
    let i2 = format!("{base}        ");
    let i3 = format!("{base}            ");
    let exporter = p.exporter(names, &i1, le);
    let (setup, provider) = p.provider(names, &i3, le);
    let mut lines: Vec<String> = p.comments().to_vec();
    lines.extend(setup);
    match register {
        Some(register) => {
            lines.push(format!("let provider = {provider};"));
            lines.push(format!("{register}(provider.clone());"));
            lines.push("provider".to_string());
        }
        None => lines.push(provider),
    }
    let body: String = lines.iter().map(|l| format!("{le}{i2}{l}")).collect();
    format!("{exporter}{le}{i1}.map(|exporter| {{{body}{le}{i1}}})")
}

/// The pipeline chains of a file by placement, plus calls to some functions (e.g. removed
/// global shutdowns) and macro bodies that mention the pipeline.
pub struct PipelineSites<'a> {
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
