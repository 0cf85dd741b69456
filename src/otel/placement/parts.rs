//! What a pipeline model hands placement: the exporter and the provider it builds, rendered at
//! the indentation each form needs, and what the old call yielded if not the provider.

use crate::engine::edit::TextRange;
use crate::otel::exporter::{ExporterConfig, Signal};
use crate::otel::imports::ImportPlan;

/// The pieces a pipeline model renders, given the indentation of their links.
pub trait ProviderParts {
    /// Comments from the old chain that belong to no moved option (they open the new code).
    fn comments(&self) -> &[String];
    /// The pipeline's exporter and the signal it exports.
    fn exporter_model(&self) -> (&ExporterConfig, Signal);
    /// The exporter chain ending in `.build()` (no `?`).
    fn exporter(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str) -> String {
        let (exporter, signal) = self.exporter_model();
        exporter.render(signal, names, indent, le)
    }
    /// The edits of the local the exporter is kept in, made together with the site's.
    fn local_edits(&self, names: &mut ImportPlan<'_>, le: &str) -> Vec<(TextRange, String)> {
        let (exporter, signal) = self.exporter_model();
        exporter.local_edits(signal, names, le)
    }
    /// The name of the local the exporter is kept in, which the site may shadow (it is moved
    /// there); not a helper's call.
    fn exporter_local(&self) -> Option<&str> {
        let kept = self.exporter_model().0.kept_in.as_ref()?;
        let is_local = kept.name.chars().all(|c| c.is_alphanumeric() || c == '_');
        is_local.then_some(kept.name.as_str())
    }
    /// Statements before the provider (`let reader = …;`) and the provider expression, both
    /// using the local `exporter`; links at `indent`.
    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        indent: &str,
        le: &str,
    ) -> (Vec<String>, String);
    /// What the old call yielded when it was not the provider (the `Tracer` of the old trace
    /// pipelines): an expression of the local `provider` on a line indented `indent`.
    fn derived(
        &self,
        _names: &mut ImportPlan<'_>,
        _provider: &str,
        _indent: &str,
        _le: &str,
    ) -> Option<String> {
        None
    }
    /// Whether the old call yielded the provider itself (else [`Self::derived`] renders it).
    fn yields_provider(&self) -> bool {
        true
    }
}

/// `global::set_meter_provider` for `opentelemetry::global::set_meter_provider`: a registration
/// function through the name its module has at the site.
pub fn register_call(names: &mut ImportPlan<'_>, function: &str) -> String {
    let (module, name) = function.rsplit_once("::").unwrap_or(("", function));
    format!("{}::{name}", names.name(module))
}
