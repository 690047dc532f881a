//! Rows ↔ records: the column lists every query selects, and the conversions that read them
//! back (a value this code cannot read, which only a foreign write or corruption causes, is a
//! conversion error naming the column).

use crate::store::common::{date_text, parse_date};
use crate::store::{ActivityRecord, AliasRecord, ExecutionRecord, MapRunRecord, Route, StoreError, VersionRecord, MachineStatus, MachineType, StateMachineRecord, Status, TokenOutcome, TokenRecord};
use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::Row;
use std::error::Error as StdError;

pub(super) use crate::store::common::columns::{
    ACTIVITY as ACTIVITY_COLUMNS, ALIAS as ALIAS_COLUMNS, EXECUTION as EXECUTION_COLUMNS, MACHINE as MACHINE_COLUMNS,
    MAP_RUN as MAP_RUN_COLUMNS, TOKEN as TOKEN_COLUMNS, VERSION as VERSION_COLUMNS,
};

/// A column that holds something this code cannot read back (which only a foreign write or
/// corruption causes).
fn bad_column(idx: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::<dyn StdError + Send + Sync>::from(message))
}

fn get_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(idx)?;
    parse_date(&text).ok_or_else(|| bad_column(idx, format!("not an RFC 3339 date: '{text}'")))
}

fn get_opt_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(text) => parse_date(&text)
            .map(Some)
            .ok_or_else(|| bad_column(idx, format!("not an RFC 3339 date: '{text}'"))),
    }
}

pub(super) fn opt_date_text(d: Option<DateTime<Utc>>) -> Option<String> {
    d.map(date_text)
}

pub(super) fn machine_from_row(row: &Row<'_>) -> rusqlite::Result<StateMachineRecord> {
    let machine_type: String = row.get(4)?;
    Ok(StateMachineRecord {
        name: row.get(0)?,
        arn: row.get(1)?,
        definition: row.get(2)?,
        definition_hash: row.get(3)?,
        machine_type: MachineType::parse(&machine_type)
            .ok_or_else(|| bad_column(4, format!("unknown machine type '{machine_type}'")))?,
        role_arn: row.get(5)?,
        creation_date: get_date(row, 6)?,
        update_date: get_opt_date(row, 7)?,
        status: {
            let status: String = row.get(8)?;
            MachineStatus::parse(&status).ok_or_else(|| bad_column(8, format!("unknown state machine status '{status}'")))?
        },
        revision_id: row.get(9)?,
    })
}

pub(super) fn version_from_row(row: &Row<'_>) -> rusqlite::Result<VersionRecord> {
    Ok(VersionRecord {
        machine: row.get(0)?,
        number: row.get(1)?,
        arn: row.get(2)?,
        definition: row.get(3)?,
        definition_hash: row.get(4)?,
        role_arn: row.get(5)?,
        description: row.get(6)?,
        revision_id: row.get(7)?,
        creation_date: get_date(row, 8)?,
    })
}

pub(super) fn alias_from_row(row: &Row<'_>) -> rusqlite::Result<AliasRecord> {
    let routing: String = row.get(4)?;
    Ok(AliasRecord {
        machine: row.get(0)?,
        name: row.get(1)?,
        arn: row.get(2)?,
        description: row.get(3)?,
        routing: serde_json::from_str(&routing).map_err(|e| bad_column(4, format!("alias routes are not JSON: {e}")))?,
        creation_date: get_date(row, 5)?,
        update_date: get_opt_date(row, 6)?,
    })
}

pub(super) fn map_run_from_row(row: &Row<'_>) -> rusqlite::Result<MapRunRecord> {
    let report: String = row.get(1)?;
    Ok(MapRunRecord {
        execution_arn: row.get(0)?,
        report: serde_json::from_str(&report).map_err(|e| bad_column(1, format!("a Map Run report that is not one: {e}")))?,
    })
}

/// An alias's routes as the `routing` column keeps them.
pub(super) fn routing_text(routing: &[Route]) -> Result<String, StoreError> {
    serde_json::to_string(routing).map_err(|e| StoreError::Backend(format!("writing an alias's routes: {e}")))
}

pub(super) fn activity_from_row(row: &Row<'_>) -> rusqlite::Result<ActivityRecord> {
    Ok(ActivityRecord { name: row.get(0)?, arn: row.get(1)?, creation_date: get_date(row, 2)? })
}

pub(super) fn execution_from_row(row: &Row<'_>) -> rusqlite::Result<ExecutionRecord> {
    let status: String = row.get(3)?;
    Ok(ExecutionRecord {
        arn: row.get(0)?,
        state_machine_name: row.get(1)?,
        name: row.get(2)?,
        status: Status::parse(&status).ok_or_else(|| bad_column(3, format!("unknown status '{status}'")))?,
        input: row.get(4)?,
        output: row.get(5)?,
        error: row.get(6)?,
        cause: row.get(7)?,
        start_date: get_date(row, 8)?,
        stop_date: get_opt_date(row, 9)?,
        redrive_count: row.get(10)?,
        owner: row.get(11)?,
        lease_until: get_opt_date(row, 12)?,
        test_case: row.get(13)?,
        definition_hash: row.get(14)?,
        version: row.get(15)?,
        alias: row.get(16)?,
        wake_at: get_opt_date(row, 17)?,
    })
}

pub(super) fn token_from_row(row: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    let outcome = match row.get::<_, Option<String>>(5)?.as_deref() {
        None => None,
        Some("SUCCESS") => Some(TokenOutcome::Success(row.get::<_, Option<String>>(6)?.unwrap_or_default())),
        Some("FAILURE") => Some(TokenOutcome::Failure { error: row.get(7)?, cause: row.get(8)? }),
        Some(other) => return Err(bad_column(5, format!("unknown token outcome '{other}'"))),
    };
    Ok(TokenRecord {
        token: row.get(0)?,
        execution_arn: row.get(1)?,
        state: row.get(2)?,
        activity_arn: row.get(3)?,
        input: row.get(4)?,
        outcome,
        last_heartbeat: get_opt_date(row, 9)?,
        taken: row.get(10)?,
        heartbeats: row.get(11)?,
        worker_name: row.get(12)?,
    })
}

/// SQLite's LIMIT takes an i64; anything larger means "no limit" anyway.
pub(super) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
