//! A compact list of the paths under one directory: discovery holds every file of the tree,
//! project by project, until the project runs, and a `PathBuf` per file (an allocation holding
//! the whole absolute path) made that grow to ~80 MB on a tree of 265k files. Here each path
//! costs what its part below the directory does not share with the part before it (sorted
//! paths share their directories), in one shared buffer, and 6 bytes.

use std::path::{Path, PathBuf};

/// Paths in the order they were pushed, each handed back exactly as it was given.
#[derive(Debug, Clone, Default)]
pub struct PathList {
    base: PathBuf,
    /// The UTF-8 parts below `base`, one after another, each less the bytes it shares with the
    /// part before it.
    parts: String,
    /// Per path: where its part ends in `parts`, or [`OTHER`] for the next path of `other`.
    ends: Vec<u32>,
    /// Per path: how many leading bytes it shares with the part before it.
    shared: Vec<u16>,
    /// The last part pushed, whole.
    last: String,
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
                let shared = shared_prefix(&self.last, part);
                self.parts.push_str(&part[shared..]);
                self.ends.push(end - shared as u32);
                self.shared.push(shared as u16);
                self.last.replace_range(.., part);
            }
            _ => {
                self.other.push(path);
                self.ends.push(OTHER);
                self.shared.push(0);
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
        let mut part = String::new();
        self.ends
            .iter()
            .zip(&self.shared)
            .map(move |(&end, &shared)| {
                if end == OTHER {
                    return other.next().expect("one kept path per marker").clone();
                }
                part.truncate(shared as usize);
                part.push_str(&self.parts[start..end as usize]);
                start = end as usize;
                self.base.join(&part)
            })
    }

    /// Gives back the room the buffers grew into: the list is held until its project runs.
    pub fn shrink_to_fit(&mut self) {
        self.parts.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.shared.shrink_to_fit();
        self.other.shrink_to_fit();
        self.last = String::new();
    }

    pub fn to_vec(&self) -> Vec<PathBuf> {
        self.iter().collect()
    }
}

/// The leading bytes `a` and `b` share, at most `u16::MAX`, ending on a character boundary.
fn shared_prefix(a: &str, b: &str) -> usize {
    let mut n = a
        .bytes()
        .zip(b.bytes())
        .take(u16::MAX as usize)
        .take_while(|(x, y)| x == y)
        .count();
    while !b.is_char_boundary(n) {
        n -= 1;
    }
    n
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
            "/tree/project/src/caf\u{e9}.rs",
            "/tree/project/src/caf\u{e8}.rs",
            "/tree/project/src/caf\u{e8}/mod.rs",
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
        list.shrink_to_fit();
        list.push(PathBuf::from("/tree/project/src/lib.rs"));
        assert_eq!(
            list.to_vec().last(),
            Some(&PathBuf::from("/tree/project/src/lib.rs"))
        );
    }

    #[test]
    fn sorted_paths_keep_only_what_they_do_not_share() {
        let mut list = PathList::new(Path::new("/p"));
        for name in ["a.rs", "b.rs", "c.rs"] {
            list.push(PathBuf::from(format!("/p/crates/server/src/{name}")));
        }
        assert_eq!(list.parts, "crates/server/src/a.rsb.rsc.rs");
        assert_eq!(list.to_vec()[2], PathBuf::from("/p/crates/server/src/c.rs"));
    }
}
