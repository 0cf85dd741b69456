//! The one implementation of a hop's `removed-items` transform: every path that resolves to an
//! item the hop removed without a mechanical replacement (`otel::ladder::removed`) is reported
//! at the site. Each hop registers its own instance (`hop_0_NN/removed_items.rs`, with the doc).

use syn::visit::Visit;

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::ladder::removed::{removed_at, RemovedItem};

pub struct RemovedItems {
    pub minor: u64,
    pub id: &'static str,
    pub description: &'static str,
    /// The names of the hop's items, for the text gate.
    pub needles: &'static [&'static str],
}

impl Transform for RemovedItems {
    fn id(&self) -> &'static str {
        self.id
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        self.needles
    }

    fn enabled_by(&self, config: &Config) -> bool {
        super::reaches(config, self.minor)
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        super::package_below(package, self.minor)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let items: Vec<&RemovedItem> = removed_at(self.minor).collect();
        let mut v = Sites {
            rust: &rust,
            items: &items,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Sites<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    items: &'a [&'static RemovedItem],
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mentions = |item: &RemovedItem| {
            let last = item.path.rsplit("::").next().unwrap_or(item.path);
            path.segments.iter().any(|s| s.ident == last)
        };
        if self.items.iter().any(|i| mentions(i)) {
            let resolved = self.rust.imports.resolve(path);
            let hit = self.items.iter().find(|item| {
                let segs: Vec<&str> = item.path.split("::").collect();
                resolved.len() >= segs.len() && resolved.iter().zip(&segs).all(|(r, s)| r == s)
            });
            if let Some(item) = hit {
                self.out.item_finding(
                    item.path,
                    range_of(self.rust.file, path),
                    item.severity,
                    item.message,
                    item.suggestion,
                );
                return;
            }
        }
        syn::visit::visit_path(self, path);
    }
}
