//! What the OTLP metrics and logging pipeline models share: both are
//! `new_pipeline().<signal>(..)` chains whose option links carry an exporter
//! (`with_exporter(new_exporter()…)`) and a resource, plus options of their own. One reader walks
//! the links so comments, the exporter and the errors are handled the same way for both signals.

use crate::engine::edit::TextRange;
use crate::engine::syntax::{comments_in, ParsedRust};

use super::chain::{Chain, Link};
use super::conditional_links::ConditionalLinks;
use super::exporter::{Arg, ExporterConfig};
use super::exporter_helper::{exporter_in_local_or_helper, PackageHelpers};

/// Why a chain that is a pipeline cannot be rewritten (reported at `range`).
pub struct Unsupported {
    pub range: TextRange,
    pub message: String,
    pub suggestion: String,
}

impl Unsupported {
    pub fn new(range: TextRange, message: String, suggestion: &str) -> Unsupported {
        Unsupported {
            range,
            message,
            suggestion: suggestion.to_string(),
        }
    }
}

/// The 0.27 builder an option set under a condition goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `PeriodicReader::builder(..)` (metrics).
    Reader,
    /// The provider builder.
    Provider,
}

/// Settings a pipeline kept in a local received under conditions, by the builder they go to,
/// with the names of the mutable builders (free in the file).
#[derive(Debug, Default)]
pub struct Conditional {
    pub reader: Vec<ConditionalLinks>,
    pub provider: Vec<ConditionalLinks>,
    pub reader_builder: String,
    pub provider_builder: String,
}

/// The signal-specific wording of the errors [`read_options`] reports.
pub struct Wording {
    /// `"log exporter"`: what `with_exporter(..)` takes.
    pub exporter: &'static str,
    /// How to build that exporter by hand.
    pub exporter_fix: &'static str,
    /// `"OTLP logging pipeline"`: what an unknown option is called on.
    pub pipeline: &'static str,
    /// How to rewrite the pipeline by hand.
    pub pipeline_fix: &'static str,
}

/// The options every OTLP pipeline has, read from its links.
#[derive(Default)]
pub struct Options {
    pub exporter: Option<ExporterConfig>,
    pub resource: Option<Arg>,
    /// Comments between links that belong to no moved option.
    pub comments: Vec<String>,
    /// The end of the last option link read.
    pub end: usize,
}

/// Reads the option links of `chain` (between its first link, the signal, and its last, the
/// build or install call): each with the comments before it, `with_exporter` and
/// `with_resource` here, anything else through `other`, which returns `Ok(false)` for a link
/// it does not know (an error naming it).
pub fn read_options(
    rust: ParsedRust<'_>,
    (chain, helpers): (&Chain<'_>, &PackageHelpers),
    wording: &Wording,
    mut other: impl FnMut(&Link<'_>, Arg, &mut Options) -> Result<bool, Unsupported>,
) -> Result<Options, Unsupported> {
    let file = rust.file;
    let mut options = Options {
        end: chain.links[0].range(file).end,
        ..Options::default()
    };
    for link in &chain.links[1..] {
        let before: Vec<String> = comments_in(
            file,
            TextRange::new(options.end, link.name_range(file).start),
        )
        .into_iter()
        .map(|r| file.slice(r).to_string())
        .collect();
        options.end = link.range(file).end;
        let arg = Arg::of_link(file, link, before);
        match link.name.as_str() {
            "with_exporter" => {
                let Some(cfg) = link.args().first().and_then(|e| {
                    ExporterConfig::parse(rust, e)
                        .or_else(|| exporter_in_local_or_helper(rust, e, helpers))
                }) else {
                    return Err(Unsupported::new(
                        link.range(file),
                        format!(
                            "the {} is not an `opentelemetry_otlp::new_exporter()` chain this tool can read",
                            wording.exporter
                        ),
                        wording.exporter_fix,
                    ));
                };
                options.comments.extend(arg.comments);
                options.exporter = Some(cfg);
            }
            "with_resource" => options.resource = Some(arg),
            name => {
                if !other(link, arg, &mut options)? {
                    return Err(Unsupported::new(
                        link.range(file),
                        format!(
                            "`.{name}(..)` on the {} is not known to this tool",
                            wording.pipeline
                        ),
                        wording.pipeline_fix,
                    ));
                }
            }
        }
    }
    Ok(options)
}

/// `.name(arg)` on its own line, after the comments that preceded the option.
pub fn push_link(out: &mut String, arg: &Arg, name: &str, indent: &str, le: &str) {
    for c in &arg.comments {
        out.push_str(&format!("{le}{indent}{c}"));
    }
    out.push_str(&format!("{le}{indent}.{name}({})", arg.at(indent)));
}
