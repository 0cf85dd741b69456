#![deny(deprecated)]
//! The exporter only exists with a feature, gated on a statement inside an always-compiled
//! function (not on the function): the layer is `None` without the feature. Built without the
//! feature, the crate has no OpenTelemetry dependency at all, so new imports must stay inside
//! the gated statement.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Registry;

pub fn install(export: bool) {
    let subscriber = Registry::default();

    #[cfg(feature = "tracing-export")]
    let subscriber = {
        let layer = export.then(|| {
            opentelemetry::global::set_text_map_propagator(opentelemetry_jaeger::Propagator::new());
            let tracer = opentelemetry_jaeger::new_agent_pipeline()
                .with_service_name("ingest-worker")
                .install_batch(opentelemetry_sdk::runtime::Tokio)
                .expect("trace exporter");
            tracing_opentelemetry::layer().with_tracer(tracer)
        });
        subscriber.with(layer)
    };
    #[cfg(not(feature = "tracing-export"))]
    let _ = export;

    let _ = tracing::subscriber::set_global_default(subscriber);
}
