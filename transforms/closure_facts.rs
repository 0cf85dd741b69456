//! Workspace facts of the closure customizers (not a transform): which functions handing their
//! trace pipeline to a caller's closure (`otel::closure_customizer`) may take the provider
//! builder instead, with the pass-through functions of their file.
//!
//! Callers keep their code, so what they hand over must still fit: every use of such a function
//! in the workspace (outside `use` items; macro bodies by their tokens) is a call handing it
//! `|p| p` or a pass-through of its file, and every use of a pass-through is such an argument.
//! A function or pass-through that is public API of a publishable library is followed only with
//! `rewrite-public-api = true`; names defined twice in the workspace are not followed. Private
//! functions of a file that declares no out-of-line module are checked in that file alone.

use std::path::PathBuf;

use crate::engine::syntax::{module_path, range_of_span};
use crate::engine::transform::FileContext;
use crate::otel::closure_customizer::{accepted_argument, ClosureCustomizer, PassThrough};
use crate::otel::exporter_helper::private_free_function;
use crate::transforms::helper_facts::{calls_named, mentions_word, references, Parsed};
use crate::transforms::signature_facts::{defined_once, public_library_api, workspace_files};

/// What the workspace allows of the closure customizers and pass-throughs of a file.
#[derive(Debug, Default)]
pub struct Followed {
    pub functions: Vec<ClosureCustomizer>,
    pub pass_throughs: Vec<PassThrough>,
    /// The functions left as they are, with why (their findings say it).
    pub left: Vec<(ClosureCustomizer, String)>,
}

/// The closure customizers and pass-throughs of `cx`'s file that are followed. `sites` says
/// which closure customizers have every call of their closure rewritten in this file (a dry run
/// of the trace sites with the ones given).
pub fn followed(
    cx: &FileContext<'_>,
    candidates: Vec<ClosureCustomizer>,
    pass_throughs: Vec<PassThrough>,
    sites: impl Fn(&[ClosureCustomizer]) -> Vec<ClosureCustomizer>,
) -> Followed {
    if candidates.is_empty() {
        return Followed::default();
    }
    let rust = cx.rust();
    let names = (candidates.iter().map(|c| c.function.as_str()))
        .chain(pass_throughs.iter().map(|p| p.name.as_str()));
    let private = names
        .clone()
        .all(|n| private_free_function(rust, n).is_some());
    let files = if private {
        vec![(cx.file.path().to_path_buf(), cx.file.text.clone())]
    } else {
        workspace_files(cx.project)
    };
    let kept = |name: &str| -> Option<String> {
        if private {
            None
        } else if !defined_once(&files, name) {
            Some("other functions of the workspace share its name".to_string())
        } else if !cx.config.rewrite_public_api && public_api(cx, &files, name) {
            Some("it is public API of a publishable library, which other crates may call with closures written against the pipeline: set `rewrite-public-api = true` in otel-migrate.toml to have the tool rewrite it".to_string())
        } else {
            None
        }
    };
    let mut left = Vec::new();
    let mut functions = Vec::new();
    for c in candidates {
        match kept(&c.function) {
            Some(why) => left.push((c, why)),
            None => functions.push(c),
        }
    }
    let mut pass: Vec<PassThrough> = pass_throughs
        .into_iter()
        .filter(|p| kept(&p.name).is_none())
        .collect();
    let uses = Uses::read(&files, &functions, &pass);
    // Each round may drop some; the rest depend on each other.
    loop {
        let before = (functions.len(), pass.len());
        let settled = sites(&functions);
        let (rewritten, unfollowed): (Vec<_>, Vec<_>) =
            functions.into_iter().partition(|c| settled.contains(c));
        left.extend(unfollowed.into_iter().map(|c| {
            let why = format!("the pipeline it hands to `{}` is not built and installed in a way this tool follows", c.param);
            (c, why)
        }));
        let pass_names: Vec<String> = pass.iter().map(|p| p.name.clone()).collect();
        functions = Vec::new();
        for c in rewritten {
            let misfits = uses.misfits(cx, &c, &pass_names);
            if misfits.is_empty() {
                functions.push(c);
            } else {
                let why = format!("these callers hand it something other than `|p| p` or a pass-through function of this file, which would not take the provider builder: {}", misfits.join(", "));
                left.push((c, why));
            }
        }
        pass.retain(|p| !functions.is_empty() && uses.only_handed_to(&p.name, &functions));
        if (functions.len(), pass.len()) == before {
            left.sort_by_key(|(c, _)| c.body.start);
            return Followed {
                functions,
                pass_throughs: pass,
                left,
            };
        }
    }
}

/// Whether function `name` of `cx`'s file is public API of a publishable library.
fn public_api(cx: &FileContext<'_>, files: &[(PathBuf, String)], name: &str) -> bool {
    let public = cx.syntax().items.iter().any(|i| {
        matches!(i, syn::Item::Fn(f) if f.sig.ident == name && matches!(f.vis, syn::Visibility::Public(_)))
    });
    let path = cx.file.path();
    let Some(pkg) = cx.project.package_for(path) else {
        return false;
    };
    public && public_library_api(cx.project, pkg, path, &module_path(&pkg.dir, path), files)
}

/// The uses of the candidates' names in the files that mention them.
struct Uses {
    /// Each file's parse (those mentioning a name).
    parsed: Vec<Parsed>,
}

impl Uses {
    fn read(
        files: &[(PathBuf, String)],
        functions: &[ClosureCustomizer],
        pass: &[PassThrough],
    ) -> Uses {
        let names: Vec<&str> = (functions.iter().map(|c| c.function.as_str()))
            .chain(pass.iter().map(|p| p.name.as_str()))
            .collect();
        let parsed = files
            .iter()
            .filter(|(_, t)| names.iter().any(|n| mentions_word(t, n)))
            .filter_map(|(p, t)| Parsed::read(p, t))
            .collect();
        Uses { parsed }
    }

    /// Where a use of `c`'s name is not a call handing its closure `|p| p` or one of `pass`
    /// (`path:line`).
    fn misfits(&self, cx: &FileContext<'_>, c: &ClosureCustomizer, pass: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for parsed in &self.parsed {
            let rust = parsed.rust();
            let calls = calls_named(rust.syntax, &c.function);
            let fits = |call: &&syn::ExprCall| {
                let arg = call.args.iter().nth(c.index);
                arg.is_some_and(|arg| accepted_argument(arg, pass))
            };
            let at = |span: proc_macro2::Span| {
                let (line, _) = rust.file.line_col(range_of_span(rust.file, span).start);
                format!("{}:{line}", cx.project.relative(rust.file.path()).display())
            };
            let misfit: Vec<String> = calls
                .iter()
                .filter(|call| !fits(call))
                .map(|call| at(call.paren_token.span.open()))
                .collect();
            let refs = references(rust.syntax, &c.function);
            if misfit.is_empty() && calls.len() != refs.count {
                // A use that is no call (a function value, a macro's tokens).
                out.extend(refs.at.into_iter().map(at));
            }
            out.extend(misfit);
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every use of `name` is the closure argument of a call of one of `functions`.
    fn only_handed_to(&self, name: &str, functions: &[ClosureCustomizer]) -> bool {
        self.parsed.iter().all(|p| {
            let handed: usize = functions
                .iter()
                .flat_map(|c| {
                    let calls = calls_named(p.rust().syntax, &c.function);
                    calls
                        .into_iter()
                        .filter_map(move |call| call.args.iter().nth(c.index))
                        .filter(|arg| names_path(arg, name))
                        .collect::<Vec<_>>()
                })
                .count();
            handed == references(p.rust().syntax, name).count
        })
    }
}

/// `arg` is a path (or a reference to one) ending in `name`.
fn names_path(arg: &syn::Expr, name: &str) -> bool {
    match arg {
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        syn::Expr::Reference(r) => names_path(&r.expr, name),
        _ => false,
    }
}
