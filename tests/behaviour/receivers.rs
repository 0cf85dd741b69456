//! The receivers a probe exports to, all in this process on 127.0.0.1 with ports the OS picks:
//! one OTLP port that answers gRPC (HTTP/2, tonic) and OTLP/HTTP protobuf (`/v1/traces`,
//! `/v1/metrics` over HTTP/1.1) — the edge agent sends both to one endpoint in HTTP mode — and
//! a UDP socket standing in for the Jaeger agent. They keep what arrives; nothing is forwarded.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;

/// How an OTLP request reached the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Grpc,
    HttpProtobuf,
}

/// Everything the receivers were sent, in arrival order.
#[derive(Debug, Default, Clone)]
pub struct Arrivals {
    pub traces: Vec<(Transport, ExportTraceServiceRequest)>,
    pub metrics: Vec<(Transport, ExportMetricsServiceRequest)>,
    /// Raw UDP datagrams (Thrift compact `emitBatch` calls).
    pub jaeger: Vec<Vec<u8>>,
}

type Shared = Arc<Mutex<Arrivals>>;

/// The running receivers; dropping them stops the servers with their runtime.
pub struct Receivers {
    runtime: tokio::runtime::Runtime,
    arrivals: Shared,
    pub otlp_port: u16,
    pub jaeger_port: u16,
}

#[derive(Clone)]
struct Sink(Shared);

#[tonic::async_trait]
impl TraceService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut arrivals = self.0.lock().unwrap();
        arrivals
            .traces
            .push((Transport::Grpc, request.into_inner()));
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let mut arrivals = self.0.lock().unwrap();
        arrivals
            .metrics
            .push((Transport::Grpc, request.into_inner()));
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

/// An OTLP/HTTP protobuf body, kept when it decodes; a body that does not is a 400 (and the
/// comparison then misses the signal and says so).
fn keep_http<M: Message + Default, R: Message + Default>(
    arrivals: &Shared,
    body: &Bytes,
    push: impl FnOnce(&mut Arrivals, M),
) -> (axum::http::StatusCode, Vec<u8>) {
    match M::decode(body.as_ref()) {
        Ok(request) => {
            push(&mut arrivals.lock().unwrap(), request);
            (axum::http::StatusCode::OK, R::default().encode_to_vec())
        }
        Err(_) => (axum::http::StatusCode::BAD_REQUEST, Vec::new()),
    }
}

impl Receivers {
    pub fn start() -> Receivers {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for the receivers");
        let arrivals: Shared = Arc::default();
        let (otlp_port, jaeger_port) = runtime.block_on(async {
            let otlp = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind the OTLP receiver on 127.0.0.1");
            let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("bind the Jaeger agent socket on 127.0.0.1");
            let ports = (
                otlp.local_addr().unwrap().port(),
                udp.local_addr().unwrap().port(),
            );
            let sink = Sink(arrivals.clone());
            let (traces, metrics) = (arrivals.clone(), arrivals.clone());
            let router = tonic::service::Routes::new(TraceServiceServer::new(sink.clone()))
                .add_service(MetricsServiceServer::new(sink))
                .into_axum_router()
                .route(
                    "/v1/traces",
                    post(move |body: Bytes| async move {
                        keep_http::<ExportTraceServiceRequest, ExportTraceServiceResponse>(
                            &traces,
                            &body,
                            |a, r| a.traces.push((Transport::HttpProtobuf, r)),
                        )
                    }),
                )
                .route(
                    "/v1/metrics",
                    post(move |body: Bytes| async move {
                        keep_http::<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(
                            &metrics,
                            &body,
                            |a, r| a.metrics.push((Transport::HttpProtobuf, r)),
                        )
                    }),
                );
            tokio::spawn(async move {
                let _ = axum::serve(otlp, router).await;
            });
            let jaeger = arrivals.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65_536];
                while let Ok(n) = udp.recv(&mut buf).await {
                    jaeger.lock().unwrap().jaeger.push(buf[..n].to_vec());
                }
            });
            ports
        });
        Receivers {
            runtime,
            arrivals,
            otlp_port,
            jaeger_port,
        }
    }

    /// What has arrived so far.
    pub fn snapshot(&self) -> Arrivals {
        self.arrivals.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what arrived, or `limit` passes; returns what arrived.
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&Arrivals) -> bool) -> Arrivals {
        let deadline = Instant::now() + limit;
        loop {
            let now = self.snapshot();
            if done(&now) || Instant::now() >= deadline {
                return now;
            }
            self.runtime
                .block_on(tokio::time::sleep(Duration::from_millis(50)));
        }
    }
}
