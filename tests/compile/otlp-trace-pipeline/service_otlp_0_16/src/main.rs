#![deny(deprecated)]
//! A service on opentelemetry-otlp 0.16, the last release whose `install_*` returned a `Tracer`
//! (and registered the provider globally), combining setup shapes in one package: a
//! feature-gated telemetry module, the exporter chosen by a `match` on the configured protocol,
//! a pipeline kept in a `let mut` with a conditional sampler, `anyhow` context at the install
//! site, an exporter helper in another module, one exporter helper shared by the trace, metrics
//! and logs pipelines, and the endpoint from a config default.

mod config;
#[cfg(feature = "telemetry")]
mod exporters;
#[cfg(feature = "telemetry")]
mod telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cfg = config::Config::default();
    #[cfg(feature = "telemetry")]
    {
        let provider = telemetry::init(&cfg)?;
        let audit = telemetry::audit(&cfg)?;
        let platform = telemetry::platform(&cfg)?;
        drop((provider, audit, platform));
    }
    drop(cfg);
    Ok(())
}
