//! An exporter made by a closure of the function, one factory for several pipelines:
//! `let make_exporter = || new_exporter().tonic().with_endpoint(&endpoint);` then
//! `.with_exporter(make_exporter())` in the logs, trace and metrics pipelines.
//!
//! 0.27 has a builder type per signal, and a closure cannot be generic, so the factory cannot
//! stay: each call reads as the chain written in the closure (the pipeline rewrite renders it
//! for its signal), and the closure's `let` goes with the last call rewritten. Calling the
//! closure evaluated its body there and then, so inlining it at the call reads the same values
//! (a non-`move` closure only borrows what it captures, so nothing it reads can change between
//! its definition and its calls).
//!
//! Followed only when the closure takes no argument, is not `move`, its body is an exporter
//! chain this tool reads, and every later use of its name is a call handed to `with_exporter`.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::item_edit::delete_item;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};

use super::chain::count_ident;
use super::exporter::ExporterConfig;
use super::local_binding::binding_of;

/// The exporter `with_exporter(<arg>)` takes when `arg` calls such a factory closure; `None`
/// otherwise.
pub fn exporter_from_closure(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<ExporterConfig> {
    let factory = factory_called(rust, arg)?;
    let mut cfg = ExporterConfig::parse(rust, factory.body)?;
    if factory.calls_left == 1 {
        // The last call: the factory goes with it.
        let delete = delete_item(rust.file, factory.stmt);
        cfg.config_edits.push((delete.range, String::new()));
    }
    Some(cfg)
}

/// The range of the factory's body when `arg` calls one: a chain another signal's pipeline
/// rewrite reads, not one left behind.
pub fn factory_body_called(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<TextRange> {
    factory_called(rust, arg).map(|f| range_of(rust.file, f.body))
}

struct Factory<'a> {
    /// The closure's `let`.
    stmt: &'a syn::Stmt,
    body: &'a syn::Expr,
    /// The calls still to rewrite, this one included.
    calls_left: usize,
}

fn factory_called<'a>(rust: ParsedRust<'a>, arg: &syn::Expr) -> Option<Factory<'a>> {
    let name = called_local(arg)?;
    let (stmts, j, _) = binding_of(rust, &name, range_of(rust.file, arg).start)?;
    let syn::Stmt::Local(local) = &stmts[j] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let syn::Expr::Closure(closure) = &*init.expr else {
        return None;
    };
    if !closure.inputs.is_empty() || closure.capture.is_some() || closure.asyncness.is_some() {
        return None;
    }
    let later = &stmts[j + 1..];
    let uses: usize = later.iter().map(|s| count_ident(s, &name)).sum();
    let mut calls = ExporterCalls {
        name: &name,
        count: 0,
    };
    for s in later {
        calls.visit_stmt(s);
    }
    (uses > 0 && calls.count == uses).then(|| Factory {
        stmt: &stmts[j],
        body: tail_of(&closure.body),
        calls_left: uses,
    })
}

/// `name()`: the local's name.
fn called_local(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    (call.args.is_empty() && p.qself.is_none())
        .then(|| p.path.get_ident().map(ident_str))
        .flatten()
}

/// The value of a closure body: the tail of a block holding only it, or the expression.
fn tail_of(body: &syn::Expr) -> &syn::Expr {
    match body {
        syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(e, None) => e,
            _ => body,
        },
        _ => body,
    }
}

/// Counts the `with_exporter(name())` calls.
struct ExporterCalls<'n> {
    name: &'n str,
    count: usize,
}

impl<'ast> Visit<'ast> for ExporterCalls<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "with_exporter"
            && call.args.len() == 1
            && called_local(&call.args[0]).as_deref() == Some(self.name)
        {
            self.count += 1;
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
