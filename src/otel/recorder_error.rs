//! `metrics::SetRecorderError` became generic in metrics 0.22 (`SetRecorderError<R>` hands the
//! recorder back): `set_global_recorder(r)` fails with `SetRecorderError<R>` for the type `R` of
//! `r`. Where a function names the bare type and installs exactly one recorder whose type the
//! code spells (`Box::new(MyRecorder::new())`, `MyRecorder { .. }`, `let r: MyRecorder = …`, the
//! exporter's `PrometheusBuilder::new()….build_recorder()` or `let (r, _) = ….build()?`), the
//! type gets that argument; anywhere else the site is reported with the form to write.
//! Functions inside macro bodies the parse reads (`cfg_if!`) count, and so do the sites and
//! installs inside such bodies within a function (a `tokio::select!` arm).

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, text_of, ImportMap};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::metrics_facade::MetricsScope;

/// The calls that install a global recorder (0.21 and 0.24 spellings).
const INSTALLERS: &[&str] = &["set_boxed_recorder", "set_recorder", "set_global_recorder"];

/// What a file's functions are checked with.
pub struct RecorderErrors<'a, 'p> {
    pub file: &'a SourceFile,
    pub syntax: &'a syn::File,
    pub imports: &'a ImportMap,
    pub scope: &'p MetricsScope<'p>,
    /// The name the code uses for metrics-exporter-prometheus.
    pub exporter_name: &'p str,
}

impl<'a> RecorderErrors<'a, '_> {
    /// Gives every bare `SetRecorderError` its recorder type, or reports it.
    pub fn rewrite(&self, plan: &mut ImportPlan<'a>, out: &mut Changes) {
        let mut sites = Sites {
            cx: self,
            plan,
            out,
        };
        sites.visit_file(self.syntax);
    }

    fn is_item(&self, path: &syn::Path, names: &[&str]) -> bool {
        self.scope
            .item_of(path)
            .is_some_and(|item| item.len() == 1 && names.contains(&item[0].as_str()))
    }

    /// Where the bare `SetRecorderError` paths (no generic argument) of `node` are.
    fn bare_errors(&self, visit: impl FnOnce(&mut Bare<'_, 'a, '_>)) -> Vec<TextRange> {
        let mut bare = Bare {
            cx: self,
            found: Vec::new(),
        };
        visit(&mut bare);
        bare.found
    }

    /// The recorder types `block` installs, as written (`None` for one it cannot name).
    fn installed_types(&self, block: &syn::Block) -> Vec<Option<String>> {
        let mut installs = Installs {
            cx: self,
            locals: Vec::new(),
            types: Vec::new(),
        };
        installs.visit_block(block);
        installs.types
    }

    /// The type of the recorder expression `e` when the code spells it.
    fn type_of(&self, e: &syn::Expr, locals: &[(String, String)]) -> Option<String> {
        match strip(e) {
            syn::Expr::Call(c) => {
                let syn::Expr::Path(f) = &*c.func else {
                    return None;
                };
                let segs = &f.path.segments;
                if segs.len() == 2 && segs[0].ident == "Box" && segs[1].ident == "new" {
                    return c.args.first().and_then(|a| self.type_of(a, locals));
                }
                // `MyRecorder::new(..)`, `MyRecorder::default()`: a constructor of the type.
                let n = segs.len();
                let ctor = ["new", "default"].iter().any(|c| segs[n - 1].ident == c);
                (n >= 2 && ctor && is_type_name(&segs[n - 2].ident)).then(|| {
                    let ty = &segs[n - 2];
                    let end = range_of(self.file, &ty.ident).end;
                    self.file.text[range_of(self.file, &f.path).start..end].to_string()
                })
            }
            syn::Expr::Struct(s) => Some(text_of(self.file, &s.path).to_string()),
            syn::Expr::Path(p) => {
                let ident = p.path.get_ident().map(ident_str)?;
                match locals.iter().rev().find(|(n, _)| *n == ident) {
                    Some((_, ty)) => Some(ty.clone()),
                    None => is_type_name(&p.path.segments[0].ident).then_some(ident),
                }
            }
            syn::Expr::MethodCall(_) => {
                let chain = Chain::read(e);
                let last = chain.links.last()?;
                (last.name == "build_recorder" && self.is_prometheus_builder(&chain))
                    .then(|| self.prometheus_recorder())
            }
            _ => None,
        }
    }

    fn is_prometheus_builder(&self, chain: &Chain<'_>) -> bool {
        chain.root_path().is_some_and(|p| {
            let resolved = self.imports.resolve(p);
            resolved.first().map(String::as_str) == Some(self.exporter_name)
                && resolved.ends_with(&["PrometheusBuilder".to_string(), "new".to_string()])
        })
    }

    fn prometheus_recorder(&self) -> String {
        format!("{}::PrometheusRecorder", self.exporter_name)
    }
}

fn strip(mut e: &syn::Expr) -> &syn::Expr {
    loop {
        e = match e {
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Reference(r) => &r.expr,
            _ => return e,
        }
    }
}

/// `MyRecorder`, not `recorder` or `new`.
fn is_type_name(ident: &syn::Ident) -> bool {
    ident_str(ident).starts_with(|c: char| c.is_ascii_uppercase())
}

struct Sites<'c, 'a, 'p, 'o> {
    cx: &'c RecorderErrors<'a, 'p>,
    plan: &'o mut ImportPlan<'a>,
    out: &'o mut Changes,
}

impl Sites<'_, '_, '_, '_> {
    fn function(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let bare = self.cx.bare_errors(|b| {
            b.visit_signature(sig);
            b.visit_block(block);
        });
        if bare.is_empty() {
            return;
        }
        let mut types = self.cx.installed_types(block);
        types.sort();
        types.dedup();
        match types.as_slice() {
            [Some(ty)] => {
                let ty = if *ty == self.cx.prometheus_recorder() {
                    self.plan
                        .name(&format!("{}::PrometheusRecorder", self.cx.exporter_name))
                } else {
                    ty.clone()
                };
                for path in bare {
                    self.out.edit(crate::engine::edit::Edit::insert(
                        path.end,
                        format!("<{ty}>"),
                    ));
                }
            }
            _ => {
                let why = match types.as_slice() {
                    [] => "the function installs no recorder",
                    [None] => "the type of the recorder it installs is not written in the function",
                    _ => "the function installs more than one recorder",
                };
                for path in bare {
                    self.report(path, why);
                }
            }
        }
    }

    fn report(&mut self, path: TextRange, why: &str) {
        self.out.finding(
            path,
            Severity::Error,
            format!("`SetRecorderError` takes the recorder's type since metrics 0.22 (`SetRecorderError<R>`); not rewritten: {why}"),
            "name the type of the recorder passed to `set_global_recorder`: `SetRecorderError<MyRecorder>` (`SetRecorderError<PrometheusRecorder>` for the exporter's)",
        );
    }
}

impl<'ast> Visit<'ast> for Sites<'_, '_, '_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, &f.block);
    }

    /// Functions inside `cfg_if!` and other macro bodies the parse reads.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }

    /// Outside a function (a field, an enum variant, a type alias): no recorder to go by.
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if is_bare_error(self.cx, path) {
            let range = range_of(self.cx.file, path);
            self.report(
                range,
                "it is not inside a function that installs a recorder",
            );
        }
        syn::visit::visit_path(self, path);
    }
}

fn is_bare_error(cx: &RecorderErrors<'_, '_>, path: &syn::Path) -> bool {
    cx.is_item(path, &["SetRecorderError"])
        && path
            .segments
            .last()
            .is_some_and(|s| matches!(s.arguments, syn::PathArguments::None))
}

struct Bare<'c, 'a, 'p> {
    cx: &'c RecorderErrors<'a, 'p>,
    found: Vec<TextRange>,
}

impl<'n> Visit<'n> for Bare<'_, '_, '_> {
    fn visit_item_use(&mut self, _: &'n syn::ItemUse) {}

    fn visit_path(&mut self, path: &'n syn::Path) {
        if is_bare_error(self.cx, path) {
            self.found.push(range_of(self.cx.file, path));
        }
        syn::visit::visit_path(self, path);
    }

    /// `Err::<_, SetRecorderError>` inside a `tokio::select!` arm of the function.
    fn visit_macro(&mut self, mac: &'n syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }
}

struct Installs<'c, 'a, 'p> {
    cx: &'c RecorderErrors<'a, 'p>,
    /// Locals whose recorder type is known: (name, type as written).
    locals: Vec<(String, String)>,
    types: Vec<Option<String>>,
}

impl<'n> Visit<'n> for Installs<'_, '_, '_> {
    fn visit_local(&mut self, local: &'n syn::Local) {
        syn::visit::visit_local(self, local);
        let Some(init) = &local.init else { return };
        match &local.pat {
            // `let r: MyRecorder = …;`
            syn::Pat::Type(t) => {
                if let syn::Pat::Ident(i) = &*t.pat {
                    let ty = text_of(self.cx.file, &*t.ty).to_string();
                    self.locals.push((ident_str(&i.ident), ty));
                }
            }
            // `let r = MyRecorder::new();`, `let r = PrometheusBuilder::new().build_recorder();`
            syn::Pat::Ident(i) => {
                if let Some(ty) = self.cx.type_of(&init.expr, &self.locals) {
                    self.locals.push((ident_str(&i.ident), ty));
                }
            }
            // `let (recorder, exporter) = PrometheusBuilder::new()….build()?;`
            syn::Pat::Tuple(t) => {
                let mut built = &*init.expr;
                while let syn::Expr::Try(e) = built {
                    built = &e.expr;
                }
                let chain = Chain::read(built);
                let names: Vec<&str> = chain.links.iter().map(|l| l.name.as_str()).collect();
                let through_build = names.iter().position(|n| *n == "build").is_some_and(|at| {
                    names[at + 1..]
                        .iter()
                        .all(|n| ["unwrap", "expect"].contains(n))
                });
                if let (true, Some(syn::Pat::Ident(i))) = (
                    through_build && self.cx.is_prometheus_builder(&chain),
                    t.elems.first(),
                ) {
                    self.locals
                        .push((ident_str(&i.ident), self.cx.prometheus_recorder()));
                }
            }
            _ => {}
        }
    }

    /// An install inside a `cfg_if!` or `tokio::select!` body of the function.
    fn visit_macro(&mut self, mac: &'n syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }

    fn visit_expr_call(&mut self, call: &'n syn::ExprCall) {
        if let syn::Expr::Path(f) = &*call.func {
            if self.cx.is_item(&f.path, INSTALLERS) && call.args.len() == 1 {
                let ty = self.cx.type_of(&call.args[0], &self.locals);
                self.types.push(ty);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
