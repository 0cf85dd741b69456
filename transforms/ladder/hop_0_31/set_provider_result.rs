//! # hop-0-31-set-provider-result
//!
//! ## What it does
//! With `--to 0.31` or newer: `global::set_tracer_provider(p)` returns `()` (it returned the
//! previous provider as a `GlobalTracerProvider`; otel-ladder.md §3.4 item 1). A `let` that
//! keeps the result under a type (`let prev: GlobalTracerProvider = …;`) no longer compiles;
//! when the binding is not used afterwards, the statement becomes the call alone, and the
//! `GlobalTracerProvider` import goes when nothing else names it.
//!
//! ## Before
//! ```rust,ignore
//! let _previous: GlobalTracerProvider = global::set_tracer_provider(provider.clone());
//! ```
//!
//! ## After
//! ```rust,ignore
//! global::set_tracer_provider(provider.clone());
//! ```
//!
//! ## Not rewritten (findings)
//! - A binding used after the call (the previous provider is no longer handed back): `error`,
//!   keep your own handle of the provider being replaced.
//! - Untyped `let _x = …;` / `let _ = …;` compile on 0.31 (they bind `()`) and are left alone.
//! - Packages already on 0.31, and runs without `--to 0.31+`.
//!
//! ## Safety
//! The value dropped was the previous global provider, which 0.31 no longer returns; the call
//! itself is kept byte for byte.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::count_ident;
use crate::otel::imports::ImportPlan;

pub struct SetProviderResult;

const SET: &[&str] = &["opentelemetry", "global", "set_tracer_provider"];
const GLOBAL_PROVIDER: &str = "opentelemetry::global::GlobalTracerProvider";

impl Transform for SetProviderResult {
    fn id(&self) -> &'static str {
        "hop-0-31-set-provider-result"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: `let prev: GlobalTracerProvider = global::set_tracer_provider(p);` → the call alone (it returns ())"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["set_tracer_provider"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Blocks {
            rust: &rust,
            out: &mut out,
            rewritten: false,
        };
        v.visit_file(rust.syntax);
        if v.rewritten {
            let mut plan = ImportPlan::at(rust.file, rust.syntax, 0);
            plan.remove_if_unused(GLOBAL_PROVIDER);
            plan.finish(&mut out.changes);
        }
        out
    }
}

struct Blocks<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    rewritten: bool,
}

impl Blocks<'_, '_> {
    /// `let name[: T] = global::set_tracer_provider(..);`: the binding, whether it is typed,
    /// and the call.
    fn kept_result<'s>(&self, stmt: &'s syn::Stmt) -> Option<(String, bool, &'s syn::Expr)> {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
        let syn::Expr::Call(call) = &*init.expr else {
            return None;
        };
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        if !self.rust.imports.is(&p.path, SET) {
            return None;
        }
        let (pat, typed) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, true),
            other => (other, false),
        };
        match pat {
            syn::Pat::Ident(i) => Some((ident_str(&i.ident), typed, &init.expr)),
            syn::Pat::Wild(_) => Some(("_".to_string(), typed, &init.expr)),
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for Blocks<'_, '_> {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Some((name, typed, call)) = self.kept_result(stmt) else {
                continue;
            };
            let used_later = name != "_"
                && block.stmts[i + 1..]
                    .iter()
                    .any(|s| count_ident(s, &name) > 0);
            let file = self.rust.file;
            if used_later {
                self.out.finding(
                    range_of(file, stmt),
                    Severity::Error,
                    "0.31's `global::set_tracer_provider` returns `()`: it no longer hands back the previous provider",
                    format!("keep your own handle of the provider being replaced instead of `{name}`, and write the call as a statement"),
                );
            } else if typed {
                let text = file.slice(range_of(file, call)).to_string();
                self.out.replace(range_of(file, stmt), format!("{text};"));
                self.rewritten = true;
            }
        }
        syn::visit::visit_block(self, block);
    }
}
