//! `otel-migrate.toml`: per-project settings. The batch file's `[[repo]]` entries take the
//! same keys, so both deserialize into [`Config`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::engine::finding::{Finding, Severity};

pub const CONFIG_FILE: &str = "otel-migrate.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// Run only these transforms (ids).
    #[serde(default)]
    pub only: Vec<String>,
    /// Never run these transforms (ids).
    #[serde(default)]
    pub skip: Vec<String>,
    /// Also migrate Rust files that belong to no package.
    #[serde(default)]
    pub include_orphans: bool,
    /// Add OpenTelemetry to a tracing-only service (batch mode).
    #[serde(default)]
    pub adopt: bool,
    /// Findings to suppress for the whole project.
    #[serde(default)]
    pub allow: Vec<AllowRule>,
    /// Target version overrides: crate name → plain version (`opentelemetry_sdk = "0.27.1"`),
    /// written with the requirement's own operator (see `otel-migrate explain manifest-versions`).
    #[serde(default)]
    pub targets: BTreeMap<String, String>,
    #[serde(default)]
    pub service_name: ServiceNameConfig,
    /// Write changed files through symbolic links that lead outside the tree. Honoured only
    /// where the user names the config (`--config FILE`, a batch entry): a repository's own
    /// file must not be able to send writes elsewhere ([`ignored_permission`]).
    #[serde(default)]
    pub write_through_symlinks: bool,
}

/// The `warning` for a repository's own config that sets `write-through-symlinks`: ignored.
pub fn ignored_permission(config_file: &Path) -> Finding {
    Finding::about_path(
        config_file,
        "engine",
        Severity::Warning,
        "`write-through-symlinks` in a repository's own config is ignored: the repository cannot allow writes outside itself",
    )
    .with_suggestion("pass --write-through-symlinks, or set it in the file given to --config or in the batch entry")
}

/// `allow = ["service-name"]` or `allow = [{ transform = "service-name", path = "src/legacy/**" }]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum AllowRule {
    Transform(String),
    Scoped {
        transform: String,
        /// A glob relative to the project root.
        path: Option<String>,
    },
}

impl AllowRule {
    pub fn transform(&self) -> &str {
        match self {
            AllowRule::Transform(t) => t,
            AllowRule::Scoped { transform, .. } => transform,
        }
    }

    /// Whether this rule suppresses a finding of `transform` in `relative_path`.
    pub fn matches(&self, transform: &str, relative_path: &Path) -> bool {
        if self.transform() != transform {
            return false;
        }
        match self {
            AllowRule::Transform(_) => true,
            AllowRule::Scoped { path: None, .. } => true,
            AllowRule::Scoped {
                path: Some(glob), ..
            } => globset::Glob::new(glob)
                .map(|g| g.compile_matcher().is_match(relative_path))
                .unwrap_or(false),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceNameConfig {
    /// Default `llm`.
    pub prefix: Option<String>,
    /// Default: the project directory's name.
    pub component: Option<String>,
    /// Package name → subcomponent (`""` = the component itself).
    #[serde(default)]
    pub crates: BTreeMap<String, String>,
    /// Exact literal renames; win over every rule.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("invalid {}: {e}", path.display()))
    }

    /// Command-line `--only`/`--skip` narrow what the config allows.
    pub fn merged_with_cli(
        mut self,
        only: &[String],
        skip: &[String],
        include_orphans: bool,
    ) -> Config {
        if !only.is_empty() {
            self.only = only.to_vec();
        }
        self.skip.extend(skip.iter().cloned());
        self.include_orphans |= include_orphans;
        self
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| o == id))
            && !self.skip.iter().any(|s| s == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key_and_rejects_typos() {
        let c = Config::parse(
            "skip = [\"service-name\"]\nallow = [\"jaeger-pipeline\", { transform = \"metrics-macros\", path = \"crates/legacy/**\" }]\n[targets]\nopentelemetry = \"0.27\"\n[service-name]\ncomponent = \"edge-agent\"\n[service-name.crates]\nllm-edge-proxy = \"proxy\"\n",
        )
        .unwrap();
        assert!(!c.is_enabled("service-name"));
        assert!(c.is_enabled("jaeger-pipeline"));
        assert_eq!(c.service_name.crates["llm-edge-proxy"], "proxy");
        assert!(c.allow[1].matches("metrics-macros", Path::new("crates/legacy/src/a.rs")));
        assert!(!c.allow[1].matches("metrics-macros", Path::new("crates/new/src/a.rs")));
        assert!(Config::parse("skipp = []").is_err());
        assert!(
            Config::parse("write-through-symlinks = true").is_ok_and(|c| c.write_through_symlinks)
        );
        assert!(Config::parse("write-through-symlink = true").is_err());
    }
}
