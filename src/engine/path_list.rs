//! A compact list of the paths under one directory: discovery holds every file of the tree,
//! project by project, until the project runs, and a `PathBuf` per file (an allocation holding
//! the whole absolute path) made that grow to ~80 MB on a tree of 265k files. Here each path
//! costs its part below the directory, in one shared buffer, and 4 bytes.

use std::path::{Path, PathBuf};

/// Paths in the order they were pushed, each handed back exactly as it was given.
#[derive(Debug, Clone, Default)]
pub struct PathList {
    base: PathBuf,
    /// The UTF-8 parts below `base`, one after another.
    parts: String,
    /// Per path: where its part ends in `parts`, or [`OTHER`] for the next path of `other`.
    ends: Vec<u32>,
    /// Paths not below `base`, or not UTF-8, kept whole.
    other: Vec<PathBuf>,
}

const OTHER: u32 = u32::MAX;

impl PathList {
    pub fn new(base: &Path) -> PathList {
        PathList {
            base: base.to_path_buf(),
            ..PathList::default()
        }
    }

    pub fn push(&mut self, path: PathBuf) {
        // `base.join(part)` must give back the very bytes of `path`: a part is kept only when
        // it is a non-empty relative path (an empty one would gain a trailing separator).
        let part = path
            .strip_prefix(&self.base)
            .ok()
            .filter(|p| !p.as_os_str().is_empty())
            .and_then(Path::to_str)
            .filter(|p| self.base.join(p).as_os_str() == path.as_os_str());
        match part.and_then(|p| {
            u32::try_from(self.parts.len() + p.len())
                .ok()
                .map(|e| (p, e))
        }) {
            Some((part, end)) if end != OTHER => {
                self.parts.push_str(part);
                self.ends.push(end);
            }
            _ => {
                self.other.push(path);
                self.ends.push(OTHER);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The paths, in order, as they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = PathBuf> + '_ {
        let mut start = 0;
        let mut other = self.other.iter();
        self.ends.iter().map(move |&end| {
            if end == OTHER {
                return other.next().expect("one kept path per marker").clone();
            }
            let part = &self.parts[start..end as usize];
            start = end as usize;
            self.base.join(part)
        })
    }

    pub fn to_vec(&self) -> Vec<PathBuf> {
        self.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_back_byte_for_byte_in_order() {
        let base = Path::new("/tree/project");
        let given: Vec<PathBuf> = [
            "/tree/project/src/lib.rs",
            "/elsewhere/main.rs",
            "/tree/project",
            "/tree/project/a/../b.rs",
            "/tree/project/src/bin/tool.rs",
            "/tree/project//src/double.rs",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut list = PathList::new(base);
        for p in &given {
            list.push(p.clone());
        }
        assert_eq!(list.len(), given.len());
        assert_eq!(list.to_vec(), given);
        let bytes = |v: &[PathBuf]| -> Vec<Vec<u8>> {
            v.iter()
                .map(|p| p.as_os_str().as_encoded_bytes().to_vec())
                .collect()
        };
        assert_eq!(bytes(&list.to_vec()), bytes(&given));
        assert_eq!(
            list.other.len(),
            3,
            "outside the base, the base itself, a doubled separator"
        );
    }
}
