//! `opentelemetry::metrics::Unit` (a newtype over `Cow<'static, str>`, removed in 0.24): the
//! instrument builders' `with_unit` and the SDK views' `Instrument::unit` / `Stream::unit` take
//! `impl Into<Cow<'static, str>>` since then, the very bound `Unit::new` had.
//!
//! - `.with_unit(Unit::new(x))` / `.unit(Unit::new(x))` → `.with_unit(x)` / `.unit(x)`;
//! - `Unit::new(x)` elsewhere → `Cow::<'static, str>::from(x)`;
//! - `Unit` as a type → `Cow<'static, str>`;
//! - `.as_str()` on a local or parameter declared `Unit` → `.as_ref()` (`Cow<str>` has no
//!   `as_str`);
//! - any other use of `Unit` (`Unit::default()`, a `.as_str()` on a value whose type is not
//!   written in the function): reported.
//!
//! Only paths that resolve to `opentelemetry::metrics::Unit` are touched: the `metrics` facade
//! crate's own `Unit` enum is another item.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{ident_str, range_of, range_of_span, text_of, ParsedRust};
use crate::otel::imports::ImportPlan;

const UNIT: &[&str] = &["opentelemetry", "metrics", "Unit"];
const UNIT_PATH: &str = "opentelemetry::metrics::Unit";
const COW: &str = "std::borrow::Cow";
/// The builder methods that took a `Unit` and now take `impl Into<Cow<'static, str>>`.
const UNIT_SETTERS: &[&str] = &["with_unit", "unit"];

/// Rewrites the file's `Unit` sites into `out`, naming `Cow` through `plan`.
pub fn rewrite_units<'a>(parsed: &ParsedRust<'a>, plan: &mut ImportPlan<'a>, out: &mut Changes) {
    let mut sites = Sites {
        parsed,
        plan,
        out,
        unit_locals: Vec::new(),
        handled: Vec::new(),
    };
    sites.visit_file(parsed.syntax);
    // 0.27 has no such item: its import cannot stay, whatever is left is reported.
    sites.plan.remove(UNIT_PATH);
}

struct Sites<'a, 'p> {
    parsed: &'p ParsedRust<'a>,
    plan: &'p mut ImportPlan<'a>,
    out: &'p mut Changes,
    /// Locals and parameters of the current function declared with the type `Unit`.
    unit_locals: Vec<String>,
    /// Paths already rewritten as part of a larger site.
    handled: Vec<TextRange>,
}

impl Sites<'_, '_> {
    fn is_unit(&self, path: &syn::Path) -> bool {
        self.parsed.imports.is(path, UNIT)
    }

    /// `Unit::new(x)`: the call and its argument.
    fn unit_new<'e>(&self, expr: &'e syn::Expr) -> Option<(&'e syn::ExprCall, &'e syn::Expr)> {
        let syn::Expr::Call(call) = expr else {
            return None;
        };
        let syn::Expr::Path(func) = &*call.func else {
            return None;
        };
        let n = func.path.segments.len();
        let is_new = n >= 2
            && func.path.segments[n - 1].ident == "new"
            && self.parsed.imports.is(&parent_path(&func.path), UNIT);
        (is_new && call.args.len() == 1).then(|| (call, &call.args[0]))
    }

    fn cow(&mut self) -> String {
        format!("{}<'static, str>", self.plan.name(COW))
    }

    fn report(&mut self, range: TextRange, message: String, suggestion: &str) {
        self.out
            .item_finding(UNIT_PATH, range, Severity::Error, message, suggestion);
    }

    /// Declared `Unit` (`x: Unit`, `x: &Unit`): the binding's name.
    fn typed_unit(&self, pat: &syn::Pat, ty: &syn::Type) -> Option<String> {
        let ty = match ty {
            syn::Type::Reference(r) => &*r.elem,
            t => t,
        };
        let syn::Type::Path(tp) = ty else { return None };
        let syn::Pat::Ident(i) = pat else { return None };
        (tp.qself.is_none() && self.is_unit(&tp.path)).then(|| ident_str(&i.ident))
    }

    fn in_function(&mut self, sig: &syn::Signature, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::take(&mut self.unit_locals);
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                if let Some(name) = self.typed_unit(&t.pat, &t.ty) {
                    self.unit_locals.push(name);
                }
            }
        }
        visit(self);
        self.unit_locals = outer;
    }
}

/// `a::b::C` → `a::b`.
fn parent_path(path: &syn::Path) -> syn::Path {
    let mut parent = path.clone();
    parent.segments.pop();
    parent.segments.pop_punct();
    parent
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.in_function(&f.sig, |s| syn::visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.in_function(&f.sig, |s| syn::visit::visit_impl_item_fn(s, f));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let syn::Pat::Type(t) = &local.pat {
            if let Some(name) = self.typed_unit(&t.pat, &t.ty) {
                self.unit_locals.push(name);
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let file = self.parsed.file;
        let setter = UNIT_SETTERS.iter().any(|s| m.method == s) && m.args.len() == 1;
        if let Some((call, arg)) = setter.then(|| self.unit_new(&m.args[0])).flatten() {
            // `.with_unit(Unit::new(x))` → `.with_unit(x)`: the same bound, no conversion.
            self.out.replace(range_of(file, call), text_of(file, arg));
            self.handled.push(range_of(file, &*call.func));
            self.visit_expr(&m.receiver);
            self.visit_expr(arg);
            return;
        }
        if m.method == "as_str" && m.args.is_empty() {
            if let syn::Expr::Path(p) = &*m.receiver {
                let local = p.path.get_ident().map(ident_str);
                if local.is_some_and(|l| self.unit_locals.contains(&l)) {
                    self.out
                        .replace(range_of_span(file, m.method.span()), "as_ref");
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let expr = syn::Expr::Call(c.clone());
        if self.unit_new(&expr).is_some() {
            // `Unit::new(x)` elsewhere: the `Cow` it wrapped.
            let func = range_of(self.parsed.file, &*c.func);
            if !self.handled.contains(&func) {
                let cow = self.cow();
                let with_turbofish = cow.replacen('<', "::<", 1);
                self.out.replace(func, format!("{with_turbofish}::from"));
                self.handled.push(func);
            }
            for arg in &c.args {
                self.visit_expr(arg);
            }
            return;
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        if t.qself.is_none() && self.is_unit(&t.path) {
            let cow = self.cow();
            self.out.replace(range_of(self.parsed.file, t), cow);
            return;
        }
        syn::visit::visit_type_path(self, t);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        let range = range_of(self.parsed.file, p);
        if self.handled.contains(&range) {
            return;
        }
        let names_unit = self.is_unit(&p.path)
            || (p.path.segments.len() >= 2 && self.is_unit(&parent_path(&p.path)));
        if names_unit {
            self.report(
                range,
                "`opentelemetry::metrics::Unit` was removed in opentelemetry 0.24".to_string(),
                "units are `Cow<'static, str>` now: pass the string itself (`.with_unit(\"ms\")`)",
            );
        }
        syn::visit::visit_expr_path(self, p);
    }
}
