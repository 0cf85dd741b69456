//! The recorder side of a metrics 0.21 + metrics-exporter-prometheus 0.12 service: a custom
//! forwarding `Recorder`, `build()` + `set_boxed_recorder`, the exporter future's error,
//! an exhaustive `BuildError` match, direct recorder use, `SharedString` and `Unit`.
#![deny(deprecated)]

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{BuildError, PrometheusBuilder};

struct Forwarding<R> {
    inner: R,
}

impl<R: Recorder> Recorder for Forwarding<R> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.inner.describe_counter(key, unit, description)
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.inner.describe_gauge(key, unit, description)
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.inner.describe_histogram(key, unit, description)
    }
    fn register_counter(&self, key: &Key) -> Counter {
        self.inner.register_counter(key)
    }
    fn register_gauge(&self, key: &Key) -> Gauge {
        self.inner.register_gauge(key)
    }
    fn register_histogram(&self, _key: &Key) -> Histogram {
        Histogram::noop()
    }
}

fn explain(e: &BuildError) -> &'static str {
    match e {
        BuildError::FailedToCreateRuntime(_) => "runtime",
        BuildError::FailedToCreateHTTPListener(_) => "listener",
        BuildError::FailedToSetGlobalRecorder(_) => "recorder",
        BuildError::InvalidAllowlistAddress(_) => "allowlist",
        BuildError::InvalidPushGatewayEndpoint(_) => "push gateway",
        BuildError::MissingExporterConfiguration => "configuration",
        BuildError::EmptyBucketsOrQuantiles => "buckets",
    }
}

fn service_name() -> SharedString {
    SharedString::owned("svc".to_string())
}

fn describe() {
    metrics::describe_gauge!("svc_memory", Unit::Gigibytes, "Resident memory");
}

fn direct(key: Key) {
    metrics::recorder().register_counter(&key).increment(1);
    if let Some(r) = metrics::try_recorder() {
        r.describe_counter(KeyName::from("svc_direct_total"), None, service_name());
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (recorder, exporter) = match PrometheusBuilder::new()
        .with_http_listener(([127, 0, 0, 1], 0))
        .build()
    {
        Ok(built) => built,
        Err(e) => {
            eprintln!("cannot build the exporter: {}", explain(&e));
            return Err(e.into());
        }
    };
    let handle = recorder.handle();
    metrics::set_boxed_recorder(Box::new(Forwarding { inner: recorder }))?;
    tokio::spawn(async move {
        if let Err(e) = exporter.await {
            eprintln!("exporter failed: {e}");
        }
    });
    describe();
    direct(Key::from_name("svc_direct_total"));
    metrics::increment_counter!("svc_started_total");
    tokio::time::sleep(Duration::from_millis(1)).await;
    println!("{}", handle.render());
    Ok(())
}
