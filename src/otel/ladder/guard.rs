//! Guard types that keep the tracer provider (otel-ladder.md §3.1 item 7): a struct of the
//! package with one named field of the SDK tracer provider type, the methods of its `impl`,
//! the functions that return it, and a binding of it at a `global::shutdown_tracer_provider()`
//! call. What the hop 0.28 needs to shut the provider down through the guard when no provider
//! binding is in scope (`Telemetry { tracer_provider, .. }` built by `telemetry::init`).

use syn::visit::Visit;

use crate::engine::syntax::{ident_str, ParsedRust};

/// The tracer provider types, under their 0.27 and 0.28 names.
pub const TRACER_PROVIDERS: &[&[&str]] = &[
    &["opentelemetry_sdk", "trace", "TracerProvider"],
    &["opentelemetry_sdk", "trace", "SdkTracerProvider"],
];

/// A struct holding the tracer provider in exactly one named field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardType {
    pub name: String,
    pub field: String,
    /// `pub` in any form: reachable from the rest of the crate.
    pub field_public: bool,
    /// Every named field (the guard's members, whose own `shutdown()` calls are not the
    /// guard's).
    pub fields: Vec<String>,
    pub methods: Vec<GuardMethod>,
}

/// A method in an `impl` of a guard type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardMethod {
    pub name: String,
    /// Takes `self` by value: the guard is gone after the call.
    pub consumes: bool,
    /// A body a statement can be appended to: it ends with a statement (no tail expression)
    /// and has no `return` or `?` that could leave before the end.
    pub appendable: bool,
}

/// Whether `ty` (or `&ty`) is the SDK tracer provider.
pub fn is_tracer_provider(rust: &ParsedRust<'_>, ty: &syn::Type) -> bool {
    let ty = match ty {
        syn::Type::Reference(r) => &*r.elem,
        other => other,
    };
    let syn::Type::Path(p) = ty else { return false };
    TRACER_PROVIDERS.iter().any(|e| rust.imports.is(&p.path, e))
}

/// The guard types declared at the top of the file, with their methods.
pub fn guard_types(rust: &ParsedRust<'_>) -> Vec<GuardType> {
    let mut out = Vec::new();
    for item in &rust.syntax.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let providers: Vec<&syn::Field> = fields
            .named
            .iter()
            .filter(|f| is_tracer_provider(rust, &f.ty))
            .collect();
        let [field] = providers.as_slice() else {
            continue;
        };
        let Some(field_name) = &field.ident else {
            continue;
        };
        let name = ident_str(&s.ident);
        out.push(GuardType {
            methods: methods_of(rust.syntax, &name),
            name,
            field: ident_str(field_name),
            field_public: !matches!(field.vis, syn::Visibility::Inherited),
            fields: fields
                .named
                .iter()
                .filter_map(|f| f.ident.as_ref().map(ident_str))
                .collect(),
        });
    }
    out
}

fn methods_of(syntax: &syn::File, ty: &str) -> Vec<GuardMethod> {
    let mut out = Vec::new();
    for item in &syntax.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !is_named(&imp.self_ty, ty) {
            continue;
        }
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            let consumes = matches!(f.sig.receiver(), Some(r) if r.reference.is_none() && matches!(&*r.ty, syn::Type::Path(p) if p.path.is_ident("Self")));
            out.push(GuardMethod {
                name: ident_str(&f.sig.ident),
                consumes,
                appendable: appendable(&f.block),
            });
        }
    }
    out
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

fn appendable(block: &syn::Block) -> bool {
    struct Exits(bool);
    impl<'ast> Visit<'ast> for Exits {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
            self.0 = true;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let ends_with_statement = match block.stmts.last() {
        Some(syn::Stmt::Local(_)) | Some(syn::Stmt::Expr(_, Some(_))) => true,
        Some(syn::Stmt::Expr(e, None)) => ends_like_statement(e),
        _ => false,
    };
    let mut exits = Exits(false);
    exits.visit_block(block);
    ends_with_statement && !exits.0
}

/// `if let Err(e) = … { … }` without an `else`: a block-like expression of type `()`.
fn ends_like_statement(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::If(i) => i.else_branch.is_none(),
        syn::Expr::ForLoop(_) | syn::Expr::While(_) => true,
        _ => false,
    }
}

/// The functions declared at the top of the file that return `ty` (alone or inside a
/// `Result<…>`/`anyhow::Result<…>`): the ways a caller gets a guard.
pub fn guard_constructors(syntax: &syn::File, ty: &str) -> Vec<String> {
    syntax
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some(f),
            _ => None,
        })
        .filter(|f| match &f.sig.output {
            syn::ReturnType::Type(_, t) => is_named(t, ty) || result_of(t, ty),
            syn::ReturnType::Default => false,
        })
        .map(|f| ident_str(&f.sig.ident))
        .collect()
}

fn result_of(t: &syn::Type, ty: &str) -> bool {
    let syn::Type::Path(p) = t else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    last.ident == "Result"
        && matches!(args.args.first(), Some(syn::GenericArgument::Type(first)) if is_named(first, ty))
}

/// A `let name = path::to::init(…)…;` statement: the binding and the called path's segments,
/// seen through `?`, `.context(…)`, `.with_context(…)`, `.expect(…)` and `.unwrap()`.
pub fn constructor_binding(stmt: &syn::Stmt) -> Option<(String, Vec<String>)> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(name) = &local.pat else {
        return None;
    };
    if name.by_ref.is_some() || local.init.as_ref()?.diverge.is_some() {
        return None;
    }
    let mut expr = &*local.init.as_ref()?.expr;
    loop {
        expr = match expr {
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "context" | "with_context" | "expect" | "unwrap"
                ) =>
            {
                &m.receiver
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return None;
                };
                let segments = p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_str(&s.ident))
                    .collect();
                return Some((ident_str(&name.ident), segments));
            }
            _ => return None,
        };
    }
}

/// The module a path written in `from` names (`telemetry::init` in the crate root →
/// `["telemetry"]`); `None` for paths that leave the crate.
pub fn resolve_module(from: &[String], prefix: &[String]) -> Option<Vec<String>> {
    let mut module: Vec<String> = from.to_vec();
    let mut rest = prefix;
    match prefix.first().map(String::as_str) {
        Some("crate") => {
            // A binary or example root (`#bin:name`) is its own crate.
            module.retain(|m| m.starts_with('#'));
            rest = &prefix[1..];
        }
        Some("self") => rest = &prefix[1..],
        _ => {}
    }
    while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
        if module.last().is_none_or(|m| m.starts_with('#')) {
            return None;
        }
        module.pop();
        rest = tail;
    }
    module.extend(rest.iter().cloned());
    Some(module)
}

/// How the statements after a guard binding use it, up to the shutdown call.
#[derive(Debug, PartialEq, Eq)]
pub enum GuardUses {
    /// Only borrowed (field reads, `&name`, methods not known to consume).
    Kept,
    /// Given away by the statement `name.method(…);` at index `at`, the binding's last use.
    ConsumedBy { method: String, at: usize },
    /// Moved another way, or consumed and then used again: no rewrite.
    Lost,
}

/// The uses of `name` in `stmts` (the statements between the binding and the call).
/// `consuming` says which method names take the guard by value; `known` which are its methods.
pub fn guard_uses(
    stmts: &[syn::Stmt],
    name: &str,
    consuming: &dyn Fn(&str) -> bool,
    known: &dyn Fn(&str) -> bool,
) -> GuardUses {
    let mut state = GuardUses::Kept;
    for (i, stmt) in stmts.iter().enumerate() {
        let mut uses = Uses {
            name,
            methods: Vec::new(),
            moved: false,
        };
        uses.visit_stmt(stmt);
        if uses.methods.is_empty() && !uses.moved {
            continue;
        }
        if state != GuardUses::Kept || uses.moved {
            return GuardUses::Lost;
        }
        if uses.methods.iter().any(|m| !known(m)) {
            return GuardUses::Lost;
        }
        if let Some(m) = uses.methods.iter().find(|m| consuming(m)) {
            let whole_statement = matches!(stmt, syn::Stmt::Expr(syn::Expr::MethodCall(c), Some(_))
                if matches!(&*c.receiver, syn::Expr::Path(p) if p.path.is_ident(name)) && c.method == m.as_str());
            if !whole_statement || uses.methods.len() > 1 {
                return GuardUses::Lost;
            }
            state = GuardUses::ConsumedBy {
                method: m.clone(),
                at: i,
            };
        }
    }
    state
}

struct Uses<'n> {
    name: &'n str,
    methods: Vec<String>,
    moved: bool,
}

impl Uses<'_> {
    fn is_name(&self, expr: &syn::Expr) -> bool {
        matches!(expr, syn::Expr::Path(p) if p.path.is_ident(self.name))
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        match expr {
            syn::Expr::MethodCall(m) if self.is_name(&m.receiver) => {
                self.methods.push(m.method.to_string());
                for a in &m.args {
                    self.visit_expr(a);
                }
            }
            syn::Expr::Field(f) if self.is_name(&f.base) => {}
            syn::Expr::Reference(r) if self.is_name(&r.expr) => {}
            // Inside a macro (`tracing::info!(…)`) the tokens are not parsed: a name there is
            // not followed.
            other if self.is_name(other) => self.moved = true,
            other => syn::visit::visit_expr(self, other),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if names_binding(m.tokens.clone(), self.name) {
            self.moved = true;
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether macro tokens name the binding `name`: the ident, not as a path's first segment
/// (`telemetry::SERVICE_NAME`) nor as a field (`cfg.telemetry`).
fn names_binding(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    tokens.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Ident(id) => {
            let path_head =
                matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
            let field =
                i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '.');
            id == name && !path_head && !field
        }
        TokenTree::Group(g) => names_binding(g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    const GUARD: &str = "use opentelemetry_sdk::trace::TracerProvider;\n\
        pub struct Telemetry { tracer_provider: TracerProvider, other: u8 }\n\
        impl Telemetry {\n\
            pub fn shutdown(self) { let _ = self.tracer_provider.force_flush(); }\n\
            pub fn early(self) -> Option<()> { self.other.checked_add(1)?; None }\n\
            pub fn flush(&self) {}\n\
        }\n\
        pub fn init() -> anyhow::Result<Telemetry> { todo!() }\n\
        pub fn make() -> Telemetry { todo!() }\n\
        pub fn other() -> Result<u8, Telemetry> { todo!() }\n";

    #[test]
    fn a_struct_with_one_provider_field_is_a_guard() {
        with_parsed(GUARD, |rust| {
            let guards = guard_types(&rust);
            assert_eq!(guards.len(), 1);
            let g = &guards[0];
            assert_eq!(
                (g.name.as_str(), g.field.as_str()),
                ("Telemetry", "tracer_provider")
            );
            assert!(!g.field_public);
            let shutdown = &g.methods[0];
            assert!(shutdown.consumes && shutdown.appendable);
            assert!(
                g.methods[1].consumes && !g.methods[1].appendable,
                "`?` leaves early"
            );
            assert!(!g.methods[2].consumes);
            assert_eq!(
                guard_constructors(rust.syntax, "Telemetry"),
                ["init", "make"]
            );
        });
    }

    #[test]
    fn near_misses_are_not_guards() {
        let two = "use opentelemetry_sdk::trace::TracerProvider;\n\
            struct Two { a: TracerProvider, b: TracerProvider }\n\
            struct Other { a: my::TracerProvider }\n\
            struct Tuple(TracerProvider);\n";
        with_parsed(two, |rust| assert!(guard_types(&rust).is_empty()));
    }

    fn stmts(src: &str) -> Vec<syn::Stmt> {
        syn::parse_str::<syn::Block>(src).unwrap().stmts
    }

    #[test]
    fn bindings_are_read_through_error_handling() {
        let s = stmts("{ let t = telemetry::init(&cfg).context(\"x\")?; let u = init()?.inner; }");
        assert_eq!(
            constructor_binding(&s[0]),
            Some((
                "t".to_string(),
                vec!["telemetry".to_string(), "init".to_string()]
            ))
        );
        assert_eq!(constructor_binding(&s[1]), None);
    }

    #[test]
    fn uses_decide_kept_consumed_or_lost() {
        let consuming = |m: &str| m == "shutdown";
        let known = |m: &str| m == "shutdown" || m == "flush";
        let uses = |src: &str| guard_uses(&stmts(src), "t", &consuming, &known);
        assert_eq!(
            uses("{ t.flush(); let x = &t; let y = t.other; }"),
            GuardUses::Kept
        );
        assert_eq!(
            uses("{ t.flush(); t.shutdown(); other(); }"),
            GuardUses::ConsumedBy {
                method: "shutdown".to_string(),
                at: 1
            }
        );
        assert_eq!(uses("{ t.shutdown(); t.flush(); }"), GuardUses::Lost);
        assert_eq!(uses("{ drop(t); }"), GuardUses::Lost);
        assert_eq!(uses("{ t.unknown(); }"), GuardUses::Lost);
        assert_eq!(uses("{ let r = t.shutdown(); }"), GuardUses::Lost);
        assert_eq!(uses("{ info!(\"{}\", t); }"), GuardUses::Lost);
        assert_eq!(uses("{ info!(\"{}\", t::NAME, cfg.t); }"), GuardUses::Kept);
    }

    #[test]
    fn paths_resolve_from_the_calling_module() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resolve_module(&[], &s(&["telemetry"])),
            Some(s(&["telemetry"]))
        );
        assert_eq!(
            resolve_module(&s(&["a", "b"]), &s(&["crate", "telemetry"])),
            Some(s(&["telemetry"]))
        );
        assert_eq!(
            resolve_module(&s(&["a", "b"]), &s(&["super", "t"])),
            Some(s(&["a", "t"]))
        );
        assert_eq!(resolve_module(&[], &s(&["super"])), None);
        assert_eq!(
            resolve_module(&s(&["#bin:x"]), &s(&["crate", "t"])),
            Some(s(&["#bin:x", "t"]))
        );
    }
}
