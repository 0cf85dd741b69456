//! Where a local read at a site is bound: the `let` of the nearest enclosing block that binds
//! its name, found only when no statement in between could bind it some other way. The
//! readers of values kept in locals (exporters, `ExportConfig`s) start from here.

use std::collections::HashSet;

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span, ParsedRust};

use super::chain::mentions_ident;

/// Where local `name`, read at byte `site`, is bound: the statements of the nearest enclosing
/// block whose `stmts[j]` is `let [mut] name … = …;`, and `k`, the statement holding the site.
/// `None` when no such `let` is found, or an earlier statement of a block in between mentions
/// the name (a binding this reader does not see, such as a pattern).
pub fn binding_of<'a>(
    rust: ParsedRust<'a>,
    name: &str,
    site: usize,
) -> Option<(&'a [syn::Stmt], usize, usize)> {
    let mut blocks = EnclosingBlocks {
        file: rust.file,
        offset: site,
        found: Vec::new(),
    };
    blocks.visit_file(rust.syntax);
    for stmts in blocks.found.iter().rev() {
        let k = stmts
            .iter()
            .position(|s| contains(range_of(rust.file, s), site))?;
        let Some(j) = stmts[..k].iter().rposition(|s| binds(s, name)) else {
            if stmts[..k].iter().any(|s| mentions_ident(s, name)) {
                return None;
            }
            continue;
        };
        return Some((stmts, j, k));
    }
    None
}

/// Whether the expression path `path` (one plain name) reads a local that an earlier `let` of an
/// enclosing block binds — and so not the item an import of that name brings in
/// (`let logger_provider = logger_provider(); … &logger_provider`).
pub fn names_a_local(rust: ParsedRust<'_>, path: &syn::ExprPath) -> bool {
    let Some(name) = path.path.get_ident().filter(|_| path.qself.is_none()) else {
        return false;
    };
    let name = crate::engine::syntax::ident_str(name);
    binding_of(rust, &name, range_of(rust.file, path).start).is_some()
}

/// Whether `stmt` is `let [mut] name [: T] = …;`.
pub fn binds(stmt: &syn::Stmt, name: &str) -> bool {
    matches!(stmt, syn::Stmt::Local(l) if pat_ident(&l.pat).is_some_and(|i| i.ident == name))
}

/// The value of `let name = value;` (a plain name: no `mut`, `ref`, `@` pattern or `else`): a
/// local whose value no later statement can change.
pub fn immutable_let_value(stmt: &syn::Stmt) -> Option<&syn::Expr> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return None;
    };
    if pat.mutability.is_some() || pat.by_ref.is_some() || pat.subpat.is_some() {
        return None;
    }
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    Some(&init.expr)
}

pub fn pat_ident(pat: &syn::Pat) -> Option<&syn::PatIdent> {
    match pat {
        syn::Pat::Ident(i) if i.subpat.is_none() && i.by_ref.is_none() => Some(i),
        syn::Pat::Type(t) => pat_ident(&t.pat),
        _ => None,
    }
}

pub fn contains(range: TextRange, offset: usize) -> bool {
    range.start <= offset && offset < range.end
}

/// The statement lists of the blocks that contain byte `offset`, innermost first.
pub fn blocks_around<'a>(rust: ParsedRust<'a>, offset: usize) -> Vec<&'a [syn::Stmt]> {
    let mut blocks = EnclosingBlocks {
        file: rust.file,
        offset,
        found: Vec::new(),
    };
    blocks.visit_file(rust.syntax);
    blocks.found.reverse();
    blocks.found
}

/// The statement lists of the blocks that contain `offset`, outermost first.
struct EnclosingBlocks<'a, 'f> {
    file: &'f SourceFile,
    offset: usize,
    found: Vec<&'a [syn::Stmt]>,
}

impl<'a> Visit<'a> for EnclosingBlocks<'a, '_> {
    // A block's range is its braces' span: `range_of` a node turns it into tokens first, which
    // made each search here cost as much as the whole file (residue asks once per shadowed name).
    // Items are not pruned by their range: a block inside an item lies inside it anyway.
    fn visit_block(&mut self, b: &'a syn::Block) {
        if contains(
            range_of_span(self.file, b.brace_token.span.join()),
            self.offset,
        ) {
            self.found.push(&b.stmts);
            syn::visit::visit_block(self, b);
        }
    }
}

/// The names that a `let [mut] name [: T] = …;` anywhere in `syntax` binds: a name outside this
/// set is never found by [`binding_of`].
pub fn let_bound_names(syntax: &syn::File) -> HashSet<String> {
    struct Lets(HashSet<String>);
    impl<'ast> Visit<'ast> for Lets {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            self.0
                .extend(pat_ident(&l.pat).map(|i| ident_str(&i.ident)));
            syn::visit::visit_local(self, l);
        }
    }
    let mut lets = Lets(HashSet::new());
    lets.visit_file(syntax);
    lets.0
}

/// The `name.method()` calls (no arguments) in the statements after the one at byte `at` of its
/// innermost block, up to a statement that binds `name` again (in a nested block, up to its end;
/// a `match` arm, `for` or `if let` whose pattern names it is left out); calls inside closures
/// and items are left out (they may bind the name themselves).
pub fn method_calls_after(
    rust: ParsedRust<'_>,
    at: usize,
    name: &str,
    method: &str,
) -> Vec<TextRange> {
    struct Calls<'n> {
        name: &'n str,
        method: &'n str,
        found: Vec<proc_macro2::Span>,
        /// An `if let` / `while let` condition being read binds the name.
        rebound: bool,
    }
    impl<'s> Visit<'s> for Calls<'_> {
        fn visit_expr_method_call(&mut self, m: &'s syn::ExprMethodCall) {
            let on_name = matches!(&*m.receiver, syn::Expr::Path(p) if p.path.is_ident(self.name));
            if on_name && m.method == self.method && m.args.is_empty() {
                self.found.push(syn::spanned::Spanned::span(m));
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'s syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'s syn::Item) {}
        fn visit_block(&mut self, b: &'s syn::Block) {
            for stmt in &b.stmts {
                if let syn::Stmt::Local(l) = stmt {
                    if mentions_ident(&l.pat, self.name) {
                        // Its own value still reads the outer binding.
                        if let Some(init) = &l.init {
                            self.visit_expr(&init.expr);
                        }
                        return;
                    }
                }
                self.visit_stmt(stmt);
            }
        }
        fn visit_arm(&mut self, arm: &'s syn::Arm) {
            if !mentions_ident(&arm.pat, self.name) {
                syn::visit::visit_arm(self, arm);
            }
        }
        fn visit_expr_for_loop(&mut self, f: &'s syn::ExprForLoop) {
            self.visit_expr(&f.expr);
            if !mentions_ident(&f.pat, self.name) {
                self.visit_block(&f.body);
            }
        }
        fn visit_expr_let(&mut self, l: &'s syn::ExprLet) {
            self.visit_expr(&l.expr);
            self.rebound |= mentions_ident(&l.pat, self.name);
        }
        fn visit_expr_if(&mut self, i: &'s syn::ExprIf) {
            self.guarded(&i.cond, &i.then_branch);
            if let Some((_, otherwise)) = &i.else_branch {
                self.visit_expr(otherwise);
            }
        }
        fn visit_expr_while(&mut self, w: &'s syn::ExprWhile) {
            self.guarded(&w.cond, &w.body);
        }
    }
    impl<'s> Calls<'_> {
        /// `if`/`while` `cond` `body`: the body is left out when a `let` of the condition binds
        /// the name.
        fn guarded(&mut self, cond: &'s syn::Expr, body: &'s syn::Block) {
            let outer = std::mem::replace(&mut self.rebound, false);
            self.visit_expr(cond);
            if !self.rebound {
                self.visit_block(body);
            }
            self.rebound = outer;
        }
    }
    let Some(stmts) = blocks_around(rust, at).into_iter().next() else {
        return Vec::new();
    };
    let Some(i) = stmts
        .iter()
        .position(|s| contains(range_of(rust.file, s), at))
    else {
        return Vec::new();
    };
    let mut calls = Calls {
        name,
        method,
        found: Vec::new(),
        rebound: false,
    };
    for later in &stmts[i + 1..] {
        let rebinds = matches!(later, syn::Stmt::Local(l) if pat_ident(&l.pat).is_some_and(|p| p.ident == name));
        if rebinds {
            break;
        }
        calls.visit_stmt(later);
    }
    calls
        .found
        .into_iter()
        .map(|span| range_of_span(rust.file, span))
        .collect()
}
