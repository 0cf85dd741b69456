//! Service-name rewrites that change an expression's shape (`env!` → literal,
//! `.replace('-', ".")` → `.to_string()`) must still type-check; the config default and the
//! test asserting it are renamed together. The directory name is the component: `edge-agent`.
#![deny(deprecated)]

use opentelemetry::KeyValue;

pub const SERVICE_NAME: &str = "llm-edge-proxy";

pub struct TelemetryConfig {
    pub service_name: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            service_name: "llm-edge-agent".to_string(),
        }
    }
}

pub fn attributes(cfg: &TelemetryConfig) -> Vec<KeyValue> {
    vec![
        KeyValue::new("service.name", env!("CARGO_PKG_NAME")),
        KeyValue::new("service.name", SERVICE_NAME.replace('-', ".")),
        KeyValue::new("service.name", cfg.service_name.replace('-', ".")),
        KeyValue::new(
            "service.name",
            std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "llm-edge-agent".to_string()),
        ),
    ]
}

pub fn dotted() -> String {
    let name: String = env!("CARGO_PKG_NAME").replace('-', ".");
    name
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_service_name() {
        assert_eq!(
            super::TelemetryConfig::default().service_name,
            "llm-edge-agent"
        );
    }
}
