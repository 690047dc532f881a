//! Where a store is: an SQLite file, or a PostgreSQL database. What `--store` and
//! `ASL_STORE` name, handed to worker processes as it was given.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::postgres::{self, PostgresStore};
use super::{Result, SqliteStore, Store};

/// A store's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (created with its folder by the commands that may create a store).
    File(PathBuf),
    /// A PostgreSQL URL (`postgres://…` or `postgresql://…`, see [`PostgresStore::open`]).
    Postgres(String),
}

impl Location {
    /// A URL that starts with `postgres://` or `postgresql://` names a database; anything else
    /// is a file's path.
    pub fn parse(spec: impl Into<OsString>) -> Self {
        let spec = spec.into();
        match spec.to_str() {
            Some(url) if postgres::is_postgres_url(url) => Location::Postgres(url.to_owned()),
            _ => Location::File(PathBuf::from(spec)),
        }
    }

    /// Opens the store. With `create` false, a store that is not there is
    /// [`StoreError::Missing`](super::StoreError::Missing) rather than created empty.
    pub fn open(&self, create: bool) -> Result<Arc<dyn Store>> {
        Ok(match (self, create) {
            (Location::Postgres(url), true) => Arc::new(PostgresStore::open(url)?),
            (Location::Postgres(url), false) => Arc::new(PostgresStore::open_existing(url)?),
            (Location::File(path), true) => Arc::new(SqliteStore::open(path)?),
            (Location::File(path), false) => Arc::new(SqliteStore::open_existing(path)?),
        })
    }

    /// The same location, usable from another directory (a worker process starts elsewhere).
    pub fn absolute(self) -> Self {
        match self {
            Location::File(path) => Location::File(std::path::absolute(&path).unwrap_or(path)),
            url => url,
        }
    }

    /// What a worker process is given as `--store`.
    pub fn as_arg(&self) -> &OsStr {
        match self {
            Location::File(path) => path.as_os_str(),
            Location::Postgres(url) => OsStr::new(url),
        }
    }

    /// The local folder kept for this store (the generated worker crate, scratch stores of
    /// `asl run`): `<file>.workers` beside a file; `.asl/postgres-<schema>.workers` in the
    /// current directory for a database.
    pub fn workers_dir(&self) -> PathBuf {
        match self {
            Location::File(path) => {
                let mut dir = path.clone().into_os_string();
                dir.push(".workers");
                PathBuf::from(dir)
            }
            Location::Postgres(url) => Path::new(".asl").join(format!("postgres-{}.workers", postgres::schema_of(url))),
        }
    }
}

/// The path, or the URL without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&postgres::redacted(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Location;
    use std::path::PathBuf;

    #[test]
    fn a_url_names_a_database_and_anything_else_a_file() {
        assert_eq!(Location::parse("postgresql://u@h/db"), Location::Postgres("postgresql://u@h/db".into()));
        assert_eq!(Location::parse("postgres.db"), Location::File(PathBuf::from("postgres.db")));
        let db = Location::parse("postgres://me:secret@h/db?schema=prod");
        assert_eq!(db.to_string(), "postgres://me:***@h/db?schema=prod");
        assert_eq!(db.workers_dir(), PathBuf::from(".asl/postgres-prod.workers"));
        assert_eq!(Location::parse("x/store.db").workers_dir(), PathBuf::from("x/store.db.workers"));
    }
}
