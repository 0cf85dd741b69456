//! The ledger entry of a trace pipeline (Jaeger agent or collector, OTLP): what the old chain
//! exported and what its 0.27 replacement ([`TracePipeline`], the model the renderer writes)
//! exports.

use crate::engine::edit::TextRange;
use crate::engine::ledger::{Key, RawLedgerEntry, Settings, Signal, Value};
use crate::engine::syntax::ParsedRust;
use crate::otel::chain::{Chain, Link};
use crate::otel::exporter::Transport;
use crate::otel::trace::{Processing, Returns, TracePipeline};

use super::resolve::Resolver;
use super::settings::{batch, conditional, exporter, sampler, yes_no, ResourceView};

/// The exporter an old trace chain spoke through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OldTransport {
    JaegerAgent,
    JaegerCollector,
    Otlp,
}

impl OldTransport {
    fn of(rust: ParsedRust<'_>, links: &[Link<'_>]) -> OldTransport {
        let root = links
            .first()
            .and_then(|l| Chain::read(&l.call.receiver).root_path());
        let is =
            |name: &str| root.is_some_and(|p| rust.imports.is(p, &["opentelemetry_jaeger", name]));
        if is("new_agent_pipeline") {
            OldTransport::JaegerAgent
        } else if is("new_collector_pipeline") {
            OldTransport::JaegerCollector
        } else {
            OldTransport::Otlp
        }
    }

    fn protocol(self) -> Option<Value> {
        match self {
            OldTransport::JaegerAgent => Some(Value::resolved("jaeger-udp-thrift")),
            OldTransport::JaegerCollector => Some(Value::resolved("jaeger-http-thrift")),
            OldTransport::Otlp => None,
        }
    }
}

/// The entry of a rewritten trace pipeline at `site`: `links` are the old chain's (root first,
/// terminal last), `p` the model the 0.27 code is rendered from.
pub fn rewritten(
    rust: ParsedRust<'_>,
    site: TextRange,
    links: &[Link<'_>],
    p: &TracePipeline,
) -> RawLedgerEntry {
    let old = OldTransport::of(rust, links);
    let r = Resolver::new(rust);
    let mut before = Settings::new();
    let mut after = Settings::new();
    match old.protocol() {
        Some(protocol) => {
            // The Jaeger options as written: the model holds the mapped OTLP ones.
            before.insert(Key::Protocol, protocol);
            if let Some(arg) = find_arg(rust, links, "with_endpoint") {
                before.insert(Key::Endpoint, r.value(&arg));
            }
            if let Some(t) = &p.exporter.timeout {
                before.insert(Key::Timeout, r.value(&t.text));
            }
            // The rewrite maps the Jaeger addresses of the constants and config defaults that
            // feed the endpoint (otel::jaeger_endpoint): shown mapped after.
            let r_endpoint = Resolver {
                jaeger_feed: Some((
                    old == OldTransport::JaegerCollector,
                    p.exporter.transport == Transport::Http,
                )),
                ..r
            };
            exporter(&r, &r_endpoint, &p.exporter, &mut after);
        }
        None => {
            exporter(&r, &r, &p.exporter, &mut before);
            exporter(&r, &r, &p.exporter, &mut after);
        }
    }
    provider(&r, p, old, &mut before, Side::Before);
    provider(&r, p, old, &mut after, Side::After);
    RawLedgerEntry::rewritten(site, Signal::Traces, before, after)
}

/// The entry of a trace pipeline this tool recognized and left as written.
pub fn reported(rust: ParsedRust<'_>, site: TextRange, links: &[Link<'_>]) -> RawLedgerEntry {
    let r = Resolver::new(rust);
    let mut before = Settings::new();
    if let Some(protocol) = OldTransport::of(rust, links).protocol() {
        before.insert(Key::Protocol, protocol);
    }
    if let Some(arg) = find_arg(rust, links, "with_service_name") {
        before.insert(Key::ServiceName, r.value(&arg));
    }
    if let Some(arg) = super::otlp::endpoint_written(rust, links) {
        before.insert(Key::Endpoint, r.value(&arg));
    }
    RawLedgerEntry::reported(site, Signal::Traces, before)
}

/// The argument of the chain's `name(..)` link, as written.
fn find_arg(rust: ParsedRust<'_>, links: &[Link<'_>], name: &str) -> Option<String> {
    let link = links.iter().find(|l| l.name == name)?;
    Some(link.args_text(rust.file))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Before,
    After,
}

/// Service name, sampler, export, resource, registration and scope of one side.
fn provider(
    r: &Resolver<'_>,
    p: &TracePipeline,
    old: OldTransport,
    out: &mut Settings,
    side: Side,
) {
    let jaeger = old != OldTransport::Otlp;
    let resource = resource(r, p, jaeger, side);
    let service = p
        .service_name
        .as_ref()
        .map(|s| r.value(&s.text))
        .or_else(|| {
            let name = resource.as_ref()?.get("service.name")?.as_ref()?;
            Some(Value::resolved(name.clone()))
        });
    if let Some(s) = service {
        out.insert(Key::ServiceName, s);
    }
    if let Some(resource) = &resource {
        out.insert(Key::Resource, resource.value());
    } else if let Some(text) = p.resource.as_ref().or(p.opaque_config.as_ref()) {
        out.insert(
            Key::Resource,
            Value::unresolved(super::resolve::one_line(&text.text)),
        );
    }
    for (name, arg) in &p.setters {
        if name == "with_sampler" {
            out.insert(Key::Sampler, sampler(r, &arg.text));
        }
    }
    conditional(&p.conditional, out);
    let export = match &p.processing {
        Processing::Batch(_) => batch(r, p.batch_config.as_deref()),
        Processing::Simple => Value::resolved("simple"),
    };
    out.insert(Key::Export, export);
    out.insert(Key::GlobalRegistration, yes_no(p.registers_global));
    if let Returns::Tracer(scope) = &p.returns {
        let name = match &scope.version {
            Some(v) => format!("{} {v}", scope.name),
            None => scope.name.to_string(),
        };
        out.insert(Key::ScopeName, Value::Resolved(name));
    }
}

/// The resource of one side, when readable. Jaeger exported the default resource when its
/// trace config set none (the service name went as the process's name); the rewrite puts the
/// service name into the resource.
fn resource(r: &Resolver<'_>, p: &TracePipeline, jaeger: bool, side: Side) -> Option<ResourceView> {
    let written = match &p.resource {
        Some(text) => Some(ResourceView::read(r, &text.text)?),
        None => None,
    };
    if side == Side::Before || !jaeger {
        return match written {
            Some(w) => Some(w),
            None if jaeger && p.opaque_config.is_none() => Some(ResourceView {
                default: true,
                pairs: Vec::new(),
            }),
            None => None,
        };
    }
    let mut view = match written {
        Some(w) => w,
        None if p.keep_default_resource => ResourceView {
            default: true,
            pairs: Vec::new(),
        },
        None => ResourceView::empty(),
    };
    if let Some(s) = &p.service_name {
        view.merge(ResourceView {
            default: false,
            pairs: vec![("service.name".into(), r.resolve_text(&s.text))],
        });
    }
    Some(view)
}
