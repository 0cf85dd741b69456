//! Property tests (proptest) on the edit engine and on offsets (issue 10): random disjoint edit
//! sets apply like a reference that splices one edit at a time from the end; overlapping edits
//! are rejected and leave the set as it was; `map_back` and `new_ranges` agree with the output;
//! span → byte range and line/column are right with CRLF, a BOM and non-ASCII text, also after
//! other files were parsed on the same thread and the span table was released.

use std::collections::BTreeSet;

use otel_migrate::engine::edit::{Edit, EditSet, TextRange};
use otel_migrate::engine::source::{LineEnding, SourceFile};
use otel_migrate::engine::syntax::range_of_span;
use proptest::prelude::*;
use syn::visit::Visit;

/// Text with multi-byte characters and both line endings.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("fn"),
            Just(" "),
            Just("\n"),
            Just("\r\n"),
            Just("é"),
            Just("日本"),
            Just("🦀"),
            Just("\u{feff}"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn replacement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(""),
        Just("X"),
        Just("ünï"),
        Just("\r\n"),
        Just("long text 🦀")
    ]
    .prop_map(str::to_string)
}

/// Disjoint edits on char boundaries of `text`: sorted cut points paired into ranges; two
/// insertions at one point are not disjoint, so only the first is kept.
fn disjoint_edits(text: &str, cuts: &[prop::sample::Index], reps: &[String]) -> Vec<Edit> {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut points: Vec<usize> = cuts.iter().map(|c| *c.get(&boundaries)).collect();
    points.sort();
    let mut edits: Vec<Edit> = Vec::new();
    let mut insert_points = BTreeSet::new();
    for (pair, rep) in points.chunks_exact(2).zip(reps.iter().cycle()) {
        let range = TextRange::new(pair[0], pair[1]);
        if range.is_empty() && !insert_points.insert(range.start) {
            continue;
        }
        edits.push(Edit::replace(range, rep.clone()));
    }
    edits
}

/// The reference: splice edits into the text one at a time, from the last to the first (at
/// one position, the replacement before the insertion, so the insertion lands first).
fn reference_apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, !e.range.is_empty()));
    let mut out = text.to_string();
    for e in sorted.into_iter().rev() {
        out.replace_range(e.range.start..e.range.end, &e.replacement);
    }
    out
}

/// The positions an edit occupies on a doubled axis: a non-empty range the odd and even points
/// strictly inside it, an insertion its point. Two edits overlap iff these sets meet.
fn occupied(r: TextRange) -> BTreeSet<usize> {
    if r.is_empty() {
        BTreeSet::from([2 * r.start])
    } else {
        (2 * r.start + 1..2 * r.end).collect()
    }
}

fn shuffled<T: Clone>(items: &[T], seed: &[prop::sample::Index]) -> Vec<T> {
    let mut v = items.to_vec();
    for (i, s) in seed.iter().enumerate().take(v.len()) {
        let j = s.index(v.len() - i) + i;
        v.swap(i, j);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn disjoint_edits_apply_like_the_reference_in_any_order(
        text in text(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        reps in proptest::collection::vec(replacement(), 1..6),
        order in proptest::collection::vec(any::<prop::sample::Index>(), 12),
    ) {
        let edits = disjoint_edits(&text, &cuts, &reps);
        let mut set = EditSet::new();
        for e in shuffled(&edits, &order) {
            prop_assert!(set.insert(e.clone()).is_ok(), "disjoint edit {:?} rejected", e.range);
        }
        prop_assert_eq!(set.len(), edits.len());
        let out = set.apply(&text);
        prop_assert_eq!(&out, &reference_apply(&text, &edits));

        // Each replacement sits where new_ranges says; offsets inside it map to its start.
        let applied: Vec<&Edit> = set.iter().collect();
        for (e, r) in applied.iter().zip(set.new_ranges()) {
            prop_assert_eq!(&out[r.start..r.end], e.replacement.as_str());
            for o in r.start..r.end {
                prop_assert_eq!(set.map_back(o), e.range.start);
            }
        }
        // An unchanged byte maps back to itself (the byte right after a deletion maps to the
        // deletion's start, where the removed text was, unless text was inserted there).
        let mut shift: isize = 0;
        let mut next = 0;
        for o in 0..text.len() {
            while next < applied.len() && applied[next].range.end <= o {
                shift += applied[next].replacement.len() as isize - applied[next].range.len() as isize;
                next += 1;
            }
            if applied.iter().any(|e| e.range.start <= o && o < e.range.end) {
                continue;
            }
            let new = (o as isize + shift) as usize;
            prop_assert_eq!(out.as_bytes()[new], text.as_bytes()[o]);
            // Walk back over adjacent deletions (they collapse to one point), stopping at
            // inserted text.
            let mut expected = o;
            loop {
                let inserted_here = applied
                    .iter()
                    .any(|e| e.range == TextRange::empty(expected) && !e.replacement.is_empty());
                let deletion = applied.iter().find(|e| {
                    e.replacement.is_empty() && !e.range.is_empty() && e.range.end == expected
                });
                match deletion {
                    Some(d) if !inserted_here => expected = d.range.start,
                    _ => break,
                }
            }
            prop_assert_eq!(set.map_back(new), expected, "offset {} of {:?} with {:?}", o, text, applied);
        }
        // map_back is monotonic and stays inside the original.
        let mapped: Vec<usize> = (0..=out.len()).map(|o| set.map_back(o)).collect();
        prop_assert!(mapped.windows(2).all(|w| w[0] <= w[1]), "{:?}", mapped);
        prop_assert!(mapped.iter().all(|&m| m <= text.len()));
    }

    #[test]
    fn overlapping_edits_are_rejected_and_leave_the_set_unchanged(
        text in text(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
        reps in proptest::collection::vec(replacement(), 1..6),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
        rep in replacement(),
    ) {
        let edits = disjoint_edits(&text, &cuts, &reps);
        let mut set = EditSet::new();
        for e in &edits {
            set.insert(e.clone()).unwrap();
        }
        let boundaries: Vec<usize> =
            text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let (s, e) = {
            let (x, y) = (*a.get(&boundaries), *b.get(&boundaries));
            (x.min(y), x.max(y))
        };
        let new = Edit::replace(TextRange::new(s, e), rep);
        let conflicts = edits
            .iter()
            .any(|old| *old != new && !occupied(old.range).is_disjoint(&occupied(new.range)));
        let before = set.clone();
        let result = set.insert(new.clone());
        if conflicts {
            prop_assert!(result.is_err(), "{:?} overlaps but was accepted", new.range);
            prop_assert_eq!(&set, &before);
        } else {
            prop_assert!(result.is_ok(), "{:?} is disjoint but was rejected: {:?}", new.range, result);
        }
        // extend_all is all or nothing.
        let mut other = EditSet::new();
        other.insert(new).unwrap();
        let mut merged = before.clone();
        match merged.extend_all(other) {
            Ok(()) => prop_assert!(!conflicts),
            Err(_) => {
                prop_assert!(conflicts);
                prop_assert_eq!(&merged, &before);
            }
        }
    }
}

/// A small Rust file with non-ASCII strings, comments and idents; the given line ending; an
/// optional BOM.
fn rust_source() -> impl Strategy<Value = String> {
    let item = (
        prop_oneof![
            Just("a"),
            Just("é"),
            Just("名前"),
            Just("🦀 crab"),
            Just("\\u{e9}")
        ],
        prop_oneof![Just(""), Just("// ünïcode comment"), Just("/* 日本 */")],
        0u8..3,
    );
    (
        proptest::collection::vec(item, 1..6),
        any::<bool>(),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(items, bom, eol)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            for (i, (lit, comment, shape)) in items.into_iter().enumerate() {
                let body = match shape {
                    0 => format!("let s = \"{lit}\"; {comment}"),
                    1 => format!(
                        "{comment}{eol}    meter.u64_counter(\"{lit}\"){eol}        .init();"
                    ),
                    _ => format!(
                        "x.é_{i}(\"{lit}\", '{}');",
                        lit.chars().next().filter(|&c| c != '\\').unwrap_or('x')
                    ),
                };
                s.push_str(&format!("fn f_{i}() {{{eol}    {body}{eol}}}{eol}"));
            }
            s
        })
}

#[derive(Default)]
struct Leaves(Vec<(proc_macro2::Span, String)>);

impl<'ast> Visit<'ast> for Leaves {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.0.push((i.span(), i.to_string()));
    }
    fn visit_lit(&mut self, l: &'ast syn::Lit) {
        let token = match l {
            syn::Lit::Str(s) => s.token(),
            syn::Lit::Char(c) => c.token(),
            other => return syn::visit::visit_lit(self, other),
        };
        self.0.push((token.span(), token.to_string()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn spans_map_to_the_right_bytes_with_crlf_bom_and_non_ascii(
        before in rust_source(),
        source in rust_source(),
        release in any::<bool>(),
    ) {
        // Another file parsed earlier on this thread shifts proc-macro2's span table.
        let other = SourceFile::new("other.rs", before);
        prop_assert!(other.parse_rust().is_ok());
        if release {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
        let file = SourceFile::new("x.rs", source.clone());
        let parsed = file.parse_rust().unwrap();
        prop_assert_eq!(file.base_offset, if source.starts_with('\u{feff}') { 3 } else { 0 });
        let crlf = source.contains("\r\n");
        prop_assert_eq!(file.line_ending, if crlf { LineEnding::CrLf } else { LineEnding::Lf });
        let mut leaves = Leaves::default();
        leaves.visit_file(&parsed);
        prop_assert!(!leaves.0.is_empty());
        for (span, token) in &leaves.0 {
            let r = range_of_span(&file, *span);
            prop_assert_eq!(file.slice(r), token.as_str());
            // Line and column from the span agree with the byte offset.
            let (line, col) = file.line_col(r.start);
            let lc = span.start();
            prop_assert_eq!((line, col), (lc.line, lc.column + 1 + usize::from(lc.line == 1 && file.base_offset > 0)));
        }
    }

    #[test]
    fn line_index_matches_a_naive_count(text in text(), at in any::<prop::sample::Index>()) {
        let file = SourceFile::new("x.rs", text.clone());
        let boundaries: Vec<usize> =
            text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = *at.get(&boundaries);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        if !(offset == text.len() && text.ends_with('\n')) {
            prop_assert_eq!(file.line_col(offset), (line, col));
            let range = file.line_range(line);
            let expected = text[line_start..].split('\n').next().unwrap();
            prop_assert_eq!(file.slice(range), expected.strip_suffix('\r').unwrap_or(expected));
        }
    }
}
