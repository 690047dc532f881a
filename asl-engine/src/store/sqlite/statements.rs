//! Statements several operations share, run inside their transaction.

use super::history;
use super::rows::{execution_from_row, map_run_from_row, EXECUTION_COLUMNS, MAP_RUN_COLUMNS};
use super::Context;
use crate::store::common::{date_text, map_run_end, millis};
use crate::store::{ExecutionRecord, MapRunRecord, Result, Status, StoreError, StoredEvent};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// The row `sql` selects by its one parameter `key`, as a record, if there is one.
pub(super) fn select_one<T>(
    tx: &Transaction<'_>,
    what: &str,
    sql: &str,
    key: &str,
    from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    tx.prepare_cached(sql).and_then(|mut stmt| stmt.query_row([key], from_row).optional()).context(what)
}

pub(super) fn get_execution(tx: &Transaction<'_>, arn: &str) -> Result<Option<ExecutionRecord>> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE arn = ?1");
    select_one(tx, "reading an execution", &sql, arn, execution_from_row)
}

pub(super) fn execution_status(tx: &Transaction<'_>, arn: &str) -> Result<Option<Status>> {
    let status: Option<String> = tx
        .prepare_cached("SELECT status FROM executions WHERE arn = ?1")
        .and_then(|mut stmt| stmt.query_row([arn], |row| row.get(0)).optional())
        .context("reading an execution's status")?;
    status
        .map(|s| Status::parse(&s).ok_or_else(|| StoreError::Backend(format!("execution '{arn}' has an unknown status '{s}'"))))
        .transpose()
}

/// Appends `events` to the history of `arn` (see `history::append`).
pub(super) fn append_events(tx: &Transaction<'_>, arn: &str, events: &[StoredEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let execution = history::execution_id(tx, arn)?.ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
    history::append(tx, execution, events, None)
}

/// Appends an event the store writes itself (an abort, a redrive), numbered after the
/// execution's last.
pub(super) fn append_next_event(tx: &Transaction<'_>, arn: &str, event: impl FnOnce(u64) -> StoredEvent) -> Result<()> {
    let execution = history::execution_id(tx, arn)?.ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
    let next = history::last_event_id(tx, execution)? + 1;
    history::append(tx, execution, &[event(next)], None)
}

/// A checkpoint's rows: the execution's own progress goes into the history with the events
/// (see `history`), a child's (a branch's, an iteration's) replaces what was under its place.
pub(super) fn put_checkpoint(
    tx: &Transaction<'_>,
    execution: i64,
    arn: &str,
    place: &str,
    progress: Option<&[u8]>,
    events: &[StoredEvent],
) -> Result<()> {
    if place.is_empty() {
        return history::append(tx, execution, events, progress);
    }
    if let Some(progress) = progress {
        put_progress(tx, arn, place, progress)?;
    }
    history::append(tx, execution, events, None)
}

/// A child's progress, replacing what was under (`arn`, `place`).
fn put_progress(tx: &Transaction<'_>, arn: &str, place: &str, progress: &[u8]) -> Result<()> {
    tx.prepare_cached("INSERT OR REPLACE INTO progress (arn, place, data) VALUES (?1, ?2, ?3)")
        .and_then(|mut stmt| stmt.execute(params![arn, place, progress]))
        .context("checkpointing")?;
    Ok(())
}

/// Records an effect unless one is there; the value kept (the first value written wins: a
/// replayed step must see what really happened).
pub(super) fn put_effect(tx: &Transaction<'_>, arn: &str, key: &str, value: &str) -> Result<String> {
    let what = "recording an effect";
    tx.prepare_cached("INSERT OR IGNORE INTO effects (arn, key, value) VALUES (?1, ?2, ?3)")
        .and_then(|mut stmt| stmt.execute([arn, key, value]))
        .context(what)?;
    tx.prepare_cached("SELECT value FROM effects WHERE arn = ?1 AND key = ?2")
        .and_then(|mut stmt| stmt.query_row([arn, key], |row| row.get(0)))
        .context(what)
}

pub(super) fn last_event_id(tx: &Transaction<'_>, arn: &str) -> Result<u64> {
    match history::execution_id(tx, arn)? {
        Some(execution) => history::last_event_id(tx, execution),
        None => Ok(0),
    }
}

pub(super) fn close_tokens(tx: &Transaction<'_>, arn: &str) -> Result<()> {
    tx.prepare_cached("UPDATE tokens SET closed = 1 WHERE execution_arn = ?1 AND outcome IS NULL AND closed = 0")
        .and_then(|mut stmt| stmt.execute([arn]))
        .context("closing an execution's tokens")?;
    Ok(())
}

/// The checks of `checkpoint` and `finish`: the execution is RUNNING and, when `worker` is
/// given, held by it. Answers the execution's id (see `history`).
pub(super) fn check_held(tx: &Transaction<'_>, arn: &str, worker: Option<&str>) -> Result<i64> {
    let row: Option<(String, Option<String>, i64)> = tx
        .prepare_cached("SELECT status, owner, id FROM executions WHERE arn = ?1")
        .and_then(|mut stmt| stmt.query_row([arn], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).optional())
        .context("checking an execution's owner")?;
    let Some((status, owner, execution)) = row else {
        return Err(StoreError::ExecutionDoesNotExist(arn.to_owned()));
    };
    let owned = worker.is_none() || owner.as_deref() == worker;
    if status != Status::Running.as_str() || !owned {
        return Err(StoreError::LeaseLost(arn.to_owned()));
    }
    Ok(execution)
}

/// The checks of `answer_token` and `heartbeat_token`: the token exists, is open, and its
/// execution is RUNNING.
pub(super) fn check_answerable(tx: &Transaction<'_>, token: &str) -> Result<()> {
    let row: Option<(bool, Option<String>)> = tx
        .prepare_cached(
            "SELECT t.outcome IS NOT NULL OR t.closed, e.status
             FROM tokens t LEFT JOIN executions e ON e.arn = t.execution_arn
             WHERE t.token = ?1",
        )
        .and_then(|mut stmt| stmt.query_row([token], |row| Ok((row.get(0)?, row.get(1)?))).optional())
        .context("reading a task token")?;
    match row {
        None => Err(StoreError::TaskDoesNotExist),
        Some((done, status)) if done || status.as_deref() != Some(Status::Running.as_str()) => Err(StoreError::TaskTimedOut),
        Some(_) => Ok(()),
    }
}

/// Removes a DELETING machine (its tags, versions and aliases too) once none of its executions is RUNNING; called
/// by the delete itself and by whatever ends an execution.
pub(super) fn purge_if_deleted(tx: &Transaction<'_>, machine: &str) -> Result<()> {
    let what = "removing a deleted state machine";
    let arn: Option<String> = tx
        .prepare_cached(
            "SELECT arn FROM state_machines WHERE name = ?1 AND status = 'DELETING'
             AND NOT EXISTS (SELECT 1 FROM executions WHERE state_machine_name = ?1 AND status = 'RUNNING')",
        )
        .and_then(|mut stmt| stmt.query_row([machine], |row| row.get(0)).optional())
        .context(what)?;
    let Some(arn) = arn else { return Ok(()) };
    for sql in ["DELETE FROM state_machines WHERE name = ?1", "DELETE FROM versions WHERE machine = ?1", "DELETE FROM aliases WHERE machine = ?1"] {
        tx.prepare_cached(sql).and_then(|mut stmt| stmt.execute([machine])).context(what)?;
    }
    delete_tags(tx, &arn)
}

pub(super) fn delete_tags(tx: &Transaction<'_>, arn: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM tags WHERE resource_arn = ?1").and_then(|mut stmt| stmt.execute([arn])).context("removing tags")?;
    Ok(())
}

/// The machine an execution belongs to.
pub(super) fn machine_of(tx: &Transaction<'_>, execution_arn: &str) -> Result<Option<String>> {
    tx.prepare_cached("SELECT state_machine_name FROM executions WHERE arn = ?1")
        .and_then(|mut stmt| stmt.query_row([execution_arn], |row| row.get(0)).optional())
        .context("reading an execution's state machine")
}

pub(super) fn put_map_run_row(tx: &Transaction<'_>, record: &MapRunRecord) -> Result<()> {
    let what = "keeping a Map Run";
    let report = serde_json::to_string(&record.report).map_err(|e| StoreError::Backend(format!("{what}: {e}")))?;
    tx.prepare_cached("INSERT OR REPLACE INTO map_runs (arn, execution_arn, start_date, report) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut stmt| stmt.execute(params![record.report.arn, record.execution_arn, date_text(record.report.start_date), report]))
        .context(what)?;
    Ok(())
}

/// The Map Runs of execution `arn` still RUNNING end with it (it ended with `status`).
pub(super) fn end_map_runs(tx: &Transaction<'_>, arn: &str, status: Status, now: DateTime<Utc>) -> Result<()> {
    let what = "ending an execution's Map Runs";
    let running: Vec<MapRunRecord> = tx
        .prepare_cached(&format!(
            "SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = ?1 AND json_extract(report, '$.status') = 'RUNNING'"
        ))
        .and_then(|mut stmt| stmt.query_map([arn], map_run_from_row)?.collect::<rusqlite::Result<Vec<_>>>())
        .context(what)?;
    for mut run in running {
        run.report.status = map_run_end(status);
        run.report.stop_date = Some(millis(now));
        put_map_run_row(tx, &run)?;
    }
    Ok(())
}
