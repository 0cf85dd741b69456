//! The trace pipeline model as placement sees it: exporter, optional batch processor, provider,
//! and the tracer the old `install_*` call returned (so the forms are the OTLP metrics/logs
//! ones, and `trace.rs` needs nothing from placement).

use crate::otel::exporter::{ExporterConfig, Signal};
use crate::otel::imports::ImportPlan;
use crate::otel::trace::{render_tracer, Returns, TracePipeline};

use super::parts::ProviderParts;

impl ProviderParts for TracePipeline {
    /// Trace sites lead with the comments their rendering does not carry (found by range).
    fn comments(&self) -> &[String] {
        &[]
    }

    fn exporter_model(&self) -> (&ExporterConfig, Signal) {
        (&self.exporter, Signal::Span)
    }

    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        indent: &str,
        le: &str,
    ) -> (Vec<String>, String) {
        let setup = self
            .render_processor(names, exporter, indent, le)
            .map(|p| format!("let batch_processor = {p};"));
        let (more, provider) = self.render_provider_parts(names, exporter, indent, le);
        (setup.into_iter().chain(more).collect(), provider)
    }

    fn derived(
        &self,
        names: &mut ImportPlan<'_>,
        provider: &str,
        indent: &str,
        le: &str,
    ) -> Option<String> {
        match &self.returns {
            Returns::Tracer(scope) => Some(render_tracer(names, provider, scope, indent, le)),
            Returns::Provider => None,
        }
    }

    fn yields_provider(&self) -> bool {
        self.returns == Returns::Provider
    }
}
