//! # metrics-macros
//!
//! ## What it does
//! Moves every emission and registration macro of the `metrics` facade from the 0.21 form
//! (the macro performs the operation) to the 0.22+ form (the macro returns a handle, the
//! operation is a method call on it), as metrics 0.24 requires:
//! `counter!(N, V[, L…])` → `counter!(N[, L…]).increment(V)`, `gauge!` → `.set(V)`,
//! `histogram!` → `.record(V)`, `absolute_counter!` → `counter!(…).absolute(V)`,
//! `increment_gauge!`/`decrement_gauge!` → `gauge!(…).increment(V)`/`.decrement(V)`,
//! `increment_counter!(N[, L…])` → `counter!(N[, L…]).increment(1)`, and
//! `register_counter!`/`register_gauge!`/`register_histogram!` → `counter!`/`gauge!`/
//! `histogram!`. Labels in every syntax (`"k" => v` pairs, a `&[…]` slice, a `Vec<Label>`,
//! any labels expression) move verbatim to their new position. `describe_*!` is unchanged.
//! Macros are recognised as `metrics::x!`, `::metrics::x!`, imported (`use metrics::{x}`,
//! aliases, globs), through a renamed dependency or `#[macro_use] extern crate metrics;`, also
//! inside the bodies of other macros (`tokio::select!`, `lazy_static!`, `cfg_if!`, `vec!`).
//! `use` lists lose the seven macros that no longer exist and gain `counter`/`gauge`/
//! `histogram` where a rewritten call needs them.
//!
//! Which calls are old: in a crate whose source `metrics` is 0.21 (or older) every
//! value-carrying call is, except one whose value is used (a handle: a method is called on it,
//! it initialises a `let` or a field, it is returned), which can only be the new form. On
//! 0.22+ (half-migrated code) only calls that cannot compile there are rewritten: a value
//! followed by labels, a numeric literal or numeric cast as the value, and the removed macros.
//!
//! ## Before
//! ```rust,ignore
//! use metrics::{counter, histogram, increment_counter, register_counter};
//! let rejected = register_counter!("rejected_total", "reason" => "budget");
//! increment_counter!("requests_total", "method" => method.clone());
//! counter!("tokens_total", n, "direction" => "prompt");
//! histogram!("latency_seconds", started.elapsed());
//! ```
//!
//! ## After
//! ```rust,ignore
//! use metrics::{counter, histogram};
//! let rejected = counter!("rejected_total", "reason" => "budget");
//! counter!("requests_total", "method" => method.clone()).increment(1);
//! counter!("tokens_total", "direction" => "prompt").increment(n);
//! histogram!("latency_seconds").record(started.elapsed());
//! ```
//!
//! ## Not rewritten
//! - On metrics 0.22/0.23, `counter!("x", n)` with a non-literal second argument in statement
//!   position: `n` is a value in 0.21 but labels in 0.22+. Reported (error) with both readings.
//! - Calls inside a macro body that does not parse, and inside `macro_rules!` definitions:
//!   reported (error) with the rewritten call.
//! - Calls whose removed arguments carry a `//` comment: reported with the rewritten call.
//! - Another crate's macro of the same name (`prometheus::register_counter!`, a user's
//!   `macro_rules! counter`, `register_counter!("name", "help")`), and crates that do not
//!   depend on `metrics` or whose `metrics` version is unknown.
//!
//! ## Safety
//! The name, value and label expressions are spliced verbatim; the value goes inside the
//! method's parentheses, so precedence and `as` casts keep their meaning, and the handle
//! methods accept exactly the types the 0.21 macros accepted. The rewritten expression has
//! type `()` like the old one, so it stays valid as a statement, block tail, match arm or
//! closure body. One behaviour changes: 0.21 evaluated name, labels and value only while a
//! recorder was installed; 0.22+ always evaluates them. The manifest bump to metrics 0.24.2
//! comes with this transform (the manifest transform runs it when this one is enabled).

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::PackageInfo;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::syntax::{
    comments_in, macro_fragments, range_of, range_of_span, range_of_tokens,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::{edit_use_leaves, use_leaves, LeafEdit, UseLeaf};
use crate::otel::metrics_facade::{
    macro_form, may_name_a_changed_macro, MacroForm, MetricsScope, METRICS,
};

pub struct MetricsMacros;

impl Transform for MetricsMacros {
    fn id(&self) -> &'static str {
        "metrics-macros"
    }

    fn description(&self) -> &'static str {
        "metrics 0.21 macros → 0.24 handles: `counter!(n, v)` → `counter!(n).increment(v)`, `increment_counter!`, `register_*!`"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["metrics", "counter!", "gauge!", "histogram!"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &[METRICS]
    }

    /// Packages on a `metrics` release before 0.24, or on one the tool cannot tell (a git
    /// dependency). Code of a package already on 0.24 is 0.24's: read as older code it is
    /// misread (`counter!(name, labels)` taken for 0.21's value argument), as OpenTelemetry
    /// packages already on the target are left alone by the pipeline transforms.
    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| uses_before(p, METRICS, 24))
    }

    /// Every site and `use` leaf this transform edits or reports is a changed macro named in
    /// the text: a file saying `metrics` without one (most files of a service on metrics
    /// 0.24) is not parsed for it.
    fn may_act(&self, text: &str, _: FileKind, _: Option<&PackageInfo>) -> bool {
        may_name_a_changed_macro(text)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(scope) = metrics_scope(cx) else {
            return out;
        };
        let Some(version) = cx.package.and_then(|p| p.version(METRICS)) else {
            return out;
        };
        let mut finder = Finder {
            scope: &scope,
            old_crate: (version.major, version.minor) < (0, 22),
            sites: Vec::new(),
            contexts: HashMap::new(),
            unparsed: Vec::new(),
        };
        finder.visit_file(cx.syntax());
        let mut rewriter = Rewriter {
            cx,
            scope: &scope,
            old_crate: finder.old_crate,
            needed_imports: BTreeSet::new(),
            used_locals: BTreeSet::new(),
            out: &mut out,
        };
        for site in &finder.sites {
            rewriter.site(site);
        }
        for (range, text, in_macro_rules) in &finder.unparsed {
            rewriter.unparsed(*range, text, *in_macro_rules);
        }
        let needed = std::mem::take(&mut rewriter.needed_imports);
        let used = std::mem::take(&mut rewriter.used_locals);
        fix_imports(cx, &scope, needed, &used, &mut out);
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The value is discarded or is the value of a `()` position: a statement, a match arm, a
    /// closure body, a block tail.
    Statement,
    /// A method is called on the result: the 0.22+ handle.
    Chained,
    /// The result is used (a `let`, a field, an argument, a function's tail).
    Value,
}

struct Site {
    mac: syn::Macro,
    form: &'static MacroForm,
    context: Context,
}

struct Finder<'s> {
    scope: &'s MetricsScope<'s>,
    old_crate: bool,
    sites: Vec<Site>,
    /// Keyed by the offset of the macro's `!`.
    contexts: HashMap<usize, Context>,
    /// Calls found in token trees that did not parse: (call range, `path!(…)` text, whether
    /// inside a `macro_rules!` definition).
    unparsed: Vec<(proc_macro2::Span, TokenStream, bool)>,
}

fn key(mac: &syn::Macro) -> usize {
    mac.bang_token.span.byte_range().start
}

fn as_macro(mut e: &syn::Expr) -> Option<&syn::Macro> {
    loop {
        match e {
            syn::Expr::Macro(m) => return Some(&m.mac),
            syn::Expr::Paren(p) => e = &p.expr,
            _ => return None,
        }
    }
}

impl Finder<'_> {
    fn mark(&mut self, mac: &syn::Macro, context: Context) {
        self.contexts.entry(key(mac)).or_insert(context);
    }

    fn mark_tail_as_value(&mut self, block: &syn::Block) {
        match block.stmts.last() {
            Some(syn::Stmt::Macro(m)) if m.semi_token.is_none() => {
                self.mark(&m.mac, Context::Value)
            }
            Some(syn::Stmt::Expr(e, None)) => {
                if let Some(m) = as_macro(e) {
                    self.mark(m, Context::Value);
                }
            }
            _ => {}
        }
    }

    /// Calls of metrics macros in a token tree no parser understood.
    fn scan_tokens(&mut self, tokens: TokenStream, in_macro_rules: bool) {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in tts.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => self.scan_tokens(g.stream(), in_macro_rules),
                TokenTree::Ident(_) => {
                    let is_call = matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
                        && matches!(tts.get(i + 2), Some(TokenTree::Group(g)) if g.delimiter() != Delimiter::None);
                    if !is_call {
                        continue;
                    }
                    // Walk back over `a::b::` to the start of the path.
                    let mut start = i;
                    while start >= 3
                        && matches!(&tts[start - 1], TokenTree::Punct(p) if p.as_char() == ':')
                        && matches!(&tts[start - 2], TokenTree::Punct(p) if p.as_char() == ':')
                        && matches!(&tts[start - 3], TokenTree::Ident(_))
                    {
                        start -= 3;
                    }
                    if start >= 2
                        && matches!(&tts[start - 1], TokenTree::Punct(p) if p.as_char() == ':')
                        && matches!(&tts[start - 2], TokenTree::Punct(p) if p.as_char() == ':')
                    {
                        start -= 2;
                    }
                    let call: TokenStream = tts[start..=i + 2].iter().cloned().collect();
                    let Ok(mac) = syn::parse2::<syn::Macro>(call.clone()) else {
                        continue;
                    };
                    let Some(form) = self.scope.macro_of(&mac.path).and_then(|n| macro_form(&n))
                    else {
                        continue;
                    };
                    if form.removed || self.old_crate {
                        self.unparsed.push((mac.span(), call, in_macro_rules));
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if matches!(f.sig.output, syn::ReturnType::Type(..)) {
            self.mark_tail_as_value(&f.block);
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if matches!(f.sig.output, syn::ReturnType::Type(..)) {
            self.mark_tail_as_value(&f.block);
        }
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        match s {
            syn::Stmt::Macro(m) => self.mark(&m.mac, Context::Statement),
            syn::Stmt::Expr(e, _) => {
                if let Some(m) = as_macro(e) {
                    self.mark(m, Context::Statement);
                }
            }
            _ => {}
        }
        syn::visit::visit_stmt(self, s);
    }

    fn visit_arm(&mut self, a: &'ast syn::Arm) {
        if let Some(m) = as_macro(&a.body) {
            self.mark(m, Context::Statement);
        }
        syn::visit::visit_arm(self, a);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        if let Some(m) = as_macro(&c.body) {
            self.mark(m, Context::Statement);
        }
        syn::visit::visit_expr_closure(self, c);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if let Some(m) = as_macro(&call.receiver) {
            self.mark(m, Context::Chained);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("macro_rules") {
            self.scan_tokens(mac.tokens.clone(), true);
            return;
        }
        if let Some(name) = self.scope.macro_of(&mac.path) {
            if let Some(form) = macro_form(&name) {
                let context = self
                    .contexts
                    .get(&key(mac))
                    .copied()
                    .unwrap_or(Context::Value);
                self.sites.push(Site {
                    mac: mac.clone(),
                    form,
                    context,
                });
                return;
            }
            if name.starts_with("describe_") {
                return;
            }
        }
        let fragments = macro_fragments(mac);
        // Top-level expressions of another macro's body (`vec![…]`, a `select!` arm) are
        // positions whose value this tool cannot see: treat them like statements.
        for e in &fragments.exprs {
            if let Some(m) = as_macro(e) {
                self.mark(m, Context::Statement);
            }
        }
        fragments.visit_with(self);
        for t in fragments.opaque {
            self.scan_tokens(t, false);
        }
    }
}

/// One argument of a metrics macro: an expression, or a `key => value` label pair.
struct Arg {
    expr: syn::Expr,
    pair_value: Option<syn::Expr>,
    /// From the first to the last token of the argument.
    span: proc_macro2::Span,
}

#[derive(Default)]
struct Args {
    /// `target:`/`level:`/`description:` named arguments: 0.22+ only.
    named: bool,
    items: Vec<Arg>,
    /// The comma after `items[i]`, when present.
    commas: Vec<proc_macro2::Span>,
}

fn parse_args(tokens: TokenStream) -> syn::Result<Args> {
    let parser = |input: ParseStream| -> syn::Result<Args> {
        let mut args = Args::default();
        if input.peek(syn::Ident) && input.peek2(syn::Token![:]) && !input.peek2(syn::Token![::]) {
            args.named = true;
            input.parse::<TokenStream>()?;
            return Ok(args);
        }
        while !input.is_empty() {
            let expr: syn::Expr = input.parse()?;
            let mut span = expr.span();
            let pair_value = if input.peek(syn::Token![=>]) {
                input.parse::<syn::Token![=>]>()?;
                let v: syn::Expr = input.parse()?;
                span = span.join(v.span()).unwrap_or(span);
                Some(v)
            } else {
                None
            };
            args.items.push(Arg {
                expr,
                pair_value,
                span,
            });
            if input.is_empty() {
                break;
            }
            let comma: syn::Token![,] = input.parse()?;
            args.commas.push(comma.span);
        }
        Ok(args)
    };
    parser.parse2(tokens)
}

/// A second argument that can only be a value: a number, or a cast to a numeric type.
fn is_numeric_value(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(l) => matches!(l.lit, syn::Lit::Int(_) | syn::Lit::Float(_)),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => is_numeric_value(&u.expr),
        syn::Expr::Paren(p) => is_numeric_value(&p.expr),
        syn::Expr::Cast(c) => matches!(&*c.ty, syn::Type::Path(t) if t.qself.is_none()
        && t.path.get_ident().is_some_and(|i| {
            let s = i.to_string();
            matches!(s.as_str(), "u8" | "u16" | "u32" | "u64" | "u128" | "usize"
                | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "f32" | "f64")
        })),
        _ => false,
    }
}

struct Rewriter<'c, 'a> {
    cx: &'c FileContext<'a>,
    scope: &'c MetricsScope<'c>,
    old_crate: bool,
    /// `counter`/`gauge`/`histogram` that rewritten bare calls need imported.
    needed_imports: BTreeSet<&'static str>,
    /// Local names of removed macros that rewritten bare calls used.
    used_locals: BTreeSet<String>,
    out: &'c mut Changes,
}

/// The parts of a call as the user wrote them, for the replacement text of a finding.
struct CallText {
    open: char,
    close: char,
}

impl Rewriter<'_, '_> {
    fn text(&self, span: proc_macro2::Span) -> &str {
        self.cx.file.slice(range_of_span(self.cx.file, span))
    }

    fn range(&self, span: proc_macro2::Span) -> TextRange {
        range_of_span(self.cx.file, span)
    }

    /// The 0.22+ call for an old one, as text (for findings).
    fn suggested(&self, form: &MacroForm, call: &CallText, args: &Args, new_path: &str) -> String {
        let texts: Vec<String> = args
            .items
            .iter()
            .map(|a| self.text(a.span).to_string())
            .collect();
        suggested_text(form, call, &texts, new_path)
    }

    /// The path to write for `form.target` in place of `path`, and the edit renaming it.
    fn renamed_path(&mut self, path: &syn::Path, form: &MacroForm) -> (String, Option<Edit>) {
        let last = &path.segments.last().expect("a macro path").ident;
        if form.target == form.name && (path.segments.len() > 1 || path.leading_colon.is_some()) {
            return (self.text(path.span()).to_string(), None);
        }
        let local = if path.segments.len() > 1 || path.leading_colon.is_some() {
            form.target.to_string()
        } else {
            if form.target == form.name {
                return (last.to_string(), None);
            }
            let (local, needs_import) = self.scope.bare_macro_name(form.target);
            if needs_import {
                self.needed_imports.insert(form.target);
                self.used_locals.insert(last.to_string());
            }
            local
        };
        let prefix_range = TextRange::new(
            range_of(self.cx.file, path).start,
            range_of_span(self.cx.file, last.span()).start,
        );
        let new_path = format!("{}{local}", self.cx.file.slice(prefix_range));
        let edit = (*last != local)
            .then(|| Edit::replace(range_of_span(self.cx.file, last.span()), local));
        (new_path, edit)
    }

    fn site(&mut self, site: &Site) {
        let file = self.cx.file;
        let mac = &site.mac;
        let form = site.form;
        let call_range = range_of(file, mac);
        let Ok(args) = parse_args(mac.tokens.clone()) else {
            self.out.finding(
                call_range,
                Severity::Error,
                format!("cannot read the arguments of this metrics `{}!` call", form.name),
                "rewrite it by hand: `kind!(NAME[, LABELS]).op(VALUE)` (see `otel-migrate explain metrics-macros`)",
            );
            return;
        };
        if args.named || args.items.is_empty() {
            return;
        }
        let is_pair = |i: usize| args.items.get(i).is_some_and(|a| a.pair_value.is_some());
        if form.has_value {
            if args.items.len() < 2 || is_pair(1) || site.context == Context::Chained {
                return; // the 0.22+ form: `counter!(N)`, `counter!(N, "k" => v)`, a handle
            }
            let certain =
                form.removed || args.items.len() >= 3 || is_numeric_value(&args.items[1].expr);
            if !certain {
                match (site.context, self.old_crate) {
                    (Context::Value, _) => return, // a handle with labels
                    (_, true) => {}
                    (_, false) => return self.ambiguous(site, &args),
                }
            }
            let labels = &args.items[2..];
            let pairs = labels.iter().all(|a| a.pair_value.is_some());
            if labels.len() > 1 && !pairs || is_pair(0) {
                self.out.finding(
                    call_range,
                    Severity::Error,
                    format!("unexpected arguments in this metrics `{}!` call", form.name),
                    "rewrite it by hand: `kind!(NAME[, LABELS]).op(VALUE)`",
                );
                return;
            }
        } else {
            if is_pair(0) {
                return;
            }
            // `register_counter!("name", "help")` is the prometheus crate's: a string is not
            // metrics labels.
            if let Some(second) = args.items.get(1) {
                if second.pair_value.is_none()
                    && matches!(&second.expr, syn::Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_)))
                {
                    return;
                }
            }
            if form.op.is_some() && site.context == Context::Chained {
                return;
            }
        }
        self.rewrite(site, &args);
    }

    fn delimiters(mac: &syn::Macro) -> (proc_macro2::extra::DelimSpan, char, char) {
        match &mac.delimiter {
            syn::MacroDelimiter::Paren(p) => (p.span, '(', ')'),
            syn::MacroDelimiter::Brace(b) => (b.span, '{', '}'),
            syn::MacroDelimiter::Bracket(b) => (b.span, '[', ']'),
        }
    }

    fn rewrite(&mut self, site: &Site, args: &Args) {
        let file = self.cx.file;
        let mac = &site.mac;
        let form = site.form;
        let (delim, open, close) = Self::delimiters(mac);
        let open_r = self.range(delim.open());
        let close_r = self.range(delim.close());
        let (new_path, rename) = self.renamed_path(&mac.path, form);
        let call = CallText { open, close };
        let mut edits: Vec<Edit> = rename.into_iter().collect();
        let mut method = None;
        if form.has_value {
            let name = &args.items[0];
            let value = &args.items[1];
            let name_r = self.range(name.span);
            let value_r = self.range(value.span);
            // Comments in the dropped text outside the value itself.
            let carried = |range: TextRange| -> Vec<TextRange> {
                comments_in(file, range)
                    .into_iter()
                    .filter(|c| !value_r.contains_range(*c))
                    .collect()
            };
            let mut value_text = self.text(value.span).to_string();
            if let Some(next) = args.items.get(2) {
                // `counter!(N, V, L…)`: drop `V, ` up to the labels. A comment in there stays
                // where it was, with the line break or space that followed it.
                let dropped = TextRange::new(value_r.start, self.range(next.span).start);
                let mut kept = String::new();
                for c in carried(dropped) {
                    let after = &file.text[c.end..dropped.end];
                    let ws = &after[..after.len() - after.trim_start().len()];
                    kept.push_str(file.slice(c));
                    kept.push_str(if ws.is_empty() { " " } else { ws });
                }
                edits.push(Edit::replace(dropped, kept));
            } else {
                let inner = TextRange::new(open_r.end, close_r.start);
                let end = args
                    .commas
                    .get(1)
                    .map_or(value_r.end, |c| self.range(*c).end);
                let dropped = TextRange::new(name_r.end, end);
                let moved = carried(dropped);
                if moved.iter().any(|c| file.slice(*c).starts_with("//")) {
                    self.out.finding(
                        range_of(file, mac),
                        Severity::Error,
                        "a `//` comment between this metrics call's arguments prevents the rewrite",
                        format!(
                            "rewrite it as `{}`",
                            self.suggested(form, &call, args, &new_path)
                        ),
                    );
                    return;
                }
                // Block comments before the value go with it into the method call.
                if !moved.is_empty() {
                    let comments: Vec<&str> = moved.iter().map(|c| file.slice(*c)).collect();
                    value_text = format!("{} {value_text}", comments.join(" "));
                }
                let elsewhere = comments_in(file, inner).into_iter().any(|c| {
                    !value_r.contains_range(c)
                        && !name_r.contains_range(c)
                        && !dropped.contains_range(c)
                });
                if elsewhere {
                    edits.push(Edit::delete(dropped));
                } else {
                    // `counter!(N, V)` → `counter!(N)`: only the name stays, as written.
                    edits.push(Edit::replace(inner, self.text(name.span).to_string()));
                }
            }
            method = form.op.map(|op| format!(".{op}({value_text})"));
        } else if let Some(op) = form.op {
            method = Some(format!(".{op}(1)"));
        }
        if let Some(m) = method {
            // A brace-delimited macro in statement position ends the statement: `x! {…}.m()`
            // would not parse, so the call takes parentheses.
            if open == '{' && site.context == Context::Statement {
                edits.push(Edit::replace(open_r, "("));
                edits.push(Edit::replace(close_r, ")"));
            }
            edits.push(Edit::insert(close_r.end, m));
        }
        for e in edits {
            self.out.edit(e);
        }
    }

    fn ambiguous(&mut self, site: &Site, args: &Args) {
        let (_, open, close) = Self::delimiters(&site.mac);
        let path = self.text(site.mac.path.span()).to_string();
        let call = CallText { open, close };
        let as_value = self.suggested(site.form, &call, args, &path);
        let second = self.text(args.items[1].span).to_string();
        let name = self.text(args.items[0].span).to_string();
        let op = site.form.op.unwrap_or("increment");
        self.out.finding(
            range_of(self.cx.file, &site.mac),
            Severity::Error,
            format!(
                "ambiguous metrics call: `{second}` is the value in metrics 0.21 but labels in 0.22+, and this crate declares metrics 0.22+"
            ),
            format!(
                "if `{second}` is the value: `{as_value}`; if it is labels: `{path}!{open}{name}, {second}{close}.{op}(…)`"
            ),
        );
    }

    fn unparsed(&mut self, span: proc_macro2::Span, tokens: &TokenStream, in_macro_rules: bool) {
        let range = self.range(span);
        let suggestion = syn::parse2::<syn::Macro>(tokens.clone())
            .ok()
            .and_then(|mac| {
                let name = self.scope.macro_of(&mac.path)?;
                let form = macro_form(&name)?;
                let (_, open, close) = Self::delimiters(&mac);
                let path = self.text(mac.path.span()).to_string();
                let last = mac.path.segments.last()?.ident.to_string();
                let new_path = format!("{}{}", &path[..path.len() - last.len()], form.target);
                // `macro_rules!` bodies hold `$x` fragments, which do not parse as
                // expressions: fall back to the text between top-level commas.
                let texts: Vec<String> = match parse_args(mac.tokens.clone()) {
                    Ok(args) => args.items.iter().map(|a| self.text(a.span).to_string()).collect(),
                    Err(_) => split_commas(mac.tokens.clone())
                        .iter()
                        .filter_map(|t| range_of_tokens(self.cx.file, t))
                        .map(|r| self.cx.file.slice(r).to_string())
                        .collect(),
                };
                let call = CallText { open, close };
                Some(format!("rewrite it as `{}`", suggested_text(form, &call, &texts, &new_path)))
            })
            .unwrap_or_else(|| {
                "rewrite it by hand: `kind!(NAME[, LABELS]).op(VALUE)` (see `otel-migrate explain metrics-macros`)".to_string()
            });
        let message = if in_macro_rules {
            "a metrics 0.21 macro call inside a `macro_rules!` definition is not rewritten"
        } else {
            "a metrics 0.21 macro call inside a macro body this tool cannot parse"
        };
        self.out
            .finding(range, Severity::Error, message, suggestion);
    }
}

/// Removes the macros that no longer exist from `use` lists, and imports `counter`/`gauge`/
/// `histogram` for rewritten bare calls: in place of a removed name the calls used, in the
/// same scope (module or block), unless that scope already imports it.
fn fix_imports(
    cx: &FileContext<'_>,
    scope: &MetricsScope<'_>,
    needed: BTreeSet<&'static str>,
    used_locals: &BTreeSet<String>,
    out: &mut Changes,
) {
    let from_metrics =
        |leaf: &UseLeaf| leaf.prefix.len() == 1 && scope.roots().contains(&leaf.prefix[0]);
    let is_removed =
        |leaf: &UseLeaf| from_metrics(leaf) && macro_form(&leaf.name).is_some_and(|f| f.removed);
    let leaves = use_leaves(cx.file, cx.syntax());
    let mut assigned: HashMap<usize, &'static str> = HashMap::new();
    let mut satisfied: BTreeSet<&'static str> = BTreeSet::new();
    let scopes: BTreeSet<usize> = leaves.iter().map(|l| l.scope).collect();
    for s in scopes {
        let here: Vec<&UseLeaf> = leaves.iter().filter(|l| l.scope == s).collect();
        let mut wanted: Vec<&'static str> = here
            .iter()
            .filter(|l| is_removed(l) && used_locals.contains(l.local()))
            .filter_map(|l| macro_form(&l.name).map(|f| f.target))
            .collect();
        wanted.sort();
        wanted.dedup();
        wanted.retain(|t| {
            let imported = here
                .iter()
                .any(|l| from_metrics(l) && l.name == *t && l.alias.is_none());
            if imported {
                satisfied.insert(t);
            }
            !imported
        });
        let removed: Vec<&&UseLeaf> = here.iter().filter(|l| is_removed(l)).collect();
        for t in wanted {
            let pick = removed
                .iter()
                .find(|l| {
                    !assigned.contains_key(&l.range.start)
                        && macro_form(&l.name).is_some_and(|f| f.target == t)
                })
                .or_else(|| {
                    removed
                        .iter()
                        .find(|l| !assigned.contains_key(&l.range.start))
                });
            if let Some(l) = pick {
                assigned.insert(l.range.start, t);
                satisfied.insert(t);
            }
        }
    }
    edit_use_leaves(cx.file, cx.syntax(), out, |leaf| {
        if !is_removed(leaf) {
            LeafEdit::Keep
        } else if let Some(n) = assigned.get(&leaf.range.start) {
            LeafEdit::Replace((*n).to_string())
        } else {
            LeafEdit::Remove
        }
    });
    if let Some(missing) = needed.iter().find(|n| !satisfied.contains(*n)) {
        out.finding(
            TextRange::empty(cx.file.base_offset),
            Severity::Error,
            format!("rewritten calls use `{missing}!`, which this file does not import"),
            format!("add `use {}::{missing};`", scope.code_name()),
        );
    }
}

/// `new_path!(NAME[, LABELS…]).op(VALUE)` from the texts of the old call's arguments.
fn suggested_text(form: &MacroForm, call: &CallText, texts: &[String], new_path: &str) -> String {
    let mut kept = vec![texts.first().map_or("NAME", String::as_str)];
    let skip = if form.has_value { 2 } else { 1 };
    kept.extend(texts.iter().skip(skip).map(String::as_str));
    let mut s = format!("{new_path}!{}{}{}", call.open, kept.join(", "), call.close);
    if let Some(op) = form.op {
        let value = if form.has_value {
            texts.get(1).map_or("VALUE", String::as_str)
        } else {
            "1"
        };
        s.push_str(&format!(".{op}({value})"));
    }
    s
}

/// A token stream cut at its top-level commas.
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut out = vec![TokenStream::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(TokenStream::new()),
            _ => out.last_mut().expect("never empty").extend([tt]),
        }
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Whether `package` depends on the registry crate `krate` at a 0.x release before
/// `0.{minor}`, or at one the tool cannot tell (a git dependency).
pub(crate) fn uses_before(package: &PackageInfo, krate: &str, minor: u64) -> bool {
    package.uses_crate(krate)
        && package
            .version(krate)
            .is_none_or(|v| (v.major, v.minor) < (0, minor))
}

/// How this file reaches the `metrics` crate, or `None` when its package does not depend on
/// it. Shared with `metrics-recorder-api`.
pub(crate) fn metrics_scope<'a>(cx: &FileContext<'a>) -> Option<MetricsScope<'a>> {
    let package = cx.package.filter(|p| p.uses_crate(METRICS))?;
    let mentions = |s: &str| package.usage.mentions(s);
    Some(MetricsScope::of(
        cx.rust(),
        package.code_name_of(METRICS),
        mentions,
    ))
}
