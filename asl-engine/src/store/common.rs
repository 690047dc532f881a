//! What both stores must do identically: page sizes, paging tokens, date precision and the
//! events the store itself writes (ExecutionAborted, ExecutionRedriven). Kept in one place so
//! that `MemoryStore` and `SqliteStore` cannot drift apart.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde_json::{json, Map, Value};

use super::{Page, Paged, Result, StoredEvent, StoreError};

/// The column lists of the SQL stores (SQLite's and PostgreSQL's tables have the same columns):
/// what every query of a record selects, in the order the row readers read.
pub(super) mod columns {
    pub(in crate::store) const MACHINE: &str =
        "name, arn, definition, definition_hash, machine_type, role_arn, creation_date, update_date, status, revision_id";
    pub(in crate::store) const VERSION: &str =
        "machine, number, arn, definition, definition_hash, role_arn, description, revision_id, creation_date";
    pub(in crate::store) const MAP_RUN: &str = "execution_arn, report";
    pub(in crate::store) const ALIAS: &str = "machine, name, arn, description, routing, creation_date, update_date";
    pub(in crate::store) const ACTIVITY: &str = "name, arn, creation_date";
    pub(in crate::store) const EXECUTION: &str = "arn, state_machine_name, name, status, input, output, error, cause, \
         start_date, stop_date, redrive_count, owner, lease_until, test_case, definition_hash, version, alias, wake_at";
    pub(in crate::store) const TOKEN: &str = "token, execution_arn, state, activity_arn, input, outcome, output, error, cause, \
         last_heartbeat, taken, heartbeats, worker_name";
}

/// Page size when the caller asks for none (AWS's default for list calls).
pub(super) const DEFAULT_PAGE: usize = 100;
/// The most a caller may ask for in one page (AWS's maximum).
pub(super) const MAX_PAGE: usize = 1000;

/// A page of `size` from `items`, which holds up to one more when there is a next page: the
/// token then names the page's last item (`token_of`).
pub(super) fn one_page<T>(mut items: Vec<T>, size: usize, token_of: impl Fn(&T) -> String) -> Paged<T> {
    let next_token = if items.len() > size {
        items.truncate(size);
        items.last().map(token_of)
    } else {
        None
    };
    Paged { items, next_token }
}

pub(super) fn page_size(page: &Page) -> usize {
    match page.max_results {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    }
}

/// Dates are kept with millisecond precision: that is what AWS shows, and what the SQLite
/// store can keep as fixed-width RFC 3339 text (which then sorts chronologically). The memory
/// store truncates the same way so that both answer exactly alike.
pub(super) fn millis(d: DateTime<Utc>) -> DateTime<Utc> {
    d.trunc_subsecs(3)
}

/// `2024-01-02T03:04:05.678Z`: always the same width, so text order is time order.
pub(super) fn date_text(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// A paging token for keyset paging over string keys (the last item's sort key). Hex of a JSON
/// array: opaque to callers, safe for any characters in names, and checkable on the way back.
pub(super) fn key_token(parts: &[&str]) -> String {
    let text = Value::from(parts.to_vec()).to_string();
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The inverse of [`key_token`]; anything else (wrong hex, wrong arity) is `InvalidToken`.
pub(super) fn parse_key_token(token: &str, arity: usize) -> Result<Vec<String>> {
    let pairs = token.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(StoreError::InvalidToken);
    }
    let bytes = pairs
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or(StoreError::InvalidToken)?;
    let parts: Vec<String> = serde_json::from_slice(&bytes).map_err(|_| StoreError::InvalidToken)?;
    if parts.len() != arity {
        return Err(StoreError::InvalidToken);
    }
    Ok(parts)
}

/// History pages by event id: the token is the last id returned, in base 10.
pub(super) fn id_token(id: u64) -> String {
    id.to_string()
}

pub(super) fn parse_id_token(token: &str) -> Result<u64> {
    // Ids are kept as SQLite integers (i64): a larger one was never handed out.
    match token.parse::<i64>() {
        Ok(id) if id >= 0 => Ok(id as u64),
        _ => Err(StoreError::InvalidToken),
    }
}

/// The ExecutionListing key of a page token: `(start date, name, arn)`.
pub(super) fn execution_key_token(start_date: DateTime<Utc>, name: &str, arn: &str) -> String {
    key_token(&[&date_text(start_date), name, arn])
}

pub(super) fn parse_execution_key_token(token: &str) -> Result<(DateTime<Utc>, String, String)> {
    let mut parts = parse_key_token(token, 3)?.into_iter();
    let (Some(date), Some(name), Some(arn)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(StoreError::InvalidToken);
    };
    let date = parse_date(&date).ok_or(StoreError::InvalidToken)?;
    Ok((date, name, arn))
}

/// An event the store writes itself, in GetExecutionHistory's shape.
fn store_event(id: u64, kind: &str, now: DateTime<Utc>, details_key: &str, details: Value) -> StoredEvent {
    let event = json!({
        "timestamp": date_text(now),
        "type": kind,
        "id": id,
        "previousEventId": id.saturating_sub(1),
        details_key: details,
    });
    StoredEvent::new(id, &event)
}

/// StopExecution's event. AWS leaves out an error or cause that was not given.
pub(super) fn aborted_event(id: u64, error: Option<&str>, cause: Option<&str>, now: DateTime<Utc>) -> StoredEvent {
    let mut details = Map::new();
    if let Some(error) = error {
        details.insert("error".into(), error.into());
    }
    if let Some(cause) = cause {
        details.insert("cause".into(), cause.into());
    }
    store_event(id, "ExecutionAborted", now, "executionAbortedEventDetails", Value::Object(details))
}

/// The ExecutionFailed event of an execution that no worker can run, which the engine fails
/// itself ([`crate::worker::fail_unrunnable`]).
pub fn failed_event(id: u64, error: &str, cause: &str, now: DateTime<Utc>) -> StoredEvent {
    store_event(id, "ExecutionFailed", now, "executionFailedEventDetails", json!({ "error": error, "cause": cause }))
}

/// RedriveExecution's event; `redrive_count` is the count after this redrive.
pub(super) fn redriven_event(id: u64, redrive_count: u32, now: DateTime<Utc>) -> StoredEvent {
    store_event(
        id,
        "ExecutionRedriven",
        now,
        "executionRedrivenEventDetails",
        json!({ "redriveCount": redrive_count }),
    )
}

/// Only these statuses may be redriven (AWS: an execution that did not succeed).
pub(super) fn redrivable(status: super::Status) -> bool {
    use super::Status::*;
    matches!(status, Failed | TimedOut | Aborted)
}

pub(super) fn not_redrivable(arn: &str, status: super::Status) -> StoreError {
    StoreError::InvalidState(format!(
        "Execution '{arn}' is {}: only FAILED, TIMED_OUT or ABORTED executions can be redriven",
        status.as_str()
    ))
}

/// RedriveExecution of an execution whose redrive state retention removed (`Store::sweep`).
pub(super) fn swept_away(arn: &str) -> StoreError {
    StoreError::InvalidState(format!("Execution '{arn}' closed more than 14 days ago: what a redrive starts from is no longer kept"))
}

/// `create_activity` with a new name but the ARN of another activity (ARNs embed the name, so
/// only a caller building them wrongly gets this).
pub(super) fn arn_taken(arn: &str, other_name: &str) -> StoreError {
    StoreError::InvalidState(format!("activity ARN '{arn}' already belongs to activity '{other_name}'"))
}

/// PublishStateMachineVersion with a `revisionId` that is no longer the machine's.
pub(super) fn stale_revision(given: &str, current: &str) -> StoreError {
    StoreError::Conflict(format!(
        "Failed to publish the State Machine version for revision {given}. The current State Machine revision is {current}."
    ))
}

pub(super) fn too_many_versions(machine_arn: &str) -> StoreError {
    StoreError::QuotaExceeded(format!(
        "Cannot publish a version of '{machine_arn}': it has {} versions, the most a state machine may have",
        super::MAX_VERSIONS
    ))
}

pub(super) fn too_many_aliases(machine_arn: &str) -> StoreError {
    StoreError::QuotaExceeded(format!("Cannot create an alias of '{machine_arn}': it has {} aliases, the most a state machine may have", super::MAX_ALIASES))
}

/// DeleteStateMachineVersion of a version that aliases still route to.
pub(super) fn version_in_use(aliases: &[String]) -> StoreError {
    StoreError::Conflict(format!(
        "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
        aliases.join(", ")
    ))
}

/// CreateStateMachineAlias of a name taken by an alias with other routes or description.
pub(super) fn alias_exists(arn: &str) -> StoreError {
    StoreError::Conflict(format!("Failed to create alias because an alias with the same name and a different configuration already exists: '{arn}'"))
}

/// The version ARN `<machine arn>:<number>`, or the alias ARN `<machine arn>:<name>`.
pub fn qualified_arn(machine_arn: &str, qualifier: impl std::fmt::Display) -> String {
    format!("{machine_arn}:{qualifier}")
}

/// A Map Run's report merged into what the store kept of it (see `Store::put_map_run`): the
/// kept start date and settings win; the settings are answered when they differ.
pub(super) fn merge_map_run(kept: Option<&super::MapRunRecord>, mut record: super::MapRunRecord) -> (super::MapRunRecord, Option<super::MapRunSettings>) {
    record.report.start_date = millis(record.report.start_date);
    record.report.stop_date = record.report.stop_date.map(millis);
    let Some(kept) = kept else { return (record, None) };
    record.report.start_date = kept.report.start_date;
    let settings = kept.report.settings();
    let changed = (settings != record.report.settings()).then_some(settings);
    record.report.set_settings(settings);
    (record, changed)
}

/// What becomes of a Map Run still RUNNING when its execution ends with `status`.
pub(super) fn map_run_end(status: super::Status) -> super::MapRunStatus {
    use super::{MapRunStatus, Status};
    match status {
        Status::Succeeded => MapRunStatus::Succeeded,
        Status::Failed => MapRunStatus::Failed,
        Status::Running | Status::TimedOut | Status::Aborted => MapRunStatus::Aborted,
    }
}
