//! `.observe(value, attributes)` on an observable instrument kept in a field or a binding:
//! `ObservableGauge::observe` (and the counters') is gone in 0.27, where an observable
//! instrument reports only from its callback. The table has the items, but a method call
//! names no type: this finds the receivers the file types itself — a struct field, a
//! parameter or a typed `let` — the `let`s a meter's `*_observable_*` builder chain
//! initializes, and the bindings taken from such a field
//! (`if let Some(ref g) = self.gauge`, `let g = &self.gauge`, `match &self.gauge { Some(g) => … }`).
//! A closure's own parameter (`with_callback(|observer| observer.observe(..))`) never counts.

use std::collections::HashMap;

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, range_of_span, ParsedRust};

const OBSERVABLES: &[&str] = &[
    "ObservableGauge",
    "ObservableCounter",
    "ObservableUpDownCounter",
];

/// The meter's observable-instrument methods by name suffix (`u64_`, `i64_`, `f64_` before it),
/// and the type each makes.
const MAKERS: &[(&str, &str)] = &[
    ("_observable_gauge", "ObservableGauge"),
    ("_observable_counter", "ObservableCounter"),
    ("_observable_up_down_counter", "ObservableUpDownCounter"),
];

/// Each `.observe(..)` call on a receiver typed as an observable instrument of a crate
/// `is_scanned` accepts: the resolved `…::ObservableGauge::observe` path and the range from
/// the method's name to the end of the call.
pub fn observe_calls(
    rust: ParsedRust<'_>,
    is_scanned: &dyn Fn(&str) -> bool,
) -> Vec<(Vec<String>, TextRange)> {
    let mut finder = Finder {
        rust,
        is_scanned,
        fields: HashMap::new(),
        bindings: HashMap::new(),
        closure_params: Vec::new(),
        calls: Vec::new(),
    };
    finder.fields = typed_fields(&finder);
    if finder.fields.is_empty() && !mentions_observable(rust) {
        return Vec::new();
    }
    finder.visit_file(rust.syntax);
    finder.calls
}

fn mentions_observable(rust: ParsedRust<'_>) -> bool {
    OBSERVABLES.iter().any(|o| rust.file.text.contains(o))
}

struct Finder<'a, 'f> {
    rust: ParsedRust<'a>,
    is_scanned: &'f dyn Fn(&str) -> bool,
    /// Struct fields of an observable type, by name (file-wide: `self.x` and `other.x`).
    fields: HashMap<String, Vec<String>>,
    /// The current function's bindings of an observable type.
    bindings: HashMap<String, Vec<String>>,
    /// The parameters of the closures around the current expression.
    closure_params: Vec<String>,
    calls: Vec<(Vec<String>, TextRange)>,
}

fn typed_fields(f: &Finder<'_, '_>) -> HashMap<String, Vec<String>> {
    struct Fields<'x, 'a, 'f>(&'x Finder<'a, 'f>, HashMap<String, Vec<String>>);
    impl<'ast> Visit<'ast> for Fields<'_, '_, '_> {
        fn visit_field(&mut self, field: &'ast syn::Field) {
            if let (Some(name), Some(ty)) = (&field.ident, self.0.observable_in(&field.ty)) {
                self.1.insert(ident_str(name), ty);
            }
        }
    }
    let mut fields = Fields(f, HashMap::new());
    fields.visit_file(f.rust.syntax);
    fields.1
}

impl Finder<'_, '_> {
    /// The resolved observable instrument type named anywhere in `ty` (`Option<Arc<…>>`).
    fn observable_in(&self, ty: &syn::Type) -> Option<Vec<String>> {
        struct Paths<'x, 'a, 'f>(&'x Finder<'a, 'f>, Option<Vec<String>>);
        impl<'ast> Visit<'ast> for Paths<'_, '_, '_> {
            fn visit_path(&mut self, p: &'ast syn::Path) {
                let resolved = self.0.rust.imports.resolve(p);
                let observable = resolved
                    .last()
                    .is_some_and(|l| OBSERVABLES.contains(&l.as_str()));
                if observable && resolved.first().is_some_and(|c| (self.0.is_scanned)(c)) {
                    self.1.get_or_insert(resolved);
                }
                syn::visit::visit_path(self, p);
            }
        }
        let mut paths = Paths(self, None);
        paths.visit_type(ty);
        paths.1
    }

    /// The observable type of the field `expr` reads, looking through `&`, parentheses and
    /// `.as_ref()` / `.clone()` / `.unwrap()` (`&self.gauge`, `self.gauge.as_ref()`).
    fn field_read(&self, mut expr: &syn::Expr) -> Option<Vec<String>> {
        loop {
            match expr {
                syn::Expr::Reference(r) => expr = &r.expr,
                syn::Expr::Paren(p) => expr = &p.expr,
                syn::Expr::MethodCall(m)
                    if m.args.is_empty()
                        && ["as_ref", "clone", "unwrap", "as_deref"]
                            .contains(&&*ident_str(&m.method)) =>
                {
                    expr = &m.receiver
                }
                syn::Expr::Field(f) => {
                    let syn::Member::Named(name) = &f.member else {
                        return None;
                    };
                    return self.fields.get(&ident_str(name)).cloned();
                }
                syn::Expr::Path(p) => {
                    let name = ident_str(p.path.get_ident()?);
                    if self.closure_params.contains(&name) {
                        return None;
                    }
                    return self.bindings.get(&name).cloned();
                }
                _ => return None,
            }
        }
    }

    /// The observable type a meter's builder chain makes (`meter.u64_observable_gauge("x")
    /// .init()`, through `?` and `.unwrap()`): a method name says it, whatever the meter is.
    fn made_here(&self, mut expr: &syn::Expr) -> Option<Vec<String>> {
        if !(self.is_scanned)("opentelemetry") {
            return None;
        }
        loop {
            match expr {
                syn::Expr::Try(t) => expr = &t.expr,
                syn::Expr::MethodCall(m) => {
                    let method = ident_str(&m.method);
                    let made = MAKERS
                        .iter()
                        .find(|(suffix, _)| {
                            method
                                .strip_suffix(suffix)
                                .is_some_and(|number| ["u64", "i64", "f64"].contains(&number))
                        })
                        .map(|(_, ty)| *ty);
                    if let Some(ty) = made {
                        return Some(["opentelemetry", "metrics", ty].map(String::from).to_vec());
                    }
                    expr = &m.receiver;
                }
                _ => return None,
            }
        }
    }

    fn bind_pattern(&mut self, pat: &syn::Pat, ty: &[String]) {
        struct Idents(Vec<String>);
        impl<'ast> Visit<'ast> for Idents {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(ident_str(&p.ident));
                syn::visit::visit_pat_ident(self, p);
            }
        }
        let mut idents = Idents(Vec::new());
        idents.visit_pat(pat);
        for name in idents.0 {
            self.bindings.insert(name, ty.to_vec());
        }
    }

    fn in_function(&mut self, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::take(&mut self.bindings);
        visit(self);
        self.bindings = outer;
    }
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.in_function(|s| syn::visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.in_function(|s| syn::visit::visit_impl_item_fn(s, f));
    }

    fn visit_pat_type(&mut self, p: &'ast syn::PatType) {
        // Parameters and typed `let`s.
        if let Some(ty) = self.observable_in(&p.ty) {
            self.bind_pattern(&p.pat, &ty);
        }
        syn::visit::visit_pat_type(self, p);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        syn::visit::visit_local(self, local);
        if let Some(init) = &local.init {
            if let Some(ty) = self
                .field_read(&init.expr)
                .or_else(|| self.made_here(&init.expr))
            {
                self.bind_pattern(&local.pat, &ty);
            }
        }
    }

    fn visit_expr_let(&mut self, e: &'ast syn::ExprLet) {
        if let Some(ty) = self.field_read(&e.expr) {
            self.bind_pattern(&e.pat, &ty);
        }
        syn::visit::visit_expr_let(self, e);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if let Some(ty) = self.field_read(&m.expr) {
            for arm in &m.arms {
                self.bind_pattern(&arm.pat, &ty);
            }
        }
        syn::visit::visit_expr_match(self, m);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let depth = self.closure_params.len();
        for input in &c.inputs {
            let mut names = Vec::new();
            if let syn::Pat::Ident(p) = input {
                names.push(ident_str(&p.ident));
            } else if let syn::Pat::Type(t) = input {
                if let syn::Pat::Ident(p) = &*t.pat {
                    names.push(ident_str(&p.ident));
                }
            }
            self.closure_params.extend(names);
        }
        syn::visit::visit_expr_closure(self, c);
        self.closure_params.truncate(depth);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "observe" && call.args.len() == 2 {
            if let Some(mut ty) = self.field_read(&call.receiver) {
                ty.push("observe".to_string());
                let file = self.rust.file;
                let range = TextRange::new(
                    range_of_span(file, call.method.span()).start,
                    range_of(file, call).end,
                );
                self.calls.push((ty, range));
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
