//! Which expressions are provably OpenTelemetry tracer (or logger) providers, so that a method
//! call on one (`provider.tracer_builder(..)`, `provider.logger_builder(..)`) can be rewritten
//! without knowing the types: a call of `global::tracer_provider()`, an SDK
//! `TracerProvider::builder()….build()`, and the locals and parameters bound to one in the
//! current function (a later `let` of the same name shadows it). What the pipeline rewrites
//! yield is one too: `<exporter>.build().map(|exporter| <provider>).expect(..)` (or `.unwrap()`,
//! `?`), a block whose value is a provider, and a `match` or `if` whose every branch is one.
//! Anything else (a field, a function's result) is not known.

use std::rc::Rc;

use crate::engine::syntax::{ident_str, ImportMap};
use crate::otel::chain::Chain;

/// One signal's provider: its types in 0.21–0.26, its API trait and its global getter.
pub struct ProviderKind {
    /// `tracer`, `logger`: the methods are `<signal>_builder`, `<signal>_with_scope`.
    pub signal: &'static str,
    /// The removed builder type `<signal>_builder` returned (`TracerBuilder`).
    pub builder_type: &'static str,
    /// The SDK provider type, under both crate spellings (`TracerProvider::builder()`).
    sdk_types: &'static [&'static [&'static str]],
    /// The global provider type.
    global_type: &'static [&'static str],
    /// The API trait every provider implements (`impl TracerProvider`, `P: TracerProvider`).
    pub provider_trait: &'static [&'static str],
    /// The global getter (`global::tracer_provider()`).
    global_fn: &'static [&'static str],
}

/// A method of the provider trait that makes a tracer (logger) of its signal.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Maker {
    /// `.tracer(name)`.
    Plain,
    /// `.tracer_builder(name)….build()` (0.23–0.26).
    Builder,
    /// `.tracer_with_scope(scope)`.
    WithScope,
    /// `.versioned_tracer(name, version, schema_url, attributes)` (0.21–0.22).
    Versioned,
}

impl ProviderKind {
    /// Which of the trait's tracer- (logger-) making methods `method` is, if any.
    pub fn maker(&self, method: &str) -> Option<Maker> {
        let signal = self.signal;
        if method == signal {
            Some(Maker::Plain)
        } else if method.strip_suffix("_builder") == Some(signal) {
            Some(Maker::Builder)
        } else if method.strip_suffix("_with_scope") == Some(signal) {
            Some(Maker::WithScope)
        } else if method.strip_prefix("versioned_") == Some(signal) {
            Some(Maker::Versioned)
        } else {
            None
        }
    }
}

pub const TRACER: ProviderKind = ProviderKind {
    signal: "tracer",
    builder_type: "TracerBuilder",
    sdk_types: &[
        &["opentelemetry_sdk", "trace", "TracerProvider"],
        &["opentelemetry", "sdk", "trace", "TracerProvider"],
    ],
    global_type: &["opentelemetry", "global", "GlobalTracerProvider"],
    provider_trait: &["opentelemetry", "trace", "TracerProvider"],
    global_fn: &["opentelemetry", "global", "tracer_provider"],
};

pub const LOGGER: ProviderKind = ProviderKind {
    signal: "logger",
    builder_type: "LoggerBuilder",
    sdk_types: &[
        &["opentelemetry_sdk", "logs", "LoggerProvider"],
        &["opentelemetry", "sdk", "logs", "LoggerProvider"],
    ],
    global_type: &["opentelemetry", "global", "GlobalLoggerProvider"],
    provider_trait: &["opentelemetry", "logs", "LoggerProvider"],
    global_fn: &["opentelemetry", "global", "logger_provider"],
};

/// The provider locals of one kind in the function being visited. Save it with
/// [`std::mem::replace`] when entering a function and put it back when leaving.
#[derive(Clone)]
pub struct Providers {
    kind: &'static ProviderKind,
    /// Locals and parameters bound to a provider, innermost binding last.
    locals: Vec<String>,
    /// Generic parameters bounded by the provider trait (`P` in `fn f<P: TracerProvider>`).
    generics: Vec<String>,
    /// The file's top-level functions that return a provider, by name.
    functions: Rc<Vec<(String, Returns)>>,
}

/// How a function returns a provider.
#[derive(Clone, Copy, PartialEq)]
enum Returns {
    /// `-> TracerProvider`: its call is one.
    Plain,
    /// `-> Result<TracerProvider, E>` (any `…Result`) or `-> Option<TracerProvider>`: its call
    /// read through `?`, `.unwrap()` or `.expect(..)` is one.
    Wrapped,
}

impl Providers {
    /// No provider known yet, and the top-level functions of `syntax` that return one.
    pub fn of_file(
        kind: &'static ProviderKind,
        syntax: &syn::File,
        imports: &ImportMap,
    ) -> Providers {
        let mut providers = Providers {
            kind,
            locals: Vec::new(),
            generics: Vec::new(),
            functions: Rc::default(),
        };
        let functions = syntax
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(f) => match &f.sig.output {
                    syn::ReturnType::Type(_, ty) => providers
                        .returns(ty, imports)
                        .map(|r| (ident_str(&f.sig.ident), r)),
                    syn::ReturnType::Default => None,
                },
                _ => None,
            })
            .collect();
        providers.functions = Rc::new(functions);
        providers
    }

    pub fn kind(&self) -> &'static ProviderKind {
        self.kind
    }

    /// How a function returning `ty` returns a provider, if it does.
    fn returns(&self, ty: &syn::Type, imports: &ImportMap) -> Option<Returns> {
        if self.is_provider_type(ty, imports) {
            return Some(Returns::Plain);
        }
        let syn::Type::Path(p) = ty else {
            return None;
        };
        let last = p.path.segments.last()?;
        let wrapper = last.ident == "Option" || last.ident.to_string().ends_with("Result");
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        let first = args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })?;
        (wrapper && self.is_provider_type(first, imports)).then_some(Returns::Wrapped)
    }

    /// Whether `expr` calls one of the file's functions returning a provider as `how`.
    fn calls_function(&self, expr: &syn::Expr, how: Returns) -> bool {
        let syn::Expr::Call(c) = expr else {
            return false;
        };
        let syn::Expr::Path(f) = &*c.func else {
            return false;
        };
        let name = f.path.get_ident().filter(|_| f.qself.is_none());
        name.is_some_and(|n| self.functions.iter().any(|(f, r)| n == f && *r == how))
    }

    /// Entering a function: the parameters of `sig` typed as a provider (`&TracerProvider`,
    /// `impl TracerProvider`, `&P` with `P: TracerProvider`), the file's functions kept.
    pub fn of_signature(&self, sig: &syn::Signature, imports: &ImportMap) -> Providers {
        let kind = self.kind;
        let mut providers = Providers {
            kind,
            locals: Vec::new(),
            generics: Vec::new(),
            functions: self.functions.clone(),
        };
        for param in sig.generics.type_params() {
            if bounds_name_the_trait(kind, &param.bounds, imports) {
                providers.generics.push(ident_str(&param.ident));
            }
        }
        if let Some(clause) = &sig.generics.where_clause {
            for predicate in &clause.predicates {
                if let syn::WherePredicate::Type(t) = predicate {
                    if let (syn::Type::Path(p), true) = (
                        &t.bounded_ty,
                        bounds_name_the_trait(kind, &t.bounds, imports),
                    ) {
                        if let Some(ident) = p.path.get_ident() {
                            providers.generics.push(ident_str(ident));
                        }
                    }
                }
            }
        }
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                if let syn::Pat::Ident(i) = &*t.pat {
                    if providers.is_provider_type(&t.ty, imports) {
                        providers.locals.push(ident_str(&i.ident));
                    }
                }
            }
        }
        providers
    }

    /// Records `let <name> = <init>;` (or `let <name>: <type> = …;`): a provider binding, or a
    /// binding that shadows one.
    pub fn bind(&mut self, local: &syn::Local, imports: &ImportMap) {
        let (ident, ty) = match &local.pat {
            syn::Pat::Ident(i) => (&i.ident, None),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(i) => (&i.ident, Some(&*t.ty)),
                _ => return,
            },
            _ => return,
        };
        let name = ident_str(ident);
        let provider = match ty {
            Some(ty) => self.is_provider_type(ty, imports),
            None => local.init.as_ref().is_some_and(|init| {
                init.diverge.is_none() && self.is_provider(&init.expr, imports)
            }),
        };
        self.locals.retain(|l| *l != name);
        if provider {
            self.locals.push(name);
        }
    }

    /// Whether `expr` is certainly a provider of this kind (or a reference to one).
    pub fn is_provider(&self, expr: &syn::Expr, imports: &ImportMap) -> bool {
        match expr {
            syn::Expr::Paren(p) => self.is_provider(&p.expr, imports),
            syn::Expr::Reference(r) => self.is_provider(&r.expr, imports),
            syn::Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .is_some_and(|i| self.locals.iter().any(|l| i == l)),
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(f) => {
                    imports.is(&f.path, self.kind.global_fn)
                        || names_provider_item(self.kind, &f.path, "default", imports)
                        || self.calls_function(expr, Returns::Plain)
                }
                _ => false,
            },
            syn::Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => {
                self.is_provider(&m.receiver, imports)
            }
            syn::Expr::MethodCall(m)
                if (m.method == "expect" && m.args.len() == 1)
                    || (m.method == "unwrap" && m.args.is_empty()) =>
            {
                self.maps_to_provider(&m.receiver, imports)
            }
            syn::Expr::Try(t) => self.maps_to_provider(&t.expr, imports),
            syn::Expr::Block(b) if b.label.is_none() => self.block_is_provider(&b.block, imports),
            // Arms that leave (`=> return Ok(None)`) give no value.
            syn::Expr::Match(m) => {
                let valued: Vec<&syn::Expr> = m
                    .arms
                    .iter()
                    .map(|a| &*a.body)
                    .filter(|body| !diverges(body))
                    .collect();
                !valued.is_empty() && valued.iter().all(|b| self.is_provider(b, imports))
            }
            syn::Expr::If(i) => {
                let otherwise = i.else_branch.as_ref().map(|(_, e)| &**e);
                self.block_is_provider(&i.then_branch, imports)
                    && otherwise.is_some_and(|e| self.is_provider(e, imports))
            }
            syn::Expr::MethodCall(m) if m.method == "build" => {
                // Every method of the provider builder returns the builder.
                Chain::read(expr)
                    .root_path()
                    .is_some_and(|root| names_provider_item(self.kind, root, "builder", imports))
            }
            _ => false,
        }
    }

    /// `<fallible>.map(|exporter| <provider>)`, or a call of the file's function returning
    /// `Result<provider, E>`: a `Result` (or `Option`) of a provider.
    fn maps_to_provider(&self, expr: &syn::Expr, imports: &ImportMap) -> bool {
        if self.calls_function(expr, Returns::Wrapped) {
            return true;
        }
        let syn::Expr::MethodCall(m) = expr else {
            return false;
        };
        let [syn::Expr::Closure(c)] = m.args.iter().collect::<Vec<_>>()[..] else {
            return false;
        };
        if m.method != "map" {
            return false;
        }
        // The closure's parameters shadow the function's locals.
        let mut inner = self.clone();
        for input in &c.inputs {
            if let syn::Pat::Ident(i) = input {
                inner.locals.retain(|l| i.ident != l);
            }
        }
        inner.is_provider(&c.body, imports)
    }

    /// Whether a block's value (its tail expression, after its own `let`s) is a provider.
    fn block_is_provider(&self, block: &syn::Block, imports: &ImportMap) -> bool {
        let mut inner = self.clone();
        for stmt in &block.stmts {
            match stmt {
                syn::Stmt::Local(l) => inner.bind(l, imports),
                syn::Stmt::Expr(tail, None) => return inner.is_provider(tail, imports),
                _ => {}
            }
        }
        false
    }

    fn is_provider_type(&self, ty: &syn::Type, imports: &ImportMap) -> bool {
        match ty {
            syn::Type::Reference(r) => self.is_provider_type(&r.elem, imports),
            syn::Type::Paren(p) => self.is_provider_type(&p.elem, imports),
            syn::Type::ImplTrait(i) => bounds_name_the_trait(self.kind, &i.bounds, imports),
            syn::Type::Path(p) if p.qself.is_none() => {
                let is_generic = p
                    .path
                    .get_ident()
                    .is_some_and(|i| self.generics.iter().any(|g| i == g));
                is_generic
                    || imports.is(&p.path, self.kind.global_type)
                    || self
                        .kind
                        .sdk_types
                        .iter()
                        .any(|full| imports.is(&p.path, full))
            }
            _ => false,
        }
    }
}

/// Whether evaluating `expr` never yields a value: `return`, `break`, `continue`, `panic!`
/// (`unreachable!`, `todo!`, `unimplemented!`).
fn diverges(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(m) => ["panic", "unreachable", "todo", "unimplemented"]
            .iter()
            .any(|n| m.mac.path.is_ident(n)),
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, _)) => diverges(e),
            Some(syn::Stmt::Macro(m)) => ["panic", "unreachable", "todo", "unimplemented"]
                .iter()
                .any(|n| m.mac.path.is_ident(n)),
            _ => false,
        },
        _ => false,
    }
}

/// Whether `path` is `<SDK provider type>::<item>` (`TracerProvider::builder`).
fn names_provider_item(
    kind: &ProviderKind,
    path: &syn::Path,
    item: &str,
    imports: &ImportMap,
) -> bool {
    let resolved = imports.resolve(path);
    resolved.last().is_some_and(|last| last == item)
        && kind
            .sdk_types
            .iter()
            .any(|full| resolved[..resolved.len() - 1].iter().eq(full.iter()))
}

fn bounds_name_the_trait(
    kind: &ProviderKind,
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
    imports: &ImportMap,
) -> bool {
    bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => imports.is(&t.path, kind.provider_trait),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers_in(src: &str) -> (Vec<String>, Vec<String>) {
        let file: syn::File = syn::parse_str(src).unwrap();
        let imports = ImportMap::of_file(&file);
        let f = file
            .items
            .iter()
            .find_map(|i| match i {
                syn::Item::Fn(f) => Some(f),
                _ => None,
            })
            .unwrap();
        let mut providers =
            Providers::of_file(&TRACER, &file, &imports).of_signature(&f.sig, &imports);
        for stmt in &f.block.stmts {
            if let syn::Stmt::Local(l) = stmt {
                providers.bind(l, &imports);
            }
        }
        (providers.locals, providers.generics)
    }

    #[test]
    fn parameters_lets_and_shadowing() {
        let (locals, generics) = providers_in(
            "use opentelemetry::{global, trace::TracerProvider as _};
             use opentelemetry_sdk::trace::TracerProvider;
             fn f<P: opentelemetry::trace::TracerProvider>(a: &TracerProvider, b: &P, c: &str, d: impl opentelemetry::trace::TracerProvider) {
                 let g = global::tracer_provider();
                 let s = TracerProvider::builder().with_config(x).build();
                 let t = s.clone();
                 let u = other();
                 let a = 1;
             }",
        );
        assert_eq!(locals, ["b", "d", "g", "s", "t"]);
        assert_eq!(generics, ["P"]);
    }

    #[test]
    fn what_the_rewritten_pipeline_yields_is_a_provider() {
        let (locals, _) = providers_in(
            "use opentelemetry_sdk::trace::TracerProvider;
             fn f(grpc: bool) {
                 let a = e.build().map(|exporter| TracerProvider::builder().with_batch_exporter(exporter, Tokio).build()).expect(\"a\");
                 let b = match grpc {
                     true => e.build().map(|x| { let p = TracerProvider::builder().build(); set(p.clone()); p }).unwrap(),
                     false => h.build().map(|x| TracerProvider::builder().build()).expect(\"b\"),
                 };
                 let c = if grpc { a.clone() } else { b.clone() };
                 let d = e.build().map(|a| a).expect(\"d\");
                 let g = match grpc { true => a.clone(), false => other() };
                 let h = e.build().and_then(|x| TracerProvider::builder().build()).unwrap();
             }",
        );
        assert_eq!(locals, ["a", "b", "c"]);
    }

    #[test]
    fn calls_of_the_files_functions_returning_a_provider() {
        let (locals, _) = providers_in(
            "use opentelemetry_sdk::trace::TracerProvider;
             fn f(kind: Kind) -> anyhow::Result<Option<Tracer>> {
                 let a = stdout_provider();
                 let b = match kind {
                     Kind::None => return Ok(None),
                     Kind::Stdout => stdout_provider(),
                     Kind::Otlp => otlp_provider()?,
                     Kind::Other => unreachable!(),
                 };
                 let c = maybe_provider().expect(\"c\");
                 let d = otlp_provider();
                 let e = stdout_name();
                 let g = match kind { Kind::None => return Ok(None), _ => panic!() };
                 let h = nested::stdout_provider();
             }
             fn stdout_provider() -> TracerProvider { todo!() }
             fn otlp_provider() -> anyhow::Result<TracerProvider> { todo!() }
             fn maybe_provider() -> Option<TracerProvider> { todo!() }
             fn stdout_name() -> Result<String, TracerProvider> { todo!() }",
        );
        assert_eq!(locals, ["a", "b", "c"]);
    }

    #[test]
    fn the_methods_that_make_a_tracer_or_a_logger() {
        assert_eq!(TRACER.maker("tracer"), Some(Maker::Plain));
        assert_eq!(TRACER.maker("tracer_builder"), Some(Maker::Builder));
        assert_eq!(LOGGER.maker("logger_with_scope"), Some(Maker::WithScope));
        assert_eq!(LOGGER.maker("versioned_logger"), Some(Maker::Versioned));
        for other in [
            "logger",
            "tracers",
            "my_tracer_builder",
            "versioned",
            "provider",
        ] {
            assert_eq!(TRACER.maker(other), None, "{other}");
        }
    }

    #[test]
    fn a_type_of_the_same_name_from_elsewhere_is_not_a_provider() {
        let (locals, _) = providers_in(
            "use my_tracing::TracerProvider;
             fn f(a: &TracerProvider) { let s = TracerProvider::builder().build(); }",
        );
        assert!(locals.is_empty());
    }
}
