//! The ledger entry of a `metrics` user's Prometheus exporter: `PrometheusBuilder::new()…`
//! chains ending in an install or build call. The migration moves the exporter crate (to 0.16)
//! and leaves the chain as written, so both sides are the chain's settings: the listen address
//! and the histogram buckets a scrape sees.

use syn::visit::Visit;

use crate::engine::ledger::{Key, RawLedgerEntry, Settings, Signal, Value};
use crate::engine::syntax::{ident_str, range_of, text_of, ParsedRust};
use crate::otel::args_text;

use super::resolve::{one_line, Resolver};

/// The calls that end a builder chain.
const TERMINALS: &[&str] = &["install", "install_recorder", "build", "build_recorder"];

/// One entry per Prometheus builder chain of the file; `exporter` is the crate's name as the
/// code spells it (`metrics_exporter_prometheus`).
pub fn entries(rust: ParsedRust<'_>, exporter: &str) -> Vec<RawLedgerEntry> {
    let mut finder = Chains {
        rust,
        exporter,
        found: Vec::new(),
    };
    finder.visit_file(rust.syntax);
    finder.found
}

struct Chains<'c, 'e> {
    rust: ParsedRust<'c>,
    exporter: &'e str,
    found: Vec<RawLedgerEntry>,
}

impl<'ast> Visit<'ast> for Chains<'_, '_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let (root, links) = builder_chain(m);
        let is_builder = match root {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) => self
                    .rust
                    .imports
                    .is(&p.path, &[self.exporter, "PrometheusBuilder", "new"]),
                _ => false,
            },
            _ => false,
        };
        let ends = TERMINALS.contains(&ident_str(&m.method).as_str());
        if is_builder && ends {
            let settings = settings(&Resolver::new(self.rust), &links);
            let site = range_of(self.rust.file, m);
            self.found.push(RawLedgerEntry::rewritten(
                site,
                Signal::Metrics,
                settings.clone(),
                settings,
            ));
            // The chain's own links are not chains of their own.
            for link in &links {
                for arg in &link.args {
                    self.visit_expr(arg);
                }
            }
            return;
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// The root of a builder chain and its calls, root first, through the `?` of fallible
/// setters (`.set_buckets_for_metric(..)?.install()`).
fn builder_chain(m: &syn::ExprMethodCall) -> (&syn::Expr, Vec<&syn::ExprMethodCall>) {
    let mut links = vec![m];
    let mut at = &*m.receiver;
    loop {
        match at {
            syn::Expr::MethodCall(inner) => {
                links.push(inner);
                at = &inner.receiver;
            }
            syn::Expr::Try(t) => at = &t.expr,
            syn::Expr::Paren(p) => at = &p.expr,
            _ => break,
        }
    }
    links.reverse();
    (at, links)
}

fn settings(r: &Resolver<'_>, links: &[&syn::ExprMethodCall]) -> Settings {
    let file = r.rust.file;
    let mut out = Settings::new();
    let mut buckets = Vec::new();
    let mut unresolved = false;
    for link in links {
        let args: Vec<&syn::Expr> = link.args.iter().collect();
        match (ident_str(&link.method).as_str(), &args[..]) {
            ("with_http_listener", [addr]) => {
                let v = socket_addr(r, addr)
                    .map(Value::Resolved)
                    .unwrap_or_else(|| Value::unresolved(one_line(text_of(file, *addr))));
                out.insert(Key::PrometheusListen, v);
            }
            ("set_buckets", [values]) => match floats(r, values) {
                Some(v) => buckets.push(format!("all: {v}")),
                None => unresolved = true,
            },
            ("set_buckets_for_metric", [matcher, values]) => {
                match (matcher_text(r, matcher), floats(r, values)) {
                    (Some(m), Some(v)) => buckets.push(format!("{m}: {v}")),
                    _ => unresolved = true,
                }
            }
            _ => {}
        }
    }
    if unresolved {
        let written: Vec<String> = links
            .iter()
            .filter(|l| l.method.to_string().starts_with("set_buckets"))
            .map(|l| format!("{}({})", l.method, one_line(&args_text(file, l))))
            .collect();
        out.insert(Key::PrometheusBuckets, Value::unresolved(written.join(".")));
    } else if !buckets.is_empty() {
        out.insert(Key::PrometheusBuckets, Value::Resolved(buckets.join("; ")));
    }
    out
}

/// `([0, 0, 0, 0], 9100)` (also through `.into()`, a constant or a config default) or a
/// resolved string: `0.0.0.0:9100`.
fn socket_addr(r: &Resolver<'_>, expr: &syn::Expr) -> Option<String> {
    if let Some(v) = r.resolve(expr, 0) {
        return Some(v);
    }
    let (expr, default) = match r.follow(expr) {
        syn::Expr::Field(f) => (config_default(r, f)?, " (config default)"),
        other => (other, ""),
    };
    let syn::Expr::Tuple(t) = r.follow(expr) else {
        return None;
    };
    let [ip, port] = &t.elems.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let syn::Expr::Array(octets) = r.follow(ip) else {
        return None;
    };
    let octets: Option<Vec<String>> = octets.elems.iter().map(|o| r.resolve(o, 0)).collect();
    let octets = octets.filter(|o| o.len() == 4)?;
    Some(format!(
        "{}:{}{default}",
        octets.join("."),
        r.resolve(port, 0)?
    ))
}

/// The literal default of `cfg.field` in a same-file `impl Default` (see the resolver).
fn config_default<'e>(r: &Resolver<'e>, field: &syn::ExprField) -> Option<&'e syn::Expr> {
    let syn::Member::Named(name) = &field.member else {
        return None;
    };
    r.default_of(&ident_str(name))
}

/// `[0.005, 0.025, …]` as written in a slice, an array or a constant holding one.
fn floats(r: &Resolver<'_>, expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Array(a) = r.follow(expr) else {
        return None;
    };
    let values: Option<Vec<String>> = a.elems.iter().map(|e| r.resolve(e, 0)).collect();
    Some(format!("[{}]", values?.join(", ")))
}

/// `Matcher::Suffix("_seconds".into())` → `suffix _seconds`.
fn matcher_text(r: &Resolver<'_>, expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(c) = expr else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    let kind = ident_str(&p.path.segments.last()?.ident).to_lowercase();
    let [arg] = &c.args.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    Some(format!("{kind} {}", r.resolve(arg, 0)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn entries_of(src: &str) -> Vec<RawLedgerEntry> {
        with_parsed(src, |rust| entries(rust, "metrics_exporter_prometheus"))
    }

    fn value(e: &RawLedgerEntry, key: Key) -> Option<&Value> {
        assert_eq!(e.before, e.after, "the chain is left as written");
        e.before.get(&key)
    }

    #[test]
    fn listen_address_and_buckets_resolve_through_constants_and_config_defaults() {
        let found = entries_of(
            r#"
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
const BUCKETS: &[f64] = &[0.1, 1.0];
struct Cfg { addr: std::net::SocketAddr }
impl Default for Cfg { fn default() -> Self { Self { addr: ([127, 0, 0, 1], 9000).into() } } }
fn a(cfg: &Cfg) -> anyhow::Result<()> {
    PrometheusBuilder::new()
        .with_http_listener(cfg.addr)
        .set_buckets_for_metric(Matcher::Prefix("http_".to_string()), BUCKETS)?
        .set_buckets(&[0.5])?
        .install()?;
    Ok(())
}
fn b() {
    metrics_exporter_prometheus::PrometheusBuilder::new().with_http_listener(([0, 0, 0, 0], 9100)).install_recorder().unwrap();
}
"#,
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].signal, Signal::Metrics);
        assert_eq!(
            value(&found[0], Key::PrometheusListen),
            Some(&Value::resolved("127.0.0.1:9000 (config default)"))
        );
        assert_eq!(
            value(&found[0], Key::PrometheusBuckets),
            Some(&Value::resolved("prefix http_: [0.1, 1.0]; all: [0.5]"))
        );
        assert_eq!(
            value(&found[1], Key::PrometheusListen),
            Some(&Value::resolved("0.0.0.0:9100"))
        );
        assert_eq!(value(&found[1], Key::PrometheusBuckets), None);
    }

    #[test]
    fn near_misses_are_unresolved_or_not_entries() {
        let found = entries_of(
            r#"
use metrics_exporter_prometheus::PrometheusBuilder;
fn a(listen: std::net::SocketAddr, buckets: Vec<f64>) {
    PrometheusBuilder::new().with_http_listener(listen).set_buckets(&buckets).unwrap().install().unwrap();
    // Not a finished chain, and not this crate's builder.
    let _b = PrometheusBuilder::new().with_http_listener(listen);
    other::PrometheusBuilder::new().install();
}
"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            value(&found[0], Key::PrometheusListen),
            Some(&Value::unresolved("listen"))
        );
        assert_eq!(
            value(&found[0], Key::PrometheusBuckets),
            Some(&Value::unresolved("set_buckets(&buckets)"))
        );
    }
}
