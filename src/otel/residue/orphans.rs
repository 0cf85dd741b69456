//! User types a migration left behind: a type whose only reason to exist was an impl of an SDK
//! trait the target removed (a user's `DeltaTemporalitySelector`), still defined once that impl
//! is gone and named nowhere else in the file. A transform deletes such a type when it is
//! private; a public one gets a `note` at its definition.

use std::collections::BTreeSet;

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{ident_str, macro_fragments, range_of, ParsedRust};

use super::scan::Site;
use super::table::{OldVersions, TABLE};

/// Types of `current` that implemented a removed trait in `original` and are now unused.
pub fn orphaned_types(
    original: ParsedRust<'_>,
    current: ParsedRust<'_>,
    versions: &OldVersions,
) -> Vec<Site> {
    let before = removed_trait_impls(original, versions);
    if before.is_empty() {
        return Vec::new();
    }
    let still = removed_trait_impls(current, versions);
    let mut names = IdentCount::default();
    names.visit_file(current.syntax);
    let mut sites = Vec::new();
    for item in &current.syntax.items {
        let syn::Item::Struct(s) = item else {
            continue;
        };
        let ty = ident_str(&s.ident);
        let Some((_, trait_path)) = before.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        if still.iter().any(|(t, _)| *t == ty) || names.count(&ty) > 0 {
            continue;
        }
        sites.push(Site {
            range: range_of(current.file, &s.ident),
            item: trait_path.clone(),
            severity: Severity::Note,
            message: format!(
                "`{ty}` implemented `{trait_path}`, which the target removed; the migration removed the impl and nothing in this file uses `{ty}` now"
            ),
            suggestion: format!("delete `{ty}` if nothing outside this file uses it"),
        });
    }
    sites
}

/// `(type, trait)` of every `impl <removed trait> for <Type>` of the file.
fn removed_trait_impls(rust: ParsedRust<'_>, versions: &OldVersions) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for item in &rust.syntax.items {
        let syn::Item::Impl(i) = item else {
            continue;
        };
        let (Some((_, trait_path, _)), syn::Type::Path(ty)) = (&i.trait_, &*i.self_ty) else {
            continue;
        };
        let resolved = rust.imports.resolve(trait_path);
        let Some((krate, version)) = resolved.first().and_then(|f| versions.of(f)) else {
            continue;
        };
        let full = std::iter::once(krate)
            .chain(resolved[1..].iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("::");
        let removed = TABLE
            .removed
            .get(&full)
            .is_some_and(|e| e.kind == "trait" && version <= &e.last);
        if let (true, Some(last)) = (removed, ty.path.segments.last()) {
            out.insert((ident_str(&last.ident), full));
        }
    }
    out
}

/// How often each name starts a path of a file (`X`, `X::new()`, `Box<X>`, `impl T for X`):
/// the uses of a local type (`Temporality::LowMemory` is not a use of a type `LowMemory`).
#[derive(Default)]
struct IdentCount(std::collections::HashMap<String, usize>);

impl IdentCount {
    fn count(&self, name: &str) -> usize {
        self.0.get(name).copied().unwrap_or(0)
    }
}

impl<'ast> Visit<'ast> for IdentCount {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(first) = p.segments.first() {
            *self.0.entry(ident_str(&first.ident)).or_default() += 1;
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        macro_fragments(mac).visit_with(self);
    }
}
