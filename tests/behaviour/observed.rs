//! What one run of a probe delivered, reduced to what a reviewer of a migration cares about,
//! and the comparison of a run before migration with one after.

use std::collections::{BTreeMap, BTreeSet};

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::resource::v1::Resource;

use crate::jaeger_thrift::decode_emit_batch;
use crate::receivers::{Arrivals, Transport};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Metric {
    pub name: String,
    /// `delta`, `cumulative`, or the data kind when it has none (`gauge`).
    pub temporality: String,
}

/// One run's telemetry. Resource and service name come from each batch; a run whose batches
/// disagree keeps every value seen (joined with ` | `), so the comparison shows the split.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// `otlp-grpc`, `otlp-http-protobuf`, `jaeger-udp-thrift` (every one seen).
    pub protocols: BTreeSet<String>,
    pub service_names: BTreeSet<String>,
    pub resource: BTreeMap<String, BTreeSet<String>>,
    pub spans: BTreeSet<Span>,
    pub metrics: BTreeSet<Metric>,
}

fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn attributes(kvs: &[KeyValue]) -> BTreeMap<String, String> {
    kvs.iter()
        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
        .collect()
}

fn protocol(t: Transport) -> &'static str {
    match t {
        Transport::Grpc => "otlp-grpc",
        Transport::HttpProtobuf => "otlp-http-protobuf",
    }
}

const SERVICE_NAME: &str = "service.name";

impl Observed {
    fn resource_seen(&mut self, resource: BTreeMap<String, String>) {
        for (k, v) in resource {
            if k == SERVICE_NAME {
                self.service_names.insert(v.clone());
            }
            self.resource.entry(k).or_default().insert(v);
        }
    }

    fn otlp_batch_seen(&mut self, transport: Transport, resource: Option<&Resource>) {
        self.protocols.insert(protocol(transport).to_string());
        self.resource_seen(
            resource
                .map(|r| attributes(&r.attributes))
                .unwrap_or_default(),
        );
    }

    /// Reads every arrival; a datagram that is not a Jaeger batch is an error.
    pub fn from_arrivals(arrivals: &Arrivals) -> Result<Observed, String> {
        let mut out = Observed::default();
        for (transport, request) in &arrivals.traces {
            for rs in &request.resource_spans {
                out.otlp_batch_seen(*transport, rs.resource.as_ref());
                for span in rs.scope_spans.iter().flat_map(|s| &s.spans) {
                    out.spans.insert(Span {
                        name: span.name.clone(),
                        attributes: attributes(&span.attributes),
                    });
                }
            }
        }
        for (transport, request) in &arrivals.metrics {
            for rm in &request.resource_metrics {
                out.otlp_batch_seen(*transport, rm.resource.as_ref());
                for metric in rm.scope_metrics.iter().flat_map(|s| &s.metrics) {
                    let temporality = match &metric.data {
                        Some(Data::Sum(s)) => s.aggregation_temporality().as_str_name(),
                        Some(Data::Histogram(h)) => h.aggregation_temporality().as_str_name(),
                        Some(Data::ExponentialHistogram(h)) => {
                            h.aggregation_temporality().as_str_name()
                        }
                        Some(Data::Gauge(_)) => "gauge",
                        Some(Data::Summary(_)) => "summary",
                        None => "none",
                    };
                    out.metrics.insert(Metric {
                        name: metric.name.clone(),
                        temporality: temporality
                            .trim_start_matches("AGGREGATION_TEMPORALITY_")
                            .to_ascii_lowercase(),
                    });
                }
            }
        }
        for datagram in &arrivals.jaeger {
            let batch = decode_emit_batch(datagram)?;
            out.protocols.insert("jaeger-udp-thrift".to_string());
            // The agent protocol carries the service name beside the process tags.
            out.service_names.insert(batch.service_name.clone());
            let mut resource = batch.process_tags;
            resource.insert(SERVICE_NAME.to_string(), batch.service_name);
            out.resource_seen(resource);
            for span in batch.spans {
                out.spans.insert(Span {
                    name: span.operation_name,
                    attributes: span.tags,
                });
            }
        }
        Ok(out)
    }

    pub fn span(&self, name: &str) -> Option<&Span> {
        self.spans.iter().find(|s| s.name == name)
    }
}

/// Resource keys an SDK sets by itself: their presence and values follow the SDK version, not
/// the service's code.
fn sdk_supplied(key: &str) -> bool {
    key.starts_with("telemetry.sdk.")
}

/// Span attributes whose value differs on every run (timings, thread ids).
fn volatile(key: &str) -> bool {
    matches!(key, "busy_ns" | "idle_ns" | "thread.id")
}

/// Every way `after` differs from `before` in what a reviewer must see unchanged: the service
/// name (`expected_service_name`: the before name after the naming rule), the resource (keys
/// and values, apart from the SDK's own `telemetry.sdk.*`), the probe span (name and
/// attributes; timing values aside) and the metrics (name and temporality). Empty: the same.
pub fn differences(
    before: &Observed,
    after: &Observed,
    expected_service_name: &str,
    probe_span: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    let expected = BTreeSet::from([expected_service_name.to_string()]);
    if after.service_names != expected {
        out.push(format!(
            "service name: after {:?}, expected {:?} (before {:?})",
            after.service_names, expected, before.service_names
        ));
    }
    let keys = |o: &Observed| -> BTreeSet<String> {
        o.resource
            .keys()
            .filter(|k| !sdk_supplied(k))
            .cloned()
            .collect()
    };
    let (before_keys, after_keys) = (keys(before), keys(after));
    if before_keys != after_keys {
        out.push(format!(
            "resource keys: before {before_keys:?}, after {after_keys:?}"
        ));
    }
    for key in before_keys.intersection(&after_keys) {
        if key != SERVICE_NAME && before.resource[key] != after.resource[key] {
            out.push(format!(
                "resource `{key}`: before {:?}, after {:?}",
                before.resource[key], after.resource[key]
            ));
        }
    }
    match (before.span(probe_span), after.span(probe_span)) {
        (Some(b), Some(a)) => {
            let (bk, ak): (BTreeSet<_>, BTreeSet<_>) =
                (b.attributes.keys().collect(), a.attributes.keys().collect());
            if bk != ak {
                out.push(format!(
                    "span `{probe_span}` attribute keys: before {bk:?}, after {ak:?}"
                ));
            }
            for (k, v) in &b.attributes {
                if !volatile(k) && a.attributes.get(k).is_some_and(|w| w != v) {
                    out.push(format!(
                        "span `{probe_span}` attribute `{k}`: before {v:?}, after {:?}",
                        a.attributes[k]
                    ));
                }
            }
        }
        (b, a) => out.push(format!(
            "span `{probe_span}`: before {}, after {}",
            if b.is_some() { "arrived" } else { "missing" },
            if a.is_some() { "arrived" } else { "missing" },
        )),
    }
    if before.metrics != after.metrics {
        out.push(format!(
            "metrics: before {:?}, after {:?}",
            before.metrics, after.metrics
        ));
    }
    out
}

/// The comparator on hand-made observations (no build): it must stay quiet where only the SDK
/// or timing differs, and speak where a reviewer would care.
#[cfg(test)]
mod comparator {
    use super::*;

    fn observed(service: &str, temporality: &str, sdk: &str, busy: &str) -> Observed {
        let mut o = Observed::default();
        o.resource_seen(BTreeMap::from([
            (SERVICE_NAME.to_string(), service.to_string()),
            ("service.version".to_string(), "1.0".to_string()),
            ("telemetry.sdk.version".to_string(), sdk.to_string()),
        ]));
        o.spans.insert(Span {
            name: "probe".to_string(),
            attributes: BTreeMap::from([
                ("busy_ns".to_string(), busy.to_string()),
                ("probe.kind".to_string(), "span".to_string()),
            ]),
        });
        o.metrics.insert(Metric {
            name: "requests".to_string(),
            temporality: temporality.to_string(),
        });
        o
    }

    #[test]
    fn sdk_version_and_timings_are_not_differences() {
        let before = observed("svc", "delta", "0.26.0", "10");
        let after = observed("llm.svc", "delta", "0.27.1", "99");
        assert_eq!(
            differences(&before, &after, "llm.svc", "probe"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_renamed_service_the_rule_did_not_give_and_a_changed_temporality_are() {
        let before = observed("svc", "delta", "0.26.0", "10");
        let after = observed("svc", "cumulative", "0.27.1", "10");
        let found = differences(&before, &after, "llm.svc", "probe");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("service name:"), "{found:?}");
        assert!(found[1].starts_with("metrics:"), "{found:?}");
    }
}
