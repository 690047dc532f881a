//! Where asl's own crates are: the worker crate depends on asl-engine, asl-runtime and
//! asl-macro by path, so a worker is built from exactly the sources the server was.

use std::path::{Path, PathBuf};

/// A directory holding asl's workspace (asl-engine/, asl-runtime/, asl-macro/ and the
/// Cargo.lock that pins their dependencies).
#[derive(Debug, Clone)]
pub struct Source {
    root: PathBuf,
}

/// The crates a worker links.
const CRATES: [&str; 3] = ["asl-engine", "asl-runtime", "asl-macro"];

impl Source {
    /// `$ASL_SOURCE_DIR`, else the workspace this server was built from.
    pub fn locate() -> Result<Source, String> {
        match std::env::var_os("ASL_SOURCE_DIR") {
            Some(dir) => Source::at(PathBuf::from(dir)),
            None => Source::at(Path::new(env!("CARGO_MANIFEST_DIR")).join("..")),
        }
    }

    /// `root`, if it holds asl's crates.
    pub fn at(root: PathBuf) -> Result<Source, String> {
        for name in CRATES {
            if !root.join(name).join("Cargo.toml").is_file() {
                return Err(format!(
                    "{} does not hold asl's sources ({name}/Cargo.toml is missing): set ASL_SOURCE_DIR to a checkout of asl",
                    root.display()
                ));
            }
        }
        let root = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
        Ok(Source { root })
    }

    /// The directory of crate `name`.
    pub fn crate_dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// The workspace's lock file, if it has one: a worker crate starting from it resolves the
    /// same versions without asking the registry.
    pub fn lock_file(&self) -> Option<PathBuf> {
        Some(self.root.join("Cargo.lock")).filter(|p| p.is_file())
    }
}
