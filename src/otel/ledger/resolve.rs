//! Values of a ledger: an argument as written, resolved through literals, same-file constants,
//! the literal defaults of a same-file `impl Default` (config defaults) and the semantic
//! convention keys, and, given the package's values ([`PackageScope`]), constants and config
//! defaults of its other files and parameters every caller passes the same value; what stays
//! unknown is the expression text, marked unresolved.

use syn::visit::Visit;

use crate::engine::ledger::Value;
use crate::engine::syntax::{ident_str, ParsedRust};
use crate::otel::jaeger_endpoint::map_endpoint_literal;

use super::package::PackageScope;

/// Where values are resolved: the file and what may be followed.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    pub rust: ParsedRust<'a>,
    /// Set for the after side of a Jaeger pipeline's endpoint, as (collector, OTLP/HTTP): the
    /// rewrite maps the Jaeger addresses that constants and config defaults hold
    /// ([`map_endpoint_literal`]), so what they resolve to is shown mapped the same way.
    pub jaeger_feed: Option<(bool, bool)>,
    /// The package's other files and the callers of the function read in, when known.
    pub package: Option<&'a PackageScope<'a>>,
}

/// How deep constants and conversions are followed (a constant naming itself ends here).
const MAX_DEPTH: usize = 8;

/// The conversions that keep a value (`x.to_string()`, `x.as_str()`, …).
const KEEPING_METHODS: &[&str] = &[
    "to_string",
    "to_owned",
    "into",
    "clone",
    "as_str",
    "as_ref",
    "as_deref",
];

/// Semantic-convention resource keys this tool knows by constant name.
const SEMCONV_KEYS: &[(&str, &str)] = &[
    ("SERVICE_NAME", "service.name"),
    ("SERVICE_VERSION", "service.version"),
    ("SERVICE_NAMESPACE", "service.namespace"),
    ("SERVICE_INSTANCE_ID", "service.instance.id"),
    ("DEPLOYMENT_ENVIRONMENT", "deployment.environment"),
    ("DEPLOYMENT_ENVIRONMENT_NAME", "deployment.environment.name"),
    ("HOST_NAME", "host.name"),
    ("K8S_POD_NAME", "k8s.pod.name"),
    ("K8S_NAMESPACE_NAME", "k8s.namespace.name"),
    ("TELEMETRY_SDK_NAME", "telemetry.sdk.name"),
    ("TELEMETRY_SDK_LANGUAGE", "telemetry.sdk.language"),
    ("TELEMETRY_SDK_VERSION", "telemetry.sdk.version"),
];

/// An expression's text on one line (a ledger cell): whitespace runs collapsed, none inside
/// the brackets' edges, and a trailing comma before a closing bracket dropped (how rustfmt
/// breaks a long call); string literals are kept as written.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.trim().chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            c if c.is_whitespace() => {
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let closes = chars.peek().is_some_and(|n| matches!(n, ')' | ']'));
                if !closes && !out.ends_with(['(', '[']) {
                    out.push(' ');
                }
            }
            ')' | ']' => {
                if out.ends_with(',') {
                    out.pop();
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl<'a> Resolver<'a> {
    pub fn new(rust: ParsedRust<'a>) -> Resolver<'a> {
        Resolver {
            rust,
            jaeger_feed: None,
            package: None,
        }
    }

    /// This resolver, following values through the package too.
    pub fn with_package(self, package: &'a PackageScope<'a>) -> Resolver<'a> {
        Resolver {
            package: Some(package),
            ..self
        }
    }

    /// The value of an argument text: resolved, or the text marked unresolved.
    pub fn value(&self, text: &str) -> Value {
        match self.resolve_text(text) {
            Some(v) => Value::Resolved(v),
            None => Value::unresolved(one_line(text)),
        }
    }

    /// The value of an argument text, when it can be resolved.
    pub fn resolve_text(&self, text: &str) -> Option<String> {
        let expr = syn::parse_str::<syn::Expr>(text).ok()?;
        self.resolve(&expr, 0)
    }

    /// The value of `expr`, when it can be resolved.
    pub fn resolve(&self, expr: &syn::Expr, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr {
            syn::Expr::Lit(l) => literal(&l.lit),
            syn::Expr::Paren(p) => self.resolve(&p.expr, depth + 1),
            syn::Expr::Group(g) => self.resolve(&g.expr, depth + 1),
            syn::Expr::Reference(r) => self.resolve(&r.expr, depth + 1),
            syn::Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr,
                ..
            }) => self.resolve(expr, depth + 1).map(|v| format!("-{v}")),
            syn::Expr::Path(p) if p.qself.is_none() => self.path(&p.path, depth),
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && KEEPING_METHODS.contains(&ident_str(&m.method).as_str()) =>
            {
                self.resolve(&m.receiver, depth + 1)
            }
            syn::Expr::Field(f) => self.config_default(f, depth),
            syn::Expr::Call(c) => self.call(c, depth),
            _ => None,
        }
    }

    /// `expr` with references, parentheses and value-keeping conversions taken off, and a
    /// same-file constant replaced by its initializer: the expression a structured value (an
    /// array, a tuple) is read from.
    pub fn follow<'e>(&self, mut expr: &'e syn::Expr) -> &'e syn::Expr
    where
        'a: 'e,
    {
        for _ in 0..MAX_DEPTH {
            expr = match expr {
                syn::Expr::Reference(r) => &r.expr,
                syn::Expr::Paren(p) => &p.expr,
                syn::Expr::Group(g) => &g.expr,
                syn::Expr::MethodCall(m)
                    if m.args.is_empty()
                        && KEEPING_METHODS.contains(&ident_str(&m.method).as_str()) =>
                {
                    &m.receiver
                }
                syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                    let mut found = ConstOf {
                        name: ident_str(&p.path.segments[0].ident),
                        expr: None,
                    };
                    found.visit_file(self.rust.syntax);
                    match found.expr {
                        Some(e) => e,
                        None => return expr,
                    }
                }
                _ => return expr,
            };
        }
        expr
    }

    /// A constant of this file, or a semantic-convention key.
    fn path(&self, path: &syn::Path, depth: usize) -> Option<String> {
        let resolved = self.rust.imports.resolve(path);
        if let [krate, _, name] = resolved.as_slice() {
            if krate == "opentelemetry_semantic_conventions" {
                return SEMCONV_KEYS
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, k)| k.to_string());
            }
        }
        if path.segments.len() == 1 {
            let name = ident_str(&path.segments[0].ident);
            // A parameter's name means the parameter, whatever constant shares it.
            if let Some(value) = self.argument(&name) {
                // As passed: a rewrite never edits the callers' arguments.
                return value.map(str::to_string);
            }
            let mut found = ConstOf { name, expr: None };
            found.visit_file(self.rust.syntax);
            if let Some(expr) = found.expr {
                return self.resolve(expr, depth + 1).map(|v| self.fed(v));
            }
        }
        // A constant of another file of the package.
        let scope = self.package?;
        let resolved = self.rust.imports.resolve(path);
        let item = crate::engine::syntax::item_named_in(
            self.rust.syntax,
            scope.place.module,
            &resolved,
            scope.place.lib,
        )?;
        scope.values.item(&item).map(|v| self.fed(v.to_string()))
    }

    /// `Some(value)` when `name` is a parameter of the function read in: what every caller
    /// passes, when they all pass the same resolved value.
    fn argument(&self, name: &str) -> Option<Option<&'a str>> {
        let scope = self.package?;
        let (function, params) = scope.function?;
        let index = params.iter().position(|p| p == name)?;
        Some(scope.values.argument(function, index))
    }

    /// A value a constant or config default holds, as the Jaeger rewrite leaves it.
    fn fed(&self, value: String) -> String {
        match self.jaeger_feed {
            Some((collector, http)) => {
                map_endpoint_literal(&value, collector, http).unwrap_or(value)
            }
            None => value,
        }
    }

    /// `String::from(x)`, `Duration::from_secs(n)` and the like.
    fn call(&self, call: &syn::ExprCall, depth: usize) -> Option<String> {
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        let last = ident_str(&p.path.segments.last()?.ident);
        let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let inner = || self.resolve(arg, depth + 1);
        let unit = match last.as_str() {
            "from" if p.path.segments.len() == 2 && p.path.segments[0].ident == "String" => {
                return inner();
            }
            "from_secs" | "from_secs_f64" | "from_secs_f32" => "s",
            "from_millis" => "ms",
            "from_micros" => "µs",
            "from_nanos" => "ns",
            _ => return None,
        };
        let is_duration = p.path.segments.len() == 1
            || p.path.segments[p.path.segments.len() - 2].ident == "Duration";
        is_duration.then(|| inner().map(|v| format!("{v}{unit}")))?
    }

    /// `cfg.field` (or `self.field`): the literal default of `field` in a same-file `impl
    /// Default` when exactly one such default exists, else the package's one; shown as the
    /// config default it is.
    fn config_default(&self, field: &syn::ExprField, depth: usize) -> Option<String> {
        let syn::Member::Named(name) = &field.member else {
            return None;
        };
        let name = ident_str(name);
        let value = match self.default_of(&name) {
            Some(expr) => self.resolve(expr, depth + 1)?,
            None => self.package?.values.field_default(&name)?.to_string(),
        };
        Some(format!("{} (config default)", self.fed(value)))
    }

    /// The expression a same-file `impl Default` gives `field`, when exactly one does.
    pub fn default_of(&self, field: &str) -> Option<&'a syn::Expr> {
        let found: Vec<&syn::Expr> = default_fields(self.rust.syntax)
            .into_iter()
            .filter(|(name, _)| name == field)
            .map(|(_, expr)| expr)
            .collect();
        match found[..] {
            [expr] => Some(expr),
            _ => None,
        }
    }
}

fn literal(lit: &syn::Lit) -> Option<String> {
    match lit {
        syn::Lit::Str(s) => Some(s.value()),
        syn::Lit::Int(i) => Some(i.base10_digits().to_string()),
        syn::Lit::Float(f) => Some(f.base10_digits().to_string()),
        syn::Lit::Bool(b) => Some(b.value.to_string()),
        _ => None,
    }
}

/// The initializer of the file's `const`/`static` of a name (the first one, at any depth).
struct ConstOf<'a> {
    name: String,
    expr: Option<&'a syn::Expr>,
}

impl<'a> Visit<'a> for ConstOf<'a> {
    fn visit_item_const(&mut self, c: &'a syn::ItemConst) {
        if self.expr.is_none() && c.ident == self.name {
            self.expr = Some(&c.expr);
        }
    }

    fn visit_item_static(&mut self, s: &'a syn::ItemStatic) {
        if self.expr.is_none() && s.ident == self.name {
            self.expr = Some(&s.expr);
        }
    }
}

/// The fields given a value in struct literals inside the file's `impl Default for …` blocks,
/// with that value.
pub fn default_fields(syntax: &syn::File) -> Vec<(String, &syn::Expr)> {
    let mut defaults = FieldDefaults {
        in_default: false,
        found: Vec::new(),
    };
    defaults.visit_file(syntax);
    defaults.found
}

struct FieldDefaults<'a> {
    in_default: bool,
    found: Vec<(String, &'a syn::Expr)>,
}

impl<'a> Visit<'a> for FieldDefaults<'a> {
    fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
        let is_default = i
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Default");
        let outer = std::mem::replace(&mut self.in_default, is_default);
        syn::visit::visit_item_impl(self, i);
        self.in_default = outer;
    }

    fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
        if self.in_default {
            if let syn::Member::Named(n) = &fv.member {
                self.found.push((ident_str(n), &fv.expr));
            }
        }
        syn::visit::visit_field_value(self, fv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn with_file(src: &str, f: impl FnOnce(Resolver<'_>)) {
        with_parsed(src, |rust| f(Resolver::new(rust)));
    }

    const FILE: &str = r#"
use std::time::Duration;
use opentelemetry_semantic_conventions::resource::{SERVICE_NAME as KEY, SERVICE_VERSION};
const ENDPOINT: &str = "http://collector:4317";
const LOOP: &str = LOOP;
pub struct Cfg { pub agent: String, pub other: String }
impl Default for Cfg {
    fn default() -> Self { Self { agent: "localhost:6831".to_string(), other: other() } }
}
fn other() -> String { String::new() }
"#;

    #[test]
    fn literals_constants_conversions_and_durations_resolve() {
        with_file(FILE, |r| {
            assert_eq!(r.value("\"x\""), Value::resolved("x"));
            assert_eq!(
                r.value("ENDPOINT"),
                Value::resolved("http://collector:4317")
            );
            assert_eq!(
                r.value("ENDPOINT.to_string()"),
                Value::resolved("http://collector:4317")
            );
            assert_eq!(r.value("String::from(\"a\")"), Value::resolved("a"));
            assert_eq!(r.value("Duration::from_secs(5)"), Value::resolved("5s"));
            assert_eq!(
                r.value("std::time::Duration::from_millis(250)"),
                Value::resolved("250ms")
            );
            assert_eq!(r.value("0.5"), Value::resolved("0.5"));
            assert_eq!(r.value("KEY"), Value::resolved("service.name"));
            assert_eq!(
                r.value("SERVICE_VERSION"),
                Value::resolved("service.version")
            );
        });
    }

    #[test]
    fn config_defaults_resolve_and_say_so() {
        with_file(FILE, |r| {
            assert_eq!(
                r.value("cfg.agent.as_str()"),
                Value::resolved("localhost:6831 (config default)")
            );
            // A default that is a call is not a value.
            assert_eq!(r.value("cfg.other"), Value::unresolved("cfg.other"));
        });
    }

    #[test]
    fn near_misses_stay_unresolved_with_their_text() {
        with_file(FILE, |r| {
            assert_eq!(
                r.value("format!(\"{}/v1/traces\",  base)"),
                Value::unresolved("format!(\"{}/v1/traces\", base)")
            );
            // A constant of another file, a constant naming itself, a method that changes
            // the value, a `from_secs` that is not a Duration's.
            assert_eq!(
                r.value("other::ENDPOINT"),
                Value::unresolved("other::ENDPOINT")
            );
            assert_eq!(r.value("LOOP"), Value::unresolved("LOOP"));
            assert_eq!(
                r.value("ENDPOINT.to_uppercase()"),
                Value::unresolved("ENDPOINT.to_uppercase()")
            );
            assert_eq!(
                r.value("Clock::from_secs(5)"),
                Value::unresolved("Clock::from_secs(5)")
            );
            assert_eq!(r.value("cfg.missing"), Value::unresolved("cfg.missing"));
        });
    }

    #[test]
    fn one_line_tidies_how_rustfmt_broke_the_expression_but_not_strings() {
        assert_eq!(
            one_line("Sampler::TraceIdRatioBased(\n    settings.sample_ratio,\n)"),
            "Sampler::TraceIdRatioBased(settings.sample_ratio)"
        );
        assert_eq!(one_line("f( a,  b )"), "f(a, b)");
        assert_eq!(one_line("vec![\n  x,\n]"), "vec![x]");
        assert_eq!(
            one_line("g(\"( a ,)\", \"q\\\"  )\")"),
            "g(\"( a ,)\", \"q\\\"  )\")"
        );
    }

    #[test]
    fn constants_a_jaeger_rewrite_edits_are_shown_mapped() {
        with_file(FILE, |r| {
            let agent = Resolver {
                jaeger_feed: Some((false, false)),
                ..r
            };
            assert_eq!(agent.fed("collector:6831".into()), "http://collector:4317");
            assert_eq!(agent.fed("not an address".into()), "not an address");
            assert_eq!(
                agent.value("cfg.agent"),
                Value::resolved("http://localhost:4317 (config default)")
            );
            assert_eq!(
                agent.value("ENDPOINT"),
                Value::resolved("http://collector:4317")
            );
            assert_eq!(
                r.value("cfg.agent"),
                Value::resolved("localhost:6831 (config default)")
            );
            // A literal at the site is the model's own (already mapped) text.
            assert_eq!(agent.value("\"literal\""), Value::resolved("literal"));
            let collector = Resolver {
                jaeger_feed: Some((true, true)),
                ..r
            };
            assert_eq!(
                collector.fed("http://c:14268/api/traces".into()),
                "http://c:4318/v1/traces"
            );
            // Mapping a mapped value changes nothing (a constant holding a config default).
            assert_eq!(
                collector.fed("http://c:4318/v1/traces".into()),
                "http://c:4318/v1/traces"
            );
        });
    }
}
