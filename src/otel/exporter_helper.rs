//! An exporter a pipeline takes from a helper function: `fn exporter(cfg: &Cfg) ->
//! TonicExporterBuilder { new_exporter().tonic()… }` (also `-> HttpExporterBuilder`,
//! `-> SpanExporterBuilder` with `.into()`, `-> impl Into<…>`, a `match`/`if` choosing the
//! transport) called as `.with_exporter(exporter(&cfg))`; or a helper returning
//! `Result<TonicExporterBuilder, TraceError>` (`Ok(new_exporter()…)`) whose result feeds the
//! pipeline through `exporter(&cfg).and_then(|exporter| new_pipeline()…with_exporter(exporter)…)`.
//!
//! 0.27's exporter builder types cannot be named in a signature, so the helper becomes a
//! function returning the built exporter (`Result<SpanExporter, TraceError>`, the metric and log
//! ones likewise) with `.build()` inside, and the site unwraps it with its own error handling
//! (the `and_then` becomes the site's `.map(|exporter| …)`).
//! Followed only when the helper and its one call change together: in the same file, a private
//! free function whose name occurs nowhere else in the file, in a file that declares no
//! out-of-line module (which could call it through `super::`), with its value in its tail
//! expression; in another file of the package, a helper the package facts
//! ([`PackageHelpers`]) found called once, from a pipeline that is rewritten with it.
//! A helper returning `Result<TonicExporterBuilder, E>` unwrapped in an arm of the choice a
//! pipeline takes (`lightstep(&t)?`) is made generic instead ([`fallible`]).

pub mod fallible;
pub mod shared;

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, item_named_in, range_of, text_of, ImportMap, ParsedRust};

use super::chain::{count_ident, Chain};
use super::exporter::{ExporterConfig, KeptIn, LocalPart, PartEdit, Signal, Transport};
use super::exporter_branches::exporter_chosen_by_branch;
use super::exporter_customizer::{customizer_in_local, exporter_through_customizer};
use super::exporter_field::exporter_in_field;
use super::exporter_local::{
    exporter_in_local, exporter_in_local_with, exporter_value, exporter_value_with, local_name,
    old_builder_path, yielded_values,
};
use super::imports::ImportPlan;
use shared::{exporter_through_shared_helper, SharedRef};

/// What the other files of the package say about exporter helpers, as seen from one file.
#[derive(Debug, Clone, Default)]
pub struct PackageHelpers {
    /// The module path of this file (`[]` for a crate root, `[telemetry]` for
    /// `src/telemetry.rs`).
    pub module: Vec<String>,
    /// The library crate's name, the first segment a binary root calls its items by.
    pub crate_name: String,
    /// Helpers of other files whose one call, a pipeline's exporter, is rewritten with them.
    pub followed: Vec<HelperRef>,
    /// Helpers of this file whose one call (in another file) is rewritten with them: they
    /// return the built span exporter.
    pub own: Vec<String>,
    /// Helpers of this file that are public API of a publishable library: reported with their
    /// new signature and callers, not rewritten.
    pub reported: Vec<ReportedHelper>,
    /// The signal whose pipelines these facts were read for (the helpers' built exporter).
    pub signal: Signal,
    /// Helpers of this file that several pipelines call, made generic over the option traits
    /// with their calls (`shared`).
    pub shared: Vec<String>,
    /// Helpers of the package that pipelines of several files call, settled by the package
    /// facts: made generic in their file, every call passing its signal's builder.
    pub shared_elsewhere: Vec<SharedRef>,
    /// The helpers of `shared_elsewhere` this file defines (it makes them generic).
    pub own_shared: Vec<String>,
}

/// A helper left as it is because other crates may call it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportedHelper {
    pub name: String,
    /// Where the package calls it (`src/setup.rs:10`).
    pub callers: Vec<String>,
}

/// A free function of the package: its module path and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HelperRef {
    pub module: Vec<String>,
    pub name: String,
}

impl PackageHelpers {
    /// Whether `path`, called in this file, names a followed helper of another file.
    fn followed_by(&self, rust: ParsedRust<'_>, path: &syn::Path) -> bool {
        self.resolve(rust, path).is_some_and(|(module, name)| {
            self.followed
                .iter()
                .any(|h| h.name == name && h.module == module)
        })
    }

    /// The free function of the package `path`, used in this file, names: module and name.
    pub fn resolve(&self, rust: ParsedRust<'_>, path: &syn::Path) -> Option<(Vec<String>, String)> {
        let resolved = rust.imports.resolve(path);
        item_named_in(rust.syntax, &self.module, &resolved, &self.crate_name)
    }
}

/// The exporter `with_exporter(<arg>)` takes: from a local ([`exporter_in_local`]), from a
/// helper function's call, from the closure of `helper(..).and_then(|exporter| …)`, from a
/// struct field ([`exporter_in_field`]), or from a factory closure's call
/// ([`super::exporter_closure`]); `None`
/// when none can be followed.
pub fn exporter_in_local_or_helper(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    helpers: &PackageHelpers,
) -> Option<ExporterConfig> {
    exporter_in_local(rust, arg)
        .or_else(|| exporter_in_local_with(rust, arg, &|init| customized_local(rust, init)))
        .or_else(|| {
            exporter_in_local_with(rust, arg, &|init| {
                exporter_value_with(rust, init, &|arm| fallible::unwrapped_helper_arm(rust, arm))
            })
        })
        .or_else(|| exporter_in_local_with(rust, arg, &|init| helpers_chosen(rust, init)))
        .or_else(|| exporter_through_shared_helper(rust, arg, helpers))
        .or_else(|| exporter_from_helper(rust, arg, helpers))
        .or_else(|| exporter_after_helper(rust, arg, helpers))
        .or_else(|| exporter_in_field(rust, arg))
        .or_else(|| super::exporter_closure::exporter_from_closure(rust, arg))
}

/// A local's initializer `customize(new_exporter().tonic(), ..)` calling a private helper of
/// this file that customizes the builder: it then holds the 0.27 builder.
fn customized_local(rust: ParsedRust<'_>, init: &syn::Expr) -> Option<(bool, Vec<LocalPart>)> {
    let syn::Expr::Call(call) = init else {
        return None;
    };
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let name = p.path.get_ident().map(ident_str)?;
    let helper = same_file_helper(rust, &name)?;
    Some((false, customizer_in_local(rust, call, helper)?))
}

/// A local's initializer `match`/`if` whose every arm that yields calls a private helper of
/// this file returning an old builder (`http_exporter(&cfg)`, or `self.http_exporter()` of an
/// inherent impl), each helper named only there: every helper returns the built exporter and
/// the local holds the chosen arm's `Result` (one arm per transport, so one helper per arm).
fn helpers_chosen(rust: ParsedRust<'_>, init: &syn::Expr) -> Option<(bool, Vec<LocalPart>)> {
    if !matches!(init, syn::Expr::Match(_) | syn::Expr::If(_)) {
        return None;
    }
    let mut parts = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for arm in yielded_values(init)? {
        let (name, method) = match arm {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) if p.qself.is_none() => {
                    (p.path.get_ident().map(ident_str)?, false)
                }
                _ => return None,
            },
            syn::Expr::MethodCall(m) if is_self(&m.receiver) && m.turbofish.is_none() => {
                (ident_str(&m.method), true)
            }
            _ => return None,
        };
        if seen.contains(&name) {
            continue;
        }
        // Called only by this choice: changing what it returns changes no other caller.
        if count_ident(rust.syntax, &name) != 1 + count_ident(init, &name) {
            return None;
        }
        let (sig, block) = if method {
            private_method(rust, &name)?
        } else {
            let f = private_free_function(rust, &name)?;
            (&f.sig, &*f.block)
        };
        parts.extend(fn_parts(rust, sig, block, HelperForm::Builder)?);
        seen.push(name);
    }
    (!seen.is_empty()).then_some((true, parts))
}

fn is_self(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self"))
}

/// The one method `name` of an inherent impl of this file, without `pub`, when the file
/// declares no module in another file (private methods are callable from child modules).
fn private_method<'a>(
    rust: ParsedRust<'a>,
    name: &str,
) -> Option<(&'a syn::Signature, &'a syn::Block)> {
    let mut fns = Methods {
        name,
        found: Vec::new(),
        out_of_line_modules: false,
    };
    fns.visit_file(rust.syntax);
    let [(inherent, m)] = fns.found.as_slice() else {
        return None;
    };
    (*inherent && !fns.out_of_line_modules && matches!(m.vis, syn::Visibility::Inherited))
        .then_some((&m.sig, &m.block))
}

struct Methods<'a, 'n> {
    name: &'n str,
    /// Each method of that name, and whether its impl is inherent.
    found: Vec<(bool, &'a syn::ImplItemFn)>,
    out_of_line_modules: bool,
}

impl<'a> Visit<'a> for Methods<'a, '_> {
    fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item {
                if f.sig.ident == self.name {
                    self.found.push((i.trait_.is_none(), f));
                }
            }
        }
        syn::visit::visit_item_impl(self, i);
    }

    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if m.content.is_none() {
            self.out_of_line_modules = true;
        }
        syn::visit::visit_item_mod(self, m);
    }
}

/// How a helper hands out its exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperForm {
    /// `-> TonicExporterBuilder` (and siblings, `impl Into<…>`): the builder itself.
    Builder,
    /// `-> Result<TonicExporterBuilder, TraceError>` with `Ok(<builder>)` as its value.
    TraceResult,
}

/// Where a called helper is defined.
enum HelperAt<'a> {
    /// In this file: its parts change with the site.
    Here(&'a syn::ItemFn),
    /// Followed by the package facts: its file changes it (in its own run's helper pass).
    Elsewhere,
}

/// The helper `call` names, when it can be followed.
fn helper_of_call<'a>(
    rust: ParsedRust<'a>,
    call: &syn::ExprCall,
    helpers: &PackageHelpers,
) -> Option<HelperAt<'a>> {
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    // The package facts first: their helper's own file rewrites it (this one, or another).
    if helpers.followed_by(rust, &p.path) {
        return Some(HelperAt::Elsewhere);
    }
    let name = p.path.get_ident().map(ident_str)?;
    same_file_helper(rust, &name).map(HelperAt::Here)
}

/// The private free function `name` of this file, called once and nowhere else named.
fn same_file_helper<'a>(rust: ParsedRust<'a>, name: &str) -> Option<&'a syn::ItemFn> {
    private_free_function(rust, name).filter(|_| count_ident(rust.syntax, name) == 2)
}

/// The one free function `name` of this file, without `pub`, when the file declares no module
/// in another file (which could call it): every caller is in this file.
pub fn private_free_function<'a>(rust: ParsedRust<'a>, name: &str) -> Option<&'a syn::ItemFn> {
    let mut fns = Functions {
        name,
        found: Vec::new(),
        out_of_line_modules: false,
    };
    fns.visit_file(rust.syntax);
    let [helper] = fns.found.as_slice() else {
        return None;
    };
    (!fns.out_of_line_modules && matches!(helper.vis, syn::Visibility::Inherited))
        .then_some(*helper)
}

/// `helper(args)` (or `helper(args).into()`) naming a helper this module can follow.
fn exporter_from_helper(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    helpers: &PackageHelpers,
) -> Option<ExporterConfig> {
    let call = match arg {
        syn::Expr::MethodCall(m) if m.method == "into" && m.args.is_empty() => &*m.receiver,
        e => e,
    };
    let syn::Expr::Call(c) = call else {
        return None;
    };
    let parts = match helper_of_call(rust, c, helpers)? {
        HelperAt::Here(helper) => match helper_parts(rust, helper, HelperForm::Builder) {
            Some(parts) => parts,
            None => return exporter_through_customizer(rust, c, helper),
        },
        HelperAt::Elsewhere => Vec::new(),
    };
    Some(built_by(text_of(rust.file, call), parts))
}

/// `helper(args).and_then(|exporter| <pipeline taking exporter>)` around `arg`: the site
/// builds from `helper(args)` and takes the place of the whole expression (the pipeline in the
/// closure becomes the site's `.map(|exporter| …)`).
fn exporter_after_helper(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    helpers: &PackageHelpers,
) -> Option<ExporterConfig> {
    let file = rust.file;
    let name = local_name(arg)?;
    let mut finder = AndThenClosure {
        file,
        name: &name,
        at: range_of(file, arg).start,
        found: None,
    };
    finder.visit_file(rust.syntax);
    let (and_then, closure) = finder.found?;
    let body = match &*closure.body {
        syn::Expr::Block(b) if b.label.is_none() && b.block.stmts.len() == 1 => {
            match &b.block.stmts[0] {
                syn::Stmt::Expr(e, None) => e,
                _ => return None,
            }
        }
        e => e,
    };
    // The closure yields the installed trace pipeline as it is (what `and_then` takes).
    let pipeline = Chain::read(body);
    let names = pipeline.names();
    if !pipeline
        .root_path()
        .is_some_and(|r| rust.imports.is(r, &["opentelemetry_otlp", "new_pipeline"]))
        || names.first() != Some(&"tracing")
        || !matches!(names.last(), Some(&"install_batch" | &"install_simple"))
        || count_ident(&*closure.body, &name) != 1
    {
        return None;
    }
    let syn::Expr::Call(call) = &*and_then.receiver else {
        return None;
    };
    let mut parts = Vec::new();
    if let HelperAt::Here(helper) = helper_of_call(rust, call, helpers)? {
        parts = helper_parts(rust, helper, HelperForm::TraceResult)?;
    }
    let mut exporter = built_by(text_of(file, call), parts);
    if let Some(kept) = &mut exporter.kept_in {
        kept.widens = Some((range_of(file, body), range_of(file, and_then)));
    }
    Some(exporter)
}

fn has_comment(file: &SourceFile, range: TextRange) -> bool {
    let text = file.slice(range);
    text.contains("//") || text.contains("/*")
}

/// The exporter of a site that names `call`, which yields the built exporter's `Result`.
fn built_by(call: &str, parts: Vec<LocalPart>) -> ExporterConfig {
    ExporterConfig::kept(
        // The site only names the call: the transport is the helper's business.
        Transport::Grpc,
        KeptIn {
            name: call.to_string(),
            takes_moved_options: false,
            built: true,
            ready: false,
            parts,
            traits: Vec::new(),
            widens: None,
            through: None,
        },
    )
}

/// The edits that make `helper` (of `form`) return the built exporter: its return type, and
/// the chains of its tail value (built); `None` when it is not such a helper.
pub fn helper_parts(
    rust: ParsedRust<'_>,
    helper: &syn::ItemFn,
    form: HelperForm,
) -> Option<Vec<LocalPart>> {
    fn_parts(rust, &helper.sig, &helper.block, form)
}

/// [`helper_parts`] of a function or method given by its signature and body.
fn fn_parts(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    block: &syn::Block,
    form: HelperForm,
) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    if sig.asyncness.is_some() || !sig.generics.params.is_empty() {
        return None;
    }
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return None;
    };
    let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() else {
        return None;
    };
    let mut parts = Vec::new();
    match form {
        HelperForm::Builder => {
            if !returns_old_builder(rust.imports, ret) {
                return None;
            }
            parts.push(LocalPart {
                range: range_of(file, &**ret),
                edit: PartEdit::BuiltResult,
                indent: String::new(),
            });
            parts.extend(exporter_value(rust, tail)?.1);
        }
        HelperForm::TraceResult => {
            let builder = trace_result_builder(rust.imports, ret)?;
            parts.push(LocalPart {
                range: range_of(file, builder),
                edit: PartEdit::BuiltType,
                indent: String::new(),
            });
            // Each `Ok(<builder>)` it yields (through `match`/`if` arms and blocks) →
            // `<builder>.build()`: the build's error is the helper's.
            let yielded = yielded_values(tail)?;
            if yielded.is_empty() {
                return None;
            }
            for ok in yielded {
                let value = ok_value(ok)?;
                let (whole, inner) = (range_of(file, ok), range_of(file, value));
                for range in [
                    TextRange::new(whole.start, inner.start),
                    TextRange::new(inner.end, whole.end),
                ] {
                    if has_comment(file, range) {
                        return None;
                    }
                    parts.push(LocalPart {
                        range,
                        edit: PartEdit::Delete,
                        indent: String::new(),
                    });
                }
                parts.extend(exporter_value(rust, value)?.1);
            }
        }
    }
    Some(parts)
}

/// The free function `name` among the top-level items of this file.
pub fn top_level_fn<'a>(syntax: &'a syn::File, name: &str) -> Option<&'a syn::ItemFn> {
    let mut found = syntax.items.iter().filter_map(|i| match i {
        syn::Item::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    });
    match (found.next(), found.next()) {
        (Some(f), None) => Some(f),
        _ => None,
    }
}

/// The form of a helper the package facts may follow across files (`None`: not one).
pub fn helper_form(rust: ParsedRust<'_>, helper: &syn::ItemFn) -> Option<HelperForm> {
    [HelperForm::Builder, HelperForm::TraceResult]
        .into_iter()
        .find(|form| helper_parts(rust, helper, *form).is_some())
}

/// The edits of this file's helpers that another file's pipeline follows
/// ([`PackageHelpers::own`]): each returns the built exporter of the facts' signal.
pub fn own_helper_edits(
    rust: ParsedRust<'_>,
    helpers: &PackageHelpers,
    names: &mut ImportPlan<'_>,
) -> Vec<(TextRange, String)> {
    let le = rust.file.line_ending.as_str();
    let mut out = Vec::new();
    for name in &helpers.own {
        let Some(helper) = top_level_fn(rust.syntax, name) else {
            continue;
        };
        let Some(form) = helper_form(rust, helper) else {
            continue;
        };
        if let Some(parts) = helper_parts(rust, helper, form) {
            out.extend(built_by(name, parts).local_edits(helpers.signal, names, le));
        }
    }
    out
}

/// An error at each public helper of this file ([`PackageHelpers::reported`]): the exact 0.27
/// signature and every caller of the package.
pub fn report_public_helpers(rust: ParsedRust<'_>, helpers: &PackageHelpers, out: &mut Changes) {
    for reported in &helpers.reported {
        let Some(helper) = top_level_fn(rust.syntax, &reported.name) else {
            continue;
        };
        let Some(parts) = helper_form(rust, helper).and_then(|f| helper_parts(rust, helper, f))
        else {
            continue;
        };
        let sig = range_of(rust.file, &helper.sig);
        let mut signature = rust.file.slice(sig).to_string();
        let vis = match &helper.vis {
            syn::Visibility::Inherited => String::new(),
            v => format!("{} ", text_of(rust.file, v)),
        };
        let signal = helpers.signal;
        // Back to front, so earlier offsets stay valid.
        for part in parts.iter().rev().filter(|p| sig.contains_range(p.range)) {
            let text = match part.edit {
                PartEdit::BuiltResult => format!(
                    "Result<{}, {}>",
                    signal.exporter_path(),
                    signal.build_error_path()
                ),
                PartEdit::BuiltType => signal.exporter_path().to_string(),
                _ => continue,
            };
            signature.replace_range(
                part.range.start - sig.start..part.range.end - sig.start,
                &text,
            );
        }
        let callers = match reported.callers.as_slice() {
            [] => "it has no caller in this package".to_string(),
            c => format!("update its callers ({})", c.join(", ")),
        };
        out.finding(
            sig,
            Severity::Error,
            format!("`{}` returns an old exporter builder and is public API of a publishable library (other crates may call it); it was not rewritten", reported.name),
            format!("0.27's builder types cannot be named: change it to `{vis}{signature}` with `.build()` inside, and {callers}; or set `rewrite-public-api = true` in otel-migrate.toml to have the tool rewrite it and the workspace's callers"),
        );
    }
}

/// `Ok(value)`: the value.
fn ok_value(expr: &syn::Expr) -> Option<&syn::Expr> {
    let syn::Expr::Call(c) = expr else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    (p.path.is_ident("Ok") && c.args.len() == 1).then(|| &c.args[0])
}

/// The old builder type inside `Result<builder, TraceError>` or `TraceResult<builder>`.
fn trace_result_builder<'t>(imports: &ImportMap, ty: &'t syn::Type) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    let types: Vec<&syn::Type> = a
        .args
        .iter()
        .filter_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    let trace_error = |t: &syn::Type| match t {
        syn::Type::Path(e) => ["opentelemetry", "opentelemetry_api"]
            .iter()
            .any(|k| imports.is(&e.path, &[k, "trace", "TraceError"])),
        _ => false,
    };
    let builder = match types.as_slice() {
        [b, e] if last.ident == "Result" && trace_error(e) => *b,
        [b] if ["opentelemetry", "opentelemetry_api"]
            .iter()
            .any(|k| imports.is(&p.path, &[k, "trace", "TraceResult"])) =>
        {
            *b
        }
        _ => return None,
    };
    match builder {
        syn::Type::Path(b) if b.qself.is_none() && old_builder_path(imports, &b.path) => {
            Some(builder)
        }
        _ => None,
    }
}

/// The innermost `….and_then(|name| …)` whose closure body holds offset `at`.
struct AndThenClosure<'a, 'f, 'n> {
    file: &'f SourceFile,
    name: &'n str,
    at: usize,
    found: Option<(&'a syn::ExprMethodCall, &'a syn::ExprClosure)>,
}

impl<'a> Visit<'a> for AndThenClosure<'a, '_, '_> {
    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if m.method == "and_then" && m.args.len() == 1 {
            if let syn::Expr::Closure(c) = &m.args[0] {
                let body = range_of(self.file, &*c.body);
                let binds = matches!(c.inputs.iter().collect::<Vec<_>>().as_slice(),
                    [syn::Pat::Ident(i)] if i.ident == self.name && i.subpat.is_none());
                if binds && body.start <= self.at && self.at < body.end {
                    self.found = Some((m, c));
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// `TonicExporterBuilder`, `HttpExporterBuilder`, `SpanExporterBuilder` (and siblings), or
/// `impl Into<one of those>`.
fn returns_old_builder(imports: &ImportMap, ty: &syn::Type) -> bool {
    match ty {
        syn::Type::ImplTrait(t) => t.bounds.iter().any(|b| match b {
            syn::TypeParamBound::Trait(tb) => {
                let last = tb.path.segments.last();
                last.is_some_and(|s| s.ident == "Into")
                    && last.is_some_and(|s| match &s.arguments {
                        syn::PathArguments::AngleBracketed(a) => a.args.iter().any(|g| {
                            matches!(g, syn::GenericArgument::Type(t) if returns_old_builder(imports, t))
                        }),
                        _ => false,
                    })
            }
            _ => false,
        }),
        syn::Type::Path(p) => p.qself.is_none() && old_builder_path(imports, &p.path),
        _ => false,
    }
}

/// The free functions named `name` (top level and inline modules), and whether the file
/// declares a module in another file.
struct Functions<'a, 'n> {
    name: &'n str,
    found: Vec<&'a syn::ItemFn>,
    out_of_line_modules: bool,
}

impl<'a> Visit<'a> for Functions<'a, '_> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        if f.sig.ident == self.name {
            self.found.push(f);
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if m.content.is_none() {
            self.out_of_line_modules = true;
        }
        syn::visit::visit_item_mod(self, m);
    }
}

/// The locals and helpers whose exporter a pipeline takes (`with_exporter(<local or call>)` on
/// a chain rooted at `opentelemetry_otlp::new_pipeline()`), and this file's helpers another
/// file's pipeline follows: the ranges their rewrite replaces, so other passes leave them to
/// the pipeline transforms.
pub fn exporter_values_taken(rust: ParsedRust<'_>, helpers: &PackageHelpers) -> Vec<TextRange> {
    let mut v = PipelineExporterArgs {
        imports: rust.imports,
        args: Vec::new(),
        on_locals: Vec::new(),
    };
    v.visit_file(rust.syntax);
    let in_branches = v
        .on_locals
        .into_iter()
        .filter_map(|call| exporter_chosen_by_branch(rust, call).flatten());
    // A factory closure's chain: each signal's pipeline rewrite reads it at its call.
    let factories: Vec<TextRange> = v
        .args
        .iter()
        .filter_map(|a| super::exporter_closure::factory_body_called(rust, a))
        .collect();
    v.args
        .into_iter()
        .filter_map(|a| exporter_in_local_or_helper(rust, a, helpers))
        .chain(in_branches)
        .filter_map(|exporter| Some(exporter.kept_in?.parts))
        .flat_map(|parts| parts.into_iter().map(|p| p.range))
        .chain(own_helper_values(rust, helpers))
        .chain(factories)
        .collect()
}

/// The ranges the rewrite of this file's helpers another file's pipeline follows
/// ([`PackageHelpers::own`]) replaces.
pub fn own_helper_values(rust: ParsedRust<'_>, helpers: &PackageHelpers) -> Vec<TextRange> {
    let own = helpers.own.iter().filter_map(|name| {
        let helper = top_level_fn(rust.syntax, name)?;
        helper_parts(rust, helper, helper_form(rust, helper)?)
    });
    own.flatten().map(|p| p.range).collect()
}

/// The arguments of `with_exporter(..)` on chains rooted at `opentelemetry_otlp::new_pipeline()`.
pub fn pipeline_exporter_args<'a>(rust: ParsedRust<'a>) -> Vec<&'a syn::Expr> {
    let mut v = PipelineExporterArgs {
        imports: rust.imports,
        args: Vec::new(),
        on_locals: Vec::new(),
    };
    v.visit_file(rust.syntax);
    v.args
}

struct PipelineExporterArgs<'a, 'i> {
    imports: &'i ImportMap,
    args: Vec<&'a syn::Expr>,
    /// `p.with_exporter(..)` on a local (a branch of a shadowing `let`, `exporter_branches`).
    on_locals: Vec<&'a syn::ExprMethodCall>,
}

impl<'a> Visit<'a> for PipelineExporterArgs<'a, '_> {
    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if ident_str(&m.method) == "with_exporter" && m.args.len() == 1 {
            let chain = Chain::read(&m.receiver);
            if chain
                .root_path()
                .is_some_and(|r| self.imports.is(r, &["opentelemetry_otlp", "new_pipeline"]))
            {
                self.args.push(&m.args[0]);
            } else if chain.links.is_empty() && chain.root_local().is_some() {
                self.on_locals.push(m);
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}
