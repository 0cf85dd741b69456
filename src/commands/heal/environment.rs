//! The project's real build environment in the copy (issue 17 item 5). The copy sits in a
//! temporary directory, so cargo and rustup would no longer find what the project's parent
//! directories configure: their `.cargo/config.toml` files are handed to cargo with
//! `--config FILE` (farthest first, the project's own last, so the nearest wins as it does in
//! place), and the nearest `rust-toolchain.toml` above the project is copied next to the copy
//! (the project's own travels with it). The user's environment variables and `CARGO_HOME`
//! apply as they are.

use std::path::{Path, PathBuf};

const CONFIG_NAMES: &[&str] = &[".cargo/config.toml"];
const TOOLCHAIN_NAMES: &[&str] = &["rust-toolchain.toml", "rust-toolchain"];

/// `--config FILE` arguments for the cargo configuration files of `user_root`'s parent
/// directories (farthest first) and of the copy's root (last).
pub fn config_args(user_root: &Path, copy_root: &Path) -> Vec<String> {
    let Ok(real) = user_root.canonicalize() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = real
        .ancestors()
        .skip(1)
        .flat_map(|dir| CONFIG_NAMES.iter().map(move |n| dir.join(n)))
        .filter(|f| f.is_file())
        .collect();
    files.reverse();
    files.extend(
        CONFIG_NAMES
            .iter()
            .map(|n| copy_root.join(n))
            .filter(|f| f.is_file()),
    );
    files
        .into_iter()
        .flat_map(|f| ["--config".to_string(), f.display().to_string()])
        .collect()
}

/// Copies the nearest toolchain file above `user_root` next to the copy when the project
/// has none of its own, so rustup picks the same toolchain there.
pub fn place_toolchain(user_root: &Path, copy_root: &Path) -> std::io::Result<()> {
    if TOOLCHAIN_NAMES.iter().any(|n| copy_root.join(n).is_file()) {
        return Ok(());
    }
    let Ok(real) = user_root.canonicalize() else {
        return Ok(());
    };
    let nearest = real
        .ancestors()
        .skip(1)
        .flat_map(|dir| TOOLCHAIN_NAMES.iter().map(move |n| dir.join(n)))
        .find(|f| f.is_file());
    match (nearest, copy_root.parent()) {
        (Some(file), Some(above)) => {
            let name = file.file_name().unwrap_or_default();
            std::fs::copy(&file, above.join(name)).map(|_| ())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_configs_come_first_and_the_projects_own_last() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let (outer, project) = (base.join("org"), base.join("org/team/svc"));
        for d in [
            outer.join(".cargo"),
            base.join("org/team/.cargo"),
            project.join(".cargo"),
        ] {
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("config.toml"), "[net]\noffline = true\n").unwrap();
        }
        std::fs::write(
            base.join("org/rust-toolchain.toml"),
            "[toolchain]\nchannel = \"stable\"\n",
        )
        .unwrap();
        let copy = base.join("copy/svc");
        std::fs::create_dir_all(copy.join(".cargo")).unwrap();
        std::fs::write(copy.join(".cargo/config.toml"), "").unwrap();
        let args = config_args(&project, &copy);
        let files: Vec<&String> = args.iter().skip(1).step_by(2).collect();
        assert_eq!(
            files,
            vec![
                &outer.join(".cargo/config.toml").display().to_string(),
                &base
                    .join("org/team/.cargo/config.toml")
                    .display()
                    .to_string(),
                &copy.join(".cargo/config.toml").display().to_string(),
            ]
        );
        place_toolchain(&project, &copy).unwrap();
        assert!(base.join("copy/rust-toolchain.toml").is_file());
    }
}
