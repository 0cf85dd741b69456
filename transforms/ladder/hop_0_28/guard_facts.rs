//! Package facts of `hop-0-28-global-shutdown` (not a transform): the guard types of the
//! package that keep the tracer provider in a field (`otel::ladder::guard`), the functions that
//! build them, and the consuming guard methods that must shut the provider down because a
//! caller called `global::shutdown_tracer_provider()` right after them. The method lives in
//! one file and the call in another, so both sides are decided here, once per package and run,
//! from a dry run of the transform over every caller file.

use std::collections::HashMap;
use std::path::PathBuf;

use syn::visit::Visit;

use crate::engine::context::{PackageInfo, Project};
use crate::engine::syntax::{module_path, ParsedRust};
use crate::otel::ladder::guard::{
    constructor_binding, guard_constructors, guard_types, guard_uses, resolve_module, GuardType,
    GuardUses,
};
use crate::transforms::helper_facts::{package_files, per_package, Parsed};

/// A guard type with where it is declared and the functions that return it.
#[derive(Debug)]
struct Declared {
    module: Vec<String>,
    file: PathBuf,
    guard: GuardType,
    constructors: Vec<String>,
}

/// The guard types of one package.
#[derive(Debug, Default)]
pub struct PackageGuards {
    declared: Vec<Declared>,
    /// How often each guard method's name is called in the package (`telemetry.shutdown()`,
    /// `init()?.shutdown()`, `Telemetry::shutdown(t)`): the calls the method could be reached
    /// by. A call on one of the guard's own fields (`self.meter_provider.shutdown()`) is not
    /// one.
    calls: HashMap<String, usize>,
}

/// A consuming guard method that gains `let _ = self.<field>.shutdown();` at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub file: PathBuf,
    pub ty: String,
    pub method: String,
    pub field: String,
}

/// How a shutdown call reaches the provider through a guard binding.
#[derive(Debug, PartialEq, Eq)]
pub enum Through {
    /// `let _ = <expr>.shutdown();` in place of the call (`telemetry.tracer_provider`).
    Field(String),
    /// The guard's consuming method shuts the provider down; the call goes.
    Method(Amendment),
    /// Reported with the code to write.
    Report(String),
}

/// The guard types of `pkg`.
pub fn guards_of(project: &Project, pkg: &PackageInfo) -> std::sync::Arc<PackageGuards> {
    per_package(project, pkg, || {
        let files = package_files(project, pkg);
        if !files
            .iter()
            .any(|(_, t)| t.contains("shutdown_tracer_provider"))
        {
            return PackageGuards::default();
        }
        let mut guards = PackageGuards::default();
        let parsed: Vec<(PathBuf, Parsed)> = files
            .iter()
            .filter_map(|(p, t)| Some((p.clone(), Parsed::read(p, t)?)))
            .collect();
        for (path, file) in parsed
            .iter()
            .filter(|(_, f)| f.rust().file.text.contains("TracerProvider"))
        {
            for guard in guard_types(&file.rust()) {
                guards.declared.push(Declared {
                    module: module_path(&pkg.dir, path),
                    file: path.clone(),
                    constructors: guard_constructors(file.rust().syntax, &guard.name),
                    guard,
                });
            }
        }
        for d in &guards.declared {
            for m in &d.guard.methods {
                let count = parsed
                    .iter()
                    .map(|(_, f)| {
                        let mut calls = CallsOf {
                            method: &m.name,
                            own_fields: &d.guard.fields,
                            count: 0,
                        };
                        calls.visit_file(f.rust().syntax);
                        calls.count
                    })
                    .sum();
                guards.calls.insert(m.name.clone(), count);
            }
        }
        guards
    })
}

/// The amendments the package's callers ask for; `dry_run` runs the transform's site logic
/// over one caller file (with its module path) and returns what it would amend.
pub fn amendments_of(
    project: &Project,
    pkg: &PackageInfo,
    guards: &PackageGuards,
    dry_run: &dyn Fn(ParsedRust<'_>, Vec<String>) -> Vec<Amendment>,
) -> std::sync::Arc<Vec<Amendment>> {
    per_package(project, pkg, || {
        if guards.declared.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Amendment> = package_files(project, pkg)
            .iter()
            .filter(|(_, t)| t.contains("shutdown_tracer_provider"))
            .filter_map(|(p, t)| {
                let parsed = Parsed::read(p, t)?;
                Some(dry_run(parsed.rust(), module_path(&pkg.dir, p)))
            })
            .flatten()
            .collect();
        out.sort_by(|a, b| (&a.file, &a.ty, &a.method).cmp(&(&b.file, &b.ty, &b.method)));
        out.dedup();
        out
    })
}

impl PackageGuards {
    pub fn is_empty(&self) -> bool {
        self.declared.is_empty()
    }

    /// How the shutdown call at `stmts[call]` (a function body's statements, in the file of
    /// module `caller`) reaches a provider through a guard bound before it; `None` when no
    /// guard binding is there or the guard is moved away in a way not followed.
    pub fn shutdown_through(
        &self,
        caller: &[String],
        stmts: &[syn::Stmt],
        call: usize,
    ) -> Option<Through> {
        let (at, name, declared) = stmts[..call].iter().enumerate().rev().find_map(|(i, s)| {
            let (name, path) = constructor_binding(s)?;
            let (function, prefix) = path.split_last()?;
            let module = resolve_module(caller, prefix)?;
            let declared = self
                .declared
                .iter()
                .find(|d| d.module == module && d.constructors.contains(function))?;
            Some((i, name, declared))
        })?;
        let guard = &declared.guard;
        let method = |m: &str| guard.methods.iter().find(|g| g.name == m);
        let uses = guard_uses(
            &stmts[at + 1..call],
            &name,
            &|m| method(m).is_some_and(|g| g.consumes),
            &|m| method(m).is_some(),
        );
        let ty = &guard.name;
        let field = &guard.field;
        match uses {
            GuardUses::Lost => None,
            GuardUses::Kept if guard.field_public || caller.starts_with(&declared.module) => {
                Some(Through::Field(format!("{name}.{field}")))
            }
            GuardUses::Kept => Some(Through::Report(format!(
                "`{name}` keeps the provider in the private field `{ty}::{field}`: give `{ty}` a method that calls `self.{field}.shutdown()` and call it here in place of `global::shutdown_tracer_provider()`"
            ))),
            GuardUses::ConsumedBy { method: m, .. } => {
                let appendable = method(&m).is_some_and(|g| g.appendable);
                let once = self.calls.get(&m) == Some(&1);
                if appendable && once {
                    Some(Through::Method(Amendment {
                        file: declared.file.clone(),
                        ty: ty.clone(),
                        method: m,
                        field: field.clone(),
                    }))
                } else {
                    Some(Through::Report(format!(
                        "`{name}.{m}()` consumes the guard before this call: add `let _ = self.{field}.shutdown();` at the end of `{ty}::{m}` (or a method called here that does it) and delete `global::shutdown_tracer_provider()`"
                    )))
                }
            }
        }
    }
}

/// Counts the calls of `method`, but those on `self.<own field>`.
struct CallsOf<'m> {
    method: &'m str,
    own_fields: &'m [String],
    count: usize,
}

impl<'ast> Visit<'ast> for CallsOf<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let own_field = matches!(&*m.receiver, syn::Expr::Field(f)
            if matches!(&*f.base, syn::Expr::Path(p) if p.path.is_ident("self"))
                && matches!(&f.member, syn::Member::Named(n) if self.own_fields.iter().any(|o| n == o)));
        if !own_field && m.method == self.method {
            self.count += 1;
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.path.segments.len() > 1
            && p.path
                .segments
                .last()
                .is_some_and(|s| s.ident == self.method)
        {
            self.count += 1;
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Calls inside macro bodies are not parsed: count every mention, so they are never missed.
        self.count += crate::otel::chain::count_ident(&m.tokens, self.method);
    }
}
