//! # metrics-recorder-api
//!
//! ## What it does
//! Moves the rest of the `metrics` API a service uses (besides the macros) to metrics 0.24 and
//! metrics-exporter-prometheus 0.16:
//! - `SetRecorderError` (generic since 0.22) → `SetRecorderError<R>` in a function that installs
//!   exactly one recorder whose type the code spells (`otel::recorder_error`);
//! - `metrics::set_boxed_recorder(Box::new(r))` → `metrics::set_global_recorder(r)`,
//!   `metrics::set_recorder(&R)` → `metrics::set_global_recorder(&R)` (also in `use` lists);
//! - a custom `impl Recorder`'s `register_counter`/`register_gauge`/`register_histogram` gain
//!   the `&metrics::Metadata<'_>` parameter; a forwarding call `inner.register_counter(key)`
//!   inside them passes it on;
//! - `SharedString::owned`/`borrowed` → `from_owned`/`from_borrowed`, `Unit::Gigibytes` →
//!   `Unit::Gibibytes` (also inside `describe_*!` calls);
//! - `metrics::recorder().m(…)` → `metrics::with_recorder(|r| r.m(…))`, and a statement
//!   `if let Some(r) = metrics::try_recorder() { … }` → `metrics::with_recorder(|r| { … });`
//!   (direct `register_*` calls get the macros' default `Metadata`);
//! - on exporter 0.12/0.13: an exhaustive `match` on `BuildError` gains the 0.14 variant
//!   `ZeroBucketDuration` (added to the last arm when it binds nothing), and the exporter
//!   future's error (`let (recorder, exporter) = builder.build()?; … exporter.await`), which has
//!   no `Display` since 0.14, is formatted with `{e:?}` instead of `{e}` / `{}` / `%e`;
//! - a package pairing `metrics` with an exporter built on another `metrics` minor (metrics
//!   0.21 + exporter 0.13, which records nothing) gets a warning at its `PrometheusBuilder`.
//! - on exporter 0.12/0.13, `install_recorder()` gets a note: from 0.14 its histograms are
//!   drained only by `PrometheusHandle::run_upkeep()`, which the service must call periodically.
//! - every `PrometheusBuilder::new()…install()` (or `build…`) chain of a package whose exporter
//!   moves to 0.16 (also one declaring only the exporter) goes into the ledger with its listen
//!   address and buckets (`--ledger`).
//!
//! ## Before
//! ```rust,ignore
//! metrics::set_boxed_recorder(Box::new(recorder))?;
//! fn register_counter(&self, key: &Key) -> Counter { self.inner.register_counter(key) }
//! describe_gauge!("memory", Unit::Gigibytes, "Resident memory");
//! if let Err(e) = exporter.await { eprintln!("exporter failed: {e}"); }
//! ```
//!
//! ## After
//! ```rust,ignore
//! metrics::set_global_recorder(recorder)?;
//! fn register_counter(&self, key: &Key, metadata: &metrics::Metadata<'_>) -> Counter { self.inner.register_counter(key, metadata) }
//! describe_gauge!("memory", Unit::Gibibytes, "Resident memory");
//! if let Err(e) = exporter.await { eprintln!("exporter failed: {e:?}"); }
//! ```
//!
//! ## Not rewritten (reported with the replacement)
//! - `DebuggingRecorder::per_thread()`, `Snapshotter::current_thread_snapshot()`,
//!   `metrics::clear_recorder()`: tests must be restructured around
//!   `metrics::with_local_recorder(&recorder, || …)` (error).
//! - `recorder()`/`try_recorder()` anywhere else (their value kept, an `else` branch, `return`,
//!   `?` or `break` in the body): the control flow changes (error).
//! - `SetRecorderError` outside a function, or in one that installs no recorder, several, or one
//!   whose type is not written there (error, with the form to write).
//! - `set_boxed_recorder(x)` whose argument is not `Box::new(…)` (error), an exhaustive
//!   `BuildError` match whose last arm binds variables (error), the exporter future's error
//!   used with `?` or `.to_string()` (error).
//!
//! ## Safety
//! Renames are of exact items resolved through the file's imports (never by last segment). The
//! recorder moved out of `Box::new` is spliced verbatim; 0.24 requires it to be `Sync`, which the
//! exporter's recorder is. Added match arms and parameters are exactly what the 0.16 / 0.24
//! signatures require; nothing else in a function changes.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::PackageInfo;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::syntax::{ident_str, macro_fragments, range_of, range_of_span, text_of};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::{edit_use_leaves, ImportPlan, LeafEdit};
use crate::otel::metrics_facade::{exporter_metrics_minor, MetricsScope, EXPORTER, METRICS, UTIL};
use crate::otel::recorder_error::RecorderErrors;
use crate::transforms::metrics_macros::{metrics_scope, uses_before};

pub struct MetricsRecorderApi;

/// What the macros pass as metadata by default (target = module path, level INFO).
const DEFAULT_METADATA: &str =
    "&{m}::Metadata::new(module_path!(), {m}::Level::INFO, Some(module_path!()))";

/// The words the sites of this transform are spelled with: the recorder functions
/// (`set_boxed_recorder`, `set_recorder`, `clear_recorder`, `recorder`, `try_recorder`,
/// `install_recorder`), `impl Recorder` and `SetRecorderError`, `Unit::Gigibytes`,
/// `SharedString::owned`/`borrowed`, the exporter's builder (ledger, pair warning) and
/// `BuildError`, metrics-util's `DebuggingRecorder::per_thread` and
/// `Snapshotter::current_thread_snapshot`.
const SITE_WORDS: &[&str] = &[
    "recorder",
    "Recorder",
    "Gigibytes",
    "SharedString",
    "PrometheusBuilder",
    "BuildError",
    "per_thread",
    "current_thread_snapshot",
];

/// Whether `text` names one of [`SITE_WORDS`], or may await the exporter future of a
/// `build()` (a builder from elsewhere, kept in a local, need not name its type).
fn may_have_a_site(text: &str) -> bool {
    SITE_WORDS.iter().any(|w| text.contains(w))
        || (text.contains("build") && text.contains("await"))
}

impl Transform for MetricsRecorderApi {
    fn id(&self) -> &'static str {
        "metrics-recorder-api"
    }

    fn description(&self) -> &'static str {
        "metrics 0.24 / exporter 0.16 API: set_global_recorder, Recorder metadata, Gibibytes, with_recorder, BuildError"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["metrics"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &[METRICS]
    }

    /// Packages using `metrics` before 0.24, and those installing its Prometheus exporter before
    /// 0.16 (built on metrics 0.24) only: their builder's settings go into the ledger. A
    /// version the tool cannot tell (a git dependency) counts as old; a package already on
    /// the target is left alone, as `metrics-macros` leaves it.
    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| uses_before(p, METRICS, 24) || uses_before(p, EXPORTER, 16))
    }

    /// Every site names one of [`SITE_WORDS`], in its path or in the `use` that aliases it,
    /// or is the exporter future (`let (_, f) = b.build()?; f.await`): a file saying `metrics`
    /// without any of them is not parsed for this transform.
    fn may_act(&self, text: &str, _: FileKind, _: Option<&PackageInfo>) -> bool {
        may_have_a_site(text)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(package) = cx.package else {
            return out;
        };
        let exporter = package.version(EXPORTER);
        // The exporter moves to 0.16 with this migration: what its builders set is ledgered.
        if exporter.is_some_and(|v| (v.major, v.minor) < (0, 16)) {
            let name = cx.crate_code_name(EXPORTER);
            let mut entries = crate::otel::ledger::prometheus::entries(cx.rust(), &name);
            super::helper_facts::resolve_ledger(cx, &mut entries);
            out.ledger.extend(entries);
        }
        let Some(scope) = metrics_scope(cx) else {
            return out;
        };
        let old_exporter = exporter.is_some_and(|v| (v.major, v.minor) < (0, 14));
        let mut v = Finder {
            cx,
            scope: &scope,
            exporter_name: cx.crate_code_name(EXPORTER),
            util_name: cx.crate_code_name(UTIL),
            old_exporter,
            futures: Vec::new(),
            error_names: Vec::new(),
            builder_sites: Vec::new(),
            out: &mut out,
        };
        v.visit_file(cx.syntax());
        let builder_sites = std::mem::take(&mut v.builder_sites);
        let exporter_name = v.exporter_name.clone();
        // Every site names `SetRecorderError` (or a `use` of it does); the import plan of a
        // file is costly to build, and most files have none.
        if cx.file.text.contains("SetRecorderError") {
            let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
            RecorderErrors {
                file: cx.file,
                syntax: cx.syntax(),
                imports: cx.imports(),
                scope: &scope,
                exporter_name: &exporter_name,
            }
            .rewrite(&mut plan, &mut out);
            plan.finish(&mut out);
        }
        // `use metrics::set_boxed_recorder;` follows the call.
        edit_use_leaves(cx.file, cx.syntax(), &mut out, |leaf| {
            let from_metrics = leaf.prefix.len() == 1 && scope.roots().contains(&leaf.prefix[0]);
            match leaf.name.as_str() {
                "set_boxed_recorder" | "set_recorder" if from_metrics => {
                    LeafEdit::Replace(match &leaf.alias {
                        Some(a) => format!("set_global_recorder as {a}"),
                        None => "set_global_recorder".into(),
                    })
                }
                _ => LeafEdit::Keep,
            }
        });
        if let (Some(metrics), Some(exporter)) = (package.version(METRICS), exporter) {
            let built_on = exporter_metrics_minor(exporter);
            if metrics.major == 0 && built_on.is_some_and(|m| m != metrics.minor) {
                if let Some(site) = builder_sites.first() {
                    out.finding(
                        *site,
                        Severity::Warning,
                        format!(
                            "this package pairs metrics {}.{} with metrics-exporter-prometheus {}.{}, which is built on metrics 0.{}: the exporter never saw this code's metrics (its endpoint showed none of them)",
                            metrics.major, metrics.minor, exporter.major, exporter.minor, built_on.unwrap_or(0)
                        ),
                        "migrated to metrics 0.24 + exporter 0.16 together, the metrics are recorded from now on: expect new series on the endpoint and review dashboards and alerts that relied on their absence",
                    );
                }
            }
        }
        out
    }
}

struct Finder<'c, 'a> {
    cx: &'c FileContext<'a>,
    scope: &'c MetricsScope<'c>,
    exporter_name: String,
    util_name: String,
    old_exporter: bool,
    /// Locals bound to the exporter future of `PrometheusBuilder::build()`.
    futures: Vec<String>,
    /// Names bound to the exporter future's error, while visiting their scope.
    error_names: Vec<String>,
    /// `PrometheusBuilder::new()` calls.
    builder_sites: Vec<TextRange>,
    out: &'c mut Changes,
}

fn strip_parens(mut e: &syn::Expr) -> &syn::Expr {
    while let syn::Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

fn path_of(e: &syn::Expr) -> Option<&syn::Path> {
    match strip_parens(e) {
        syn::Expr::Path(p) if p.qself.is_none() => Some(&p.path),
        _ => None,
    }
}

fn single_ident(e: &syn::Expr) -> Option<String> {
    path_of(e).and_then(|p| p.get_ident()).map(ident_str)
}

impl Finder<'_, '_> {
    fn range<T: Spanned + ?Sized>(&self, node: &T) -> TextRange {
        range_of(self.cx.file, node)
    }

    fn text<T: Spanned + ?Sized>(&self, node: &T) -> String {
        text_of(self.cx.file, node).to_string()
    }

    fn metrics_item(&self, path: &syn::Path) -> Option<Vec<String>> {
        self.scope.item_of(path)
    }

    /// The path inside another crate of the family (`metrics_exporter_prometheus`,
    /// `metrics_util`) that `path` names.
    fn crate_item(&self, path: &syn::Path, krate: &str) -> Option<Vec<String>> {
        let resolved = self.cx.imports().resolve(path);
        (resolved.first().map(String::as_str) == Some(krate)).then(|| resolved[1..].to_vec())
    }

    fn is_exporter_item(&self, path: &syn::Path, item: &[&str]) -> bool {
        self.crate_item(path, &self.exporter_name).is_some_and(|p| {
            p.last().map(String::as_str) == item.last().copied()
                && p.len() >= item.len()
                && p[p.len() - item.len()..]
                    .iter()
                    .map(String::as_str)
                    .eq(item.iter().copied())
        })
    }

    fn rename_last(&mut self, path: &syn::Path, new: &str) {
        let ident = &path.segments.last().expect("non-empty path").ident;
        self.out
            .replace(range_of_span(self.cx.file, ident.span()), new.to_string());
    }

    fn default_metadata(&self) -> String {
        DEFAULT_METADATA.replace("{m}", self.scope.code_name())
    }

    fn report(&mut self, range: TextRange, message: &str, suggestion: String) {
        self.out
            .finding(range, Severity::Error, message.to_string(), suggestion);
    }

    /// `metrics::set_boxed_recorder(Box::new(r))` → `metrics::set_global_recorder(r)`.
    fn set_recorder_call(&mut self, call: &syn::ExprCall, path: &syn::Path, boxed: bool) {
        self.rename_last(path, "set_global_recorder");
        if !boxed {
            return;
        }
        let unboxed = call.args.first().and_then(|a| match strip_parens(a) {
            syn::Expr::Call(inner)
                if inner.args.len() == 1
                    && path_of(&inner.func).is_some_and(|p| {
                        let segs: Vec<String> =
                            p.segments.iter().map(|s| ident_str(&s.ident)).collect();
                        segs == ["Box", "new"]
                    }) =>
            {
                Some((a, &inner.args[0]))
            }
            _ => None,
        });
        match unboxed {
            Some((arg, inner)) => {
                let text = self.text(inner);
                self.out.replace(self.range(arg), text);
            }
            None => self.report(
                self.range(call),
                "`set_global_recorder` takes the recorder by value (and needs it `Sync`), not a `Box<dyn Recorder>`",
                "pass the recorder itself: `metrics::set_global_recorder(recorder)`".into(),
            ),
        }
    }

    /// `impl Recorder for X`: the three `register_*` methods gain `&Metadata<'_>`.
    fn recorder_impl(&mut self, imp: &syn::ItemImpl) {
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let name = ident_str(&f.sig.ident);
            if !matches!(
                name.as_str(),
                "register_counter" | "register_gauge" | "register_histogram"
            ) || f.sig.inputs.len() != 2
            {
                continue;
            }
            let mut forwards = ForwardingCalls::default();
            forwards.visit_block(&f.block);
            let param = if forwards.calls.is_empty() {
                "_metadata"
            } else {
                "metadata"
            };
            let key = f.sig.inputs.last().expect("two inputs");
            let at = self.range(key).end;
            self.out.edit(Edit::insert(
                at,
                format!(", {param}: &{}::Metadata<'_>", self.scope.code_name()),
            ));
            for arg in forwards.calls {
                let at = range_of_span(self.cx.file, arg).end;
                self.out.edit(Edit::insert(at, ", metadata".to_string()));
            }
        }
    }

    /// `metrics::recorder().m(args)` → `metrics::with_recorder(|r| r.m(args))`: the arguments
    /// stay in place.
    fn recorder_chain(&mut self, call: &syn::ExprMethodCall, inner: &syn::ExprCall) {
        let file = self.cx.file;
        let path = path_of(&inner.func).expect("checked");
        let name = &path.segments.last().expect("path").ident;
        let head = TextRange::new(
            range_of_span(file, name.span()).start,
            range_of_span(file, call.method.span()).start,
        );
        self.out.replace(head, "with_recorder(|r| r.".to_string());
        let method = ident_str(&call.method);
        if method.starts_with("register_") && call.args.len() == 1 {
            let at = self.range(&call.args[0]).end;
            self.out
                .edit(Edit::insert(at, format!(", {}", self.default_metadata())));
        }
        self.out
            .edit(Edit::insert(self.range(call).end, ")".to_string()));
    }

    /// `if let Some(r) = metrics::try_recorder() { body }` as a statement.
    /// Whether it was rewritten (the caller then visits the body, which stays in place).
    fn try_recorder_if(
        &mut self,
        e: &syn::ExprIf,
        call: &syn::ExprCall,
        binding: &syn::Pat,
    ) -> bool {
        let file = self.cx.file;
        let path = path_of(&call.func).expect("checked");
        let prefix_end =
            range_of_span(file, path.segments.last().expect("path").ident.span()).start;
        let prefix = file
            .slice(TextRange::new(self.range(path).start, prefix_end))
            .to_string();
        let mut escapes = Escapes::default();
        escapes.visit_block(&e.then_branch);
        let body = self.text(&e.then_branch);
        if e.else_branch.is_some() || escapes.found {
            self.report(
                self.range(e),
                "`try_recorder()` is gone in metrics 0.22+ and this branch's control flow cannot move into a closure",
                format!("restructure around `{prefix}with_recorder(|r| …)` (there is always a recorder, a no-op one when none is installed); the closure body would be `{body}`"),
            );
            return false;
        }
        let mut registers = RegisterCalls::default();
        registers.visit_block(&e.then_branch);
        for arg in registers.one_arg_ends {
            let at = range_of_span(self.cx.file, arg).end;
            self.out
                .edit(Edit::insert(at, format!(", {}", self.default_metadata())));
        }
        let whole = self.range(e);
        let cond_end = self.range(&e.cond).end;
        // `if let Some(r) = metrics::try_recorder() ` → `metrics::with_recorder(|r| `, and the
        // block closes the call.
        self.out.replace(
            TextRange::new(whole.start, self.range(&e.then_branch).start.max(cond_end)),
            format!("{prefix}with_recorder(|{}| ", self.text(binding)),
        );
        self.out.edit(Edit::insert(whole.end, ");".to_string()));
        true
    }

    /// An exhaustive `match` on the exporter's `BuildError` (0.12/0.13) gains `ZeroBucketDuration`.
    fn build_error_match(&mut self, m: &syn::ExprMatch) {
        let mut variant_paths = Vec::new();
        let mut catch_all = false;
        for arm in &m.arms {
            if arm.guard.is_some() {
                continue;
            }
            for pat in alternatives(&arm.pat) {
                match pat {
                    syn::Pat::Wild(_) => catch_all = true,
                    syn::Pat::Ident(i) if i.subpat.is_none() => catch_all = true,
                    _ => {}
                }
                if let Some(p) = pat_path(pat) {
                    if self.is_exporter_item_prefix(p) {
                        variant_paths.push(p.clone());
                    }
                }
            }
        }
        if catch_all || variant_paths.is_empty() {
            return;
        }
        if variant_paths.iter().any(|p| {
            p.segments
                .last()
                .is_some_and(|s| s.ident == "ZeroBucketDuration")
        }) {
            return;
        }
        let file = self.cx.file;
        let sample = &variant_paths[0];
        let last = &sample.segments.last().expect("path").ident;
        let prefix = file
            .slice(TextRange::new(
                self.range(sample).start,
                range_of_span(file, last.span()).start,
            ))
            .to_string();
        let new_pat = format!("{prefix}ZeroBucketDuration");
        let last_arm = m.arms.last().expect("has arms");
        let mut bindings = Bindings::default();
        bindings.visit_pat(&last_arm.pat);
        if bindings.found || last_arm.guard.is_some() {
            self.report(
                self.range(m),
                "metrics-exporter-prometheus 0.14+ adds `BuildError::ZeroBucketDuration`: this match is not exhaustive any more",
                format!("add an arm `{new_pat} => …`"),
            );
            return;
        }
        let at = self.range(&last_arm.pat).end;
        self.out.edit(Edit::insert(at, format!(" | {new_pat}")));
    }

    fn is_exporter_item_prefix(&self, p: &syn::Path) -> bool {
        let n = p.segments.len();
        if n < 2 {
            return false;
        }
        let mut parent = p.clone();
        parent.segments.pop();
        let parent: syn::Path = {
            let segs: Vec<String> = parent
                .segments
                .iter()
                .map(|s| ident_str(&s.ident))
                .collect();
            syn::parse_str(&segs.join("::")).expect("a path")
        };
        self.is_exporter_item(&parent, &["BuildError"])
    }

    /// The formatting macros inside the scope of an exporter-future error binding.
    fn format_error_in(&mut self, mac: &syn::Macro) {
        let names = self.error_names.clone();
        let tokens: Vec<proc_macro2::TokenTree> = mac.tokens.clone().into_iter().collect();
        let file = self.cx.file;
        // The format string: `{e}` → `{e:?}`; `{}` whose argument is `e` → `{:?}`.
        let fragments = macro_fragments(mac);
        let lit_pos = fragments.exprs.iter().position(
            |e| matches!(strip_parens(e), syn::Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_))),
        );
        if let Some(pos) = lit_pos {
            let syn::Expr::Lit(lit) = strip_parens(&fragments.exprs[pos]) else {
                unreachable!()
            };
            let lit_range = self.range(lit);
            let raw = file.slice(lit_range).to_string();
            let args: Vec<Option<String>> = fragments.exprs[pos + 1..]
                .iter()
                .map(single_ident)
                .collect();
            let mut positional = 0;
            let bytes = raw.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'{' && bytes.get(i + 1) == Some(&b'{') {
                    i += 2;
                    continue;
                }
                if bytes[i] == b'{' {
                    let Some(close) = raw[i..].find('}') else {
                        break;
                    };
                    let inner = &raw[i + 1..i + close];
                    if inner.is_empty() {
                        if args
                            .get(positional)
                            .cloned()
                            .flatten()
                            .is_some_and(|a| names.contains(&a))
                        {
                            self.out
                                .edit(Edit::insert(lit_range.start + i + 1, ":?".to_string()));
                        }
                        positional += 1;
                    } else if names.iter().any(|n| n == inner) {
                        self.out.edit(Edit::insert(
                            lit_range.start + i + 1 + inner.len(),
                            ":?".to_string(),
                        ));
                    }
                    i += close + 1;
                    continue;
                }
                i += 1;
            }
        }
        // tracing fields: `error = %e` → `error = ?e`.
        for w in tokens.windows(2) {
            if let (proc_macro2::TokenTree::Punct(p), proc_macro2::TokenTree::Ident(id)) =
                (&w[0], &w[1])
            {
                if p.as_char() == '%' && names.iter().any(|n| id == n) {
                    self.out
                        .replace(range_of_span(file, p.span()), "?".to_string());
                }
            }
        }
    }

    fn with_error_scope(&mut self, name: Option<String>, f: impl FnOnce(&mut Self)) {
        match name {
            Some(n) => {
                self.error_names.push(n);
                f(self);
                self.error_names.pop();
            }
            None => f(self),
        }
    }

    /// Whether `e` is `<future>.await` for a known exporter future.
    fn is_future_await(&self, e: &syn::Expr) -> bool {
        matches!(strip_parens(e), syn::Expr::Await(a)
            if single_ident(&a.base).is_some_and(|n| self.futures.contains(&n)))
    }

    /// Whether `e` (without `?`, `.unwrap()`, `.expect(..)`, a `match` on it) is
    /// `PrometheusBuilder::…build()`.
    fn is_builder_build(&self, mut e: &syn::Expr) -> bool {
        loop {
            match strip_parens(e) {
                syn::Expr::Try(t) => e = &t.expr,
                syn::Expr::Match(m) => e = &m.expr,
                syn::Expr::MethodCall(m)
                    if matches!(ident_str(&m.method).as_str(), "unwrap" | "expect") =>
                {
                    e = &m.receiver
                }
                syn::Expr::MethodCall(m) if m.method == "build" => {
                    return self.chain_starts_at_builder(&m.receiver)
                }
                _ => return false,
            }
        }
    }

    fn chain_starts_at_builder(&self, mut e: &syn::Expr) -> bool {
        loop {
            match strip_parens(e) {
                syn::Expr::MethodCall(m) => e = &m.receiver,
                syn::Expr::Try(t) => e = &t.expr,
                syn::Expr::Call(c) => {
                    return path_of(&c.func)
                        .is_some_and(|p| self.is_exporter_item(p, &["PrometheusBuilder", "new"]))
                }
                syn::Expr::Path(_) => return true, // a builder kept in a local
                _ => return false,
            }
        }
    }
}

fn alternatives(p: &syn::Pat) -> Vec<&syn::Pat> {
    match p {
        syn::Pat::Or(o) => o.cases.iter().flat_map(alternatives).collect(),
        syn::Pat::Paren(p) => alternatives(&p.pat),
        syn::Pat::Reference(r) => alternatives(&r.pat),
        _ => vec![p],
    }
}

fn pat_path(p: &syn::Pat) -> Option<&syn::Path> {
    match p {
        syn::Pat::Path(p) => Some(&p.path),
        syn::Pat::TupleStruct(t) => Some(&t.path),
        syn::Pat::Struct(s) => Some(&s.path),
        _ => None,
    }
}

/// Identifiers a pattern binds.
#[derive(Default)]
struct Bindings {
    found: bool,
}

impl<'ast> Visit<'ast> for Bindings {
    fn visit_pat_ident(&mut self, _: &'ast syn::PatIdent) {
        self.found = true;
    }
}

/// `return`, `?`, `break`, `continue` in a block (they cannot move into a closure).
#[derive(Default)]
struct Escapes {
    found: bool,
}

impl<'ast> Visit<'ast> for Escapes {
    fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
        self.found = true;
    }
    fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
        self.found = true;
    }
    fn visit_expr_break(&mut self, _: &'ast syn::ExprBreak) {
        self.found = true;
    }
    fn visit_expr_continue(&mut self, _: &'ast syn::ExprContinue) {
        self.found = true;
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}

/// `x.register_counter(key)` calls with one argument: where the metadata argument goes.
#[derive(Default)]
struct RegisterCalls {
    one_arg_ends: Vec<proc_macro2::Span>,
}

impl<'ast> Visit<'ast> for RegisterCalls {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if matches!(
            ident_str(&m.method).as_str(),
            "register_counter" | "register_gauge" | "register_histogram"
        ) && m.args.len() == 1
        {
            self.one_arg_ends.push(m.args[0].span());
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

/// Forwarding calls inside a `register_*` method: `self.inner.register_counter(key)`.
#[derive(Default)]
struct ForwardingCalls {
    calls: Vec<proc_macro2::Span>,
}

impl<'ast> Visit<'ast> for ForwardingCalls {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let mut inner = RegisterCalls::default();
        inner.visit_expr_method_call(m);
        self.calls.extend(inner.one_arg_ends);
    }
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(item) = self.metrics_item(path) {
            let item: Vec<&str> = item.iter().map(String::as_str).collect();
            match item.as_slice() {
                ["Unit", "Gigibytes"] => self.rename_last(path, "Gibibytes"),
                ["SharedString", "owned"] => self.rename_last(path, "from_owned"),
                ["SharedString", "borrowed"] => self.rename_last(path, "from_borrowed"),
                _ => {}
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Some(path) = path_of(&call.func) {
            let item = self.metrics_item(path).unwrap_or_default();
            let util = self
                .crate_item(path, &self.util_name.clone())
                .unwrap_or_default();
            let util_last2: Vec<&str> = util
                .iter()
                .rev()
                .take(2)
                .rev()
                .map(String::as_str)
                .collect();
            match item.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                ["set_boxed_recorder"] => self.set_recorder_call(call, path, true),
                ["set_recorder"] => self.set_recorder_call(call, path, false),
                ["clear_recorder"] => self.report(
                    self.range(call),
                    "`metrics::clear_recorder()` is gone in metrics 0.22+",
                    "scope the test's recorder instead: `metrics::with_local_recorder(&recorder, || { … })`, or keep the guard `let _guard = metrics::set_default_local_recorder(&recorder);`".into(),
                ),
                ["recorder"] | ["try_recorder"] => {} // handled by their parent expression
                _ => {}
            }
            match util_last2.as_slice() {
                ["DebuggingRecorder", "per_thread"] => self.report(
                    self.range(call),
                    "`DebuggingRecorder::per_thread()` is gone in metrics-util 0.16+",
                    "use `let recorder = DebuggingRecorder::new(); let snapshotter = recorder.snapshotter(); metrics::with_local_recorder(&recorder, || { … });` and read `snapshotter.snapshot()`".into(),
                ),
                ["Snapshotter", "current_thread_snapshot"] => self.report(
                    self.range(call),
                    "`Snapshotter::current_thread_snapshot()` is gone in metrics-util 0.16+",
                    "keep the recorder's snapshotter (`let snapshotter = recorder.snapshotter();`, recorder installed with `metrics::with_local_recorder`) and call `snapshotter.snapshot()`".into(),
                ),
                _ => {}
            }
            if self.is_exporter_item(path, &["PrometheusBuilder", "new"]) {
                let r = self.range(call);
                self.builder_sites.push(r);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if let syn::Expr::Call(inner) = strip_parens(&m.receiver) {
            if let Some(path) = path_of(&inner.func) {
                if self.metrics_item(path).is_some_and(|i| i == ["recorder"])
                    && inner.args.is_empty()
                {
                    self.recorder_chain(m, inner);
                    for a in &m.args {
                        self.visit_expr(a);
                    }
                    return;
                }
            }
        }
        if self.old_exporter
            && m.method == "install_recorder"
            && self.chain_starts_at_builder(&m.receiver)
        {
            self.out.finding(
                range_of_span(self.cx.file, m.method.span()),
                Severity::Note,
                "since metrics-exporter-prometheus 0.14 a recorder from `install_recorder()` drains its histograms only when `PrometheusHandle::run_upkeep()` is called",
                "call `handle.run_upkeep()` periodically (e.g. every few seconds from a background task), or memory grows between rare scrapes",
            );
        }
        if self.is_future_await(&m.receiver) {
            let method = ident_str(&m.method);
            if method == "to_string" {
                self.report(self.range(m), "the exporter future's error has no `Display` in metrics-exporter-prometheus 0.14+", "format it with `{:?}`".into());
            }
            if let Some(syn::Expr::Closure(c)) = m.args.first() {
                let name = c.inputs.first().and_then(|p| match p {
                    syn::Pat::Ident(i) => Some(ident_str(&i.ident)),
                    _ => None,
                });
                self.visit_expr(&m.receiver);
                self.with_error_scope(name, |s| s.visit_expr(&c.body));
                return;
            }
        }
        if self
            .error_names
            .iter()
            .any(|n| single_ident(&m.receiver).as_ref() == Some(n))
            && m.method == "to_string"
        {
            let name = single_ident(&m.receiver).expect("checked");
            self.out
                .replace(self.range(m), format!("format!(\"{{{name}:?}}\")"));
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        if let syn::Expr::Let(l) = &*e.cond {
            if let syn::Expr::Call(call) = strip_parens(&l.expr) {
                if let Some(path) = path_of(&call.func) {
                    if self
                        .metrics_item(path)
                        .is_some_and(|i| i == ["try_recorder"])
                    {
                        if let syn::Pat::TupleStruct(ts) = &*l.pat {
                            if ts.path.is_ident("Some")
                                && ts.elems.len() == 1
                                && self.try_recorder_if(e, call, &ts.elems[0])
                            {
                                self.visit_block(&e.then_branch);
                                return;
                            }
                        }
                    }
                }
            }
            if self.is_future_await(&l.expr) {
                let name = err_binding(&l.pat);
                self.with_error_scope(name, |s| s.visit_block(&e.then_branch));
                if let Some((_, other)) = &e.else_branch {
                    self.visit_expr(other);
                }
                return;
            }
        }
        syn::visit::visit_expr_if(self, e);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if self.old_exporter {
            self.build_error_match(m);
        }
        if self.is_future_await(&m.expr) {
            for arm in &m.arms {
                let name = err_binding(&arm.pat);
                self.with_error_scope(name, |s| s.visit_expr(&arm.body));
            }
            return;
        }
        syn::visit::visit_expr_match(self, m);
    }

    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        if self.old_exporter && self.is_future_await(&t.expr) {
            self.report(
                self.range(t),
                "the exporter future's error has no `Display` (and is no `std::error::Error`) in metrics-exporter-prometheus 0.14+: `?` cannot convert it",
                "handle it explicitly: `if let Err(e) = exporter.await { eprintln!(\"exporter failed: {e:?}\"); }`".into(),
            );
        }
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Tuple(t), Some(init)) = (&local.pat, &local.init) {
            if t.elems.len() == 2 && self.is_builder_build(&init.expr) {
                if let syn::Pat::Ident(i) = &t.elems[1] {
                    self.futures.push(ident_str(&i.ident));
                }
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        if let Some((_, path, _)) = &imp.trait_ {
            if self.metrics_item(path).is_some_and(|i| i == ["Recorder"]) {
                self.recorder_impl(imp);
            }
        }
        syn::visit::visit_item_impl(self, imp);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.old_exporter && !self.error_names.is_empty() {
            self.format_error_in(mac);
        }
        if mac.path.is_ident("macro_rules") {
            return;
        }
        let fragments = macro_fragments(mac);
        fragments.visit_with(self);
    }
}

/// `Err(e)` → `e`.
fn err_binding(p: &syn::Pat) -> Option<String> {
    match p {
        syn::Pat::TupleStruct(ts) if ts.path.is_ident("Err") && ts.elems.len() == 1 => {
            match &ts.elems[0] {
                syn::Pat::Ident(i) => Some(ident_str(&i.ident)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_gate_lets_every_site_word_through_and_nothing_else() {
        for word in SITE_WORDS {
            assert!(may_have_a_site(&format!("use metrics::{word};")), "{word}");
        }
        assert!(may_have_a_site(
            "let (_, exporter) = builder.build()?; exporter.await"
        ));
        // Near misses: a file using only the macros, a future that is not built here.
        assert!(!may_have_a_site(
            "use metrics::counter; counter!(\"x\").increment(1);"
        ));
        assert!(!may_have_a_site(
            "use metrics::gauge; async fn f() { g().await }"
        ));
    }
}
