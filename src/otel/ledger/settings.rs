//! Reading ledger values out of the pieces every pipeline model shares: the exporter's
//! options, a resource, a sampler, batch settings, header maps.

use crate::engine::ledger::{Key, Settings, Value};
use crate::engine::syntax::ident_str;
use crate::otel::chain::Chain;
use crate::otel::exporter::{ExporterConfig, PartEdit, Transport};

use super::resolve::{one_line, Resolver};

/// `yes` / `no`, for the flags of a ledger.
pub fn yes_no(flag: bool) -> Value {
    Value::resolved(if flag { "yes" } else { "no" })
}

/// The exporter a pipeline uses: its own options, or those of the one chain of the local (or
/// helper) that holds it; `None` when a local chooses among several at run time.
fn effective(e: &ExporterConfig) -> Option<&ExporterConfig> {
    let Some(kept) = &e.kept_in else {
        return Some(e);
    };
    let chains: Vec<&ExporterConfig> = kept
        .parts
        .iter()
        .filter_map(|p| match &p.edit {
            PartEdit::Chain(c) => Some(&**c),
            _ => None,
        })
        .collect();
    match chains[..] {
        [] => Some(e),
        [one] => Some(one),
        _ => None,
    }
}

/// The OTLP protocol of an exporter.
pub fn otlp_protocol(e: &ExporterConfig) -> Value {
    match (e.transport, e.protocol.as_ref().map(|p| p.text.as_str())) {
        (Transport::Grpc, _) => Value::resolved("otlp-grpc"),
        (Transport::Http, Some(p)) if p.ends_with("HttpBinary") => {
            Value::resolved("otlp-http-protobuf")
        }
        (Transport::Http, Some(p)) if p.ends_with("HttpJson") => Value::resolved("otlp-http-json"),
        (Transport::Http, Some(p)) => Value::unresolved(one_line(p)),
        // The HTTP exporter's default protocol depends on the crate's Cargo features.
        (Transport::Http, None) => Value::unresolved("otlp-http (protocol by Cargo features)"),
    }
}

/// The exporter's observable options into `out`: protocol, endpoint, headers, timeout,
/// compression, TLS, temporality. `r_endpoint` resolves the endpoint (constants the rewrite
/// edits are not followed there).
pub fn exporter(
    r: &Resolver<'_>,
    r_endpoint: &Resolver<'_>,
    e: &ExporterConfig,
    out: &mut Settings,
) {
    let Some(e) = effective(e) else {
        out.insert(Key::Protocol, otlp_protocol(e));
        out.insert(
            Key::Endpoint,
            Value::unresolved("one of several exporters, chosen at run time"),
        );
        return;
    };
    out.insert(Key::Protocol, otlp_protocol(e));
    if let Some(a) = &e.endpoint {
        out.insert(Key::Endpoint, r_endpoint.value(&a.text));
    } else if let Some(c) = &e.export_config {
        // `ExportConfig { endpoint, .. }`: the struct as written.
        out.insert(Key::Endpoint, Value::unresolved(one_line(&c.text)));
    }
    if let Some(h) = e.headers.as_ref().or(e.metadata.as_ref()) {
        out.insert(Key::Headers, headers(r, &h.text));
    }
    let simple = [
        (Key::Timeout, &e.timeout),
        (Key::Compression, &e.compression),
        (Key::Tls, &e.tls_config),
    ];
    for (key, arg) in simple {
        if let Some(a) = arg {
            out.insert(key, r.value(&a.text));
        }
    }
    for (name, arg) in e.passthrough.iter().chain(&e.unknown) {
        if let Some(v) = temporality(r, name, &arg.text) {
            out.insert(Key::Temporality, v);
        }
    }
}

/// The temporality an exporter option sets, if it is one.
pub fn temporality(r: &Resolver<'_>, method: &str, arg: &str) -> Option<Value> {
    match method {
        "with_delta_temporality" => Some(Value::resolved("delta")),
        "with_temporality" => Some(
            syn::parse_str::<syn::Path>(arg.trim())
                .ok()
                .and_then(|p| p.segments.last().map(|s| ident_str(&s.ident)))
                .filter(|v| matches!(v.as_str(), "Delta" | "Cumulative" | "LowMemory"))
                .map(|v| Value::resolved(v.to_lowercase()))
                .unwrap_or_else(|| r.value(arg)),
        ),
        "with_temporality_selector" => Some(Value::unresolved(one_line(arg))),
        _ => None,
    }
}

/// Header keys (never values: they may be secrets). An expression whose keys are not
/// readable is shown only when it holds no string literal.
pub fn headers(r: &Resolver<'_>, text: &str) -> Value {
    let keys = syn::parse_str::<syn::Expr>(text)
        .ok()
        .and_then(|e| header_keys(r, &e));
    match keys {
        Some(keys) if keys.is_empty() => Value::resolved("(none)"),
        Some(keys) => Value::resolved(keys.join(", ")),
        None if text.contains('"') => {
            Value::unresolved("(an expression holding literals, not shown)")
        }
        None => Value::unresolved(one_line(text)),
    }
}

/// `HashMap::from([(k, v), …])` (or an array of pairs): the resolved keys.
fn header_keys(r: &Resolver<'_>, expr: &syn::Expr) -> Option<Vec<String>> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let [syn::Expr::Array(pairs)] = &call.args.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    pairs
        .elems
        .iter()
        .map(|pair| match pair {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => r.resolve(&t.elems[0], 0),
            _ => None,
        })
        .collect()
}

/// A resource as its keys, with values where they resolve: `default + service.name=x, k`.
pub struct ResourceView {
    /// Built on `Resource::default()` (the SDK's detected attributes).
    pub default: bool,
    pub pairs: Vec<(String, Option<String>)>,
}

impl ResourceView {
    /// Reads `Resource::new([KeyValue::new(k, v), …])`, optionally
    /// `Resource::default().merge(&…)`; `None` for anything else.
    pub fn read(r: &Resolver<'_>, text: &str) -> Option<ResourceView> {
        let expr = syn::parse_str::<syn::Expr>(text).ok()?;
        Self::of_expr(r, &expr)
    }

    fn of_expr(r: &Resolver<'_>, expr: &syn::Expr) -> Option<ResourceView> {
        match expr {
            syn::Expr::MethodCall(m) if m.method == "merge" && m.args.len() == 1 => {
                let mut base = Self::of_expr(r, &m.receiver)?;
                let added = Self::of_expr(r, strip_ref(&m.args[0]))?;
                base.merge(added);
                Some(base)
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return None;
                };
                let names: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_str(&s.ident))
                    .collect();
                match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                    [.., "Resource", "default"] if c.args.is_empty() => Some(ResourceView {
                        default: true,
                        pairs: Vec::new(),
                    }),
                    [.., "Resource", "new"] if c.args.len() == 1 => Some(ResourceView {
                        default: false,
                        pairs: key_values(r, &c.args[0])?,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A resource that starts empty.
    pub fn empty() -> ResourceView {
        ResourceView {
            default: false,
            pairs: Vec::new(),
        }
    }

    /// `self.merge(&other)`: the other's values win.
    pub fn merge(&mut self, other: ResourceView) {
        self.default |= other.default;
        for (k, v) in other.pairs {
            self.pairs.retain(|(old, _)| *old != k);
            self.pairs.push((k, v));
        }
    }

    pub fn get(&self, key: &str) -> Option<&Option<String>> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn value(&self) -> Value {
        let mut parts: Vec<String> = Vec::new();
        if self.default {
            parts.push("default".into());
        }
        let pairs: Vec<String> = self
            .pairs
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect();
        if !pairs.is_empty() {
            parts.push(pairs.join(", "));
        }
        Value::resolved(parts.join(" + "))
    }
}

fn strip_ref(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Reference(r) => &r.expr,
        other => other,
    }
}

/// `vec![KeyValue::new(k, v), …]` or `[…]`: keys (resolved, else `None`) and values.
fn key_values(r: &Resolver<'_>, list: &syn::Expr) -> Option<Vec<(String, Option<String>)>> {
    let elems: Vec<syn::Expr> = match list {
        syn::Expr::Array(a) => a.elems.iter().cloned().collect(),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let tokens = &m.mac.tokens;
            let a: syn::ExprArray = syn::parse2(quote::quote!([#tokens])).ok()?;
            a.elems.into_iter().collect()
        }
        _ => return None,
    };
    elems
        .iter()
        .map(|kv| {
            let syn::Expr::Call(c) = kv else { return None };
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let tail: Vec<String> = p
                .path
                .segments
                .iter()
                .rev()
                .take(2)
                .map(|s| ident_str(&s.ident))
                .collect();
            if tail != ["new", "KeyValue"] || c.args.len() != 2 {
                return None;
            }
            let key = r.resolve(&c.args[0], 0)?;
            Some((key, r.resolve(&c.args[1], 0)))
        })
        .collect()
}

/// A sampler: `ParentBased(TraceIdRatioBased(0.5))` when every part resolves, else the
/// expression marked unresolved.
pub fn sampler(r: &Resolver<'_>, text: &str) -> Value {
    syn::parse_str::<syn::Expr>(text)
        .ok()
        .and_then(|e| sampler_of(r, &e))
        .map(Value::Resolved)
        .unwrap_or_else(|| Value::unresolved(one_line(text)))
}

fn sampler_of(r: &Resolver<'_>, e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) => Some(ident_str(&p.path.segments.last()?.ident)),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let name = ident_str(&p.path.segments.last()?.ident);
            let args: Option<Vec<String>> = c
                .args
                .iter()
                .map(|a| sampler_of(r, a).or_else(|| r.resolve(a, 0)))
                .collect();
            let args = args?;
            let boxed = name == "new" && p.path.segments.len() >= 2 && {
                let n = p.path.segments.len();
                p.path.segments[n - 2].ident == "Box"
            };
            if boxed {
                args.into_iter().next()
            } else {
                Some(format!("{name}({})", args.join(", ")))
            }
        }
        _ => None,
    }
}

/// `batch` with its settings: `batch(max_queue_size=4096, scheduled_delay=2s)`, read from the
/// `with_*` links of a batch config chain (old `BatchConfig` or 0.27 `BatchConfigBuilder`).
pub fn batch(r: &Resolver<'_>, config: Option<&str>) -> Value {
    let Some(text) = config else {
        return Value::resolved("batch");
    };
    let Ok(expr) = syn::parse_str::<syn::Expr>(text) else {
        return Value::unresolved(one_line(text));
    };
    let chain = Chain::read(&expr);
    let settings: Option<Vec<String>> = chain
        .links
        .iter()
        .filter_map(|l| {
            let name = l.name.strip_prefix("with_")?;
            let value = l.args().first().and_then(|a| r.resolve(a, 0));
            Some(value.map(|v| format!("{name}={v}")))
        })
        .collect();
    match settings {
        // A config built elsewhere (a local, a helper) has no links to read here.
        Some(s) if !chain.links.is_empty() => Value::Resolved(format!("batch({})", s.join(", "))),
        _ => Value::unresolved(one_line(text)),
    }
}
