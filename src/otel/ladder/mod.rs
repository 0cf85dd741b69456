//! The version ladder past 0.27 (otel-ladder.md): which releases `--to` may name, the crate
//! versions of each release set (`pairing`), and what each hop changes in manifests
//! (`features`) and in code (`renames`, and `removed`: what is only reported). The one place
//! these facts live: the hop transforms read them.
//!
//! A target is an opentelemetry minor (`0.28`) or `latest`; the default is 0.27, the set
//! today's transforms migrate to. A hop `0.N` moves code from 0.(N-1) to 0.N.

pub mod env;
pub mod features;
pub mod guard;
pub mod pairing;
pub mod removed;
pub mod renames;

/// The `jaeger-propagator` config value that makes the Jaeger propagator's end mechanical
/// (the W3C trace-context propagator replaces it).
pub const JAEGER_TRACE_CONTEXT: &str = "trace-context";

/// The default target: the set the transforms before the hops migrate to.
pub const DEFAULT: u64 = 27;
/// The newest release set the tool knows (`--to latest`).
pub const LATEST: u64 = 33;

/// The targets `--to` accepts, for messages: `0.27, 0.28, …, latest`.
pub fn known_targets() -> String {
    let mut known: Vec<String> = (DEFAULT..=LATEST).map(|m| format!("0.{m}")).collect();
    known.push("latest".to_string());
    known.join(", ")
}

/// The minor a target names: `"0.28"` → 28, `"latest"` → [`LATEST`]; an unknown target is an
/// error listing the known ones.
pub fn parse_target(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text == "latest" {
        return Ok(LATEST);
    }
    text.strip_prefix("0.")
        .and_then(|m| m.parse::<u64>().ok())
        .filter(|m| (DEFAULT..=LATEST).contains(m))
        .ok_or_else(|| {
            format!(
                "unknown target `{text}`: the known targets are {}",
                known_targets()
            )
        })
}

/// The minor of a run's target (`None`: the default). An unknown target counts as the default;
/// it is rejected before the run ([`parse_target`]).
pub fn target_minor(target: Option<&str>) -> u64 {
    target.and_then(|t| parse_target(t).ok()).unwrap_or(DEFAULT)
}

/// The minor a declared requirement is on once the transforms before the hops ran: a package
/// below 0.27 reaches 0.27 first.
pub fn start_minor(declared: &semver::Version) -> u64 {
    if declared.major > 0 {
        return u64::MAX;
    }
    declared.minor.max(DEFAULT)
}

/// The opentelemetry minor a release of `krate` (canonical name) is built on:
/// tracing-opentelemetry 0.(N+1) is built on opentelemetry 0.N, the family shares the minor.
pub fn rung_of(krate: &str, declared: &semver::Version) -> u64 {
    let mut on = declared.clone();
    if krate == "tracing-opentelemetry" {
        on.minor = on.minor.saturating_sub(1);
    }
    start_minor(&on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_unknown_ones_list_the_known() {
        assert_eq!(parse_target("0.28"), Ok(28));
        assert_eq!(parse_target(" 0.27 "), Ok(27));
        assert_eq!(parse_target("latest"), Ok(LATEST));
        for bad in ["0.26", "0.34", "1.0", "0.28.1", "newest", ""] {
            let e = parse_target(bad).unwrap_err();
            assert!(
                e.contains("0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, latest"),
                "{e}"
            );
        }
        assert_eq!(target_minor(None), 27);
        assert_eq!(target_minor(Some("0.31")), 31);
        assert_eq!(start_minor(&semver::Version::new(0, 21, 0)), 27);
        assert_eq!(start_minor(&semver::Version::new(0, 29, 1)), 29);
        let t_o = semver::Version::new(0, 28, 0);
        assert_eq!(rung_of("tracing-opentelemetry", &t_o), 27);
        assert_eq!(rung_of("opentelemetry", &t_o), 28);
    }
}
