//! The OTLP exporter, independent of the version that spelled it.
//!
//! Old (opentelemetry-otlp 0.14 … 0.26): `opentelemetry_otlp::new_exporter().tonic()` /
//! `.http()` (or `TonicExporterBuilder::default()`), then options, passed to a pipeline's
//! `with_exporter(..)`; `build_span_exporter()` & co. built it directly.
//! New (0.27): `SpanExporter::builder().with_tonic()` / `.with_http()`, the same options (now from
//! the traits `WithExportConfig`, `WithTonicConfig`, `WithHttpConfig`), then `.build()` →
//! `Result<SpanExporter, TraceError>` (`MetricExporter` → `MetricError`, `LogExporter` → `LogError`).
//!
//! [`ExporterConfig::parse`] reads an old chain; [`ExporterConfig::render`] writes the 0.27 one.
//! Argument texts are kept exactly as written (comments before an option travel with it).

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, range_of, text_of, ParsedRust};

use super::chain::{Chain, Link};
use super::export_config_local::{export_config_in_local, optional_endpoint};
use super::imports::ImportPlan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// tonic (`grpc-tonic` feature).
    Grpc,
    /// HTTP (`http-proto`/`http-json` plus a client feature).
    Http,
}

impl Transport {
    /// The 0.27 trait with this transport's own builder options.
    pub fn options_trait(self) -> &'static str {
        match self {
            Transport::Grpc => "opentelemetry_otlp::WithTonicConfig",
            Transport::Http => "opentelemetry_otlp::WithHttpConfig",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signal {
    #[default]
    Span,
    Metric,
    Log,
}

impl Signal {
    /// The 0.27 exporter type (`opentelemetry_otlp::SpanExporter`, …).
    pub fn exporter_path(self) -> &'static str {
        match self {
            Signal::Span => "opentelemetry_otlp::SpanExporter",
            Signal::Metric => "opentelemetry_otlp::MetricExporter",
            Signal::Log => "opentelemetry_otlp::LogExporter",
        }
    }

    /// The error type of the 0.27 exporter's `build()`.
    pub fn build_error_path(self) -> &'static str {
        match self {
            Signal::Span => "opentelemetry::trace::TraceError",
            Signal::Metric => "opentelemetry_sdk::metrics::MetricError",
            Signal::Log => "opentelemetry_sdk::logs::LogError",
        }
    }

    /// The old pipeline type in `opentelemetry_otlp` (0.14 … 0.26).
    pub fn old_pipeline_type(self) -> &'static str {
        match self {
            Signal::Span => "OtlpTracePipeline",
            Signal::Metric => "OtlpMetricPipeline",
            Signal::Log => "OtlpLogPipeline",
        }
    }

    /// The 0.27 provider builder a pipeline's settings now go on (public in sdk 0.27.1).
    pub fn provider_builder_path(self) -> &'static str {
        match self {
            Signal::Span => "opentelemetry_sdk::trace::Builder",
            Signal::Metric => "opentelemetry_sdk::metrics::MeterProviderBuilder",
            Signal::Log => "opentelemetry_sdk::logs::Builder",
        }
    }
}

/// The old exporter builder items (0.14 … 0.26) that rewritten code no longer names; their
/// imports go once the edited file does not mention them.
pub const OLD_BUILDER_ITEMS: &[&str] = &[
    "opentelemetry_otlp::new_exporter",
    "opentelemetry_otlp::TonicExporterBuilder",
    "opentelemetry_otlp::HttpExporterBuilder",
    "opentelemetry_otlp::SpanExporterBuilder",
    "opentelemetry_otlp::MetricsExporterBuilder",
    "opentelemetry_otlp::LogExporterBuilder",
];

/// One option argument, as written, with the comments that preceded the option in the chain.
#[derive(Debug, Clone, Default)]
pub struct Arg {
    pub text: String,
    pub comments: Vec<String>,
    /// The indentation of the line the option was written on, to re-indent a multi-line
    /// argument where the rendered option lands.
    pub indent: Option<String>,
}

impl Arg {
    pub fn new(text: impl Into<String>) -> Arg {
        Arg {
            text: text.into(),
            comments: Vec::new(),
            indent: None,
        }
    }

    /// The argument of `link` as written, remembering the link's indentation.
    pub fn of_link(file: &SourceFile, link: &Link<'_>, comments: Vec<String>) -> Arg {
        Arg {
            text: link.args_text(file),
            comments,
            indent: Some(file.indent_at(link.name_range(file).start).to_string()),
        }
    }

    /// The text for an option rendered on a line indented with `indent`: continuation lines
    /// move by the same amount the option moved.
    pub fn at(&self, indent: &str) -> String {
        match &self.indent {
            Some(old) => crate::engine::source::reindent_continuations(&self.text, old, indent),
            None => self.text.clone(),
        }
    }
}

/// A finding the parser wants reported (range in the original file).
#[derive(Debug, Clone)]
pub struct ParseNote {
    pub range: TextRange,
    pub severity: Severity,
    pub message: String,
    pub suggestion: String,
}

#[derive(Debug, Clone)]
pub struct ExporterConfig {
    pub transport: Transport,
    pub protocol: Option<Arg>,
    pub endpoint: Option<Arg>,
    pub timeout: Option<Arg>,
    pub export_config: Option<Arg>,
    /// tonic `MetadataMap`.
    pub metadata: Option<Arg>,
    /// HTTP headers (`HashMap<String, String>`).
    pub headers: Option<Arg>,
    pub tls_config: Option<Arg>,
    pub compression: Option<Arg>,
    /// Options that exist unchanged on the 0.27 builder (`with_channel`, `with_interceptor`,
    /// `with_http_client`): name and argument, in order.
    pub passthrough: Vec<(String, Arg)>,
    /// Options this model does not know: kept in the rendered chain as written, and reported.
    pub unknown: Vec<(String, Arg)>,
    pub notes: Vec<ParseNote>,
    /// Comments after the last option (before the chain's end).
    pub trailing_comments: Vec<String>,
    /// Set when the pipeline named a local that holds the exporter (see `exporter_local`): the
    /// site renders that local, and the local's own code is rewritten with the site.
    pub kept_in: Option<KeptIn>,
    /// Edits outside the chain that go with it: the `endpoint` field of an `ExportConfig` kept
    /// in a local that `with_export_config` names (see `export_config_local`).
    pub config_edits: Vec<(TextRange, String)>,
}

/// An exporter kept in a local (`let exporter = new_exporter()…;` or a `match` choosing one) or
/// returned by a helper function: what the pipeline site names (the local, or the call) and the
/// parts of the local or helper that change with it.
#[derive(Debug, Clone)]
pub struct KeptIn {
    pub name: String,
    /// Whether options the pipeline moved onto the exporter can go into the kept chains (not
    /// into a helper: their arguments belong to the site's scope).
    pub takes_moved_options: bool,
    /// The local holds the built `Result<…Exporter, E>` (each arm of a `match`/`if` builds its
    /// own, as 0.27 builder types differ per transport); else it holds the 0.27 builder and
    /// the site calls `.build()`.
    pub built: bool,
    /// The value holds the built exporter itself (a struct field, `exporter_field`): the site
    /// takes it as it is, without error handling of its own.
    pub ready: bool,
    pub parts: Vec<LocalPart>,
    /// Traits the local's later reassignments (`exporter = exporter.with_x(..)`) need.
    pub traits: Vec<&'static str>,
    /// For `helper(..).and_then(|exporter| <pipeline>)`: the pipeline's range and the whole
    /// expression's, which the site's replacement takes the place of.
    pub widens: Option<(TextRange, TextRange)>,
    /// For `customize(new_exporter().tonic(), ..)`: the builder passed to the helper (rendered
    /// at the site between `name` and this text) and the text after it.
    pub through: Option<(Box<ExporterConfig>, String)>,
}

/// One edit of a local's or helper's code.
#[derive(Debug, Clone)]
pub struct LocalPart {
    pub range: TextRange,
    pub edit: PartEdit,
    /// The indentation of the chain's continuation lines.
    pub indent: String,
}

#[derive(Debug, Clone)]
pub enum PartEdit {
    /// An exporter chain, re-rendered for 0.27.
    Chain(Box<ExporterConfig>),
    /// An exporter chain built where it stands, with `?` (a struct field's value).
    BuiltHere(Box<ExporterConfig>),
    /// Removed (a type annotation naming an old builder type).
    Delete,
    /// Replaced by this text (a local's new name).
    Text(String),
    /// A helper's return type: `Result<SpanExporter, TraceError>` (or the metric, log one).
    BuiltResult,
    /// The builder type inside a helper's `Result<…, TraceError>`: the built exporter type.
    BuiltType,
    /// A customizing helper's type parameter list (inserted after its name): `<B:
    /// WithExportConfig + WithTonicConfig>` (`WithHttpConfig` for HTTP).
    TypeParams(Transport),
    /// An old builder type in a customizing helper's signature: its type parameter.
    TypeParam,
    /// An exporter chain that stays a 0.27 builder in a local of a `match` arm (the arm builds
    /// it, [`PartEdit::Build`]), with the traits its later reassignments use.
    Builder(Box<ExporterConfig>, Vec<&'static str>),
    /// The value of a `match` arm that holds the builder in local `.0`: built there.
    Build(String),
    /// An exporter chain of a choice's arm that old code refined by matching on the old enum's
    /// variant afterwards (`otel::exporter_variant_match`): the arm keeps the 0.27 builder in a
    /// local, applies the refinement and builds it.
    Refined(Box<ExporterConfig>, VariantRefinement),
    /// A choice's arm calling a helper made generic: `.1`, the signal's 0.27 builder of `.0` on
    /// one line, then `.2` (the call's other arguments, its unwrapping and `.build()`).
    PassedTo(Box<ExporterConfig>, String, String),
}

/// What a transport's variant arm of a `match` on the old builder enum did to the builder it
/// bound: the same on the 0.27 builder, in the arm of the choice that made it.
#[derive(Debug, Clone)]
pub struct VariantRefinement {
    /// The name the variant binds (`inner`): the arm's builder local on 0.27.
    pub binding: String,
    /// The condition as written (`if let Some(e) = endpoint()`), when there is one.
    pub condition: Option<String>,
    /// The options' text as written after the binding (`.with_endpoint(e)`).
    pub links: String,
    /// The 0.27 traits those options come from.
    pub traits: Vec<&'static str>,
}

/// The type parameter a customizing helper takes for its exporter builder.
pub const BUILDER_TYPE_PARAM: &str = "B";

/// The 0.27 option trait a method of the exporter builder comes from, for the methods whose
/// name and argument did not change (so a reassignment using it can stay as written).
pub fn unchanged_option_trait(method: &str) -> Option<&'static str> {
    if method == "with_export_config" {
        return None;
    }
    [
        (
            EXPORT_CONFIG_METHODS,
            "opentelemetry_otlp::WithExportConfig",
        ),
        (TONIC_METHODS, "opentelemetry_otlp::WithTonicConfig"),
        (HTTP_METHODS, "opentelemetry_otlp::WithHttpConfig"),
    ]
    .into_iter()
    .find(|(methods, _)| methods.contains(&method))
    .map(|(_, t)| t)
}

/// Which trait provides an option's method in 0.27.
const EXPORT_CONFIG_METHODS: &[&str] = &[
    "with_endpoint",
    "with_timeout",
    "with_protocol",
    "with_export_config",
];
const TONIC_METHODS: &[&str] = &[
    "with_metadata",
    "with_tls_config",
    "with_compression",
    "with_channel",
    "with_interceptor",
];
const HTTP_METHODS: &[&str] = &["with_headers", "with_http_client"];

impl ExporterConfig {
    pub fn new(transport: Transport) -> ExporterConfig {
        ExporterConfig {
            transport,
            protocol: None,
            endpoint: None,
            timeout: None,
            export_config: None,
            metadata: None,
            headers: None,
            tls_config: None,
            compression: None,
            passthrough: Vec::new(),
            unknown: Vec::new(),
            notes: Vec::new(),
            trailing_comments: Vec::new(),
            kept_in: None,
            config_edits: Vec::new(),
        }
    }

    /// The exporter of a pipeline that names the local `kept`.
    pub fn kept(transport: Transport, kept: KeptIn) -> ExporterConfig {
        ExporterConfig {
            kept_in: Some(kept),
            ..ExporterConfig::new(transport)
        }
    }

    /// Reads an old exporter builder expression: `opentelemetry_otlp::new_exporter().tonic()…`,
    /// `…http()…`, `TonicExporterBuilder::default()…`, `HttpExporterBuilder::default()…`.
    /// `None` when `expr` is not one of those (a local, a helper call: the caller reports).
    pub fn parse(rust: ParsedRust<'_>, expr: &syn::Expr) -> Option<ExporterConfig> {
        let (file, imports) = (rust.file, rust.imports);
        let chain = Chain::read(expr);
        let root = chain.root_path()?;
        let (transport, options) = if imports.is(root, &["opentelemetry_otlp", "new_exporter"]) {
            let first = chain.links.first()?;
            let t = match first.name.as_str() {
                "tonic" => Transport::Grpc,
                "http" => Transport::Http,
                _ => return None,
            };
            (t, &chain.links[1..])
        } else if imports.is(
            root,
            &["opentelemetry_otlp", "TonicExporterBuilder", "default"],
        ) {
            (Transport::Grpc, &chain.links[..])
        } else if imports.is(
            root,
            &["opentelemetry_otlp", "HttpExporterBuilder", "default"],
        ) {
            (Transport::Http, &chain.links[..])
        } else {
            return None;
        };
        let mut cfg = ExporterConfig::new(transport);
        // Comments are collected from the end of the transport call (or the root) on.
        let mut prev_end = options.first().map_or_else(
            || range_of(file, expr).end,
            |l| range_of(file, &*l.call.receiver).end,
        );
        for link in options {
            let range = link.range(file);
            let comments: Vec<String> = comments_in(file, TextRange::new(prev_end, range.end))
                .into_iter()
                .map(|r| file.slice(r).to_string())
                .collect();
            prev_end = range.end;
            cfg.add_option(rust, link, comments);
        }
        let end = range_of(file, expr).end;
        cfg.trailing_comments = comments_in(file, TextRange::new(prev_end.min(end), end))
            .into_iter()
            .map(|r| file.slice(r).to_string())
            .collect();
        Some(cfg)
    }

    fn add_option(&mut self, rust: ParsedRust<'_>, link: &Link<'_>, comments: Vec<String>) {
        let file = rust.file;
        let arg = Arg::of_link(file, link, comments);
        let slot = match link.name.as_str() {
            "with_protocol" => &mut self.protocol,
            "with_endpoint" => &mut self.endpoint,
            "with_timeout" => &mut self.timeout,
            "with_metadata" => &mut self.metadata,
            "with_headers" => &mut self.headers,
            "with_tls_config" => &mut self.tls_config,
            "with_compression" => &mut self.compression,
            "with_export_config" => {
                let arg = self.export_config_arg(rust, link, arg);
                self.export_config = Some(arg);
                return;
            }
            "with_channel" | "with_interceptor" | "with_http_client" => {
                self.passthrough.push((link.name.clone(), arg));
                return;
            }
            _ => {
                self.notes.push(ParseNote {
                    range: link.range(file),
                    severity: Severity::Warning,
                    message: format!(
                        "`.{}(..)` on the OTLP exporter builder is not known to this tool; it was kept as written",
                        link.name
                    ),
                    suggestion: "check that the 0.27 exporter builder (`SpanExporter::builder().with_tonic()`/`.with_http()`) still has this method".into(),
                });
                self.unknown.push((link.name.clone(), arg));
                return;
            }
        };
        *slot = Some(arg);
    }

    /// `ExportConfig.endpoint` is `Option<String>` in 0.27: wrap a struct literal's field in
    /// `Some(..)`, also where the literal is kept in a local; report any other argument.
    fn export_config_arg(&mut self, rust: ParsedRust<'_>, link: &Link<'_>, mut arg: Arg) -> Arg {
        let file = rust.file;
        let Some(expr) = link.call.args.first() else {
            return arg;
        };
        if let syn::Expr::Struct(s) = expr {
            if let Some((field, new)) = optional_endpoint(file, s) {
                let whole = range_of(file, expr);
                let text = file.slice(whole);
                let (a, b) = (field.start - whole.start, field.end - whole.start);
                let lead = &arg.text[..arg.text.find(text).unwrap_or(0)];
                arg.text = format!("{lead}{}{new}{}", &text[..a], &text[b..]);
            }
            return arg;
        }
        match export_config_in_local(rust, expr) {
            Some(edit) => self.config_edits.extend(edit),
            None => self.notes.push(ParseNote {
                range: range_of(file, expr),
                severity: Severity::Error,
                message: "`ExportConfig.endpoint` is `Option<String>` in opentelemetry-otlp 0.27 (it was `String`)".into(),
                suggestion: format!(
                    "where `{}` is built, write `endpoint: Some(url)` (or `..ExportConfig::default()` without an endpoint)",
                    text_of(file, expr)
                ),
            }),
        }
        arg
    }

    /// Whether any option needs `WithTonicConfig` / `WithHttpConfig` / `WithExportConfig`.
    fn needs(&self, methods: &[&str]) -> bool {
        self.option_names().iter().any(|n| methods.contains(n))
    }

    fn option_names(&self) -> Vec<&str> {
        let mut v = Vec::new();
        let named = [
            ("with_protocol", &self.protocol),
            ("with_endpoint", &self.endpoint),
            ("with_timeout", &self.timeout),
            ("with_export_config", &self.export_config),
            ("with_metadata", &self.metadata),
            ("with_headers", &self.headers),
            ("with_tls_config", &self.tls_config),
            ("with_compression", &self.compression),
        ];
        for (n, a) in named {
            if a.is_some() {
                v.push(n);
            }
        }
        v.extend(self.passthrough.iter().map(|(n, _)| n.as_str()));
        v
    }

    /// The 0.27 chain, without a terminal `?`: `SpanExporter::builder()` then one link per line
    /// (each line starts with `le` + `indent`), ending in `.build()`. Brings the exporter type
    /// and the option traits into scope through `names`. For an exporter kept in a local: the
    /// local, and `.build()` unless the local is built already.
    pub fn render(
        &self,
        signal: Signal,
        names: &mut ImportPlan<'_>,
        indent: &str,
        le: &str,
    ) -> String {
        let Some(kept) = &self.kept_in else {
            let mut out = self.render_builder(signal, names, indent, le);
            push_line(&mut out, &self.trailing_comments, ".build()", indent, le);
            return out;
        };
        let name = match &kept.through {
            // One line: the call stays where it was written (inner comments are declined).
            Some((inner, after)) => {
                // Options the pipeline moved onto the exporter go onto the builder passed in.
                let mut inner = inner.clone();
                inner.passthrough.extend(self.passthrough.iter().cloned());
                format!(
                    "{}{}{after}",
                    kept.name,
                    inner.render_builder(signal, names, "", "")
                )
            }
            None => kept.name.clone(),
        };
        if kept.ready {
            // The error type the site's handling expects of a build: it has nothing to handle.
            format!("Ok::<_, {}>({name})", names.name(signal.build_error_path()))
        } else if kept.built {
            name
        } else {
            format!("{name}.build()")
        }
    }

    /// The 0.27 builder chain without `.build()` (trailing comments close it).
    pub fn render_builder(
        &self,
        signal: Signal,
        names: &mut ImportPlan<'_>,
        indent: &str,
        le: &str,
    ) -> String {
        let mut out = format!("{}::builder()", names.name(signal.exporter_path()));
        let transport = match self.transport {
            Transport::Grpc => ".with_tonic()",
            Transport::Http => ".with_http()",
        };
        push_line(&mut out, &[], transport, indent, le);
        let ordered = [
            ("with_export_config", &self.export_config),
            ("with_protocol", &self.protocol),
            ("with_endpoint", &self.endpoint),
            ("with_timeout", &self.timeout),
            ("with_metadata", &self.metadata),
            ("with_headers", &self.headers),
            ("with_tls_config", &self.tls_config),
            ("with_compression", &self.compression),
        ];
        let options = ordered
            .into_iter()
            .filter_map(|(name, arg)| Some((name, arg.as_ref()?)))
            .chain(
                self.passthrough
                    .iter()
                    .chain(&self.unknown)
                    .map(|(n, a)| (n.as_str(), a)),
            );
        for (name, arg) in options {
            let link = format!(".{name}({})", arg.at(indent));
            push_line(&mut out, &arg.comments, &link, indent, le);
        }
        if self.needs(EXPORT_CONFIG_METHODS) {
            names.need_trait("opentelemetry_otlp::WithExportConfig");
        }
        if self.needs(TONIC_METHODS) {
            names.need_trait("opentelemetry_otlp::WithTonicConfig");
        }
        if self.needs(HTTP_METHODS) {
            names.need_trait("opentelemetry_otlp::WithHttpConfig");
        }
        out
    }

    /// The edits of the local an exporter is kept in (none for an exporter written inline):
    /// each chain of the local re-rendered for `signal` (built when the local holds a built
    /// exporter), old type annotations removed, and the traits its reassignments use imported.
    pub fn local_edits(
        &self,
        signal: Signal,
        names: &mut ImportPlan<'_>,
        le: &str,
    ) -> Vec<(TextRange, String)> {
        let config_edits = self.config_edits.iter().cloned();
        let Some(kept) = &self.kept_in else {
            return config_edits.collect();
        };
        for t in &kept.traits {
            names.need_trait(t);
        }
        // The `ExportConfig` locals of the chains the site renders (a customizer's builder)
        // or the local's parts re-render.
        let inner_chains =
            kept.through
                .iter()
                .map(|(inner, _)| &**inner)
                .chain(kept.parts.iter().filter_map(|p| match &p.edit {
                    PartEdit::Chain(c)
                    | PartEdit::Builder(c, _)
                    | PartEdit::Refined(c, _)
                    | PartEdit::PassedTo(c, ..)
                    | PartEdit::BuiltHere(c) => Some(&**c),
                    _ => None,
                }));
        let config_edits: Vec<(TextRange, String)> = config_edits
            .chain(inner_chains.flat_map(|c| c.config_edits.iter().cloned()))
            .collect();
        let unit = names.indent_unit();
        let mut edits: Vec<(TextRange, String)> = kept
            .parts
            .iter()
            .map(|part| {
                // An arm under a `#[cfg]` gets the imports only it needs gated alike.
                names.code_at(part.range.start);
                // Options the pipeline moved onto the exporter (temporality) go into the
                // local's chain, into every arm of a choice, where later passes find them.
                let chain = match &part.edit {
                    PartEdit::Chain(c)
                    | PartEdit::Builder(c, _)
                    | PartEdit::Refined(c, _)
                    | PartEdit::PassedTo(c, ..)
                    | PartEdit::BuiltHere(c) => {
                        let mut c = c.clone();
                        c.passthrough.extend(self.passthrough.iter().cloned());
                        Some(c)
                    }
                    _ => None,
                };
                let text = match (&part.edit, &chain) {
                    (PartEdit::BuiltResult, _) => format!(
                        "Result<{}, {}>",
                        names.name(signal.exporter_path()),
                        names.name(signal.build_error_path())
                    ),
                    (PartEdit::BuiltType, _) => names.name(signal.exporter_path()),
                    (PartEdit::TypeParams(transport), _) => format!(
                        "<{BUILDER_TYPE_PARAM}: {} + {}>",
                        names.name("opentelemetry_otlp::WithExportConfig"),
                        names.name(transport.options_trait())
                    ),
                    (PartEdit::TypeParam, _) => BUILDER_TYPE_PARAM.to_string(),
                    (PartEdit::Build(local), _) => format!("{local}.build()"),
                    (PartEdit::Text(text), _) => text.clone(),
                    (_, None) => String::new(),
                    (PartEdit::Refined(_, refined), Some(chain)) => {
                        let inner = crate::engine::source::deeper(&part.indent, unit);
                        let builder = chain.render_builder(signal, names, &inner, le);
                        refined_arm(refined, &builder, names, &part.indent, le)
                    }
                    (PartEdit::PassedTo(_, before, after), Some(chain)) => {
                        format!(
                            "{before}{}{after}",
                            chain.render_builder(signal, names, "", "")
                        )
                    }
                    (PartEdit::BuiltHere(_), Some(chain)) => {
                        format!("{}?", chain.render(signal, names, &part.indent, le))
                    }
                    (PartEdit::Chain(_), Some(chain)) if kept.built => {
                        chain.render(signal, names, &part.indent, le)
                    }
                    (_, Some(chain)) => {
                        if let PartEdit::Builder(_, traits) = &part.edit {
                            for t in traits {
                                names.need_trait(t);
                            }
                        }
                        let mut out = chain.render_builder(signal, names, &part.indent, le);
                        // Comments after the last option stay, and whatever follows the chain
                        // (`;`) goes on a line of its own, out of a line comment.
                        for c in &chain.trailing_comments {
                            out.push_str(&format!("{le}{}{c}", part.indent));
                        }
                        if !chain.trailing_comments.is_empty() {
                            out.push_str(&format!("{le}{}", part.indent));
                        }
                        out
                    }
                };
                (part.range, text)
            })
            .collect();
        names.code_at_site();
        edits.extend(config_edits);
        edits
    }
}

/// `{ let mut inner = <builder>; if … { inner = inner.with_x(..); } inner.build() }`: a choice's
/// arm keeping its builder to refine it, at `indent` (the arm's statements).
fn refined_arm(
    refined: &VariantRefinement,
    builder: &str,
    names: &mut ImportPlan<'_>,
    indent: &str,
    le: &str,
) -> String {
    for t in &refined.traits {
        names.need_trait(t);
    }
    let VariantRefinement {
        binding: b, links, ..
    } = refined;
    let unit = names.indent_unit();
    let close = crate::engine::source::shallower(indent, unit);
    let set = match &refined.condition {
        Some(cond) => {
            let inner = crate::engine::source::deeper(indent, unit);
            format!("{cond} {{{le}{inner}{b} = {b}{links};{le}{indent}}}")
        }
        None => format!("{b} = {b}{links};"),
    };
    format!("{{{le}{indent}let mut {b} = {builder};{le}{indent}{set}{le}{indent}{b}.build(){le}{close}}}")
}

/// One link on its own line, after the comments that preceded it.
fn push_line(out: &mut String, comments: &[String], link: &str, indent: &str, le: &str) {
    for c in comments {
        out.push_str(&format!("{le}{indent}{c}"));
    }
    out.push_str(&format!("{le}{indent}{link}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::changes::Changes;

    fn roundtrip(src: &str) -> (String, String) {
        let text = format!(
            "use opentelemetry_otlp::WithExportConfig;\n\nfn f() {{\n    let e = {src};\n}}\n"
        );
        let file = SourceFile::new("x.rs", text);
        let syntax = file.parse_rust().unwrap();
        let imports = crate::engine::syntax::ImportMap::of_file(&syntax);
        let rust = ParsedRust {
            file: &file,
            syntax: &syntax,
            imports: &imports,
        };
        let syn::Item::Fn(f) = &syntax.items[1] else {
            panic!()
        };
        let syn::Stmt::Local(l) = &f.block.stmts[0] else {
            panic!()
        };
        let cfg = ExporterConfig::parse(rust, &l.init.as_ref().unwrap().expr).unwrap();
        let mut plan = ImportPlan::at(&file, &syntax, range_of(&file, l).start);
        let rendered = cfg.render(Signal::Span, &mut plan, "    ", "\n");
        let mut out = Changes::default();
        plan.finish(&mut out);
        (
            rendered,
            out.edits
                .apply(&file.text)
                .lines()
                .next()
                .unwrap()
                .to_string(),
        )
    }

    #[test]
    fn tonic_chain_with_metadata_and_comment() {
        let (r, first_use) = roundtrip(
            "opentelemetry_otlp::new_exporter()\n        .tonic()\n        // collector\n        .with_endpoint(\"http://c:4317\")\n        .with_metadata(map)",
        );
        assert_eq!(
            r,
            "SpanExporter::builder()\n    .with_tonic()\n    // collector\n    .with_endpoint(\"http://c:4317\")\n    .with_metadata(map)\n    .build()"
        );
        assert_eq!(
            first_use,
            "use opentelemetry_otlp::{SpanExporter, WithExportConfig, WithTonicConfig};"
        );
    }

    #[test]
    fn export_config_endpoint_becomes_optional() {
        let (r, _) = roundtrip(
            "opentelemetry_otlp::new_exporter().http().with_export_config(ExportConfig { endpoint: url, ..Default::default() })",
        );
        assert!(
            r.contains(
                ".with_export_config(ExportConfig { endpoint: Some(url), ..Default::default() })"
            ),
            "{r}"
        );
    }
}
