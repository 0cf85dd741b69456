//! Private functions that take an old OTLP trace pipeline and return it with a trace config
//! (`fn with_sampling(p: OtlpTracePipeline, ratio: f64) -> OtlpTracePipeline {
//! p.with_trace_config(Config::default().with_sampler(..)) }`, issue 15 shape 5), rewritten
//! with every caller of the file: the function takes and returns the SDK's provider builder
//! (`opentelemetry_sdk::trace::Builder`), the config's settings become the builder's setters,
//! and each call site hands it the provider builder it built and ends with `.build()`
//! (`placement::trace_sites`).
//!
//! Only what can be proven in one file: a free function without `pub` (private to its module)
//! in a file that declares no module in another file (which could call it), no generics, one
//! pipeline parameter, a body that is only `<param>.with_trace_config(<config chain>)`. Every
//! mention of its name must be a call whose pipeline the trace transform rewrites ([`settle`]);
//! otherwise the function keeps its finding (`pipeline_signature`) and so do its callers.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{comments_in, ident_str, range_of, ParsedRust};

use super::chain::{count_ident, Chain, Link};
use super::exporter::Signal;
use super::exporter_helper::{private_free_function, top_level_fn};
use super::imports::ImportPlan;
use super::pipeline_signature::{pipeline_types_in, Role};
use super::trace::{unfold_config, unfold_config_helper, UnfoldedConfig};

/// A function the trace pipeline passes through before its install.
pub struct PipelineCustomizer<'a> {
    pub name: String,
    /// The index of the pipeline parameter.
    pub param: usize,
    item: &'a syn::ItemFn,
    /// The old pipeline types of the signature (parameter and return).
    types: Vec<TextRange>,
    /// `.with_trace_config(..)` of the body.
    config: Link<'a>,
}

impl PipelineCustomizer<'_> {
    /// The signature's range (findings about it are this rewrite's business).
    pub fn signature(&self, rust: ParsedRust<'_>) -> TextRange {
        range_of(rust.file, &self.item.sig)
    }

    /// The ranges of the old pipeline types the rewrite replaces.
    pub fn types(&self) -> &[TextRange] {
        &self.types
    }
}

/// The functions of the file of the rewritable form (their callers not checked yet).
pub fn trace_customizers(rust: ParsedRust<'_>) -> Vec<PipelineCustomizer<'_>> {
    #[derive(Default)]
    struct Fns<'a>(Vec<&'a syn::ItemFn>);
    impl<'a> Visit<'a> for Fns<'a> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            self.0.push(f);
            syn::visit::visit_item_fn(self, f);
        }
    }
    let mut fns = Fns::default();
    fns.visit_file(rust.syntax);
    fns.0
        .into_iter()
        .filter_map(|f| customizer(rust, f))
        .collect()
}

fn customizer<'a>(rust: ParsedRust<'a>, f: &'a syn::ItemFn) -> Option<PipelineCustomizer<'a>> {
    // The one free function of that name, private to a module wholly in this file.
    let own = private_free_function(rust, &ident_str(&f.sig.ident))?;
    std::ptr::eq(own, f).then(|| customizer_form(rust, f))?
}

/// The free function `name` at the top of the file when it has the customizer's form, whatever
/// its visibility: the package facts find its callers in other files
/// (`transforms/signature_facts.rs`).
pub fn top_level_customizer<'a>(
    rust: ParsedRust<'a>,
    name: &str,
) -> Option<PipelineCustomizer<'a>> {
    customizer_form(rust, top_level_fn(rust.syntax, name)?)
}

/// `f` as a customizer, its callers and visibility not checked.
fn customizer_form<'a>(rust: ParsedRust<'a>, f: &'a syn::ItemFn) -> Option<PipelineCustomizer<'a>> {
    let sig = &f.sig;
    let found = pipeline_types_in(rust, sig, Signal::Span)?;
    let roles: Vec<Role> = found.types.iter().map(|(_, r)| *r).collect();
    if roles != [Role::Parameter, Role::Return] || !sig.generics.params.is_empty() {
        return None;
    }
    let name = ident_str(&sig.ident);
    let (param, pat) = sig.inputs.iter().enumerate().find_map(|(i, input)| {
        let syn::FnArg::Typed(t) = input else {
            return None;
        };
        let syn::Pat::Ident(p) = &*t.pat else {
            return None;
        };
        let is_pipeline = range_of(rust.file, &*t.ty) == found.types[0].0;
        (is_pipeline && p.by_ref.is_none() && p.subpat.is_none()).then(|| (i, ident_str(&p.ident)))
    })?;
    let [syn::Stmt::Expr(body, None)] = f.block.stmts.as_slice() else {
        return None;
    };
    let chain = Chain::read(body);
    let [config] = chain.links.as_slice() else {
        return None;
    };
    if chain.root_local().as_deref() != Some(pat.as_str())
        || config.name != "with_trace_config"
        || count_ident(&f.block, &pat) != 1
    {
        return None;
    }
    unfolded(rust, config)?;
    Some(PipelineCustomizer {
        name,
        param,
        item: f,
        types: found.types.iter().map(|(r, _)| *r).collect(),
        config: config.clone(),
    })
}

fn unfolded(rust: ParsedRust<'_>, config: &Link<'_>) -> Option<UnfoldedConfig> {
    let args = config.args();
    let [arg] = args.as_slice() else {
        return None;
    };
    unfold_config(rust.file, rust.imports, arg)
        .or_else(|| unfold_config_helper(rust.file, rust.syntax, rust.imports, arg))
}

/// The candidates every mention of which is a call the trace transform rewrote: `placed(names)`
/// rewrites the file's pipelines with those candidates and returns the name of the customizer
/// of each call site it rewrote. A candidate with a call left over is dropped and the rest
/// tried again (their sites may have depended on it), so the result is all or nothing.
/// `key` gives a candidate's name and pipeline parameter (the metrics and logs customizers of
/// `otlp_customizer` settle the same way).
pub fn settle<C>(
    rust: ParsedRust<'_>,
    mut candidates: Vec<C>,
    key: impl Fn(&C) -> (String, usize),
    placed: impl Fn(&[(String, usize)]) -> Vec<String>,
) -> Vec<C> {
    while !candidates.is_empty() {
        let names: Vec<(String, usize)> = candidates.iter().map(&key).collect();
        let calls = placed(&names);
        let before = candidates.len();
        candidates.retain(|c| {
            let (name, _) = key(c);
            let rewritten = calls.iter().filter(|n| **n == name).count();
            // The definition is the one mention that is not a call.
            rewritten > 0 && rewritten + 1 == count_ident(rust.syntax, &name)
        });
        if candidates.len() == before {
            break;
        }
    }
    candidates
}

/// The edits of a settled customizer: the old pipeline types become the provider builder, the
/// trace config its setters (each on its own line, comments kept, the resource last).
pub fn customizer_edits(
    rust: ParsedRust<'_>,
    c: &PipelineCustomizer<'_>,
    names: &mut ImportPlan<'_>,
) -> Vec<(TextRange, String)> {
    let file = rust.file;
    let builder = names.name(Signal::Span.provider_builder_path());
    let mut edits: Vec<(TextRange, String)> =
        c.types.iter().map(|r| (*r, builder.clone())).collect();
    let Some(config) = unfolded(rust, &c.config) else {
        return Vec::new();
    };
    let link = c.config.range(file);
    let name_at = c.config.name_range(file).start;
    let receiver_line = file.line_col(link.start).0;
    let indent = file.indent_at(name_at);
    let step = if file.line_col(name_at).0 == receiver_line {
        crate::engine::source::deeper(indent, file.indent_unit())
    } else {
        indent.to_string()
    };
    let le = file.line_ending.as_str();
    let mut text = String::new();
    let resource = config.resource.map(|r| ("with_resource".to_string(), r));
    for (name, arg) in config.setters.into_iter().chain(resource) {
        for comment in &arg.comments {
            text.push_str(&format!("{le}{step}{comment}"));
        }
        text.push_str(&format!("{le}{step}.{name}({})", arg.at(&step)));
    }
    // Comments of the config chain that went with no setter lead the setters.
    for comment in comments_in(file, link).into_iter().rev() {
        let comment = file.slice(comment);
        if !text.contains(comment) {
            text.insert_str(0, &format!("{le}{step}{comment}"));
        }
    }
    edits.push((link, text));
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn candidates(src: &str) -> Vec<String> {
        with_parsed(src, |rust| {
            trace_customizers(rust)
                .into_iter()
                .map(|c| c.name)
                .collect()
        })
    }

    const HEAD: &str = "use opentelemetry_otlp::OtlpTracePipeline;\n\
                        use opentelemetry_sdk::trace::{config, Sampler};\n";

    #[test]
    fn a_private_config_setter_is_a_candidate() {
        let src = format!(
            "{HEAD}fn sampled(p: OtlpTracePipeline, r: f64) -> OtlpTracePipeline {{\n    \
             p.with_trace_config(config().with_sampler(Sampler::TraceIdRatioBased(r)))\n}}\n"
        );
        assert_eq!(candidates(&src), vec!["sampled"]);
    }

    #[test]
    fn near_misses_are_not_candidates() {
        let shapes = [
            // Public, generic, creating, two statements, another option, the pipeline used twice.
            "pub fn a(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_trace_config(config()) }",
            "fn b<T>(p: OtlpTracePipeline, t: T) -> OtlpTracePipeline { p.with_trace_config(config()) }",
            "fn c() -> OtlpTracePipeline { opentelemetry_otlp::new_pipeline().tracing() }",
            "fn d(p: OtlpTracePipeline) -> OtlpTracePipeline { let q = p; q.with_trace_config(config()) }",
            "fn e(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_batch_config(cfg()) }",
            "fn f(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_trace_config(config().with_resource(p.r())) }",
            "fn g(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_trace_config(my_config()) }",
        ];
        for shape in shapes {
            assert!(
                candidates(&format!("{HEAD}{shape}\n")).is_empty(),
                "{shape}"
            );
        }
        // A user type of that name, and a file with a module elsewhere that could call it.
        let user = "struct OtlpTracePipeline;\n\
                    fn h(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_trace_config(config()) }\n";
        assert!(candidates(user).is_empty());
        let modules = format!(
            "{HEAD}mod other;\nfn i(p: OtlpTracePipeline) -> OtlpTracePipeline {{ p.with_trace_config(config()) }}\n"
        );
        assert!(candidates(&modules).is_empty());
    }

    #[test]
    fn settling_drops_a_candidate_with_a_call_left_over_and_tries_again() {
        let src = format!(
            "{HEAD}fn a(p: OtlpTracePipeline) -> OtlpTracePipeline {{ p.with_trace_config(config()) }}\n\
             fn b(p: OtlpTracePipeline) -> OtlpTracePipeline {{ p.with_trace_config(config()) }}\n\
             fn main() {{ x(a(y)); b(z); b(w); }}\n"
        );
        with_parsed(&src, |rust| {
            let tries = std::cell::RefCell::new(Vec::new());
            let key = |c: &PipelineCustomizer<'_>| (c.name.clone(), c.param);
            let settled = settle(rust, trace_customizers(rust), key, |names| {
                tries.borrow_mut().push(names.len());
                // `a`'s one call is rewritten, `b`'s second call is not.
                let mut calls = vec!["a".to_string(), "b".to_string()];
                calls.retain(|c| names.iter().any(|(n, _)| n == c));
                calls
            });
            let names: Vec<&str> = settled.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, vec!["a"]);
            assert_eq!(*tries.borrow(), vec![2, 1]);
        });
    }

    #[test]
    fn the_config_becomes_setters_on_the_provider_builder() {
        let src = format!(
            "{HEAD}fn sampled(\n    p: OtlpTracePipeline,\n    r: f64,\n) -> OtlpTracePipeline {{\n    \
             p.with_trace_config(\n        config()\n            // keep this\n            .with_sampler(Sampler::TraceIdRatioBased(r))\n            .with_resource(res()),\n    )\n}}\n"
        );
        with_parsed(&src, |rust| {
            let [c] = trace_customizers(rust).try_into().ok().unwrap();
            let mut names = ImportPlan::at(rust.file, rust.syntax, 0);
            let mut edits = customizer_edits(rust, &c, &mut names);
            edits.sort_by_key(|(r, _)| r.start);
            let mut text = rust.file.text.clone();
            for (r, t) in edits.iter().rev() {
                text.replace_range(r.start..r.end, t);
            }
            assert!(
                text.contains(
                    "    p: Builder,\n    r: f64,\n) -> Builder {\n    p\n        // keep this\n        .with_sampler(Sampler::TraceIdRatioBased(r))\n        .with_resource(res())\n}"
                ),
                "{text}"
            );
        });
    }
}
