//! An exporter helper several pipelines of one file call: `fn exporter(cfg: &Cfg) ->
//! TonicExporterBuilder { new_exporter().tonic().with_endpoint(&cfg.url) }` called as
//! `.with_exporter(exporter(&cfg))` by two trace pipelines, or by a trace and a metrics
//! pipeline (issue 15, shape 2).
//!
//! A helper serving one pipeline returns the built exporter (`exporter_helper`); a shared one
//! cannot, as each signal builds its own exporter type. It becomes generic over the 0.27
//! option traits, `fn exporter<B: WithExportConfig + WithTonicConfig>(builder: B, cfg: &Cfg) ->
//! B { builder.with_endpoint(&cfg.url) }` (HTTP: `WithHttpConfig`), and each call passes its
//! signal's builder: `exporter(SpanExporter::builder().with_tonic(), &cfg).build()?`,
//! `MetricExporter::builder().with_tonic()` (with the pipeline's temporality), `LogExporter…`.
//!
//! Followed only when the body provably type-checks on 0.27 and every caller changes with it:
//! a top-level function whose value is one `new_exporter().tonic()`/`.http()` chain of options
//! the traits keep unchanged, with no `return`, and every use of whose name is a call that is
//! a pipeline's exporter, at least two. In one file: a private function of a file that
//! declares no out-of-line module; `otlp-trace-pipeline` settles it (dry runs of the three
//! signals' site rewrites: every call rewritten) and rewrites it, and the metrics and logs
//! transforms that run after it recognize the generic helper their pipeline still calls the
//! old way. Called from other files of the package: the package facts settle it
//! (`transforms/helper_facts.rs`, [`SharedRef`]) with the same dry runs over every caller
//! file; a publishable library's public API stays as it is (the sites name the generic
//! signature, [`shared_generic_signature`]). Called from other members of the workspace (the
//! shared telemetry crate's helper): the workspace facts (`transforms/helper_facts/members.rs`),
//! each call matched by the paths its crate reaches the helper by ([`SharedRef::paths`]).

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, ident_str, range_of, range_of_span, text_of, ParsedRust};

use super::{
    pipeline_exporter_args, private_free_function, top_level_fn, HelperRef, PackageHelpers,
};
use crate::otel::chain::{count_ident, Chain};
use crate::otel::exporter::{
    unchanged_option_trait, ExporterConfig, KeptIn, Transport, BUILDER_TYPE_PARAM,
};
use crate::otel::exporter_customizer::{builder_transport, same_module};
use crate::otel::imports::ImportPlan;

/// The parameter the generic helper takes its builder in.
pub const BUILDER_PARAM: &str = "builder";

/// A shared helper as this file writes it.
enum Form {
    /// Still the old helper: `-> TonicExporterBuilder { new_exporter().tonic()… }`; `root` is
    /// `new_exporter().tonic()`, the part its builder parameter replaces.
    Old { ret: TextRange, root: TextRange },
    /// Already made generic (by `otlp-trace-pipeline`, earlier in this run).
    Generic,
}

struct SharedHelper<'a> {
    item: &'a syn::ItemFn,
    transport: Transport,
    form: Form,
}

/// `name` as a helper of this file in one of its two forms.
fn shared_helper<'a>(rust: ParsedRust<'a>, name: &str) -> Option<SharedHelper<'a>> {
    let item = private_free_function(rust, name)?;
    let sig = &item.sig;
    if sig.asyncness.is_some() || sig.variadic.is_some() || sig.generics.where_clause.is_some() {
        return None;
    }
    if let Some(transport) = generic_transport(item) {
        return Some(SharedHelper {
            item,
            transport,
            form: Form::Generic,
        });
    }
    old_helper(rust, item)
}

/// `item` as an old helper whose body provably type-checks when made generic: it yields one
/// `new_exporter().tonic()` (`.http()`) chain of options the 0.27 traits keep unchanged.
fn old_helper<'a>(rust: ParsedRust<'_>, item: &'a syn::ItemFn) -> Option<SharedHelper<'a>> {
    let sig = &item.sig;
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return None;
    };
    let transport = builder_transport(rust, ret)?;
    if !may_become_generic(item) {
        return None;
    }
    let Some(syn::Stmt::Expr(tail, None)) = item.block.stmts.last() else {
        return None;
    };
    let root = generic_root(rust, tail, transport)?;
    Some(SharedHelper {
        item,
        transport,
        form: Form::Old {
            ret: range_of(rust.file, &**ret),
            root,
        },
    })
}

/// `expr` as one `new_exporter().tonic()` (`.http()` for `transport`) chain of options the
/// 0.27 traits keep unchanged: the range of `new_exporter().tonic()`, which a generic helper's
/// builder parameter replaces.
pub fn generic_root(
    rust: ParsedRust<'_>,
    expr: &syn::Expr,
    transport: Transport,
) -> Option<TextRange> {
    let chain = Chain::read(expr);
    let (first, options) = chain.links.split_first()?;
    let transport_link = match transport {
        Transport::Grpc => "tonic",
        Transport::Http => "http",
    };
    let unchanged = |method: &str| {
        unchanged_option_trait(method).is_some_and(|t| {
            t == transport.options_trait() || t == "opentelemetry_otlp::WithExportConfig"
        })
    };
    let root = range_of(rust.file, first.call);
    let fits = chain
        .root_path()
        .is_some_and(|r| rust.imports.is(r, &["opentelemetry_otlp", "new_exporter"]))
        && first.name == transport_link
        && first.call.args.is_empty()
        && options.iter().all(|l| unchanged(&l.name))
        && comments_in(rust.file, root).is_empty();
    fits.then_some(root)
}

/// The transport of a helper in the generic form this module writes: `fn f<B:
/// WithExportConfig + WithTonicConfig>(builder: B, …) -> B`.
fn generic_transport(item: &syn::ItemFn) -> Option<Transport> {
    let sig = &item.sig;
    let [syn::GenericParam::Type(param)] = sig.generics.params.iter().collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let is_param = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(BUILDER_TYPE_PARAM));
    let first_is_builder = matches!(sig.inputs.first(), Some(syn::FnArg::Typed(t))
        if matches!(&*t.pat, syn::Pat::Ident(i) if i.ident == BUILDER_PARAM) && is_param(&t.ty));
    let returns_param = matches!(&sig.output, syn::ReturnType::Type(_, ty) if is_param(ty));
    if param.ident != BUILDER_TYPE_PARAM || !first_is_builder || !returns_param {
        return None;
    }
    let bounds: Vec<String> = param
        .bounds
        .iter()
        .filter_map(|b| match b {
            syn::TypeParamBound::Trait(t) => t.path.segments.last().map(|s| ident_str(&s.ident)),
            _ => None,
        })
        .collect();
    match bounds.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["WithExportConfig", "WithTonicConfig"] => Some(Transport::Grpc),
        ["WithExportConfig", "WithHttpConfig"] => Some(Transport::Http),
        _ => None,
    }
}

/// Whether `item` can take the generic form's type parameter and builder parameter: not
/// `async`, no generics of its own, no `builder` or `B` already named, no `return` (a value
/// the tail reading would miss).
pub fn may_become_generic(item: &syn::ItemFn) -> bool {
    let sig = &item.sig;
    sig.asyncness.is_none()
        && sig.variadic.is_none()
        && sig.generics.params.is_empty()
        && sig.generics.where_clause.is_none()
        && count_ident(item, BUILDER_PARAM) == 0
        && count_ident(item, BUILDER_TYPE_PARAM) == 0
        && !returns_early(&item.block)
}

/// Whether `block` holds a `return` (a value the tail-chain reading would miss).
fn returns_early(block: &syn::Block) -> bool {
    struct Returns(bool);
    impl<'a> Visit<'a> for Returns {
        fn visit_expr_return(&mut self, _: &'a syn::ExprReturn) {
            self.0 = true;
        }
        // A closure's `return` is its own.
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    }
    let mut v = Returns(false);
    v.visit_block(block);
    v.0
}

/// `path(..)` (or `path(..).into()`): the call and its function's path.
fn helper_call(expr: &syn::Expr) -> Option<(&syn::ExprCall, &syn::Path)> {
    let call = match expr {
        syn::Expr::MethodCall(m) if m.method == "into" && m.args.is_empty() => &*m.receiver,
        e => e,
    };
    let syn::Expr::Call(c) = call else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    p.qself.is_none().then_some((c, &p.path))
}

/// The calls of functions that are pipelines' exporters in this file (`.with_exporter(f(..))`
/// on `new_pipeline()` chains), with the functions' paths.
pub fn pipeline_helper_calls<'a>(rust: ParsedRust<'a>) -> Vec<(&'a syn::ExprCall, &'a syn::Path)> {
    pipeline_exporter_args(rust)
        .into_iter()
        .filter_map(helper_call)
        .collect()
}

/// An exporter helper the package facts settled as shared by pipelines of several files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRef {
    pub helper: HelperRef,
    pub transport: Transport,
    /// Its parameters before the builder one is added: what each old call passes.
    pub params: usize,
    /// A helper of another workspace member: the paths this crate calls it by (the member's
    /// dependency key first). Empty for a helper of this crate (matched by module and name).
    pub paths: Vec<Vec<String>>,
}

impl SharedRef {
    /// Whether `path`, called in this file, names this helper.
    pub fn named_by(
        &self,
        rust: ParsedRust<'_>,
        path: &syn::Path,
        helpers: &PackageHelpers,
    ) -> bool {
        if !self.paths.is_empty() {
            return self.paths.contains(&rust.imports.resolve(path));
        }
        helpers
            .resolve(rust, path)
            .is_some_and(|(module, name)| module == self.helper.module && name == self.helper.name)
    }
}

/// The transport and parameter count of `item` when it is an old exporter helper whose body
/// provably type-checks when made generic.
pub fn generic_form_fits(rust: ParsedRust<'_>, item: &syn::ItemFn) -> Option<(Transport, usize)> {
    old_helper(rust, item).map(|h| (h.transport, item.sig.inputs.len()))
}

/// The helpers of this file (old form) whose name occurs only in their definition and in at
/// least two calls that are pipelines' exporters, with those calls.
pub fn shared_helper_candidates(rust: ParsedRust<'_>) -> Vec<(String, Vec<TextRange>)> {
    let mut by_name: Vec<(String, Vec<&syn::ExprCall>)> = Vec::new();
    for (call, path) in pipeline_helper_calls(rust) {
        let Some(name) = path.get_ident().map(ident_str) else {
            continue;
        };
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some((_, calls)) => calls.push(call),
            None => by_name.push((name, vec![call])),
        }
    }
    by_name
        .into_iter()
        .filter(|(name, calls)| {
            let Some(helper) = shared_helper(rust, name) else {
                return false;
            };
            matches!(helper.form, Form::Old { .. })
                && calls.len() >= 2
                && count_ident(rust.syntax, name) == calls.len() + 1
                && calls.iter().all(|c| {
                    c.args.len() == helper.item.sig.inputs.len()
                        && same_module(
                            rust.syntax,
                            helper.item,
                            range_of(rust.file, *c).start,
                            rust.file,
                        )
                })
        })
        .map(|(name, calls)| {
            let ranges = calls.iter().map(|c| range_of(rust.file, *c)).collect();
            (name, ranges)
        })
        .collect()
}

/// The candidates whose every call a dry run of the sites rewrites (`dry_run`: the changes of
/// each signal's site rewrite with the given helpers assumed followed): each is rewritten only
/// with all of its callers.
pub fn settled_shared_helpers(
    rust: ParsedRust<'_>,
    dry_run: impl Fn(&[String]) -> Vec<Changes>,
) -> Vec<String> {
    let mut candidates = shared_helper_candidates(rust);
    while !candidates.is_empty() {
        let names: Vec<String> = candidates.iter().map(|(n, _)| n.clone()).collect();
        let runs = dry_run(&names);
        let before = candidates.len();
        candidates.retain(|(_, calls)| {
            calls
                .iter()
                .all(|call| call_site_rewritten(rust, *call, &runs))
        });
        if candidates.len() == before {
            return names;
        }
    }
    Vec::new()
}

/// Whether an edit of `runs` replaces `call`, with no error in the item around it.
pub fn call_site_rewritten(rust: ParsedRust<'_>, call: TextRange, runs: &[Changes]) -> bool {
    let Some(item) = rust
        .syntax
        .items
        .iter()
        .map(|i| range_of(rust.file, i))
        .find(|i| i.contains_range(call))
    else {
        return false;
    };
    runs.iter()
        .any(|c| c.edits.iter().any(|e| e.range.contains_range(call)))
        && !runs
            .iter()
            .flat_map(|c| &c.findings)
            .any(|f| f.severity == Severity::Error && f.range.overlaps(item))
}

/// The exporter of a pipeline whose `with_exporter` argument `arg` calls a shared helper: one
/// the package facts settled (`helpers.shared_elsewhere`), or one of this file still old and
/// settled for this run (`helpers.shared`) or already generic. The call takes the signal's
/// 0.27 builder and the site builds what it returns.
pub fn exporter_through_shared_helper(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    helpers: &PackageHelpers,
) -> Option<ExporterConfig> {
    let file = rust.file;
    let (call, path) = helper_call(arg)?;
    let elsewhere = helpers
        .shared_elsewhere
        .iter()
        .find(|s| s.named_by(rust, path, helpers));
    if let Some(shared) = elsewhere {
        return (call.args.len() == shared.params)
            .then(|| through(rust, call, shared.transport))
            .flatten();
    }
    let name = ident_str(path.get_ident()?);
    let helper = shared_helper(rust, &name)?;
    let params = helper.item.sig.inputs.len();
    let arity_fits = match helper.form {
        Form::Old { .. } => helpers.shared.contains(&name) && call.args.len() == params,
        Form::Generic => call.args.len() + 1 == params,
    };
    if !arity_fits || !same_module(rust.syntax, helper.item, range_of(file, call).start, file) {
        return None;
    }
    through(rust, call, helper.transport)
}

/// `call` re-written around the signal's builder of `transport`: `f(<builder>, args..)`.
fn through(
    rust: ParsedRust<'_>,
    call: &syn::ExprCall,
    transport: Transport,
) -> Option<ExporterConfig> {
    let file = rust.file;
    // Re-written on one line: nothing a line comment could swallow.
    let args: Vec<&str> = call.args.iter().map(|a| text_of(file, a)).collect();
    let func = text_of(file, &*call.func);
    if !comments_in(file, range_of(file, call)).is_empty()
        || args.iter().any(|a| a.contains('\n'))
        || func.contains('\n')
    {
        return None;
    }
    let after: String = args.iter().map(|a| format!(", {a}")).collect();
    Some(ExporterConfig::kept(
        transport,
        KeptIn {
            name: format!("{func}("),
            // The pipeline's moved options (temporality) go onto the builder the call passes.
            takes_moved_options: true,
            built: false,
            ready: false,
            parts: Vec::new(),
            traits: Vec::new(),
            widens: None,
            through: Some((
                Box::new(ExporterConfig::new(transport)),
                format!("{after})"),
            )),
        },
    ))
}

/// The edits that make each settled helper generic: its signature's
/// ([`signature_edits`]), and `builder` for its `new_exporter().tonic()`.
pub fn shared_helper_edits(
    rust: ParsedRust<'_>,
    settled: &[String],
    names: &mut ImportPlan<'_>,
) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    for name in settled {
        let Some(helper) = top_level_fn(rust.syntax, name).and_then(|f| old_helper(rust, f)) else {
            continue;
        };
        let Form::Old { root, ret } = helper.form else {
            continue;
        };
        // The helper's own `#[cfg]` (a gated helper's imports are gated alike).
        names.code_at(root.start);
        let traits = (
            names.name("opentelemetry_otlp::WithExportConfig"),
            names.name(helper.transport.options_trait()),
        );
        out.extend(signature_edits(rust, &helper.item.sig, ret, traits));
        out.push((root, BUILDER_PARAM.to_string()));
    }
    names.code_at_site();
    out
}

/// The signature edits of an old helper made generic: the type parameter bound by `traits`
/// (export config, transport), the builder parameter first, and `B` for its return type.
fn signature_edits(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    ret: TextRange,
    (export_config, transport): (String, String),
) -> Vec<(TextRange, String)> {
    let file = rust.file;
    let ident_end = range_of(file, &sig.ident).end;
    let bound = format!("<{BUILDER_TYPE_PARAM}: {export_config} + {transport}>");
    vec![
        (TextRange::new(ident_end, ident_end), bound),
        builder_param(rust, sig),
        (ret, BUILDER_TYPE_PARAM.to_string()),
    ]
}

/// The insertion of the generic form's builder parameter, first in `sig`'s parameters.
pub fn builder_param(rust: ParsedRust<'_>, sig: &syn::Signature) -> (TextRange, String) {
    let file = rust.file;
    match sig.inputs.first() {
        Some(first) => (
            TextRange::new(range_of(file, first).start, range_of(file, first).start),
            format!("{BUILDER_PARAM}: {BUILDER_TYPE_PARAM}, "),
        ),
        None => {
            let at = range_of_span(file, sig.paren_token.span.open()).end;
            (
                TextRange::new(at, at),
                format!("{BUILDER_PARAM}: {BUILDER_TYPE_PARAM}"),
            )
        }
    }
}

/// For a pipeline site that could not follow `call`: when it calls a top-level function of
/// this file, used more than once, that returns an old exporter chain the generic form could
/// take (public, or with callers that are not pipelines), that form's signature, for the
/// finding. (A helper used once returns the built exporter instead.)
pub fn shared_generic_signature(rust: ParsedRust<'_>, call: &syn::ExprCall) -> Option<String> {
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let name = ident_str(p.path.get_ident()?);
    if count_ident(rust.syntax, &name) < 3 {
        return None;
    }
    generic_signature(rust, top_level_fn(rust.syntax, &name)?)
}

/// The generic form's signature of `item` (an old exporter helper whose body provably
/// type-checks when made generic), visibility included, for a finding.
pub fn generic_signature(rust: ParsedRust<'_>, item: &syn::ItemFn) -> Option<String> {
    let helper = old_helper(rust, item)?;
    let Form::Old { ret, .. } = helper.form else {
        return None;
    };
    Some(written_signature(rust, item, ret, helper.transport))
}

/// `item`'s signature in the generic form, visibility included, for a finding: `ret` (the old
/// builder type in its return type) becomes the type parameter bound by `transport`'s traits.
pub fn written_signature(
    rust: ParsedRust<'_>,
    item: &syn::ItemFn,
    ret: TextRange,
    transport: Transport,
) -> String {
    let file = rust.file;
    let sig = range_of(file, &item.sig);
    let mut text = file.slice(sig).to_string();
    let traits = (
        "opentelemetry_otlp::WithExportConfig".to_string(),
        transport.options_trait().to_string(),
    );
    let mut edits = signature_edits(rust, &item.sig, ret, traits);
    // Back to front, so earlier offsets stay valid (an insertion before the replaced type).
    edits.sort_by_key(|(r, _)| std::cmp::Reverse((r.start, r.end)));
    for (range, new) in edits {
        text.replace_range(range.start - sig.start..range.end - sig.start, &new);
    }
    let vis = match &item.vis {
        syn::Visibility::Inherited => String::new(),
        v => format!("{} ", text_of(file, v)),
    };
    format!("{vis}{text}")
}

/// The old exporter chains the settled helpers' rewrite replaces (left to it by the passes
/// that report a stray `new_exporter()`).
pub fn shared_helper_values(rust: ParsedRust<'_>, settled: &[String]) -> Vec<TextRange> {
    settled
        .iter()
        .filter_map(
            |name| match old_helper(rust, top_level_fn(rust.syntax, name)?)?.form {
                Form::Old { root, .. } => Some(root),
                Form::Generic => None,
            },
        )
        .collect()
}
