//! Renaming items wherever a path resolves (through the file's imports) to the old item: a
//! single-path `use` of it is rewritten in place (or removed when the new item is imported
//! already), an old item inside a `use` group is removed from it and the new one imported
//! through the plan; uses of the local name follow. `sdk-api-renames` (0.27) and the ladder's
//! hops use it with their own tables.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span, ImportMap, ParsedRust};
use crate::otel::imports::{imports_item, ImportPlan, ImportPlans};

/// Renames every path of `rust` that resolves to an old item of `renames` (`(old, new)` full
/// paths; the old ones start with `opentelemetry` or `opentelemetry_sdk`).
pub fn rename_paths(
    rust: &ParsedRust<'_>,
    renames: &'static [(&'static str, &'static str)],
    plan: &mut ImportPlan<'_>,
    out: &mut Changes,
) {
    let file = rust.file;
    let syntax = rust.syntax;
    let imports = rust.imports;
    // Imports of an old item: the local name each one binds, and what the code writes now.
    let mut local_renames: Vec<(String, String)> = Vec::new();
    for item in crate::engine::item_edit::use_items(syntax) {
        for (old, new) in renames {
            let Some(local) = single_path_leaf(item, &segs(old)) else {
                continue;
            };
            if imports.local_name_of(&segs(new)).is_some() {
                // The new item is imported already: the old import goes.
                out.edit(crate::engine::item_edit::delete_item(file, item));
                local_renames.push((local, last(new).to_string()));
            } else {
                let tree = range_of(file, &item.tree);
                let text = if local == last(old) {
                    new.to_string()
                } else {
                    format!("{new} as {local}")
                };
                out.replace(tree, text);
                // An alias (`new as local`) keeps naming the item: its uses stay as written.
                let to = if local == last(old) {
                    last(new)
                } else {
                    &local
                };
                local_renames.push((local.clone(), to.to_string()));
            }
        }
    }

    // An item that only changed module, imported inside a group whose prefix still leads to it
    // (`use m::{data::Temporality, X}` → `use m::{Temporality, X}`): the group element is
    // rewritten in place, so the local name stays and every use, macro bodies included, still
    // resolves.
    let mut moved_in_place: Vec<&'static str> = Vec::new();
    for item in crate::engine::item_edit::use_items(syntax) {
        for (old, new) in renames {
            if last(old) != last(new) || imports.local_name_of(&segs(new)).is_some() {
                continue;
            }
            for (range, relative) in grouped_leaves(file, &item.tree, &segs(old), &segs(new)) {
                out.replace(range, relative);
                moved_in_place.push(old);
            }
        }
    }

    let mut paths = Paths {
        file,
        imports,
        renames,
        sites: Vec::new(),
    };
    paths.visit_file(syntax);
    let mut leftovers = MacroLeftovers {
        file,
        names: renames
            .iter()
            .filter_map(|(old, new)| {
                let local = imports.local_name_of(&segs(old))?;
                Some((local.to_string(), *old, *new))
            })
            .collect(),
        covered: paths.sites.iter().map(|s| s.0).collect(),
        sites: Vec::new(),
    };
    leftovers.visit_file(syntax);
    paths.sites.extend(leftovers.sites);
    let mut scoped = ImportPlans::default();
    for (range, first_ident, old, new) in paths.sites {
        if moved_in_place.contains(&old) && range.len() == first_ident.len() {
            // The local name still names the item (its import moved in place).
            continue;
        }
        if let Some((_, to)) = local_renames.iter().find(|(l, _)| *l == first_ident) {
            if range.len() == first_ident.len() {
                if *to != first_ident {
                    out.replace(range, to.clone());
                }
                continue;
            }
        }
        // A path written from the crate root (`opentelemetry::metrics::MetricsError`) gets the
        // new full path: no import to add, so none to merge into a `use` renamed in place.
        let crate_rooted = old.starts_with(&format!("{first_ident}::"))
            && imports.resolve_segments(std::slice::from_ref(&first_ident)) == [first_ident];
        if crate_rooted {
            out.replace(range, new);
            continue;
        }
        // Grouped imports and other qualified paths: the plan picks the spelling of the new
        // item and drops the old import once nothing names it. A site in a scope of its own (a
        // function or module with its own `use` of the old item) gets a plan for that scope.
        // A site whose old item a block's own `use` imports (`fn f() { use …::{Old, X}; }`)
        // gets a plan for that block: the new import goes beside the old one.
        let drop_old = !moved_in_place.contains(&old);
        match block_importing(file, syntax, range.start, &segs(old)) {
            Some(block) => {
                let mut own = ImportPlan::at(file, syntax, range.start);
                own.into_block(block);
                out.replace(range, spell_new(&mut own, new, old, drop_old));
                scoped.add(own);
            }
            None => {
                // The shared plan names things for code anywhere in the file: its imports
                // take the `#[cfg]` of the code that needs them.
                plan.code_at(range.start);
                out.replace(range, spell_new(plan, new, old, drop_old));
                plan.code_at_site();
            }
        }
    }
    scoped.finish(out);
}

/// The innermost block around `offset` with a `use` statement of its own that imports `old`.
fn block_importing<'a>(
    file: &SourceFile,
    syntax: &'a syn::File,
    offset: usize,
    old: &[&str],
) -> Option<&'a syn::Block> {
    struct Blocks<'a, 'f, 'o> {
        file: &'f SourceFile,
        offset: usize,
        old: &'o [&'o str],
        found: Option<&'a syn::Block>,
    }
    impl<'a> Visit<'a> for Blocks<'a, '_, '_> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            if !range_of(self.file, b).contains_range(TextRange::empty(self.offset)) {
                return;
            }
            let imports_old = b.stmts.iter().any(|s| {
                matches!(s, syn::Stmt::Item(syn::Item::Use(u)) if imports_item(&u.tree, self.old, false))
            });
            if imports_old {
                self.found = Some(b);
            }
            syn::visit::visit_block(self, b);
        }
    }
    let mut v = Blocks {
        file,
        offset,
        old,
        found: None,
    };
    v.visit_file(syntax);
    v.found
}

/// The spelling of `new` in `plan`'s scope; `old`'s import goes once nothing names it.
fn spell_new(plan: &mut ImportPlan<'_>, new: &str, old: &str, drop_old: bool) -> String {
    if drop_old {
        plan.remove(old);
    }
    plan.name(new)
}

/// The ranges of the elements of `tree`'s groups that import `old` (a path, or a path with
/// `as`), each with its path relative to the group, written for `new`; only where `new` is
/// reachable from the group's prefix.
fn grouped_leaves(
    file: &SourceFile,
    tree: &syn::UseTree,
    old: &[&str],
    new: &[&str],
) -> Vec<(TextRange, String)> {
    fn walk(
        file: &SourceFile,
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        group: Option<(usize, usize)>,
        old: &[&str],
        new: &[&str],
        found: &mut Vec<(TextRange, String)>,
    ) {
        let ident = match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                walk(file, &p.tree, prefix, group, old, new, found);
                prefix.pop();
                return;
            }
            syn::UseTree::Group(g) => {
                for element in &g.items {
                    let start = range_of(file, element).start;
                    walk(
                        file,
                        element,
                        prefix,
                        Some((prefix.len(), start)),
                        old,
                        new,
                        found,
                    );
                }
                return;
            }
            syn::UseTree::Name(n) => &n.ident,
            syn::UseTree::Rename(r) => &r.ident,
            syn::UseTree::Glob(_) => return,
        };
        let Some((depth, start)) = group else {
            return;
        };
        let leaf = ident_str(ident);
        let full = prefix.iter().map(String::as_str).chain([leaf.as_str()]);
        if !full.eq(old.iter().copied())
            || new.len() <= depth
            || !prefix[..depth].iter().eq(&new[..depth])
        {
            return;
        }
        let end = range_of_span(file, ident.span()).end;
        found.push((TextRange::new(start, end), new[depth..].join("::")));
    }
    let mut found = Vec::new();
    walk(file, tree, &mut Vec::new(), None, old, new, &mut found);
    found
}

fn segs(path: &str) -> Vec<&str> {
    path.split("::").collect()
}

fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The local name when `item` is exactly `use <expected>;` or `use <expected> as x;`.
fn single_path_leaf(item: &syn::ItemUse, expected: &[&str]) -> Option<String> {
    let mut tree = &item.tree;
    let mut path = Vec::new();
    loop {
        match tree {
            syn::UseTree::Path(p) => {
                path.push(ident_str(&p.ident));
                tree = &p.tree;
            }
            syn::UseTree::Name(n) => {
                path.push(ident_str(&n.ident));
                return path.iter().eq(expected.iter()).then(|| ident_str(&n.ident));
            }
            syn::UseTree::Rename(r) => {
                path.push(ident_str(&r.ident));
                return path
                    .iter()
                    .eq(expected.iter())
                    .then(|| ident_str(&r.rename));
            }
            _ => return None,
        }
    }
}

type Site = (TextRange, String, &'static str, &'static str);

struct Paths<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    renames: &'static [(&'static str, &'static str)],
    /// Path range (segments only, no generic arguments), its first identifier, old, new.
    sites: Vec<Site>,
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let resolved = if self
            .imports
            .resolves_into(path, &["opentelemetry", "opentelemetry_sdk"])
        {
            self.imports.resolve(path)
        } else {
            Vec::new()
        };
        for (old, new) in self.renames.iter().filter(|_| !resolved.is_empty()) {
            let old_segs = segs(old);
            // `MetricsError`, `MetricsError::Other`, `sdk::metrics::MeterProvider::builder`: the
            // leading segments that stand for the old item.
            if resolved.len() < old_segs.len()
                || !resolved[..old_segs.len()]
                    .iter()
                    .map(String::as_str)
                    .eq(old_segs.iter().copied())
            {
                continue;
            }
            let extra = resolved.len() - old_segs.len();
            let Some(n) = path.segments.len().checked_sub(extra).filter(|n| *n > 0) else {
                continue;
            };
            let first = &path.segments[0];
            let upto = &path.segments[n - 1];
            let range = TextRange::new(
                range_of(self.file, path).start,
                range_of_span(self.file, upto.ident.span()).end,
            );
            self.sites.push((range, ident_str(&first.ident), old, new));
        }
        syn::visit::visit_path(self, path);
    }

    /// `cfg_if!`, `tokio::select!`, `lazy_static!` bodies: their paths are the file's too.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        crate::engine::syntax::macro_fragments(mac).visit_with(self);
    }
}

/// The imported local name of an old item written in a macro body the parse could not read
/// (`my_macro!(MetricsError => …)`): renamed with its import, or the import's rename would
/// leave it naming nothing. Only a first path segment counts (not after `::`, `.`, `$`).
struct MacroLeftovers<'a> {
    file: &'a SourceFile,
    /// Local name of each imported old item, with the item and its new path.
    names: Vec<(String, &'static str, &'static str)>,
    /// Path ranges the syntax visit already renames.
    covered: Vec<TextRange>,
    sites: Vec<Site>,
}

impl MacroLeftovers<'_> {
    fn walk(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Spacing, TokenTree};
        // Whether the tokens just read join the next identifier to what precedes it (`a::`,
        // `.`, `$`), and whether the last one was the first `:` of a `::`.
        let (mut joined, mut colon) = (false, false);
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => {
                    let name = ident_str(&i);
                    let range = range_of_span(self.file, i.span());
                    let found = self.names.iter().find(|(local, _, _)| *local == name);
                    let covered = self.covered.iter().any(|c| c.contains_range(range));
                    if let (Some((_, old, new)), false, false) = (found, covered, joined) {
                        self.sites.push((range, name, old, new));
                    }
                    (joined, colon) = (false, false);
                }
                TokenTree::Punct(p) => {
                    let c = p.as_char();
                    joined = (c == ':' && colon) || c == '.' || c == '$';
                    colon = c == ':' && p.spacing() == Spacing::Joint;
                }
                TokenTree::Group(g) => {
                    self.walk(g.stream());
                    (joined, colon) = (false, false);
                }
                TokenTree::Literal(_) => (joined, colon) = (false, false),
            }
        }
    }
}

impl<'ast> Visit<'ast> for MacroLeftovers<'_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if !mac.path.is_ident("macro_rules") {
            self.walk(mac.tokens.clone());
        }
    }
}
