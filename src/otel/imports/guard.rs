//! The invariant every import edit keeps, checked before its edits are handed out: the paths
//! the file's `use` items import (each leaf as its full path with its rename, per module or
//! block) after the edits are the paths before, minus exactly the ones asked to go, plus
//! exactly the ones asked to come. An edit that would also change another import (issue 22:
//! removing `metrics::MetricsError` left `metrics::` in front of its neighbour) is dropped
//! with every other edit of the file, and reported as an internal error.
//!
//! The check reads the edited text at the token level, so `use` items inside macro bodies
//! count, comments and line endings do not, and the scopes are numbered by their braces (the
//! numbering survives adding or removing `use` items, whose braces are not counted).

use std::collections::BTreeMap;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, EditSet, TextRange};
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;

use super::tree::item_paths;

/// Where an asked-for path is imported.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// In the `use` item around this byte offset (one of its leaves).
    Item(usize),
    /// In the module or block whose `{` is at this offset; `None` for the file.
    Scope(Option<usize>),
}

/// What an import edit was asked to do, in full paths (see [`super::tree::leaf_path`]).
#[derive(Debug, Default)]
pub(super) struct Request {
    removed: Vec<(Place, String)>,
    added: Vec<(Place, String)>,
}

impl Request {
    pub(super) fn remove(&mut self, place: Place, path: String) {
        self.removed.push((place, path));
    }

    pub(super) fn add(&mut self, place: Place, path: String) {
        self.added.push((place, path));
    }

    pub(super) fn add_all(&mut self, place: Place, paths: Vec<String>) {
        for p in paths {
            self.add(place, p);
        }
    }
}

/// Adds `edits` to `out` when they keep the invariant; otherwise drops every edit of `out`
/// (the file stays as it was) and reports why.
pub(super) fn commit(file: &SourceFile, request: &Request, edits: Vec<Edit>, out: &mut Changes) {
    if edits.is_empty() {
        return;
    }
    match check(file, request, &edits) {
        Ok(()) => {
            for e in edits {
                out.edit(e);
            }
        }
        Err(why) => {
            out.edits = EditSet::new();
            out.finding(
                TextRange::empty(file.base_offset),
                Severity::Error,
                format!(
                    "internal: this import edit would change imports it was not asked to ({why}); the file was left as it was"
                ),
                "please report this file; migrate it by hand",
            );
        }
    }
}

/// `Ok` when `edits`, applied to `file` alone, change its imports exactly as `request` says.
pub fn check(file: &SourceFile, request: &Request, edits: &[Edit]) -> Result<(), String> {
    let mut set = EditSet::new();
    for e in edits {
        set.insert(e.clone())
            .map_err(|c| format!("overlapping import edits: {c}"))?;
    }
    let before =
        Imports::scan(file.rust_text(), file.base_offset).ok_or("the file does not tokenize")?;
    let edited = set.apply(&file.text);
    let after = Imports::scan(
        edited.get(file.base_offset..).unwrap_or(""),
        file.base_offset,
    )
    .ok_or("the edited file does not tokenize")?;
    let mut expected = before.counts();
    for (place, path) in &request.removed {
        let scope = before.scope_of(*place)?;
        let n = expected.entry((scope, path.clone())).or_default();
        if *n == 0 {
            return Err(format!(
                "asked to remove `{path}`, which is not imported there"
            ));
        }
        *n -= 1;
    }
    for (place, path) in &request.added {
        *expected
            .entry((before.scope_of(*place)?, path.clone()))
            .or_default() += 1;
    }
    let actual = after.counts();
    let differences: Vec<String> = expected
        .keys()
        .chain(actual.keys())
        .filter_map(|key| {
            let (e, a) = (
                expected.get(key).copied().unwrap_or(0),
                actual.get(key).copied().unwrap_or(0),
            );
            match e.cmp(&a) {
                std::cmp::Ordering::Greater => Some(format!("`{}` would be lost", key.1)),
                std::cmp::Ordering::Less => Some(format!("`{}` would be added", key.1)),
                std::cmp::Ordering::Equal => None,
            }
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join(", "))
    }
}

/// The `use` items of a text, at the token level.
struct Imports {
    /// Scope number (0 = the file), byte range and imported paths of each item.
    uses: Vec<(usize, TextRange, Vec<String>)>,
    /// Scope number of each brace group outside `use` items, by the offset of its `{`.
    scopes: BTreeMap<usize, usize>,
}

impl Imports {
    fn scan(text: &str, base: usize) -> Option<Imports> {
        let tokens = TokenStream::from_str(text).ok()?;
        let mut imports = Imports {
            uses: Vec::new(),
            scopes: BTreeMap::new(),
        };
        imports.walk(tokens, 0, base);
        Some(imports)
    }

    fn walk(&mut self, tokens: TokenStream, scope: usize, base: usize) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let is_punct = |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                // `use<'a>` is a precise-capturing bound, not an import.
                TokenTree::Ident(id) if id == "use" && !is_punct(tokens.get(i + 1), '<') => {
                    let mut end = i + 1;
                    while end < tokens.len() && !is_punct(tokens.get(end), ';') {
                        end += 1;
                    }
                    let end = (end + 1).min(tokens.len());
                    let item: TokenStream = tokens[i..end].iter().cloned().collect();
                    let range = TextRange::new(
                        tokens[i].span().byte_range().start + base,
                        tokens[end - 1].span().byte_range().end + base,
                    );
                    let paths = match syn::parse2::<syn::ItemUse>(item.clone()) {
                        Ok(u) => item_paths(&u),
                        Err(_) => vec![format!("<unparsed `{item}`>")],
                    };
                    self.uses.push((scope, range, paths));
                    i = end;
                }
                TokenTree::Group(g) => {
                    let inner = if g.delimiter() == Delimiter::Brace {
                        let id = self.scopes.len() + 1;
                        self.scopes
                            .insert(g.span_open().byte_range().start + base, id);
                        id
                    } else {
                        scope
                    };
                    self.walk(g.stream(), inner, base);
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }

    fn counts(&self) -> BTreeMap<(usize, String), usize> {
        let mut counts = BTreeMap::new();
        for (scope, _, paths) in &self.uses {
            for p in paths {
                *counts.entry((*scope, p.clone())).or_default() += 1;
            }
        }
        counts
    }

    fn scope_of(&self, place: Place) -> Result<usize, String> {
        match place {
            Place::Item(offset) => self
                .uses
                .iter()
                .find(|(_, r, _)| r.start <= offset && offset < r.end)
                .map(|(scope, _, _)| *scope)
                .ok_or_else(|| format!("no `use` item at byte {offset}")),
            Place::Scope(None) => Ok(0),
            Place::Scope(Some(open)) => self
                .scopes
                .get(&open)
                .copied()
                .ok_or_else(|| format!("no module or block at byte {open}")),
        }
    }
}
