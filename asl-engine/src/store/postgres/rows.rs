//! Rows ↔ records: the column lists every query selects, and the conversions that read them
//! back (a value this code cannot read, which only a foreign write causes, is an error naming
//! the column).

use chrono::{DateTime, Utc};
use tokio_postgres::types::FromSql;
use tokio_postgres::Row;

use crate::store::{
    ActivityRecord, AliasRecord, ExecutionRecord, MachineStatus, MachineType, MapRunRecord, Route, StateMachineRecord, Status, StoreError,
    StoredEvent, TokenOutcome, TokenRecord, VersionRecord,
};

pub(super) use crate::store::common::columns::{
    ACTIVITY as ACTIVITY_COLUMNS, ALIAS as ALIAS_COLUMNS, EXECUTION as EXECUTION_COLUMNS, MACHINE as MACHINE_COLUMNS,
    MAP_RUN as MAP_RUN_COLUMNS, TOKEN as TOKEN_COLUMNS, VERSION as VERSION_COLUMNS,
};

type Read<T> = Result<T, StoreError>;

fn bad_column(row: &Row, idx: usize, message: impl std::fmt::Display) -> StoreError {
    let name = row.columns().get(idx).map_or("?", |c| c.name());
    StoreError::Backend(format!("reading column '{name}': {message}"))
}

fn get<'r, T: FromSql<'r>>(row: &'r Row, idx: usize) -> Read<T> {
    row.try_get(idx).map_err(|e| bad_column(row, idx, super::pool::describe(&e)))
}

/// A non-negative integer column as the record's unsigned type.
fn get_count<T: TryFrom<i64>>(row: &Row, idx: usize) -> Read<T> {
    let n: i64 = match row.columns().get(idx).map(|c| c.type_().clone()) {
        Some(tokio_postgres::types::Type::INT4) => get::<i32>(row, idx)?.into(),
        _ => get(row, idx)?,
    };
    T::try_from(n).map_err(|_| bad_column(row, idx, format!("{n} is out of range")))
}

fn get_opt_count<T: TryFrom<i64>>(row: &Row, idx: usize) -> Read<Option<T>> {
    match get::<Option<i32>>(row, idx)? {
        None => Ok(None),
        Some(n) => T::try_from(i64::from(n)).map(Some).map_err(|_| bad_column(row, idx, format!("{n} is out of range"))),
    }
}

fn get_json<T: serde::de::DeserializeOwned>(row: &Row, idx: usize) -> Read<T> {
    let text: String = get(row, idx)?;
    serde_json::from_str(&text).map_err(|e| bad_column(row, idx, format!("not the JSON expected: {e}")))
}

pub(super) fn machine(row: &Row) -> Read<StateMachineRecord> {
    let machine_type: String = get(row, 4)?;
    let status: String = get(row, 8)?;
    Ok(StateMachineRecord {
        name: get(row, 0)?,
        arn: get(row, 1)?,
        definition: get(row, 2)?,
        definition_hash: get(row, 3)?,
        machine_type: MachineType::parse(&machine_type).ok_or_else(|| bad_column(row, 4, format!("unknown machine type '{machine_type}'")))?,
        role_arn: get(row, 5)?,
        creation_date: get(row, 6)?,
        update_date: get(row, 7)?,
        status: MachineStatus::parse(&status).ok_or_else(|| bad_column(row, 8, format!("unknown state machine status '{status}'")))?,
        revision_id: get(row, 9)?,
    })
}

pub(super) fn version(row: &Row) -> Read<VersionRecord> {
    Ok(VersionRecord {
        machine: get(row, 0)?,
        number: get_count(row, 1)?,
        arn: get(row, 2)?,
        definition: get(row, 3)?,
        definition_hash: get(row, 4)?,
        role_arn: get(row, 5)?,
        description: get(row, 6)?,
        revision_id: get(row, 7)?,
        creation_date: get(row, 8)?,
    })
}

pub(super) fn alias(row: &Row) -> Read<AliasRecord> {
    Ok(AliasRecord {
        machine: get(row, 0)?,
        name: get(row, 1)?,
        arn: get(row, 2)?,
        description: get(row, 3)?,
        routing: get_json::<Vec<Route>>(row, 4)?,
        creation_date: get(row, 5)?,
        update_date: get(row, 6)?,
    })
}

pub(super) fn map_run(row: &Row) -> Read<MapRunRecord> {
    Ok(MapRunRecord { execution_arn: get(row, 0)?, report: get_json(row, 1)? })
}

pub(super) fn activity(row: &Row) -> Read<ActivityRecord> {
    Ok(ActivityRecord { name: get(row, 0)?, arn: get(row, 1)?, creation_date: get(row, 2)? })
}

pub(super) fn execution(row: &Row) -> Read<ExecutionRecord> {
    let status: String = get(row, 3)?;
    Ok(ExecutionRecord {
        arn: get(row, 0)?,
        state_machine_name: get(row, 1)?,
        name: get(row, 2)?,
        status: Status::parse(&status).ok_or_else(|| bad_column(row, 3, format!("unknown status '{status}'")))?,
        input: get(row, 4)?,
        output: get(row, 5)?,
        error: get(row, 6)?,
        cause: get(row, 7)?,
        start_date: get(row, 8)?,
        stop_date: get(row, 9)?,
        redrive_count: get_count(row, 10)?,
        owner: get(row, 11)?,
        lease_until: get(row, 12)?,
        test_case: get(row, 13)?,
        definition_hash: get(row, 14)?,
        version: get_opt_count(row, 15)?,
        alias: get(row, 16)?,
        wake_at: get(row, 17)?,
    })
}

pub(super) fn token(row: &Row) -> Read<TokenRecord> {
    let outcome = match get::<Option<&str>>(row, 5)? {
        None => None,
        Some("SUCCESS") => Some(TokenOutcome::Success(get::<Option<String>>(row, 6)?.unwrap_or_default())),
        Some("FAILURE") => Some(TokenOutcome::Failure { error: get(row, 7)?, cause: get(row, 8)? }),
        Some(other) => return Err(bad_column(row, 5, format!("unknown token outcome '{other}'"))),
    };
    Ok(TokenRecord {
        token: get(row, 0)?,
        execution_arn: get(row, 1)?,
        state: get(row, 2)?,
        activity_arn: get(row, 3)?,
        input: get(row, 4)?,
        outcome,
        last_heartbeat: get(row, 9)?,
        taken: get(row, 10)?,
        heartbeats: get_count(row, 11)?,
        worker_name: get(row, 12)?,
    })
}

pub(super) fn event(row: &Row) -> Read<StoredEvent> {
    Ok(StoredEvent { id: get_count(row, 0)?, json: get(row, 1)? })
}

/// Every row through `from_row`.
pub(super) fn each<T>(rows: &[Row], from_row: fn(&Row) -> Read<T>) -> Read<Vec<T>> {
    rows.iter().map(from_row).collect()
}

/// A date as the store keeps it: to the millisecond, as AWS shows and the other stores keep.
pub(super) fn ms(d: DateTime<Utc>) -> DateTime<Utc> {
    crate::store::common::millis(d)
}

pub(super) fn opt_ms(d: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    d.map(ms)
}

/// PostgreSQL's integers are signed; a count past `i64::MAX` was never written.
pub(super) fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
