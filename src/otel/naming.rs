//! Service names: the `llm.{component}[.{subcomponent}]` convention (design.md §6) and the
//! mapping from the spellings found in code and deployment files to it. Pure string logic, no
//! syntax and no run: the caller hands over the component, the package names and the
//! configured [`NamingRules`] (the `service-name` transform reads them from the project).
//!
//! Parts are separated by dots; hyphens stay inside a part (`llm.edge-agent.proxy`). A crate's
//! subcomponent is configured (`[service-name.crates]`) or follows the default rule: strip a
//! leading `llm-`, then the component and `-` (`edge-agent-`), else the component's first word
//! and `-` (`edge-`); what is left is the subcomponent, nothing left means the component itself.

use std::collections::BTreeMap;

pub const DEFAULT_PREFIX: &str = "llm";

/// The configured part of the convention (`[service-name]` of `otel-migrate.toml`), borrowed
/// from wherever the caller keeps it.
#[derive(Debug, Clone, Copy)]
pub struct NamingRules<'a> {
    /// `None`: [`DEFAULT_PREFIX`].
    pub prefix: Option<&'a str>,
    /// Package name → subcomponent (`""` = the component itself).
    pub crates: &'a BTreeMap<String, String>,
    /// Exact literal → name; wins over every rule.
    pub rename: &'a BTreeMap<String, String>,
}

/// The naming rules of one project: prefix, component, every crate's name and the known
/// non-conforming spellings of those names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    prefix: String,
    component: String,
    /// Package name → its conforming service name.
    crates: BTreeMap<String, String>,
    /// `[service-name.rename]`: exact literal → name.
    rename: BTreeMap<String, String>,
    /// Non-conforming spelling → every name it may stand for (one = certain).
    forms: BTreeMap<String, Vec<String>>,
}

/// What to do with a service-name literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapping {
    /// Already follows the convention: leave it.
    Conforming,
    /// A certain rename.
    Rename { to: String, reason: String },
    /// Looks like a service name but is not in the map: report, with the likely names.
    Unknown { candidates: Vec<String> },
}

/// `llm-Edge_Proxy` → `llm-edge-proxy`: the spelling crate names are compared in.
fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

/// Whether `part` is one part of a conforming name: lowercase words joined by single hyphens.
fn is_part(part: &str) -> bool {
    !part.is_empty()
        && part.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether `name` has the shape `{prefix}.part[.part]` (`llm.edge-agent.proxy`).
pub fn has_conforming_shape(prefix: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    (1..=2).contains(&parts.len()) && parts.iter().all(|p| is_part(p))
}

impl Naming {
    /// The naming of a project whose component is `component` and whose packages are named
    /// `crate_names`.
    pub fn new<'a>(
        rules: NamingRules<'_>,
        component: &str,
        crate_names: impl IntoIterator<Item = &'a str>,
    ) -> Naming {
        let prefix = rules.prefix.unwrap_or(DEFAULT_PREFIX).to_string();
        let mut naming = Naming {
            prefix,
            component: normalize(component),
            crates: BTreeMap::new(),
            rename: rules.rename.clone(),
            forms: BTreeMap::new(),
        };
        let configured: BTreeMap<String, &String> = rules
            .crates
            .iter()
            .map(|(k, v)| (normalize(k), v))
            .collect();
        for krate in crate_names {
            let key = normalize(krate);
            let sub = match configured.get(&key) {
                Some(s) if s.is_empty() => None,
                Some(s) => Some(s.to_string()),
                None => naming.default_subcomponent(&key),
            };
            let name = naming.join(sub.as_deref());
            naming.crates.insert(krate.to_string(), name);
        }
        naming.build_forms();
        naming
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn component(&self) -> &str {
        &self.component
    }

    /// `llm.{component}`.
    pub fn component_name(&self) -> String {
        self.join(None)
    }

    /// The service name of a package of the workspace (the default rule for an unknown one).
    pub fn name_of_crate(&self, krate: &str) -> String {
        self.crates
            .get(krate)
            .cloned()
            .unwrap_or_else(|| self.join(self.default_subcomponent(&normalize(krate)).as_deref()))
    }

    /// Every package with its service name, sorted by package name.
    pub fn crate_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.crates.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn join(&self, sub: Option<&str>) -> String {
        match sub {
            Some(s) => format!("{}.{}.{}", self.prefix, self.component, s),
            None => format!("{}.{}", self.prefix, self.component),
        }
    }

    /// `llm-edge-proxy` → `edge-proxy` (also `{prefix}-` when the prefix is not `llm`).
    fn strip_prefix_word<'s>(&self, name: &'s str) -> &'s str {
        name.strip_prefix(&format!("{}-", self.prefix))
            .or_else(|| name.strip_prefix("llm-"))
            .unwrap_or(name)
    }

    fn first_word(&self) -> &str {
        self.component.split('-').next().unwrap_or(&self.component)
    }

    /// The default rule: `llm-edge-proxy` → `proxy`, `llm-policy-engine-cel` → `cel`,
    /// `llm-cost-ops` → none (the component itself).
    pub fn default_subcomponent(&self, krate: &str) -> Option<String> {
        let krate = normalize(krate);
        let rest = self.strip_prefix_word(&krate);
        if rest == self.component || rest == self.first_word() {
            return None;
        }
        let rest = rest
            .strip_prefix(&format!("{}-", self.component))
            .or_else(|| rest.strip_prefix(&format!("{}-", self.first_word())))
            .unwrap_or(rest);
        (!rest.is_empty()).then(|| rest.to_string())
    }

    /// Whether `name` has the shape `prefix.part[.part]`.
    pub fn is_conforming_shape(&self, name: &str) -> bool {
        has_conforming_shape(&self.prefix, name)
    }

    /// The spellings of the component's and every crate's name that mean that name for
    /// certain: hyphenated, `llm-`-prefixed, half-dotted (`llm.edge-proxy`,
    /// `llm.edge-agent-proxy`), fully dotted (`llm.edge.agent`, what `.replace('-', ".")`
    /// makes) and snake case.
    fn build_forms(&mut self) {
        let p = self.prefix.clone();
        let mut entities: Vec<(String, String)> = vec![(self.component.clone(), self.join(None))];
        for (krate, name) in &self.crates {
            entities.push((normalize(krate), name.clone()));
            // The target's own hyphenation: `edge-agent-proxy` for `llm.edge-agent.proxy`.
            let inner = name.strip_prefix(&format!("{p}.")).unwrap_or(name);
            entities.push((inner.replace('.', "-"), name.clone()));
        }
        let mut forms: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (hyphenated, name) in entities {
            let bare = self.strip_prefix_word(&hyphenated).to_string();
            let spellings = [
                hyphenated.clone(),
                format!("llm-{bare}"),
                bare.clone(),
                format!("{p}-{bare}"),
                format!("{p}.{bare}"),
                format!("{p}.{}", bare.replace('-', ".")),
                bare.replace('-', "_"),
                format!("{p}_{}", bare.replace('-', "_")),
            ];
            for s in spellings {
                if s == name {
                    continue;
                }
                let targets = forms.entry(s).or_default();
                if !targets.contains(&name) {
                    targets.push(name.clone());
                }
            }
        }
        // A spelling that is some entity's conforming name is never a form of another one.
        let names: Vec<String> = std::iter::once(self.join(None))
            .chain(self.crates.values().cloned())
            .collect();
        forms.retain(|s, _| !names.contains(s));
        // A crate's own name means that crate, whatever else it could be a spelling of.
        for (krate, name) in &self.crates {
            let k = normalize(krate);
            if &k != name {
                forms.insert(k, vec![name.clone()]);
            }
        }
        self.forms = forms;
    }

    /// The likely conforming names for an unknown spelling, most likely first.
    fn guesses(&self, literal: &str) -> Vec<String> {
        let lower = literal.trim().to_ascii_lowercase();
        let stripped = lower
            .strip_prefix(&format!("{}.", self.prefix))
            .map(|r| r.replace('.', "-"))
            .unwrap_or_else(|| lower.replace('.', "-"));
        let guess = self.name_of_crate(&stripped);
        let mut out = Vec::new();
        if self.is_conforming_shape(&guess) {
            out.push(guess);
        }
        out
    }

    /// How to treat `literal`, a value found at a service-name site of crate `krate`.
    pub fn classify(&self, literal: &str, krate: Option<&str>) -> Mapping {
        if let Some(to) = self.rename.get(literal) {
            if to == literal {
                return Mapping::Conforming;
            }
            return Mapping::Rename {
                to: to.clone(),
                reason: "configured in `[service-name.rename]`".to_string(),
            };
        }
        let lookup = self
            .forms
            .get(literal)
            .or_else(|| self.forms.get(&literal.to_ascii_lowercase()));
        if let Some(targets) = lookup {
            if let [to] = targets.as_slice() {
                return Mapping::Rename {
                    to: to.clone(),
                    reason: self.reason_for(to),
                };
            }
            return Mapping::Unknown {
                candidates: targets.clone(),
            };
        }
        if self.is_conforming_shape(literal) {
            // `llm.edge-agent-metrics` and `llm.edge.metrics` are this component's names
            // half-dotted: conforming in shape, wrong in the parts.
            let first = literal[self.prefix.len() + 1..]
                .split('.')
                .next()
                .unwrap_or("");
            let half_dotted = first.starts_with(&format!("{}-", self.component))
                || (first == self.first_word() && first != self.component);
            if !half_dotted {
                return Mapping::Conforming;
            }
        }
        let mut candidates = self.guesses(literal);
        if let Some(k) = krate {
            let own = self.name_of_crate(k);
            if !candidates.contains(&own) {
                candidates.push(own);
            }
        }
        let component = self.component_name();
        if !candidates.contains(&component) {
            candidates.push(component);
        }
        Mapping::Unknown { candidates }
    }

    fn reason_for(&self, name: &str) -> String {
        if name == self.component_name() {
            return format!("the repository's component `{}`", self.component);
        }
        match self.crates.iter().find(|(_, n)| *n == name) {
            Some((krate, _)) => format!("the crate `{krate}`"),
            None => "a configured name".to_string(),
        }
    }

    /// The `otel-migrate.toml` line that would make `literal` map to `name`.
    pub fn rename_config_line(literal: &str, name: &str) -> String {
        format!("[service-name.rename] \"{literal}\" = \"{name}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: &BTreeMap<String, String> = &BTreeMap::new();

    /// No configuration: the default prefix, the default rule, no renames.
    const DEFAULT_RULES: NamingRules<'static> = NamingRules {
        prefix: None,
        crates: NONE,
        rename: NONE,
    };

    fn naming(component: &str, crates: &[&str]) -> Naming {
        Naming::new(DEFAULT_RULES, component, crates.iter().copied())
    }

    #[test]
    fn conforming_shape_of_a_name() {
        assert!(has_conforming_shape("llm", "llm.shield"));
        assert!(has_conforming_shape("llm", "llm.edge-agent.proxy"));
        assert!(!has_conforming_shape("llm", "llm-shield"));
        assert!(!has_conforming_shape("llm", "llm.edge.agent.proxy"));
        assert!(!has_conforming_shape("llm", "llm.Shield"));
        assert!(!has_conforming_shape("llm", "llmx.shield"));
        assert!(!has_conforming_shape("llm", "llm.edge--agent"));
        assert!(has_conforming_shape("acme", "acme.billing"));
    }

    #[test]
    fn default_rule_strips_llm_then_component_then_first_word() {
        let n = naming(
            "edge-agent",
            &["llm-edge-agent", "llm-edge-proxy", "llm-edge-cache"],
        );
        assert_eq!(n.name_of_crate("llm-edge-agent"), "llm.edge-agent");
        assert_eq!(n.name_of_crate("llm-edge-proxy"), "llm.edge-agent.proxy");
        assert_eq!(
            n.name_of_crate("edge-agent-routing"),
            "llm.edge-agent.routing"
        );
        let p = naming("policy-engine", &[]);
        assert_eq!(
            p.name_of_crate("llm-policy-engine-cel"),
            "llm.policy-engine.cel"
        );
        assert_eq!(p.name_of_crate("llm-policy-engine"), "llm.policy-engine");
        assert_eq!(p.name_of_crate("llm-policy"), "llm.policy-engine");
        let c = naming("cost-ops", &[]);
        assert_eq!(c.name_of_crate("llm-cost-ops"), "llm.cost-ops");
        assert_eq!(c.name_of_crate("llm_cost_ops_api"), "llm.cost-ops.api");
        let s = naming("sentinel", &[]);
        assert_eq!(
            s.name_of_crate("sentinel-detector"),
            "llm.sentinel.detector"
        );
        assert_eq!(s.name_of_crate("llm-sentinel"), "llm.sentinel");
    }

    #[test]
    fn configuration_overrides_the_default_rule() {
        let crates = BTreeMap::from([
            ("edge-proxy-svc".to_string(), "proxy".to_string()),
            ("llm-edge-main".to_string(), String::new()),
        ]);
        let rename = BTreeMap::from([("legacy".to_string(), "acme.edge-agent.old".to_string())]);
        let rules = NamingRules {
            prefix: Some("acme"),
            crates: &crates,
            rename: &rename,
        };
        let n = Naming::new(rules, "edge-agent", ["edge-proxy-svc", "llm-edge-main"]);
        assert_eq!(n.name_of_crate("edge-proxy-svc"), "acme.edge-agent.proxy");
        assert_eq!(n.name_of_crate("llm-edge-main"), "acme.edge-agent");
        assert_eq!(
            n.classify("legacy", None),
            Mapping::Rename {
                to: "acme.edge-agent.old".into(),
                reason: "configured in `[service-name.rename]`".into()
            }
        );
    }

    fn target(m: Mapping) -> Option<String> {
        match m {
            Mapping::Rename { to, .. } => Some(to),
            _ => None,
        }
    }

    #[test]
    fn every_spelling_of_a_known_name_maps_to_it() {
        let n = naming("edge-agent", &["llm-edge-agent", "llm-edge-proxy"]);
        for s in [
            "llm-edge-agent",
            "edge-agent",
            "llm.edge.agent",
            "llm_edge_agent",
            "LLM-Edge-Agent",
        ] {
            assert_eq!(
                target(n.classify(s, None)).as_deref(),
                Some("llm.edge-agent"),
                "{s}"
            );
        }
        for s in [
            "llm-edge-proxy",
            "edge-proxy",
            "llm.edge-proxy",
            "llm.edge.proxy",
            "llm.edge-agent-proxy",
            "llm-edge-agent-proxy",
            "llm.edge.agent.proxy",
        ] {
            assert_eq!(
                target(n.classify(s, None)).as_deref(),
                Some("llm.edge-agent.proxy"),
                "{s}"
            );
        }
    }

    #[test]
    fn a_spelling_of_two_names_is_not_certain() {
        let crates = BTreeMap::from([("edge-cache".to_string(), "store".to_string())]);
        let rules = NamingRules {
            crates: &crates,
            ..DEFAULT_RULES
        };
        let n = Naming::new(rules, "edge-agent", ["llm-edge-cache", "edge-cache"]);
        // Dotted, both crates spell `llm.edge.cache`; their own names stay certain.
        assert_eq!(
            n.classify("llm.edge.cache", None),
            Mapping::Unknown {
                candidates: vec!["llm.edge-agent.store".into(), "llm.edge-agent.cache".into()]
            }
        );
        assert_eq!(
            target(n.classify("llm-edge-cache", None)).as_deref(),
            Some("llm.edge-agent.cache")
        );
        assert_eq!(
            target(n.classify("edge-cache", None)).as_deref(),
            Some("llm.edge-agent.store")
        );
    }

    #[test]
    fn conforming_names_stay_and_unknown_ones_get_candidates() {
        let n = naming("edge-agent", &["llm-edge-agent", "llm-edge-proxy"]);
        assert_eq!(n.classify("llm.edge-agent", None), Mapping::Conforming);
        assert_eq!(
            n.classify("llm.edge-agent.proxy", None),
            Mapping::Conforming
        );
        assert_eq!(n.classify("llm.shield.scanner", None), Mapping::Conforming);
        assert_eq!(
            n.classify("llm-edge-metrics", Some("llm-edge-agent")),
            Mapping::Unknown {
                candidates: vec!["llm.edge-agent.metrics".into(), "llm.edge-agent".into()]
            }
        );
        assert_eq!(
            n.classify("llm.edge-agent-metrics", None),
            Mapping::Unknown {
                candidates: vec!["llm.edge-agent.metrics".into(), "llm.edge-agent".into()]
            }
        );
        assert!(matches!(
            n.classify("billing", None),
            Mapping::Unknown { .. }
        ));
    }
}
