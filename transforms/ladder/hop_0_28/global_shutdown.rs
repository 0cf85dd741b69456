//! # hop-0-28-global-shutdown
//!
//! ## What it does
//! With `--to 0.28` or newer: 0.28 removed `global::shutdown_tracer_provider()` (otel-ladder.md
//! §3.1 item 7); the provider is shut down through a handle kept at init. When the function
//! that calls it also builds the provider (`let tp = SdkTracerProvider::builder()….build();`) or
//! takes it as a parameter (`tp: &SdkTracerProvider`), the call becomes
//! `let _ = tp.shutdown();`, and a `global::set_tracer_provider(tp)` that moved it gets
//! `tp.clone()`.
//!
//! ## Before
//! ```rust,ignore
//! let tp = SdkTracerProvider::builder().with_batch_exporter(exporter).build();
//! global::set_tracer_provider(tp);
//! // …
//! global::shutdown_tracer_provider();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let tp = SdkTracerProvider::builder().with_batch_exporter(exporter).build();
//! global::set_tracer_provider(tp.clone());
//! // …
//! let _ = tp.shutdown();
//! ```
//!
//! When no provider binding is there but a guard is: a `let t = telemetry::init(…)?;` before
//! the call whose function (anywhere in the package) returns a struct of the package that keeps
//! the provider in one field (`struct Telemetry { tracer_provider: TracerProvider, … }`):
//! - the guard is still whole at the call and its field is reachable from here →
//!   `let _ = t.tracer_provider.shutdown();`;
//! - the statement `t.shutdown();` just consumed it (a method of the guard taking `self`,
//!   called nowhere else in the package, whose body ends in a statement without `return`/`?`)
//!   → that method gains `let _ = self.tracer_provider.shutdown();` as its last statement (in
//!   its own file), the call is deleted (and `use opentelemetry::global;` when unused), and a
//!   `note` at the call says where the shutdown went.
//!
//! ## Not rewritten (findings)
//! - A call with no provider binding in its function, or one the function moves elsewhere
//!   (returned, stored, passed by value to anything but `set_tracer_provider`): `error` with the
//!   code to write.
//! - A guard whose field is private to its module while the guard is still whole, or whose
//!   consuming method is called elsewhere too or may leave early: `error` naming the field and
//!   the method to write.
//!
//! ## Safety
//! The old call returned `()` and ignored failures; `let _ =` keeps that. The clone shares the
//! provider (it is reference-counted), so the shutdown reaches the provider the global holds.

use syn::visit::Visit;

use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::item_edit::line_extent;
use crate::engine::syntax::{ident_str, module_path, range_of, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::guard::{is_tracer_provider, TRACER_PROVIDERS};

use super::guard_facts::{amendments_of, guards_of, Amendment, PackageGuards, Through};

pub struct GlobalShutdown;

const OLD: &[&str] = &["opentelemetry", "global", "shutdown_tracer_provider"];
const SET: &[&str] = &["opentelemetry", "global", "set_tracer_provider"];
/// The provider types, under their 0.27 and 0.28 names (`hop-0-28-sdk-renames` runs first).
const PROVIDERS: &[&[&str]] = TRACER_PROVIDERS;

impl Transform for GlobalShutdown {
    fn id(&self) -> &'static str {
        "hop-0-28-global-shutdown"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: report global::shutdown_tracer_provider() (removed; shut the provider down through a clone kept at init)"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        // A guard type's file names the provider type, not the call.
        &["shutdown_tracer_provider", "TracerProvider"]
    }

    fn wants(
        &self,
        text: &str,
        _: FileKind,
        package: Option<&PackageInfo>,
        project: &Project,
    ) -> bool {
        text.contains("shutdown_tracer_provider")
            || package.is_some_and(|pkg| {
                amendments(project, pkg)
                    .iter()
                    .any(|a| text.contains(&format!("impl {}", a.ty)))
            })
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let no_guards = PackageGuards::default();
        let guards = cx.package.map(|pkg| guards_of(cx.project, pkg));
        let module = cx
            .package
            .map(|pkg| module_path(&pkg.dir, cx.file.path()))
            .unwrap_or_default();
        let mut v = Functions {
            rust: &rust,
            out: &mut out,
            guards: guards.as_deref().unwrap_or(&no_guards),
            module,
            amended: Vec::new(),
        };
        v.visit_file(rust.syntax);
        let unused_global = !v.amended.is_empty();
        if let Some(pkg) = cx.package {
            for a in amendments(cx.project, pkg)
                .iter()
                .filter(|a| a.file == cx.file.path())
            {
                amend(&rust, a, &mut out);
            }
        }
        if unused_global {
            let mut plan = ImportPlan::at(rust.file, rust.syntax, 0);
            plan.remove_if_unused("opentelemetry::global");
            plan.finish(&mut out.changes);
        }
        out
    }
}

/// The package's amendments: a dry run of the site logic over each caller file.
fn amendments(project: &Project, pkg: &PackageInfo) -> std::sync::Arc<Vec<Amendment>> {
    let guards = guards_of(project, pkg);
    amendments_of(project, pkg, &guards, &|rust, module| {
        let mut out = Outcome::default();
        let mut v = Functions {
            rust: &rust,
            out: &mut out,
            guards: &guards,
            module,
            amended: Vec::new(),
        };
        v.visit_file(rust.syntax);
        v.amended
    })
}

/// Appends `let _ = self.<field>.shutdown();` to the guard's method in this file.
fn amend(rust: &ParsedRust<'_>, a: &Amendment, out: &mut Outcome) {
    let method = rust.syntax.items.iter().find_map(|item| match item {
        syn::Item::Impl(imp)
            if imp.trait_.is_none()
                && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(&a.ty)) =>
        {
            imp.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == a.method.as_str() => Some(f),
                _ => None,
            })
        }
        _ => None,
    });
    let Some(last) = method.and_then(|f| f.block.stmts.last()) else {
        return;
    };
    let end = range_of(rust.file, last).end;
    let indent = rust.file.indent_at(end).to_string();
    let line_end = if rust.file.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    out.edit(Edit::insert(
        end,
        format!("{line_end}{indent}let _ = self.{}.shutdown();", a.field),
    ));
}

struct Functions<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    guards: &'a PackageGuards,
    /// The module path of the file (for paths to a guard's constructor).
    module: Vec<String>,
    /// The guard methods this file's calls moved the shutdown into.
    amended: Vec<Amendment>,
}

impl Functions<'_, '_> {
    /// `let x = <Provider>::builder()….build();`: `x`.
    fn built_provider(&self, stmt: &syn::Stmt) -> Option<String> {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Pat::Ident(name) = &local.pat else {
            return None;
        };
        let init = local.init.as_ref()?;
        let syn::Expr::MethodCall(m) = &*init.expr else {
            return None;
        };
        let chain = Chain::read_call(m);
        let root = chain.root_path()?;
        let mut ty = root.clone();
        ty.segments.pop();
        ty.segments.pop_punct();
        let is_builder = root.segments.last().is_some_and(|s| s.ident == "builder")
            && PROVIDERS.iter().any(|e| self.rust.imports.is(&ty, e));
        (is_builder && m.method == "build").then(|| ident_str(&name.ident))
    }

    fn function(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let mut calls = Calls {
            rust: self.rust,
            found: Vec::new(),
        };
        calls.visit_block(block);
        if calls.found.is_empty() {
            return;
        }
        // The provider in scope at every call: a parameter, or a binding before the calls.
        let param = sig.inputs.iter().find_map(|a| match a {
            syn::FnArg::Typed(t) if is_tracer_provider(self.rust, &t.ty) => match &*t.pat {
                syn::Pat::Ident(i) => Some((ident_str(&i.ident), 0)),
                _ => None,
            },
            _ => None,
        });
        // A `&Provider` parameter cannot be moved: its bare uses are copies of the reference.
        let by_ref = param.is_some()
            && sig.inputs.iter().any(|a| {
                matches!(a, syn::FnArg::Typed(t) if matches!(&*t.ty, syn::Type::Reference(_)) && is_tracer_provider(self.rust, &t.ty))
            });
        let local = block.stmts.iter().find_map(|s| {
            self.built_provider(s)
                .map(|n| (n, range_of(self.rust.file, s).end))
        });
        let first_call = calls.found.iter().map(|(c, _)| c.start).min().unwrap_or(0);
        let provider = param.or(local).filter(|(_, after)| *after <= first_call);
        let moves = provider.as_ref().map(|(name, _)| {
            let mut uses = Uses {
                rust: self.rust,
                name,
                set_sites: Vec::new(),
                moved: false,
            };
            uses.visit_block(block);
            uses
        });
        let name = match (&provider, moves) {
            (Some((name, _)), Some(uses)) if !uses.moved || by_ref => {
                for at in uses.set_sites {
                    self.out.edit(Edit::insert(at, ".clone()"));
                }
                Some(name.clone())
            }
            _ => None,
        };
        for (call, statement) in calls.found {
            let through = match (&name, statement) {
                (Some(name), Some(statement)) => {
                    self.out
                        .replace(statement, format!("let _ = {name}.shutdown();"));
                    continue;
                }
                (None, Some(statement)) => self.through_guard(block, statement),
                _ => None,
            };
            match (through, statement) {
                (Some(Through::Field(provider)), Some(statement)) => {
                    self.out
                        .replace(statement, format!("let _ = {provider}.shutdown();"));
                }
                (Some(Through::Method(a)), Some(statement)) => {
                    self.out.finding(
                        call,
                        Severity::Note,
                        "0.28 removed `global::shutdown_tracer_provider()`",
                        format!(
                            "`{}::{}` now shuts the tracer provider down (`self.{}.shutdown()`) for every caller",
                            a.ty, a.method, a.field
                        ),
                    );
                    self.out
                        .edit(Edit::delete(line_extent(self.rust.file, statement)));
                    self.amended.push(a);
                }
                (Some(Through::Report(suggestion)), _) => self.out.finding(
                    call,
                    Severity::Error,
                    "0.28 removed `global::shutdown_tracer_provider()`",
                    suggestion,
                ),
                _ => self.out.finding(
                    call,
                    Severity::Error,
                    "0.28 removed `global::shutdown_tracer_provider()`",
                    "keep a clone of the provider at init (`global::set_tracer_provider(provider.clone())`) and call `provider.shutdown()?;` here",
                ),
            }
        }
    }

    /// The guard path for the call statement at `statement`, when it is one of the function
    /// body's own statements.
    fn through_guard(&self, block: &syn::Block, statement: TextRange) -> Option<Through> {
        if self.guards.is_empty() {
            return None;
        }
        let index = block
            .stmts
            .iter()
            .position(|s| range_of(self.rust.file, s) == statement)?;
        self.guards
            .shutdown_through(&self.module, &block.stmts, index)
    }
}

impl<'ast> Visit<'ast> for Functions<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, &f.block);
    }
}

/// The `global::shutdown_tracer_provider()` calls of one function: the call's range, and the
/// statement's (semicolon included) when the call is a statement of its own.
struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    found: Vec<(TextRange, Option<TextRange>)>,
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if let syn::Stmt::Expr(syn::Expr::Call(call), Some(_)) = stmt {
            if let syn::Expr::Path(p) = &*call.func {
                if self.rust.imports.is(&p.path, OLD) {
                    let file = self.rust.file;
                    self.found
                        .push((range_of(file, call), Some(range_of(file, stmt))));
                    return;
                }
            }
        }
        syn::visit::visit_stmt(self, stmt);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if self.rust.imports.is(&p.path, OLD) {
                self.found.push((range_of(self.rust.file, call), None));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// How a function uses the provider binding `name`: by reference and as a method receiver are
/// fine, `set_tracer_provider(name)` gets a clone (`set_sites`: where `.clone()` goes), any
/// other bare use moves it.
struct Uses<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    name: &'a str,
    set_sites: Vec<usize>,
    moved: bool,
}

impl Uses<'_, '_> {
    fn is_name(&self, expr: &syn::Expr) -> bool {
        matches!(expr, syn::Expr::Path(p) if p.path.is_ident(self.name))
    }
}

impl<'ast> Visit<'ast> for Uses<'_, '_> {
    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        match expr {
            syn::Expr::MethodCall(m) if self.is_name(&m.receiver) => {
                for a in &m.args {
                    self.visit_expr(a);
                }
            }
            syn::Expr::Reference(r) if self.is_name(&r.expr) => {}
            syn::Expr::Call(c) => {
                let set =
                    matches!(&*c.func, syn::Expr::Path(p) if self.rust.imports.is(&p.path, SET));
                for a in &c.args {
                    if set && self.is_name(a) {
                        self.set_sites.push(range_of(self.rust.file, a).end);
                    } else {
                        self.visit_expr(a);
                    }
                }
                self.visit_expr(&c.func);
            }
            other if self.is_name(other) => self.moved = true,
            other => syn::visit::visit_expr(self, other),
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
