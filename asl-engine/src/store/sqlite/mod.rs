//! The embedded store: one SQLite file, shared by every process that opens it (a worker and
//! the CLI, say).
//!
//! Durability: the file is in WAL mode with `synchronous=NORMAL`. A commit survives the
//! process crashing or being killed (`kill -9`) at any point, which is what executions are
//! promised. A power loss or an OS crash may lose the last few commits (never corrupt the
//! file): SQLite then syncs the WAL only at checkpoints, which is much faster than a sync per
//! step.
//!
//! Concurrency: every method that writes runs in a `BEGIN IMMEDIATE` transaction, which takes
//! the file's write lock before reading anything. A read-then-write can therefore never act on
//! a stale read (two processes never both claim one execution), and a busy file is waited for
//! (up to [`BUSY_TIMEOUT`]) instead of failing at once, as a deferred transaction upgrading to
//! a write would.
//!
//! | file | owns |
//! |---|---|
//! | `schema.rs` | the tables, their version and the migrations |
//! | `checkpointer.rs` | copying the WAL into the file off the committing thread (workers) |
//! | `integrity.rs` | refusing a file that lost its WAL or has damaged pages, before writing |
//! | `rows.rs` | column lists and row → record conversions |
//! | `history.rs` | the history, each write's events in one row in the order written, with the execution's own progress |
//! | `statements.rs` | statements several operations share (status and owner checks, checkpoints, tokens) |
//! | `versions.rs` | versions and aliases of state machines |
//! | `mod.rs` | opening a file, transactions, and the [`Store`] operations |

mod checkpointer;
mod history;
mod integrity;
mod rows;
mod schema;
mod statements;
mod versions;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use rows::{
    activity_from_row, execution_from_row, limit, machine_from_row, map_run_from_row, opt_date_text, token_from_row,
    ACTIVITY_COLUMNS, EXECUTION_COLUMNS, MACHINE_COLUMNS, MAP_RUN_COLUMNS, TOKEN_COLUMNS,
};
use schema::migrate;
use statements::{
    append_events, append_next_event, put_checkpoint, put_effect, check_answerable, check_held, close_tokens, end_map_runs, put_map_run_row, delete_tags, execution_status, get_execution, last_event_id, machine_of,
    purge_if_deleted, select_one,
};

use super::common::{
    aborted_event, arn_taken, date_text, merge_map_run, execution_key_token, id_token, key_token, not_redrivable, one_page, page_size,
    parse_date, parse_execution_key_token, parse_id_token, parse_key_token, redrivable, redriven_event, swept_away,
};
use super::{
    ActivityRecord, AliasRecord, AliasUpdate, ExecutionEnd, ExecutionFilter, MapRunRecord, MapRunSettings, ExecutionRecord, MachineStatus, MachineUpdate, Page, Paged,
    Qualifier, Result, StateMachineRecord, Started, Status, Store, StoreError, StoredEvent, Tag, TokenOutcome, TokenRecord, VersionRecord,
    Swept, Write, Written, MAX_TAGS,
};

/// How long a call waits for another process's transaction before giving up with
/// `StoreError::Backend`. Transactions here are short; 5 s means something is stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`Store`] in a SQLite file (or in memory). One connection per value, behind a mutex: calls
/// from threads of one process take turns, calls from other processes wait on SQLite's lock.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file (`None` in memory).
    path: Option<PathBuf>,
    /// Started by the first group commit; after `conn`, so that its connection, the last
    /// to close, removes the WAL.
    checkpointer: OnceLock<checkpointer::Checkpointer>,
}

/// Adds what was being done to a database error.
trait Context<T> {
    fn context(self, what: &str) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| StoreError::Backend(format!("{what}: {e}")))
    }
}

impl SqliteStore {
    /// Opens (creating it and its schema if missing) the store in the file at `path`. A store
    /// that lost its WAL or has damaged pages is refused before anything is written to it
    /// (see `integrity`).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if path.is_dir() {
            return Err(StoreError::NotAStore(format!("{} is a directory, not a store file", path.display())));
        }
        let what = format!("opening {}", path.display());
        let before = integrity::before_open(path)?;
        let mut conn = Connection::open(path).context(&what)?;
        conn.busy_timeout(BUSY_TIMEOUT).context(&what)?;
        // Before anything is written: another program's database is left as it is, and a
        // damaged store is not written into.
        integrity::refuse_foreign(&conn, path, &before)?;
        if conn.is_readonly(rusqlite::DatabaseName::Main).context(&what)? {
            return Err(integrity::read_only(path));
        }
        integrity::check_pages(&conn, path, &before)?;
        // The schema before WAL mode: a new store's schema is then in the file itself, so a
        // file in WAL mode without it can only have lost its WAL (`integrity`).
        migrate(&mut conn, &what)?;
        // WAL: readers do not block the writer nor it them, and commits are cheap.
        // Switching a new file to WAL can meet another process doing the same; SQLite then
        // answers "busy" at once, without its busy handler, so wait and try again here.
        let started = std::time::Instant::now();
        let mode: String = loop {
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => break other.context(&what)?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!("{what}: cannot use WAL journal mode (got '{mode}')")));
        }
        // See the module docs: crash-safe, not power-loss-safe for the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL").context(&what)?;
        Ok(Self { conn: Mutex::new(conn), path: Some(path.to_path_buf()), checkpointer: OnceLock::new() })
    }

    /// Opens the store at `path` only if it exists: for reading commands, which must not
    /// answer from a new, empty store because a path was mistyped.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        Self::open(path)
    }

    /// A private store that disappears with the value (tests, Express executions).
    pub fn open_in_memory() -> Result<Self> {
        let what = "opening an in-memory database";
        let mut conn = Connection::open_in_memory().context(what)?;
        conn.busy_timeout(BUSY_TIMEOUT).context(what)?;
        migrate(&mut conn, what)?;
        Ok(Self { conn: Mutex::new(conn), path: None, checkpointer: OnceLock::new() })
    }

    /// Moves checkpoints off the committing connection (see `checkpointer`), once: the
    /// store commits for a worker.
    fn checkpoint_in_background(&self) -> Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        if self.checkpointer.get().is_some() {
            return Ok(());
        }
        self.lock().pragma_update(None, "wal_autocheckpoint", checkpointer::BACKSTOP_PAGES).context("starting the checkpointer")?;
        self.checkpointer.get_or_init(|| checkpointer::Checkpointer::start(path, BUSY_TIMEOUT));
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the connection dropped its open transaction on the way out,
        // which rolled it back: the database is consistent, so the poison can be ignored.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction, committed if `f` succeeds and rolled back
    /// otherwise.
    fn write<T>(&self, what: &str, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).context(what)?;
        let value = f(&tx)?;
        tx.commit().context(what)?;
        Ok(value)
    }

    /// One page of the rows of `table` in name order. Keyset paging: rows created between two
    /// pages neither repeat nor shift items.
    fn list_by_name<T>(
        &self,
        what: &str,
        columns: &str,
        table: &str,
        page: &Page,
        from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
        name_of: fn(&T) -> &String,
    ) -> Result<Paged<T>> {
        let size = page_size(page);
        let after = match &page.next_token {
            Some(t) => parse_key_token(t, 1)?.pop(),
            None => None,
        };
        let items = self.read(what, |tx| {
            tx.prepare_cached(&format!("SELECT {columns} FROM {table} WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2"))
                .and_then(|mut stmt| stmt.query_map(params![after, limit(size + 1)], from_row)?.collect::<rusqlite::Result<Vec<_>>>())
                .context(what)
        })?;
        Ok(one_page(items, size, |item| key_token(&[name_of(item)])))
    }

    /// Runs `f` in a read transaction, so that its several queries see one snapshot.
    fn read<T>(&self, what: &str, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).context(what)?;
        let value = f(&tx)?;
        tx.commit().context(what)?;
        Ok(value)
    }
}

impl Store for SqliteStore {
    fn create_state_machine(&self, machine: StateMachineRecord) -> Result<StateMachineRecord> {
        let what = "creating a state machine";
        self.write(what, |tx| {
            let existing = tx
                .prepare_cached(&format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = ?1"))
                .and_then(|mut stmt| stmt.query_row([&machine.name], machine_from_row).optional())
                .context(what)?;
            if let Some(existing) = existing {
                if existing.status == MachineStatus::Deleting {
                    return Err(StoreError::StateMachineDeleting(existing.arn));
                }
                // AWS's idempotency looks at the definition and type, not the role.
                return if existing.definition_hash == machine.definition_hash && existing.machine_type == machine.machine_type {
                    Ok(existing)
                } else {
                    Err(StoreError::StateMachineAlreadyExists(machine.name))
                };
            }
            tx.prepare_cached(&format!("INSERT INTO state_machines ({MACHINE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"))
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        machine.name,
                        machine.arn,
                        machine.definition,
                        machine.definition_hash,
                        machine.machine_type.as_str(),
                        machine.role_arn,
                        date_text(machine.creation_date),
                        opt_date_text(machine.update_date),
                        machine.status.as_str(),
                        machine.revision_id,
                    ])
                })
                .context(what)?;
            // Read back, so the answer has the stored (millisecond) date, as later reads will.
            tx.prepare_cached(&format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = ?1"))
                .and_then(|mut stmt| stmt.query_row([&machine.name], machine_from_row))
                .context(what)
        })
    }

    fn state_machine(&self, name: &str) -> Result<Option<StateMachineRecord>> {
        let sql = format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = ?1");
        self.read("reading a state machine", |tx| select_one(tx, "reading a state machine", &sql, name, machine_from_row))
    }

    fn list_state_machines(&self, page: &Page) -> Result<Paged<StateMachineRecord>> {
        self.list_by_name("listing state machines", MACHINE_COLUMNS, "state_machines", page, machine_from_row, |m| &m.name)
    }

    fn update_state_machine(&self, name: &str, update: &MachineUpdate) -> Result<StateMachineRecord> {
        let what = "updating a state machine";
        let by_name = format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = ?1");
        self.write(what, |tx| {
            let existing = select_one(tx, what, &by_name, name, machine_from_row)?
                .ok_or_else(|| StoreError::StateMachineDoesNotExist(name.to_owned()))?;
            if existing.status == MachineStatus::Deleting {
                return Err(StoreError::StateMachineDeleting(existing.arn));
            }
            let (definition, hash) = update.definition.clone().unwrap_or((existing.definition, existing.definition_hash));
            let role = update.role_arn.clone().unwrap_or(existing.role_arn);
            tx.prepare_cached(
                "UPDATE state_machines SET definition = ?1, definition_hash = ?2, role_arn = ?3, update_date = ?4, revision_id = ?5 WHERE name = ?6",
            )
            .and_then(|mut stmt| stmt.execute(params![definition, hash, role, date_text(update.update_date), update.revision_id, name]))
            .context(what)?;
            select_one(tx, what, &by_name, name, machine_from_row)?
                .ok_or_else(|| StoreError::Backend(format!("{what}: '{name}' vanished during the update")))
        })
    }

    fn delete_state_machine(&self, name: &str) -> Result<()> {
        let what = "deleting a state machine";
        self.write(what, |tx| {
            tx.prepare_cached("UPDATE state_machines SET status = 'DELETING' WHERE name = ?1")
                .and_then(|mut stmt| stmt.execute([name]))
                .context(what)?;
            purge_if_deleted(tx, name)
        })
    }

    fn start_execution(&self, mut record: ExecutionRecord, events: &[StoredEvent]) -> Result<Started> {
        if record.status != Status::Running {
            return Err(StoreError::InvalidState("a new execution must be RUNNING".into()));
        }
        let what = "starting an execution";
        self.write(what, |tx| {
            let m = versions::active_machine(tx, what, &record.state_machine_name)?;
            record.definition_hash = match record.version {
                None => m.definition_hash,
                Some(n) => match versions::get_version(tx, &m.name, n)? {
                    Some(v) => v.definition_hash,
                    None => return Err(StoreError::StateMachineDoesNotExist(super::common::qualified_arn(&m.arn, n))),
                },
            };
            let existing = tx
                .prepare_cached(&format!(
                    "SELECT {EXECUTION_COLUMNS} FROM executions
                     WHERE arn = ?1 OR (state_machine_name = ?2 AND name = ?3)"
                ))
                .and_then(|mut stmt| {
                    stmt.query_row(params![record.arn, record.state_machine_name, record.name], execution_from_row)
                        .optional()
                })
                .context(what)?;
            if let Some(existing) = existing {
                return if existing.status == Status::Running && existing.input == record.input {
                    Ok(Started { record: existing, created: false })
                } else {
                    Err(StoreError::ExecutionAlreadyExists(existing.arn))
                };
            }
            tx.prepare_cached(&format!(
                "INSERT INTO executions ({EXECUTION_COLUMNS}, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                         (SELECT COALESCE(MAX(id), 0) + 1 FROM executions))"
            ))
            .and_then(|mut stmt| {
                stmt.execute(params![
                    record.arn,
                    record.state_machine_name,
                    record.name,
                    record.status.as_str(),
                    record.input,
                    record.output,
                    record.error,
                    record.cause,
                    date_text(record.start_date),
                    opt_date_text(record.stop_date),
                    record.redrive_count,
                    record.owner,
                    opt_date_text(record.lease_until),
                    record.test_case,
                    record.definition_hash,
                    record.version,
                    record.alias,
                    opt_date_text(record.wake_at),
                ])
            })
            .context(what)?;
            append_events(tx, &record.arn, events)?;
            let stored = get_execution(tx, &record.arn)?
                .ok_or_else(|| StoreError::Backend(format!("{what}: '{}' vanished after insert", record.arn)))?;
            Ok(Started { record: stored, created: true })
        })
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        self.read("reading an execution", |tx| get_execution(tx, arn))
    }

    fn list_executions_where(&self, filter: &ExecutionFilter<'_>, page: &Page) -> Result<Paged<ExecutionRecord>> {
        let ExecutionFilter { machine, qualifier, status, redriven } = *filter;
        let what = "listing executions";
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_execution_key_token).transpose()?;

        // Only the filters asked for go into the query, so SQLite can pick the matching index.
        let mut sql = format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE 1 = 1");
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(machine) = machine {
            sql.push_str(" AND state_machine_name = ?");
            args.push(machine.to_owned().into());
        }
        if let Some(status) = status {
            sql.push_str(" AND status = ?");
            args.push(status.as_str().to_owned().into());
        }
        match redriven {
            None => {}
            Some(true) => sql.push_str(" AND redrive_count > 0"),
            Some(false) => sql.push_str(" AND redrive_count = 0"),
        }
        match qualifier {
            None => {}
            Some(Qualifier::Version(n)) => {
                sql.push_str(" AND version = ?");
                args.push(i64::from(n).into());
            }
            Some(Qualifier::Alias(alias)) => {
                sql.push_str(" AND alias = ?");
                args.push(alias.to_owned().into());
            }
        }
        if let Some((date, name, arn)) = after {
            // After the last item in the order below: (start_date DESC, name, arn).
            sql.push_str(" AND (start_date < ? OR (start_date = ? AND (name > ? OR (name = ? AND arn > ?))))");
            let date = date_text(date);
            args.extend([date.clone().into(), date.into(), name.clone().into(), name.into(), arn.into()]);
        }
        sql.push_str(" ORDER BY start_date DESC, name, arn LIMIT ?");
        args.push(limit(size + 1).into());

        let items = self.read(what, |tx| {
            tx.prepare_cached(&sql)
                .and_then(|mut stmt| {
                    stmt.query_map(params_from_iter(args), execution_from_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .context(what)
        })?;
        Ok(one_page(items, size, |e| execution_key_token(e.start_date, &e.name, &e.arn)))
    }

    fn put_map_run(&self, worker: &str, record: &MapRunRecord) -> Result<Option<MapRunSettings>> {
        let what = "keeping a Map Run";
        let sql = format!("SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE arn = ?1");
        self.write(what, |tx| {
            check_held(tx, &record.execution_arn, Some(worker))?;
            let kept = select_one(tx, what, &sql, &record.report.arn, map_run_from_row)?;
            let (record, changed) = merge_map_run(kept.as_ref(), record.clone());
            put_map_run_row(tx, &record)?;
            Ok(changed)
        })
    }

    fn update_map_run(&self, arn: &str, settings: &MapRunSettings) -> Result<()> {
        let what = "updating a Map Run";
        let sql = format!("SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE arn = ?1");
        self.write(what, |tx| {
            let mut run = select_one(tx, what, &sql, arn, map_run_from_row)?.ok_or_else(|| StoreError::ResourceNotFound(arn.to_owned()))?;
            run.report.set_settings(*settings);
            put_map_run_row(tx, &run)
        })
    }

    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>> {
        let sql = format!("SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE arn = ?1");
        self.read("reading a Map Run", |tx| select_one(tx, "reading a Map Run", &sql, arn, map_run_from_row))
    }

    fn list_map_runs(&self, execution_arn: &str, page: &Page) -> Result<Paged<MapRunRecord>> {
        let what = "listing Map Runs";
        let size = page_size(page);
        let after = match &page.next_token {
            Some(t) => Some(parse_key_token(t, 2)?),
            None => None,
        };
        let (date, arn) = match &after {
            Some(last) => (Some(last[0].clone()), Some(last[1].clone())),
            None => (None, None),
        };
        let items = self.read(what, |tx| {
            tx.prepare_cached(&format!(
                "SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = ?1
                 AND (?2 IS NULL OR start_date > ?2 OR (start_date = ?2 AND arn > ?3))
                 ORDER BY start_date, arn LIMIT ?4"
            ))
            .and_then(|mut stmt| stmt.query_map(params![execution_arn, date, arn, limit(size + 1)], map_run_from_row)?.collect::<rusqlite::Result<Vec<_>>>())
            .context(what)
        })?;
        Ok(one_page(items, size, |r| key_token(&[&date_text(r.report.start_date), &r.report.arn])))
    }

    fn publish_version(&self, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Result<VersionRecord> {
        self.write("publishing a state machine version", |tx| versions::publish(tx, machine, revision, description, now))
    }

    fn version(&self, machine: &str, number: u32) -> Result<Option<VersionRecord>> {
        self.read("reading a state machine version", |tx| versions::get_version(tx, machine, number))
    }

    fn list_versions(&self, machine: &str, page: &Page) -> Result<Paged<VersionRecord>> {
        self.read("listing state machine versions", |tx| versions::list_versions(tx, machine, page))
    }

    fn published_definitions(&self) -> Result<Vec<(String, u32, String)>> {
        self.read("listing published definitions", versions::published_definitions)
    }

    fn delete_version(&self, machine: &str, number: u32) -> Result<()> {
        self.write("deleting a state machine version", |tx| versions::delete_version(tx, machine, number))
    }

    fn create_alias(&self, alias: AliasRecord) -> Result<AliasRecord> {
        self.write("creating a state machine alias", |tx| versions::create_alias(tx, &alias))
    }

    fn update_alias(&self, machine: &str, name: &str, update: &AliasUpdate) -> Result<AliasRecord> {
        self.write("updating a state machine alias", |tx| versions::update_alias(tx, machine, name, update))
    }

    fn alias(&self, machine: &str, name: &str) -> Result<Option<AliasRecord>> {
        self.read("reading a state machine alias", |tx| versions::get_alias(tx, machine, name))
    }

    fn list_aliases(&self, machine: &str, version: Option<u32>, page: &Page) -> Result<Paged<AliasRecord>> {
        self.read("listing state machine aliases", |tx| versions::list_aliases(tx, machine, version, page))
    }

    fn delete_alias(&self, machine: &str, name: &str) -> Result<()> {
        self.write("deleting a state machine alias", |tx| versions::delete_alias(tx, machine, name))
    }

    fn claim(&self, worker: &str, definitions: &[String], now: DateTime<Utc>, lease_until: DateTime<Utc>, max: usize) -> Result<Vec<ExecutionRecord>> {
        if definitions.is_empty() || max == 0 {
            return Ok(Vec::new());
        }
        let what = "claiming executions";
        let placeholders = vec!["?"; definitions.len()].join(", ");
        // Oldest first, so that nothing starves. A lease is over when it ended before `now`;
        // an owner without a lease (never written by this code) counts as no claim at all.
        // Awake executions and parked ones due by `now`, each through its partial index, so
        // that a claim never reads the executions still parked.
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions
             WHERE status = 'RUNNING' AND wake_at IS NULL AND definition_hash IN ({placeholders})
               AND (owner IS NULL OR lease_until IS NULL OR lease_until < ?)
             UNION ALL
             SELECT {EXECUTION_COLUMNS} FROM executions
             WHERE wake_at IS NOT NULL AND wake_at <= ? AND status = 'RUNNING' AND definition_hash IN ({placeholders})
               AND (owner IS NULL OR lease_until IS NULL OR lease_until < ?)
             ORDER BY start_date, name, arn LIMIT ?"
        );
        let now_text = date_text(now);
        let mut args: Vec<SqlValue> = definitions.iter().map(|d| SqlValue::from(d.clone())).collect();
        args.push(now_text.clone().into());
        args.push(now_text.clone().into());
        args.extend(definitions.iter().map(|d| SqlValue::from(d.clone())));
        args.push(now_text.into());
        args.push(limit(max).into());
        let lease_text = date_text(lease_until);
        self.write(what, |tx| {
            let mut claimed = tx
                .prepare_cached(&sql)
                .and_then(|mut stmt| {
                    stmt.query_map(params_from_iter(args), execution_from_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .context(what)?;
            let mut update = tx
                .prepare_cached("UPDATE executions SET owner = ?1, lease_until = ?2, wake_at = NULL WHERE arn = ?3")
                .context(what)?;
            for e in &mut claimed {
                update.execute(params![worker, lease_text, e.arn]).context(what)?;
                e.owner = Some(worker.to_owned());
                e.lease_until = parse_date(&lease_text);
                e.wake_at = None;
            }
            Ok(claimed)
        })
    }

    fn running_definitions(&self) -> Result<Vec<String>> {
        let what = "listing the definitions of running executions";
        self.read(what, |conn| {
            conn.prepare_cached("SELECT DISTINCT definition_hash FROM executions WHERE status = 'RUNNING'")
                .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<Vec<String>>>())
                .context(what)
        })
    }

    fn renew(&self, worker: &str, arns: &[String], lease_until: DateTime<Utc>) -> Result<Vec<String>> {
        let what = "renewing leases";
        let lease_text = date_text(lease_until);
        self.write(what, |tx| {
            let mut update = tx
                .prepare_cached(
                    "UPDATE executions SET lease_until = ?1 WHERE arn = ?2 AND owner = ?3 AND status = 'RUNNING'",
                )
                .context(what)?;
            let mut kept = Vec::new();
            for arn in arns {
                if update.execute(params![lease_text, arn, worker]).context(what)? > 0 {
                    kept.push(arn.clone());
                }
            }
            Ok(kept)
        })
    }

    fn release(&self, worker: &str, arn: &str) -> Result<()> {
        let what = "releasing an execution";
        self.write(what, |tx| {
            tx.prepare_cached("UPDATE executions SET owner = NULL, lease_until = NULL WHERE arn = ?1 AND owner = ?2")
                .and_then(|mut stmt| stmt.execute([arn, worker]))
                .context(what)?;
            Ok(())
        })
    }

    fn sweep(&self, compact_before: DateTime<Utc>, remove_before: DateTime<Utc>, max: usize) -> Result<Swept> {
        let what = "sweeping ended executions";
        let arns = |tx: &Transaction<'_>, sql: &str, before: DateTime<Utc>| -> Result<Vec<String>> {
            tx.prepare_cached(sql)
                .and_then(|mut stmt| stmt.query_map(params![date_text(before), limit(max)], |row| row.get(0))?.collect::<rusqlite::Result<Vec<String>>>())
                .context(what)
        };
        let forget = |tx: &Transaction<'_>, tables: &[&str], arn: &str| -> Result<()> {
            for sql in tables {
                tx.prepare_cached(sql).and_then(|mut stmt| stmt.execute([arn])).context(what)?;
            }
            Ok(())
        };
        const REDRIVE_STATE: [&str; 3] =
            ["DELETE FROM progress WHERE arn = ?1", "DELETE FROM effects WHERE arn = ?1", "DELETE FROM tokens WHERE execution_arn = ?1"];
        let execution = |tx: &Transaction<'_>, arn: &str| -> Result<i64> {
            history::execution_id(tx, arn)?.ok_or_else(|| StoreError::Backend(format!("{what}: '{arn}' vanished")))
        };
        self.write(what, |tx| {
            let removed = arns(tx, "SELECT arn FROM executions WHERE status <> 'RUNNING' AND stop_date < ?1 ORDER BY stop_date LIMIT ?2", remove_before)?;
            for arn in &removed {
                forget(tx, &REDRIVE_STATE, arn)?;
                history::forget(tx, execution(tx, arn)?)?;
                forget(tx, &["DELETE FROM map_runs WHERE execution_arn = ?1", "DELETE FROM executions WHERE arn = ?1"], arn)?;
            }
            let compacted = arns(
                tx,
                "SELECT arn FROM executions WHERE status <> 'RUNNING' AND compacted = 0 AND stop_date < ?1 ORDER BY stop_date LIMIT ?2",
                compact_before,
            )?;
            for arn in &compacted {
                forget(tx, &REDRIVE_STATE, arn)?;
                history::forget_progress(tx, execution(tx, arn)?)?;
                forget(tx, &["UPDATE executions SET compacted = 1 WHERE arn = ?1"], arn)?;
            }
            Ok(Swept { compacted: compacted.len(), removed: removed.len() })
        })
    }

    fn park(&self, arn: &str, worker: &str, token: Option<&str>, wake: DateTime<Utc>) -> Result<bool> {
        let what = "parking an execution";
        self.write(what, |tx| {
            check_held(tx, arn, Some(worker))?;
            if let Some(token) = token {
                let open: Option<bool> = tx
                    .prepare_cached("SELECT outcome IS NULL AND NOT closed FROM tokens WHERE token = ?1")
                    .and_then(|mut stmt| stmt.query_row([token], |row| row.get(0)).optional())
                    .context(what)?;
                if open != Some(true) {
                    return Ok(false);
                }
            }
            tx.prepare_cached("UPDATE executions SET owner = NULL, lease_until = NULL, wake_at = ?1 WHERE arn = ?2")
                .and_then(|mut stmt| stmt.execute(params![date_text(wake), arn]))
                .context(what)?;
            Ok(true)
        })
    }

    fn checkpoint(&self, arn: &str, worker: &str, place: &str, progress: Option<&[u8]>, events: &[StoredEvent]) -> Result<()> {
        let what = "checkpointing";
        self.write(what, |tx| {
            let execution = check_held(tx, arn, Some(worker))?;
            put_checkpoint(tx, execution, arn, place, progress, events)
        })
    }

    fn commit(&self, writes: &[Write]) -> Result<Vec<Result<Written>>> {
        self.checkpoint_in_background()?;
        self.write("committing a group of writes", |tx| {
            let mut answers = Vec::with_capacity(writes.len());
            for write in writes {
                answers.push(match write {
                    Write::Checkpoint { arn, worker, place, progress, events } => match check_held(tx, arn, Some(worker)) {
                        // Refused alone: nothing of it was written.
                        Err(e @ (StoreError::LeaseLost(_) | StoreError::ExecutionDoesNotExist(_))) => Err(e),
                        Err(e) => return Err(e),
                        Ok(execution) => {
                            put_checkpoint(tx, execution, arn, place, progress.as_deref(), events)?;
                            Ok(Written::Checkpointed)
                        }
                    },
                    Write::Effect { arn, key, value } => Ok(Written::Effect(put_effect(tx, arn, key, value)?)),
                });
            }
            Ok(answers)
        })
    }

    fn progress(&self, arn: &str, place: &str) -> Result<Option<Vec<u8>>> {
        let what = "reading progress";
        self.read(what, |tx| {
            if place.is_empty() {
                return match history::execution_id(tx, arn)? {
                    Some(execution) => history::progress(tx, execution),
                    None => Ok(None),
                };
            }
            tx.prepare_cached("SELECT data FROM progress WHERE arn = ?1 AND place = ?2")
                .and_then(|mut stmt| stmt.query_row([arn, place], |row| row.get(0)).optional())
                .context(what)
        })
    }

    fn finish(&self, arn: &str, worker: Option<&str>, ending: &ExecutionEnd, events: &[StoredEvent]) -> Result<()> {
        if ending.status == Status::Running {
            return Err(StoreError::InvalidState("an execution cannot finish as RUNNING".into()));
        }
        let what = "finishing an execution";
        self.write(what, |tx| {
            let execution = check_held(tx, arn, worker)?;
            // Progress stays: a redrive carries on from it.
            tx.prepare_cached(
                "UPDATE executions SET status = ?1, output = ?2, error = ?3, cause = ?4, stop_date = ?5,
                     owner = NULL, lease_until = NULL, wake_at = NULL
                 WHERE arn = ?6",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    ending.status.as_str(),
                    ending.output,
                    ending.error,
                    ending.cause,
                    date_text(ending.stop_date),
                    arn,
                ])
            })
            .context(what)?;
            close_tokens(tx, arn)?;
            end_map_runs(tx, arn, ending.status, ending.stop_date)?;
            history::append(tx, execution, events, None)?;
            purge_machine_of(tx, arn)
        })
    }

    fn stop_execution(&self, arn: &str, error: Option<&str>, cause: Option<&str>, now: DateTime<Utc>) -> Result<bool> {
        let what = "stopping an execution";
        self.write(what, |tx| {
            match execution_status(tx, arn)? {
                None => return Err(StoreError::ExecutionDoesNotExist(arn.to_owned())),
                Some(Status::Running) => {}
                Some(_) => return Ok(false),
            }
            tx.prepare_cached(
                "UPDATE executions SET status = 'ABORTED', stop_date = ?1, error = ?2, cause = ?3,
                     owner = NULL, lease_until = NULL, wake_at = NULL
                 WHERE arn = ?4",
            )
            .and_then(|mut stmt| stmt.execute(params![date_text(now), error, cause, arn]))
            .context(what)?;
            close_tokens(tx, arn)?;
            end_map_runs(tx, arn, Status::Aborted, now)?;
            append_next_event(tx, arn, |id| aborted_event(id, error, cause, now))?;
            purge_machine_of(tx, arn)?;
            Ok(true)
        })
    }

    fn redrive_execution(&self, arn: &str, now: DateTime<Utc>) -> Result<ExecutionRecord> {
        let what = "redriving an execution";
        self.write(what, |tx| {
            let status = execution_status(tx, arn)?.ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
            if !redrivable(status) {
                return Err(not_redrivable(arn, status));
            }
            let compacted: bool = tx
                .prepare_cached("SELECT compacted FROM executions WHERE arn = ?1")
                .and_then(|mut stmt| stmt.query_row([arn], |row| row.get(0)))
                .context(what)?;
            if compacted {
                return Err(swept_away(arn));
            }
            tx.prepare_cached(
                "UPDATE executions SET status = 'RUNNING', redrive_count = redrive_count + 1,
                     stop_date = NULL, output = NULL, error = NULL, cause = NULL,
                     owner = NULL, lease_until = NULL, wake_at = NULL
                 WHERE arn = ?1",
            )
            .and_then(|mut stmt| stmt.execute([arn]))
            .context(what)?;
            let record = get_execution(tx, arn)?
                .ok_or_else(|| StoreError::Backend(format!("{what}: '{arn}' vanished during the update")))?;
            append_next_event(tx, arn, |id| redriven_event(id, record.redrive_count, now))?;
            Ok(record)
        })
    }

    fn history(&self, arn: &str, reverse: bool, page: &Page) -> Result<Paged<StoredEvent>> {
        let what = "reading history";
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_id_token).transpose()?;
        let items = self.read(what, |tx| {
            let execution = history::execution_id(tx, arn)?.ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
            history::events(tx, execution, reverse, after, size + 1)
        })?;
        Ok(one_page(items, size, |e| id_token(e.id)))
    }

    fn last_event_id(&self, arn: &str) -> Result<u64> {
        self.read("reading the last event id", |tx| last_event_id(tx, arn))
    }

    fn record_effect(&self, arn: &str, key: &str, value: &str) -> Result<String> {
        let what = "recording an effect";
        self.write(what, |tx| put_effect(tx, arn, key, value))
    }

    fn effect(&self, arn: &str, key: &str) -> Result<Option<String>> {
        let what = "reading an effect";
        self.read(what, |tx| {
            tx.prepare_cached("SELECT value FROM effects WHERE arn = ?1 AND key = ?2")
                .and_then(|mut stmt| stmt.query_row([arn, key], |row| row.get(0)).optional())
                .context(what)
        })
    }

    fn create_activity(&self, activity: ActivityRecord) -> Result<ActivityRecord> {
        let what = "creating an activity";
        let by_name = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE name = ?1");
        self.write(what, |tx| {
            let existing = tx
                .prepare_cached(&by_name)
                .and_then(|mut stmt| stmt.query_row([&activity.name], activity_from_row).optional())
                .context(what)?;
            if let Some(existing) = existing {
                return Ok(existing);
            }
            let other: Option<String> = tx
                .prepare_cached("SELECT name FROM activities WHERE arn = ?1")
                .and_then(|mut stmt| stmt.query_row([&activity.arn], |row| row.get(0)).optional())
                .context(what)?;
            if let Some(other) = other {
                return Err(arn_taken(&activity.arn, &other));
            }
            tx.prepare_cached(&format!("INSERT INTO activities ({ACTIVITY_COLUMNS}) VALUES (?1, ?2, ?3)"))
                .and_then(|mut stmt| {
                    stmt.execute(params![activity.name, activity.arn, date_text(activity.creation_date)])
                })
                .context(what)?;
            // Read back, so the answer has the stored (millisecond) date, as later reads will.
            tx.prepare_cached(&by_name)
                .and_then(|mut stmt| stmt.query_row([&activity.name], activity_from_row))
                .context(what)
        })
    }

    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE arn = ?1");
        self.read("reading an activity", |tx| select_one(tx, "reading an activity", &sql, arn, activity_from_row))
    }

    fn list_activities(&self, page: &Page) -> Result<Paged<ActivityRecord>> {
        self.list_by_name("listing activities", ACTIVITY_COLUMNS, "activities", page, activity_from_row, |a| &a.name)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        let what = "deleting an activity";
        self.write(what, |tx| {
            // Tokens already issued for it stay: their tasks wait on as AWS's do.
            let deleted = tx
                .prepare_cached("DELETE FROM activities WHERE arn = ?1")
                .and_then(|mut stmt| stmt.execute([arn]))
                .context(what)?;
            if deleted == 0 {
                return Err(StoreError::ActivityDoesNotExist(arn.to_owned()));
            }
            delete_tags(tx, arn)
        })
    }

    fn issue_token(&self, token: &TokenRecord) -> Result<()> {
        let what = "issuing a task token";
        let (outcome, output, error, cause) = match &token.outcome {
            None => (None, None, None, None),
            Some(TokenOutcome::Success(output)) => (Some("SUCCESS"), Some(output.as_str()), None, None),
            Some(TokenOutcome::Failure { error, cause }) => (Some("FAILURE"), None, error.as_deref(), cause.as_deref()),
        };
        self.write(what, |tx| {
            // OR IGNORE: issuing the same token again (a replayed step) changes nothing.
            tx.prepare_cached(&format!(
                "INSERT OR IGNORE INTO tokens ({TOKEN_COLUMNS}, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                         (SELECT COALESCE(MAX(seq), 0) + 1 FROM tokens))"
            ))
            .and_then(|mut stmt| {
                stmt.execute(params![
                    token.token,
                    token.execution_arn,
                    token.state,
                    token.activity_arn,
                    token.input,
                    outcome,
                    output,
                    error,
                    cause,
                    opt_date_text(token.last_heartbeat),
                    token.taken,
                    token.heartbeats,
                    token.worker_name,
                ])
            })
            .context(what)?;
            Ok(())
        })
    }

    fn token(&self, token: &str) -> Result<Option<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token = ?1");
        self.read("reading a task token", |tx| select_one(tx, "reading a task token", &sql, token, token_from_row))
    }

    fn open_tokens(&self, execution_arn: &str) -> Result<Vec<TokenRecord>> {
        let what = "reading an execution's open task tokens";
        // `tokens_open_by_execution` holds exactly these rows.
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE execution_arn = ?1 AND outcome IS NULL AND closed = 0 ORDER BY seq");
        self.read(what, |tx| {
            let mut stmt = tx.prepare_cached(&sql).context(what)?;
            let rows = stmt.query_map([execution_arn], token_from_row).context(what)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().context(what)
        })
    }

    fn answer_token(&self, token: &str, outcome: TokenOutcome) -> Result<()> {
        let what = "answering a task token";
        let (kind, output, error, cause) = match outcome {
            TokenOutcome::Success(output) => ("SUCCESS", Some(output), None, None),
            TokenOutcome::Failure { error, cause } => ("FAILURE", None, error, cause),
        };
        self.write(what, |tx| {
            check_answerable(tx, token)?;
            tx.prepare_cached("UPDATE tokens SET outcome = ?1, output = ?2, error = ?3, cause = ?4 WHERE token = ?5")
                .and_then(|mut stmt| stmt.execute(params![kind, output, error, cause, token]))
                .context(what)?;
            // A parked execution wakes: any worker may claim it now.
            tx.prepare_cached(
                "UPDATE executions SET wake_at = NULL WHERE wake_at IS NOT NULL AND arn = (SELECT execution_arn FROM tokens WHERE token = ?1)",
            )
            .and_then(|mut stmt| stmt.execute([token]))
            .context(what)?;
            Ok(())
        })
    }

    fn close_token(&self, token: &str) -> Result<Option<TokenOutcome>> {
        let what = "closing a task token";
        self.write(what, |tx| {
            let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token = ?1");
            let record = select_one(tx, what, &sql, token, token_from_row)?.ok_or(StoreError::TaskDoesNotExist)?;
            if record.outcome.is_some() {
                return Ok(record.outcome);
            }
            tx.prepare_cached("UPDATE tokens SET closed = 1 WHERE token = ?1")
                .and_then(|mut stmt| stmt.execute([token]))
                .context(what)?;
            Ok(None)
        })
    }

    fn heartbeat_token(&self, token: &str, now: DateTime<Utc>) -> Result<()> {
        let what = "recording a heartbeat";
        self.write(what, |tx| {
            check_answerable(tx, token)?;
            tx.prepare_cached("UPDATE tokens SET last_heartbeat = ?1, heartbeats = heartbeats + 1 WHERE token = ?2")
                .and_then(|mut stmt| stmt.execute(params![date_text(now), token]))
                .context(what)?;
            Ok(())
        })
    }

    fn take_activity_task(&self, activity_arn: &str, worker_name: Option<&str>) -> Result<Option<TokenRecord>> {
        let what = "taking an activity task";
        self.write(what, |tx| {
            // The WHERE clause repeats the partial index's, so SQLite can use it.
            let oldest = tx
                .prepare_cached(&format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens
                     WHERE activity_arn = ?1 AND outcome IS NULL AND taken = 0 AND closed = 0
                     ORDER BY seq LIMIT 1"
                ))
                .and_then(|mut stmt| stmt.query_row([activity_arn], token_from_row).optional())
                .context(what)?;
            let Some(mut record) = oldest else {
                return Ok(None);
            };
            tx.prepare_cached("UPDATE tokens SET taken = 1, worker_name = ?2 WHERE token = ?1")
                .and_then(|mut stmt| stmt.execute(params![record.token, worker_name]))
                .context(what)?;
            record.taken = true;
            record.worker_name = worker_name.map(str::to_owned);
            Ok(Some(record))
        })
    }

    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()> {
        let what = "tagging a resource";
        self.write(what, |tx| {
            let mut upsert = tx.prepare_cached("INSERT OR REPLACE INTO tags (resource_arn, key, value) VALUES (?1, ?2, ?3)").context(what)?;
            for tag in tags {
                upsert.execute(params![arn, tag.key, tag.value]).context(what)?;
            }
            let count: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM tags WHERE resource_arn = ?1")
                .and_then(|mut stmt| stmt.query_row([arn], |row| row.get(0)))
                .context(what)?;
            // Rolled back with the transaction: nothing is written.
            if usize::try_from(count).unwrap_or(usize::MAX) > MAX_TAGS {
                return Err(StoreError::TooManyTags(arn.to_owned()));
            }
            Ok(())
        })
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        let what = "untagging a resource";
        self.write(what, |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2").context(what)?;
            for key in keys {
                delete.execute(params![arn, key]).context(what)?;
            }
            Ok(())
        })
    }

    fn tags(&self, arn: &str) -> Result<Vec<Tag>> {
        let what = "listing tags";
        self.read(what, |tx| {
            tx.prepare_cached("SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY key")
                .and_then(|mut stmt| stmt.query_map([arn], |row| Ok(Tag { key: row.get(0)?, value: row.get(1)? }))?.collect())
                .context(what)
        })
    }
}

/// After an execution ended: its machine goes if it was DELETING and this was its last one.
fn purge_machine_of(tx: &Transaction<'_>, execution_arn: &str) -> Result<()> {
    match machine_of(tx, execution_arn)? {
        Some(machine) => purge_if_deleted(tx, &machine),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    //! What opening a path that is not a store does: a clear error naming the file, and the
    //! file left as it was.

    use super::SqliteStore;
    use crate::store::StoreError;

    fn problem(result: Result<SqliteStore, StoreError>) -> StoreError {
        match result {
            Ok(_) => panic!("opened"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_missing_store_is_not_created_by_a_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo.db");
        assert!(matches!(problem(SqliteStore::open_existing(&path)), StoreError::Missing(p) if p.ends_with("typo.db")));
        assert!(!path.exists(), "no empty store appeared");
        SqliteStore::open(&path).unwrap();
        SqliteStore::open_existing(&path).unwrap();
    }

    #[test]
    fn another_programs_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theirs.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE orders (id INTEGER); INSERT INTO orders VALUES (1);").unwrap();
        }
        let e = problem(SqliteStore::open(&path));
        assert!(e.to_string().contains("SQLite database of another program"), "{e}");
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), tables), ("delete", 1), "not switched to WAL, no tables added");
    }

    #[test]
    fn a_file_that_is_not_a_database_or_a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.db");
        let notes = "this is not a database, it is a text file of some length";
        std::fs::write(&text, notes).unwrap();
        assert!(problem(SqliteStore::open(&text)).to_string().contains("not an asl store (not an SQLite database)"));
        assert_eq!(std::fs::read_to_string(&text).unwrap(), notes, "left as it was");
        assert!(problem(SqliteStore::open(dir.path())).to_string().contains("is a directory"));
    }
}
