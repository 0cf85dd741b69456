//! # hop-0-33-sealed-config-traits
//!
//! ## What it does
//! With `--to 0.33`: 0.33 sealed `WithExportConfig`, `WithHttpConfig` and `WithTonicConfig`
//! (otel-ladder.md §3.6 item 9). An `impl` of one of them for the service's own type is an
//! `error` at the trait.
//!
//! ## Before
//! ```rust,ignore
//! impl WithExportConfig for MyExporterBuilder { … }
//! ```
//!
//! ## After
//! ```rust,ignore
//! // error[hop-0-33-sealed-config-traits]: 0.33 sealed `WithExportConfig` …
//! ```
//!
//! ## Not rewritten
//! - Everything (there is no mechanical replacement); calling the traits' methods on the
//!   exporter builders, and importing them, is fine and not reported.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct SealedConfigTraits;

const SEALED: &[&str] = &["WithExportConfig", "WithHttpConfig", "WithTonicConfig"];

impl Transform for SealedConfigTraits {
    fn id(&self) -> &'static str {
        "hop-0-33-sealed-config-traits"
    }

    fn description(&self) -> &'static str {
        "hop 0.32 → 0.33: report impls of the sealed WithExportConfig / WithHttpConfig / WithTonicConfig"
    }

    super::super::hop_gate!(33);

    fn needles(&self) -> &'static [&'static str] {
        SEALED
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut impls = Impls {
            rust: &rust,
            out: &mut out,
        };
        impls.visit_file(rust.syntax);
        out
    }
}

struct Impls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Impls<'_, '_> {
    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if let Some((_, path, _)) = &item.trait_ {
            let sealed = SEALED
                .iter()
                .find(|t| self.rust.imports.is(path, &["opentelemetry_otlp", t]));
            if let Some(name) = sealed {
                self.out.finding(
                    range_of(self.rust.file, path),
                    Severity::Error,
                    format!("0.33 sealed `{name}`: it can no longer be implemented outside opentelemetry-otlp"),
                    "configure the exporter builders through the trait's methods (`SpanExporter::builder().with_tonic().with_endpoint(..)`), or keep the builder in your type and forward with inherent methods",
                );
            }
        }
        syn::visit::visit_item_impl(self, item);
    }
}
