//! Versions and aliases of state machines, each operation run inside the caller's
//! transaction.

use chrono::{DateTime, Utc};

use super::rows::{self, ms, opt_ms, ALIAS_COLUMNS, VERSION_COLUMNS};
use super::statements::active_machine;
use super::tx::{Out, Tx};
use crate::store::common::{
    alias_exists, id_token, key_token, one_page, page_size, parse_id_token, parse_key_token, qualified_arn, stale_revision, too_many_aliases,
    too_many_versions, version_in_use,
};
use crate::store::{AliasRecord, AliasUpdate, Page, Paged, Route, StateMachineRecord, StoreError, VersionRecord, MAX_ALIASES, MAX_VERSIONS};

pub(super) async fn get_version(tx: &Tx<'_>, machine: &str, number: u32) -> Out<Option<VersionRecord>> {
    let number = i32::try_from(number).unwrap_or(i32::MAX);
    let row = tx.opt(&format!("SELECT {VERSION_COLUMNS} FROM versions WHERE machine = $1 AND number = $2"), &[&machine, &number]).await?;
    Ok(row.as_ref().map(rows::version).transpose()?)
}

async fn count(tx: &Tx<'_>, sql: &str, machine: &str) -> Out<usize> {
    let n: i64 = tx.one(sql, &[&machine]).await?.get(0);
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub(super) async fn publish(tx: &Tx<'_>, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Out<VersionRecord> {
    let m = active_machine(tx, machine).await?;
    if let Some(given) = revision {
        if given != m.revision_id {
            return Err(stale_revision(given, &m.revision_id).into());
        }
    }
    let existing = tx
        .opt(&format!("SELECT {VERSION_COLUMNS} FROM versions WHERE machine = $1 AND revision_id = $2"), &[&machine, &m.revision_id])
        .await?;
    if let Some(existing) = existing {
        return Ok(rows::version(&existing)?);
    }
    if count(tx, "SELECT COUNT(*) FROM versions WHERE machine = $1", machine).await? >= MAX_VERSIONS {
        return Err(too_many_versions(&m.arn).into());
    }
    let number: i32 = tx.one("UPDATE state_machines SET last_version = last_version + 1 WHERE name = $1 RETURNING last_version", &[&machine]).await?.get(0);
    let arn = qualified_arn(&m.arn, number);
    let row = tx
        .one(
            &format!("INSERT INTO versions ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {VERSION_COLUMNS}"),
            &[&machine, &number, &arn, &m.definition, &m.definition_hash, &m.role_arn, &description, &m.revision_id, &ms(now)],
        )
        .await?;
    Ok(rows::version(&row)?)
}

/// Newest first; the page token is the last number returned.
pub(super) async fn list_versions(tx: &Tx<'_>, machine: &str, page: &Page) -> Out<Paged<VersionRecord>> {
    let size = page_size(page);
    let before = page.next_token.as_deref().map(parse_id_token).transpose()?.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
    let found = tx
        .all(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM versions WHERE machine = $1 AND ($2::bigint IS NULL OR number < $2) ORDER BY number DESC LIMIT $3"
            ),
            &[&machine, &before, &limit(size + 1)],
        )
        .await?;
    Ok(one_page(rows::each(&found, rows::version)?, size, |v| id_token(v.number.into())))
}

pub(super) async fn published_definitions(tx: &Tx<'_>) -> Out<Vec<(String, u32, String)>> {
    let found = tx.all("SELECT machine, number, definition_hash FROM versions ORDER BY machine, number", &[]).await?;
    Ok(found.iter().map(|row| (row.get(0), u32::try_from(row.get::<_, i32>(1)).unwrap_or(0), row.get(2))).collect())
}

async fn aliases_of(tx: &Tx<'_>, machine: &str) -> Out<Vec<AliasRecord>> {
    let found = tx.all(&format!("SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = $1 ORDER BY name"), &[&machine]).await?;
    Ok(rows::each(&found, rows::alias)?)
}

pub(super) async fn delete_version(tx: &Tx<'_>, machine: &str, number: u32) -> Out<()> {
    let routing: Vec<String> =
        aliases_of(tx, machine).await?.into_iter().filter(|a| a.routing.iter().any(|r| r.version == number)).map(|a| a.arn).collect();
    if !routing.is_empty() {
        return Err(version_in_use(&routing).into());
    }
    let number = i32::try_from(number).unwrap_or(i32::MAX);
    tx.exec("DELETE FROM versions WHERE machine = $1 AND number = $2", &[&machine, &number]).await?;
    Ok(())
}

/// Every version `routing` names exists.
async fn check_routes(tx: &Tx<'_>, machine: &StateMachineRecord, routing: &[Route]) -> Out<()> {
    for route in routing {
        if get_version(tx, &machine.name, route.version).await?.is_none() {
            return Err(StoreError::ResourceNotFound(qualified_arn(&machine.arn, route.version)).into());
        }
    }
    Ok(())
}

pub(super) async fn get_alias(tx: &Tx<'_>, machine: &str, name: &str) -> Out<Option<AliasRecord>> {
    let row = tx.opt(&format!("SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = $1 AND name = $2"), &[&machine, &name]).await?;
    Ok(row.as_ref().map(rows::alias).transpose()?)
}

fn routing_text(routing: &[Route]) -> Out<String> {
    serde_json::to_string(routing).map_err(|e| StoreError::Backend(format!("writing an alias's routes: {e}")).into())
}

pub(super) async fn create_alias(tx: &Tx<'_>, alias: &AliasRecord) -> Out<AliasRecord> {
    let m = active_machine(tx, &alias.machine).await?;
    if let Some(existing) = get_alias(tx, &alias.machine, &alias.name).await? {
        return if existing.routing == alias.routing && existing.description == alias.description {
            Ok(existing)
        } else {
            Err(alias_exists(&existing.arn).into())
        };
    }
    check_routes(tx, &m, &alias.routing).await?;
    if count(tx, "SELECT COUNT(*) FROM aliases WHERE machine = $1", &alias.machine).await? >= MAX_ALIASES {
        return Err(too_many_aliases(&m.arn).into());
    }
    let row = tx
        .one(
            &format!("INSERT INTO aliases ({ALIAS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {ALIAS_COLUMNS}"),
            &[
                &alias.machine,
                &alias.name,
                &alias.arn,
                &alias.description,
                &routing_text(&alias.routing)?,
                &ms(alias.creation_date),
                &opt_ms(alias.update_date),
            ],
        )
        .await?;
    Ok(rows::alias(&row)?)
}

pub(super) async fn update_alias(tx: &Tx<'_>, machine: &str, name: &str, update: &AliasUpdate) -> Out<AliasRecord> {
    let m = active_machine(tx, machine).await?;
    let arn = qualified_arn(&m.arn, name);
    let Some(existing) = get_alias(tx, machine, name).await? else {
        return Err(StoreError::ResourceNotFound(arn).into());
    };
    if let Some(routing) = &update.routing {
        check_routes(tx, &m, routing).await?;
    }
    let description = update.description.clone().or(existing.description);
    let routing = routing_text(update.routing.as_deref().unwrap_or(&existing.routing))?;
    let row = tx
        .one(
            &format!(
                "UPDATE aliases SET description = $1, routing = $2, update_date = $3 WHERE machine = $4 AND name = $5 RETURNING {ALIAS_COLUMNS}"
            ),
            &[&description, &routing, &ms(update.update_date), &machine, &name],
        )
        .await?;
    Ok(rows::alias(&row)?)
}

/// By name; the page token is the last name returned.
pub(super) async fn list_aliases(tx: &Tx<'_>, machine: &str, version: Option<u32>, page: &Page) -> Out<Paged<AliasRecord>> {
    let size = page_size(page);
    let after = match &page.next_token {
        Some(t) => parse_key_token(t, 1)?.pop(),
        None => None,
    };
    let version = version.map(i64::from);
    let found = tx
        .all(
            &format!(
                "SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine = $1 AND ($2::text IS NULL OR name > $2)
                 AND ($3::bigint IS NULL OR EXISTS (
                     SELECT 1 FROM jsonb_array_elements(routing::jsonb) AS r WHERE (r ->> 'version')::bigint = $3))
                 ORDER BY name LIMIT $4"
            ),
            &[&machine, &after, &version, &limit(size + 1)],
        )
        .await?;
    Ok(one_page(rows::each(&found, rows::alias)?, size, |a| key_token(&[&a.name])))
}

pub(super) async fn delete_alias(tx: &Tx<'_>, machine: &str, name: &str) -> Out<()> {
    let deleted = tx.exec("DELETE FROM aliases WHERE machine = $1 AND name = $2", &[&machine, &name]).await?;
    if deleted == 0 {
        let machine_arn = tx.opt("SELECT arn FROM state_machines WHERE name = $1", &[&machine]).await?.map(|row| row.get::<_, String>(0));
        return Err(StoreError::ResourceNotFound(machine_arn.map_or_else(|| name.to_owned(), |m| qualified_arn(&m, name))).into());
    }
    Ok(())
}

/// A LIMIT: PostgreSQL takes a bigint.
pub(super) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
