//! The shared store: PostgreSQL, for workers on several hosts and a control API in front of
//! one database. The same [`Store`] contract as the SQLite store, checked by the same
//! behaviour suite.
//!
//! Durability is the server's: a call returns after its transaction committed (with the
//! server's `synchronous_commit`, by default flushed to its WAL).
//!
//! Concurrency: the control API's read-then-write operations run SERIALIZABLE (as if one
//! after another, which is what SQLite's single writer gives) and run again when they lose a
//! conflict; the workers' hot paths run READ COMMITTED with the row locks they need:
//! claims take `FOR UPDATE SKIP LOCKED`, so that many workers claim different executions
//! without waiting on each other; checkpoints and effects lock their execution's row
//! `FOR SHARE`, so a stop or a takeover waits for them and they see it after.
//!
//! | file | owns |
//! |---|---|
//! | `tx.rs` | one transaction: prepared statements kept per connection, the failure type |
//! | `pool.rs` | connections (opened on demand, reopened after the server restarts), the store's I/O runtime, running a transaction again after a conflict |
//! | `schema.rs` | the tables, in a schema of their own, and their version |
//! | `rows.rs` | column lists and row → record conversions |
//! | `statements.rs` | statements several operations share |
//! | `versions.rs` | versions and aliases of state machines |
//! | `mod.rs` | opening a store from its URL, and the [`Store`] operations |

mod group;
mod pool;
mod rows;
mod schema;
mod statements;
mod tx;
mod versions;

use std::str::FromStr;

use chrono::{DateTime, Utc};
use tokio_postgres::types::ToSql;

use pool::{Isolation, Pool};
use rows::{big, ms, opt_ms, ACTIVITY_COLUMNS, EXECUTION_COLUMNS, MACHINE_COLUMNS, MAP_RUN_COLUMNS, TOKEN_COLUMNS};
use statements::{
    active_machine, append_events, put_effect, put_progress, check_answerable, check_held, close_tokens, delete_tags, end_map_runs, get_execution, get_machine, get_map_run,
    last_event_id, lock_status, purge_if_deleted, purge_machine_of, put_map_run_row,
};
use tx::{Out, Tx};
use versions::limit;

use super::common::{
    aborted_event, arn_taken, execution_key_token, id_token, key_token, merge_map_run, not_redrivable, one_page, page_size,
    parse_execution_key_token, parse_id_token, parse_key_token, qualified_arn, redrivable, redriven_event, swept_away,
};
use super::{
    ActivityRecord, AliasRecord, AliasUpdate, ExecutionEnd, ExecutionFilter, ExecutionRecord, MachineStatus, MachineUpdate, MapRunRecord,
    MapRunSettings, Page, Paged, Qualifier, Result, StateMachineRecord, Started, Status, Store, StoreError, StoredEvent, Tag, TokenOutcome,
    Swept, TokenRecord, VersionRecord, Write, Written, MAX_TAGS,
};

/// The schema the store's tables live in unless the URL names another (`?schema=`).
pub const DEFAULT_SCHEMA: &str = "asl";
/// Connections per store value unless the URL says otherwise (`?pool_size=`).
const DEFAULT_POOL_SIZE: usize = 8;

/// A [`Store`] in a PostgreSQL database.
pub struct PostgresStore {
    pool: Pool,
    schema: String,
}

/// Whether `spec` names a PostgreSQL store (`postgres://…` or `postgresql://…`) rather than a
/// file.
pub(super) fn is_postgres_url(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

impl PostgresStore {
    /// Connects to the database `url` names (libpq's URL form, as `psql` takes it:
    /// `postgres://user:password@host:port/database?options`), creating the store's schema
    /// and tables if they are missing. Two parameters are the store's own and are taken out
    /// before the URL reaches the driver: `schema` (the PostgreSQL schema the tables live in,
    /// `asl` by default: several stores can share a database) and `pool_size` (connections
    /// this process opens at most, 8 by default). The password never appears in an error.
    pub fn open(url: &str) -> Result<Self> {
        let (url, schema, size) = store_parameters(url)?;
        Self::open_with(&url, &schema, size, true)
    }

    /// Opens the store only if its tables exist: for reading commands, which must not answer
    /// from a new, empty store because a URL was mistyped.
    pub fn open_existing(url: &str) -> Result<Self> {
        let (url, schema, size) = store_parameters(url)?;
        Self::open_with(&url, &schema, size, false)
    }

    /// [`open`](Self::open) with the schema and pool size given in code; with `create`
    /// false, a store that is not there yet is `StoreError::Missing`.
    pub fn open_with(url: &str, schema: &str, pool_size: usize, create: bool) -> Result<Self> {
        check_schema_name(schema)?;
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::NotAStore(format!("not a PostgreSQL URL ({}): {e}", redacted(url))))?;
        let pool = Pool::new(config, schema, pool_size)?;
        let store = Self { pool, schema: schema.to_owned() };
        let schema = store.schema.clone();
        store.pool.transact("opening the store", Isolation::ReadCommitted, async |tx| schema::migrate(tx, &schema, create).await)?;
        Ok(store)
    }

    /// The PostgreSQL schema the store's tables are in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Removes the store: its schema and everything in it. For tests, and for a user who
    /// means it.
    pub fn drop_schema(self) -> Result<()> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", pool::quote_ident(&self.schema));
        self.pool.transact("removing the store", Isolation::ReadCommitted, async |tx| tx.batch(&sql).await)
    }

    fn write<T>(&self, what: &str, f: impl AsyncFn(&Tx<'_>) -> Out<T>) -> Result<T> {
        self.pool.transact(what, Isolation::Serializable, f)
    }

    /// Hot paths of workers: row locks taken explicitly, no serialization conflicts.
    fn locked<T>(&self, what: &str, f: impl AsyncFn(&Tx<'_>) -> Out<T>) -> Result<T> {
        self.pool.transact(what, Isolation::ReadCommitted, f)
    }

    /// Reads: one snapshot per call (REPEATABLE READ is not needed for a single statement,
    /// and the several statements of a read only page through one table).
    fn read<T>(&self, what: &str, f: impl AsyncFn(&Tx<'_>) -> Out<T>) -> Result<T> {
        self.pool.transact(what, Isolation::ReadCommitted, f)
    }

    /// One page of the rows of `table` in name order (keyset paging).
    fn list_by_name<T>(&self, what: &str, columns: &str, table: &str, page: &Page, from_row: fn(&tokio_postgres::Row) -> Result<T>, name_of: fn(&T) -> &String) -> Result<Paged<T>> {
        let size = page_size(page);
        let after = match &page.next_token {
            Some(t) => parse_key_token(t, 1)?.pop(),
            None => None,
        };
        let sql = format!("SELECT {columns} FROM {table} WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2");
        let found = self.read(what, async |tx| Ok(rows::each(&tx.all(&sql, &[&after, &limit(size + 1)]).await?, from_row)?))?;
        Ok(one_page(found, size, |item| key_token(&[name_of(item)])))
    }
}

/// Takes the store's own parameters (`schema`, `pool_size`) out of `url`.
fn store_parameters(url: &str) -> Result<(String, String, usize)> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut schema = DEFAULT_SCHEMA.to_owned();
    let mut size = DEFAULT_POOL_SIZE;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("schema", value)) => schema = value.to_owned(),
            Some(("pool_size", value)) => {
                size = value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| StoreError::NotAStore(format!("pool_size={value} in the store URL is not a positive number")))?
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
    Ok((url, schema, size))
}

/// A schema name is an identifier of letters, digits and `_` (quoted anyway, but a name that
/// needs quoting is more likely a mistake than a wish).
fn check_schema_name(schema: &str) -> Result<()> {
    let fine = !schema.is_empty()
        && schema.len() <= 63
        && schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !schema.starts_with(|c: char| c.is_ascii_digit());
    if fine {
        Ok(())
    } else {
        Err(StoreError::NotAStore(format!(
            "'{schema}' is not a schema name this store takes: letters, digits and '_', not starting with a digit, at most 63"
        )))
    }
}

/// The schema a store URL names (`?schema=`), or the default; for naming things after it.
pub(super) fn schema_of(url: &str) -> String {
    store_parameters(url).map_or_else(|_| DEFAULT_SCHEMA.to_owned(), |(_, schema, _)| schema)
}

/// The URL with its password replaced, for errors.
pub(super) fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{name}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

fn outcome_columns(outcome: &Option<TokenOutcome>) -> (Option<&'static str>, Option<&str>, Option<&str>, Option<&str>) {
    match outcome {
        None => (None, None, None, None),
        Some(TokenOutcome::Success(output)) => (Some("SUCCESS"), Some(output.as_str()), None, None),
        Some(TokenOutcome::Failure { error, cause }) => (Some("FAILURE"), None, error.as_deref(), cause.as_deref()),
    }
}

impl Store for PostgresStore {
    fn create_state_machine(&self, machine: StateMachineRecord) -> Result<StateMachineRecord> {
        self.write("creating a state machine", async |tx| {
            if let Some(existing) = get_machine(tx, &machine.name).await? {
                if existing.status == MachineStatus::Deleting {
                    return Err(StoreError::StateMachineDeleting(existing.arn).into());
                }
                // AWS's idempotency looks at the definition and type, not the role.
                return if existing.definition_hash == machine.definition_hash && existing.machine_type == machine.machine_type {
                    Ok(existing)
                } else {
                    Err(StoreError::StateMachineAlreadyExists(machine.name.clone()).into())
                };
            }
            let row = tx
                .one(
                    &format!("INSERT INTO state_machines ({MACHINE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {MACHINE_COLUMNS}"),
                    &[
                        &machine.name,
                        &machine.arn,
                        &machine.definition,
                        &machine.definition_hash,
                        &machine.machine_type.as_str(),
                        &machine.role_arn,
                        &ms(machine.creation_date),
                        &opt_ms(machine.update_date),
                        &machine.status.as_str(),
                        &machine.revision_id,
                    ],
                )
                .await?;
            Ok(rows::machine(&row)?)
        })
    }

    fn state_machine(&self, name: &str) -> Result<Option<StateMachineRecord>> {
        self.read("reading a state machine", async |tx| get_machine(tx, name).await)
    }

    fn list_state_machines(&self, page: &Page) -> Result<Paged<StateMachineRecord>> {
        self.list_by_name("listing state machines", MACHINE_COLUMNS, "state_machines", page, rows::machine, |m| &m.name)
    }

    fn update_state_machine(&self, name: &str, update: &MachineUpdate) -> Result<StateMachineRecord> {
        self.write("updating a state machine", async |tx| {
            let existing = get_machine(tx, name).await?.ok_or_else(|| StoreError::StateMachineDoesNotExist(name.to_owned()))?;
            if existing.status == MachineStatus::Deleting {
                return Err(StoreError::StateMachineDeleting(existing.arn).into());
            }
            let (definition, hash) = update.definition.clone().unwrap_or((existing.definition, existing.definition_hash));
            let role = update.role_arn.clone().unwrap_or(existing.role_arn);
            let row = tx
                .one(
                    &format!(
                        "UPDATE state_machines SET definition = $1, definition_hash = $2, role_arn = $3, update_date = $4, revision_id = $5
                         WHERE name = $6 RETURNING {MACHINE_COLUMNS}"
                    ),
                    &[&definition, &hash, &role, &ms(update.update_date), &update.revision_id, &name],
                )
                .await?;
            Ok(rows::machine(&row)?)
        })
    }

    fn delete_state_machine(&self, name: &str) -> Result<()> {
        // READ COMMITTED: the update waits for the transactions that hold the machine's row
        // (an execution ending, one starting), and the purge's own snapshot, taken after it,
        // sees what they did.
        self.locked("deleting a state machine", async |tx| {
            tx.exec("UPDATE state_machines SET status = 'DELETING' WHERE name = $1", &[&name]).await?;
            purge_if_deleted(tx, name).await
        })
    }

    fn publish_version(&self, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Result<VersionRecord> {
        self.write("publishing a state machine version", async |tx| versions::publish(tx, machine, revision, description, now).await)
    }

    fn version(&self, machine: &str, number: u32) -> Result<Option<VersionRecord>> {
        self.read("reading a state machine version", async |tx| versions::get_version(tx, machine, number).await)
    }

    fn list_versions(&self, machine: &str, page: &Page) -> Result<Paged<VersionRecord>> {
        self.read("listing state machine versions", async |tx| versions::list_versions(tx, machine, page).await)
    }

    fn published_definitions(&self) -> Result<Vec<(String, u32, String)>> {
        self.read("listing published definitions", async |tx| versions::published_definitions(tx).await)
    }

    fn delete_version(&self, machine: &str, number: u32) -> Result<()> {
        self.write("deleting a state machine version", async |tx| versions::delete_version(tx, machine, number).await)
    }

    fn create_alias(&self, alias: AliasRecord) -> Result<AliasRecord> {
        self.write("creating a state machine alias", async |tx| versions::create_alias(tx, &alias).await)
    }

    fn update_alias(&self, machine: &str, name: &str, update: &AliasUpdate) -> Result<AliasRecord> {
        self.write("updating a state machine alias", async |tx| versions::update_alias(tx, machine, name, update).await)
    }

    fn alias(&self, machine: &str, name: &str) -> Result<Option<AliasRecord>> {
        self.read("reading a state machine alias", async |tx| versions::get_alias(tx, machine, name).await)
    }

    fn list_aliases(&self, machine: &str, version: Option<u32>, page: &Page) -> Result<Paged<AliasRecord>> {
        self.read("listing state machine aliases", async |tx| versions::list_aliases(tx, machine, version, page).await)
    }

    fn delete_alias(&self, machine: &str, name: &str) -> Result<()> {
        self.write("deleting a state machine alias", async |tx| versions::delete_alias(tx, machine, name).await)
    }

    fn start_execution(&self, record: ExecutionRecord, events: &[StoredEvent]) -> Result<Started> {
        if record.status != Status::Running {
            return Err(StoreError::InvalidState("a new execution must be RUNNING".into()));
        }
        self.write("starting an execution", async |tx| {
            let m = active_machine(tx, &record.state_machine_name).await?;
            let definition_hash = match record.version {
                None => m.definition_hash,
                Some(n) => match versions::get_version(tx, &m.name, n).await? {
                    Some(v) => v.definition_hash,
                    None => return Err(StoreError::StateMachineDoesNotExist(qualified_arn(&m.arn, n)).into()),
                },
            };
            let existing = tx
                .opt(
                    &format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE arn = $1 OR (state_machine_name = $2 AND name = $3)"),
                    &[&record.arn, &record.state_machine_name, &record.name],
                )
                .await?;
            if let Some(existing) = existing {
                let existing = rows::execution(&existing)?;
                return if existing.status == Status::Running && existing.input == record.input {
                    Ok(Started { record: existing, created: false })
                } else {
                    Err(StoreError::ExecutionAlreadyExists(existing.arn).into())
                };
            }
            let redrive_count = i32::try_from(record.redrive_count).unwrap_or(i32::MAX);
            let version = record.version.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
            let row = tx
                .one(
                    &format!(
                        "INSERT INTO executions ({EXECUTION_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING {EXECUTION_COLUMNS}"
                    ),
                    &[
                        &record.arn,
                        &record.state_machine_name,
                        &record.name,
                        &record.status.as_str(),
                        &record.input,
                        &record.output,
                        &record.error,
                        &record.cause,
                        &ms(record.start_date),
                        &opt_ms(record.stop_date),
                        &redrive_count,
                        &record.owner,
                        &opt_ms(record.lease_until),
                        &record.test_case,
                        &definition_hash,
                        &version,
                        &record.alias,
                        &opt_ms(record.wake_at),
                    ],
                )
                .await?;
            append_events(tx, &record.arn, events).await?;
            Ok(Started { record: rows::execution(&row)?, created: true })
        })
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        self.read("reading an execution", async |tx| get_execution(tx, arn).await)
    }

    fn list_executions_where(&self, filter: &ExecutionFilter<'_>, page: &Page) -> Result<Paged<ExecutionRecord>> {
        let ExecutionFilter { machine, qualifier, status, redriven } = *filter;
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_execution_key_token).transpose()?;

        // Only the filters asked for go into the query, so the planner can pick the matching
        // index.
        let mut sql = format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE TRUE");
        let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let mut push = |sql: &mut String, clause: &str, value: Box<dyn ToSql + Sync>| {
            args.push(value);
            sql.push_str(&clause.replace('#', &format!("${}", args.len())));
        };
        if let Some(machine) = machine {
            push(&mut sql, " AND state_machine_name = #", Box::new(machine.to_owned()));
        }
        if let Some(status) = status {
            push(&mut sql, " AND status = #", Box::new(status.as_str()));
        }
        match redriven {
            None => {}
            Some(true) => sql.push_str(" AND redrive_count > 0"),
            Some(false) => sql.push_str(" AND redrive_count = 0"),
        }
        match qualifier {
            None => {}
            Some(Qualifier::Version(n)) => push(&mut sql, " AND version = #", Box::new(i32::try_from(n).unwrap_or(i32::MAX))),
            Some(Qualifier::Alias(alias)) => push(&mut sql, " AND alias = #", Box::new(alias.to_owned())),
        }
        if let Some((date, name, arn)) = after {
            // After the last item in the order below: (start_date DESC, name, arn).
            let date = ms(date);
            push(&mut sql, " AND (start_date < #", Box::new(date));
            push(&mut sql, " OR (start_date = #", Box::new(date));
            push(&mut sql, " AND (name > #", Box::new(name.clone()));
            push(&mut sql, " OR (name = #", Box::new(name));
            push(&mut sql, " AND arn > #))))", Box::new(arn));
        }
        push(&mut sql, " ORDER BY start_date DESC, name, arn LIMIT #", Box::new(limit(size + 1)));
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
        let found = self.read("listing executions", async |tx| Ok(rows::each(&tx.all(&sql, &params).await?, rows::execution)?))?;
        Ok(one_page(found, size, |e| execution_key_token(e.start_date, &e.name, &e.arn)))
    }

    fn claim(&self, worker: &str, definitions: &[String], now: DateTime<Utc>, lease_until: DateTime<Utc>, max: usize) -> Result<Vec<ExecutionRecord>> {
        if definitions.is_empty() || max == 0 {
            return Ok(Vec::new());
        }
        let (now, lease_until) = (ms(now), ms(lease_until));
        // Oldest first, so that nothing starves; SKIP LOCKED: rows another worker is claiming
        // right now are passed over rather than waited for, and never claimed twice.
        let sql = format!(
            "WITH claimable AS (
                 SELECT arn FROM executions
                 WHERE status = 'RUNNING' AND definition_hash = ANY($1) AND (wake_at IS NULL OR wake_at <= $2)
                   AND (owner IS NULL OR lease_until IS NULL OR lease_until < $2)
                 ORDER BY start_date, name, arn LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             UPDATE executions e SET owner = $4, lease_until = $5, wake_at = NULL FROM claimable c WHERE e.arn = c.arn
             RETURNING {}",
            EXECUTION_COLUMNS.split(", ").map(|c| format!("e.{}", c.trim())).collect::<Vec<_>>().join(", ")
        );
        let mut claimed = self.locked("claiming executions", async |tx| {
            let found = tx.all(&sql, &[&definitions, &now, &limit(max), &worker, &lease_until]).await?;
            Ok(rows::each(&found, rows::execution)?)
        })?;
        claimed.sort_by(|a, b| (a.start_date, &a.name, &a.arn).cmp(&(b.start_date, &b.name, &b.arn)));
        Ok(claimed)
    }

    fn running_definitions(&self) -> Result<Vec<String>> {
        self.read("listing the definitions of running executions", async |tx| {
            Ok(tx.all("SELECT DISTINCT definition_hash FROM executions WHERE status = 'RUNNING'", &[]).await?.iter().map(|r| r.get(0)).collect())
        })
    }

    fn renew(&self, worker: &str, arns: &[String], lease_until: DateTime<Utc>) -> Result<Vec<String>> {
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        let lease_until = ms(lease_until);
        let kept: Vec<String> = self.locked("renewing leases", async |tx| {
            // The rows locked in ARN order, as a group commit locks them: two transactions
            // taking several of them never wait for each other in a circle.
            let found = tx
                .all(
                    "UPDATE executions SET lease_until = $1 WHERE arn IN (
                         SELECT arn FROM executions WHERE arn = ANY($2) AND owner = $3 AND status = 'RUNNING' ORDER BY arn FOR UPDATE)
                     RETURNING arn",
                    &[&lease_until, &arns, &worker],
                )
                .await?;
            Ok(found.iter().map(|r| r.get(0)).collect())
        })?;
        // In the order asked, as the other stores answer.
        Ok(arns.iter().filter(|a| kept.contains(a)).cloned().collect())
    }

    fn release(&self, worker: &str, arn: &str) -> Result<()> {
        self.locked("releasing an execution", async |tx| {
            tx.exec("UPDATE executions SET owner = NULL, lease_until = NULL WHERE arn = $1 AND owner = $2", &[&arn, &worker]).await?;
            Ok(())
        })
    }

    fn sweep(&self, compact_before: DateTime<Utc>, remove_before: DateTime<Utc>, max: usize) -> Result<Swept> {
        let (compact_before, remove_before, max) = (ms(compact_before), ms(remove_before), limit(max));
        self.locked("sweeping ended executions", async |tx| {
            let removed: Vec<String> = tx
                .all(
                    "SELECT arn FROM executions WHERE status <> 'RUNNING' AND stop_date < $1 ORDER BY stop_date LIMIT $2 FOR UPDATE SKIP LOCKED",
                    &[&remove_before, &max],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let compacted: Vec<String> = tx
                .all(
                    "SELECT arn FROM executions WHERE status <> 'RUNNING' AND NOT compacted AND stop_date < $1 AND arn <> ALL($3)
                     ORDER BY stop_date LIMIT $2 FOR UPDATE SKIP LOCKED",
                    &[&compact_before, &max, &removed],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let both: Vec<&String> = removed.iter().chain(&compacted).collect();
            for sql in ["DELETE FROM progress WHERE arn = ANY($1)", "DELETE FROM effects WHERE arn = ANY($1)", "DELETE FROM tokens WHERE execution_arn = ANY($1)"] {
                tx.exec(sql, &[&both]).await?;
            }
            for sql in ["DELETE FROM events WHERE arn = ANY($1)", "DELETE FROM map_runs WHERE execution_arn = ANY($1)", "DELETE FROM executions WHERE arn = ANY($1)"] {
                tx.exec(sql, &[&removed]).await?;
            }
            tx.exec("UPDATE executions SET compacted = TRUE WHERE arn = ANY($1)", &[&compacted]).await?;
            Ok(Swept { compacted: compacted.len(), removed: removed.len() })
        })
    }

    fn park(&self, arn: &str, worker: &str, token: Option<&str>, wake: DateTime<Utc>) -> Result<bool> {
        let wake = ms(wake);
        self.locked("parking an execution", async |tx| {
            // The token before the execution, in the order an answer takes them.
            if let Some(token) = token {
                let open = tx.opt("SELECT outcome IS NULL AND NOT closed FROM tokens WHERE token = $1 FOR SHARE", &[&token]).await?;
                if open.map(|r| r.get::<_, bool>(0)) != Some(true) {
                    return Ok(false);
                }
            }
            check_held(tx, arn, Some(worker), "FOR UPDATE").await?;
            tx.exec("UPDATE executions SET owner = NULL, lease_until = NULL, wake_at = $1 WHERE arn = $2", &[&wake, &arn]).await?;
            Ok(true)
        })
    }

    fn checkpoint(&self, arn: &str, worker: &str, place: &str, progress: Option<&[u8]>, events: &[StoredEvent]) -> Result<()> {
        self.locked("checkpointing", async |tx| {
            check_held(tx, arn, Some(worker), "FOR SHARE").await?;
            if let Some(progress) = progress {
                put_progress(tx, arn, place, progress).await?;
            }
            append_events(tx, arn, events).await
        })
    }

    fn commit(&self, writes: &[Write]) -> Result<Vec<Result<Written>>> {
        self.locked("committing a group of writes", async |tx| group::commit(tx, writes).await)
    }

    fn progress(&self, arn: &str, place: &str) -> Result<Option<Vec<u8>>> {
        self.read("reading progress", async |tx| {
            Ok(tx.opt("SELECT data FROM progress WHERE arn = $1 AND place = $2", &[&arn, &place]).await?.map(|r| r.get(0)))
        })
    }

    fn finish(&self, arn: &str, worker: Option<&str>, ending: &ExecutionEnd, events: &[StoredEvent]) -> Result<()> {
        if ending.status == Status::Running {
            return Err(StoreError::InvalidState("an execution cannot finish as RUNNING".into()));
        }
        self.locked("finishing an execution", async |tx| {
            check_held(tx, arn, worker, "FOR UPDATE").await?;
            // Progress stays: a redrive carries on from it.
            tx.exec(
                "UPDATE executions SET status = $1, output = $2, error = $3, cause = $4, stop_date = $5, owner = NULL, lease_until = NULL,
                     wake_at = NULL
                 WHERE arn = $6",
                &[&ending.status.as_str(), &ending.output, &ending.error, &ending.cause, &ms(ending.stop_date), &arn],
            )
            .await?;
            close_tokens(tx, arn).await?;
            end_map_runs(tx, arn, ending.status, ending.stop_date).await?;
            append_events(tx, arn, events).await?;
            purge_machine_of(tx, arn).await
        })
    }

    fn stop_execution(&self, arn: &str, error: Option<&str>, cause: Option<&str>, now: DateTime<Utc>) -> Result<bool> {
        self.locked("stopping an execution", async |tx| {
            match lock_status(tx, arn).await? {
                None => return Err(StoreError::ExecutionDoesNotExist(arn.to_owned()).into()),
                Some(Status::Running) => {}
                Some(_) => return Ok(false),
            }
            tx.exec(
                "UPDATE executions SET status = 'ABORTED', stop_date = $1, error = $2, cause = $3, owner = NULL, lease_until = NULL,
                     wake_at = NULL
                 WHERE arn = $4",
                &[&ms(now), &error, &cause, &arn],
            )
            .await?;
            close_tokens(tx, arn).await?;
            end_map_runs(tx, arn, Status::Aborted, now).await?;
            let event = aborted_event(last_event_id(tx, arn).await? + 1, error, cause, now);
            append_events(tx, arn, &[event]).await?;
            purge_machine_of(tx, arn).await?;
            Ok(true)
        })
    }

    fn redrive_execution(&self, arn: &str, now: DateTime<Utc>) -> Result<ExecutionRecord> {
        self.locked("redriving an execution", async |tx| {
            let status = lock_status(tx, arn).await?.ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
            if !redrivable(status) {
                return Err(not_redrivable(arn, status).into());
            }
            if tx.one("SELECT compacted FROM executions WHERE arn = $1", &[&arn]).await?.get::<_, bool>(0) {
                return Err(swept_away(arn).into());
            }
            let row = tx
                .one(
                    &format!(
                        "UPDATE executions SET status = 'RUNNING', redrive_count = redrive_count + 1,
                             stop_date = NULL, output = NULL, error = NULL, cause = NULL, owner = NULL, lease_until = NULL, wake_at = NULL
                         WHERE arn = $1 RETURNING {EXECUTION_COLUMNS}"
                    ),
                    &[&arn],
                )
                .await?;
            let record = rows::execution(&row)?;
            let event = redriven_event(last_event_id(tx, arn).await? + 1, record.redrive_count, now);
            append_events(tx, arn, &[event]).await?;
            Ok(record)
        })
    }

    fn history(&self, arn: &str, reverse: bool, page: &Page) -> Result<Paged<StoredEvent>> {
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_id_token).transpose()?.map(big);
        let sql = match reverse {
            false => "SELECT id, event FROM events WHERE arn = $1 AND ($3::bigint IS NULL OR id > $3) ORDER BY id LIMIT $2",
            true => "SELECT id, event FROM events WHERE arn = $1 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2",
        };
        let found = self.read("reading history", async |tx| {
            if tx.opt("SELECT 1 FROM executions WHERE arn = $1", &[&arn]).await?.is_none() {
                return Err(StoreError::ExecutionDoesNotExist(arn.to_owned()).into());
            }
            Ok(rows::each(&tx.all(sql, &[&arn, &limit(size + 1), &after]).await?, rows::event)?)
        })?;
        Ok(one_page(found, size, |e| id_token(e.id)))
    }

    fn last_event_id(&self, arn: &str) -> Result<u64> {
        self.read("reading the last event id", async |tx| last_event_id(tx, arn).await)
    }

    fn record_effect(&self, arn: &str, key: &str, value: &str) -> Result<String> {
        self.locked("recording an effect", async |tx| put_effect(tx, arn, key, value).await)
    }

    fn effect(&self, arn: &str, key: &str) -> Result<Option<String>> {
        self.read("reading an effect", async |tx| {
            Ok(tx.opt("SELECT value FROM effects WHERE arn = $1 AND key = $2", &[&arn, &key]).await?.map(|r| r.get(0)))
        })
    }

    fn put_map_run(&self, worker: &str, record: &MapRunRecord) -> Result<Option<MapRunSettings>> {
        self.locked("keeping a Map Run", async |tx| {
            check_held(tx, &record.execution_arn, Some(worker), "FOR SHARE").await?;
            // The Map Run's row locked: an UpdateMapRun in between would be lost otherwise.
            tx.exec("SELECT 1 FROM map_runs WHERE arn = $1 FOR UPDATE", &[&record.report.arn]).await?;
            let kept = get_map_run(tx, &record.report.arn).await?;
            let (record, changed) = merge_map_run(kept.as_ref(), record.clone());
            put_map_run_row(tx, &record).await?;
            Ok(changed)
        })
    }

    fn update_map_run(&self, arn: &str, settings: &MapRunSettings) -> Result<()> {
        self.write("updating a Map Run", async |tx| {
            let mut run = get_map_run(tx, arn).await?.ok_or_else(|| StoreError::ResourceNotFound(arn.to_owned()))?;
            run.report.set_settings(*settings);
            put_map_run_row(tx, &run).await
        })
    }

    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>> {
        self.read("reading a Map Run", async |tx| get_map_run(tx, arn).await)
    }

    fn list_map_runs(&self, execution_arn: &str, page: &Page) -> Result<Paged<MapRunRecord>> {
        let size = page_size(page);
        let (date, arn) = match &page.next_token {
            Some(t) => {
                let last = parse_key_token(t, 2)?;
                let date = super::common::parse_date(&last[0]).ok_or(StoreError::InvalidToken)?;
                (Some(date), Some(last[1].clone()))
            }
            None => (None, None),
        };
        let found = self.read("listing Map Runs", async |tx| {
            let found = tx
                .all(
                    &format!(
                        "SELECT {MAP_RUN_COLUMNS} FROM map_runs WHERE execution_arn = $1
                         AND ($2::timestamptz IS NULL OR start_date > $2 OR (start_date = $2 AND arn > $3))
                         ORDER BY start_date, arn LIMIT $4"
                    ),
                    &[&execution_arn, &date, &arn, &limit(size + 1)],
                )
                .await?;
            Ok(rows::each(&found, rows::map_run)?)
        })?;
        Ok(one_page(found, size, |r| key_token(&[&super::common::date_text(r.report.start_date), &r.report.arn])))
    }

    fn create_activity(&self, activity: ActivityRecord) -> Result<ActivityRecord> {
        self.write("creating an activity", async |tx| {
            let existing = tx.opt(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE name = $1"), &[&activity.name]).await?;
            if let Some(existing) = existing {
                return Ok(rows::activity(&existing)?);
            }
            if let Some(other) = tx.opt("SELECT name FROM activities WHERE arn = $1", &[&activity.arn]).await? {
                return Err(arn_taken(&activity.arn, other.get(0)).into());
            }
            let row = tx
                .one(
                    &format!("INSERT INTO activities ({ACTIVITY_COLUMNS}) VALUES ($1, $2, $3) RETURNING {ACTIVITY_COLUMNS}"),
                    &[&activity.name, &activity.arn, &ms(activity.creation_date)],
                )
                .await?;
            Ok(rows::activity(&row)?)
        })
    }

    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        self.read("reading an activity", async |tx| {
            let row = tx.opt(&format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE arn = $1"), &[&arn]).await?;
            Ok(row.as_ref().map(rows::activity).transpose()?)
        })
    }

    fn list_activities(&self, page: &Page) -> Result<Paged<ActivityRecord>> {
        self.list_by_name("listing activities", ACTIVITY_COLUMNS, "activities", page, rows::activity, |a| &a.name)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        self.write("deleting an activity", async |tx| {
            // Tokens already issued for it stay: their tasks wait on as AWS's do.
            if tx.exec("DELETE FROM activities WHERE arn = $1", &[&arn]).await? == 0 {
                return Err(StoreError::ActivityDoesNotExist(arn.to_owned()).into());
            }
            delete_tags(tx, arn).await
        })
    }

    fn issue_token(&self, token: &TokenRecord) -> Result<()> {
        let (outcome, output, error, cause) = outcome_columns(&token.outcome);
        let heartbeats = big(token.heartbeats);
        self.locked("issuing a task token", async |tx| {
            // ON CONFLICT: issuing the same token again (a replayed step) changes nothing.
            tx.exec(
                &format!(
                    "INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                     ON CONFLICT DO NOTHING"
                ),
                &[
                    &token.token,
                    &token.execution_arn,
                    &token.state,
                    &token.activity_arn,
                    &token.input,
                    &outcome,
                    &output,
                    &error,
                    &cause,
                    &opt_ms(token.last_heartbeat),
                    &token.taken,
                    &heartbeats,
                    &token.worker_name,
                ],
            )
            .await?;
            Ok(())
        })
    }

    fn token(&self, token: &str) -> Result<Option<TokenRecord>> {
        self.read("reading a task token", async |tx| {
            let row = tx.opt(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token = $1"), &[&token]).await?;
            Ok(row.as_ref().map(rows::token).transpose()?)
        })
    }

    fn open_tokens(&self, execution_arn: &str) -> Result<Vec<TokenRecord>> {
        self.read("reading an execution's open task tokens", async |tx| {
            let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE execution_arn = $1 AND outcome IS NULL AND NOT closed ORDER BY seq");
            let rows = tx.all(&sql, &[&execution_arn]).await?;
            Ok(rows.iter().map(rows::token).collect::<std::result::Result<Vec<_>, _>>()?)
        })
    }

    fn answer_token(&self, token: &str, outcome: TokenOutcome) -> Result<()> {
        let outcome = Some(outcome);
        let (kind, output, error, cause) = outcome_columns(&outcome);
        self.locked("answering a task token", async |tx| {
            check_answerable(tx, token).await?;
            tx.exec("UPDATE tokens SET outcome = $1, output = $2, error = $3, cause = $4 WHERE token = $5", &[&kind, &output, &error, &cause, &token])
                .await?;
            // A parked execution wakes: any worker may claim it now.
            tx.exec(
                "UPDATE executions SET wake_at = NULL WHERE wake_at IS NOT NULL AND arn = (SELECT execution_arn FROM tokens WHERE token = $1)",
                &[&token],
            )
            .await?;
            Ok(())
        })
    }

    fn close_token(&self, token: &str) -> Result<Option<TokenOutcome>> {
        self.locked("closing a task token", async |tx| {
            let row = tx.opt(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token = $1 FOR UPDATE"), &[&token]).await?;
            let record = rows::token(&row.ok_or(StoreError::TaskDoesNotExist)?)?;
            if record.outcome.is_some() {
                return Ok(record.outcome);
            }
            tx.exec("UPDATE tokens SET closed = TRUE WHERE token = $1", &[&token]).await?;
            Ok(None)
        })
    }

    fn heartbeat_token(&self, token: &str, now: DateTime<Utc>) -> Result<()> {
        self.locked("recording a heartbeat", async |tx| {
            check_answerable(tx, token).await?;
            tx.exec("UPDATE tokens SET last_heartbeat = $1, heartbeats = heartbeats + 1 WHERE token = $2", &[&ms(now), &token]).await?;
            Ok(())
        })
    }

    fn take_activity_task(&self, activity_arn: &str, worker_name: Option<&str>) -> Result<Option<TokenRecord>> {
        self.locked("taking an activity task", async |tx| {
            // SKIP LOCKED: two pollers of one activity take different tasks without waiting.
            let row = tx
                .opt(
                    &format!(
                        "UPDATE tokens SET taken = TRUE, worker_name = $2 WHERE token = (
                             SELECT token FROM tokens WHERE activity_arn = $1 AND outcome IS NULL AND NOT taken AND NOT closed
                             ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                         RETURNING {TOKEN_COLUMNS}"
                    ),
                    &[&activity_arn, &worker_name],
                )
                .await?;
            Ok(row.as_ref().map(rows::token).transpose()?)
        })
    }

    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()> {
        self.write("tagging a resource", async |tx| {
            for tag in tags {
                tx.exec(
                    "INSERT INTO tags (resource_arn, key, value) VALUES ($1, $2, $3) ON CONFLICT (resource_arn, key) DO UPDATE SET value = EXCLUDED.value",
                    &[&arn, &tag.key, &tag.value],
                )
                .await?;
            }
            let count: i64 = tx.one("SELECT COUNT(*) FROM tags WHERE resource_arn = $1", &[&arn]).await?.get(0);
            // Rolled back with the transaction: nothing is written.
            if usize::try_from(count).unwrap_or(usize::MAX) > MAX_TAGS {
                return Err(StoreError::TooManyTags(arn.to_owned()).into());
            }
            Ok(())
        })
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        self.write("untagging a resource", async |tx| {
            tx.exec("DELETE FROM tags WHERE resource_arn = $1 AND key = ANY($2)", &[&arn, &keys]).await?;
            Ok(())
        })
    }

    fn tags(&self, arn: &str) -> Result<Vec<Tag>> {
        self.read("listing tags", async |tx| {
            let found = tx.all("SELECT key, value FROM tags WHERE resource_arn = $1 ORDER BY key", &[&arn]).await?;
            Ok(found.iter().map(|r| Tag { key: r.get(0), value: r.get(1) }).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{redacted, store_parameters};

    #[test]
    fn the_store_parameters_are_taken_out_of_the_url() {
        let (url, schema, size) = store_parameters("postgres://u@h/db?schema=s1&sslmode=disable&pool_size=3").unwrap();
        assert_eq!((url.as_str(), schema.as_str(), size), ("postgres://u@h/db?sslmode=disable", "s1", 3));
        let (url, schema, size) = store_parameters("postgres://u@h/db").unwrap();
        assert_eq!((url.as_str(), schema.as_str(), size), ("postgres://u@h/db", "asl", 8));
        assert!(store_parameters("postgres://h/db?pool_size=0").is_err());
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(redacted("postgres://me:secret@db.example:5432/x"), "postgres://me:***@db.example:5432/x");
        assert_eq!(redacted("postgres://me@db/x"), "postgres://me@db/x");
    }
}
