//! The ordered registry of transforms. Order is semantics: each transform runs on the output
//! of the ones before it, re-parsed. To add one: write `transforms/<snake_id>.rs` with a `//!`
//! doc (What it does / Before / After / Not rewritten / Safety), register it below, add
//! `fixtures/<id>/` with positive and `negative_*` cases, and review its snapshots.

use crate::engine::transform::Transform;

// Package facts the pipeline transforms read (not a transform).
pub mod aggregation_selector;
pub mod closure_facts;
pub mod helper_facts;
pub mod instrument_init_to_build;
pub mod jaeger_pipeline;
pub mod ladder;
pub mod manifest_features;
pub mod manifest_jaeger_to_otlp;
pub mod manifest_metrics;
pub mod manifest_versions;
pub mod metrics_macros;
pub mod metrics_recorder_api;
pub mod observed_gauge_to_gauge;
pub mod otlp_logs_pipeline;
pub mod otlp_metrics_pipeline;
pub mod otlp_trace_pipeline;
pub mod reexported_crates;
pub mod residue;
pub mod sdk_api_renames;
pub mod sdk_facade_paths;
pub mod service_name;
pub mod signature_facts;
pub mod temporality;
pub mod tracing_bridge;
pub mod unused_removed_imports;

/// Every transform with the source of its file (`explain` prints the `//!` block): `<module>.rs`,
/// or the file named after `in` for a transform kept in a folder (`service_name/mod.rs`).
macro_rules! registry {
    ($($module:ident :: $ty:ident $(in $file:literal)?),* $(,)?) => {
        static ALL: &[&dyn Transform] = &[$(&$module::$ty),*];
        static SOURCES: &[(&str, &str)] = &[$((stringify!($module), source_of!($module $(, $file)?))),*];
    };
}

/// The text of a transform's main file.
macro_rules! source_of {
    ($module:ident) => {
        include_str!(concat!(stringify!($module), ".rs"))
    };
    ($module:ident, $file:literal) => {
        include_str!($file)
    };
}

registry![
    manifest_versions::ManifestVersions,
    manifest_jaeger_to_otlp::ManifestJaegerToOtlp,
    manifest_features::ManifestFeatures,
    manifest_metrics::ManifestMetrics,
    jaeger_pipeline::JaegerPipeline,
    otlp_trace_pipeline::OtlpTracePipeline,
    // Metrics: the pipeline rewrite carries temporality calls to the exporter builder verbatim;
    // `temporality` then translates them (and the selector impls), wherever they are. A user's
    // aggregation selector is carried to the provider builder; `aggregation-selector` makes it
    // a view.
    otlp_metrics_pipeline::OtlpMetricsPipeline,
    temporality::TemporalityTransform,
    aggregation_selector::AggregationSelectorTransform in "aggregation_selector/mod.rs",
    otlp_logs_pipeline::OtlpLogsPipeline,
    // After the pipeline rewrites (they read both spellings): ≤ 0.20's `opentelemetry::sdk`
    // and `opentelemetry::runtime` paths they leave → `opentelemetry_sdk`.
    sdk_facade_paths::SdkFacadePaths,
    // After the pipeline rewrites, which emit the new names; renames the old ones left in
    // signatures and imports (`MetricsError`, `LogError`, the 0.21 SDK `MeterProvider`).
    sdk_api_renames::SdkApiRenames,
    instrument_init_to_build::InstrumentInitToBuild,
    // After `.init()` → `.build()`, which it leaves to that transform.
    observed_gauge_to_gauge::ObservedGaugeToGauge,
    tracing_bridge::TracingBridge,
    metrics_macros::MetricsMacros,
    metrics_recorder_api::MetricsRecorderApi,
    // Last: it sees the service names the other transforms leave.
    service_name::ServiceName in "service_name/mod.rs",
    // After the transforms that write new code: binds crates reached through a re-export.
    reexported_crates::ReexportedCrates,
    // After every rewrite (an import they left unused goes too), before the report of what is left.
    unused_removed_imports::UnusedRemovedImports,
    // After every transform: reports the old items they left, and counts the coverage.
    residue::Residue,
    // The version ladder (`--to 0.28+`), after the migration to 0.27, hop by hop.
    ladder_manifest::LadderManifest in "ladder/manifest.rs",
    hop_0_28_sdk_renames::SdkRenames in "ladder/hop_0_28/sdk_renames.rs",
    hop_0_28_runtime_argument::RuntimeArgument in "ladder/hop_0_28/runtime_argument.rs",
    hop_0_28_resource_builder::ResourceBuilder in "ladder/hop_0_28/resource_builder.rs",
    hop_0_28_global_shutdown::GlobalShutdown in "ladder/hop_0_28/global_shutdown.rs",
    hop_0_28_export_timeouts::ExportTimeouts in "ladder/hop_0_28/export_timeouts.rs",
    hop_0_28_flush_results::FlushResults in "ladder/hop_0_28/flush_results.rs",
    hop_0_28_http_client::HttpClient in "ladder/hop_0_28/http_client.rs",
    // 0.29: the error type first (it reads the 0.28 paths), then the moves.
    hop_0_29_exporter_build_error::ExporterBuildError in "ladder/hop_0_29/exporter_build_error.rs",
    hop_0_29_error_moves::ErrorMoves in "ladder/hop_0_29/error_moves.rs",
    hop_0_29_export_config_timeout::ExportConfigTimeout in "ladder/hop_0_29/export_config_timeout.rs",
    hop_0_29_timeout_env::TimeoutEnv in "ladder/hop_0_29/timeout_env.rs",
    hop_0_29_removed_items::REMOVED_ITEMS in "ladder/hop_0_29/removed_items.rs",
    hop_0_30_metric_error::MetricError in "ladder/hop_0_30/metric_error.rs",
    // Before the report of what is left: an exact-name view becomes a closure.
    hop_0_30_view_closure::ViewClosure in "ladder/hop_0_30/view_closure.rs",
    hop_0_30_removed_items::REMOVED_ITEMS in "ladder/hop_0_30/removed_items.rs",
    hop_0_31_prometheus_build_error::PrometheusBuildError in "ladder/hop_0_31/prometheus_build_error.rs",
    hop_0_31_status_description::StatusDescription in "ladder/hop_0_31/status_description.rs",
    hop_0_31_metrics_layer::MetricsLayer in "ladder/hop_0_31/metrics_layer.rs",
    hop_0_31_pre_sampled_tracer::PreSampledTracer in "ladder/hop_0_31/pre_sampled_tracer.rs",
    hop_0_31_set_parent::SetParent in "ladder/hop_0_31/set_parent.rs",
    hop_0_31_set_provider_result::SetProviderResult in "ladder/hop_0_31/set_provider_result.rs",
    hop_0_31_removed_items::REMOVED_ITEMS in "ladder/hop_0_31/removed_items.rs",
    hop_0_31_layer_behaviour::LayerBehaviour in "ladder/hop_0_31/layer_behaviour.rs",
    hop_0_32_sampling_moves::SamplingMoves in "ladder/hop_0_32/sampling_moves.rs",
    hop_0_32_export_config::ExportConfig in "ladder/hop_0_32/export_config.rs",
    // Before the report of what is left: the config's decision makes the propagator mechanical.
    hop_0_32_jaeger_propagator::JaegerPropagator in "ladder/hop_0_32/jaeger_propagator.rs",
    hop_0_32_removed_items::REMOVED_ITEMS in "ladder/hop_0_32/removed_items.rs",
    hop_0_32_tls_and_service_name::TlsAndServiceName in "ladder/hop_0_32/tls_and_service_name.rs",
    hop_0_33_scope_info::ScopeInfo in "ladder/hop_0_33/scope_info.rs",
    hop_0_33_typestate_default::TypestateDefault in "ladder/hop_0_33/typestate_default.rs",
    hop_0_33_sealed_config_traits::SealedConfigTraits in "ladder/hop_0_33/sealed_config_traits.rs",
    hop_0_33_removed_items::REMOVED_ITEMS in "ladder/hop_0_33/removed_items.rs",
    hop_0_33_exhaustive_matches::ExhaustiveMatches in "ladder/hop_0_33/exhaustive_matches.rs",
    hop_0_33_endpoints_and_retries::EndpointsAndRetries in "ladder/hop_0_33/endpoints_and_retries.rs",
];

// The ladder's transforms under the module names their ids spell (`explain` finds them so).
use ladder::hop_0_28::{
    export_timeouts as hop_0_28_export_timeouts, flush_results as hop_0_28_flush_results,
    global_shutdown as hop_0_28_global_shutdown, http_client as hop_0_28_http_client,
    resource_builder as hop_0_28_resource_builder, runtime_argument as hop_0_28_runtime_argument,
    sdk_renames as hop_0_28_sdk_renames,
};
use ladder::hop_0_29::{
    error_moves as hop_0_29_error_moves, export_config_timeout as hop_0_29_export_config_timeout,
    exporter_build_error as hop_0_29_exporter_build_error, removed_items as hop_0_29_removed_items,
    timeout_env as hop_0_29_timeout_env,
};
use ladder::hop_0_30::{
    metric_error as hop_0_30_metric_error, removed_items as hop_0_30_removed_items,
    view_closure as hop_0_30_view_closure,
};
use ladder::hop_0_31::{
    layer_behaviour as hop_0_31_layer_behaviour, metrics_layer as hop_0_31_metrics_layer,
    pre_sampled_tracer as hop_0_31_pre_sampled_tracer,
    prometheus_build_error as hop_0_31_prometheus_build_error,
    removed_items as hop_0_31_removed_items, set_parent as hop_0_31_set_parent,
    set_provider_result as hop_0_31_set_provider_result,
    status_description as hop_0_31_status_description,
};
use ladder::hop_0_32::{
    export_config as hop_0_32_export_config, jaeger_propagator as hop_0_32_jaeger_propagator,
    removed_items as hop_0_32_removed_items, sampling_moves as hop_0_32_sampling_moves,
    tls_and_service_name as hop_0_32_tls_and_service_name,
};
use ladder::hop_0_33::{
    endpoints_and_retries as hop_0_33_endpoints_and_retries,
    exhaustive_matches as hop_0_33_exhaustive_matches, removed_items as hop_0_33_removed_items,
    scope_info as hop_0_33_scope_info, sealed_config_traits as hop_0_33_sealed_config_traits,
    typestate_default as hop_0_33_typestate_default,
};
use ladder::manifest as ladder_manifest;

/// All transforms, in the order they run.
pub fn all() -> &'static [&'static dyn Transform] {
    ALL
}

pub fn find(id: &str) -> Option<&'static dyn Transform> {
    ALL.iter().copied().find(|t| t.id() == id)
}

/// The `//!` documentation of a transform's file.
pub fn documentation(id: &str) -> Option<String> {
    let module = id.replace('-', "_");
    let (_, source) = SOURCES.iter().find(|(m, _)| *m == module)?;
    let doc: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .or_else(|| l.strip_prefix("//!"))
                .unwrap_or(l)
        })
        .collect();
    Some(doc.join("\n"))
}
