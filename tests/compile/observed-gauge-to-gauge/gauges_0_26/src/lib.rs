#![deny(deprecated)]
//! Observable gauges made without a callback and observed where the value is known (the
//! shape of services that poll a queue or an allocator and push the figure): a field behind an
//! `Option` filled from a `try_init()` handed to a helper, a plain field, a helper taking the
//! gauge by reference. They become synchronous gauges (`record`).

use opentelemetry::metrics::{Meter, MetricsError, ObservableGauge};
use opentelemetry::KeyValue;

fn keep<T>(made: Result<T, MetricsError>) -> Option<T> {
    match made {
        Ok(instrument) => Some(instrument),
        Err(e) => {
            eprintln!("instrument skipped: {e}");
            None
        }
    }
}

#[derive(Clone)]
pub struct ShardMetrics {
    pending: Option<ObservableGauge<u64>>,
    lag_seconds: ObservableGauge<f64>,
    balance: ObservableGauge<i64>,
}

impl ShardMetrics {
    pub fn new(meter: &Meter) -> Self {
        Self {
            pending: keep(
                meter
                    .u64_observable_gauge("shard.pending")
                    .with_description("records not yet applied")
                    .try_init(),
            ),
            lag_seconds: meter.f64_observable_gauge("shard.lag").init(),
            balance: meter.i64_observable_gauge("shard.balance").init(),
        }
    }

    pub fn pending(&self, n: u64, shard: u32) {
        if let Some(g) = &self.pending {
            g.observe(n, &[KeyValue::new("shard", shard as i64)]);
        }
    }

    pub fn lag(&self, seconds: f64) {
        push(&self.lag_seconds, seconds);
    }

    pub fn rebalance(&self, delta: i64) {
        let gauge = &self.balance;
        gauge.observe(delta, &[]);
    }
}

fn push(gauge: &ObservableGauge<f64>, value: f64) {
    gauge.observe(value, &[]);
}

pub fn sample(meter: &Meter) {
    let metrics = ShardMetrics::new(meter);
    metrics.pending(3, 1);
    metrics.lag(0.5);
    metrics.rebalance(-2);
}
