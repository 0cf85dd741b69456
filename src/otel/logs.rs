//! The OTLP logging pipeline, independent of the version that spelled it.
//!
//! Old: `opentelemetry_otlp::new_pipeline().logging()` `.with_exporter(new_exporter().tonic()…)`,
//! the resource as `.with_resource(res)` (otlp 0.16+) or `.with_log_config(Config::default()
//! .with_resource(res))` (0.14), optional `.with_batch_config(cfg)`, then `.install_batch(rt)` or
//! `.install_simple()`. otlp 0.14 returned a `Logger` and set the global logger provider; 0.16+
//! return the `LoggerProvider`.
//! New (0.27): `LogExporter::builder()…build()` → `Result<LogExporter, LogError>`, then
//! `LoggerProvider::builder().with_resource(res).with_batch_exporter(exporter, rt).build()`
//! (`with_simple_exporter(exporter)`; with a batch config, a `BatchLogProcessor` handed to
//! `with_log_processor`).

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, ImportMap, ParsedRust};

use super::chain::Chain;
use super::conditional_links::render_mutable;
use super::exporter::{Arg, ExporterConfig, ParseNote, Signal};
use super::exporter_helper::PackageHelpers;
use super::imports::ImportPlan;
use super::ledger::otlp::common;
use super::ledger::resolve::Resolver;
use super::ledger::settings::batch;
use super::otlp_pipeline::{push_link, read_options, Conditional, Target, Unsupported, Wording};
use super::trace::InstalledAs;
use crate::engine::ledger::{self, Key, Settings, Value};

pub enum Install {
    /// `install_batch(rt)`: the runtime argument as written.
    Batch(String),
    Simple,
}

pub struct LogsPipeline {
    pub exporter: ExporterConfig,
    pub resource: Option<Arg>,
    pub batch_config: Option<Arg>,
    pub install: Install,
    pub comments: Vec<String>,
    /// Settings of a pipeline kept in a local that were set under a condition.
    pub conditional: Conditional,
}

const WORDING: Wording = Wording {
    exporter: "log exporter",
    exporter_fix: "build it as `LogExporter::builder().with_tonic()` (or `.with_http()`) with the same options, then `.build()?`",
    pipeline: "OTLP logging pipeline",
    pipeline_fix: "rewrite by hand: `LogExporter::builder()…build()?` and `LoggerProvider::builder().with_batch_exporter(exporter, runtime)…build()`",
};

impl super::placement::otlp_sites::PipelineModel for LogsPipeline {
    const SIGNAL: &'static str = "logging";
    const TERMINALS: &'static [&'static str] = &["install_batch", "install_simple"];
    const NAME: &'static str = "OTLP logging pipeline";

    fn conditional_target(name: &str) -> Option<(Target, &'static str)> {
        (name == "with_resource").then_some((Target::Provider, "with_resource"))
    }

    fn conditional_mut(&mut self) -> &mut Conditional {
        &mut self.conditional
    }

    fn parse(
        rust: ParsedRust<'_>,
        chain: &Chain<'_>,
        helpers: &PackageHelpers,
    ) -> Result<(LogsPipeline, Vec<ParseNote>), Unsupported> {
        let last = chain.links.last().expect("is_pipeline");
        let install = if last.name == "install_batch" {
            Install::Batch(last.args_text(rust.file).trim().to_string())
        } else {
            Install::Simple
        };
        parse_head(
            rust,
            &chain.head(),
            helpers,
            (install, last.range(rust.file)),
        )
    }

    fn parse_finished_elsewhere(
        rust: ParsedRust<'_>,
        head: &Chain<'_>,
        helpers: &PackageHelpers,
        finish: &InstalledAs,
        names: &mut ImportPlan<'_>,
    ) -> Result<(LogsPipeline, Vec<ParseNote>), Unsupported> {
        let install = match finish.runtime {
            Some(runtime) => Install::Batch(names.name(&format!(
                "opentelemetry_sdk::runtime::{}",
                runtime.type_name()
            ))),
            None => Install::Simple,
        };
        let end = head
            .links
            .last()
            .expect("the signal's link")
            .range(rust.file);
        parse_head(rust, head, helpers, (install, end))
    }
}

/// Reads the pipeline `chain` up to its terminal call (not included), installed as `install`
/// (the terminal at `terminal`, where a finding about the install points).
fn parse_head(
    rust: ParsedRust<'_>,
    chain: &Chain<'_>,
    helpers: &PackageHelpers,
    (install, terminal): (Install, TextRange),
) -> Result<(LogsPipeline, Vec<ParseNote>), Unsupported> {
    let (file, imports) = (rust.file, rust.imports);
    let mut batch_config = None;
    let options = read_options(rust, (chain, helpers), &WORDING, |link, arg, options| {
        match link.name.as_str() {
            "with_batch_config" => batch_config = Some(arg),
            "with_log_config" => {
                let Some(res) = link
                    .args()
                    .first()
                    .and_then(|c| config_resource(file, imports, c))
                else {
                    return Err(Unsupported::new(
                        link.range(file),
                        "`with_log_config(..)` is not `Config::default().with_resource(..)`".into(),
                        "0.27 has no logs `Config`: pass the resource with `LoggerProvider::builder().with_resource(res)`",
                    ));
                };
                options.resource = Some(Arg { text: res, ..arg });
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if let (Install::Simple, Some(_)) = (&install, &batch_config) {
        return Err(Unsupported::new(
            terminal,
            "`with_batch_config(..)` with `install_simple()` has no meaning this tool can carry over".into(),
            "drop the batch config or install with `LoggerProvider::builder().with_batch_exporter(exporter, runtime)`",
        ));
    }
    let Some(mut exporter) = options.exporter else {
        return Err(Unsupported::new(
            chain.links[0].range(file),
            "the logging pipeline has no `with_exporter(..)`".into(),
            "add `LogExporter::builder().with_tonic().build()?` and hand it to `LoggerProvider::builder().with_batch_exporter(..)`",
        ));
    };
    let notes = std::mem::take(&mut exporter.notes);
    Ok((
        LogsPipeline {
            exporter,
            resource: options.resource,
            batch_config,
            install,
            comments: options.comments,
            conditional: Conditional::default(),
        },
        notes,
    ))
}

/// The resource argument of `opentelemetry_sdk::logs::Config::default().with_resource(res)`
/// (or `config()` / `Default::default()` roots), as written.
fn config_resource(file: &SourceFile, imports: &ImportMap, expr: &syn::Expr) -> Option<String> {
    let chain = Chain::read(expr);
    let [link] = chain.links.as_slice() else {
        return None;
    };
    let root = chain.root_path()?;
    let known = imports.is(root, &["opentelemetry_sdk", "logs", "Config", "default"])
        || imports.is(root, &["opentelemetry_sdk", "logs", "config"]);
    (known && link.name == "with_resource").then(|| link.args_text(file).trim().to_string())
}

/// `LoggerProvider::builder()….with_config(Config::default().with_resource(res))` (sdk 0.20 –
/// 0.22; the logs `Config` is gone since 0.23) → `.with_resource(res)`, which 0.27's provider
/// builder takes directly: the edits, from the method name to the closing parenthesis.
pub fn provider_config_edits(rust: ParsedRust<'_>) -> Vec<(TextRange, String)> {
    struct Calls<'a> {
        rust: ParsedRust<'a>,
        out: Vec<(TextRange, String)>,
    }
    impl<'a> syn::visit::Visit<'a> for Calls<'a> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let (file, imports) = (self.rust.file, self.rust.imports);
            let chain = Chain::read_call(m);
            let on_provider = chain.root_path().is_some_and(|r| {
                imports.is(
                    r,
                    &["opentelemetry_sdk", "logs", "LoggerProvider", "builder"],
                )
            });
            if on_provider && m.method == "with_config" && m.args.len() == 1 {
                if let Some(res) = config_resource(file, imports, &m.args[0]) {
                    let link = chain.links.last().expect("the call itself");
                    let range = TextRange::new(link.name_range(file).start, range_of(file, m).end);
                    self.out.push((range, format!("with_resource({res})")));
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut calls = Calls {
        rust,
        out: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut calls, rust.syntax);
    calls.out
}

impl super::placement::parts::ProviderParts for LogsPipeline {
    fn comments(&self) -> &[String] {
        &self.comments
    }

    fn exporter_model(&self) -> (&ExporterConfig, Signal) {
        (&self.exporter, Signal::Log)
    }

    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        indent: &str,
        le: &str,
    ) -> (Vec<String>, String) {
        let mut setup = Vec::new();
        let mut out = format!(
            "{}::builder()",
            names.name("opentelemetry_sdk::logs::LoggerProvider")
        );
        if let Some(arg) = &self.resource {
            push_link(&mut out, arg, "with_resource", indent, le);
        }
        match (&self.install, &self.batch_config) {
            (Install::Batch(rt), Some(cfg)) => {
                let mut p = format!(
                    "let processor = {}::builder({exporter}, {rt})",
                    names.name("opentelemetry_sdk::logs::BatchLogProcessor")
                );
                push_link(&mut p, cfg, "with_batch_config", indent, le);
                p.push_str(&format!("{le}{indent}.build();"));
                setup.push(p);
                out.push_str(&format!("{le}{indent}.with_log_processor(processor)"));
            }
            (Install::Batch(rt), None) => out.push_str(&format!(
                "{le}{indent}.with_batch_exporter({exporter}, {rt})"
            )),
            (Install::Simple, _) => {
                out.push_str(&format!("{le}{indent}.with_simple_exporter({exporter})"))
            }
        }
        let c = &self.conditional;
        let (more, provider) = render_mutable(
            &c.provider_builder,
            out,
            &c.provider,
            indent,
            names.indent_unit(),
            le,
        );
        setup.extend(more);
        (setup, provider)
    }
}

impl super::ledger::otlp::LedgerModel for LogsPipeline {
    const LEDGER_SIGNAL: ledger::Signal = ledger::Signal::Logs;

    fn settings(&self, r: &Resolver<'_>, registers: bool) -> Settings {
        let model = (&self.exporter, self.resource.as_ref());
        let mut out = common(r, model, registers);
        let export = match &self.install {
            Install::Batch(_) => batch(r, self.batch_config.as_ref().map(|b| b.text.as_str())),
            Install::Simple => Value::resolved("simple"),
        };
        out.insert(Key::Export, export);
        out
    }

    fn conditional(&self) -> &Conditional {
        &self.conditional
    }
}
