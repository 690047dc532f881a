//! Statements several operations share, run inside their transaction.

use chrono::{DateTime, Utc};

use super::rows::{self, big, ms, EXECUTION_COLUMNS, MACHINE_COLUMNS, MAP_RUN_COLUMNS};
use super::tx::{Fail, Out, Tx};
use crate::store::common::{map_run_end, millis};
use crate::store::{ExecutionRecord, MachineStatus, MapRunRecord, StateMachineRecord, Status, StoreError, StoredEvent};

pub(super) async fn get_execution(tx: &Tx<'_>, arn: &str) -> Out<Option<ExecutionRecord>> {
    let row = tx.opt(&format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE arn = $1"), &[&arn]).await?;
    Ok(row.as_ref().map(rows::execution).transpose()?)
}

pub(super) async fn get_machine(tx: &Tx<'_>, name: &str) -> Out<Option<StateMachineRecord>> {
    let row = tx.opt(&format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = $1"), &[&name]).await?;
    Ok(row.as_ref().map(rows::machine).transpose()?)
}

/// The ACTIVE machine `name`, its row locked `FOR SHARE`: a DeleteStateMachine waits for
/// what this transaction adds to the machine (an execution, a version, an alias), and then
/// sees it.
pub(super) async fn active_machine(tx: &Tx<'_>, name: &str) -> Out<StateMachineRecord> {
    let row = tx.opt(&format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = $1 FOR SHARE"), &[&name]).await?;
    match row.as_ref().map(rows::machine).transpose()? {
        None => Err(StoreError::StateMachineDoesNotExist(name.to_owned()).into()),
        Some(m) if m.status != MachineStatus::Active => Err(StoreError::StateMachineDeleting(m.arn).into()),
        Some(m) => Ok(m),
    }
}

/// An execution's status, its row locked until the transaction ends (`FOR UPDATE`): what the
/// caller decides from it holds when it writes.
pub(super) async fn lock_status(tx: &Tx<'_>, arn: &str) -> Out<Option<Status>> {
    let row = tx.opt("SELECT status FROM executions WHERE arn = $1 FOR UPDATE", &[&arn]).await?;
    let Some(row) = row else { return Ok(None) };
    let status: String = row.get(0);
    Status::parse(&status)
        .map(Some)
        .ok_or_else(|| StoreError::Backend(format!("execution '{arn}' has an unknown status '{status}'")).into())
}

pub(super) async fn append_events(tx: &Tx<'_>, arn: &str, events: &[StoredEvent]) -> Out<()> {
    let events: Vec<(&str, &StoredEvent)> = events.iter().map(|e| (arn, e)).collect();
    append_events_of(tx, &events).await
}

/// Events of any executions, in one statement: the ARNs, ids and texts as three arrays.
/// ON CONFLICT: a replayed checkpoint (same ids) changes nothing; the first write wins.
pub(super) async fn append_events_of(tx: &Tx<'_>, events: &[(&str, &StoredEvent)]) -> Out<()> {
    if events.is_empty() {
        return Ok(());
    }
    let arns: Vec<&str> = events.iter().map(|(arn, _)| *arn).collect();
    let ids: Vec<i64> = events.iter().map(|(_, e)| big(e.id)).collect();
    let texts: Vec<&str> = events.iter().map(|(_, e)| e.json.as_str()).collect();
    tx.exec(
        "INSERT INTO events (arn, id, event) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING",
        &[&arns, &ids, &texts],
    )
    .await?;
    Ok(())
}

/// A checkpoint's progress, replacing what was under (`arn`, `place`).
pub(super) async fn put_progress(tx: &Tx<'_>, arn: &str, place: &str, progress: &[u8]) -> Out<()> {
    tx.exec(
        "INSERT INTO progress (arn, place, data) VALUES ($1, $2, $3) ON CONFLICT (arn, place) DO UPDATE SET data = EXCLUDED.data",
        &[&arn, &place, &progress],
    )
    .await?;
    Ok(())
}

/// Records an effect unless one is there; the value kept (the first value written wins: a
/// replayed step must see what really happened).
pub(super) async fn put_effect(tx: &Tx<'_>, arn: &str, key: &str, value: &str) -> Out<String> {
    tx.exec("INSERT INTO effects (arn, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &[&arn, &key, &value]).await?;
    Ok(tx.one("SELECT value FROM effects WHERE arn = $1 AND key = $2", &[&arn, &key]).await?.get(0))
}

pub(super) async fn last_event_id(tx: &Tx<'_>, arn: &str) -> Out<u64> {
    let id: i64 = tx.one("SELECT COALESCE(MAX(id), 0) FROM events WHERE arn = $1", &[&arn]).await?.get(0);
    Ok(u64::try_from(id).unwrap_or(0))
}

pub(super) async fn close_tokens(tx: &Tx<'_>, arn: &str) -> Out<()> {
    tx.exec("UPDATE tokens SET closed = TRUE WHERE execution_arn = $1 AND outcome IS NULL AND NOT closed", &[&arn]).await?;
    Ok(())
}

/// The checks of `checkpoint` and `finish`: the execution is RUNNING and, when `worker` is
/// given, held by it. The row stays locked (`lock`: `FOR UPDATE` to change it, `FOR SHARE` to
/// write beside it), so that a stop or a claim by another worker waits for this transaction.
pub(super) async fn check_held(tx: &Tx<'_>, arn: &str, worker: Option<&str>, lock: &str) -> Out<()> {
    let row = tx.opt(&format!("SELECT status, owner FROM executions WHERE arn = $1 {lock}"), &[&arn]).await?;
    let Some(row) = row else {
        return Err(StoreError::ExecutionDoesNotExist(arn.to_owned()).into());
    };
    let status: &str = row.get(0);
    let owner: Option<&str> = row.get(1);
    if status != Status::Running.as_str() || (worker.is_some() && owner != worker) {
        return Err(StoreError::LeaseLost(arn.to_owned()).into());
    }
    Ok(())
}

/// The checks of `answer_token` and `heartbeat_token`: the token exists, is open, and its
/// execution is RUNNING. The token's row stays locked.
pub(super) async fn check_answerable(tx: &Tx<'_>, token: &str) -> Out<()> {
    let row = tx
        .opt(
            "SELECT t.outcome IS NOT NULL OR t.closed, e.status
             FROM tokens t LEFT JOIN executions e ON e.arn = t.execution_arn
             WHERE t.token = $1 FOR UPDATE OF t",
            &[&token],
        )
        .await?;
    let Some(row) = row else { return Err(StoreError::TaskDoesNotExist.into()) };
    let done: bool = row.get(0);
    let status: Option<&str> = row.get(1);
    if done || status != Some(Status::Running.as_str()) {
        return Err(StoreError::TaskTimedOut.into());
    }
    Ok(())
}

/// Removes a DELETING machine (its tags, versions and aliases too) once none of its
/// executions is RUNNING; called by the delete itself and by whatever ends an execution.
pub(super) async fn purge_if_deleted(tx: &Tx<'_>, machine: &str) -> Out<()> {
    let row = tx
        .opt(
            "SELECT arn FROM state_machines WHERE name = $1 AND status = 'DELETING'
             AND NOT EXISTS (SELECT 1 FROM executions WHERE state_machine_name = $1 AND status = 'RUNNING')",
            &[&machine],
        )
        .await?;
    let Some(row) = row else { return Ok(()) };
    let arn: String = row.get(0);
    for sql in ["DELETE FROM state_machines WHERE name = $1", "DELETE FROM versions WHERE machine = $1", "DELETE FROM aliases WHERE machine = $1"] {
        tx.exec(sql, &[&machine]).await?;
    }
    delete_tags(tx, &arn).await
}

/// After an execution ended: its machine goes if it was DELETING and this was its last one.
/// The machine's row is locked `FOR SHARE`, so a DeleteStateMachine under way waits for this
/// transaction and then sees the execution ended. Two last executions ending at once would
/// each see the other still RUNNING under READ COMMITTED, so a transaction that finds its
/// machine DELETING runs again as SERIALIZABLE, where one of the two then sees the other's
/// end.
pub(super) async fn purge_machine_of(tx: &Tx<'_>, execution_arn: &str) -> Out<()> {
    let row = tx
        .opt(
            "SELECT s.name, s.status FROM executions e JOIN state_machines s ON s.name = e.state_machine_name
             WHERE e.arn = $1 FOR SHARE OF s",
            &[&execution_arn],
        )
        .await?;
    let Some(row) = row else { return Ok(()) };
    let status: &str = row.get(1);
    if status != MachineStatus::Deleting.as_str() {
        return Ok(());
    }
    if !tx.is_serializable() {
        return Err(Fail::NeedsSerializable);
    }
    purge_if_deleted(tx, row.get(0)).await
}

pub(super) async fn delete_tags(tx: &Tx<'_>, arn: &str) -> Out<()> {
    tx.exec("DELETE FROM tags WHERE resource_arn = $1", &[&arn]).await?;
    Ok(())
}

pub(super) async fn get_map_run(tx: &Tx<'_>, arn: &str) -> Out<Option<MapRunRecord>> {
    let row = tx.opt(&format!("SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE arn = $1"), &[&arn]).await?;
    Ok(row.as_ref().map(rows::map_run).transpose()?)
}

pub(super) async fn put_map_run_row(tx: &Tx<'_>, record: &MapRunRecord) -> Out<()> {
    let report = serde_json::to_string(&record.report).map_err(|e| StoreError::Backend(format!("keeping a Map Run: {e}")))?;
    tx.exec(
        "INSERT INTO map_runs (arn, execution_arn, start_date, report) VALUES ($1, $2, $3, $4)
         ON CONFLICT (arn) DO UPDATE SET execution_arn = EXCLUDED.execution_arn, start_date = EXCLUDED.start_date, report = EXCLUDED.report",
        &[&record.report.arn, &record.execution_arn, &ms(record.report.start_date), &report],
    )
    .await?;
    Ok(())
}

/// The Map Runs of execution `arn` still RUNNING end with it (it ended with `status`).
pub(super) async fn end_map_runs(tx: &Tx<'_>, arn: &str, status: Status, now: DateTime<Utc>) -> Out<()> {
    let running = tx
        .all(
            &format!("SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = $1 AND (report::jsonb ->> 'status') = 'RUNNING'"),
            &[&arn],
        )
        .await?;
    for mut run in rows::each(&running, rows::map_run)? {
        run.report.status = map_run_end(status);
        run.report.stop_date = Some(millis(now));
        put_map_run_row(tx, &run).await?;
    }
    Ok(())
}
