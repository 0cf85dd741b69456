//! Atomic writes: a temporary file in the same directory, renamed over the target, with the
//! target's permissions. Symlinks are followed so the link itself survives; whether a link may
//! be written through is decided before (`engine::containment`), with [`real_path`] and
//! [`leaves`].

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Where writing `path` really lands: symlinks followed and `..` resolved. A path that does not
/// exist yet (a file a run creates) resolves its nearest existing ancestor and appends the rest.
pub fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    // `symlink_metadata`, not `exists`: a dangling link is there (and must not count as new).
    while std::fs::symlink_metadata(existing).is_err() {
        let (Some(last), Some(parent)) = (existing.components().next_back(), existing.parent())
        else {
            break;
        };
        missing.push(last);
        existing = parent;
    }
    let mut real = std::fs::canonicalize(existing)?;
    for component in missing.into_iter().rev() {
        match component {
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => real.push(name),
            _ => {}
        }
    }
    Ok(real)
}

/// The real path of `path` when it lies outside `tree` (a canonical directory): `None` when it
/// stays inside. A path that cannot be resolved (a dangling link, a loop) is kept inside: it
/// cannot be read, and reading it reports the error.
pub fn leaves(path: &Path, tree: &Path) -> Option<PathBuf> {
    real_path(path).ok().filter(|real| !real.starts_with(tree))
}

/// Whether an I/O error is a symlink loop (`ELOOP`).
pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".otel-migrate.")
        .tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Creates a new file (for modules a transform adds); fails if it exists.
pub fn create_new(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_follows_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.rs");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.rs");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[cfg(unix)]
    #[test]
    fn real_paths_follow_links_and_resolve_missing_tails() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let tree = root.join("tree");
        let elsewhere = root.join("elsewhere");
        std::fs::create_dir_all(tree.join("src")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("secret.rs"), "x").unwrap();
        std::os::unix::fs::symlink(elsewhere.join("secret.rs"), tree.join("src/lib.rs")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, tree.join("out")).unwrap();
        std::fs::write(tree.join("src/plain.rs"), "x").unwrap();
        assert_eq!(
            leaves(&tree.join("src/lib.rs"), &tree),
            Some(elsewhere.join("secret.rs"))
        );
        assert_eq!(leaves(&tree.join("src/plain.rs"), &tree), None);
        assert_eq!(leaves(&tree.join("src/../src/plain.rs"), &tree), None);
        // A file to create under a linked directory lands where the link points.
        assert_eq!(
            real_path(&tree.join("out/new/telemetry.rs")).unwrap(),
            elsewhere.join("new/telemetry.rs")
        );
        assert_eq!(leaves(&tree.join("src/new.rs"), &tree), None);
        std::os::unix::fs::symlink("b.rs", tree.join("a.rs")).unwrap();
        std::os::unix::fs::symlink("a.rs", tree.join("b.rs")).unwrap();
        let e = std::fs::metadata(tree.join("a.rs")).unwrap_err();
        assert!(is_symlink_loop(&e));
        assert_eq!(leaves(&tree.join("a.rs"), &tree), None);
    }
}
