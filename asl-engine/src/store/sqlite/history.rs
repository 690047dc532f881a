//! The history table: each write's events as one row, appended in the order written, with the
//! execution's progress when the write is a checkpoint of the execution itself.
//!
//! Why rows in the order written rather than one row per event keyed by execution: a worker's
//! group commit holds checkpoints of dozens of executions. Keyed by execution, each one's
//! events land in a page of that execution's, in the middle of the table: every checkpoint
//! dirties pages of its own (and B-tree splits in the middle rewrite their neighbours), and a
//! commit writes every dirty page whole into the WAL. Appended in order, a commit's rows fill
//! the table's last pages together; only the small index entry per row lands by execution.
//! The top-level progress rides in the same row for the same reason: replacing a row keyed by
//! execution would dirty a page per execution again. (Children's progress, which is replaced
//! many times per state and read back by place, stays in the `progress` table.)
//!
//! A row holds the events with ids `first..=last`, one per line as `<id> <event JSON>` (JSON
//! text has no raw line breaks), or none (`first` = `last` + 1, `last` the execution's last
//! event id then) when it carries only progress. Executions write their events in id order
//! (a write's own are sorted), so rows of one execution are ordered by `last` (ties: by `seq`,
//! the order written), which the index keeps; an event whose id is not past the execution's
//! last is one written already (a replay), and left out.

use super::Context;
use crate::store::{Result, StoreError, StoredEvent};
use rusqlite::{params, OptionalExtension, Transaction};

/// The executions' own id (`executions.id`): the integer that keys their history.
pub(super) fn execution_id(tx: &Transaction<'_>, arn: &str) -> Result<Option<i64>> {
    tx.prepare_cached("SELECT id FROM executions WHERE arn = ?1")
        .and_then(|mut stmt| stmt.query_row([arn], |row| row.get(0)).optional())
        .context("reading an execution's id")
}

/// The id of the execution's last event (0: none).
pub(super) fn last_event_id(tx: &Transaction<'_>, execution: i64) -> Result<u64> {
    let last: Option<i64> = tx
        .prepare_cached("SELECT last FROM history WHERE execution = ?1 ORDER BY last DESC LIMIT 1")
        .and_then(|mut stmt| stmt.query_row([execution], |row| row.get(0)).optional())
        .context("reading the last event id")?;
    Ok(last.map_or(0, |last| u64::try_from(last).unwrap_or(0)))
}

/// Appends `events` to the history, with `progress` (the execution's own, place "") if given.
/// Events whose id is already there are left out: a replay writes the same ids again, and the
/// first write wins.
pub(super) fn append(tx: &Transaction<'_>, execution: i64, events: &[StoredEvent], progress: Option<&[u8]>) -> Result<()> {
    let what = "appending history events";
    let last = last_event_id(tx, execution)?;
    // A write's events in id order, each id once (the first given).
    let mut new: Vec<&StoredEvent> = events.iter().filter(|e| e.id > last).collect();
    new.sort_by_key(|e| e.id);
    new.dedup_by_key(|e| e.id);
    let mut lines = String::new();
    let (mut first, mut newest) = (None, last);
    for e in new {
        if !lines.is_empty() {
            lines.push('\n');
        }
        lines.push_str(&e.id.to_string());
        lines.push(' ');
        lines.push_str(&e.json);
        first.get_or_insert(e.id);
        newest = e.id;
    }
    if first.is_none() && progress.is_none() {
        return Ok(());
    }
    let first = first.unwrap_or(newest + 1);
    tx.prepare_cached("INSERT INTO history (execution, first, last, events, progress) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut stmt| stmt.execute(params![execution, id(first), id(newest), lines, progress]))
        .context(what)?;
    Ok(())
}

/// The execution's own progress (place ""), as its last checkpoint left it.
pub(super) fn progress(tx: &Transaction<'_>, execution: i64) -> Result<Option<Vec<u8>>> {
    tx.prepare_cached("SELECT progress FROM history WHERE execution = ?1 AND progress IS NOT NULL ORDER BY last DESC, seq DESC LIMIT 1")
        .and_then(|mut stmt| stmt.query_row([execution], |row| row.get(0)).optional())
        .context("reading progress")
}

/// Up to `count` events in id order (or reverse order), after (or, reversed, before) `from`.
pub(super) fn events(tx: &Transaction<'_>, execution: i64, reverse: bool, from: Option<u64>, count: usize) -> Result<Vec<StoredEvent>> {
    let what = "reading history";
    let sql = match reverse {
        false => "SELECT events FROM history WHERE execution = ?1 AND last > ?2 AND events <> '' ORDER BY last, seq",
        true => "SELECT events FROM history WHERE execution = ?1 AND first < ?2 AND events <> '' ORDER BY last DESC, seq DESC",
    };
    let bound = match (reverse, from) {
        (false, from) => id(from.unwrap_or(0)),
        (true, from) => from.map_or(i64::MAX, id),
    };
    let mut stmt = tx.prepare_cached(sql).context(what)?;
    let mut rows = stmt.query(params![execution, bound]).context(what)?;
    let mut found = Vec::new();
    while found.len() < count {
        let Some(row) = rows.next().context(what)? else { break };
        let text: String = row.get(0).context(what)?;
        let mut chunk = text.split('\n').map(parse_line).collect::<Result<Vec<_>>>()?;
        if reverse {
            chunk.reverse();
        }
        let wanted = |e: &StoredEvent| match (reverse, from) {
            (false, from) => e.id > from.unwrap_or(0),
            (true, Some(from)) => e.id < from,
            (true, None) => true,
        };
        found.extend(chunk.into_iter().filter(wanted).take(count - found.len()));
    }
    Ok(found)
}

/// Forgets the execution's own progress (retention: what only a redrive reads).
pub(super) fn forget_progress(tx: &Transaction<'_>, execution: i64) -> Result<()> {
    tx.prepare_cached("UPDATE history SET progress = NULL WHERE execution = ?1 AND progress IS NOT NULL")
        .and_then(|mut stmt| stmt.execute([execution]))
        .context("forgetting progress")?;
    Ok(())
}

/// Forgets the execution's whole history.
pub(super) fn forget(tx: &Transaction<'_>, execution: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM history WHERE execution = ?1").and_then(|mut stmt| stmt.execute([execution])).context("forgetting history")?;
    Ok(())
}

fn parse_line(line: &str) -> Result<StoredEvent> {
    let damaged = |why: String| StoreError::Backend(format!("reading history: a stored event is damaged ({why})"));
    let (id, json) = line.split_once(' ').ok_or_else(|| damaged("no id".into()))?;
    let id = id.parse().map_err(|_| damaged(format!("the id '{id}' is not a number")))?;
    Ok(StoredEvent { id, json: json.to_owned() })
}

/// An event id as SQLite keeps it (an i64; ids never come near its end).
fn id(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}
