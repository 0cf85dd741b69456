//! # hop-0-28-flush-results
//!
//! ## What it does
//! With `--to 0.28` or newer: a provider's `force_flush()` returns one
//! `opentelemetry_sdk::error::OTelSdkResult` instead of a `Vec` of results (otel-ladder.md §3.1
//! item 8). The loop that checked each one, `for r in provider.force_flush() { r?; }`, becomes
//! `provider.force_flush()?;` (also with `.unwrap()` / `.expect(..)` in the body, kept as
//! written).
//!
//! ## Before
//! ```rust,ignore
//! for r in tp.force_flush() { r?; }
//! ```
//!
//! ## After
//! ```rust,ignore
//! tp.force_flush()?;
//! ```
//!
//! ## Not rewritten
//! - Any other use of the old `Vec` (`let results = tp.force_flush();` then a loop, `.iter()`):
//!   the compiler names it; the loop body doing more than checking the result.
//! - Packages already on 0.28 or newer, and runs without `--to 0.28+`.
//!
//! ## Safety
//! The loop propagated (or unwrapped) the first error; the single result does the same, and the
//! error type the function returns must accept `OTelSdkError` as it accepted the old ones (the
//! compiler checks).

use syn::visit::Visit;

use crate::engine::syntax::{comments_in, ident_str, range_of, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct FlushResults;

impl Transform for FlushResults {
    fn id(&self) -> &'static str {
        "hop-0-28-flush-results"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: for r in provider.force_flush() { r?; } → provider.force_flush()?;"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &["force_flush"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Loops {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Loops<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

/// `r?`, `r.unwrap()`, `r.expect(..)` on the loop's binding `name`: the text after `r`.
fn check_of(rust: &ParsedRust<'_>, body: &syn::Block, name: &str) -> Option<String> {
    let [syn::Stmt::Expr(expr, Some(_))] = body.stmts.as_slice() else {
        return None;
    };
    let (receiver, tail) = match expr {
        syn::Expr::Try(t) => (&*t.expr, "?".to_string()),
        syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
            let whole = range_of(rust.file, m);
            let recv = range_of(rust.file, &*m.receiver);
            (
                &*m.receiver,
                rust.file.text[recv.end..whole.end].to_string(),
            )
        }
        _ => return None,
    };
    let syn::Expr::Path(p) = receiver else {
        return None;
    };
    (p.path.is_ident(name)).then_some(tail)
}

impl<'ast> Visit<'ast> for Loops<'_, '_> {
    fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
        let syn::Pat::Ident(binding) = &*l.pat else {
            return syn::visit::visit_expr_for_loop(self, l);
        };
        let syn::Expr::MethodCall(call) = &*l.expr else {
            return syn::visit::visit_expr_for_loop(self, l);
        };
        let name = ident_str(&binding.ident);
        let range = range_of(self.rust.file, l);
        if call.method == "force_flush"
            && call.args.is_empty()
            && comments_in(self.rust.file, range).is_empty()
        {
            if let Some(tail) = check_of(self.rust, &l.body, &name) {
                let flush = text_of(self.rust.file, call);
                self.out.replace(range, format!("{flush}{tail};"));
                return;
            }
        }
        syn::visit::visit_expr_for_loop(self, l);
    }
}
