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

use crate::edit::TextRange;
use crate::source::SourceFile;
use crate::syntax::{comments_in, ImportMap};

use super::chain::Chain;
use super::exporter::{Arg, ExporterConfig, ParseNote, Signal};
use super::imports::ImportPlan;
use super::metrics::{push_link, Unsupported};

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
}

impl LogsPipeline {
    /// Whether `chain` is `opentelemetry_otlp::new_pipeline().logging()…install_*(..)`.
    pub fn is_pipeline(imports: &ImportMap, chain: &Chain<'_>) -> bool {
        chain
            .root_path()
            .is_some_and(|p| imports.is(p, &["opentelemetry_otlp", "new_pipeline"]))
            && chain.links.first().is_some_and(|l| l.name == "logging")
            && chain
                .links
                .last()
                .is_some_and(|l| l.name == "install_batch" || l.name == "install_simple")
    }

    pub fn parse(
        file: &SourceFile,
        imports: &ImportMap,
        chain: &Chain<'_>,
    ) -> Result<(LogsPipeline, Vec<ParseNote>), Unsupported> {
        let unsupported = |range: TextRange, message: String, suggestion: &str| Unsupported {
            range,
            message,
            suggestion: suggestion.to_string(),
        };
        let last = chain.links.last().expect("is_pipeline");
        let install = if last.name == "install_batch" {
            Install::Batch(last.args_text(file).trim().to_string())
        } else {
            Install::Simple
        };
        let (mut exporter, mut resource, mut batch_config) = (None, None, None);
        let mut comments = Vec::new();
        let mut prev_end = chain.links[0].range(file).end;
        for link in &chain.links[1..chain.links.len() - 1] {
            let before: Vec<String> =
                comments_in(file, TextRange::new(prev_end, link.name_range(file).start))
                    .into_iter()
                    .map(|r| file.slice(r).to_string())
                    .collect();
            prev_end = link.range(file).end;
            let arg = Arg::of_link(file, link, before);
            match link.name.as_str() {
                "with_exporter" => {
                    let Some(cfg) = link
                        .args()
                        .first()
                        .and_then(|e| ExporterConfig::parse(file, imports, e))
                    else {
                        return Err(unsupported(
                            link.range(file),
                            "the log exporter is not an `opentelemetry_otlp::new_exporter()` chain this tool can read".into(),
                            "build it as `LogExporter::builder().with_tonic()` (or `.with_http()`) with the same options, then `.build()?`",
                        ));
                    };
                    comments.extend(arg.comments);
                    exporter = Some(cfg);
                }
                "with_resource" => resource = Some(arg),
                "with_batch_config" => batch_config = Some(arg),
                "with_log_config" => {
                    let Some(res) = link.args().first().and_then(|c| config_resource(file, imports, c)) else {
                        return Err(unsupported(
                            link.range(file),
                            "`with_log_config(..)` is not `Config::default().with_resource(..)`".into(),
                            "0.27 has no logs `Config`: pass the resource with `LoggerProvider::builder().with_resource(res)`",
                        ));
                    };
                    resource = Some(Arg { text: res, ..arg });
                }
                other => {
                    return Err(unsupported(
                        link.range(file),
                        format!("`.{other}(..)` on the OTLP logging pipeline is not known to this tool"),
                        "rewrite by hand: `LogExporter::builder()…build()?` and `LoggerProvider::builder().with_batch_exporter(exporter, runtime)…build()`",
                    ))
                }
            }
        }
        if let (Install::Simple, Some(_)) = (&install, &batch_config) {
            return Err(unsupported(
                last.range(file),
                "`with_batch_config(..)` with `install_simple()` has no meaning this tool can carry over".into(),
                "drop the batch config or install with `LoggerProvider::builder().with_batch_exporter(exporter, runtime)`",
            ));
        }
        let Some(mut exporter) = exporter else {
            return Err(unsupported(
                chain.links[0].range(file),
                "the logging pipeline has no `with_exporter(..)`".into(),
                "add `LogExporter::builder().with_tonic().build()?` and hand it to `LoggerProvider::builder().with_batch_exporter(..)`",
            ));
        };
        let notes = std::mem::take(&mut exporter.notes);
        Ok((
            LogsPipeline {
                exporter,
                resource,
                batch_config,
                install,
                comments,
            },
            notes,
        ))
    }
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

impl super::placement::ProviderParts for LogsPipeline {
    fn comments(&self) -> &[String] {
        &self.comments
    }

    fn exporter(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str) -> String {
        self.exporter.render(Signal::Log, names, indent, le)
    }

    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
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
                    "let processor = {}::builder(exporter, {rt})",
                    names.name("opentelemetry_sdk::logs::BatchLogProcessor")
                );
                push_link(&mut p, cfg, "with_batch_config", indent, le);
                p.push_str(&format!("{le}{indent}.build();"));
                setup.push(p);
                out.push_str(&format!("{le}{indent}.with_log_processor(processor)"));
            }
            (Install::Batch(rt), None) => {
                out.push_str(&format!("{le}{indent}.with_batch_exporter(exporter, {rt})"))
            }
            (Install::Simple, _) => {
                out.push_str(&format!("{le}{indent}.with_simple_exporter(exporter)"))
            }
        }
        out.push_str(&format!("{le}{indent}.build()"));
        (setup, out)
    }
}
