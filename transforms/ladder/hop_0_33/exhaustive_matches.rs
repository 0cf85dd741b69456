//! # hop-0-33-exhaustive-matches
//!
//! ## What it does
//! With `--to 0.33` or newer, reports a `match` that lists the variants of
//! `opentelemetry_otlp::Protocol` or `opentelemetry_otlp::Compression` without a catch-all arm:
//! 0.33 made both enums non-exhaustive, so such a `match` no longer compiles outside the crate
//! (otel-ladder.md §3.6 item 5).
//!
//! ## Before
//! ```rust,ignore
//! match protocol {
//!     Protocol::Grpc => "grpc",
//!     Protocol::HttpBinary => "http/protobuf",
//!     Protocol::HttpJson => "http/json",
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-33-exhaustive-matches]: 0.33 made `Protocol` non-exhaustive …
//! // help: add a catch-all arm (`_ => …`) for protocols a later release adds
//! ```
//!
//! ## Not rewritten
//! - The arm to add is the user's decision (what an unknown protocol means here): reported
//!   only. A `match` with a `_`/binding arm (without a guard) is left alone, as are `if let`
//!   and `matches!`.
//! - Packages already on 0.33, and runs without `--to 0.33`/`latest`.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct ExhaustiveMatches;

/// The enums 0.33 made non-exhaustive.
const ENUMS: &[&[&str]] = &[
    &["opentelemetry_otlp", "Protocol"],
    &["opentelemetry_otlp", "Compression"],
];

impl Transform for ExhaustiveMatches {
    fn id(&self) -> &'static str {
        "hop-0-33-exhaustive-matches"
    }

    fn description(&self) -> &'static str {
        "hop 0.32 → 0.33: report matches on Protocol / Compression without a catch-all arm (now non-exhaustive)"
    }

    super::super::hop_gate!(33);

    fn needles(&self) -> &'static [&'static str] {
        &["Protocol", "Compression"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Matches {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Matches<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl Matches<'_, '_> {
    /// The enum a pattern names a variant of (`Protocol::Grpc`, `A | B`).
    fn enum_of(&self, pat: &syn::Pat) -> Option<&'static str> {
        let path = match pat {
            syn::Pat::Path(p) => &p.path,
            syn::Pat::TupleStruct(t) => &t.path,
            syn::Pat::Struct(s) => &s.path,
            syn::Pat::Or(or) => return or.cases.iter().find_map(|c| self.enum_of(c)),
            syn::Pat::Paren(p) => return self.enum_of(&p.pat),
            _ => return None,
        };
        let mut parent = path.clone();
        parent.segments.pop();
        parent.segments.pop_punct();
        if parent.segments.is_empty() {
            return None;
        }
        ENUMS
            .iter()
            .find(|e| self.rust.imports.is(&parent, e))
            .map(|e| e[1])
    }
}

/// `_ =>` or `other =>` (no guard): every value goes somewhere.
fn catch_all(arm: &syn::Arm) -> bool {
    arm.guard.is_none()
        && matches!(
            &arm.pat,
            syn::Pat::Wild(_) | syn::Pat::Ident(syn::PatIdent { subpat: None, .. })
        )
}

impl<'ast> Visit<'ast> for Matches<'_, '_> {
    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        let named = m.arms.iter().find_map(|a| self.enum_of(&a.pat));
        if let Some(name) = named.filter(|_| !m.arms.iter().any(catch_all)) {
            let file = self.rust.file;
            let head = crate::engine::edit::TextRange::new(
                range_of(file, m).start,
                range_of(file, &m.expr).end,
            );
            self.out.finding(
                head,
                Severity::Error,
                format!("0.33 made `{name}` non-exhaustive: this `match` lists its variants without a catch-all arm"),
                format!("add a catch-all arm (`_ => …`) for what a later release adds to `{name}`"),
            );
        }
        syn::visit::visit_expr_match(self, m);
    }
}
