//! Workspace facts of the closure customizers (not a transform): which functions handing their
//! trace pipeline to a caller's closure (`otel::closure_customizer`) may take the provider
//! builder instead, with the pass-through functions of their file.
//!
//! Callers keep their code, so what they hand over must still fit: every use of such a function
//! in the workspace (outside `use` items; macro bodies by their tokens) is a call handing it
//! `|p| p` or a pass-through of its file, and every use of a pass-through is such an argument.
//! A function or pass-through that is public API of a publishable library is followed only with
//! `rewrite-public-api = true`. A use names the file's function when it is a path through the
//! file's module (`otlp::identity`, `crate::otlp::identity`), or a bare name in the file itself
//! or anywhere when no other function of the workspace has that name; any other use of a shared
//! name (or a macro's tokens naming it) counts against it. Private functions of a file that
//! declares no out-of-line module are checked in that file alone.

use std::path::{Path, PathBuf};

use crate::engine::syntax::{ident_str, module_path, range_of_span};
use crate::engine::transform::FileContext;
use crate::otel::closure_customizer::{accepted_argument, ClosureCustomizer, PassThrough};
use crate::otel::exporter_helper::private_free_function;
use crate::transforms::helper_facts::{
    calls_named, mentions_word, references, references_where, Parsed,
};
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
        let public = !private && !cx.config.rewrite_public_api && public_api(cx, &files, name);
        public.then(|| "it is public API of a publishable library, which other crates may call with closures written against the pipeline: set `rewrite-public-api = true` in otel-migrate.toml to have the tool rewrite it".to_string())
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
    let uses = Uses::read(cx, &files, (&functions, &pass), private);
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
    /// The defining file.
    defining: PathBuf,
    /// Its module path, then the names of its functions no other function of the workspace has.
    module: Vec<String>,
    unique: Vec<String>,
}

impl Uses {
    fn read(
        cx: &FileContext<'_>,
        files: &[(PathBuf, String)],
        (functions, pass): (&[ClosureCustomizer], &[PassThrough]),
        private: bool,
    ) -> Uses {
        let names: Vec<&str> = (functions.iter().map(|c| c.function.as_str()))
            .chain(pass.iter().map(|p| p.name.as_str()))
            .collect();
        let parsed = files
            .iter()
            .filter(|(_, t)| names.iter().any(|n| mentions_word(t, n)))
            .filter_map(|(p, t)| Parsed::read(p, t))
            .collect();
        let path = cx.file.path();
        let module = cx
            .project
            .package_for(path)
            .map(|pkg| module_path(&pkg.dir, path))
            .unwrap_or_default();
        let unique = names
            .iter()
            .filter(|n| private || defined_once(files, n))
            .map(|n| n.to_string())
            .collect();
        Uses {
            parsed,
            defining: path.to_path_buf(),
            module,
            unique,
        }
    }

    /// Whether `path` (ending in `name`), read in `file`, names the defining file's function.
    fn names_ours(&self, file: &Path, path: &syn::Path, name: &str) -> bool {
        let segments: Vec<String> = path.segments.iter().map(|s| ident_str(&s.ident)).collect();
        match segments.as_slice() {
            [_] => file == self.defining || self.unique.iter().any(|u| u == name),
            [.., module, _] => match self.module.last() {
                Some(own) => module == own,
                None => module == "crate" || self.unique.iter().any(|u| u == name),
            },
            [] => false,
        }
    }

    /// Where a use of `c`'s function is not a call handing its closure `|p| p` or one of `pass`
    /// (`path:line`).
    fn misfits(&self, cx: &FileContext<'_>, c: &ClosureCustomizer, pass: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for parsed in &self.parsed {
            let rust = parsed.rust();
            let file = rust.file.path();
            let at = |span: proc_macro2::Span| {
                let (line, _) = rust.file.line_col(range_of_span(rust.file, span).start);
                format!("{}:{line}", cx.project.relative(file).display())
            };
            let fits = |call: &syn::ExprCall| {
                let arg = call.args.iter().nth(c.index);
                arg.is_some_and(|arg| self.hands_pass_through(file, arg, pass))
            };
            let mut fitting = 0;
            for call in calls_named(rust.syntax, &c.function) {
                let syn::Expr::Path(f) = &*call.func else {
                    continue;
                };
                if !self.names_ours(file, &f.path, &c.function) {
                    continue;
                }
                if fits(call) {
                    fitting += 1;
                } else {
                    out.push(at(call.paren_token.span.open()));
                }
            }
            if out.is_empty() && fitting != self.count(rust, &c.function) {
                // A use that is no call (a function value, a macro's tokens).
                out.extend(references(rust.syntax, &c.function).at.into_iter().map(at));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// `arg` is `|p| p` or a path naming one of `pass` of the defining file.
    fn hands_pass_through(&self, file: &Path, arg: &syn::Expr, pass: &[String]) -> bool {
        let ours = |path: &syn::Path| {
            let name = path.segments.last().map(|s| ident_str(&s.ident));
            name.is_some_and(|n| pass.contains(&n) && self.names_ours(file, path, &n))
        };
        accepted_argument(arg, &ours)
    }

    /// Every use of pass-through `name` is the closure argument of a call of `functions`.
    fn only_handed_to(&self, name: &str, functions: &[ClosureCustomizer]) -> bool {
        let pass = [name.to_string()];
        self.parsed.iter().all(|p| {
            let rust = p.rust();
            let file = rust.file.path();
            let handed = functions
                .iter()
                .flat_map(|c| {
                    let calls = calls_named(rust.syntax, &c.function);
                    calls
                        .into_iter()
                        .filter_map(move |call| call.args.iter().nth(c.index))
                        .filter(|arg| !matches!(arg, syn::Expr::Closure(_)))
                        .filter(|arg| self.hands_pass_through(file, arg, &pass))
                        .collect::<Vec<_>>()
                })
                .count();
            handed == self.count(rust, name)
        })
    }

    /// How many uses of `name` in the file may be the defining file's: those that name it, and
    /// those that cannot be told apart (macro tokens).
    fn count(&self, rust: crate::engine::syntax::ParsedRust<'_>, name: &str) -> usize {
        let file = rust.file.path();
        references_where(rust.syntax, name, &|path| self.names_ours(file, path, name)).count
    }
}
