//! A service on the 0.23 macros (metrics 0.23 + metrics-exporter-prometheus 0.15):
//! the migration to 0.24 must leave its macro calls alone.
#![deny(deprecated)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Counter,
    Gauge, Histogram, Label, Unit,
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
        requests: counter!("svc_requests_total", "route" => "/"),
        depth: gauge!("svc_queue_depth"),
        latency: histogram!("svc_latency_seconds", labels),
    }
}

fn describe() {
    describe_counter!("svc_requests_total", Unit::Count, "Requests served");
    describe_counter!("svc_bytes_total", "Bytes received");
    describe_gauge!("svc_queue_depth", "Queue depth");
    describe_histogram!("svc_latency_seconds", Unit::Seconds, "Request latency");
    describe_gauge!("svc_memory", Unit::Gigibytes, "Resident memory");
}

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
    counter!("svc_events_total").increment(1);
    counter!(target: "svc", "svc_targeted_total").increment(1);
    counter!("svc_bytes_total", "tenant" => tenant.clone()).increment(bytes);
    counter!("svc_bytes_total", labels.clone()).increment(bytes);
    counter!("svc_uptime_seconds").absolute(10);
    gauge!("svc_in_flight").increment(1.0);
    gauge!("svc_in_flight", &[("pool", "db")]).decrement(1.0);
    histogram!("svc_latency_seconds").record(started.elapsed());
    let size = histogram!("svc_size_bytes", labels);
    size.record(bytes as f64);
    match bytes {
        0 => counter!("svc_empty_total").increment(1),
        n => counter!("svc_nonempty_total").increment(n),
    }
}

#[tokio::main]
async fn main() -> Result<(), BuildError> {
    describe();
    let handle = install()?;
    let h = handles(vec![Label::new("route", "/")]);
    record(&h, vec![Label::new("pool", "db")], 512, "acme".to_string(), Instant::now());
    println!("{}", handle.render());
    Ok(())
}
