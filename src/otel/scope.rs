//! Instrumentation scopes: the 0.21–0.26 ways of naming a tracer or a meter with a version,
//! a schema URL or attributes, rewritten to the `InstrumentationScope` builder 0.27 takes
//! (`tracer_with_scope` / `meter_with_scope`).
//!
//! - `<provider>.tracer_builder(name)[.with_version(v)|.with_schema_url(u)|.with_attributes(a)]…`
//!   `.build()` → `<provider>.tracer_with_scope(InstrumentationScope::builder(name)….build())`: the
//!   `TracerBuilder` links are the scope builder's, so only the ends change. The receiver must be
//!   provably a provider ([`Providers`]); on any other receiver the site is reported when
//!   the file imports the `TracerProvider` trait (else it cannot be OpenTelemetry's method).
//!   The same for `<provider>.logger_builder(name)…` (0.23–0.26's `LoggerBuilder`) →
//!   `.logger_with_scope(..)` on a logger provider.
//! - `global::meter_with_version(name, version, schema_url, attributes)` →
//!   `global::meter_with_scope(InstrumentationScope::builder(name)….build())`. The old arguments
//!   are `Option`s: `Some(x)` becomes the link `.with_…(x)`, `None` no link; an `Option` value
//!   (`version`) has no equivalent link, so that call is reported with the code to write.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::{IndentUnit, SourceFile};
use crate::engine::syntax::{comments_in, range_of, range_of_span, text_of, ParsedRust};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::local_binding::contains;
use crate::otel::providers::{ProviderKind, Providers, LOGGER, TRACER};
use crate::otel::sdk_provider_reads;

const SCOPE: &str = "opentelemetry::InstrumentationScope";
const METER_WITH_VERSION: &[&str] = &["opentelemetry", "global", "meter_with_version"];
const LIBRARY_NEW: &[&str] = &["opentelemetry", "InstrumentationLibrary", "new"];

/// The removed functions that took the scope as four arguments, and what to say where one is
/// named other than in such a call.
const REMOVED_FUNCTIONS: &[(&[&str], &str, &str)] = &[
    (
        LIBRARY_NEW,
        "`InstrumentationLibrary::new(..)` was removed in opentelemetry 0.27",
        "build the scope with `InstrumentationScope::builder(name).with_version(version).with_schema_url(url).with_attributes(attrs).build()`",
    ),
    (
        METER_WITH_VERSION,
        "`global::meter_with_version` was removed in opentelemetry 0.27",
        "use `global::meter_with_scope(InstrumentationScope::builder(name).with_version(version).with_schema_url(url).build())`",
    ),
];

/// The provider methods of 0.21–0.26 that took the scope as four arguments, and their 0.27
/// replacements (same trait, same receiver).
struct Versioned {
    old: &'static str,
    new: &'static str,
    binding: &'static str,
    provider_trait: &'static [&'static str],
}

const VERSIONED: &[Versioned] = &[
    Versioned {
        old: "versioned_meter",
        new: "meter_with_scope",
        binding: "meter",
        provider_trait: &["opentelemetry", "metrics", "MeterProvider"],
    },
    Versioned {
        old: "versioned_tracer",
        new: "tracer_with_scope",
        binding: "tracer",
        provider_trait: TRACER.provider_trait,
    },
    Versioned {
        old: "versioned_logger",
        new: "logger_with_scope",
        binding: "logger",
        provider_trait: LOGGER.provider_trait,
    },
];

/// A call that took the scope as `(name, version, schema_url, attributes)`: what to say when it
/// cannot be rewritten.
struct OldScopeCall<'s, 'a> {
    item: &'s str,
    message: &'s str,
    site: TextRange,
    /// How the replacing call starts (`global::meter_with_scope`, `provider.tracer_with_scope`;
    /// empty: the scope itself is the value).
    new_call: &'s str,
    /// What the call returns, to name it in the suggestion (`meter`, `tracer`).
    binding: &'static str,
    args: &'a syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
}

/// The links of the 0.27 scope builder. The 0.21–0.26 `TracerBuilder` has the same, and
/// `meter_with_version`'s `Option` arguments after the name stand for them, in this order.
const SCOPE_LINKS: [&str; 3] = ["with_version", "with_schema_url", "with_attributes"];

/// Rewrites the file's scope-builder sites into `out`, naming `InstrumentationScope` (and
/// `meter_with_scope` where it is called unqualified) through `plan`; and the `provider()`
/// reads of the tracers and loggers made from provider locals
/// ([`sdk_provider_reads::rewrite_reads_of_made`]: `sdk_before_0_22` says which SDK's reads).
pub fn rewrite_scopes<'a>(
    parsed: &ParsedRust<'a>,
    plan: &mut ImportPlan<'a>,
    sdk_before_0_22: bool,
    out: &mut Changes,
) {
    let mut sites = Sites {
        parsed,
        plan,
        sdk_before_0_22,
        out,
        providers: [&TRACER, &LOGGER]
            .into_iter()
            .map(|kind| Providers::of_file(kind, parsed.syntax, parsed.imports))
            .collect(),
        handled: Vec::new(),
        trait_in_scope: [&TRACER, &LOGGER]
            .iter()
            .map(|kind| imports_trait(parsed.syntax, kind.provider_trait))
            .collect(),
        deleted: Vec::new(),
    };
    sites.visit_file(parsed.syntax);
    // A provider trait imported `as _` for the methods of deleted `let`s alone is unused now.
    let deleted: Vec<TextRange> = sites.deleted.iter().map(|(_, r)| *r).collect();
    for kind in [&TRACER, &LOGGER] {
        let lost_a_call = sites.deleted.iter().any(|(k, _)| k.signal == kind.signal);
        if lost_a_call && !calls_provider_method(parsed, kind, &deleted) {
            sites.plan.remove_anonymous(&kind.provider_trait.join("::"));
        }
    }
}

/// Whether the file calls a method of `kind`'s provider trait that makes a tracer (logger)
/// (`.logger(..)`, `.logger_builder(..)`, …) outside `except`; macro bodies included.
fn calls_provider_method(
    parsed: &ParsedRust<'_>,
    kind: &ProviderKind,
    except: &[TextRange],
) -> bool {
    fn walk(
        ts: proc_macro2::TokenStream,
        file: &SourceFile,
        kind: &ProviderKind,
        except: &[TextRange],
    ) -> bool {
        let mut after_dot = false;
        for tt in ts {
            match &tt {
                proc_macro2::TokenTree::Group(g) if walk(g.stream(), file, kind, except) => {
                    return true;
                }
                proc_macro2::TokenTree::Ident(i)
                    if after_dot && kind.maker(&i.to_string()).is_some() =>
                {
                    let at = range_of_span(file, i.span()).start;
                    if !except.iter().any(|r| contains(*r, at)) {
                        return true;
                    }
                }
                _ => {}
            }
            after_dot = matches!(&tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == '.');
        }
        false
    }
    walk(
        quote::ToTokens::to_token_stream(parsed.syntax),
        parsed.file,
        kind,
        except,
    )
}

struct Sites<'a, 'p> {
    parsed: &'p ParsedRust<'a>,
    plan: &'p mut ImportPlan<'a>,
    /// The package's old SDK is 0.21 (a logger's `provider()` returned an `Option`).
    sdk_before_0_22: bool,
    out: &'p mut Changes,
    /// The provably tracer and logger providers of the function being visited.
    providers: Vec<Providers>,
    /// `tracer_builder` / `logger_builder` calls already rewritten or reported (a chain is
    /// visited from every link's call).
    handled: Vec<TextRange>,
    /// Per kind of `providers`: whether the file imports its provider trait.
    trait_in_scope: Vec<bool>,
    /// The `let`s of tracers and loggers deleted with their `provider()` reads.
    deleted: Vec<(&'static ProviderKind, TextRange)>,
}

/// One argument of the old `Option` parameters.
enum OptionArg<'e> {
    /// `None` (`None::<&str>`): no link.
    Absent,
    /// `Some(x)`: the link with `x`.
    Present(&'e syn::Expr),
    /// Any other `Option` value: known only at run time.
    Opaque(&'e syn::Expr),
}

impl<'e> OptionArg<'e> {
    fn of(expr: &'e syn::Expr) -> OptionArg<'e> {
        match expr {
            syn::Expr::Path(p) if is_option_variant(&p.path, "None") => OptionArg::Absent,
            syn::Expr::Call(c) if c.args.len() == 1 => match &*c.func {
                syn::Expr::Path(p) if is_option_variant(&p.path, "Some") => {
                    OptionArg::Present(&c.args[0])
                }
                _ => OptionArg::Opaque(expr),
            },
            _ => OptionArg::Opaque(expr),
        }
    }
}

/// `None`, `Option::None`, `std::option::Option::None` (and `Some` alike).
fn is_option_variant(path: &syn::Path, variant: &str) -> bool {
    let mut segments = path.segments.iter().rev();
    segments.next().is_some_and(|s| s.ident == variant)
        && segments.all(|s| {
            ["Option", "option", "std", "core"]
                .iter()
                .any(|n| s.ident == n)
        })
}

/// `Scope::builder(name).a(x).b(y).build()`, on one line, or one link a line when `multiline`
/// gives the line ending and the indentation of the line the builder starts on.
/// `x` of an old `Some(x)` as the argument of the scope builder's `link`. `Some(v.into())`
/// converted to the old parameter's concrete type (`Cow<'static, str>`, `Vec<KeyValue>`); the
/// links are generic (`impl Into<Cow<..>>`, `impl IntoIterator<Item = KeyValue>`), so the same
/// `.into()` there cannot be inferred (E0283): the version or schema URL goes in unconverted
/// (it was `Into` that `Cow`), the attributes through `Vec::from`.
fn link_value<'f>(file: &'f SourceFile, link: &str, e: &syn::Expr) -> std::borrow::Cow<'f, str> {
    match e {
        syn::Expr::MethodCall(m)
            if m.method == "into" && m.args.is_empty() && m.turbofish.is_none() =>
        {
            let value = text_of(file, &*m.receiver);
            if link == "with_attributes" {
                format!("Vec::from({value})").into()
            } else {
                value.into()
            }
        }
        _ => text_of(file, e).into(),
    }
}

fn present_links<'p>(
    present: &'p [(&'p str, std::borrow::Cow<'_, str>)],
) -> Vec<(&'p str, &'p str)> {
    present
        .iter()
        .map(|(link, value)| (*link, value.as_ref()))
        .collect()
}

fn render_builder(
    scope: &str,
    name: &str,
    links: &[(&str, &str)],
    multiline: Option<(&str, &str, IndentUnit)>,
) -> String {
    let mut s = format!("{scope}::builder({name})");
    let sep = match multiline {
        Some((le, indent, unit)) => format!("{le}{}", crate::engine::source::deeper(indent, unit)),
        None => String::new(),
    };
    for (method, arg) in links.iter().chain([&("build", "")]) {
        s.push_str(&format!("{sep}.{method}({arg})"));
    }
    s
}

impl Sites<'_, '_> {
    /// `global::meter_with_version(..)` called with four arguments: rewritten when every
    /// `Option` is written `Some(..)` or `None`, else reported with the code to write.
    fn meter_with_version(&mut self, call: &syn::ExprCall, func: &syn::Path) {
        let file = self.parsed.file;
        let last = &func.segments.last().expect("a path has a segment").ident;
        let func_ident = range_of_span(file, last.span());
        let new_func = format!(
            "{}meter_with_scope",
            file.slice(TextRange::new(range_of(file, func).start, func_ident.start))
        );
        let old = OldScopeCall {
            item: &METER_WITH_VERSION.join("::"),
            message: "`global::meter_with_version` was removed in opentelemetry 0.27",
            site: range_of(file, func),
            new_call: &new_func,
            binding: "meter",
            args: &call.args,
        };
        if !self.scope_arguments(old) {
            return;
        }
        if func.segments.len() == 1 {
            // Imported by name: the new function is imported the same way.
            let new = self.plan.name("opentelemetry::global::meter_with_scope");
            self.out.replace(func_ident, new);
            self.plan
                .remove_if_unused("opentelemetry::global::meter_with_version");
        } else {
            self.out.replace(func_ident, "meter_with_scope");
        }
    }

    /// `<provider>.versioned_meter(..)` / `.versioned_tracer(..)` with four arguments, when the
    /// file imports the provider trait that had the method (else it is not OpenTelemetry's):
    /// `.meter_with_scope(..)` / `.tracer_with_scope(..)` of a scope built from the arguments.
    fn versioned(&mut self, m: &syn::ExprMethodCall) {
        let Some(method) = VERSIONED.iter().find(|v| m.method == v.old) else {
            return;
        };
        if m.args.len() != 4 || !imports_trait(self.parsed.syntax, method.provider_trait) {
            return;
        }
        let file = self.parsed.file;
        let name_range = range_of_span(file, m.method.span());
        let receiver = text_of(file, &*m.receiver);
        let new_call = format!("{receiver}.{}", method.new);
        let item = method.provider_trait.join("::") + "::" + method.old;
        let message = format!("`{}` was removed in opentelemetry 0.27", method.old);
        let old = OldScopeCall {
            item: &item,
            message: &message,
            site: name_range,
            new_call: &new_call,
            binding: method.binding,
            args: &m.args,
        };
        if self.scope_arguments(old) {
            self.out.replace(name_range, method.new);
        }
    }

    /// Replaces the four old arguments `(name, version, schema_url, attributes)` with one
    /// scope builder: `true` when done, `false` when reported instead (an `Option` value known
    /// only at run time, comments among the arguments).
    fn scope_arguments<'a>(&mut self, old: OldScopeCall<'_, 'a>) -> bool {
        let trailing_comma = old.args.trailing_punct();
        let Some((args_range, mut builder)) = self.scope_builder(old, true) else {
            return false;
        };
        if trailing_comma {
            builder.push(',');
        }
        self.out.replace(args_range, builder);
        true
    }

    /// The scope builder for the four old arguments, and the range they cover (through the last
    /// comma); `None` when reported instead. `keep_layout`: a multi-line argument list gives a
    /// builder one link a line.
    fn scope_builder<'a>(
        &mut self,
        old: OldScopeCall<'_, 'a>,
        keep_layout: bool,
    ) -> Option<(TextRange, String)> {
        let file = self.parsed.file;
        let args = old.args;
        let name = text_of(file, &args[0]);
        let (mut present, mut opaque): (Vec<(&str, std::borrow::Cow<str>)>, _) =
            (Vec::new(), Vec::new());
        for (link, arg) in SCOPE_LINKS.iter().zip(args.iter().skip(1)) {
            match OptionArg::of(arg) {
                OptionArg::Absent => {}
                OptionArg::Present(e) => present.push((*link, link_value(file, link, e))),
                OptionArg::Opaque(e) => opaque.push((*link, text_of(file, e))),
            }
        }
        // Through the last argument's comma, if it has one (a multi-line call keeps its layout).
        let args_range = TextRange::new(
            range_of(file, &args[0]).start,
            args.pairs()
                .next_back()
                .and_then(|p| p.punct().map(|c| range_of(file, *c).end))
                .unwrap_or_else(|| range_of(file, args).end),
        );
        if !opaque.is_empty() || !comments_in(file, args_range).is_empty() {
            let new_call = old.new_call;
            let suggestion = if opaque.is_empty() {
                let builder =
                    render_builder("InstrumentationScope", name, &present_links(&present), None);
                let call = if new_call.is_empty() {
                    builder
                } else {
                    format!("{new_call}({builder})")
                };
                format!("use `{call}` (not rewritten: the arguments have comments)")
            } else {
                let builder =
                    render_builder("InstrumentationScope", name, &present_links(&present), None);
                let ifs: Vec<String> = opaque
                    .iter()
                    .map(|(link, value)| {
                        format!("if let Some(x) = {value} {{ scope = scope.{link}(x); }}")
                    })
                    .collect();
                let values: Vec<String> = opaque.iter().map(|(_, v)| format!("`{v}`")).collect();
                format!(
                    "add a scope link only for a `Some` ({} known only at run time): `let mut scope = {}; {} let {} = {};`",
                    values.join(", "),
                    builder.strip_suffix(".build()").unwrap_or(&builder),
                    ifs.join(" "),
                    old.binding,
                    if new_call.is_empty() {
                        "scope.build()".to_string()
                    } else {
                        format!("{new_call}(scope.build())")
                    },
                )
            };
            self.out
                .item_finding(old.item, old.site, Severity::Error, old.message, suggestion);
            return None;
        }
        let args_text = file.slice(args_range);
        let layout = (keep_layout && args_text.contains('\n')).then(|| {
            let before = file.slice(TextRange::new(0, args_range.start));
            (
                file.line_ending.as_str(),
                line_indent(before),
                file.indent_unit(),
            )
        });
        let scope = self.plan.name(SCOPE);
        Some((
            args_range,
            render_builder(&scope, name, &present_links(&present), layout),
        ))
    }

    /// `InstrumentationLibrary::new(name, version, schema_url, attributes)` (0.21–0.26) →
    /// `InstrumentationScope::builder(name)….build()`: `new` becomes `builder`, the arguments
    /// the name, the links follow the call (`sdk-api-renames` renames the type itself).
    fn library_new(&mut self, call: &syn::ExprCall, func: &syn::Path) {
        let file = self.parsed.file;
        let new_ident = &func.segments.last().expect("a path has a segment").ident;
        let name = text_of(file, &call.args[0]);
        let old = OldScopeCall {
            item: &LIBRARY_NEW.join("::"),
            message: "`InstrumentationLibrary::new(..)` was removed in opentelemetry 0.27",
            site: range_of(file, func),
            new_call: "",
            binding: "scope",
            args: &call.args,
        };
        let Some((_, builder)) = self.scope_builder(old, false) else {
            return;
        };
        let head = format!("{}::builder({name})", self.plan.name(SCOPE));
        let links = builder.strip_prefix(&head).unwrap_or_default().to_string();
        self.out
            .replace(range_of_span(file, new_ident.span()), "builder");
        let parens = range_of_span(file, call.paren_token.span.join());
        self.out.replace(parens, format!("({name})"));
        self.out.edit(crate::engine::edit::Edit::insert(
            range_of(file, call).end,
            links,
        ));
    }

    /// A chain through `<receiver>.tracer_builder(name)` (`logger_builder` for the `providers`
    /// kind at `which`): rewritten when the receiver is a provider and the chain is `….build()`
    /// over scope links, else reported.
    fn scoped_builder(&mut self, m: &syn::ExprMethodCall, which: usize) {
        let file = self.parsed.file;
        let kind = self.providers[which].kind();
        let signal = kind.signal;
        let chain = Chain::read_call(m);
        let Some(at) = chain.position(&format!("{signal}_builder")) else {
            return;
        };
        let link = &chain.links[at];
        let name_range = link.name_range(file);
        if self.handled.contains(&name_range) {
            return;
        }
        self.handled.push(name_range);
        let receiver = chain.receiver_of(at);
        let provider = self.providers[which].is_provider(receiver, self.parsed.imports);
        if !provider && !self.trait_in_scope[which] {
            return;
        }
        // The `build` that ends the scope links, if the chain is `tracer_builder(name)….build()`.
        let build_at = chain.links[at + 1..]
            .iter()
            .position(|l| !SCOPE_LINKS.contains(&l.name.as_str()))
            .map(|n| at + 1 + n)
            .filter(|&n| {
                let build = &chain.links[n];
                build.name == "build" && build.call.args.is_empty() && link.call.args.len() == 1
            });
        let receiver_text = text_of(file, receiver);
        let Some(build_at) = build_at else {
            let severity = if provider {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.out.finding(
                name_range,
                severity,
                format!(
                    "`{signal}_builder` (and its `{}`) was removed in opentelemetry 0.27",
                    kind.builder_type
                ),
                format!(
                    "build the scope and pass it: `{receiver_text}.{signal}_with_scope(InstrumentationScope::builder(name).with_version(..).build())`"
                ),
            );
            return;
        };
        // `tracer_builder(name)…build()` → `tracer_with_scope(Scope::builder(name)…build())`:
        // the links between stay as they are.
        let head = TextRange::new(name_range.start, link.args_range(file).start);
        let end = range_of(file, chain.links[build_at].call).end;
        if provider {
            let scope = self.plan.name(SCOPE);
            self.out
                .replace(head, format!("{signal}_with_scope({scope}::builder"));
            self.out.replace(TextRange::empty(end), ")");
            // One link a line: the links move one level in, into the new parentheses. Only the
            // gaps before the links (whitespace and comments) get the indentation.
            for later in &chain.links[at + 1..=build_at] {
                let gap = TextRange::new(
                    range_of(file, &*later.call.receiver).end,
                    later.name_range(file).start,
                );
                for (i, _) in file.slice(gap).match_indices('\n') {
                    let line = gap.start + i + 1;
                    let indent = file.indent_at(line);
                    let deeper = crate::engine::source::deeper(indent, file.indent_unit());
                    // The step goes first: a tab-indented line stays tabs-first.
                    let step = deeper[indent.len()..].to_string();
                    self.out.replace(TextRange::empty(line), step);
                }
            }
        } else {
            // A receiver over several lines (a whole rewritten pipeline) is not quoted in full.
            let (receiver_shown, receiver_kept) = if receiver_text.contains('\n') {
                ("its receiver".to_string(), "….".to_string())
            } else {
                (
                    format!("`{receiver_text}`"),
                    file.slice(TextRange::new(range_of(file, receiver).start, head.start))
                        .to_string(),
                )
            };
            let rewritten = format!(
                "{receiver_kept}{signal}_with_scope(InstrumentationScope::builder{})",
                file.slice(TextRange::new(head.end, end)),
            );
            self.out.finding(
                name_range,
                Severity::Warning,
                format!("`{signal}_builder` was removed in opentelemetry 0.27 ({receiver_shown} is not known to be a {signal} provider, so this call was left alone)"),
                format!("if it is one, use `{rewritten}`"),
            );
        }
    }
}

impl Sites<'_, '_> {
    /// Entering a function: its parameters are the providers (the caller puts back the
    /// returned outer ones when leaving).
    fn enter(&mut self, sig: &syn::Signature) -> Vec<Providers> {
        let inner = self
            .providers
            .iter()
            .map(|p| p.of_signature(sig, self.parsed.imports))
            .collect();
        std::mem::replace(&mut self.providers, inner)
    }
}

/// The whitespace that starts the last line of `before`.
fn line_indent(before: &str) -> &str {
    let line = before.rsplit('\n').next().unwrap_or(before);
    &line[..line.len() - line.trim_start().len()]
}

/// Whether a `use` anywhere in the file brings the provider trait `path` into scope (by name,
/// as `_`, or through a glob of its module): without it no `tracer_builder` (`versioned_meter`,
/// …) call can be OpenTelemetry's.
fn imports_trait(syntax: &syn::File, path: &[&str]) -> bool {
    crate::engine::item_edit::use_items(syntax)
        .iter()
        .any(|u| super::imports::imports_item(&u.tree, path, true))
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    /// `cfg_if!`, `tokio::select!`, `lazy_static!` bodies hold sites too.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let outer = self.enter(&f.sig);
        syn::visit::visit_item_fn(self, f);
        self.providers = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let outer = self.enter(&f.sig);
        syn::visit::visit_impl_item_fn(self, f);
        self.providers = outer;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // A logger (tracer) made only for its `provider()` reads goes with its own sites.
        let deleted = self.providers.iter().find_map(|providers| {
            let range = sdk_provider_reads::rewrite_reads_of_made(
                *self.parsed,
                providers,
                local,
                self.sdk_before_0_22,
                self.out,
            )?;
            Some((providers.kind(), range))
        });
        match deleted {
            Some(deletion) => self.deleted.push(deletion),
            None => syn::visit::visit_local(self, local),
        }
        for providers in &mut self.providers {
            providers.bind(local, self.parsed.imports);
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        for which in 0..self.providers.len() {
            self.scoped_builder(m, which);
        }
        self.versioned(m);
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if call.args.len() == 4 && self.parsed.imports.is(&p.path, METER_WITH_VERSION) {
                self.meter_with_version(call, &p.path);
                for arg in &call.args {
                    self.visit_expr(arg);
                }
                return;
            }
            if call.args.len() == 4 && self.parsed.imports.is(&p.path, LIBRARY_NEW) {
                self.library_new(call, &p.path);
                for arg in &call.args {
                    self.visit_expr(arg);
                }
                return;
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    /// `meter_with_version` / `InstrumentationLibrary::new` named other than in a call of four
    /// arguments.
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        for (item, message, suggestion) in REMOVED_FUNCTIONS {
            if self.parsed.imports.is(&p.path, item) {
                self.out.item_finding(
                    &item.join("::"),
                    range_of(self.parsed.file, p),
                    Severity::Error,
                    *message,
                    *suggestion,
                );
            }
        }
        syn::visit::visit_expr_path(self, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option_arg(src: &str) -> &'static str {
        match OptionArg::of(&syn::parse_str(src).unwrap()) {
            OptionArg::Absent => "absent",
            OptionArg::Present(_) => "present",
            OptionArg::Opaque(_) => "opaque",
        }
    }

    #[test]
    fn option_arguments_by_their_spelling() {
        assert_eq!(option_arg("None"), "absent");
        assert_eq!(option_arg("None::<&str>"), "absent");
        assert_eq!(option_arg("std::option::Option::None"), "absent");
        assert_eq!(option_arg("Some(\"1.0\")"), "present");
        assert_eq!(option_arg("Option::Some(v)"), "present");
        assert_eq!(option_arg("version"), "opaque");
        assert_eq!(option_arg("my::Some(v)"), "opaque");
        assert_eq!(option_arg("version.or(Some(\"1\"))"), "opaque");
    }

    #[test]
    fn builders_on_one_line_or_one_link_a_line() {
        let links = [("with_version", "\"1\""), ("with_attributes", "attrs")];
        assert_eq!(
            render_builder("Scope", "\"svc\"", &links, None),
            "Scope::builder(\"svc\").with_version(\"1\").with_attributes(attrs).build()"
        );
        assert_eq!(
            render_builder(
                "Scope",
                "\"svc\"",
                &links[..1],
                Some(("\r\n", "  ", IndentUnit::Spaces(4)))
            ),
            "Scope::builder(\"svc\")\r\n      .with_version(\"1\")\r\n      .build()"
        );
        assert_eq!(line_indent("fn f() {\n    call(\n        "), "        ");
    }
}
