//! The store's tables, in a schema of their own (`asl` unless told), versioned in its
//! `schema_version` table, and the migrations from every earlier version (none yet). A schema
//! written by a newer build is refused rather than misread, and a schema of that name holding
//! another program's tables is left alone.
//!
//! The tables follow the SQLite store's, with PostgreSQL's types: dates are `timestamptz`
//! (kept to the millisecond), progress `bytea`, flags `boolean`, JSON kept as the text that
//! was given. Names that lists sort by are `COLLATE "C"`: byte order, as SQLite sorts, whatever
//! the database's locale.

use super::pool::quote_ident;
use super::tx::{Out, Tx};
use crate::store::StoreError;

/// The schema this code writes.
pub(super) const SCHEMA_VERSION: i32 = 1;

/// Any constant works, as long as it is always the same: two processes opening a new store at
/// once take turns creating it.
const MIGRATION_LOCK: i64 = 0x6173_6c5f_7374_6f72; // "asl_stor"

const SCHEMA_V1: &str = r#"
CREATE TABLE state_machines (
    name            TEXT COLLATE "C" PRIMARY KEY,
    arn             TEXT NOT NULL,
    definition      TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    machine_type    TEXT NOT NULL,
    role_arn        TEXT NOT NULL,
    creation_date   TIMESTAMPTZ NOT NULL,
    update_date     TIMESTAMPTZ,
    status          TEXT NOT NULL,
    revision_id     TEXT NOT NULL,
    -- The last version number given: numbers are never given twice.
    last_version    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE executions (
    arn                TEXT COLLATE "C" PRIMARY KEY,
    state_machine_name TEXT COLLATE "C" NOT NULL,
    name               TEXT COLLATE "C" NOT NULL,
    status             TEXT NOT NULL,
    input              TEXT NOT NULL,
    output             TEXT,
    error              TEXT,
    cause              TEXT,
    start_date         TIMESTAMPTZ NOT NULL,
    stop_date          TIMESTAMPTZ,
    redrive_count      INTEGER NOT NULL,
    owner              TEXT,
    lease_until        TIMESTAMPTZ,
    test_case          TEXT,
    definition_hash    TEXT NOT NULL,
    version            INTEGER,
    alias              TEXT,
    -- Parked until then (or until its token is answered); NULL: not parked.
    wake_at            TIMESTAMPTZ,
    -- Retention removed what only a redrive reads (progress, effects, tokens).
    compacted          BOOLEAN NOT NULL DEFAULT FALSE
);
-- An execution name is unique within its machine.
CREATE UNIQUE INDEX executions_by_name ON executions (state_machine_name, name);
-- ListExecutions: per machine or status, newest first.
CREATE INDEX executions_by_machine ON executions (state_machine_name, start_date);
CREATE INDEX executions_by_status ON executions (status, start_date);
-- Claims: the running executions of some definitions that are awake, oldest first, and the
-- parked ones by when they wake; a claim never reads the executions still parked.
CREATE INDEX executions_awake ON executions (definition_hash, start_date) WHERE status = 'RUNNING' AND wake_at IS NULL;
CREATE INDEX executions_parked ON executions (wake_at) WHERE status = 'RUNNING' AND wake_at IS NOT NULL;
-- Retention: ended executions by when they ended.
CREATE INDEX executions_ended ON executions (stop_date) WHERE status <> 'RUNNING';
CREATE INDEX executions_to_compact ON executions (stop_date) WHERE status <> 'RUNNING' AND NOT compacted;

CREATE TABLE events (
    arn   TEXT NOT NULL,
    id    BIGINT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (arn, id)
);

CREATE TABLE progress (
    arn   TEXT NOT NULL,
    place TEXT NOT NULL,
    data  BYTEA NOT NULL,
    PRIMARY KEY (arn, place)
);

CREATE TABLE effects (
    arn   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);

CREATE TABLE activities (
    name          TEXT COLLATE "C" PRIMARY KEY,
    arn           TEXT UNIQUE NOT NULL,
    creation_date TIMESTAMPTZ NOT NULL
);

CREATE TABLE tokens (
    token          TEXT PRIMARY KEY,
    -- Issue order: GetActivityTask hands out the oldest first.
    seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    execution_arn  TEXT NOT NULL,
    state          TEXT NOT NULL,
    activity_arn   TEXT,
    input          TEXT NOT NULL,
    -- NULL while unanswered, else 'SUCCESS' (with output) or 'FAILURE' (with error, cause).
    outcome        TEXT,
    output         TEXT,
    error          TEXT,
    cause          TEXT,
    last_heartbeat TIMESTAMPTZ,
    taken          BOOLEAN NOT NULL,
    heartbeats     BIGINT NOT NULL DEFAULT 0,
    worker_name    TEXT,
    -- Set when the execution ended or was stopped: the token can no longer be answered, even
    -- after a redrive (the redriven execution issues new tokens).
    closed         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tokens_open_by_activity ON tokens (activity_arn, seq)
    WHERE outcome IS NULL AND NOT taken AND NOT closed;
CREATE INDEX tokens_open_by_execution ON tokens (execution_arn)
    WHERE outcome IS NULL AND NOT closed;

CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
);

CREATE TABLE versions (
    machine         TEXT COLLATE "C" NOT NULL,
    number          INTEGER NOT NULL,
    arn             TEXT NOT NULL,
    definition      TEXT NOT NULL,
    definition_hash TEXT NOT NULL,
    role_arn        TEXT NOT NULL,
    description     TEXT,
    revision_id     TEXT NOT NULL,
    creation_date   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (machine, number)
);

CREATE TABLE aliases (
    machine       TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    arn           TEXT NOT NULL,
    description   TEXT,
    -- JSON: [{"version": 1, "weight": 100}]
    routing       TEXT NOT NULL,
    creation_date TIMESTAMPTZ NOT NULL,
    update_date   TIMESTAMPTZ,
    PRIMARY KEY (machine, name)
);

CREATE TABLE map_runs (
    arn           TEXT COLLATE "C" PRIMARY KEY,
    execution_arn TEXT NOT NULL,
    start_date    TIMESTAMPTZ NOT NULL,
    report        TEXT NOT NULL
);
CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, start_date, arn);

CREATE TABLE schema_version (version INTEGER NOT NULL);
"#;

/// Creates the schema and its tables, or checks what is there; in one transaction, under a
/// lock that serialises two processes doing the same.
pub(super) async fn migrate(tx: &Tx<'_>, schema: &str, create: bool) -> Out<()> {
    tx.one("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    let exists = tx.opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema]).await?.is_some();
    if !exists && !create {
        return Err(StoreError::Missing(format!("in schema '{schema}' of that PostgreSQL database")).into());
    }
    if !exists {
        tx.batch(&format!("CREATE SCHEMA {}", quote_ident(schema))).await?;
    }
    let tables: Vec<String> = tx
        .all("SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1", &[&schema])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if tables.is_empty() && !create {
        return Err(StoreError::Missing(format!("in schema '{schema}' of that PostgreSQL database")).into());
    }
    if tables.is_empty() {
        tx.batch(SCHEMA_V1).await?;
        tx.exec("INSERT INTO schema_version (version) VALUES ($1)", &[&SCHEMA_VERSION]).await?;
        return Ok(());
    }
    if !tables.iter().any(|t| t == "schema_version") {
        return Err(StoreError::NotAStore(format!(
            "the PostgreSQL schema '{schema}' holds tables of another program ({}); give the store a schema of its own \
             (`?schema=<name>` in the URL)",
            tables.join(", ")
        ))
        .into());
    }
    let version: i32 = tx.one("SELECT max(version) FROM schema_version", &[]).await?.try_get(0).unwrap_or(0);
    match version {
        SCHEMA_VERSION => Ok(()),
        v if v > SCHEMA_VERSION => Err(StoreError::Backend(format!(
            "the store in schema '{schema}' has schema version {v}, newer than this build of asl-engine knows \
             ({SCHEMA_VERSION}); open it with a newer asl-engine"
        ))
        .into()),
        v => Err(StoreError::Backend(format!("the store in schema '{schema}' has an unknown schema version {v}")).into()),
    }
}
