//! A service on metrics 0.21 + metrics-exporter-prometheus 0.12: every macro form, handles,
//! descriptions with units, and the exporter's builder (listener, global labels, buckets,
//! idle timeout, install_recorder + render).
#![deny(deprecated)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use metrics::{
    absolute_counter, counter, decrement_gauge, describe_counter, describe_gauge,
    describe_histogram, gauge, histogram, increment_counter, increment_gauge, register_counter,
    register_gauge, register_histogram, Counter, Gauge, Histogram, Label, Unit,
};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_util::MetricKindMask;

const LATENCY_BUCKETS: &[f64] = &[0.001, 0.01, 0.1, 1.0];

struct Handles {
    requests: Counter,
    depth: Gauge,
    latency: Histogram,
}

fn handles(labels: Vec<Label>) -> Handles {
    Handles {
        requests: register_counter!("svc_requests_total", "route" => "/"),
        depth: register_gauge!("svc_queue_depth"),
        latency: register_histogram!("svc_latency_seconds", labels),
    }
}

fn describe() {
    describe_counter!("svc_requests_total", Unit::Count, "Requests served");
    describe_counter!("svc_bytes_total", "Bytes received");
    describe_gauge!("svc_queue_depth", "Queue depth");
    describe_histogram!("svc_latency_seconds", Unit::Seconds, "Request latency");
}

/// Serves `/metrics` itself (the exporter's listener).
#[allow(dead_code)]
fn serve(addr: SocketAddr) -> Result<(), BuildError> {
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .add_global_label("service", "svc")
        .install()
}

fn install() -> Result<PrometheusHandle, BuildError> {
    PrometheusBuilder::new()
        .add_global_label("service", "svc")
        .idle_timeout(
            MetricKindMask::COUNTER | MetricKindMask::HISTOGRAM,
            Some(Duration::from_secs(300)),
        )
        .set_buckets(LATENCY_BUCKETS)?
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_string()), LATENCY_BUCKETS)?
        .install_recorder()
}

fn record(h: &Handles, labels: Vec<Label>, bytes: u64, tenant: String, started: Instant) {
    h.requests.increment(1);
    h.depth.set(3.0);
    h.latency.record(0.25);
    increment_counter!("svc_events_total");
    increment_counter!("svc_events_total", "kind" => "start");
    counter!("svc_bytes_total", bytes);
    counter!("svc_bytes_total", bytes, "tenant" => tenant.clone());
    counter!("svc_bytes_total", bytes, labels.clone());
    counter!("svc_bytes_total", bytes, &[("tenant", "static")]);
    absolute_counter!("svc_uptime_seconds", 10);
    gauge!("svc_tenants", 2.0, "tenant" => tenant.clone());
    increment_gauge!("svc_in_flight", 1.0);
    decrement_gauge!("svc_in_flight", 1.0, labels.iter());
    histogram!("svc_latency_seconds", started.elapsed());
    histogram!(
        "svc_latency_seconds",
        started.elapsed().as_secs_f64(),
        "route" => "/"
    );
    histogram!("svc_size_bytes", bytes as f64, labels);
    metrics::increment_counter!("svc_qualified_total");
    match bytes {
        0 => increment_counter!("svc_empty_total"),
        n => counter!("svc_nonempty_total", n),
    }
    let per_tenant = |n: u64| counter!("svc_closure_total", n, "tenant" => tenant.clone());
    per_tenant(1);
}

#[tokio::main]
async fn main() -> Result<(), BuildError> {
    describe();
    let handle = install()?;
    let h = handles(vec![Label::new("route", "/")]);
    record(&h, vec![Label::new("pool", "db")], 512, "acme".to_string(), Instant::now());
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_millis(1)) => increment_counter!("svc_ticks_total"),
    }
    println!("{}", handle.render());
    Ok(())
}
