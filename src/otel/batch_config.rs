//! Batch processor settings written the 0.21 way (opentelemetry_sdk 0.22 removed the setters
//! from `BatchConfig` and from the batch processor builders; 0.27 takes a `BatchConfig` built
//! with `BatchConfigBuilder`):
//!
//! - `trace::BatchConfig::default().with_max_queue_size(..)…` anywhere (the trace pipelines
//!   convert their own argument) → `BatchConfigBuilder::default().with_max_queue_size(..)….build()`;
//! - `BatchSpanProcessor::builder(e, rt).with_max_queue_size(..).with_max_timeout(..)…` (and
//!   `BatchLogProcessor::builder`) → `.with_batch_config(BatchConfigBuilder::default()
//!   .with_max_queue_size(..).with_max_export_timeout(..).build())` where the first setter was;
//!   `with_max_timeout` is `with_max_export_timeout` on the config builder.
//!
//! Both builders start from the `OTEL_BSP_*`/`OTEL_BLRP_*` environment defaults, like the old
//! ones. One difference: 0.21 capped `with_max_export_batch_size` at the queue size set
//! *before* it, 0.27 at the final queue size (the same for the usual order, queue first).

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, range_of, ParsedRust};
use crate::otel::chain::{Chain, Link};
use crate::otel::imports::ImportPlan;

/// The setters the 0.27 `BatchConfigBuilder`s have (trace; logs has all but concurrency).
const CONFIG_SETTERS: &[&str] = &[
    "with_max_queue_size",
    "with_scheduled_delay",
    "with_max_export_batch_size",
    "with_max_export_timeout",
    "with_max_concurrent_exports",
];

/// A 0.21 batch processor builder: the `BatchConfigBuilder` that replaces its setters, and the
/// setters it had (0.21 `BatchSpanProcessorBuilder` / `BatchLogProcessorBuilder`).
struct Processor {
    signal: &'static str,
    builder_type: &'static str,
    config_builder: &'static str,
    setters: &'static [&'static str],
}

const PROCESSORS: &[Processor] = &[
    Processor {
        signal: "trace",
        builder_type: "BatchSpanProcessor",
        config_builder: "opentelemetry_sdk::trace::BatchConfigBuilder",
        setters: &[
            "with_max_queue_size",
            "with_scheduled_delay",
            "with_max_timeout",
            "with_max_export_batch_size",
            "with_max_concurrent_exports",
        ],
    },
    Processor {
        signal: "logs",
        builder_type: "BatchLogProcessor",
        config_builder: "opentelemetry_sdk::logs::BatchConfigBuilder",
        setters: &[
            "with_max_queue_size",
            "with_scheduled_delay",
            "with_max_timeout",
            "with_max_export_batch_size",
        ],
    },
];

/// Whether `link` is one of the old processor setters (of either signal).
fn is_setter(link: &Link<'_>) -> bool {
    PROCESSORS
        .iter()
        .any(|p| p.setters.contains(&link.name.as_str()))
}

/// The 0.27 config builder's name for an old processor setter.
fn config_setter(old: &str) -> &str {
    match old {
        "with_max_timeout" => "with_max_export_timeout",
        other => other,
    }
}

/// Rewrites the file's old batch settings into `out`, naming the config builders through
/// `plan`.
pub fn rewrite_batch_configs<'a>(
    parsed: &ParsedRust<'a>,
    plan: &mut ImportPlan<'a>,
    out: &mut Changes,
) {
    let mut sites = Sites { parsed, plan, out };
    sites.visit_file(parsed.syntax);
}

struct Sites<'a, 'p> {
    parsed: &'p ParsedRust<'a>,
    plan: &'p mut ImportPlan<'a>,
    out: &'p mut Changes,
}

impl Sites<'_, '_> {
    /// The resolved path of the chain's root call, after `opentelemetry_sdk`.
    fn root_suffix(&self, chain: &Chain<'_>) -> Vec<String> {
        chain
            .root_path()
            .map(|p| self.parsed.imports.resolve(p))
            .and_then(|r| super::sdk_path_suffix(&r).map(<[String]>::to_vec))
            .unwrap_or_default()
    }

    /// `BatchConfig::default().with_…(..)…` (every link a setter): the whole chain converted.
    fn old_config(&mut self, expr: &syn::Expr, chain: &Chain<'_>) -> bool {
        let suffix = self.root_suffix(chain);
        if suffix != ["trace", "BatchConfig", "default"] || chain.links.is_empty() {
            return false;
        }
        let file = self.parsed.file;
        if chain
            .links
            .iter()
            .any(|l| !CONFIG_SETTERS.contains(&l.name.as_str()))
        {
            self.out.finding(
                range_of(file, expr),
                Severity::Error,
                "`BatchConfig`'s setters were removed in opentelemetry_sdk 0.22",
                "build it with `BatchConfigBuilder::default().with_…(..).build()`",
            );
            return true;
        }
        let new = super::trace::convert_batch_config(file, self.parsed.imports, self.plan, expr);
        self.out.replace(range_of(file, expr), new);
        true
    }

    /// `BatchSpanProcessor::builder(..)` / `BatchLogProcessor::builder(..)` chains with the
    /// removed setters: the setters become one `.with_batch_config(..)`.
    fn old_processor_setters(&mut self, expr: &syn::Expr, chain: &Chain<'_>) -> bool {
        let suffix = self.root_suffix(chain);
        let Some(processor) = PROCESSORS
            .iter()
            .find(|p| suffix == [p.signal, p.builder_type, "builder"])
        else {
            return false;
        };
        let setters: Vec<&Link<'_>> = chain
            .links
            .iter()
            .filter(|l| processor.setters.contains(&l.name.as_str()))
            .collect();
        let Some(first) = setters.first() else {
            return false;
        };
        let file = self.parsed.file;
        let ranges: Vec<TextRange> = setters.iter().map(|l| l.range(file)).collect();
        let blocker = if chain.find("with_batch_config").is_some() {
            Some("the chain also passes a `with_batch_config(..)`; which one wins depends on the order")
        } else if ranges.iter().any(|r| !comments_in(file, *r).is_empty()) {
            Some("comments between the setters would be lost")
        } else {
            None
        };
        if let Some(why) = blocker {
            self.out.finding(
                range_of(file, expr),
                Severity::Error,
                format!("`{}::builder(..)`'s batch setters were removed in opentelemetry_sdk 0.22; not rewritten: {why}", processor.builder_type),
                "pass them as `.with_batch_config(BatchConfigBuilder::default().with_…(..).build())`",
            );
            return true;
        }
        let builder = self.plan.name(processor.config_builder);
        let first_range = first.range(file);
        // Keep the line break and indentation before the first setter's `.`.
        let dot = first.name_range(file).start - 1;
        let lead = &file.text[first_range.start..dot];
        let mut links: Vec<String> = setters
            .iter()
            .map(|l| format!(".{}({})", config_setter(&l.name), l.args_text(file)))
            .collect();
        links.push(".build()".to_string());
        let config = match lead.rsplit_once('\n') {
            // A chain written one link a line: the config builder the same way, one level in.
            Some((_, indent)) => {
                let le = file.line_ending.as_str();
                let unit = file.indent_unit();
                let i1 = crate::engine::source::deeper(indent, unit);
                let inner = format!("{le}{}", crate::engine::source::deeper(&i1, unit));
                let links = links.join(&inner);
                format!("({le}{i1}{builder}::default(){inner}{links},{le}{indent})")
            }
            None => format!("({builder}::default(){})", links.concat()),
        };
        self.out
            .replace(first_range, format!("{lead}.with_batch_config{config}"));
        for r in &ranges[1..] {
            self.out.edit(crate::engine::edit::Edit::delete(*r));
        }
        true
    }
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if let syn::Expr::MethodCall(_) = expr {
            // The outermost call of a chain comes first: it sees the whole chain.
            let chain = Chain::read(expr);
            if self.old_config(expr, &chain) {
                return;
            }
            if self.old_processor_setters(expr, &chain) {
                // The other links' arguments may hold other sites (a `BatchConfig::default()…`);
                // the setters' arguments moved as text.
                for link in chain.links.iter().filter(|l| !is_setter(l)) {
                    for arg in &link.call.args {
                        self.visit_expr(arg);
                    }
                }
                if let syn::Expr::Call(root) = chain.root {
                    for arg in &root.args {
                        self.visit_expr(arg);
                    }
                }
                return;
            }
        }
        syn::visit::visit_expr(self, expr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }
}
