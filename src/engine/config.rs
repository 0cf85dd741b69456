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
    /// Dependencies a package is migrated as if it declared them, for code that reaches a crate
    /// its manifest does not name: package directory relative to the project root (`"."` for
    /// the root package) → `["opentelemetry-otlp@0.26", …]`.
    #[serde(default)]
    pub assume_dependencies: BTreeMap<String, Vec<AssumedDependency>>,
    /// Rewrite the public API of a publishable library (an exporter helper's signature and its
    /// callers in the workspace) instead of reporting it with the new signature.
    #[serde(default)]
    pub rewrite_public_api: bool,
    /// The release the run moves code to (`"0.28"`, `"latest"`); the transforms that know the
    /// release set check it ([`crate::engine::transform::Transform::check_config`]). `None`: the
    /// default target.
    pub target: Option<String>,
    /// What to do with the Jaeger propagator when the target no longer has it: `"trace-context"`
    /// rewrites it to the W3C propagator; `None`: report it.
    pub jaeger_propagator: Option<String>,
    /// `false`: never pass rewritten files through rustfmt ([`crate::engine::rustfmt`]). The
    /// run's own switch ([`Config::with_rustfmt`]) can only turn it off too.
    pub rustfmt: Option<bool>,
}

/// `"opentelemetry-otlp@0.26"`: a crate and the version the code is written against.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(try_from = "String")]
pub struct AssumedDependency {
    pub krate: String,
    /// The version requirement as written (`0.26`).
    pub version: String,
}

impl TryFrom<String> for AssumedDependency {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let (krate, version) = text
            .split_once('@')
            .filter(|(k, v)| !k.trim().is_empty() && semver::VersionReq::parse(v.trim()).is_ok())
            .ok_or_else(|| {
                format!("assume-dependencies: `{text}` is not `crate@version` (e.g. `opentelemetry-otlp@0.26`)")
            })?;
        Ok(AssumedDependency {
            krate: krate.trim().to_string(),
            version: version.trim().to_string(),
        })
    }
}

impl Config {
    /// The dependencies assumed for the package in `dir` (relative to the project root).
    pub fn assumed_dependencies(&self, dir: &Path) -> &[AssumedDependency] {
        self.assume_dependencies
            .iter()
            .find(|(key, _)| {
                let key = Path::new(key.trim_end_matches('/'));
                let key = key.strip_prefix(".").unwrap_or(key);
                key == dir
            })
            .map_or(&[], |(_, deps)| deps.as_slice())
    }
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

    /// Whether rewritten files that were rustfmt-clean go through rustfmt: the run allows it
    /// (the command line's default) and the project's config does not say `rustfmt = false`.
    pub fn with_rustfmt(mut self, run_allows: bool) -> Config {
        self.rustfmt = Some(run_allows && self.rustfmt.unwrap_or(true));
        self
    }

    /// See [`Config::with_rustfmt`]; a config no run settled formats nothing.
    pub fn formats_with_rustfmt(&self) -> bool {
        self.rustfmt == Some(true)
    }

    /// `--to` wins over the config's `target`.
    pub fn with_target(mut self, to: Option<&str>) -> Config {
        if let Some(to) = to {
            self.target = Some(to.to_string());
        }
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
        let ladder =
            Config::parse("target = \"0.29\"\njaeger-propagator = \"trace-context\"").unwrap();
        assert_eq!(ladder.target.as_deref(), Some("0.29"));
        assert_eq!(
            ladder.clone().with_target(Some("latest")).target.as_deref(),
            Some("latest")
        );
        assert_eq!(ladder.with_target(None).target.as_deref(), Some("0.29"));
    }

    #[test]
    fn assumed_dependencies_are_found_by_package_directory() {
        let c = Config::parse(
            "[assume-dependencies]\n\".\" = [\"opentelemetry@0.26\"]\n\"./crates/api/\" = [\" opentelemetry-otlp @ 0.21 \"]\n",
        )
        .unwrap();
        let root = c.assumed_dependencies(Path::new(""));
        assert_eq!(
            (root[0].krate.as_str(), root[0].version.as_str()),
            ("opentelemetry", "0.26")
        );
        let api = c.assumed_dependencies(Path::new("crates/api"));
        assert_eq!(
            (api[0].krate.as_str(), api[0].version.as_str()),
            ("opentelemetry-otlp", "0.21")
        );
        assert!(c.assumed_dependencies(Path::new("crates")).is_empty());
        for bad in [
            r#""x" = ["opentelemetry"]"#,
            r#""x" = ["@0.26"]"#,
            r#""x" = ["a@latest"]"#,
        ] {
            assert!(
                Config::parse(&format!("[assume-dependencies]\n{bad}")).is_err(),
                "{bad}"
            );
        }
    }
}
