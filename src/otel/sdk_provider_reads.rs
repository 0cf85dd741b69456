//! `.provider()` asked of an SDK `Tracer` or `Logger` the pipeline rewrite did not bind: a
//! parameter `tracer: opentelemetry_sdk::trace::Tracer`, a `let` typed so, or `self.tracer` of a
//! struct field of that type. In the 0.21 SDK `Tracer::provider()` was public (`Option<
//! TracerProvider>`); in 0.27 it is crate-private, and `Logger::provider()` returns
//! `&LoggerProvider`, deprecated. The install the rewrite replaces returns the provider itself
//! (`otel::local_binding::method_calls_after` rewrites the reads of the tracer it binds); these
//! others are reported, never guessed at.
//!
//! Only receivers whose declared type resolves to the SDK's `Tracer` / `Logger` (through the
//! file's imports, references peeled) are sites: a user type with a `provider()` method is not,
//! and a name also bound another way in the same function is left alone.

use std::collections::HashMap;

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, ImportMap, ParsedRust};

/// The SDK types whose `provider()` changed, by the item a site names.
const TYPES: &[(&[&str], &str)] = &[
    (
        &["opentelemetry_sdk", "trace", "Tracer"],
        "opentelemetry_sdk::trace::Tracer::provider",
    ),
    (
        &["opentelemetry", "sdk", "trace", "Tracer"],
        "opentelemetry_sdk::trace::Tracer::provider",
    ),
    (
        &["opentelemetry_sdk", "logs", "Logger"],
        "opentelemetry_sdk::logs::Logger::provider",
    ),
    (
        &["opentelemetry", "sdk", "logs", "Logger"],
        "opentelemetry_sdk::logs::Logger::provider",
    ),
];

/// The `.provider()` calls of `rust` on a known SDK tracer or logger: each call's range and the
/// item it reads.
pub fn provider_reads(rust: ParsedRust<'_>) -> Vec<(TextRange, &'static str)> {
    let fields = sdk_fields(rust);
    let mut v = Reads {
        rust,
        fields: &fields,
        typed: HashMap::new(),
        found: Vec::new(),
    };
    v.visit_file(rust.syntax);
    v.found
}

/// The item of `ty` (references peeled) when it is one of [`TYPES`].
fn sdk_item(imports: &ImportMap, ty: &syn::Type) -> Option<&'static str> {
    match ty {
        syn::Type::Reference(r) => sdk_item(imports, &r.elem),
        syn::Type::Path(p) if p.qself.is_none() => TYPES
            .iter()
            .find(|(path, _)| imports.is(&p.path, path))
            .map(|(_, item)| *item),
        _ => None,
    }
}

/// Named struct fields of the file typed as an SDK tracer or logger, by name; a name some other
/// field of the file has with another type is left out.
fn sdk_fields(rust: ParsedRust<'_>) -> HashMap<String, &'static str> {
    let mut by_name: HashMap<String, Option<&'static str>> = HashMap::new();
    struct Fields<'m> {
        imports: &'m ImportMap,
        by_name: &'m mut HashMap<String, Option<&'static str>>,
    }
    impl<'a> Visit<'a> for Fields<'_> {
        fn visit_field(&mut self, f: &'a syn::Field) {
            if let Some(name) = &f.ident {
                let item = sdk_item(self.imports, &f.ty);
                let entry = self.by_name.entry(ident_str(name)).or_insert(item);
                if *entry != item {
                    *entry = None;
                }
            }
        }
    }
    Fields {
        imports: rust.imports,
        by_name: &mut by_name,
    }
    .visit_file(rust.syntax);
    by_name
        .into_iter()
        .filter_map(|(name, item)| Some((name, item?)))
        .collect()
}

struct Reads<'a, 'f> {
    rust: ParsedRust<'a>,
    fields: &'f HashMap<String, &'static str>,
    /// The names the current function binds only with an SDK tracer or logger type.
    typed: HashMap<String, &'static str>,
    found: Vec<(TextRange, &'static str)>,
}

impl Reads<'_, '_> {
    /// Reads `body` (and the parameters `inputs`) as one function.
    fn function<'s>(
        &mut self,
        inputs: impl Iterator<Item = &'s syn::FnArg>,
        visit: impl FnOnce(&mut Self),
        body: &syn::Block,
    ) {
        let mut typed: HashMap<String, Option<&'static str>> = HashMap::new();
        let mut note = |name: String, item: Option<&'static str>| {
            let entry = typed.entry(name).or_insert(item);
            if *entry != item {
                *entry = None;
            }
        };
        for input in inputs {
            if let syn::FnArg::Typed(t) = input {
                match &*t.pat {
                    syn::Pat::Ident(i) => {
                        note(ident_str(&i.ident), sdk_item(self.rust.imports, &t.ty))
                    }
                    other => bindings(other, &mut |n| note(n, None)),
                }
            }
        }
        let mut lets = Bindings::default();
        lets.visit_block(body);
        for (name, ty) in lets.0 {
            note(name, ty.and_then(|t| sdk_item(self.rust.imports, t)));
        }
        let outer = std::mem::replace(
            &mut self.typed,
            typed
                .into_iter()
                .filter_map(|(n, i)| Some((n, i?)))
                .collect(),
        );
        visit(self);
        self.typed = outer;
    }
}

impl<'a> Visit<'a> for Reads<'a, '_> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.function(
            f.sig.inputs.iter(),
            |s| syn::visit::visit_item_fn(s, f),
            &f.block,
        );
    }

    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.function(
            f.sig.inputs.iter(),
            |s| syn::visit::visit_impl_item_fn(s, f),
            &f.block,
        );
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if m.method == "provider" && m.args.is_empty() {
            let item = match &*m.receiver {
                syn::Expr::Path(p) if p.qself.is_none() => p
                    .path
                    .get_ident()
                    .and_then(|i| self.typed.get(&ident_str(i)).copied()),
                syn::Expr::Field(f) => match (&*f.base, &f.member) {
                    (syn::Expr::Path(b), syn::Member::Named(name)) if b.path.is_ident("self") => {
                        self.fields.get(&ident_str(name)).copied()
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(item) = item {
                self.found.push((range_of(self.rust.file, m), item));
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// Every name a pattern binds.
fn bindings(pat: &syn::Pat, out: &mut dyn FnMut(String)) {
    struct Names<'o>(&'o mut dyn FnMut(String));
    impl<'a> Visit<'a> for Names<'_> {
        fn visit_pat_ident(&mut self, i: &'a syn::PatIdent) {
            (self.0)(ident_str(&i.ident));
            syn::visit::visit_pat_ident(self, i);
        }
    }
    Names(out).visit_pat(pat);
}

/// The names a function body binds (`let`s, closure parameters, `match` and `if let` patterns),
/// each with its type when a `let name: T` gives one.
#[derive(Default)]
struct Bindings<'a>(Vec<(String, Option<&'a syn::Type>)>);

impl<'a> Visit<'a> for Bindings<'a> {
    fn visit_local(&mut self, l: &'a syn::Local) {
        match &l.pat {
            syn::Pat::Type(t) if matches!(&*t.pat, syn::Pat::Ident(_)) => {
                if let syn::Pat::Ident(i) = &*t.pat {
                    self.0.push((ident_str(&i.ident), Some(&*t.ty)));
                }
            }
            other => {
                let mut names = Vec::new();
                bindings(other, &mut |n| names.push(n));
                self.0.extend(names.into_iter().map(|n| (n, None)));
            }
        }
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, e)) = &init.diverge {
                self.visit_expr(e);
            }
        }
    }

    fn visit_pat(&mut self, p: &'a syn::Pat) {
        let mut names = Vec::new();
        bindings(p, &mut |n| names.push(n));
        self.0.extend(names.into_iter().map(|n| (n, None)));
    }

    // An inner item's bindings are its own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}
