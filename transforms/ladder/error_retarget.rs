//! The one implementation of "a function's error type follows its builds" (hops 0.29, 0.30,
//! 0.31): a function returning one of a hop's old error types (`Result<T, E>` or an alias
//! `XResult<T>`) whose every `?` (and value) is a `build()` of the hop's builders gets the type
//! those builds return; what else it needs is the hop's [`Otherwise`]. Leftover uses of a
//! removed old type are reported at the site. Each hop registers its own instance, with the doc.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::ExporterErrorType;

/// The error type that works whatever a function's `?` converts from.
const BOXED_ERROR: &str = "Box<dyn std::error::Error + Send + Sync>";

/// What a function gets that returns an old type but is not fed only by the builds.
pub enum Otherwise {
    /// Left as it is when no build feeds it; reported when other `?` do too.
    Report,
    /// `Box<dyn std::error::Error + Send + Sync>` (the old type no longer exists); reported
    /// only when the body names the old type (`MetricError::Other(..)`) or returns a value
    /// the function did not build (`other_fn()` as its value).
    Boxed,
}

pub struct ErrorRetarget {
    /// The hop, for the findings ("0.29").
    pub hop: &'static str,
    pub old: &'static [ExporterErrorType],
    /// The builders (`…::builder`, `opentelemetry_prometheus::exporter`) whose `build()`
    /// returns `new`.
    pub builders: &'static [&'static [&'static str]],
    pub new: &'static str,
    /// Builders a later hop retargets: a function fed only by them is left to it.
    pub later: &'static [&'static [&'static str]],
    pub otherwise: Otherwise,
    /// The finding at a function the hop cannot retarget; `{old}` is the old type's name.
    pub mixed_message: &'static str,
    pub mixed_suggestion: &'static str,
    pub removed_message: &'static str,
    pub removed_suggestion: &'static str,
}

impl ErrorRetarget {
    pub fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut fns = Functions {
            spec: self,
            rust: &rust,
            plan: &mut plan,
            out: &mut out,
            handled: Vec::new(),
        };
        fns.visit_file(rust.syntax);
        let handled = std::mem::take(&mut fns.handled);
        let mut removed = RemovedUses {
            old: self.old,
            rust: &rust,
            handled,
            found: Vec::new(),
        };
        removed.visit_file(rust.syntax);
        for at in removed.found {
            out.finding(
                at,
                Severity::Error,
                self.removed_message,
                self.removed_suggestion,
            );
        }
        for old in self.old {
            plan.remove_if_unused(old.path);
        }
        plan.finish(&mut out);
        out
    }
}

struct Functions<'a, 'p, 'f> {
    spec: &'a ErrorRetarget,
    rust: &'a ParsedRust<'f>,
    plan: &'a mut ImportPlan<'p>,
    out: &'a mut Outcome,
    /// Return types rewritten or left to a later hop (their old paths are not reported again).
    handled: Vec<TextRange>,
}

impl Functions<'_, '_, '_> {
    /// The old error type of `Result<T, E>` / `XResult<T>` in `ty`: the range to replace,
    /// the text of `T`, and which old type it is.
    fn old_error(
        &self,
        ty: &syn::Type,
    ) -> Option<(TextRange, Option<TextRange>, &'static ExporterErrorType)> {
        let syn::Type::Path(tp) = ty else { return None };
        let last = tp.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        let types: Vec<&syn::Type> = args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        let resolves = |path: &syn::Path, old: &ExporterErrorType| {
            let segs: Vec<&str> = old.path.split("::").collect();
            self.rust.imports.is(path, &segs)
        };
        // `TraceResult<T>`: the whole type.
        if let Some(old) = self
            .spec
            .old
            .iter()
            .find(|o| o.alias && resolves(&tp.path, o))
        {
            let ok = types.first().map(|t| range_of(self.rust.file, *t));
            return Some((range_of(self.rust.file, ty), ok, old));
        }
        // `Result<T, TraceError>`: the error argument.
        if let [_, syn::Type::Path(err)] = types.as_slice() {
            let old = self
                .spec
                .old
                .iter()
                .find(|o| !o.alias && resolves(&err.path, o))?;
            return Some((range_of(self.rust.file, err), None, old));
        }
        None
    }

    fn function(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let syn::ReturnType::Type(_, ty) = &sig.output else {
            return;
        };
        let Some((at, ok, old)) = self.old_error(ty) else {
            return;
        };
        let mut tries = Tries {
            spec: self.spec,
            rust: self.rust,
            builds: 0,
            later_builds: 0,
            others: 0,
            names_old: false,
            returns_other: false,
        };
        tries.visit_block(block);
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            tries.value(tail);
        }
        let new = if tries.builds > 0 && tries.others == 0 && !tries.names_old {
            if tries.later_builds > 0 {
                self.report(at, old);
                return;
            }
            self.plan.name(self.spec.new)
        } else if tries.later_builds > 0 && tries.builds == 0 && tries.others == 0 {
            // Left to the hop that retargets those builds.
            self.handled.push(at);
            return;
        } else {
            match self.spec.otherwise {
                Otherwise::Report if tries.builds == 0 => return,
                Otherwise::Boxed if !tries.names_old && !tries.returns_other => {
                    BOXED_ERROR.to_string()
                }
                _ => {
                    self.report(at, old);
                    return;
                }
            }
        };
        let text = match ok {
            Some(ok) => format!("Result<{}, {new}>", &self.rust.file.text[ok.start..ok.end]),
            None => new,
        };
        self.out.replace(at, text);
        self.handled.push(at);
    }

    fn report(&mut self, at: TextRange, old: &ExporterErrorType) {
        let name = old.path.rsplit("::").next().unwrap_or(old.path);
        self.out.finding(
            at,
            Severity::Error,
            format!(
                "{}: {}",
                self.spec.hop,
                self.spec.mixed_message.replace("{old}", name)
            ),
            self.spec.mixed_suggestion,
        );
        self.handled.push(at);
    }
}

impl<'ast> Visit<'ast> for Functions<'_, '_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// The `?` and values of one function body (closures and nested items excluded).
struct Tries<'a, 'f> {
    spec: &'a ErrorRetarget,
    rust: &'a ParsedRust<'f>,
    builds: usize,
    later_builds: usize,
    others: usize,
    names_old: bool,
    /// A value (tail or `return`) that is neither `Ok(..)`/`Err(..)` nor a build.
    returns_other: bool,
}

/// Which builders a chain's `build()` comes from.
enum Build {
    Now,
    Later,
}

impl Tries<'_, '_> {
    fn build_of(&self, chain: &Chain<'_>) -> Option<Build> {
        let root = chain.root_path()?;
        let from = |list: &[&[&str]]| list.iter().any(|b| self.rust.imports.is(root, b));
        if from(self.spec.builders) {
            Some(Build::Now)
        } else if from(self.spec.later) {
            Some(Build::Later)
        } else {
            None
        }
    }

    fn count(&mut self, build: Option<Build>) {
        match build {
            Some(Build::Now) => self.builds += 1,
            Some(Build::Later) => self.later_builds += 1,
            None => self.others += 1,
        }
    }

    /// `…build()` under a `?`.
    fn tried(&mut self, expr: &syn::Expr) {
        let build = match expr {
            syn::Expr::MethodCall(m) if m.method == "build" => self.build_of(&Chain::read_call(m)),
            _ => None,
        };
        self.count(build);
    }

    /// A function's value: the `Result`-keeping form the 0.27 rewrites place
    /// (`SpanExporter::builder()….build().map(|exporter| …)`, also in every arm of a `match`
    /// or `if`) counts as a build; `Ok(..)`/`Err(..)` as nothing; anything else as another value.
    fn value(&mut self, expr: &syn::Expr) {
        if let Some(build) = self.mapped_build(expr) {
            self.count(Some(build));
        } else if !is_ok_or_err(expr) {
            self.returns_other = true;
        }
    }

    fn mapped_build(&self, expr: &syn::Expr) -> Option<Build> {
        let tail = |b: &syn::Block| match b.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.mapped_build(e),
            _ => None,
        };
        let m = match expr {
            syn::Expr::MethodCall(m) => m,
            // `match protocol { "http" => …build().map(..), _ => …build().map(..) }`
            syn::Expr::Match(m) => {
                let arms: Option<Vec<Build>> =
                    m.arms.iter().map(|a| self.mapped_build(&a.body)).collect();
                return same_build(arms?);
            }
            syn::Expr::If(i) => {
                let (_, other) = i.else_branch.as_ref()?;
                return same_build(vec![tail(&i.then_branch)?, self.mapped_build(other)?]);
            }
            syn::Expr::Block(b) => return tail(&b.block),
            _ => return None,
        };
        let chain = Chain::read_call(m);
        let names = chain.names();
        let build = names.iter().position(|n| *n == "build")?;
        if !names[build + 1..].iter().all(|n| *n == "map") {
            return None;
        }
        self.build_of(&chain)
    }
}

/// One kind of build for all branches, or none.
fn same_build(builds: Vec<Build>) -> Option<Build> {
    let now = builds.iter().filter(|b| matches!(b, Build::Now)).count();
    match (now, builds.len()) {
        (_, 0) => None,
        (n, len) if n == len => Some(Build::Now),
        (0, _) => Some(Build::Later),
        _ => None,
    }
}

fn is_ok_or_err(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p)
            if p.path.is_ident("Ok") || p.path.is_ident("Err")),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Tries<'_, '_> {
    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        self.tried(&t.expr);
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.value(e);
        }
        syn::visit::visit_expr_return(self, r);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // `TraceError::Other(..)`, a `MetricResult` local: the body relies on the old type.
        let names_old = self.spec.old.iter().any(|o| {
            let segs: Vec<&str> = o.path.split("::").collect();
            self.rust
                .imports
                .resolve(path)
                .iter()
                .map(String::as_str)
                .take(segs.len())
                .eq(segs.iter().copied())
        });
        self.names_old |= names_old;
        syn::visit::visit_path(self, path);
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Uses of the removed old types outside the rewritten return types.
struct RemovedUses<'a, 'f> {
    old: &'static [ExporterErrorType],
    rust: &'a ParsedRust<'f>,
    handled: Vec<TextRange>,
    found: Vec<TextRange>,
}

impl<'ast> Visit<'ast> for RemovedUses<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let at = range_of(self.rust.file, path);
        let removed = self.old.iter().filter(|o| o.removed).any(|o| {
            let segs: Vec<&str> = o.path.split("::").collect();
            self.rust.imports.is(path, &segs)
        });
        if removed
            && !self
                .handled
                .iter()
                .any(|h| h.start <= at.start && at.end <= h.end)
        {
            self.found.push(at);
        }
        syn::visit::visit_path(self, path);
    }
}
