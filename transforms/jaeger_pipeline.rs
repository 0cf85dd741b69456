//! # jaeger-pipeline
//!
//! ## What it does
//! There is no Jaeger exporter for OpenTelemetry 0.27; Jaeger accepts OTLP natively. This
//! transform rewrites `opentelemetry_jaeger::new_agent_pipeline()` chains to an OTLP/gRPC
//! `SpanExporter` (agent `host:6831` → `http://host:4317`) and `new_collector_pipeline()` chains
//! to OTLP/HTTP (`…:14268/api/traces` → `…:4318/v1/traces`), plus a `TracerProvider` with the old
//! trace config's settings (sampler, id generator, limits, resource). The service name goes into
//! the resource as `service.name`; where the old pipeline exported the default resource, the
//! defaults are kept (`Resource::default().merge(&Resource::new(..))`). `install_batch` /
//! `install_simple` returned a `Tracer` and registered the provider globally, so the rewrite adds
//! `global::set_tracer_provider(provider.clone())` and derives the tracer with the old scope
//! (`opentelemetry-jaeger`, the crate version, the schema URL); `build_batch` / `build_simple`
//! returned the provider. `opentelemetry_jaeger::Propagator` becomes
//! `opentelemetry_jaeger_propagator::Propagator`. Placement keeps the old expression's type
//! (statements for `let t = …?;`, a same-typed `Result` elsewhere).
//!
//! ## Before
//! ```rust,ignore
//! let tracer = opentelemetry_jaeger::new_agent_pipeline()
//!     .with_service_name("demo")
//!     .with_endpoint("localhost:6831")
//!     .with_auto_split_batch(true)
//!     .install_batch(runtime::Tokio)?;
//! ```
//!
//! ## After
//! ```rust,ignore
//! let exporter = SpanExporter::builder()
//!     .with_tonic()
//!     .with_endpoint("http://localhost:4317")
//!     .build()?;
//! let provider = TracerProvider::builder()
//!     .with_batch_exporter(exporter, runtime::Tokio)
//!     .with_resource(Resource::default().merge(&Resource::new(vec![KeyValue::new("service.name", "demo")])))
//!     .build();
//! global::set_tracer_provider(provider.clone());
//! let tracer = provider.tracer_with_scope(InstrumentationScope::builder("opentelemetry-jaeger").with_version("0.20.0").with_schema_url("https://opentelemetry.io/schemas/1.21.0").build());
//! ```
//!
//! ## Not rewritten
//! - Jaeger-only options with no OTLP counterpart (`with_auto_split_batch`, `with_max_packet_size`,
//!   `with_instrumentation_library_tags`, collector `with_username`/`with_password`) are removed
//!   with a `warning`; a conditional statement that only sets them is removed the same way.
//! - Endpoints that are not literals are passed through with a `warning` (they must now be OTLP
//!   URLs); the `const`s and `static`s they read (in any file of the package) and the
//!   initializers of the config fields they read are rewritten where they hold a Jaeger
//!   address, with the same literal in that file's `assert*!` bodies (`otel::jaeger_endpoint`).
//! - A pipeline kept in a local that is used in other ways, unknown options, and macro bodies that
//!   do not parse are `error` findings with the manual fix.
//! - Jaeger environment variables named in code (`JAEGER_AGENT_ENDPOINT`, `OTEL_EXPORTER_JAEGER_*`)
//!   get a `warning` naming the OTLP variable that replaces them. Every rewritten site gets a
//!   `note`: the agent/collector must now accept OTLP on 4317 (gRPC) / 4318 (HTTP).
//!
//! ## Safety
//! Argument expressions are spliced verbatim; comments inside the chain are carried over.
//! The replacement has the old expression's type, so signatures and callers keep compiling.
//! Needs `opentelemetry_sdk` ≥ 0.27.1 (provider-builder setters) and `opentelemetry-otlp` 0.27
//! (`grpc-tonic`, or `http-proto` + `reqwest-client` for collector pipelines).

use std::cell::RefCell;

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{
    ident_str, item_named_in, module_path, path_segments, range_of, range_of_span, text_of,
    ImportMap, ParsedRust,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::chain::{Chain, Link};
use crate::otel::exporter::{Arg, ExporterConfig, Transport};
use crate::otel::jaeger_endpoint::{
    feed_edits, map_endpoint_literal, EndpointFeed, FeedSource, Lits,
};
use crate::otel::placement::trace_sites::{self, ParseSite, Parsed, PipelineSyntax};
use crate::otel::trace::{self as model, Processing, TraceConfig, TracePipeline};
use crate::transforms::helper_facts;

pub struct JaegerPipeline;

impl Transform for JaegerPipeline {
    fn id(&self) -> &'static str {
        "jaeger-pipeline"
    }

    fn description(&self) -> &'static str {
        "opentelemetry-jaeger agent/collector pipelines → OTLP SpanExporter + TracerProvider (0.27)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        // The agent and collector ports: a file that only holds a default address.
        &["jaeger", "JAEGER", "6831", "14268"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_none_or(PackageInfo::uses_opentelemetry)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let syntax_for = |module: Vec<String>| JaegerSyntax {
            version: cx
                .package
                .and_then(|p| p.version("opentelemetry-jaeger"))
                .cloned(),
            without_tokio: cx.package.is_some_and(|p| !p.depends_on("tokio")),
            crate_name: cx
                .package
                .map(|p| p.name.replace('-', "_"))
                .unwrap_or_default(),
            module,
            feeds: RefCell::default(),
        };
        let module = cx
            .package
            .map(|p| module_path(&p.dir, cx.file.path()))
            .unwrap_or_default();
        let syntax = syntax_for(module);
        let mut changes = trace_sites::run(cx.rust(), &syntax, |out, _| {
            Paths { cx, out }.visit_file(cx.syntax());
            // Constants, statics and config fields feeding an endpoint, of any file of the
            // package (this one's sites included), hold OTLP endpoints now.
            let mut feeds = syntax.feeds.take();
            if let Some(pkg) = cx.package {
                let sites = |rust: ParsedRust<'_>, module: Vec<String>| {
                    let dry = syntax_for(module);
                    let (mut o, mut plans) = (Changes::default(), Default::default());
                    trace_sites::rewrite_file(rust, &dry, &mut o, &mut plans);
                    dry.feeds.take()
                };
                feeds.extend(
                    helper_facts::endpoint_feeds_of(cx.project, pkg, &sites)
                        .iter()
                        .cloned(),
                );
            }
            for (range, text) in feed_edits(cx.file, cx.syntax(), &syntax.module, &feeds) {
                out.replace(range, text);
            }
        });
        helper_facts::resolve_ledger(cx, &mut changes.ledger);
        changes.into()
    }
}

/// The Jaeger pipelines, with the facts of the package they are read in.
struct JaegerSyntax {
    /// The source version of opentelemetry-jaeger (what `install_*` returned depends on it).
    version: Option<semver::Version>,
    /// The package does not depend on tokio (a simple agent pipeline then goes to OTLP/HTTP).
    without_tokio: bool,
    /// The package's library name and this file's module path (constants' paths resolve
    /// from it).
    crate_name: String,
    module: Vec<String>,
    /// The values the endpoints read from outside the call, recorded while parsing.
    feeds: RefCell<Vec<EndpointFeed>>,
}

/// Options that no longer exist and are dropped.
const REMOVED: &[&str] = &[
    "with_auto_split_batch",
    "with_max_packet_size",
    "with_instrumentation_library_tags",
    "with_username",
    "with_password",
];

/// Collector HTTP clients: Cargo features of opentelemetry-otlp in 0.27.
const CLIENTS: &[(&str, &str)] = &[
    ("with_reqwest", "reqwest-client"),
    ("with_reqwest_blocking", "reqwest-blocking-client"),
    ("with_hyper", "hyper-client"),
    ("with_isahc", "reqwest-client"),
    ("with_surf", "reqwest-client"),
];

impl PipelineSyntax for JaegerSyntax {
    fn is_root(&self, imports: &ImportMap, chain: &Chain<'_>) -> bool {
        let Some(root) = chain.root_path() else {
            return false;
        };
        let i = imports;
        i.is(root, &["opentelemetry_jaeger", "new_agent_pipeline"])
            || i.is(root, &["opentelemetry_jaeger", "new_collector_pipeline"])
    }

    fn removable(&self, name: &str) -> bool {
        REMOVED.contains(&name)
    }

    fn mentions(&self) -> &'static [&'static str] {
        &["new_agent_pipeline", "new_collector_pipeline"]
    }

    fn after_rewrite(&self, site: TextRange, out: &mut Changes) {
        out.finding(
            site,
            Severity::Note,
            "this Jaeger pipeline now exports OTLP: the agent/collector it talks to must accept OTLP on port 4317 (gRPC) / 4318 (HTTP) — Jaeger ≥ 1.35 does with `COLLECTOR_OTLP_ENABLED=true` (default since 1.38); the `OTEL_EXPORTER_JAEGER_*` variables are no longer read (use `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `…_TIMEOUT`, `…_HEADERS`)",
            "a deployment change, not only a code change: open the OTLP ports on the Jaeger side",
        );
    }

    fn parse(&self, links: &[Link<'_>], at: ParseSite<'_, '_>) -> Option<Parsed> {
        let ParseSite {
            rust,
            names,
            site,
            out,
        } = at;
        let file = rust.file;
        let imports = rust.imports;
        let first = links.first()?;
        let root = Chain::read(&first.call.receiver).root_path()?;
        let collector = imports.is(root, &["opentelemetry_jaeger", "new_collector_pipeline"]);
        let (terminal, options) = links.split_last()?;
        let terminal_facts = model::read_terminal(
            rust,
            "opentelemetry-jaeger",
            self.version.as_ref(),
            terminal,
            out,
            "the Jaeger pipeline",
            "use `opentelemetry_sdk::runtime::Tokio` (or `TokioCurrentThread`/`AsyncStd`) and rewrite to `TracerProvider::builder().with_batch_exporter(exporter, runtime)`",
        )?;
        // tonic needs a Tokio runtime when the exporter is built; a simple agent pipeline in a
        // package without tokio goes to OTLP/HTTP (blocking client) instead.
        let http = collector
            || (matches!(terminal_facts.processing, Processing::Simple) && self.without_tokio);
        let mut exporter = ExporterConfig::new(if http {
            Transport::Http
        } else {
            Transport::Grpc
        });
        if http {
            exporter.protocol = Some(Arg::new(format!(
                "{}::HttpBinary",
                names.name("opentelemetry_otlp::Protocol")
            )));
        }
        let mut p = TracePipeline::new(exporter, terminal_facts);
        p.keep_default_resource = true;
        let mut carried = Vec::new();
        for link in options {
            let args_range = link.args_range(file);
            match link.name.as_str() {
                "with_service_name" => {
                    p.service_name = Some(Arg::of_link(file, link, Vec::new()));
                    carried.push(args_range);
                }
                "with_endpoint" => {
                    let arg = link.call.args.first()?;
                    let text = self.map_endpoint(rust, arg, (collector, http), out);
                    p.exporter.endpoint = Some(Arg::new(text));
                    carried.push(args_range);
                }
                "with_timeout" if collector => {
                    p.exporter.timeout = Some(Arg::of_link(file, link, Vec::new()));
                    carried.push(args_range);
                }
                "with_trace_config" => {
                    let arg = link.call.args.first()?;
                    match model::trace_config(rust, link, arg, &mut p, out) {
                        TraceConfig::Unfolded(Some(r)) => {
                            p.resource = Some(r);
                            p.keep_default_resource = false;
                        }
                        TraceConfig::Unfolded(None) => {}
                        TraceConfig::Opaque => p.keep_default_resource = false,
                    }
                    carried.push(args_range);
                }
                "with_batch_processor_config" => {
                    let arg = link.call.args.first()?;
                    p.batch_config = Some(model::convert_batch_config(file, imports, names, arg));
                    carried.push(args_range);
                }
                n if REMOVED.contains(&n) => {
                    let why = if n == "with_username" || n == "with_password" {
                        "the collector's basic-auth credentials are no longer sent; pass an `Authorization` header with `.with_headers(..)` on the exporter builder, or set `OTEL_EXPORTER_OTLP_TRACES_HEADERS=Authorization=Basic%20<base64 user:password>`"
                    } else {
                        "nothing to do in code; it tuned the Jaeger UDP/Thrift transport, which OTLP does not use"
                    };
                    out.finding(
                        link.range(file),
                        Severity::Warning,
                        format!("`.{n}(..)` has no OTLP counterpart and was removed"),
                        why,
                    );
                }
                n if CLIENTS.iter().any(|(m, _)| *m == n) => {
                    let feature = CLIENTS
                        .iter()
                        .find(|(m, _)| *m == n)
                        .map(|(_, f)| *f)
                        .unwrap_or_default();
                    let sev = if n == "with_isahc" || n == "with_surf" {
                        Severity::Warning
                    } else {
                        Severity::Note
                    };
                    out.finding(
                        link.range(file),
                        sev,
                        format!("`.{n}()` is now the opentelemetry-otlp Cargo feature `{feature}` (with `http-proto`)"),
                        format!("enable `opentelemetry-otlp = {{ version = \"0.27\", features = [\"http-proto\", \"{feature}\"] }}`"),
                    );
                }
                "with_http_client" => {
                    p.exporter.passthrough.push((
                        "with_http_client".into(),
                        Arg::of_link(file, link, Vec::new()),
                    ));
                    carried.push(args_range);
                    out.finding(
                        link.range(file),
                        Severity::Warning,
                        "the custom HTTP client is passed to the OTLP exporter's `with_http_client`: it must implement `opentelemetry_http::HttpClient` of 0.27",
                        "check the client's crate version matches opentelemetry-http 0.27",
                    );
                }
                other => {
                    out.finding(
                        link.range(file),
                        Severity::Error,
                        format!("`.{other}(..)` on a Jaeger pipeline is not known to this tool; the pipeline was not rewritten"),
                        "rewrite this pipeline by hand to `SpanExporter::builder().with_tonic()…build()?` + `TracerProvider::builder()…build()` (otel-0.27-migration.md §3.1)",
                    );
                    return None;
                }
            }
        }
        if matches!(p.processing, Processing::Simple) && !http {
            out.finding(
                terminal.range(file),
                Severity::Warning,
                "the Jaeger agent's simple exporter sent each span synchronously over UDP; the OTLP/gRPC exporter behind `with_simple_exporter` blocks on a tonic call for each span, which needs a multi-threaded Tokio runtime around it",
                "prefer `.with_batch_exporter(exporter, runtime::Tokio)`, or keep the simple exporter only where a multi-threaded Tokio runtime runs",
            );
        }
        if p.opaque_config.is_some() && p.service_name.is_some() {
            out.finding(
                site,
                Severity::Warning,
                "the service name is set as the provider's resource, which replaces the resource of the trace config passed to `with_config(..)`",
                "merge the config's resource attributes into the `Resource::new(..)` of `.with_resource(..)`",
            );
        }
        Some(Parsed {
            pipeline: p,
            carried,
        })
    }
}

impl JaegerSyntax {
    /// The OTLP endpoint for an old Jaeger endpoint argument; the constants and fields it reads
    /// are recorded as feeds (rewritten with the file that defines them).
    fn map_endpoint(
        &self,
        rust: ParsedRust<'_>,
        arg: &syn::Expr,
        (collector, http): (bool, bool),
        out: &mut Changes,
    ) -> String {
        let file = rust.file;
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = arg
        {
            return match map_endpoint_literal(&s.value(), collector, http) {
                Some(mapped) => format!("{mapped:?}"),
                None => {
                    out.finding(range_of(file, arg), Severity::Warning, "this endpoint is not a Jaeger agent/collector address this tool can map; it was kept", "use an OTLP URL: `http://host:4317` (gRPC) or `http://host:4318/v1/traces` (HTTP)");
                    text_of(file, arg).to_string()
                }
            };
        }
        let feed = |source| EndpointFeed {
            source,
            collector,
            http,
        };
        let mut consts = ConstRefs { paths: Vec::new() };
        consts.visit_expr(arg);
        for path in &consts.paths {
            let resolved = rust.imports.resolve_segments(path);
            if let Some((module, name)) =
                item_named_in(rust.syntax, &self.module, &resolved, &self.crate_name)
            {
                self.feeds
                    .borrow_mut()
                    .push(feed(FeedSource::Item { module, name }));
            }
        }
        // Same-file constants holding the old default are rewritten (with the file's feeds).
        let rewrote = rust.syntax.items.iter().any(|item| {
            let (ident, expr) = match item {
                syn::Item::Const(c) => (&c.ident, &*c.expr),
                syn::Item::Static(s) => (&s.ident, &*s.expr),
                _ => return false,
            };
            consts.paths.iter().any(|p| p.len() == 1 && ident == &p[0])
                && matches!(expr, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                    if map_endpoint_literal(&s.value(), collector, http).is_some())
        });
        // A config field fed into the endpoint: its Jaeger-address initializers are rewritten
        // (in this file and the package's others); this file's are named in the finding.
        let mut fields = FieldRefs::default();
        fields.visit_expr(arg);
        self.feeds.borrow_mut().extend(
            fields
                .names
                .iter()
                .map(|f| feed(FeedSource::Field(f.clone()))),
        );
        let mut defaults = FieldDefaults {
            names: fields.names,
            collector,
            http,
            file,
            found: Vec::new(),
        };
        defaults.visit_file(rust.syntax);
        let expected = if http {
            "http://host:4318/v1/traces"
        } else {
            "http://host:4317"
        };
        let old = if collector {
            "http://host:14268/api/traces"
        } else {
            "host:6831"
        };
        let message = if rewrote {
            format!("the endpoint `{}` is passed through; its constant default was changed to the OTLP endpoint, but values supplied at run time must be OTLP URLs (`{expected}`) too, not Jaeger addresses (`{old}`)", text_of(file, arg))
        } else {
            format!("the endpoint `{}` is passed through unchanged: it must now be an OTLP URL (`{expected}`), not a Jaeger address (`{old}`)", text_of(file, arg))
        };
        let mut suggestion = format!(
            "update the defaults, configuration files and environment that feed it to `{expected}`"
        );
        for (line, old, new) in &defaults.found {
            suggestion.push_str(&format!(
                "; the default {old:?} on line {line} becomes {new:?} (and tests asserting it)"
            ));
        }
        out.finding(range_of(file, arg), Severity::Warning, message, suggestion);
        text_of(file, arg).to_string()
    }
}

/// Field names read in an endpoint expression (`cfg.agent_endpoint.as_str()` → `agent_endpoint`).
#[derive(Default)]
struct FieldRefs {
    names: Vec<String>,
}

impl<'a> Visit<'a> for FieldRefs {
    fn visit_expr_field(&mut self, f: &'a syn::ExprField) {
        if let syn::Member::Named(n) = &f.member {
            self.names.push(ident_str(n));
        }
        syn::visit::visit_expr_field(self, f);
    }
}

/// Struct-literal initializers of those fields holding a Jaeger address literal.
struct FieldDefaults<'f> {
    names: Vec<String>,
    collector: bool,
    http: bool,
    file: &'f crate::engine::source::SourceFile,
    found: Vec<(usize, String, String)>,
}

impl<'a> Visit<'a> for FieldDefaults<'_> {
    fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
        if let syn::Member::Named(n) = &fv.member {
            if self.names.contains(&ident_str(n)) {
                let mut lits = Lits::default();
                lits.visit_expr(&fv.expr);
                for l in lits.found {
                    if let Some(new) = map_endpoint_literal(&l.value(), self.collector, self.http) {
                        let (line, _) = self.file.line_col(range_of(self.file, &l).start);
                        self.found.push((line, l.value(), new));
                    }
                }
            }
        }
        syn::visit::visit_field_value(self, fv);
    }
}

/// Paths read in an endpoint expression that name constants (`DEFAULT_AGENT`,
/// `config::AGENT_ENDPOINT`): their last segment is upper case.
struct ConstRefs {
    paths: Vec<Vec<String>>,
}

impl<'a> Visit<'a> for ConstRefs {
    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        let segments = path_segments(&p.path);
        let is_const = segments.last().is_some_and(|l| {
            l.chars().any(|c| c.is_ascii_uppercase()) && !l.chars().any(|c| c.is_ascii_lowercase())
        });
        if p.qself.is_none() && is_const {
            self.paths.push(segments);
        }
    }
}

/// `opentelemetry_jaeger::Propagator` paths and Jaeger environment variable names.
struct Paths<'a, 'c> {
    cx: &'a FileContext<'c>,
    out: &'a mut Changes,
}

const PROPAGATOR: &[&str] = &["opentelemetry_jaeger", "Propagator"];

impl Paths<'_, '_> {
    /// `opentelemetry_jaeger::Propagator[::new]` (or through an alias of the crate): the first
    /// two segments name the propagator crate's type instead.
    fn path(&mut self, path: &syn::Path) {
        let imports = self.cx.imports();
        let segs: Vec<&syn::PathSegment> = path.segments.iter().collect();
        if segs.len() < 2 || segs[1].ident != "Propagator" {
            return;
        }
        let first = imports.resolve_segments(&[ident_str(&segs[0].ident)]);
        if first.iter().map(String::as_str).eq([PROPAGATOR[0]]) {
            let start = range_of(self.cx.file, path).start;
            let end = range_of_span(self.cx.file, segs[1].ident.span()).end;
            self.out.replace(
                TextRange::new(start, end),
                "opentelemetry_jaeger_propagator::Propagator",
            );
        }
    }
}

impl<'a> Visit<'a> for Paths<'_, '_> {
    fn visit_path(&mut self, p: &'a syn::Path) {
        self.path(p);
        syn::visit::visit_path(self, p);
    }

    fn visit_type_path(&mut self, t: &'a syn::TypePath) {
        let resolved = self.cx.imports().resolve(&t.path);
        if let [krate, name] = resolved.as_slice() {
            if krate == "opentelemetry_jaeger" && name != "Propagator" {
                self.out.finding(
                    range_of(self.cx.file, t),
                    Severity::Error,
                    format!("`opentelemetry_jaeger::{name}` has no 0.27 counterpart (there is no Jaeger exporter for 0.27)"),
                    "pass the 0.27 pieces instead: a `SpanExporter` (OTLP, `SpanExporter::builder().with_tonic()…build()?`) or a `TracerProvider`, and update the callers",
                );
            }
        }
        syn::visit::visit_type_path(self, t);
    }

    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        // `use opentelemetry_jaeger::Propagator;` → the propagator crate.
        if let syn::UseTree::Path(p) = &u.tree {
            let name = match &*p.tree {
                syn::UseTree::Name(n) => Some(&n.ident),
                syn::UseTree::Rename(r) => Some(&r.ident),
                _ => None,
            };
            if p.ident == "opentelemetry_jaeger" && name.is_some_and(|n| n == "Propagator") {
                let r = range_of_span(self.cx.file, p.ident.span());
                self.out.replace(r, "opentelemetry_jaeger_propagator");
            } else if p.ident == "opentelemetry_jaeger"
                && matches!(&*p.tree, syn::UseTree::Group(g) if g.items.iter().any(|t| matches!(t, syn::UseTree::Name(n) if n.ident == "Propagator")))
            {
                self.out.finding(
                    range_of(self.cx.file, u),
                    Severity::Error,
                    "the Jaeger propagator moved to the crate `opentelemetry_jaeger_propagator`; this grouped import was not split",
                    "write `use opentelemetry_jaeger_propagator::Propagator;` and remove `Propagator` from this group",
                );
            }
        }
    }

    fn visit_lit_str(&mut self, s: &'a syn::LitStr) {
        if let Some((replacement, what)) = env_replacement(&s.value()) {
            self.out.finding(
                range_of(self.cx.file, s),
                Severity::Warning,
                format!("`{}` configured the Jaeger exporter; with OTLP it has no effect on the exporter", s.value()),
                match replacement {
                    Some(var) => format!("read or document `{var}` instead ({what})"),
                    None => format!("{what}: there is no OTLP counterpart; drop it from the deployment"),
                },
            );
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        let fragments = crate::engine::syntax::macro_fragments(mac);
        fragments.visit_with(self);
    }
}

/// The OTLP environment variable that replaces a Jaeger one, and what it holds.
fn env_replacement(name: &str) -> Option<(Option<&'static str>, &'static str)> {
    let upper = name.to_ascii_uppercase();
    if !(upper.starts_with("JAEGER_") || upper.starts_with("OTEL_EXPORTER_JAEGER_"))
        || upper != name
    {
        return None;
    }
    let key = upper
        .trim_start_matches("OTEL_EXPORTER_")
        .trim_start_matches("JAEGER_");
    Some(match key {
        "AGENT_ENDPOINT" | "AGENT_HOST" | "AGENT_PORT" => (
            Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            "an OTLP/gRPC URL such as `http://host:4317`",
        ),
        "ENDPOINT" | "COLLECTOR_ENDPOINT" => (
            Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            "an OTLP/HTTP URL such as `http://host:4318/v1/traces`",
        ),
        "USER" | "PASSWORD" | "COLLECTOR_USER" | "COLLECTOR_PASSWORD" => (
            Some("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
            "`Authorization=Basic%20<base64 user:password>`",
        ),
        "TIMEOUT" | "COLLECTOR_TIMEOUT" => {
            (Some("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"), "milliseconds")
        }
        "SERVICE_NAME" => (Some("OTEL_SERVICE_NAME"), "the service name"),
        "SAMPLER_TYPE" | "SAMPLER_PARAM" => (
            Some("OTEL_TRACES_SAMPLER"),
            "the sampler (`OTEL_TRACES_SAMPLER_ARG` for its argument)",
        ),
        _ => (None, "a Jaeger transport setting"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_map_to_otlp_ports() {
        assert_eq!(
            map_endpoint_literal("localhost:6831", false, false).unwrap(),
            "http://localhost:4317"
        );
        assert_eq!(
            map_endpoint_literal("jaeger:6831", false, true).unwrap(),
            "http://jaeger:4318/v1/traces"
        );
        assert_eq!(
            map_endpoint_literal("http://localhost:14268/api/traces", true, true).unwrap(),
            "http://localhost:4318/v1/traces"
        );
        assert_eq!(
            env_replacement("JAEGER_AGENT_ENDPOINT").unwrap().0,
            Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        );
        assert!(env_replacement("jaeger_x").is_none());
    }
}
