//! # hop-0-30-view-closure
//!
//! ## What it does
//! With `--to 0.30` or newer: 0.30 removed `new_view`; a view is a closure
//! `Fn(&Instrument) -> Option<Stream>` (otel-ladder.md §3.3 item 3). A view that selects one
//! instrument by its exact name, `new_view(Instrument::new().name("…"), Stream::new()….)?`,
//! passed to `.with_view(..)` directly or through a local used once, becomes the closure, its
//! stream settings the `Stream::builder().with_…(..)` of the same values.
//!
//! ## Before
//! ```rust,ignore
//! let view = new_view(
//!     Instrument::new().name("http.server.duration"),
//!     Stream::new().aggregation(Aggregation::Drop),
//! )?;
//! let provider = SdkMeterProvider::builder().with_view(view).build();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let provider = SdkMeterProvider::builder().with_view(|i: &Instrument| if i.name() == "http.server.duration" { Stream::builder().with_aggregation(Aggregation::Drop).build().ok() } else { None }).build();
//! ```
//!
//! ## Not rewritten
//! - A wildcard name (`*`, `?`), a name that is not a string literal, other criteria (`kind`,
//!   `unit`, `scope`), a local used more than once, or settings that use a local (the closure
//!   runs once per instrument): `hop-0-30-removed-items` reports the `new_view` with the closure
//!   to write.
//!
//! ## Safety
//! The closure matches the same instrument and gives it the same stream; `Stream::builder()`'s
//! `build()` fails only on an invalid setting, which `new_view` also rejected (its `?` is gone:
//! an invalid view is now skipped rather than an error at start-up).

use syn::visit::Visit;

use crate::engine::edit::Edit;
use crate::engine::item_edit::line_extent;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;

pub struct ViewClosure;

const NEW_VIEW: &str = "opentelemetry_sdk::metrics::new_view";
const INSTRUMENT: &str = "opentelemetry_sdk::metrics::Instrument";
const STREAM: &str = "opentelemetry_sdk::metrics::Stream";
/// The 0.29 `Stream` setters the 0.30 builder has as `with_…`.
const STREAM_SETTERS: &[&str] = &[
    "name",
    "description",
    "unit",
    "aggregation",
    "allowed_attribute_keys",
];

impl Transform for ViewClosure {
    fn id(&self) -> &'static str {
        "hop-0-30-view-closure"
    }

    fn description(&self) -> &'static str {
        "hop 0.29 → 0.30: new_view(Instrument::new().name(\"exact\"), Stream::new()…) → a view closure"
    }

    super::super::hop_gate!(30);

    fn needles(&self) -> &'static [&'static str] {
        &["new_view"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut views = Views {
            rust: &rust,
            plan: &mut plan,
            out: &mut out,
        };
        views.visit_file(rust.syntax);
        plan.remove_if_unused(NEW_VIEW);
        plan.finish(&mut out);
        out
    }
}

struct Views<'a, 'p, 'f> {
    rust: &'a ParsedRust<'f>,
    plan: &'a mut ImportPlan<'p>,
    out: &'a mut Outcome,
}

impl Views<'_, '_, '_> {
    /// `new_view(..)` under `?`, `.unwrap()` or `.expect(..)`.
    fn new_view_call<'e>(&self, expr: &'e syn::Expr) -> Option<&'e syn::ExprCall> {
        let inner = match expr {
            syn::Expr::Try(t) => &*t.expr,
            syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
                &*m.receiver
            }
            _ => return None,
        };
        let syn::Expr::Call(call) = inner else {
            return None;
        };
        let syn::Expr::Path(f) = &*call.func else {
            return None;
        };
        let segs: Vec<&str> = NEW_VIEW.split("::").collect();
        self.rust.imports.is(&f.path, &segs).then_some(call)
    }

    /// The closure for an exact-name view, or `None` when it is not one.
    fn closure(&mut self, call: &syn::ExprCall) -> Option<String> {
        let [instrument, stream] = [call.args.first()?, call.args.get(1)?];
        if call.args.len() != 2 {
            return None;
        }
        let name = self.exact_name(instrument)?;
        let stream = Chain::read(stream);
        if !self.is_new(&stream, STREAM) {
            return None;
        }
        let mut setters = String::new();
        for link in &stream.links {
            if !STREAM_SETTERS.contains(&link.name.as_str())
                || !link.args().iter().all(|a| self_contained(a))
            {
                return None;
            }
            let args = link.args_text(self.rust.file);
            setters.push_str(&format!(".with_{}({args})", link.name));
        }
        let instrument = self.plan.name(INSTRUMENT);
        let stream = self.plan.name(STREAM);
        Some(format!(
            "|i: &{instrument}| if i.name() == {name} {{ {stream}::builder(){setters}.build().ok() }} else {{ None }}"
        ))
    }

    /// `Instrument::new().name("exact")`: the literal's text.
    fn exact_name(&self, expr: &syn::Expr) -> Option<String> {
        let chain = Chain::read(expr);
        if !self.is_new(&chain, INSTRUMENT) {
            return None;
        }
        let [link] = chain.links.as_slice() else {
            return None;
        };
        let [syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        })] = link.args().as_slice()
        else {
            return None;
        };
        let wildcard = name.value().contains(['*', '?']);
        (link.name == "name" && !wildcard).then(|| name.token().to_string())
    }

    /// The chain starts at `<ty>::new()`.
    fn is_new(&self, chain: &Chain<'_>, ty: &str) -> bool {
        let segs: Vec<&str> = ty.split("::").chain(["new"]).collect();
        matches!(chain.root, syn::Expr::Call(c) if c.args.is_empty())
            && chain
                .root_path()
                .is_some_and(|p| self.rust.imports.is(p, &segs))
    }

    /// `let view = new_view(..)?;` used once, as `.with_view(view)`, later in the block.
    fn block(&mut self, block: &syn::Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let (syn::Pat::Ident(pat), Some(init)) = (&local.pat, &local.init) else {
                continue;
            };
            let Some(call) = self.new_view_call(&init.expr) else {
                continue;
            };
            let name = ident_str(&pat.ident);
            let mut uses = Uses {
                name: &name,
                all: 0,
                with_view: Vec::new(),
            };
            for later in &block.stmts[i + 1..] {
                uses.visit_stmt(later);
            }
            let ([arg], 1) = (uses.with_view.as_slice(), uses.all) else {
                continue;
            };
            let at = range_of(self.rust.file, *arg);
            let Some(closure) = self.closure(call) else {
                continue;
            };
            self.out.edit(Edit::delete(line_extent(
                self.rust.file,
                range_of(self.rust.file, stmt),
            )));
            self.out.replace(at, closure);
        }
    }
}

impl<'ast> Visit<'ast> for Views<'_, '_, '_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.block(b);
        syn::visit::visit_block(self, b);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // `.with_view(new_view(..)?)`
        if m.method == "with_view" && m.args.len() == 1 {
            if let Some(call) = self.new_view_call(&m.args[0]) {
                if let Some(closure) = self.closure(call) {
                    self.out
                        .replace(range_of(self.rust.file, &m.args[0]), closure);
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// The uses of a local: all of them, and those that are the one argument of `.with_view(..)`.
struct Uses<'a, 'ast> {
    name: &'a str,
    all: usize,
    with_view: Vec<&'ast syn::Expr>,
}

impl<'ast> Visit<'ast> for Uses<'_, 'ast> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "with_view" && m.args.len() == 1 && is_local(&m.args[0], self.name) {
            self.with_view.push(&m.args[0]);
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.is_ident(self.name) {
            self.all += 1;
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // A use inside a macro is a use we cannot see as an expression.
        if tokens_name_any(m.tokens.clone(), |i| i == self.name) {
            self.all += 2;
        }
    }
}

fn is_local(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// No local in `expr` (an `UPPER_CASE` constant is fine): the closure can own it and run again.
fn self_contained(expr: &syn::Expr) -> bool {
    struct Locals(bool);
    impl<'ast> Visit<'ast> for Locals {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(ident) = p.path.get_ident() {
                let name = ident_str(ident);
                self.0 |= name.chars().any(|c| c.is_ascii_lowercase());
            }
            syn::visit::visit_expr_path(self, p);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.0 |= tokens_name_any(m.tokens.clone(), |_| true);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.0 = true;
        }
    }
    let mut locals = Locals(false);
    locals.visit_expr(expr);
    !locals.0
}

/// Whether an identifier in `tokens` passes `test`.
fn tokens_name_any(tokens: proc_macro2::TokenStream, test: impl Fn(&str) -> bool + Copy) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => test(&i.to_string()),
        proc_macro2::TokenTree::Group(g) => tokens_name_any(g.stream(), test),
        _ => false,
    })
}
