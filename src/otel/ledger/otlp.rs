//! The ledger entries of the OTLP metrics and logs pipelines. Their 0.27 code is rendered
//! from the same model the old chain was read into, with every option carried verbatim: both
//! sides are read from the model (each model says what it exports: [`LedgerModel`], implemented
//! beside it), so a difference can only come from the version facts.

use crate::engine::edit::TextRange;
use crate::engine::ledger::{Key, RawLedgerEntry, Settings, Signal, Value};
use crate::engine::syntax::ParsedRust;
use crate::otel::chain::Link;

use crate::otel::exporter::{Arg, ExporterConfig};
use crate::otel::otlp_pipeline::Conditional;

use super::resolve::{one_line, Resolver};
use super::settings::{self, ResourceView};

/// A pipeline model that can say what it exports.
pub trait LedgerModel {
    const LEDGER_SIGNAL: Signal;
    /// The settings the model exports unconditionally, `registers` telling whether the
    /// provider is registered globally (by the old call and the new code alike).
    fn settings(&self, r: &Resolver<'_>, registers: bool) -> Settings;
    /// The settings the model applies under a condition.
    fn conditional(&self) -> &Conditional;
}

/// What every OTLP pipeline model sets: the exporter's options, the resource (its keys and
/// values where known, else the expression) and whether the provider is registered globally.
pub fn common(
    r: &Resolver<'_>,
    (exporter, resource): (&ExporterConfig, Option<&Arg>),
    registers: bool,
) -> Settings {
    let mut out = Settings::new();
    settings::exporter(r, r, exporter, &mut out);
    if let Some(res) = resource {
        let value = ResourceView::read(r, &res.text)
            .map(|v| v.value())
            .unwrap_or_else(|| Value::unresolved(one_line(&res.text)));
        out.insert(Key::Resource, value);
    }
    out.insert(Key::GlobalRegistration, settings::yes_no(registers));
    out
}

/// The entry of a rewritten metrics or logs pipeline.
pub fn rewritten<M: LedgerModel>(
    rust: ParsedRust<'_>,
    site: TextRange,
    model: &M,
    registers: bool,
) -> RawLedgerEntry {
    let r = Resolver::new(rust);
    let mut settings = model.settings(&r, registers);
    let conditional = model.conditional();
    settings::conditional(&conditional.reader, &mut settings);
    settings::conditional(&conditional.provider, &mut settings);
    RawLedgerEntry::rewritten(site, M::LEDGER_SIGNAL, settings.clone(), settings)
}

/// The entry of a pipeline this tool recognized and left as written: the endpoint as written
/// when the chain (or its exporter) sets one.
pub fn reported<M: LedgerModel>(
    rust: ParsedRust<'_>,
    site: TextRange,
    links: &[Link<'_>],
) -> RawLedgerEntry {
    let mut before = Settings::new();
    if let Some(e) = endpoint_written(rust, links) {
        before.insert(Key::Endpoint, Resolver::new(rust).value(&e));
    }
    RawLedgerEntry::reported(site, M::LEDGER_SIGNAL, before)
}

/// The argument of a `with_endpoint(..)` link of the chain, or of the exporter chain one of
/// its links is given, as written.
pub fn endpoint_written(rust: ParsedRust<'_>, links: &[Link<'_>]) -> Option<String> {
    let own = links.iter().find(|l| l.name == "with_endpoint");
    let nested = || {
        links.iter().find_map(|l| {
            let arg = l.args().into_iter().next()?;
            let inner = crate::otel::chain::Chain::read(arg);
            inner.find("with_endpoint").map(|e| e.args_text(rust.file))
        })
    };
    own.map(|l| l.args_text(rust.file)).or_else(nested)
}
