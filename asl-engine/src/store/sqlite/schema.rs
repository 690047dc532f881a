//! The store's schema, versioned in `PRAGMA user_version`, and the migrations from every
//! earlier version. A file written by a newer build is refused rather than misread.

use super::Context;
use crate::store::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};

/// The schema this code writes, kept in `PRAGMA user_version`. A file with a newer version
/// was written by a newer build and is refused rather than misread.
pub(super) const SCHEMA_VERSION: i64 = 8;

const SCHEMA_V1: &str = "
CREATE TABLE state_machines (
    name            TEXT PRIMARY KEY,
    arn             TEXT NOT NULL,
    definition      TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    machine_type    TEXT NOT NULL,
    role_arn        TEXT NOT NULL,
    creation_date   TEXT NOT NULL
);

CREATE TABLE executions (
    arn                TEXT PRIMARY KEY,
    state_machine_name TEXT NOT NULL,
    name               TEXT NOT NULL,
    status             TEXT NOT NULL,
    input              TEXT NOT NULL,
    output             TEXT,
    error              TEXT,
    cause              TEXT,
    start_date         TEXT NOT NULL,
    stop_date          TEXT,
    redrive_count      INTEGER NOT NULL,
    owner              TEXT,
    lease_until        TEXT
);
-- An execution name is unique within its machine.
CREATE UNIQUE INDEX executions_by_name ON executions (state_machine_name, name);
-- ListExecutions (per machine, per status, newest first) and claim (RUNNING, lease ended).
CREATE INDEX executions_by_machine ON executions (state_machine_name, start_date);
CREATE INDEX executions_by_status ON executions (status, start_date);
CREATE INDEX executions_by_lease ON executions (status, lease_until);

CREATE TABLE events (
    arn   TEXT NOT NULL,
    id    INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (arn, id)
) WITHOUT ROWID;

CREATE TABLE progress (
    arn   TEXT NOT NULL,
    place TEXT NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (arn, place)
) WITHOUT ROWID;

CREATE TABLE effects (
    arn   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
) WITHOUT ROWID;

CREATE TABLE tokens (
    token          TEXT PRIMARY KEY,
    -- Issue order (GetActivityTask hands out the oldest first). Explicit because VACUUM may
    -- renumber an implicit rowid.
    seq            INTEGER NOT NULL UNIQUE,
    execution_arn  TEXT NOT NULL,
    state          TEXT NOT NULL,
    activity_arn   TEXT,
    input          TEXT NOT NULL,
    -- NULL while unanswered, else 'SUCCESS' (with output) or 'FAILURE' (with error, cause).
    outcome        TEXT,
    output         TEXT,
    error          TEXT,
    cause          TEXT,
    last_heartbeat TEXT,
    taken          INTEGER NOT NULL,
    -- Set when the execution ended or was stopped: the token can no longer be answered, even
    -- after a redrive (the redriven execution issues new tokens).
    closed         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_open_by_activity ON tokens (activity_arn, seq)
    WHERE outcome IS NULL AND taken = 0 AND closed = 0;
CREATE INDEX tokens_open_by_execution ON tokens (execution_arn)
    WHERE outcome IS NULL AND closed = 0;
";

/// Version 1 → 2: activities, and a count of each token's heartbeats (two heartbeats within
/// one millisecond must still be two). `IF NOT EXISTS`: some version-1 files already have the
/// table.
const MIGRATE_TO_V2: &str = "
CREATE TABLE IF NOT EXISTS activities (
    name          TEXT PRIMARY KEY,
    arn           TEXT UNIQUE NOT NULL,
    creation_date TEXT NOT NULL
);
ALTER TABLE tokens ADD COLUMN heartbeats INTEGER NOT NULL DEFAULT 0;
";

/// Version 2 → 3: the name of the worker that fetched an activity task.
const MIGRATE_TO_V3: &str = "
ALTER TABLE tokens ADD COLUMN worker_name TEXT;
";

/// Version 3 → 4 (what `asl serve` needs): UpdateStateMachine's date, DeleteStateMachine's
/// DELETING status, the mock test case an execution was started with, and tags.
const MIGRATE_TO_V4: &str = "
ALTER TABLE state_machines ADD COLUMN update_date TEXT;
ALTER TABLE state_machines ADD COLUMN status TEXT NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE executions ADD COLUMN test_case TEXT;
CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
) WITHOUT ROWID;
";

/// Version 4 → 5: the definition each execution runs (its machine's at start), so that an
/// UpdateStateMachine leaves running executions on theirs; existing executions take their
/// machine's current one, the only one this store knew of.
const MIGRATE_TO_V5: &str = "
ALTER TABLE executions ADD COLUMN definition_hash TEXT NOT NULL DEFAULT '';
UPDATE executions SET definition_hash =
    COALESCE((SELECT s.definition_hash FROM state_machines s WHERE s.name = executions.state_machine_name), '');
CREATE INDEX executions_by_definition ON executions (status, definition_hash);
";

/// Version 5 → 6: versions and aliases (each machine's revision, what a version is published
/// from, and the last version number it gave; the version and alias each execution was started
/// through), and the Map Runs executions report (the report as JSON).
const MIGRATE_TO_V6: &str = "
ALTER TABLE state_machines ADD COLUMN revision_id TEXT NOT NULL DEFAULT '';
ALTER TABLE state_machines ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN version INTEGER;
ALTER TABLE executions ADD COLUMN alias TEXT;
CREATE TABLE versions (
    machine         TEXT NOT NULL,
    number          INTEGER NOT NULL,
    arn             TEXT NOT NULL,
    definition      TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    role_arn        TEXT NOT NULL,
    description     TEXT,
    revision_id     TEXT NOT NULL,
    creation_date   TEXT NOT NULL,
    PRIMARY KEY (machine, number)
) WITHOUT ROWID;
CREATE TABLE aliases (
    machine       TEXT NOT NULL,
    name          TEXT NOT NULL,
    arn           TEXT NOT NULL,
    description   TEXT,
    -- JSON: [{\"version\": 1, \"weight\": 100}]
    routing       TEXT NOT NULL,
    creation_date TEXT NOT NULL,
    update_date   TEXT,
    PRIMARY KEY (machine, name)
) WITHOUT ROWID;
CREATE TABLE map_runs (
    arn           TEXT PRIMARY KEY,
    execution_arn TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    report        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, start_date, arn);
";

/// Version 6 → 7: parked executions (when each may be claimed again), and the indexes that
/// let a claim pass over the parked ones without reading them; retention (which ended
/// executions still keep what only a redrive reads, by when they ended).
const MIGRATE_TO_V7: &str = "
ALTER TABLE executions ADD COLUMN wake_at TEXT;
CREATE INDEX executions_awake ON executions (status, definition_hash) WHERE wake_at IS NULL;
CREATE INDEX executions_parked ON executions (wake_at) WHERE wake_at IS NOT NULL;
ALTER TABLE executions ADD COLUMN compacted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX executions_ended ON executions (stop_date) WHERE status <> 'RUNNING';
CREATE INDEX executions_to_compact ON executions (stop_date) WHERE status <> 'RUNNING' AND compacted = 0;
";

/// Version 7 → 8: the history as rows in the order written, each write's events in one row
/// with the execution's own progress (see `history`), keyed by an integer id of each
/// execution. Existing events become a row each, existing top-level progress a row after them.
const MIGRATE_TO_V8: &str = "
ALTER TABLE executions ADD COLUMN id INTEGER;
UPDATE executions SET id = rowid;
CREATE UNIQUE INDEX executions_by_id ON executions (id);
CREATE TABLE history (
    seq       INTEGER PRIMARY KEY,
    execution INTEGER NOT NULL,
    first     INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    -- One line per event, '<id> <event JSON>'; '' for a row of progress alone.
    events    TEXT NOT NULL,
    -- The execution's own progress (place ''), for a checkpoint.
    progress  BLOB
);
CREATE INDEX history_by_execution ON history (execution, last);
INSERT INTO history (execution, first, last, events)
    SELECT x.id, e.id, e.id, e.id || ' ' || e.event FROM events e JOIN executions x ON x.arn = e.arn ORDER BY x.id, e.id;
INSERT INTO history (execution, first, last, events, progress)
    SELECT x.id, COALESCE(h.last, 0) + 1, COALESCE(h.last, 0), '', p.data
    FROM progress p JOIN executions x ON x.arn = p.arn
    LEFT JOIN (SELECT execution, MAX(last) AS last FROM history GROUP BY execution) h ON h.execution = x.id
    WHERE p.place = '' ORDER BY x.id;
DELETE FROM progress WHERE place = '';
DROP TABLE events;
";

pub(super) fn migrate(conn: &mut Connection, what: &str) -> Result<()> {
    // Immediate: two processes opening a new file at once must not both create the schema.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).context(what)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0)).context(what)?;
    match version {
        0..=7 => {
            if version == 0 {
                tx.execute_batch(SCHEMA_V1).context("creating the store schema")?;
            }
            if version <= 1 {
                tx.execute_batch(MIGRATE_TO_V2).context("migrating the store schema to version 2")?;
            }
            if version <= 2 {
                tx.execute_batch(MIGRATE_TO_V3).context("migrating the store schema to version 3")?;
            }
            if version <= 3 {
                tx.execute_batch(MIGRATE_TO_V4).context("migrating the store schema to version 4")?;
            }
            if version <= 4 {
                tx.execute_batch(MIGRATE_TO_V5).context("migrating the store schema to version 5")?;
            }
            if version <= 5 {
                tx.execute_batch(MIGRATE_TO_V6).context("migrating the store schema to version 6")?;
            }
            if version <= 6 {
                tx.execute_batch(MIGRATE_TO_V7).context("migrating the store schema to version 7")?;
            }
            tx.execute_batch(MIGRATE_TO_V8).context("migrating the store schema to version 8")?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION).context("setting the schema version")?;
        }
        SCHEMA_VERSION => {}
        v if v > SCHEMA_VERSION => {
            return Err(StoreError::Backend(format!(
                "{what}: the store has schema version {v}, newer than this build of asl-engine \
                 knows ({SCHEMA_VERSION}); open it with a newer asl-engine"
            )))
        }
        v => return Err(StoreError::Backend(format!("{what}: unknown store schema version {v}"))),
    }
    tx.commit().context(what)
}
