//! `.provider()` asked of an SDK `Tracer` or `Logger` the pipeline rewrite did not bind: a
//! parameter `tracer: opentelemetry_sdk::trace::Tracer`, a `let` typed so, or `self.tracer` of a
//! struct field of that type. In the 0.21 SDK `Tracer::provider()` was public (`Option<
//! TracerProvider>`); in 0.27 it is crate-private, and `Logger::provider()` returns
//! `&LoggerProvider`, deprecated. The install the rewrite replaces returns the provider itself
//! (`otel::local_binding::method_calls_after` rewrites the reads of the tracer it binds); these
//! others are reported, never guessed at.
//!
//! Only receivers whose declared type resolves to the SDK's `Tracer` / `Logger` (through the
//! file's imports, references peeled), or whose `let` makes one from a provider
//! (`provider.logger_builder(..)….build()`), are sites: a user type with a `provider()` method
//! is not, and a name also bound another way in the same function is left alone.
//!
//! One shape is rewritten rather than reported ([`rewrite_reads_of_made`]): a tracer or logger
//! made from an owned provider local reads that local.

use std::collections::HashMap;

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::source::{whole_lines, SourceFile};
use crate::engine::syntax::comments_in;
use crate::engine::syntax::{ident_str, range_of, range_of_span, ImportMap, ParsedRust};
use crate::otel::chain::{count_ident, may_move_local, mentions_ident, Chain};
use crate::otel::local_binding::{binding_of, blocks_around, contains, method_calls_after};
use crate::otel::providers::{Maker, ProviderKind, Providers, LOGGER, TRACER};

/// The SDK types whose `provider()` changed, by the item a site names.
const TYPES: &[(&[&str], &str)] = &[
    (
        &["opentelemetry_sdk", "trace", "Tracer"],
        "opentelemetry_sdk::trace::Tracer::provider",
    ),
    (
        &["opentelemetry", "sdk", "trace", "Tracer"],
        "opentelemetry_sdk::trace::Tracer::provider",
    ),
    (
        &["opentelemetry_sdk", "logs", "Logger"],
        "opentelemetry_sdk::logs::Logger::provider",
    ),
    (
        &["opentelemetry", "sdk", "logs", "Logger"],
        "opentelemetry_sdk::logs::Logger::provider",
    ),
];

/// The `.provider()` calls of `rust` on a known SDK tracer or logger: each call's range and the
/// item it reads.
pub fn provider_reads(rust: ParsedRust<'_>) -> Vec<(TextRange, &'static str)> {
    let fields = sdk_fields(rust);
    let mut v = Reads {
        rust,
        fields: &fields,
        typed: HashMap::new(),
        found: Vec::new(),
    };
    v.visit_file(rust.syntax);
    v.found
}

/// `let logger = provider.logger_builder(..)….build();` (or `.logger(..)`,
/// `.logger_with_scope(..)`, `.versioned_logger(..)`; a tracer alike), `provider` an owned
/// provider local of the function (`providers`): each later `logger.provider()` is that local —
/// `&provider` for a logger of the 0.22–0.26 SDK (`&LoggerProvider`, deprecated in 0.27), else
/// `Some(provider.clone())`: the old SDK returned an `Option` (every tracer's, 0.21's logger's;
/// a tracer's is crate-private in 0.27). Only while nothing in between may move or rebind the
/// local (borrows and clones aside); a read left is reported by the residue scan.
///
/// When those reads were the logger's only uses, the `let` itself goes (it would be an unused
/// variable; making a logger has no effect), or, when it has comments or arguments that may do
/// something, its name takes a `_`. Returns the range deleted (its own sites are then not to be
/// rewritten).
pub fn rewrite_reads_of_made(
    rust: ParsedRust<'_>,
    providers: &Providers,
    local: &syn::Local,
    option_before_0_22: bool,
    out: &mut Changes,
) -> Option<TextRange> {
    let (syn::Pat::Ident(made), Some(init)) = (&local.pat, &local.init) else {
        return None;
    };
    if made.mutability.is_some() || made.by_ref.is_some() || init.diverge.is_some() {
        return None;
    }
    let kind = providers.kind();
    let chain = Chain::read(&init.expr);
    if !makes_from_provider(kind, &chain, true) || !providers.is_provider(chain.root, rust.imports)
    {
        return None;
    }
    let made_ident = &made.ident;
    let made = ident_str(made_ident);
    let provider = chain.root_local()?;
    let let_range = range_of(rust.file, local);
    let at = let_range.start;
    if provider == made || !owned_local(rust, &provider, at) {
        return None;
    }
    // Innermost first: the `let`'s own block, and last the function's body.
    let blocks = blocks_around(rust, at);
    let (&stmts, &body) = (blocks.first()?, blocks.last()?);
    let from = stmts
        .iter()
        .position(|s| contains(range_of(rust.file, s), at))?;
    let mut reads = Vec::new();
    for read in method_calls_after(rust, at, &made, "provider") {
        let Some(to) = stmts[from..]
            .iter()
            .position(|s| contains(range_of(rust.file, s), read.start))
        else {
            break;
        };
        // Moved or rebound by the time of this read: this one and every later one stay.
        if stmts[from + 1..=from + to]
            .iter()
            .any(|s| may_move_local(s, &provider))
        {
            break;
        }
        reads.push(read);
    }
    if reads.is_empty() {
        return None;
    }
    let text = if kind.signal == "logger" && !option_before_0_22 {
        format!("&{provider}")
    } else {
        format!("Some({provider}.clone())")
    };
    for read in &reads {
        out.replace(*read, text.clone());
    }
    let other_uses = stmts[from + 1..]
        .iter()
        .map(|s| count_ident(s, &made))
        .sum::<usize>()
        > reads.len();
    if other_uses {
        return None;
    }
    let args: Vec<&syn::Expr> = chain
        .links
        .iter()
        .flat_map(|l| l.call.args.iter())
        .collect();
    let deletable = comments_in(rust.file, let_range).is_empty()
        && args.iter().all(|a| inert(a))
        && args.iter().all(|a| names_used_elsewhere(rust, a, at, body));
    if !deletable {
        // Kept for what its arguments do: named unused on purpose.
        out.replace(
            range_of_span(rust.file, made_ident.span()),
            format!("_{made}"),
        );
        return None;
    }
    let range = whole_lines(rust.file, let_range);
    out.replace(range, "");
    Some(range)
}

/// Whether every name `arg` reads (`service`, `VERSION`) is mentioned by a statement of `body`
/// (the function's) other than the one holding byte `at` (the `let` being deleted): deleting it
/// leaves none of them unused.
fn names_used_elsewhere(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    at: usize,
    body: &[syn::Stmt],
) -> bool {
    let mut names = Vec::new();
    struct Names<'n>(&'n mut Vec<String>);
    impl<'a> Visit<'a> for Names<'_> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if let Some(first) = p.path.segments.first() {
                self.0.push(ident_str(&first.ident));
            }
        }
    }
    Names(&mut names).visit_expr(arg);
    let others: Vec<&syn::Stmt> = body
        .iter()
        .filter(|s| !contains(range_of(rust.file, *s), at))
        .collect();
    names
        .iter()
        .all(|name| name == "self" || others.iter().any(|s| mentions_ident(*s, name)))
}

/// Whether evaluating `e` can do nothing but make a value: literals, locals, fields, borrows,
/// `env!`/`concat!`, and `to_owned`/`to_string`/`clone`/`into` of those.
fn inert(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Field(f) => inert(&f.base),
        syn::Expr::Reference(r) => inert(&r.expr),
        syn::Expr::Paren(p) => inert(&p.expr),
        syn::Expr::Macro(m) => ["env", "concat"].iter().any(|n| m.mac.path.is_ident(n)),
        syn::Expr::MethodCall(m) => {
            ["to_owned", "to_string", "clone", "into"]
                .iter()
                .any(|n| m.method == n)
                && m.args.is_empty()
                && inert(&m.receiver)
        }
        _ => false,
    }
}

/// Whether `chain` (on its root) makes a tracer or logger of `kind`'s signal:
/// `.logger_with_scope(..)`, `.versioned_logger(..)`, `.logger_builder(..)….build()`, or
/// when `plain` (the root is known to be a provider) `.logger(..)`.
fn makes_from_provider(kind: &ProviderKind, chain: &Chain<'_>, plain: bool) -> bool {
    let Some(first) = chain.links.first() else {
        return false;
    };
    match kind.maker(&first.name) {
        Some(Maker::Builder) => chain.links.last().is_some_and(|l| l.name == "build"),
        Some(Maker::Plain) => plain && chain.links.len() == 1,
        Some(Maker::WithScope | Maker::Versioned) => chain.links.len() == 1,
        None => false,
    }
}

/// The `provider()` item of what `value` makes when it is a chain whose method names only
/// OpenTelemetry's providers have (`provider.logger_builder(..)….build()`).
fn made_item(value: &syn::Expr) -> Option<&'static str> {
    let chain = Chain::read(value);
    [
        (&TRACER, "opentelemetry_sdk::trace::Tracer::provider"),
        (&LOGGER, "opentelemetry_sdk::logs::Logger::provider"),
    ]
    .into_iter()
    .find(|(kind, _)| makes_from_provider(kind, &chain, false))
    .map(|(_, item)| item)
}

/// Whether `name`, read at byte `at`, is a `let` whose value is owned (neither `&value` nor a
/// reference type), or a parameter taken by value that nothing in the function's body binds
/// again: `&name` then has the type the old `provider()` read returned.
fn owned_local(rust: ParsedRust<'_>, name: &str, at: usize) -> bool {
    let Some((stmts, j, _)) = binding_of(rust, name, at) else {
        return owned_parameter(rust, name, at);
    };
    let syn::Stmt::Local(l) = &stmts[j] else {
        return false;
    };
    let typed_reference =
        matches!(&l.pat, syn::Pat::Type(t) if matches!(&*t.ty, syn::Type::Reference(_)));
    let borrowed_value = l
        .init
        .as_ref()
        .is_some_and(|i| matches!(&*i.expr, syn::Expr::Reference(_)));
    !typed_reference && !borrowed_value
}

/// Whether `name` is a by-value parameter (`provider: LoggerProvider`) of the innermost function
/// around byte `at`, and no pattern of its body (a `let`, an arm, a closure's parameter) names
/// it: every `name` there is the parameter.
fn owned_parameter(rust: ParsedRust<'_>, name: &str, at: usize) -> bool {
    struct Innermost<'a, 'f> {
        file: &'f SourceFile,
        at: usize,
        found: Option<(&'a syn::Signature, &'a syn::Block)>,
    }
    impl<'a> Innermost<'a, '_> {
        fn function(&mut self, sig: &'a syn::Signature, block: &'a syn::Block) {
            let braces = range_of_span(self.file, block.brace_token.span.join());
            if contains(braces, self.at) {
                self.found = Some((sig, block));
                self.visit_block(block);
            }
        }
    }
    impl<'a> Visit<'a> for Innermost<'a, '_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            self.function(&f.sig, &f.block);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            self.function(&f.sig, &f.block);
        }
    }
    let mut innermost = Innermost {
        file: rust.file,
        at,
        found: None,
    };
    innermost.visit_file(rust.syntax);
    let Some((sig, block)) = innermost.found else {
        return false;
    };
    let by_value = sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(t) => {
            matches!(&*t.pat, syn::Pat::Ident(i) if i.ident == name && i.by_ref.is_none())
                && !matches!(&*t.ty, syn::Type::Reference(_))
        }
        syn::FnArg::Receiver(_) => false,
    });
    struct Rebinds<'n>(&'n str, bool);
    impl<'a> Visit<'a> for Rebinds<'_> {
        fn visit_pat_ident(&mut self, i: &'a syn::PatIdent) {
            self.1 |= i.ident == self.0;
            syn::visit::visit_pat_ident(self, i);
        }
    }
    let mut rebinds = Rebinds(name, false);
    rebinds.visit_block(block);
    by_value && !rebinds.1
}

/// The item of `ty` (references peeled) when it is one of [`TYPES`].
fn sdk_item(imports: &ImportMap, ty: &syn::Type) -> Option<&'static str> {
    match ty {
        syn::Type::Reference(r) => sdk_item(imports, &r.elem),
        syn::Type::Path(p) if p.qself.is_none() => TYPES
            .iter()
            .find(|(path, _)| imports.is(&p.path, path))
            .map(|(_, item)| *item),
        _ => None,
    }
}

/// Named struct fields of the file typed as an SDK tracer or logger, by name; a name some other
/// field of the file has with another type is left out.
fn sdk_fields(rust: ParsedRust<'_>) -> HashMap<String, &'static str> {
    let mut by_name: HashMap<String, Option<&'static str>> = HashMap::new();
    struct Fields<'m> {
        imports: &'m ImportMap,
        by_name: &'m mut HashMap<String, Option<&'static str>>,
    }
    impl<'a> Visit<'a> for Fields<'_> {
        fn visit_field(&mut self, f: &'a syn::Field) {
            if let Some(name) = &f.ident {
                let item = sdk_item(self.imports, &f.ty);
                let entry = self.by_name.entry(ident_str(name)).or_insert(item);
                if *entry != item {
                    *entry = None;
                }
            }
        }
    }
    Fields {
        imports: rust.imports,
        by_name: &mut by_name,
    }
    .visit_file(rust.syntax);
    by_name
        .into_iter()
        .filter_map(|(name, item)| Some((name, item?)))
        .collect()
}

struct Reads<'a, 'f> {
    rust: ParsedRust<'a>,
    fields: &'f HashMap<String, &'static str>,
    /// The names the current function binds only with an SDK tracer or logger type.
    typed: HashMap<String, &'static str>,
    found: Vec<(TextRange, &'static str)>,
}

impl Reads<'_, '_> {
    /// Reads `body` (and the parameters `inputs`) as one function.
    fn function<'s>(
        &mut self,
        inputs: impl Iterator<Item = &'s syn::FnArg>,
        visit: impl FnOnce(&mut Self),
        body: &syn::Block,
    ) {
        let mut typed: HashMap<String, Option<&'static str>> = HashMap::new();
        let mut note = |name: String, item: Option<&'static str>| {
            let entry = typed.entry(name).or_insert(item);
            if *entry != item {
                *entry = None;
            }
        };
        for input in inputs {
            if let syn::FnArg::Typed(t) = input {
                match &*t.pat {
                    syn::Pat::Ident(i) => {
                        note(ident_str(&i.ident), sdk_item(self.rust.imports, &t.ty))
                    }
                    other => bindings(other, &mut |n| note(n, None)),
                }
            }
        }
        let mut lets = Bindings::default();
        lets.visit_block(body);
        for (name, bound) in lets.0 {
            let item = match bound {
                Bound::Typed(ty) => sdk_item(self.rust.imports, ty),
                Bound::Made(item) => Some(item),
                Bound::Other => None,
            };
            note(name, item);
        }
        let outer = std::mem::replace(
            &mut self.typed,
            typed
                .into_iter()
                .filter_map(|(n, i)| Some((n, i?)))
                .collect(),
        );
        visit(self);
        self.typed = outer;
    }
}

impl<'a> Visit<'a> for Reads<'a, '_> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.function(
            f.sig.inputs.iter(),
            |s| syn::visit::visit_item_fn(s, f),
            &f.block,
        );
    }

    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.function(
            f.sig.inputs.iter(),
            |s| syn::visit::visit_impl_item_fn(s, f),
            &f.block,
        );
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if m.method == "provider" && m.args.is_empty() {
            let item = match &*m.receiver {
                syn::Expr::Path(p) if p.qself.is_none() => p
                    .path
                    .get_ident()
                    .and_then(|i| self.typed.get(&ident_str(i)).copied()),
                syn::Expr::Field(f) => match (&*f.base, &f.member) {
                    (syn::Expr::Path(b), syn::Member::Named(name)) if b.path.is_ident("self") => {
                        self.fields.get(&ident_str(name)).copied()
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(item) = item {
                self.found.push((range_of(self.rust.file, m), item));
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// Every name a pattern binds.
fn bindings(pat: &syn::Pat, out: &mut dyn FnMut(String)) {
    struct Names<'o>(&'o mut dyn FnMut(String));
    impl<'a> Visit<'a> for Names<'_> {
        fn visit_pat_ident(&mut self, i: &'a syn::PatIdent) {
            (self.0)(ident_str(&i.ident));
            syn::visit::visit_pat_ident(self, i);
        }
    }
    Names(out).visit_pat(pat);
}

/// What a binding of a function body says of its value.
enum Bound<'a> {
    /// `let name: T = …`.
    Typed(&'a syn::Type),
    /// `let name = <provider>.logger_builder(..)….build()`: the item of its `provider()`.
    Made(&'static str),
    Other,
}

/// The names a function body binds (`let`s, closure parameters, `match` and `if let` patterns),
/// each with what its `let` says of its value.
#[derive(Default)]
struct Bindings<'a>(Vec<(String, Bound<'a>)>);

impl<'a> Visit<'a> for Bindings<'a> {
    fn visit_local(&mut self, l: &'a syn::Local) {
        match &l.pat {
            syn::Pat::Type(t) if matches!(&*t.pat, syn::Pat::Ident(_)) => {
                if let syn::Pat::Ident(i) = &*t.pat {
                    self.0.push((ident_str(&i.ident), Bound::Typed(&t.ty)));
                }
            }
            syn::Pat::Ident(i) if i.subpat.is_none() => {
                let made = l
                    .init
                    .as_ref()
                    .filter(|init| init.diverge.is_none())
                    .and_then(|init| made_item(&init.expr));
                let bound = made.map_or(Bound::Other, Bound::Made);
                self.0.push((ident_str(&i.ident), bound));
            }
            other => {
                let mut names = Vec::new();
                bindings(other, &mut |n| names.push(n));
                self.0.extend(names.into_iter().map(|n| (n, Bound::Other)));
            }
        }
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, e)) = &init.diverge {
                self.visit_expr(e);
            }
        }
    }

    fn visit_pat(&mut self, p: &'a syn::Pat) {
        let mut names = Vec::new();
        bindings(p, &mut |n| names.push(n));
        self.0.extend(names.into_iter().map(|n| (n, Bound::Other)));
    }

    // An inner item's bindings are its own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}
