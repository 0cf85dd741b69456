/// Where the collector listens unless configured otherwise.
pub const DEFAULT_COLLECTOR: &str = "http://localhost:4317";

#[allow(dead_code)]
pub enum Protocol {
    Grpc,
    HttpBinary,
}

pub struct Config {
    pub endpoint: String,
    pub protocol: Protocol,
    pub sample_ratio: Option<f64>,
    pub audit_endpoint: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            endpoint: DEFAULT_COLLECTOR.to_string(),
            protocol: Protocol::Grpc,
            sample_ratio: Some(0.25),
            audit_endpoint: std::env::var("AUDIT_COLLECTOR").ok(),
        }
    }
}
