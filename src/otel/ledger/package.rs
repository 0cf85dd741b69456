//! Ledger values from the other files of a package: the constants and statics of every module,
//! the literal defaults of config structs' `impl Default` blocks, and the values (and the
//! resources) each caller passes to a function's parameters. The transform layer reads the package's files once per
//! run into [`PackageValues`] (`transforms/helper_facts.rs`); [`resolve_entries`] then resolves
//! what a file alone left unresolved. Each value is first resolved inside its own file (its
//! literals, its constants), so nothing is guessed across files either.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::ledger::{map_resource_pairs, Key, RawLedgerEntry, Settings, Value};
use crate::engine::syntax::{ident_str, item_named_in, path_segments, range_of, ParsedRust};

use super::resolve::Resolver;
use crate::otel::chain::count_ident;

/// A package item: its module path and name.
pub type ItemPath = (Vec<String>, String);

/// What the package's files say about values, read file by file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PackageValues {
    /// Top-level constants and statics, resolved in their own file (`None`: not a value).
    items: BTreeMap<ItemPath, Option<String>>,
    /// Per field name, what each `impl Default` of the package gives it (resolved in its file).
    field_defaults: BTreeMap<String, Vec<Option<String>>>,
    /// Per (function, parameter index), what each call of the package passes.
    arguments: BTreeMap<(ItemPath, usize), Vec<Passed>>,
    /// Functions named other than as the callee of a call (a function value): their callers
    /// are unknown.
    escaped: BTreeSet<ItemPath>,
    /// Names in macro bodies (calls there are not read): functions of these names have
    /// callers this does not see.
    in_macros: BTreeSet<String>,
    /// Public functions of the package's library: other packages may call them.
    exported: BTreeSet<ItemPath>,
    /// Whether the package has a library target (`src/lib.rs`).
    library: bool,
}

/// What one call passes for one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Passed {
    /// The argument's value, when it resolves.
    value: Option<String>,
    /// The resource it builds, when it is one (through a local of the caller bound once and
    /// a one-expression helper function of the caller's file): the ledger's resource value
    /// and the service name in it.
    resource: Option<(Value, Option<String>)>,
}

/// Where a file sits in its package: its module path and the package's library name.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub module: &'a [String],
    pub lib: &'a str,
}

/// What a [`Resolver`] may follow beyond its file.
#[derive(Debug, Clone, Copy)]
pub struct PackageScope<'a> {
    pub values: &'a PackageValues,
    pub place: Place<'a>,
    /// The function the value is read in (its path and parameter names), whose parameters
    /// take what its callers pass.
    pub function: Option<&'a (ItemPath, Vec<String>)>,
}

impl PackageValues {
    /// The values of a package, `library` telling whether it has a library target.
    pub fn new(library: bool) -> PackageValues {
        PackageValues {
            library,
            ..PackageValues::default()
        }
    }

    /// The constants, statics and config defaults of one file (first pass over the package).
    pub fn add_definitions(&mut self, rust: ParsedRust<'_>, place: Place<'_>) {
        let r = Resolver::new(rust);
        for item in &rust.syntax.items {
            let (ident, expr) = match item {
                syn::Item::Const(c) => (&c.ident, &*c.expr),
                syn::Item::Static(s) => (&s.ident, &*s.expr),
                syn::Item::Fn(f) => {
                    let in_library = !place.module.first().is_some_and(|m| m.starts_with('#'));
                    if self.library && in_library && matches!(f.vis, syn::Visibility::Public(_)) {
                        self.exported
                            .insert((place.module.to_vec(), ident_str(&f.sig.ident)));
                    }
                    continue;
                }
                _ => continue,
            };
            let path = (place.module.to_vec(), ident_str(ident));
            self.items.insert(path, r.resolve(expr, 0));
        }
        for (field, expr) in super::resolve::default_fields(rust.syntax) {
            self.field_defaults
                .entry(field)
                .or_default()
                .push(r.resolve(expr, 0));
        }
    }

    /// The arguments of one file's calls of package functions (second pass: they resolve
    /// through the definitions of every file).
    pub fn add_calls(&mut self, rust: ParsedRust<'_>, place: Place<'_>, definitions: &Self) {
        let scope = PackageScope {
            values: definitions,
            place,
            function: None,
        };
        let r = Resolver::new(rust).with_package(&scope);
        let mut calls = Calls::default();
        calls.visit_file(rust.syntax);
        let named = |path: &syn::Path| {
            let resolved = rust.imports.resolve_segments(&path_segments(path));
            item_named_in(rust.syntax, place.module, &resolved, place.lib)
        };
        for (call, caller) in calls.calls {
            let syn::Expr::Path(p) = &*call.func else {
                continue;
            };
            let Some(function) = named(&p.path) else {
                continue;
            };
            for (i, arg) in call.args.iter().enumerate() {
                let passed = Passed {
                    value: r.resolve(arg, 0),
                    resource: resource_passed(&r, caller, arg),
                };
                self.arguments
                    .entry((function.clone(), i))
                    .or_default()
                    .push(passed);
            }
        }
        self.escaped
            .extend(calls.values.iter().filter_map(|p| named(p)));
        self.in_macros.extend(calls.macro_idents);
    }

    /// The resolved value of a package item.
    pub fn item(&self, path: &ItemPath) -> Option<&str> {
        self.items.get(path)?.as_deref()
    }

    /// The default the package's `impl Default` blocks give `field`, when exactly one does
    /// and it resolves.
    pub fn field_default(&self, field: &str) -> Option<&str> {
        match self.field_defaults.get(field)?.as_slice() {
            [Some(v)] => Some(v),
            _ => None,
        }
    }

    /// What every caller passes as parameter `index` of `function`, when each passes the same
    /// resolved value (and the function is never taken as a value, named in a macro body or
    /// callable from another package).
    pub fn argument(&self, function: &ItemPath, index: usize) -> Option<&str> {
        self.agreed(function, index, |p| p.value.as_ref())
            .map(String::as_str)
    }

    /// The resource every caller passes as parameter `index` of `function` (its ledger value
    /// and service name), on the same terms as [`PackageValues::argument`].
    pub fn resource_argument(
        &self,
        function: &ItemPath,
        index: usize,
    ) -> Option<&(Value, Option<String>)> {
        self.agreed(function, index, |p| p.resource.as_ref())
    }

    /// What `part` reads from every call's argument, when each call gives the same.
    fn agreed<'s, T: PartialEq>(
        &'s self,
        function: &ItemPath,
        index: usize,
        part: impl Fn(&'s Passed) -> Option<&'s T>,
    ) -> Option<&'s T> {
        if self.escaped.contains(function)
            || self.exported.contains(function)
            || self.in_macros.contains(&function.1)
        {
            return None;
        }
        let passed = self.arguments.get(&(function.clone(), index))?;
        let first = part(passed.first()?)?;
        passed
            .iter()
            .all(|p| part(p) == Some(first))
            .then_some(first)
    }
}

/// The top-level function of `rust` (module `module`) around the site at `range`, with its
/// parameter names. Left out: a parameter bound again by a `let` in its body (the name may
/// mean the local), and one the site's own text does not name (a value read from a helper's
/// body is in the helper's scope, where the name means something else).
pub fn enclosing_function(
    rust: ParsedRust<'_>,
    module: &[String],
    range: TextRange,
) -> Option<(ItemPath, Vec<String>)> {
    let site: Option<proc_macro2::TokenStream> = rust.file.slice(range).parse().ok();
    let named_at_site = |name: &str| site.as_ref().is_some_and(|s| count_ident(s, name) > 0);
    let f = rust.syntax.items.iter().find_map(|i| match i {
        syn::Item::Fn(f) if range_of(rust.file, f).contains_range(range) => Some(f),
        _ => None,
    })?;
    let mut rebound = Bindings::default();
    rebound.visit_block(&f.block);
    let params = f
        .sig
        .inputs
        .iter()
        .map(|input| match input {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i)
                    if !rebound.names.contains(&ident_str(&i.ident))
                        && named_at_site(&ident_str(&i.ident)) =>
                {
                    ident_str(&i.ident)
                }
                // Not a plain name: no parameter to look up, but its place still counts.
                _ => String::new(),
            },
            syn::FnArg::Receiver(_) => String::new(),
        })
        .collect();
    Some(((module.to_vec(), ident_str(&f.sig.ident)), params))
}

/// The resource an argument builds: the argument itself, the initializer of a local of the
/// caller's function bound once, or the one expression of a helper function of this file it
/// calls, read as a `Resource::new(..)` (possibly merged onto the default).
fn resource_passed(
    r: &Resolver<'_>,
    caller: Option<&syn::ItemFn>,
    arg: &syn::Expr,
) -> Option<(Value, Option<String>)> {
    let mut expr = r.follow(arg);
    if let (syn::Expr::Path(p), Some(caller)) = (expr, caller) {
        let name = ident_str(p.path.get_ident()?);
        expr = r.follow(local_initializer(caller, &name)?);
    }
    if let syn::Expr::Call(c) = expr {
        if let syn::Expr::Path(p) = &*c.func {
            if let Some(helper) = p.path.get_ident() {
                expr = one_expression_body(r.rust.syntax, &ident_str(helper))?;
            }
        }
    }
    let text = r.rust.file.slice(range_of(r.rust.file, expr));
    if !text.contains("Resource") {
        return None;
    }
    let view = super::settings::ResourceView::read(r, text)?;
    let name = view.get("service.name").cloned().flatten();
    Some((view.value(), name))
}

/// The initializer of `name` in `function`: only when it is not a parameter and exactly one
/// immutable `let` binds it.
fn local_initializer<'f>(function: &'f syn::ItemFn, name: &str) -> Option<&'f syn::Expr> {
    let is_param = function.sig.inputs.iter().any(|i| {
        matches!(i, syn::FnArg::Typed(t) if matches!(&*t.pat, syn::Pat::Ident(p) if p.ident == name))
    });
    let mut lets = Lets {
        name,
        found: Vec::new(),
        other_bindings: 0,
    };
    lets.visit_block(&function.block);
    match (is_param, lets.other_bindings, &lets.found[..]) {
        (false, 0, [init]) => Some(*init),
        _ => None,
    }
}

/// The body of the file's top-level function `name` when it is one expression.
fn one_expression_body<'f>(syntax: &'f syn::File, name: &str) -> Option<&'f syn::Expr> {
    syntax.items.iter().find_map(|i| match i {
        syn::Item::Fn(f) if f.sig.ident == name => match &f.block.stmts[..] {
            [syn::Stmt::Expr(e, None)] => Some(e),
            _ => None,
        },
        _ => None,
    })
}

/// The initializers of immutable `let name = …;` bindings, and how many other patterns bind
/// `name` (a `mut`, a destructuring, a closure parameter).
struct Lets<'a, 'n> {
    name: &'n str,
    found: Vec<&'a syn::Expr>,
    other_bindings: usize,
}

impl<'a> Visit<'a> for Lets<'a, '_> {
    fn visit_local(&mut self, l: &'a syn::Local) {
        match (&l.pat, &l.init) {
            (syn::Pat::Ident(p), Some(init))
                if p.ident == self.name && p.mutability.is_none() && p.subpat.is_none() =>
            {
                self.found.push(&init.expr);
                self.visit_expr(&init.expr);
            }
            _ => syn::visit::visit_local(self, l),
        }
    }

    fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
        if p.ident == self.name {
            self.other_bindings += 1;
        }
        syn::visit::visit_pat_ident(self, p);
    }
}

/// The keys whose value is one expression (not a structure read from parts).
const SCALAR_KEYS: &[Key] = &[
    Key::ServiceName,
    Key::Endpoint,
    Key::Timeout,
    Key::Compression,
    Key::ReaderInterval,
    Key::ScopeName,
    Key::PrometheusListen,
];

/// Resolves, through the package, the values the file alone left unresolved in `entries`
/// (entries of `rust`, at module `place`). An after-side endpoint of a pipeline that spoke
/// Jaeger shows the value the Jaeger rewrite writes into the constant or default it reads.
pub fn resolve_entries(
    rust: ParsedRust<'_>,
    values: &PackageValues,
    place: Place<'_>,
    entries: &mut [RawLedgerEntry],
) {
    for entry in entries {
        let function = enclosing_function(rust, place.module, entry.range);
        let scope = PackageScope {
            values,
            place,
            function: function.as_ref(),
        };
        let r = Resolver::new(rust).with_package(&scope);
        let jaeger = entry.before.get(&Key::Protocol).and_then(|p| match p {
            Value::Resolved(p) if p == "jaeger-udp-thrift" => Some(false),
            Value::Resolved(p) if p == "jaeger-http-thrift" => Some(true),
            _ => None,
        });
        let http = matches!(entry.after.get(&Key::Protocol),
            Some(Value::Resolved(p)) if p.starts_with("otlp-http"));
        let after_endpoint = Resolver {
            jaeger_feed: jaeger.map(|collector| (collector, http)),
            ..r
        };
        for (side, is_after) in [(&mut entry.before, false), (&mut entry.after, true)] {
            let was_unresolved =
                matches!(side.get(&Key::ServiceName), Some(Value::Unresolved { .. }));
            for key in SCALAR_KEYS {
                let Some(Value::Unresolved { unresolved }) = side.get(key) else {
                    continue;
                };
                let resolver = if is_after && *key == Key::Endpoint {
                    &after_endpoint
                } else {
                    &r
                };
                if let Some(v) = resolver.resolve_text(unresolved) {
                    side.insert(*key, Value::Resolved(v));
                }
            }
            name_into_resource(side, was_unresolved);
            resource_from_callers(&r, side);
        }
    }
}

/// A resource that is a parameter of the function read in: the one every caller passes (and
/// the service name in it, when the side has none).
fn resource_from_callers(r: &Resolver<'_>, side: &mut Settings) {
    let Some(Value::Unresolved { unresolved }) = side.get(&Key::Resource) else {
        return;
    };
    let Some((function, params)) = r.package.and_then(|scope| scope.function) else {
        return;
    };
    let Ok(expr) = syn::parse_str::<syn::Expr>(unresolved) else {
        return;
    };
    let syn::Expr::Path(p) = r.follow(&expr) else {
        return;
    };
    let Some(index) = p
        .path
        .get_ident()
        .and_then(|name| params.iter().position(|param| name == param))
    else {
        return;
    };
    let values = r.package.map(|scope| scope.values);
    let Some((resource, name)) = values.and_then(|v| v.resource_argument(function, index)) else {
        return;
    };
    side.insert(Key::Resource, resource.clone());
    if let (None, Some(name)) = (side.get(&Key::ServiceName), name) {
        side.insert(Key::ServiceName, Value::resolved(name.as_str()));
    }
}

/// The service name this pass resolved, into the resource's `service.name` read without a
/// value from the same expression (the rewrite puts the service name into the resource).
fn name_into_resource(side: &mut Settings, name_was_unresolved: bool) {
    let (Some(Value::Resolved(name)), true) = (side.get(&Key::ServiceName), name_was_unresolved)
    else {
        return;
    };
    let Some(Value::Resolved(resource)) = side.get(&Key::Resource) else {
        return;
    };
    let filled = map_resource_pairs(resource, |pair| {
        (pair == "service.name").then(|| format!("service.name={name}"))
    });
    side.insert(Key::Resource, Value::Resolved(filled));
}

/// Calls by path (with the top-level function they are in), paths used as values (not as a
/// call's callee), and the identifiers of macro bodies.
#[derive(Default)]
struct Calls<'a> {
    calls: Vec<(&'a syn::ExprCall, Option<&'a syn::ItemFn>)>,
    caller: Option<&'a syn::ItemFn>,
    values: Vec<&'a syn::Path>,
    macro_idents: BTreeSet<String>,
}

fn idents_of(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => idents_of(g.stream(), out),
            _ => {}
        }
    }
}

impl<'a> Visit<'a> for Calls<'a> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        let outer = self.caller.replace(f);
        syn::visit::visit_item_fn(self, f);
        self.caller = outer;
    }

    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if matches!(&*c.func, syn::Expr::Path(_)) {
            self.calls.push((c, self.caller));
            for arg in &c.args {
                self.visit_expr(arg);
            }
        } else {
            syn::visit::visit_expr_call(self, c);
        }
    }

    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        self.values.push(&p.path);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        idents_of(m.tokens.clone(), &mut self.macro_idents);
    }
}

/// The names `let` patterns (and closures, `match` arms) bind.
#[derive(Default)]
struct Bindings {
    names: BTreeSet<String>,
}

impl<'a> Visit<'a> for Bindings {
    fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
        self.names.insert(ident_str(&p.ident));
        syn::visit::visit_pat_ident(self, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ledger::Signal;
    use crate::engine::syntax::with_parsed;

    const CONFIG: &str = r#"
pub const AGENT: &str = "collector.internal:6831";
pub const COLLECTOR: &str = "http://collector.internal:4317";
pub const NOT_A_VALUE: &str = env!("X");
pub struct Cfg { pub service_name: String, pub endpoint: String, pub twice: String }
impl Default for Cfg {
    fn default() -> Self {
        Self { service_name: "llm-svc".into(), endpoint: COLLECTOR.to_string(), twice: "a".into() }
    }
}
impl Default for Other {
    fn default() -> Self { Self { twice: "b".into() } }
}
"#;

    const MAIN: &str = r#"
use crate::config::COLLECTOR;
fn main() {
    telemetry::same(COLLECTOR, 5);
    telemetry::same("http://collector.internal:4317", 5);
    telemetry::differs("http://a:4317");
    telemetry::differs("http://b:4317");
    telemetry::unknown(std::env::var("X").unwrap());
    let f = telemetry::as_value;
    f("http://a:4317");
    telemetry::as_value("http://a:4317");
    tracing::info!("{:?}", telemetry::in_macro("http://b:4317"));
    telemetry::in_macro("http://a:4317");
    telemetry::shadowed("http://a:4317");
    telemetry::from_helper("http://a:4317");
}
"#;

    const TELEMETRY: &str = r#"
use crate::config;
fn same(endpoint: &str, secs: u64) { x(endpoint, secs) }
fn differs(endpoint: &str) { x(endpoint) }
fn unknown(endpoint: String) { x(endpoint) }
fn as_value(endpoint: &str) { x(endpoint) }
fn in_macro(endpoint: &str) { x(endpoint) }
fn shadowed(endpoint: &str) { let endpoint = other(); x(endpoint) }
fn from_helper(endpoint: &str) { x(other) }
"#;

    fn module(m: &str) -> Vec<String> {
        if m.is_empty() {
            Vec::new()
        } else {
            vec![m.to_string()]
        }
    }

    fn place(module: &[String]) -> Place<'_> {
        Place { module, lib: "svc" }
    }

    /// The values of a package of `files` (module, text), read as the package facts read
    /// them: definitions first, then calls.
    fn values_of(files: &[(&str, &str)], library: bool) -> PackageValues {
        let mut definitions = PackageValues::new(library);
        for (m, src) in files {
            let module = module(m);
            with_parsed(src, |rust| {
                definitions.add_definitions(rust, place(&module))
            });
        }
        let mut values = definitions.clone();
        for (m, src) in files {
            let module = module(m);
            with_parsed(src, |rust| {
                values.add_calls(rust, place(&module), &definitions)
            });
        }
        values
    }

    /// The package of three files (`config`, `telemetry`, the crate root), handed to `f` with
    /// the parsed `telemetry.rs`.
    fn with_package(f: impl FnOnce(ParsedRust<'_>, &PackageValues)) {
        let files = [("config", CONFIG), ("", MAIN), ("telemetry", TELEMETRY)];
        let values = values_of(&files, false);
        with_parsed(TELEMETRY, |rust| f(rust, &values));
    }

    /// What `text` resolves to read inside `function` of `telemetry.rs`.
    fn value_in(rust: ParsedRust<'_>, values: &PackageValues, function: &str, text: &str) -> Value {
        let module = module("telemetry");
        let at = rust.file.text.find(&format!("fn {function}(")).unwrap();
        let end = at + rust.file.text[at..].find('}').unwrap() + 1;
        let function = enclosing_function(rust, &module, TextRange::new(at, end));
        let scope = PackageScope {
            values,
            place: place(&module),
            function: function.as_ref(),
        };
        Resolver::new(rust).with_package(&scope).value(text)
    }

    #[test]
    fn constants_and_config_defaults_of_other_files_resolve() {
        with_package(|rust, values| {
            let v = |text| value_in(rust, values, "same", text);
            assert_eq!(
                v("config::AGENT"),
                Value::resolved("collector.internal:6831")
            );
            assert_eq!(
                v("crate::config::COLLECTOR.to_string()"),
                Value::resolved("http://collector.internal:4317")
            );
            assert_eq!(
                v("cfg.service_name.clone()"),
                Value::resolved("llm-svc (config default)")
            );
            // A default that is another constant of its own file resolves there.
            assert_eq!(
                v("cfg.endpoint"),
                Value::resolved("http://collector.internal:4317 (config default)")
            );
            // Near misses: two defaults for one field, a constant that is not a value, one
            // that does not exist, a module this file does not name.
            assert_eq!(v("cfg.twice"), Value::unresolved("cfg.twice"));
            assert_eq!(
                v("config::NOT_A_VALUE"),
                Value::unresolved("config::NOT_A_VALUE")
            );
            assert_eq!(v("config::MISSING"), Value::unresolved("config::MISSING"));
            assert_eq!(v("elsewhere::AGENT"), Value::unresolved("elsewhere::AGENT"));
        });
    }

    #[test]
    fn a_parameter_takes_what_every_caller_passes_when_they_agree() {
        with_package(|rust, values| {
            // A constant of another file and the same literal: one value.
            assert_eq!(
                value_in(rust, values, "same", "endpoint"),
                Value::resolved("http://collector.internal:4317")
            );
            assert_eq!(value_in(rust, values, "same", "secs"), Value::resolved("5"));
            for function in ["differs", "unknown", "as_value", "in_macro", "shadowed"] {
                assert_eq!(
                    value_in(rust, values, function, "endpoint"),
                    Value::unresolved("endpoint"),
                    "{function}"
                );
            }
        });
    }

    #[test]
    fn a_public_function_of_a_library_has_callers_outside_the_package() {
        let public = TELEMETRY.replace("fn same", "pub fn same");
        let files = [("", MAIN), ("telemetry", public.as_str())];
        for library in [false, true] {
            let values = values_of(&files, library);
            let function = (module("telemetry"), "same".to_string());
            assert_eq!(values.argument(&function, 1).is_some(), !library);
        }
    }

    #[test]
    fn entries_resolve_what_the_file_left_and_a_jaeger_endpoint_shows_its_rewrite() {
        with_package(|rust, values| {
            let site = |text: &str| {
                let at = rust.file.text.find(text).unwrap();
                TextRange::new(at, at + text.len())
            };
            let side = |pairs: &[(Key, Value)]| -> Settings { pairs.iter().cloned().collect() };
            let endpoint = Value::unresolved("config::AGENT");
            let mut entries = vec![RawLedgerEntry::rewritten(
                site("x(endpoint, secs)"),
                Signal::Traces,
                side(&[
                    (Key::Endpoint, endpoint.clone()),
                    (Key::Protocol, Value::resolved("jaeger-udp-thrift")),
                    (Key::Timeout, Value::unresolved("secs")),
                    (Key::Sampler, Value::unresolved("secs")),
                ]),
                side(&[
                    (Key::Endpoint, endpoint),
                    (Key::Protocol, Value::resolved("otlp-grpc")),
                    (Key::ServiceName, Value::unresolved("cfg.service_name")),
                    (Key::Resource, Value::resolved("default + service.name")),
                ]),
            )];
            // A site that does not name the parameter read a value of a helper's scope.
            let helper = RawLedgerEntry::rewritten(
                site("x(other)"),
                Signal::Metrics,
                side(&[(Key::Endpoint, Value::unresolved("endpoint"))]),
                side(&[(Key::Endpoint, Value::unresolved("endpoint"))]),
            );
            entries.push(helper.clone());
            let module = module("telemetry");
            let place = place(&module);
            resolve_entries(rust, values, place, &mut entries);
            let [entry, from_helper] = &entries[..] else {
                panic!()
            };
            assert_eq!(from_helper, &helper);
            assert_eq!(
                entry.before[&Key::Endpoint],
                Value::resolved("collector.internal:6831")
            );
            assert_eq!(
                entry.after[&Key::Endpoint],
                Value::resolved("http://collector.internal:4317")
            );
            assert_eq!(entry.before[&Key::Timeout], Value::resolved("5"));
            // The service name the rewrite puts into the resource: its value too.
            assert_eq!(
                entry.after[&Key::Resource],
                Value::resolved("default + service.name=llm-svc (config default)")
            );
            // A structured setting is not read from one value.
            assert_eq!(entry.before[&Key::Sampler], Value::unresolved("secs"));
        });
    }

    const RESOURCES: &str = r#"
use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
const NAME: &str = "llm-svc";
fn resource(env: &str) -> Resource {
    Resource::new(vec![KeyValue::new("service.name", NAME), KeyValue::new("env", env.to_string())])
}
fn init() {
    let resource = resource("prod");
    traces(resource.clone());
    metrics(resource);
    let mut changed = resource("dev");
    changed = Resource::default();
    mutable(changed);
    mixed(Resource::new(vec![KeyValue::new("service.name", "a")]));
    mixed(Resource::new(vec![KeyValue::new("service.name", "b")]));
}
fn traces(resource: Resource) { x(resource) }
fn metrics(resource: Resource) { x(resource.clone()) }
fn mutable(resource: Resource) { x(resource) }
fn mixed(resource: Resource) { x(resource) }
"#;

    #[test]
    fn a_resource_parameter_takes_the_resource_every_caller_builds() {
        let values = values_of(&[("telemetry", RESOURCES)], false);
        with_parsed(RESOURCES, |rust| {
            let module = module("telemetry");
            let entry_in = |function: &str, text: &str| {
                let at = rust.file.text.find(&format!("fn {function}(")).unwrap();
                let end = at + rust.file.text[at..].find('\n').unwrap();
                let side = Settings::from([(Key::Resource, Value::unresolved(text))]);
                RawLedgerEntry::rewritten(
                    TextRange::new(at, end),
                    Signal::Traces,
                    side.clone(),
                    side,
                )
            };
            let mut entries = vec![
                entry_in("traces", "resource"),
                entry_in("metrics", "resource.clone()"),
                entry_in("mutable", "resource"),
                entry_in("mixed", "resource"),
            ];
            resolve_entries(rust, &values, place(&module), &mut entries);
            let built = Settings::from([
                (Key::ServiceName, Value::resolved("llm-svc")),
                (Key::Resource, Value::resolved("service.name=llm-svc, env")),
            ]);
            // Through the caller's local and the helper's one expression.
            assert_eq!(entries[0].before, built);
            assert_eq!(entries[1].after, built);
            // A local bound twice, callers that pass different resources.
            for e in &entries[2..] {
                assert_eq!(e.before[&Key::Resource], Value::unresolved("resource"));
                assert!(!e.before.contains_key(&Key::ServiceName));
            }
        });
    }
}
