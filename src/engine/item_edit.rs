//! Whole-item edits: delete an item (an `impl`, a struct) with the lines it occupies, and tell
//! whether a name is still used outside some ranges (to decide whether a type can go). Generic
//! engine helpers (no OpenTelemetry knowledge); `use` edits live in `otel::imports`.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use crate::engine::edit::{Edit, TextRange};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span};

/// Extends `range` to the whole lines it occupies when nothing but whitespace shares them, so
/// deleting it leaves no blank line behind; otherwise returns it unchanged.
pub fn line_extent(file: &SourceFile, range: TextRange) -> TextRange {
    let text = file.text.as_bytes();
    let mut start = range.start;
    while start > 0 && matches!(text[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let at_line_start = start == 0 || text[start - 1] == b'\n';
    let mut end = range.end;
    while end < text.len() && matches!(text[end], b' ' | b'\t' | b'\r') {
        end += 1;
    }
    let at_line_end = end == text.len() || text[end] == b'\n';
    if at_line_start && at_line_end {
        TextRange::new(start, (end + 1).min(text.len()))
    } else {
        range
    }
}

/// Deletes an item (a `use`, an `impl`, a struct) with the lines it occupies, and one blank
/// line after it when a blank line (or the file start) precedes it, so no double gap remains.
pub fn delete_item<T: syn::spanned::Spanned + ?Sized>(file: &SourceFile, item: &T) -> Edit {
    let range = line_extent(file, range_of(file, item));
    let text = &file.text;
    let blank_before = text[..range.start]
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .map_or(range.start == 0, |t| {
            t.rsplit('\n').next().is_some_and(|l| l.trim().is_empty())
        });
    let next_line_end = text[range.end..].find('\n').map(|n| range.end + n + 1);
    let end = match next_line_end {
        Some(e)
            if blank_before && range.end > range.start && text[range.end..e].trim().is_empty() =>
        {
            e
        }
        _ => range.end,
    };
    Edit::delete(TextRange::new(range.start, end))
}

/// Every `use` item in the file (any depth).
pub fn use_items(syntax: &syn::File) -> Vec<&syn::ItemUse> {
    struct Collect<'a>(Vec<&'a syn::ItemUse>);
    impl<'a> Visit<'a> for Collect<'a> {
        fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
            self.0.push(u);
        }
    }
    let mut c = Collect(Vec::new());
    c.visit_file(syntax);
    c.0
}

/// Whether the identifier `name` occurs in the file outside `use` items and outside every range
/// in `excluded` (token-level, so macro bodies count).
pub fn ident_used_outside(
    file: &SourceFile,
    syntax: &syn::File,
    name: &str,
    excluded: &[TextRange],
) -> bool {
    fn any(file: &SourceFile, tokens: TokenStream, name: &str, excluded: &[TextRange]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(i) => {
                ident_str(&i) == name && {
                    let r = range_of_span(file, i.span());
                    !excluded.iter().any(|e| e.contains_range(r))
                }
            }
            TokenTree::Group(g) => any(file, g.stream(), name, excluded),
            _ => false,
        })
    }
    let mut excluded = excluded.to_vec();
    excluded.extend(use_items(syntax).iter().map(|u| range_of(file, *u)));
    any(file, syntax.to_token_stream(), name, &excluded)
}
