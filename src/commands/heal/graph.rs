//! The resolved dependency graph of a copy (`cargo metadata`): which version of a crate is
//! where, the path that pulls it, and which workspace members depend on a changed package.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use super::lockfile::cargo;

/// The resolved graph: packages by id, their dependencies, the workspace members.
pub(super) struct Graph {
    /// id → (name, version)
    pub packages: BTreeMap<String, (String, String)>,
    pub deps: BTreeMap<String, Vec<String>>,
    pub members: Vec<String>,
    /// id → manifest path (as cargo printed it)
    pub manifests: BTreeMap<String, PathBuf>,
}

pub(super) fn metadata(root: &Path, cargo_args: &[String]) -> Result<Graph, String> {
    let args = [
        &["--format-version".to_string(), "1".to_string()],
        cargo_args,
    ]
    .concat();
    let text = cargo(root, "metadata", &args)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut packages = BTreeMap::new();
    let mut manifests = BTreeMap::new();
    for p in v["packages"].as_array().into_iter().flatten() {
        let (Some(id), Some(name), Some(version), Some(manifest)) = (
            p["id"].as_str(),
            p["name"].as_str(),
            p["version"].as_str(),
            p["manifest_path"].as_str(),
        ) else {
            continue;
        };
        packages.insert(id.to_string(), (name.to_string(), version.to_string()));
        manifests.insert(id.to_string(), PathBuf::from(manifest));
    }
    let deps = v["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| {
            let id = n["id"].as_str()?.to_string();
            let deps = n["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect();
            Some((id, deps))
        })
        .collect();
    let members = v["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect();
    Ok(Graph {
        packages,
        deps,
        members,
        manifests,
    })
}

impl Graph {
    /// The shortest dependency path from a workspace member to `id` (ids, member first).
    pub fn path_to(&self, id: &str) -> Vec<String> {
        let mut from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue: VecDeque<&str> = self.members.iter().map(String::as_str).collect();
        let mut seen: BTreeSet<&str> = queue.iter().copied().collect();
        while let Some(at) = queue.pop_front() {
            if at == id {
                let mut path = vec![at.to_string()];
                let mut cur = at;
                while let Some(prev) = from.get(cur) {
                    path.push(prev.to_string());
                    cur = prev;
                }
                path.reverse();
                return path;
            }
            for next in self.deps.get(at).into_iter().flatten() {
                if seen.insert(next) {
                    from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        Vec::new()
    }

    /// The workspace members (id, manifest path) that depend, directly or not, on one of
    /// `changed` (manifest paths), with those they depend on; `changed` themselves left out.
    pub fn dependents_of(
        &self,
        changed: &BTreeSet<PathBuf>,
    ) -> Vec<(String, PathBuf, BTreeSet<PathBuf>)> {
        let mut out = Vec::new();
        for member in &self.members {
            let Some(manifest) = self.manifests.get(member) else {
                continue;
            };
            if changed.contains(manifest) {
                continue;
            }
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut queue: VecDeque<&str> = VecDeque::from([member.as_str()]);
            let mut reached = BTreeSet::new();
            while let Some(at) = queue.pop_front() {
                for next in self.deps.get(at).into_iter().flatten() {
                    if seen.insert(next) {
                        if let Some(m) = self.manifests.get(next).filter(|m| changed.contains(*m)) {
                            reached.insert(m.clone());
                        }
                        queue.push_back(next);
                    }
                }
            }
            if !reached.is_empty() {
                out.push((member.clone(), manifest.clone(), reached));
            }
        }
        out
    }
}
