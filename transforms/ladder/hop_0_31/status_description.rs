//! # hop-0-31-status-description
//!
//! ## What it does
//! With `--to 0.31` or newer, renames the special span field `otel.status_message` to
//! `otel.status_description` (tracing-opentelemetry 0.32; otel-ladder.md §3.4 item 6): in
//! `tracing` macros (`info_span!(…, otel.status_message = …)`), `#[instrument(fields(…))]`, and
//! the string `"otel.status_message"` (`span.record("otel.status_message", …)`). The old name is
//! no longer special: left alone, the status message would become a plain attribute.
//!
//! ## Before
//! ```rust,ignore
//! let span = tracing::info_span!("request", otel.status_message = tracing::field::Empty);
//! ```
//!
//! ## After
//! ```rust,ignore
//! let span = tracing::info_span!("request", otel.status_description = tracing::field::Empty);
//! ```
//!
//! ## Not rewritten
//! - `status_message` not preceded by `otel.` (another field), and strings other than exactly
//!   `"otel.status_message"`.
//! - Packages already on 0.31 or newer, and runs without `--to 0.31+`.
//!
//! ## Safety
//! Only the field name changes; tracing-opentelemetry 0.32 reads the new name as the span
//! status description, as 0.31 read the old one.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use crate::engine::syntax::{range_of, range_of_span, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct StatusDescription;

const OLD: &str = "status_message";
const NEW: &str = "status_description";

impl Transform for StatusDescription {
    fn id(&self) -> &'static str {
        "hop-0-31-status-description"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: span field otel.status_message → otel.status_description (tracing-opentelemetry 0.32)"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["otel.status_message"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Fields {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Fields<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl Fields<'_, '_> {
    /// `otel . status_message` anywhere in `tokens` (groups included).
    fn tokens(&mut self, tokens: &TokenStream) {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => self.tokens(&g.stream()),
                TokenTree::Ident(name) if name == OLD && i >= 2 => {
                    let dot = matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '.');
                    let otel = matches!(&trees[i - 2], TokenTree::Ident(o) if o == "otel");
                    if dot && otel {
                        self.out
                            .replace(range_of_span(self.rust.file, name.span()), NEW);
                    }
                }
                TokenTree::Literal(lit) if lit.to_string() == "\"otel.status_message\"" => {
                    self.out.replace(
                        range_of_span(self.rust.file, lit.span()),
                        "\"otel.status_description\"",
                    );
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Fields<'_, '_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(&mac.tokens);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.tokens(&list.tokens);
        }
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        if lit.value() == "otel.status_message"
            && lit.token().to_string() == "\"otel.status_message\""
        {
            self.out
                .replace(range_of(self.rust.file, lit), "\"otel.status_description\"");
        }
    }
}
