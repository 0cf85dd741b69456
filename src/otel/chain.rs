//! Method chains: `root().a(x).b(y)` read into the root expression and its links in source
//! order, with the byte ranges a rewrite needs; and builders kept in a local and extended by
//! reassignment (`let mut p = …; p = p.with_x(..);`, also inside `if` bodies), followed only
//! where every use of the local is one the reader understands.

use syn::spanned::Spanned;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span};

/// One `.name(args)` link of a chain.
#[derive(Clone)]
pub struct Link<'a> {
    pub name: String,
    pub call: &'a syn::ExprMethodCall,
}

impl<'a> Link<'a> {
    pub fn args(&self) -> Vec<&'a syn::Expr> {
        self.call.args.iter().collect()
    }

    /// The arguments' text exactly as written (between the parentheses).
    pub fn args_text(&self, file: &SourceFile) -> String {
        super::args_text(file, self.call)
    }

    /// The range of the parentheses and the arguments between them.
    pub fn args_range(&self, file: &SourceFile) -> TextRange {
        range_of_span(file, self.call.paren_token.span.join())
    }

    /// The link's range: from the end of its receiver to the closing parenthesis, so it covers
    /// the `.` and any line break or comment before it.
    pub fn range(&self, file: &SourceFile) -> TextRange {
        let recv_end = range_of(file, &*self.call.receiver).end;
        TextRange::new(recv_end, range_of(file, self.call).end)
    }

    /// The method name's range.
    pub fn name_range(&self, file: &SourceFile) -> TextRange {
        range_of_span(file, self.call.method.span())
    }
}

/// The range of a chain's links with their root (the outermost call covers its receivers), so a
/// finding on a chain that was not rewritten covers every call in it.
/// A builder kept in a local has links in several statements: `also` (the part the finding is
/// about) is always inside the result.
pub fn links_range(file: &SourceFile, links: &[Link<'_>], also: TextRange) -> TextRange {
    match links.last() {
        Some(l) => {
            let whole = range_of(file, l.call);
            TextRange::new(whole.start.min(also.start), whole.end.max(also.end))
        }
        None => also,
    }
}

/// A chain: the innermost receiver that is not a method call (`new_pipeline()`, a local, a
/// path) and the links applied to it, first link first.
#[derive(Clone)]
pub struct Chain<'a> {
    pub root: &'a syn::Expr,
    pub links: Vec<Link<'a>>,
}

impl<'a> Chain<'a> {
    /// The chain without its last link (a pipeline without its terminal call).
    pub fn head(&self) -> Chain<'a> {
        let mut head = self.clone();
        head.links.pop();
        head
    }

    /// Reads `expr` as a chain. Parentheses around receivers are looked through; `?`, `.await`
    /// and anything else end the chain (they become the root).
    pub fn read(expr: &'a syn::Expr) -> Chain<'a> {
        let mut links = Vec::new();
        let mut cur = expr;
        loop {
            match cur {
                syn::Expr::MethodCall(m) => {
                    links.push(Link {
                        name: ident_str(&m.method),
                        call: m,
                    });
                    cur = &m.receiver;
                }
                syn::Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        links.reverse();
        Chain { root: cur, links }
    }

    /// Reads the chain ending in call `m`.
    pub fn read_call(m: &'a syn::ExprMethodCall) -> Chain<'a> {
        let mut c = Chain::read(&m.receiver);
        c.links.push(Link {
            name: ident_str(&m.method),
            call: m,
        });
        c
    }

    /// The path of a root call `a::b()` (or of a root path `a::b`).
    pub fn root_path(&self) -> Option<&'a syn::Path> {
        match self.root {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) if p.qself.is_none() => Some(&p.path),
                _ => None,
            },
            syn::Expr::Path(p) if p.qself.is_none() => Some(&p.path),
            _ => None,
        }
    }

    /// The root when it is a plain local (`pipeline` in `pipeline.install_batch(..)`).
    pub fn root_local(&self) -> Option<String> {
        match self.root {
            syn::Expr::Path(p)
                if p.qself.is_none() && p.path.segments.len() == 1 && p.attrs.is_empty() =>
            {
                Some(ident_str(&p.path.segments[0].ident))
            }
            _ => None,
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.links.iter().map(|l| l.name.as_str()).collect()
    }

    pub fn find(&self, name: &str) -> Option<&Link<'a>> {
        self.links.iter().find(|l| l.name == name)
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.links.iter().position(|l| l.name == name)
    }

    /// The chain up to (not including) link `index`, as an expression: the receiver of that
    /// link.
    pub fn receiver_of(&self, index: usize) -> &'a syn::Expr {
        &self.links[index].call.receiver
    }
}

/// Later statements that extend a builder kept in local `name`: `name = name.a(..).b(..);`
/// directly, or as the only statements of an `if` body (no `else`).
pub struct Reassignment<'a> {
    /// The statement of the enclosing block (the `if` when conditional).
    pub stmt: &'a syn::Stmt,
    /// The links appended by each assignment (several when the `if` body has several).
    pub links: Vec<Link<'a>>,
    /// The assignment expressions, in order (to rewrite them one by one).
    pub assigns: Vec<&'a syn::ExprAssign>,
    pub conditional: bool,
}

impl Reassignment<'_> {
    /// Whether the statement is nothing but the reassignments (an `if` whose body does
    /// something else cannot be removed or moved whole).
    pub fn only_assignments(&self) -> bool {
        match self.stmt {
            syn::Stmt::Expr(syn::Expr::If(e), _) => e.then_branch.stmts.len() == self.assigns.len(),
            _ => true,
        }
    }
}

/// What follows `let [mut] name = …;` in a block, up to the statement that consumes the builder.
pub struct FollowedLocal<'a> {
    pub reassignments: Vec<Reassignment<'a>>,
    /// The index (in the block) of the first statement that uses `name` in another way.
    pub consumer: Option<usize>,
}

/// Follows local `name` through `stmts[from..]`: collects reassignments of the supported shapes
/// and stops at the first other statement that mentions `name` (the consumer), which the caller
/// must check uses the builder in a way it understands (else it reports instead of guessing).
pub fn follow_local<'a>(stmts: &'a [syn::Stmt], from: usize, name: &str) -> FollowedLocal<'a> {
    let mut reassignments = Vec::new();
    for (i, stmt) in stmts.iter().enumerate().skip(from) {
        if !mentions_ident(stmt, name) {
            continue;
        }
        if let Some(r) = reassignment(stmt, name) {
            reassignments.push(r);
            continue;
        }
        // A consumer must use the local once, as the root of a chain or as a whole expression;
        // a second reassignment-like use inside it is not understood.
        return FollowedLocal {
            reassignments,
            consumer: Some(i),
        };
    }
    FollowedLocal {
        reassignments,
        consumer: None,
    }
}

fn reassignment<'a>(stmt: &'a syn::Stmt, name: &str) -> Option<Reassignment<'a>> {
    let syn::Stmt::Expr(expr, _) = stmt else {
        return None;
    };
    if let Some((assign, links)) = self_assignment(expr, name) {
        return Some(Reassignment {
            stmt,
            links,
            assigns: vec![assign],
            conditional: false,
        });
    }
    if let syn::Expr::If(e) = expr {
        if e.else_branch.is_some() || mentions_ident(&*e.cond, name) {
            return None;
        }
        let mut links = Vec::new();
        let mut assigns = Vec::new();
        for s in &e.then_branch.stmts {
            // Statements that do not name the local (preparing an option's value) stay as
            // they are.
            match s {
                syn::Stmt::Expr(inner, _) if mentions_ident(inner, name) => {
                    let (assign, l) = self_assignment(inner, name)?;
                    assigns.push(assign);
                    links.extend(l);
                }
                _ if mentions_ident(s, name) => return None,
                _ => {}
            }
        }
        if assigns.is_empty() {
            return None;
        }
        return Some(Reassignment {
            stmt,
            links,
            assigns,
            conditional: true,
        });
    }
    None
}

/// `name = name.a(..).b(..)` → the assignment and its links.
fn self_assignment<'a>(
    expr: &'a syn::Expr,
    name: &str,
) -> Option<(&'a syn::ExprAssign, Vec<Link<'a>>)> {
    let syn::Expr::Assign(a) = expr else {
        return None;
    };
    let syn::Expr::Path(lhs) = &*a.left else {
        return None;
    };
    if !lhs.path.is_ident(name) {
        return None;
    }
    let chain = Chain::read(&a.right);
    if chain.root_local().as_deref() != Some(name) || chain.links.is_empty() {
        return None;
    }
    if chain.links.iter().any(|l| mentions_ident(l.call, name)) {
        // `p = p.with_x(p.y())`: not a plain extension.
        let only_root = chain
            .links
            .iter()
            .all(|l| l.call.args.iter().all(|a| !mentions_ident(a, name)));
        if !only_root {
            return None;
        }
    }
    Some((a, chain.links))
}

/// Whether an identifier token `name` occurs anywhere in `node` (macro bodies included), or a
/// format string captures it.
pub fn mentions_ident<T: quote::ToTokens + ?Sized>(node: &T, name: &str) -> bool {
    fn walk(ts: proc_macro2::TokenStream, name: &str) -> bool {
        ts.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => i == name,
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), name),
            proc_macro2::TokenTree::Literal(l) => captures(&l, name),
            _ => false,
        })
    }
    walk(node.to_token_stream(), name)
}

/// A format string capturing the local `name`: `"{builder:?}"`, `"{builder}"`.
pub fn captures(literal: &proc_macro2::Literal, name: &str) -> bool {
    let text = literal.to_string();
    text.contains(&format!("{{{name}}}")) || text.contains(&format!("{{{name}:"))
}

/// Whether an identifier token `name` occurs in `node` other than as a path segment after `::`
/// or a method or field name after `.` (`reqwest::Client::builder()` does not mention the local
/// `builder`); macro bodies included.
pub fn mentions_local<T: quote::ToTokens + ?Sized>(node: &T, name: &str) -> bool {
    local_mentioned(node.to_token_stream(), name, Skip::Nothing)
}

/// [`mentions_local`] leaving out shared borrows (`&settings.endpoint`): a use that can neither
/// move nor change the local (`&mut name`, `name.take()` or a plain `name` still count).
pub fn mentions_local_unborrowed<T: quote::ToTokens + ?Sized>(node: &T, name: &str) -> bool {
    local_mentioned(node.to_token_stream(), name, Skip::Borrows)
}

/// Whether `node` may move or change the local `name`: [`mentions_local_unborrowed`] leaving
/// out `name.clone()` too (a later `&name` still borrows the same value).
pub fn may_move_local<T: quote::ToTokens + ?Sized>(node: &T, name: &str) -> bool {
    local_mentioned(node.to_token_stream(), name, Skip::BorrowsAndClones)
}

/// The uses [`local_mentioned`] does not count.
#[derive(Clone, Copy, PartialEq)]
enum Skip {
    Nothing,
    Borrows,
    BorrowsAndClones,
}

fn local_mentioned(ts: proc_macro2::TokenStream, name: &str, skip: Skip) -> bool {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    // The two punctuation characters before the current token (' ' for anything else).
    let (mut prev, mut prev2) = (' ', ' ');
    for (i, tt) in tokens.iter().enumerate() {
        let named = match tt {
            TokenTree::Ident(id) => {
                let after_path = prev == ':' && prev2 == ':';
                let after_dot = prev == '.' && prev2 != '.';
                let borrowed = skip != Skip::Nothing && prev == '&';
                let cloned = skip == Skip::BorrowsAndClones
                    && matches!(&tokens[i + 1..], [
                        TokenTree::Punct(dot),
                        TokenTree::Ident(method),
                        TokenTree::Group(args),
                        ..
                    ] if dot.as_char() == '.' && method == "clone" && args.stream().is_empty());
                id == name && !after_path && !after_dot && !borrowed && !cloned
            }
            TokenTree::Group(g) => local_mentioned(g.stream(), name, skip),
            TokenTree::Literal(l) => captures(l, name),
            TokenTree::Punct(_) => false,
        };
        if named {
            return true;
        }
        prev2 = prev;
        prev = match tt {
            TokenTree::Punct(p) => p.as_char(),
            _ => ' ',
        };
    }
    false
}

/// How often an identifier token `name` occurs in `node` (macro bodies included).
pub fn count_ident<T: quote::ToTokens + ?Sized>(node: &T, name: &str) -> usize {
    fn walk(ts: proc_macro2::TokenStream, name: &str) -> usize {
        ts.into_iter()
            .map(|tt| match tt {
                proc_macro2::TokenTree::Ident(i) if i == name => 1,
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), name),
                _ => 0,
            })
            .sum()
    }
    walk(node.to_token_stream(), name)
}

/// How often the statement that consumes local `name` uses it: a `let` counts its value only,
/// so `let tracer = tracer.install_batch(..)?;` (a shadowing continuation) uses it once.
pub fn uses_in_consumer(stmt: &syn::Stmt, name: &str) -> usize {
    match stmt {
        syn::Stmt::Local(l) => l.init.as_ref().map_or(0, |i| {
            count_ident(&*i.expr, name)
                + i.diverge
                    .as_ref()
                    .map_or(0, |(_, d)| count_ident(&**d, name))
        }),
        s => count_ident(s, name),
    }
}

/// Whether a `let` among `stmts` binds a name `expr` uses: moving `expr` past those statements
/// (a pipeline head built where it is installed) would read the new binding.
pub fn rebinds_a_name_of(stmts: &[syn::Stmt], expr: &syn::Expr) -> bool {
    let mut bound = Bound(Vec::new());
    for stmt in stmts {
        if let syn::Stmt::Local(l) = stmt {
            syn::visit::Visit::visit_pat(&mut bound, &l.pat);
        }
    }
    bound.0.iter().any(|name| mentions_local(expr, name))
}

/// The names the patterns inside `expr` bind (`match` arms, `if let`, closures, `let`s).
pub fn bound_names(expr: &syn::Expr) -> Vec<String> {
    let mut bound = Bound(Vec::new());
    syn::visit::Visit::visit_expr(&mut bound, expr);
    bound.0
}

/// The names bound by the patterns visited.
struct Bound(Vec<String>);

impl<'a> syn::visit::Visit<'a> for Bound {
    fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
        self.0.push(ident_str(&p.ident));
        syn::visit::visit_pat_ident(self, p);
    }
}

/// The first `name.<…>.<terminal>(..)` inside `stmt`, with `terminal` one of `terminals`.
pub fn local_terminal<'a>(
    stmt: &'a syn::Stmt,
    name: &str,
    terminals: &[&str],
) -> Option<&'a syn::Expr> {
    struct Finder<'n, 'a> {
        name: &'n str,
        terminals: &'n [&'n str],
        found: Option<&'a syn::Expr>,
    }
    impl<'a> syn::visit::Visit<'a> for Finder<'_, 'a> {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if self.found.is_some() {
                return;
            }
            if let syn::Expr::MethodCall(m) = e {
                if self.terminals.contains(&ident_str(&m.method).as_str())
                    && Chain::read(e).root_local().as_deref() == Some(self.name)
                {
                    self.found = Some(e);
                    return;
                }
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut finder = Finder {
        name,
        terminals,
        found: None,
    };
    syn::visit::Visit::visit_stmt(&mut finder, stmt);
    finder.found
}

/// The span of a statement list's node, for callers that need a statement's range.
pub fn stmt_range(file: &SourceFile, stmt: &syn::Stmt) -> TextRange {
    range_of_span(file, stmt.span())
}

#[cfg(test)]
mod tests {
    #[test]
    fn borrows_and_clones_do_not_move_a_local() {
        let parse = |s: &str| syn::parse_str::<syn::Stmt>(s).unwrap();
        for keeps in [
            "let b = Bridge::new(&provider);",
            "global::set(provider.clone());",
            "let n = other.provider;",
            "let n = sdk::provider::X;",
        ] {
            assert!(!super::may_move_local(&parse(keeps), "provider"), "{keeps}");
        }
        for moves in [
            "let all = vec![provider];",
            "drop(provider);",
            "provider.shutdown();",
            "let provider = other;",
            "let c = provider.clone_from(&x);",
            "let b = &mut provider;",
            "println!(\"{provider:?}\");",
        ] {
            assert!(super::may_move_local(&parse(moves), "provider"), "{moves}");
        }
    }

    #[test]
    fn a_path_segment_or_method_named_like_the_local_is_not_a_use() {
        let parse = |s: &str| syn::parse_str::<syn::Stmt>(s).unwrap();
        let not_a_use = [
            "let c = reqwest::Client::builder().build();",
            "let n = cfg.builder.len();",
            "x = y.builder();",
        ];
        for s in not_a_use {
            assert!(!super::mentions_local(&parse(s), "builder"), "{s}");
        }
        let uses = [
            "describe(&builder);",
            "let s = S { field: builder };",
            "let r = 0..builder;",
            "println!(\"{builder:?}\");",
            "let n = builder.len();",
        ];
        for s in uses {
            assert!(super::mentions_local(&parse(s), "builder"), "{s}");
        }
    }

    use super::*;

    #[test]
    fn reads_links_in_order_through_parentheses() {
        let e: syn::Expr = syn::parse_str("(a::b().c(1)).d(2, 3).e()").unwrap();
        let c = Chain::read(&e);
        assert_eq!(c.names(), vec!["c", "d", "e"]);
        assert!(c.root_path().unwrap().segments.len() == 2);
    }

    #[test]
    fn follows_reassignments_until_the_consumer() {
        let b: syn::Block = syn::parse_str(
            "{ let mut p = a().x(1); p = p.y(2); if c { p = p.z(3).w(4); } let t = p.install()?; }",
        )
        .unwrap();
        let f = follow_local(&b.stmts, 1, "p");
        assert_eq!(f.reassignments.len(), 2);
        assert!(f.reassignments[1].conditional);
        assert_eq!(f.reassignments[1].links.len(), 2);
        assert_eq!(f.consumer, Some(3));
    }

    #[test]
    fn a_builder_passed_elsewhere_is_a_consumer_not_a_reassignment() {
        let b: syn::Block =
            syn::parse_str("{ let mut p = a(); configure(&mut p); p.install() }").unwrap();
        let f = follow_local(&b.stmts, 1, "p");
        assert!(f.reassignments.is_empty());
        assert_eq!(f.consumer, Some(1));
    }
}
