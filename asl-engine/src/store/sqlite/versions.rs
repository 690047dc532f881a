//! Versions and aliases of state machines, each operation run inside the caller's
//! transaction.

use super::rows::{alias_from_row, limit, machine_from_row, opt_date_text, routing_text, version_from_row, ALIAS_COLUMNS, MACHINE_COLUMNS, VERSION_COLUMNS};
use super::statements::select_one;
use super::Context;
use crate::store::common::{
    alias_exists, date_text, id_token, one_page, page_size, parse_id_token, qualified_arn, stale_revision, too_many_aliases, too_many_versions,
    version_in_use,
};
use crate::store::{
    AliasRecord, AliasUpdate, MachineStatus, Page, Paged, Result, Route, StateMachineRecord, StoreError, VersionRecord, MAX_ALIASES, MAX_VERSIONS,
};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

/// The ACTIVE machine `name`.
pub(super) fn active_machine(tx: &Transaction<'_>, what: &str, name: &str) -> Result<StateMachineRecord> {
    let sql = format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name = ?1");
    match select_one(tx, what, &sql, name, machine_from_row)? {
        None => Err(StoreError::StateMachineDoesNotExist(name.to_owned())),
        Some(m) if m.status != MachineStatus::Active => Err(StoreError::StateMachineDeleting(m.arn)),
        Some(m) => Ok(m),
    }
}

pub(super) fn get_version(tx: &Transaction<'_>, machine: &str, number: u32) -> Result<Option<VersionRecord>> {
    tx.prepare_cached(&format!("SELECT {VERSION_COLUMNS} FROM versions WHERE machine = ?1 AND number = ?2"))
        .and_then(|mut stmt| stmt.query_row(params![machine, number], version_from_row).optional())
        .context("reading a state machine version")
}

fn count(tx: &Transaction<'_>, what: &str, sql: &str, machine: &str) -> Result<usize> {
    tx.prepare_cached(sql).and_then(|mut stmt| stmt.query_row([machine], |row| row.get(0))).context(what)
}

pub(super) fn publish(tx: &Transaction<'_>, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Result<VersionRecord> {
    let what = "publishing a state machine version";
    let m = active_machine(tx, what, machine)?;
    if let Some(given) = revision {
        if given != m.revision_id {
            return Err(stale_revision(given, &m.revision_id));
        }
    }
    let existing = tx
        .prepare_cached(&format!("SELECT {VERSION_COLUMNS} FROM versions WHERE machine = ?1 AND revision_id = ?2"))
        .and_then(|mut stmt| stmt.query_row(params![machine, m.revision_id], version_from_row).optional())
        .context(what)?;
    if let Some(existing) = existing {
        return Ok(existing);
    }
    if count(tx, what, "SELECT COUNT(*) FROM versions WHERE machine = ?1", machine)? >= MAX_VERSIONS {
        return Err(too_many_versions(&m.arn));
    }
    let last: u32 = tx
        .prepare_cached("SELECT last_version FROM state_machines WHERE name = ?1")
        .and_then(|mut stmt| stmt.query_row([machine], |row| row.get(0)))
        .context(what)?;
    let number = last + 1;
    let arn = qualified_arn(&m.arn, number);
    tx.prepare_cached("UPDATE state_machines SET last_version = ?1 WHERE name = ?2")
        .and_then(|mut stmt| stmt.execute(params![number, machine]))
        .context(what)?;
    tx.prepare_cached(&format!("INSERT INTO versions ({VERSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"))
        .and_then(|mut stmt| {
            stmt.execute(params![machine, number, arn, m.definition, m.definition_hash, m.role_arn, description, m.revision_id, date_text(now)])
        })
        .context(what)?;
    get_version(tx, machine, number)?.ok_or_else(|| StoreError::Backend(format!("{what}: '{arn}' vanished after insert")))
}

/// Newest first; the page token is the last number returned.
pub(super) fn list_versions(tx: &Transaction<'_>, machine: &str, page: &Page) -> Result<Paged<VersionRecord>> {
    let size = page_size(page);
    let before = page.next_token.as_deref().map(parse_id_token).transpose()?;
    let items = tx
        .prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM versions WHERE machine = ?1 AND (?2 IS NULL OR number < ?2) ORDER BY number DESC LIMIT ?3"
        ))
        .and_then(|mut stmt| {
            let before = before.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
            stmt.query_map(params![machine, before, limit(size + 1)], version_from_row)?.collect::<rusqlite::Result<Vec<_>>>()
        })
        .context("listing state machine versions")?;
    Ok(one_page(items, size, |v| id_token(v.number.into())))
}

pub(super) fn published_definitions(tx: &Transaction<'_>) -> Result<Vec<(String, u32, String)>> {
    tx.prepare_cached("SELECT machine, number, definition_hash FROM versions ORDER BY machine, number")
        .and_then(|mut stmt| stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<rusqlite::Result<Vec<_>>>())
        .context("listing published definitions")
}

fn aliases_of(tx: &Transaction<'_>, machine: &str) -> Result<Vec<AliasRecord>> {
    tx.prepare_cached(&format!("SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = ?1 ORDER BY name"))
        .and_then(|mut stmt| stmt.query_map([machine], alias_from_row)?.collect::<rusqlite::Result<Vec<_>>>())
        .context("reading a state machine's aliases")
}

pub(super) fn delete_version(tx: &Transaction<'_>, machine: &str, number: u32) -> Result<()> {
    let routing: Vec<String> =
        aliases_of(tx, machine)?.into_iter().filter(|a| a.routing.iter().any(|r| r.version == number)).map(|a| a.arn).collect();
    if !routing.is_empty() {
        return Err(version_in_use(&routing));
    }
    tx.prepare_cached("DELETE FROM versions WHERE machine = ?1 AND number = ?2")
        .and_then(|mut stmt| stmt.execute(params![machine, number]))
        .context("deleting a state machine version")?;
    Ok(())
}

/// Every version `routing` names exists.
fn check_routes(tx: &Transaction<'_>, machine: &StateMachineRecord, routing: &[Route]) -> Result<()> {
    for route in routing {
        if get_version(tx, &machine.name, route.version)?.is_none() {
            return Err(StoreError::ResourceNotFound(qualified_arn(&machine.arn, route.version)));
        }
    }
    Ok(())
}

pub(super) fn get_alias(tx: &Transaction<'_>, machine: &str, name: &str) -> Result<Option<AliasRecord>> {
    tx.prepare_cached(&format!("SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = ?1 AND name = ?2"))
        .and_then(|mut stmt| stmt.query_row(params![machine, name], alias_from_row).optional())
        .context("reading a state machine alias")
}

pub(super) fn create_alias(tx: &Transaction<'_>, alias: &AliasRecord) -> Result<AliasRecord> {
    let what = "creating a state machine alias";
    let m = active_machine(tx, what, &alias.machine)?;
    if let Some(existing) = get_alias(tx, &alias.machine, &alias.name)? {
        return if existing.routing == alias.routing && existing.description == alias.description {
            Ok(existing)
        } else {
            Err(alias_exists(&existing.arn))
        };
    }
    check_routes(tx, &m, &alias.routing)?;
    if count(tx, what, "SELECT COUNT(*) FROM aliases WHERE machine = ?1", &alias.machine)? >= MAX_ALIASES {
        return Err(too_many_aliases(&m.arn));
    }
    let routing = routing_text(&alias.routing)?;
    tx.prepare_cached(&format!("INSERT INTO aliases ({ALIAS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"))
        .and_then(|mut stmt| {
            stmt.execute(params![
                alias.machine,
                alias.name,
                alias.arn,
                alias.description,
                routing,
                date_text(alias.creation_date),
                opt_date_text(alias.update_date),
            ])
        })
        .context(what)?;
    get_alias(tx, &alias.machine, &alias.name)?.ok_or_else(|| StoreError::Backend(format!("{what}: '{}' vanished after insert", alias.arn)))
}

pub(super) fn update_alias(tx: &Transaction<'_>, machine: &str, name: &str, update: &AliasUpdate) -> Result<AliasRecord> {
    let what = "updating a state machine alias";
    let m = active_machine(tx, what, machine)?;
    let arn = qualified_arn(&m.arn, name);
    let Some(existing) = get_alias(tx, machine, name)? else {
        return Err(StoreError::ResourceNotFound(arn));
    };
    if let Some(routing) = &update.routing {
        check_routes(tx, &m, routing)?;
    }
    let description = update.description.clone().or(existing.description);
    let routing = update.routing.clone().unwrap_or(existing.routing);
    let routing = routing_text(&routing)?;
    tx.prepare_cached("UPDATE aliases SET description = ?1, routing = ?2, update_date = ?3 WHERE machine = ?4 AND name = ?5")
        .and_then(|mut stmt| stmt.execute(params![description, routing, date_text(update.update_date), machine, name]))
        .context(what)?;
    get_alias(tx, machine, name)?.ok_or(StoreError::ResourceNotFound(arn))
}

/// By name; the page token is the last name returned.
pub(super) fn list_aliases(tx: &Transaction<'_>, machine: &str, version: Option<u32>, page: &Page) -> Result<Paged<AliasRecord>> {
    let size = page_size(page);
    let after = match &page.next_token {
        Some(t) => crate::store::common::parse_key_token(t, 1)?.pop(),
        None => None,
    };
    let items = tx
        .prepare_cached(&format!(
            "SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = ?1 AND (?2 IS NULL OR name > ?2)
             AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(routing) WHERE json_extract(value, '$.version') = ?3))
             ORDER BY name LIMIT ?4"
        ))
        .and_then(|mut stmt| {
            stmt.query_map(params![machine, after, version, limit(size + 1)], alias_from_row)?.collect::<rusqlite::Result<Vec<_>>>()
        })
        .context("listing state machine aliases")?;
    Ok(one_page(items, size, |a| crate::store::common::key_token(&[&a.name])))
}

pub(super) fn delete_alias(tx: &Transaction<'_>, machine: &str, name: &str) -> Result<()> {
    let deleted = tx
        .prepare_cached("DELETE FROM aliases WHERE machine = ?1 AND name = ?2")
        .and_then(|mut stmt| stmt.execute(params![machine, name]))
        .context("deleting a state machine alias")?;
    if deleted == 0 {
        let machine_arn: Option<String> = tx
            .prepare_cached("SELECT arn FROM state_machines WHERE name = ?1")
            .and_then(|mut stmt| stmt.query_row([machine], |row| row.get(0)).optional())
            .context("deleting a state machine alias")?;
        return Err(StoreError::ResourceNotFound(machine_arn.map_or_else(|| name.to_owned(), |m| qualified_arn(&m, name))));
    }
    Ok(())
}
