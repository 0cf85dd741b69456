//! Reading ledger values out of the pieces every pipeline model shares: the exporter's
//! options, a resource, a sampler, batch settings, header maps.

use crate::engine::ledger::{Key, Settings, Value};
use crate::engine::syntax::ident_str;
use crate::otel::chain::Chain;
use crate::otel::conditional_links::ConditionalLinks;
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
    // A helper's options are not read here: nothing to tell of them.
    if kept
        .parts
        .iter()
        .any(|p| matches!(p.edit, PartEdit::PassedTo(..)))
    {
        return None;
    }
    let chains: Vec<&ExporterConfig> = kept
        .parts
        .iter()
        .filter_map(|p| match &p.edit {
            PartEdit::Chain(c) | PartEdit::Builder(c, _) | PartEdit::Refined(c, _) => Some(&**c),
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

/// Settings applied under a condition (`if c { p = p.with_sampler(..) }`), the same before
/// and after: the key shows the condition, the setting and what holds otherwise.
pub fn conditional(links: &[ConditionalLinks], out: &mut Settings) {
    for c in links {
        for (name, arg) in &c.links {
            let key = match name.as_str() {
                "with_sampler" => Key::Sampler,
                "with_resource" => Key::Resource,
                "with_interval" | "with_period" => Key::ReaderInterval,
                "with_batch_config" => Key::Export,
                _ => continue,
            };
            let otherwise = out
                .get(&key)
                .map(Value::shown)
                .unwrap_or_else(|| "(default)".into());
            let set = format!(
                "{} {{ .{name}({}) }} else {otherwise}",
                one_line(&c.condition),
                one_line(&arg.text)
            );
            out.insert(key, Value::unresolved(set));
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
            syn::Expr::Call(_) => {
                let (c, names) = call_path(expr)?;
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

/// A call of a path (`Resource::new(..)`): the call and the path's segments.
fn call_path(e: &syn::Expr) -> Option<(&syn::ExprCall, Vec<String>)> {
    let syn::Expr::Call(c) = e else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    Some((
        c,
        p.path
            .segments
            .iter()
            .map(|s| ident_str(&s.ident))
            .collect(),
    ))
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
            let (c, names) = call_path(kv)?;
            if !names.ends_with(&["KeyValue".to_string(), "new".to_string()]) || c.args.len() != 2 {
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

/// The SDK's samplers, by variant name: a path naming anything else is a value, not one.
const SAMPLERS: &[&str] = &[
    "AlwaysOn",
    "AlwaysOff",
    "ParentBased",
    "TraceIdRatioBased",
    "JaegerRemote",
];

fn sampler_of(r: &Resolver<'_>, e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) => Some(ident_str(&p.path.segments.last()?.ident))
            .filter(|n| SAMPLERS.contains(&n.as_str())),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let name = ident_str(&p.path.segments.last()?.ident);
            let args: Option<Vec<String>> = c
                .args
                .iter()
                .map(|a| r.resolve(a, 0).or_else(|| sampler_of(r, a)))
                .collect();
            let args = args?;
            let boxed = name == "new" && p.path.segments.len() >= 2 && {
                let n = p.path.segments.len();
                p.path.segments[n - 2].ident == "Box"
            };
            if boxed {
                args.into_iter().next()
            } else {
                SAMPLERS
                    .contains(&name.as_str())
                    .then(|| format!("{name}({})", args.join(", ")))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;
    use crate::otel::exporter::Arg;

    const FILE: &str = r#"
use opentelemetry_semantic_conventions::resource;
const TOKEN_HEADER: &str = "x-token";
const RATIO: f64 = 0.25;
const QUEUE: usize = 2048;
"#;

    fn with(f: impl FnOnce(&Resolver<'_>)) {
        with_parsed(FILE, |rust| f(&Resolver::new(rust)));
    }

    #[test]
    fn header_keys_are_shown_and_values_never() {
        with(|r| {
            let v = headers(
                r,
                r#"HashMap::from([("authorization".to_string(), format!("Bearer {t}")), (TOKEN_HEADER.into(), "secret".into())])"#,
            );
            assert_eq!(v, Value::resolved("authorization, x-token"));
            // Keys that do not resolve: the expression is shown only without literals.
            assert_eq!(
                headers(r, r#"HashMap::from([(key(), "secret".into())])"#),
                Value::unresolved("(an expression holding literals, not shown)")
            );
            assert_eq!(
                headers(r, "otlp_headers()"),
                Value::unresolved("otlp_headers()")
            );
            assert_eq!(headers(r, "HashMap::from([])"), Value::resolved("(none)"));
        });
    }

    #[test]
    fn resources_show_keys_and_known_values_and_the_default_base() {
        with(|r| {
            let v = ResourceView::read(
                r,
                r#"Resource::default().merge(&Resource::new(vec![KeyValue::new(resource::SERVICE_NAME, "llm.a"), KeyValue::new("host", host())]))"#,
            )
            .unwrap();
            assert_eq!(
                v.value(),
                Value::resolved("default + service.name=llm.a, host")
            );
            assert_eq!(v.get("service.name"), Some(&Some("llm.a".to_string())));
            let arr = ResourceView::read(r, r#"Resource::new([KeyValue::new("k", 1)])"#).unwrap();
            assert_eq!(arr.value(), Value::resolved("k=1"));
            // A key that is not a known constant, and a resource built elsewhere: unreadable.
            assert!(
                ResourceView::read(r, "Resource::new(vec![KeyValue::new(key(), 1)])").is_none()
            );
            assert!(ResourceView::read(r, "resource(settings)").is_none());
        });
    }

    #[test]
    fn a_later_merge_wins_for_its_keys() {
        let mut base = ResourceView {
            default: false,
            pairs: vec![
                ("service.name".into(), Some("a".into())),
                ("k".into(), None),
            ],
        };
        base.merge(ResourceView {
            default: true,
            pairs: vec![("service.name".into(), Some("b".into()))],
        });
        assert_eq!(base.value(), Value::resolved("default + k, service.name=b"));
    }

    #[test]
    fn samplers_resolve_through_boxes_and_constants_or_stay_as_written() {
        with(|r| {
            assert_eq!(
                sampler(
                    r,
                    "Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(RATIO)))"
                ),
                Value::resolved("ParentBased(TraceIdRatioBased(0.25))")
            );
            assert_eq!(
                sampler(r, "sdktrace::Sampler::AlwaysOn"),
                Value::resolved("AlwaysOn")
            );
            assert_eq!(
                sampler(r, "Sampler::TraceIdRatioBased(cfg.ratio)"),
                Value::unresolved("Sampler::TraceIdRatioBased(cfg.ratio)")
            );
            // A function of the service's, or a path that names no sampler: not a sampler.
            assert_eq!(
                sampler(r, "my_sampler(0.5)"),
                Value::unresolved("my_sampler(0.5)")
            );
            assert_eq!(
                sampler(r, "Sampler::ParentBased(Box::new(CUSTOM))"),
                Value::unresolved("Sampler::ParentBased(Box::new(CUSTOM))")
            );
        });
    }

    #[test]
    fn batch_settings_read_the_same_from_old_and_new_configs() {
        with(|r| {
            let old = batch(
                r,
                Some("BatchConfig::default().with_max_queue_size(QUEUE).with_scheduled_delay(Duration::from_millis(500))"),
            );
            let new = batch(
                r,
                Some("BatchConfigBuilder::default().with_max_queue_size(QUEUE).with_scheduled_delay(Duration::from_millis(500)).build()"),
            );
            assert_eq!(
                old,
                Value::resolved("batch(max_queue_size=2048, scheduled_delay=500ms)")
            );
            assert_eq!(old, new);
            assert_eq!(batch(r, None), Value::resolved("batch"));
            assert_eq!(batch(r, Some("config")), Value::unresolved("config"));
            assert_eq!(
                batch(r, Some("BatchConfig::default().with_max_queue_size(n)")),
                Value::unresolved("BatchConfig::default().with_max_queue_size(n)")
            );
        });
    }

    #[test]
    fn temporality_and_protocol() {
        with(|r| {
            assert_eq!(
                temporality(r, "with_delta_temporality", ""),
                Some(Value::resolved("delta"))
            );
            assert_eq!(
                temporality(r, "with_temporality", "Temporality::Cumulative"),
                Some(Value::resolved("cumulative"))
            );
            assert_eq!(
                temporality(r, "with_temporality_selector", "MySelector"),
                Some(Value::unresolved("MySelector"))
            );
            assert_eq!(temporality(r, "with_timeout", "x"), None);
        });
        let mut e = ExporterConfig::new(Transport::Http);
        assert_eq!(
            otlp_protocol(&e),
            Value::unresolved("otlp-http (protocol by Cargo features)")
        );
        e.protocol = Some(Arg::new("Protocol::HttpJson"));
        assert_eq!(otlp_protocol(&e), Value::resolved("otlp-http-json"));
        e.protocol = Some(Arg::new("opentelemetry_otlp::Protocol::HttpBinary"));
        assert_eq!(otlp_protocol(&e), Value::resolved("otlp-http-protobuf"));
        e.transport = Transport::Grpc;
        assert_eq!(otlp_protocol(&e), Value::resolved("otlp-grpc"));
    }

    #[test]
    fn exporter_options_fill_their_keys() {
        with(|r| {
            let mut e = ExporterConfig::new(Transport::Grpc);
            e.endpoint = Some(Arg::new("\"http://c:4317\""));
            e.timeout = Some(Arg::new("Duration::from_secs(3)"));
            e.compression = Some(Arg::new("Compression::Gzip"));
            e.metadata = Some(Arg::new("metadata"));
            e.passthrough
                .push(("with_delta_temporality".into(), Arg::new("")));
            let mut out = Settings::new();
            exporter(r, r, &e, &mut out);
            let get = |k| out.get(&k).cloned();
            assert_eq!(get(Key::Endpoint), Some(Value::resolved("http://c:4317")));
            assert_eq!(get(Key::Timeout), Some(Value::resolved("3s")));
            assert_eq!(
                get(Key::Compression),
                Some(Value::unresolved("Compression::Gzip"))
            );
            assert_eq!(get(Key::Headers), Some(Value::unresolved("metadata")));
            assert_eq!(get(Key::Temporality), Some(Value::resolved("delta")));
            assert_eq!(get(Key::Tls), None);
        });
    }
}
