//! A trace config kept in a local: `let trace_config = trace::config().with_sampler(..)
//! .with_resource(..);` then `….with_trace_config(trace_config)` on an old pipeline. 0.27.1
//! deprecates `Config`'s setters and the provider builder's `with_config(..)` (the type is
//! becoming private), so the settings move onto the provider builder as an inline config's do,
//! and the `let` goes.
//!
//! Followed only where moving the settings cannot change what the program does: the local is
//! bound by a plain `let` in the block of the statement holding the pipeline, with no closure,
//! async block or item in between (their captures would change) — except the closure that
//! receives the exporter, `builder(..).and_then(|exporter| new_pipeline()….with_exporter(exporter)
//! ….install_batch(..))` (not `move`): it runs at once, where the rewrite's own
//! `.map(|exporter| …)` runs the provider builder, and the settings' locals must then not be
//! moved or changed by its receiver; that statement names it once
//! and no other statement after the `let` names it; the settings' arguments cannot leave the
//! function (`?`, `return`, `.await`, `break`, `continue`) and name no local that a statement in
//! between uses other than through a shared borrow (`&settings.endpoint`): it could be moved or
//! changed there before the settings now read it.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::{whole_lines, SourceFile};
use crate::engine::syntax::{range_of, ParsedRust};

use super::chain::{count_ident, mentions_ident, mentions_local_unborrowed, stmt_range};
use super::local_binding::{binding_of, contains, immutable_let_value};

/// A config local whose value can move to its one use: the value, and its `let` statement.
pub struct MovableLocal<'a> {
    pub value: &'a syn::Expr,
    statement: TextRange,
}

impl MovableLocal<'_> {
    /// The lines to delete: the `let`, and the comment lines right above it when they go
    /// with the first setting (`first_comments`, which they are put before): they describe the
    /// settings. Without a setting to take them they stay where they are.
    pub fn deleted_lines(
        &self,
        file: &SourceFile,
        first_comments: Option<&mut Vec<String>>,
    ) -> TextRange {
        let mut statement = self.statement;
        if let (Some(first), Some(above)) = (
            first_comments,
            comment_lines_above(file, whole_lines(file, statement)),
        ) {
            let mut comments: Vec<String> = file
                .slice(above)
                .lines()
                .map(|l| l.trim().to_string())
                .collect();
            comments.append(first);
            *first = comments;
            statement = TextRange::new(above.start, statement.end);
        }
        whole_lines(file, statement)
    }
}

/// The local `arg` names, when its value may move to `arg` (its one use); `None` when `arg` is
/// not such a local or moving its value is not provably safe. The caller checks that the value
/// is a config it can unfold.
pub fn config_in_local<'a>(rust: ParsedRust<'a>, arg: &syn::Expr) -> Option<MovableLocal<'a>> {
    let file = rust.file;
    let syn::Expr::Path(path) = arg else {
        return None;
    };
    let name = path.path.get_ident().filter(|_| path.qself.is_none())?;
    let name = crate::engine::syntax::ident_str(name);
    let site = range_of(file, arg).start;
    let (stmts, j, k) = binding_of(rust, &name, site)?;
    let value = immutable_let_value(&stmts[j])?;
    let between = &stmts[j + 1..k];
    let named_elsewhere = between
        .iter()
        .chain(&stmts[k + 1..])
        .any(|s| mentions_ident(s, &name));
    if named_elsewhere || count_ident(&stmts[k], &name) != 1 {
        return None;
    }
    let receiver = match crossing(&stmts[k], rust, site) {
        Crossing::Boundary => return None,
        Crossing::None => None,
        Crossing::ExporterClosure(receiver) => Some(receiver),
    };
    let moved = value.to_token_stream();
    if leaves_the_function(moved.clone()) {
        return None;
    }
    let mut locals = Vec::new();
    local_names(moved, &mut locals);
    if locals.iter().any(|l| {
        between.iter().any(|s| mentions_local_unborrowed(s, l))
            || receiver.is_some_and(|r| mentions_local_unborrowed(r, l))
    }) {
        return None;
    }
    Some(MovableLocal {
        value,
        statement: stmt_range(file, &stmts[j]),
    })
}

/// The `//` comment lines directly above the whole-line range `statement` (no blank line in
/// between), as one range of whole lines.
fn comment_lines_above(file: &SourceFile, statement: TextRange) -> Option<TextRange> {
    let before = &file.text[..statement.start];
    if !before.is_empty() && !before.ends_with('\n') {
        return None;
    }
    let mut start = statement.start;
    for line in before.split_inclusive('\n').rev() {
        let trimmed = line.trim();
        if !trimmed.starts_with("//") || trimmed.starts_with("///") || trimmed.starts_with("//!") {
            break;
        }
        start -= line.len();
    }
    (start < statement.start).then(|| TextRange::new(start, statement.start))
}

/// What lies between `stmt` and the site: nothing; a closure, an async block or an item,
/// where settings moved there would be captured (or not reachable) where the `let` evaluated
/// them; or only the closure that receives the exporter, with the receiver of its call.
enum Crossing<'a> {
    None,
    Boundary,
    ExporterClosure(&'a syn::Expr),
}

fn crossing<'a>(stmt: &'a syn::Stmt, rust: ParsedRust<'_>, site: usize) -> Crossing<'a> {
    struct Boundaries<'f, 'a> {
        rust: ParsedRust<'f>,
        site: usize,
        found: bool,
        exporter_closure: Option<&'a syn::Expr>,
    }
    impl Boundaries<'_, '_> {
        fn around<T: syn::spanned::Spanned + ToTokens>(&self, node: &T) -> bool {
            contains(range_of(self.rust.file, node), self.site)
        }
    }
    impl<'a> Visit<'a> for Boundaries<'_, 'a> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if let (1, Some(syn::Expr::Closure(c))) = (m.args.len(), m.args.first()) {
                if ["and_then", "map"].iter().any(|n| m.method == n)
                    && self.around(c)
                    && receives_the_exporter(c)
                {
                    self.exporter_closure = Some(&m.receiver);
                    self.visit_expr(&m.receiver);
                    // The closure itself is not a boundary; what it holds may be.
                    self.visit_expr(&c.body);
                    return;
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
            self.found |= self.around(c);
        }
        fn visit_expr_async(&mut self, a: &'a syn::ExprAsync) {
            self.found |= self.around(a);
        }
        fn visit_item(&mut self, i: &'a syn::Item) {
            self.found |= self.around(i);
        }
    }
    let mut b = Boundaries {
        rust,
        site,
        found: false,
        exporter_closure: None,
    };
    b.visit_stmt(stmt);
    match (b.found, b.exporter_closure) {
        (true, _) => Crossing::Boundary,
        (false, None) => Crossing::None,
        (false, Some(receiver)) => Crossing::ExporterClosure(receiver),
    }
}

/// Whether `c` is `|exporter| …` (not `move`, not `async`) whose body hands its one parameter
/// to `.with_exporter(..)`: the closure a fallible exporter's `and_then`/`map` runs at once.
fn receives_the_exporter(c: &syn::ExprClosure) -> bool {
    struct WithExporter<'n> {
        param: &'n syn::Ident,
        found: bool,
    }
    impl<'a> Visit<'a> for WithExporter<'_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            self.found |= m.method == "with_exporter"
                && m.args.len() == 1
                && matches!(m.args.first(), Some(syn::Expr::Path(p)) if p.path.is_ident(self.param));
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let (1, Some(syn::Pat::Ident(param))) = (c.inputs.len(), c.inputs.first()) else {
        return false;
    };
    if c.capture.is_some() || c.asyncness.is_some() {
        return false;
    }
    let mut w = WithExporter {
        param: &param.ident,
        found: false,
    };
    w.visit_expr(&c.body);
    w.found
}

/// Whether the tokens hold an early exit (`?`, `return`, `.await`, `break`, `continue`,
/// `yield`), macro bodies included: the provider builder runs inside a closure.
fn leaves_the_function(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Punct(p) => p.as_char() == '?',
        TokenTree::Ident(i) => ["return", "await", "break", "continue", "yield"]
            .iter()
            .any(|k| i == k),
        TokenTree::Group(g) => leaves_the_function(g.stream()),
        TokenTree::Literal(_) => false,
    })
}

/// The names in the tokens that may be locals: lower-case identifiers not after `::` or a single `.`
/// (a path segment, a method or a field) and not before `::`, `!` or `(` (a module, a macro,
/// a function).
fn local_names(tokens: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let punct = |i: usize| match tokens.get(i) {
        Some(TokenTree::Punct(p)) => Some(p.as_char()),
        _ => None,
    };
    for (i, tt) in tokens.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => local_names(g.stream(), out),
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let (before, before2) = (
                    i.checked_sub(1).and_then(punct),
                    i.checked_sub(2).and_then(punct),
                );
                // `a::name` and `a.name` are not locals; `Field { f: name }` and `..name` are.
                let after_path_or_dot = (before == Some(':') && before2 == Some(':'))
                    || (before == Some('.') && before2 != Some('.'));
                let before_path_or_call = matches!(punct(i + 1), Some(':' | '!'))
                    || matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis);
                let lower = text.starts_with(|c: char| c.is_lowercase() || c == '_');
                if lower && !after_path_or_dot && !before_path_or_call && !out.contains(&text) {
                    out.push(text);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    /// The links of the followed value and the deleted statement for the
    /// `with_trace_config(..)` argument of `src`.
    fn follow(src: &str) -> Option<(Vec<String>, String)> {
        with_parsed(src, |rust| {
            struct Arg<'a>(Option<&'a syn::Expr>);
            impl<'a> Visit<'a> for Arg<'a> {
                fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
                    if m.method == "with_trace_config" {
                        self.0 = m.args.first();
                    }
                    syn::visit::visit_expr_method_call(self, m);
                }
            }
            let mut arg = Arg(None);
            arg.visit_file(rust.syntax);
            let local = config_in_local(rust, arg.0?)?;
            let chain = crate::otel::chain::Chain::read(local.value);
            let names = chain.names().iter().map(|n| n.to_string()).collect();
            let stmt = local.deleted_lines(rust.file, None);
            Some((names, rust.file.slice(stmt).to_string()))
        })
    }

    fn program(body: &str) -> String {
        format!(
            "use opentelemetry_sdk::trace::{{self, Sampler}};\nfn init(resource: Resource, ratio: f64) {{\n{body}\n}}\n"
        )
    }

    #[test]
    fn a_config_local_used_once_by_the_pipeline_is_unfolded_and_its_let_goes() {
        let src = program(
            "    let cfg = trace::config().with_sampler(Sampler::TraceIdRatioBased(ratio)).with_resource(resource.clone());
    let exporter = opentelemetry_otlp::new_exporter().tonic().with_endpoint(&resource.endpoint);
    let tracer = opentelemetry_otlp::new_pipeline().tracing().with_exporter(exporter).with_trace_config(cfg).install_simple();",
        );
        let (names, stmt) = follow(&src).expect("followed");
        assert_eq!(names, ["with_sampler", "with_resource"]);
        assert!(
            stmt.starts_with("    let cfg = ") && stmt.ends_with(";\n"),
            "{stmt}"
        );
    }

    #[test]
    fn a_config_local_read_in_the_closure_receiving_the_exporter_is_unfolded() {
        for call in ["and_then", "map"] {
            let src = program(&format!(
                "    let cfg = trace::config().with_resource(resource);\n    let tracer = exporter(ratio).{call}(|e| new_pipeline().tracing().with_exporter(e).with_trace_config(cfg).install_simple());"
            ));
            let (names, _) = follow(&src).expect("followed");
            assert_eq!(names, ["with_resource"], "{call}");
        }
    }

    #[test]
    fn near_misses_of_the_closure_receiving_the_exporter_keep_the_local() {
        let cases = [
            // `move`: it would take the settings' locals whole.
            "exporter(ratio).and_then(move |e| new_pipeline().tracing().with_exporter(e).with_trace_config(cfg).install_simple())",
            // The receiver moves a local the settings read before the closure runs.
            "exporter(resource).and_then(|e| new_pipeline().tracing().with_exporter(e).with_trace_config(cfg).install_simple())",
            // The closure does not receive the exporter: it may run later, or more than once.
            "exporter(ratio).and_then(|e| new_pipeline().tracing().with_exporter(other).with_trace_config(cfg).install_simple())",
            // Another combinator.
            "exporter(ratio).or_else(|e| new_pipeline().tracing().with_exporter(e).with_trace_config(cfg).install_simple())",
            // A closure inside the one receiving the exporter.
            "exporter(ratio).and_then(|e| run(|| new_pipeline().tracing().with_exporter(e).with_trace_config(cfg).install_simple()))",
        ];
        for call in cases {
            let body = format!(
                "    let cfg = trace::config().with_resource(resource);\n    let tracer = {call};"
            );
            assert_eq!(follow(&program(&body)), None, "{body}");
        }
    }

    #[test]
    fn near_misses_keep_the_local() {
        let pipeline =
            "let tracer = new_pipeline().tracing().with_trace_config(cfg).install_simple();";
        let cases = [
            // Named again after the pipeline.
            format!("    let cfg = trace::config().with_resource(resource);\n    {pipeline}\n    dbg!(&cfg);"),
            // A local its settings read is used in between (moved or changed there).
            format!("    let cfg = trace::config().with_resource(resource.clone());\n    consume(resource);\n    {pipeline}"),
            // Moved into a struct in between.
            format!("    let cfg = trace::config().with_resource(resource);\n    let kept = Kept {{ r: resource }};\n    {pipeline}"),
            // Read as a struct field's value, and moved in between.
            format!("    let cfg = trace::config().with_id_generator(Seeded {{ seed: seed }});\n    consume(seed);\n    {pipeline}"),
            // Borrowed mutably in between.
            format!("    let cfg = trace::config().with_sampler(Sampler::TraceIdRatioBased(ratio));\n    tune(&mut ratio);\n    {pipeline}"),
            // An early exit would move into the provider builder's closure.
            format!("    let cfg = trace::config().with_sampler(sampler(ratio)?);\n    {pipeline}"),
            // The pipeline runs in a closure: the settings' captures would change.
            "    let cfg = trace::config().with_resource(resource);\n    let t = std::thread::spawn(move || new_pipeline().tracing().with_trace_config(cfg).install_simple());".to_string(),
            // `let mut`: a later change is possible.
            format!("    let mut cfg = trace::config().with_resource(resource);\n    {pipeline}"),
        ];
        for body in cases {
            assert_eq!(follow(&program(&body)), None, "{body}");
        }
    }
}
