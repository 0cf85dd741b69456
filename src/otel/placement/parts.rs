//! What a pipeline model hands placement: the exporter and the provider it builds, rendered at
//! the indentation each form needs.

use crate::otel::imports::ImportPlan;

/// The pieces a pipeline model renders, given the indentation of their links.
pub trait ProviderParts {
    /// Comments from the old chain that belong to no moved option (they open the new code).
    fn comments(&self) -> &[String];
    /// The exporter chain ending in `.build()` (no `?`).
    fn exporter(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str) -> String;
    /// Statements before the provider (`let reader = …;`) and the provider expression, both
    /// using the local `exporter`; links at `indent`.
    fn provider(&self, names: &mut ImportPlan<'_>, indent: &str, le: &str)
        -> (Vec<String>, String);
}
