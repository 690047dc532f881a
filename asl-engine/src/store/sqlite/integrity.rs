//! Whether a file may be used as a store, checked before anything is written to it: a store
//! that lost its write-ahead log, or whose pages are damaged, is refused with what happened
//! and what to do, instead of being written into (which would bury the damage under new
//! commits) or silently reopened as what remains.
//!
//! - A `-shm` file without its `-wal`: SQLite removes both when the last connection closes
//!   cleanly, the WAL last, so this pair means the WAL was deleted by hand, and with it every
//!   commit since the last checkpoint.
//! - A file in WAL mode without the store's schema: a new store is given its schema before it
//!   is switched to WAL mode (see `SqliteStore::open`), so such a file lost the WAL that held
//!   everything it ever stored. Told apart from another program's database by the same look
//!   at the schema ([`refuse_foreign`]).
//! - Damaged pages: `PRAGMA quick_check` when the store is opened (every command may write),
//!   either after an unclean shutdown (a `-wal` left behind, at any size: the moment torn or
//!   stray writes would show) or whenever the file is at most [`ALWAYS_CHECKED`] bytes (about
//!   80 ms at that size on the 2-core machine this was measured on; quick_check reads every
//!   page once). Above it, without an unclean shutdown, SQLite itself still refuses any
//!   statement that reads a damaged page.
//!
//! What is not detectable: both the `-wal` and the `-shm` deleted after an unclean shutdown
//! leave a consistent older store; the commits the WAL held are gone without a trace.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::store::{Result, StoreError};

/// Stores up to this size are checked whenever they are opened.
pub(super) const ALWAYS_CHECKED: u64 = 64 * 1024 * 1024;

/// What the file system says of a store file before SQLite opens it.
pub(super) struct Before {
    /// A `-wal` file is there: the last process to use the store did not close it, or one
    /// is using it now.
    pub(super) wal_left: bool,
    /// The file's header says WAL mode.
    pub(super) wal_mode: bool,
    pub(super) size: u64,
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Looks at the store file and its WAL and shared-memory files; refuses a deleted WAL.
pub(super) fn before_open(path: &Path) -> Result<Before> {
    let (wal, shm) = (sidecar(path, "-wal"), sidecar(path, "-shm"));
    let wal_left = wal.exists();
    if shm.exists() && !wal_left {
        return Err(StoreError::Damaged(format!(
            "the store {} has lost its write-ahead log: {} is missing while {} remains, so the commits made since the last \
             checkpoint are gone. Put the -wal file back if you have it; otherwise remove {} to open what remains",
            path.display(),
            wal.display(),
            shm.display(),
            shm.display(),
        )));
    }
    let header = read_header(path);
    // Bytes 18 and 19 of an SQLite header are the file format's write and read versions: 2 in
    // WAL mode.
    let wal_mode = header.get(18..20) == Some(&[2, 2][..]) && header.starts_with(b"SQLite format 3\0");
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(Before { wal_left, wal_mode, size })
}

fn read_header(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut header = Vec::with_capacity(100);
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(100).read_to_end(&mut header);
    }
    header
}

/// Refuses a file that is not an asl store, read before anything is written to it: not an
/// SQLite database; another program's database (tables, no store schema: `user_version` 0),
/// left as it is; or a file in WAL mode with nothing in it, whose WAL, which held all of it,
/// is gone. An empty file, or a new one, is a store to create.
pub(super) fn refuse_foreign(conn: &Connection, path: &Path, before: &Before) -> Result<()> {
    let shown = path.display();
    let look = conn.query_row("SELECT (SELECT count(*) FROM sqlite_master), (SELECT user_version FROM pragma_user_version)", [], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
    });
    match look {
        Ok((tables, 0)) if tables > 0 => Err(StoreError::NotAStore(format!(
            "{shown} is an SQLite database of another program (it has tables but no asl store schema); asl leaves it untouched: name another file with --store or ASL_STORE"
        ))),
        Ok((0, 0)) if before.wal_mode && !before.wal_left => Err(StoreError::Damaged(format!(
            "the store {shown} has lost its write-ahead log ({shown}-wal): the file is in WAL mode but holds nothing, so all it stored \
             was in the log. Put the -wal file back if you have it; otherwise remove the store to start afresh"
        ))),
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => Err(StoreError::NotAStore(format!(
            "{shown} is not an asl store (not an SQLite database); name another file with --store or ASL_STORE"
        ))),
        Err(e) => Err(damaged_or(e, path, &format!("opening {shown}"))),
    }
}

/// Runs SQLite's quick_check where [`before`](Before) says it is due (see the module docs).
pub(super) fn check_pages(conn: &Connection, path: &Path, before: &Before) -> Result<()> {
    if !(before.wal_left || before.size <= ALWAYS_CHECKED) {
        return Ok(());
    }
    let what = format!("checking {}", path.display());
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |row| row.get(0)).map_err(|e| damaged_or(e, path, &what))?;
    match first.as_str() {
        "ok" => Ok(()),
        problem => Err(damaged(path, problem)),
    }
}

fn damaged(path: &Path, problem: &str) -> StoreError {
    StoreError::Damaged(format!(
        "the store {} is damaged ({problem}); asl does not write into it. Restore it from a backup, or recover what is \
         readable with `sqlite3 {} .recover`",
        path.display(),
        path.display(),
    ))
}

/// A database error while opening: damage and a read-only store said as such, anything else
/// as it is.
fn damaged_or(e: rusqlite::Error, path: &Path, what: &str) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt => damaged(path, &e.to_string()),
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => read_only(path),
        _ => StoreError::Backend(format!("{what}: {e}")),
    }
}

/// The store cannot be written by this user: the file, or the folder SQLite keeps the `-wal`
/// and `-shm` files in.
pub(super) fn read_only(path: &Path) -> StoreError {
    StoreError::NotAStore(format!(
        "the store {} is read-only for this user (the file, or its folder, where SQLite keeps the -wal and -shm files \
         beside it); asl writes to its store even to read it: make both writable, or copy the store",
        path.display()
    ))
}
