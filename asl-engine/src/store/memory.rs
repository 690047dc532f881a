//! The in-memory store: plain maps behind one mutex. For tests and Express executions (which
//! AWS does not keep either). It must answer exactly as [`super::SqliteStore`] does; the shared
//! behaviour tests in `tests.rs` run against both.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::common::{
    aborted_event, alias_exists, arn_taken, date_text, map_run_end, merge_map_run, execution_key_token, id_token, key_token, millis, not_redrivable, one_page, page_size,
    parse_execution_key_token, parse_id_token, parse_key_token, qualified_arn, redrivable, redriven_event, stale_revision, swept_away,
    too_many_aliases, too_many_versions, version_in_use,
};
use super::{
    ActivityRecord, AliasRecord, AliasUpdate, ExecutionEnd, MapRunRecord, MapRunSettings, MapRunStatus, ExecutionFilter, ExecutionRecord, MachineStatus, MachineUpdate, Page, Paged,
    Qualifier, Result, Route, StateMachineRecord, Started, Status, Store, StoreError, StoredEvent, Swept, Tag, TokenOutcome, TokenRecord,
    VersionRecord, MAX_ALIASES, MAX_TAGS, MAX_VERSIONS,
};

/// A [`Store`] in plain maps: nothing survives the process. Dates are truncated to the
/// millisecond, as the SQLite store keeps them.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    machines: BTreeMap<String, StateMachineRecord>,
    /// By name (ListActivities' order).
    activities: BTreeMap<String, ActivityRecord>,
    /// Activity arn → name.
    activity_names: HashMap<String, String>,
    /// By arn.
    executions: HashMap<String, ExecutionRecord>,
    /// (machine, name) → arn: names are unique per machine, whatever the arn says.
    execution_names: HashMap<(String, String), String>,
    /// By arn, then event id.
    events: HashMap<String, BTreeMap<u64, String>>,
    /// By arn, then place.
    progress: HashMap<String, HashMap<String, Vec<u8>>>,
    /// By arn, then key.
    effects: HashMap<String, HashMap<String, String>>,
    tokens: HashMap<String, TokenEntry>,
    /// Execution arn → its tokens, so ending an execution does not scan every token.
    execution_tokens: HashMap<String, Vec<String>>,
    /// Issue order of tokens, so GetActivityTask hands out the oldest first.
    next_token_seq: u64,
    /// Resource arn → tags by key.
    tags: HashMap<String, BTreeMap<String, String>>,
    /// By machine, then number.
    versions: BTreeMap<(String, u32), VersionRecord>,
    /// The last version number each machine gave (numbers are not given twice).
    last_version: HashMap<String, u32>,
    /// By machine, then name.
    aliases: BTreeMap<(String, String), AliasRecord>,
    /// By arn.
    map_runs: HashMap<String, MapRunRecord>,
    /// Ended executions whose redrive state a sweep removed.
    compacted: std::collections::HashSet<String>,
}

struct TokenEntry {
    record: TokenRecord,
    /// Closed by the end (or stop) of its execution: it can no longer be answered, even after
    /// a redrive (the redriven execution issues new tokens).
    closed: bool,
    seq: u64,
}

impl TokenEntry {
    fn is_open(&self) -> bool {
        self.record.outcome.is_none() && !self.closed
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>> {
        // A panic while holding the lock may have left the maps half updated (there is no
        // rollback here), so a poisoned store refuses to go on rather than serve bad data.
        self.inner.lock().map_err(|_| StoreError::Backend("memory store poisoned by a panic".into()))
    }
}

/// Dates as the SQLite store keeps them (milliseconds), so both stores answer alike.
fn truncate_machine(mut m: StateMachineRecord) -> StateMachineRecord {
    m.creation_date = millis(m.creation_date);
    m.update_date = m.update_date.map(millis);
    m
}

fn truncate_activity(mut a: ActivityRecord) -> ActivityRecord {
    a.creation_date = millis(a.creation_date);
    a
}

fn truncate_execution(mut e: ExecutionRecord) -> ExecutionRecord {
    e.start_date = millis(e.start_date);
    e.stop_date = e.stop_date.map(millis);
    e.lease_until = e.lease_until.map(millis);
    e.wake_at = e.wake_at.map(millis);
    e
}

/// Whether nobody holds the execution at `now` (no owner, or a lease that ran out).
fn claimable(e: &ExecutionRecord, now: DateTime<Utc>) -> bool {
    let held = e.owner.is_some() && e.lease_until.is_some_and(|until| until >= now);
    let asleep = e.wake_at.is_some_and(|wake| wake > now);
    !held && !asleep
}

/// One page of a map keyed by name, in name order (keyset paging, as the SQLite store).
fn by_name<T: Clone>(map: &BTreeMap<String, T>, page: &Page, name_of: fn(&T) -> &String) -> Result<Paged<T>> {
    let size = page_size(page);
    let after = match &page.next_token {
        Some(t) => parse_key_token(t, 1)?.pop(),
        None => None,
    };
    let start = after.map_or(Bound::Unbounded, Bound::Excluded);
    let items: Vec<T> = map.range::<String, _>((start, Bound::Unbounded)).take(size + 1).map(|(_, v)| v.clone()).collect();
    Ok(one_page(items, size, |item| key_token(&[name_of(item)])))
}

impl Inner {
    fn append(&mut self, arn: &str, events: &[StoredEvent]) {
        let history = self.events.entry(arn.to_owned()).or_default();
        for e in events {
            // First write wins, as INSERT OR IGNORE: a replayed checkpoint changes nothing.
            history.entry(e.id).or_insert_with(|| e.json.clone());
        }
    }

    fn last_event_id(&self, arn: &str) -> u64 {
        self.events.get(arn).and_then(|h| h.keys().next_back().copied()).unwrap_or(0)
    }

    /// The Map Runs of `arn` still RUNNING end with it.
    fn end_map_runs(&mut self, arn: &str, status: Status, now: DateTime<Utc>) {
        for run in self.map_runs.values_mut().filter(|r| r.execution_arn == arn && r.report.status == MapRunStatus::Running) {
            run.report.status = map_run_end(status);
            run.report.stop_date = Some(millis(now));
        }
    }

    fn close_tokens(&mut self, arn: &str) {
        for token in self.execution_tokens.get(arn).into_iter().flatten() {
            if let Some(entry) = self.tokens.get_mut(token) {
                if entry.is_open() {
                    entry.closed = true;
                }
            }
        }
    }

    /// Removes a DELETING machine (and its tags) once none of its executions is RUNNING.
    fn purge_if_deleted(&mut self, machine: &str) {
        let deleting = self.machines.get(machine).is_some_and(|m| m.status == MachineStatus::Deleting);
        let running = || self.executions.values().any(|e| e.state_machine_name == machine && e.status == Status::Running);
        if deleting && !running() {
            if let Some(m) = self.machines.remove(machine) {
                self.tags.remove(&m.arn);
            }
            self.versions.retain(|(m, _), _| m != machine);
            self.aliases.retain(|(m, _), _| m != machine);
            self.last_version.remove(machine);
        }
    }

    /// The ACTIVE machine `name`.
    fn active_machine(&self, name: &str) -> Result<&StateMachineRecord> {
        match self.machines.get(name) {
            None => Err(StoreError::StateMachineDoesNotExist(name.to_owned())),
            Some(m) if m.status != MachineStatus::Active => Err(StoreError::StateMachineDeleting(m.arn.clone())),
            Some(m) => Ok(m),
        }
    }

    /// Every version `routing` names exists.
    fn check_routes(&self, machine: &StateMachineRecord, routing: &[Route]) -> Result<()> {
        for route in routing {
            if !self.versions.contains_key(&(machine.name.clone(), route.version)) {
                return Err(StoreError::ResourceNotFound(qualified_arn(&machine.arn, route.version)));
            }
        }
        Ok(())
    }

    /// After execution `arn` ended: its machine goes if it was DELETING and this was its last one.
    fn purge_machine_of(&mut self, arn: &str) {
        if let Some(machine) = self.executions.get(arn).map(|e| e.state_machine_name.clone()) {
            self.purge_if_deleted(&machine);
        }
    }

    fn execution_mut(&mut self, arn: &str) -> Result<&mut ExecutionRecord> {
        self.executions.get_mut(arn).ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))
    }

    /// The checks of `checkpoint` and `finish`: the execution is RUNNING and, when `worker` is
    /// given, held by it.
    fn held(&mut self, arn: &str, worker: Option<&str>) -> Result<&mut ExecutionRecord> {
        let e = self.execution_mut(arn)?;
        let owned = worker.is_none() || e.owner.as_deref() == worker;
        if e.status != Status::Running || !owned {
            return Err(StoreError::LeaseLost(arn.to_owned()));
        }
        Ok(e)
    }

    /// The token, if it can still be answered.
    fn answerable(&mut self, token: &str) -> Result<&mut TokenEntry> {
        let entry = self.tokens.get_mut(token).ok_or(StoreError::TaskDoesNotExist)?;
        let running = self
            .executions
            .get(&entry.record.execution_arn)
            .is_some_and(|e| e.status == Status::Running);
        if !entry.is_open() || !running {
            return Err(StoreError::TaskTimedOut);
        }
        Ok(entry)
    }
}

impl Store for MemoryStore {
    fn create_state_machine(&self, machine: StateMachineRecord) -> Result<StateMachineRecord> {
        let mut inner = self.lock()?;
        if let Some(existing) = inner.machines.get(&machine.name) {
            if existing.status == MachineStatus::Deleting {
                return Err(StoreError::StateMachineDeleting(existing.arn.clone()));
            }
            // AWS's idempotency looks at the definition and type, not the role.
            return if existing.definition_hash == machine.definition_hash && existing.machine_type == machine.machine_type {
                Ok(existing.clone())
            } else {
                Err(StoreError::StateMachineAlreadyExists(machine.name))
            };
        }
        let machine = truncate_machine(machine);
        inner.machines.insert(machine.name.clone(), machine.clone());
        Ok(machine)
    }

    fn state_machine(&self, name: &str) -> Result<Option<StateMachineRecord>> {
        Ok(self.lock()?.machines.get(name).cloned())
    }

    fn list_state_machines(&self, page: &Page) -> Result<Paged<StateMachineRecord>> {
        let inner = self.lock()?;
        by_name(&inner.machines, page, |m| &m.name)
    }

    fn update_state_machine(&self, name: &str, update: &MachineUpdate) -> Result<StateMachineRecord> {
        let mut inner = self.lock()?;
        let m = inner.machines.get_mut(name).ok_or_else(|| StoreError::StateMachineDoesNotExist(name.to_owned()))?;
        if m.status == MachineStatus::Deleting {
            return Err(StoreError::StateMachineDeleting(m.arn.clone()));
        }
        if let Some((definition, hash)) = &update.definition {
            m.definition = definition.clone();
            m.definition_hash = hash.clone();
        }
        if let Some(role) = &update.role_arn {
            m.role_arn = role.clone();
        }
        m.update_date = Some(millis(update.update_date));
        m.revision_id = update.revision_id.clone();
        Ok(m.clone())
    }

    fn delete_state_machine(&self, name: &str) -> Result<()> {
        let mut inner = self.lock()?;
        if let Some(m) = inner.machines.get_mut(name) {
            m.status = MachineStatus::Deleting;
        }
        inner.purge_if_deleted(name);
        Ok(())
    }

    fn start_execution(&self, mut record: ExecutionRecord, events: &[StoredEvent]) -> Result<Started> {
        if record.status != Status::Running {
            return Err(StoreError::InvalidState("a new execution must be RUNNING".into()));
        }
        let mut inner = self.lock()?;
        let m = inner.active_machine(&record.state_machine_name)?;
        record.definition_hash = match record.version {
            None => m.definition_hash.clone(),
            Some(n) => match inner.versions.get(&(m.name.clone(), n)) {
                Some(v) => v.definition_hash.clone(),
                None => return Err(StoreError::StateMachineDoesNotExist(qualified_arn(&m.arn, n))),
            },
        };
        let name_key = (record.state_machine_name.clone(), record.name.clone());
        let existing = inner
            .executions
            .get(&record.arn)
            .or_else(|| inner.execution_names.get(&name_key).and_then(|arn| inner.executions.get(arn)));
        if let Some(existing) = existing {
            return if existing.status == Status::Running && existing.input == record.input {
                Ok(Started { record: existing.clone(), created: false })
            } else {
                Err(StoreError::ExecutionAlreadyExists(existing.arn.clone()))
            };
        }
        let record = truncate_execution(record);
        inner.execution_names.insert(name_key, record.arn.clone());
        inner.executions.insert(record.arn.clone(), record.clone());
        inner.append(&record.arn, events);
        Ok(Started { record, created: true })
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        Ok(self.lock()?.executions.get(arn).cloned())
    }

    fn list_executions_where(&self, filter: &ExecutionFilter<'_>, page: &Page) -> Result<Paged<ExecutionRecord>> {
        let ExecutionFilter { machine, qualifier, status, redriven } = *filter;
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_execution_key_token).transpose()?;
        let inner = self.lock()?;
        // Newest first, then by name; the arn breaks ties between machines.
        let sort_key = |e: &ExecutionRecord| (Reverse(e.start_date), e.name.clone(), e.arn.clone());
        let mut matching: Vec<&ExecutionRecord> = inner
            .executions
            .values()
            .filter(|e| machine.is_none() || Some(e.state_machine_name.as_str()) == machine)
            .filter(|e| status.is_none() || Some(e.status) == status)
            .filter(|e| redriven.is_none() || redriven == Some(e.redrive_count > 0))
            .filter(|e| match qualifier {
                None => true,
                Some(Qualifier::Version(n)) => e.version == Some(n),
                Some(Qualifier::Alias(a)) => e.alias.as_deref() == Some(a),
            })
            .filter(|e| match &after {
                Some((date, name, arn)) => sort_key(e) > (Reverse(*date), name.clone(), arn.clone()),
                None => true,
            })
            .collect();
        matching.sort_by_cached_key(|e| sort_key(e));
        let items: Vec<ExecutionRecord> = matching.into_iter().take(size + 1).cloned().collect();
        Ok(one_page(items, size, |e| execution_key_token(e.start_date, &e.name, &e.arn)))
    }

    fn publish_version(&self, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Result<VersionRecord> {
        let mut inner = self.lock()?;
        let m = inner.active_machine(machine)?.clone();
        if let Some(given) = revision {
            if given != m.revision_id {
                return Err(stale_revision(given, &m.revision_id));
            }
        }
        let mine = || inner.versions.range((machine.to_owned(), 0)..=(machine.to_owned(), u32::MAX)).map(|(_, v)| v);
        if let Some(existing) = mine().find(|v| v.revision_id == m.revision_id) {
            return Ok(existing.clone());
        }
        if mine().count() >= MAX_VERSIONS {
            return Err(too_many_versions(&m.arn));
        }
        let number = inner.last_version.get(machine).copied().unwrap_or(0) + 1;
        let version = VersionRecord {
            machine: m.name.clone(),
            number,
            arn: qualified_arn(&m.arn, number),
            definition: m.definition,
            definition_hash: m.definition_hash,
            role_arn: m.role_arn,
            description: description.map(str::to_owned),
            revision_id: m.revision_id,
            creation_date: millis(now),
        };
        inner.last_version.insert(machine.to_owned(), number);
        inner.versions.insert((machine.to_owned(), number), version.clone());
        Ok(version)
    }

    fn version(&self, machine: &str, number: u32) -> Result<Option<VersionRecord>> {
        Ok(self.lock()?.versions.get(&(machine.to_owned(), number)).cloned())
    }

    fn list_versions(&self, machine: &str, page: &Page) -> Result<Paged<VersionRecord>> {
        let size = page_size(page);
        let before = match &page.next_token {
            Some(t) => Some(parse_id_token(t)?),
            None => None,
        };
        let inner = self.lock()?;
        let items: Vec<VersionRecord> = inner
            .versions
            .range((machine.to_owned(), 0)..=(machine.to_owned(), u32::MAX))
            .rev()
            .map(|(_, v)| v)
            .filter(|v| match before {
                Some(b) => u64::from(v.number) < b,
                None => true,
            })
            .take(size + 1)
            .cloned()
            .collect();
        Ok(one_page(items, size, |v| id_token(v.number.into())))
    }

    fn published_definitions(&self) -> Result<Vec<(String, u32, String)>> {
        Ok(self.lock()?.versions.values().map(|v| (v.machine.clone(), v.number, v.definition_hash.clone())).collect())
    }

    fn delete_version(&self, machine: &str, number: u32) -> Result<()> {
        let mut inner = self.lock()?;
        let routing: Vec<String> = inner
            .aliases
            .values()
            .filter(|a| a.machine == machine && a.routing.iter().any(|r| r.version == number))
            .map(|a| a.arn.clone())
            .collect();
        if !routing.is_empty() {
            return Err(version_in_use(&routing));
        }
        inner.versions.remove(&(machine.to_owned(), number));
        Ok(())
    }

    fn create_alias(&self, alias: AliasRecord) -> Result<AliasRecord> {
        let mut inner = self.lock()?;
        let m = inner.active_machine(&alias.machine)?;
        let key = (alias.machine.clone(), alias.name.clone());
        if let Some(existing) = inner.aliases.get(&key) {
            return if existing.routing == alias.routing && existing.description == alias.description {
                Ok(existing.clone())
            } else {
                Err(alias_exists(&existing.arn))
            };
        }
        inner.check_routes(m, &alias.routing)?;
        if inner.aliases.keys().filter(|(machine, _)| *machine == alias.machine).count() >= MAX_ALIASES {
            return Err(too_many_aliases(&m.arn));
        }
        let alias = AliasRecord { creation_date: millis(alias.creation_date), update_date: alias.update_date.map(millis), ..alias };
        inner.aliases.insert(key, alias.clone());
        Ok(alias)
    }

    fn update_alias(&self, machine: &str, name: &str, update: &AliasUpdate) -> Result<AliasRecord> {
        let mut inner = self.lock()?;
        let m = inner.active_machine(machine)?;
        let key = (machine.to_owned(), name.to_owned());
        let arn = qualified_arn(&m.arn, name);
        if !inner.aliases.contains_key(&key) {
            return Err(StoreError::ResourceNotFound(arn));
        }
        if let Some(routing) = &update.routing {
            inner.check_routes(m, routing)?;
        }
        let alias = inner.aliases.get_mut(&key).ok_or(StoreError::ResourceNotFound(arn))?;
        if let Some(description) = &update.description {
            alias.description = Some(description.clone());
        }
        if let Some(routing) = &update.routing {
            alias.routing = routing.clone();
        }
        alias.update_date = Some(millis(update.update_date));
        Ok(alias.clone())
    }

    fn alias(&self, machine: &str, name: &str) -> Result<Option<AliasRecord>> {
        Ok(self.lock()?.aliases.get(&(machine.to_owned(), name.to_owned())).cloned())
    }

    fn list_aliases(&self, machine: &str, version: Option<u32>, page: &Page) -> Result<Paged<AliasRecord>> {
        let inner = self.lock()?;
        let mine: BTreeMap<String, AliasRecord> = inner
            .aliases
            .iter()
            .filter(|((m, _), a)| m == machine && (version.is_none() || a.routing.iter().any(|r| Some(r.version) == version)))
            .map(|((_, name), a)| (name.clone(), a.clone()))
            .collect();
        by_name(&mine, page, |a| &a.name)
    }

    fn delete_alias(&self, machine: &str, name: &str) -> Result<()> {
        let mut inner = self.lock()?;
        match inner.aliases.remove(&(machine.to_owned(), name.to_owned())) {
            Some(_) => Ok(()),
            None => {
                let arn = inner.machines.get(machine).map_or_else(|| name.to_owned(), |m| qualified_arn(&m.arn, name));
                Err(StoreError::ResourceNotFound(arn))
            }
        }
    }

    fn claim(&self, worker: &str, definitions: &[String], now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: usize) -> Result<Vec<ExecutionRecord>> {
        let (now, lease_until) = (millis(now), millis(lease_until));
        let mut inner = self.lock()?;
        let mut candidates: Vec<&mut ExecutionRecord> = inner
            .executions
            .values_mut()
            .filter(|e| e.status == Status::Running && definitions.contains(&e.definition_hash) && claimable(e, now))
            .collect();
        // Oldest first, so that nothing starves.
        candidates.sort_by(|a, b| (a.start_date, &a.name, &a.arn).cmp(&(b.start_date, &b.name, &b.arn)));
        Ok(candidates
            .into_iter()
            .take(limit)
            .map(|e| {
                e.owner = Some(worker.to_owned());
                e.lease_until = Some(lease_until);
                e.wake_at = None;
                e.clone()
            })
            .collect())
    }

    fn running_definitions(&self) -> Result<Vec<String>> {
        let inner = self.lock()?;
        let running = inner.executions.values().filter(|e| e.status == Status::Running).map(|e| e.definition_hash.clone());
        Ok(running.collect::<std::collections::BTreeSet<_>>().into_iter().collect())
    }

    fn renew(&self, worker: &str, arns: &[String], lease_until: DateTime<Utc>) -> Result<Vec<String>> {
        let lease_until = millis(lease_until);
        let mut inner = self.lock()?;
        let mut kept = Vec::new();
        for arn in arns {
            if let Some(e) = inner.executions.get_mut(arn) {
                if e.status == Status::Running && e.owner.as_deref() == Some(worker) {
                    e.lease_until = Some(lease_until);
                    kept.push(arn.clone());
                }
            }
        }
        Ok(kept)
    }

    fn release(&self, worker: &str, arn: &str) -> Result<()> {
        let mut inner = self.lock()?;
        if let Some(e) = inner.executions.get_mut(arn) {
            if e.owner.as_deref() == Some(worker) {
                e.owner = None;
                e.lease_until = None;
            }
        }
        Ok(())
    }

    fn checkpoint(&self, arn: &str, worker: &str, place: &str, progress: Option<&[u8]>, events: &[StoredEvent]) -> Result<()> {
        let mut inner = self.lock()?;
        inner.held(arn, Some(worker))?;
        if let Some(progress) = progress {
            inner.progress.entry(arn.to_owned()).or_default().insert(place.to_owned(), progress.to_vec());
        }
        inner.append(arn, events);
        Ok(())
    }

    fn progress(&self, arn: &str, place: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.progress.get(arn).and_then(|p| p.get(place)).cloned())
    }

    fn finish(&self, arn: &str, worker: Option<&str>, ending: &ExecutionEnd, events: &[StoredEvent]) -> Result<()> {
        if ending.status == Status::Running {
            return Err(StoreError::InvalidState("an execution cannot finish as RUNNING".into()));
        }
        let mut inner = self.lock()?;
        let e = inner.held(arn, worker)?;
        e.status = ending.status;
        e.output = ending.output.clone();
        e.error = ending.error.clone();
        e.cause = ending.cause.clone();
        e.stop_date = Some(millis(ending.stop_date));
        e.owner = None;
        e.lease_until = None;
        e.wake_at = None;
        // Progress stays: a redrive carries on from it.
        inner.close_tokens(arn);
        inner.end_map_runs(arn, ending.status, ending.stop_date);
        inner.append(arn, events);
        inner.purge_machine_of(arn);
        Ok(())
    }

    fn stop_execution(&self, arn: &str, error: Option<&str>, cause: Option<&str>, now: DateTime<Utc>) -> Result<bool> {
        let now = millis(now);
        let mut inner = self.lock()?;
        let e = inner.execution_mut(arn)?;
        if e.status != Status::Running {
            return Ok(false);
        }
        e.status = Status::Aborted;
        e.stop_date = Some(now);
        e.error = error.map(str::to_owned);
        e.cause = cause.map(str::to_owned);
        e.owner = None;
        e.lease_until = None;
        e.wake_at = None;
        inner.close_tokens(arn);
        inner.end_map_runs(arn, Status::Aborted, now);
        let event = aborted_event(inner.last_event_id(arn) + 1, error, cause, now);
        inner.append(arn, &[event]);
        inner.purge_machine_of(arn);
        Ok(true)
    }

    fn redrive_execution(&self, arn: &str, now: DateTime<Utc>) -> Result<ExecutionRecord> {
        let now = millis(now);
        let mut inner = self.lock()?;
        if inner.compacted.contains(arn) {
            return Err(swept_away(arn));
        }
        let e = inner.execution_mut(arn)?;
        if !redrivable(e.status) {
            return Err(not_redrivable(arn, e.status));
        }
        e.status = Status::Running;
        e.redrive_count += 1;
        e.stop_date = None;
        e.output = None;
        e.error = None;
        e.cause = None;
        e.owner = None;
        e.lease_until = None;
        e.wake_at = None;
        let record = e.clone();
        let event = redriven_event(inner.last_event_id(arn) + 1, record.redrive_count, now);
        inner.append(arn, &[event]);
        Ok(record)
    }

    fn history(&self, arn: &str, reverse: bool, page: &Page) -> Result<Paged<StoredEvent>> {
        let size = page_size(page);
        let after = page.next_token.as_deref().map(parse_id_token).transpose()?;
        let inner = self.lock()?;
        if !inner.executions.contains_key(arn) {
            return Err(StoreError::ExecutionDoesNotExist(arn.to_owned()));
        }
        let empty = BTreeMap::new();
        let history = inner.events.get(arn).unwrap_or(&empty);
        let to_event = |(id, json): (&u64, &String)| StoredEvent { id: *id, json: json.clone() };
        let items: Vec<StoredEvent> = match (reverse, after) {
            (false, None) => history.iter().take(size + 1).map(to_event).collect(),
            (false, Some(a)) => history.range((Bound::Excluded(a), Bound::Unbounded)).take(size + 1).map(to_event).collect(),
            (true, None) => history.iter().rev().take(size + 1).map(to_event).collect(),
            (true, Some(a)) => history.range(..a).rev().take(size + 1).map(to_event).collect(),
        };
        Ok(one_page(items, size, |e| id_token(e.id)))
    }

    fn last_event_id(&self, arn: &str) -> Result<u64> {
        Ok(self.lock()?.last_event_id(arn))
    }

    fn record_effect(&self, arn: &str, key: &str, value: &str) -> Result<String> {
        let mut inner = self.lock()?;
        let stored = inner
            .effects
            .entry(arn.to_owned())
            .or_default()
            .entry(key.to_owned())
            .or_insert_with(|| value.to_owned());
        Ok(stored.clone())
    }

    fn effect(&self, arn: &str, key: &str) -> Result<Option<String>> {
        Ok(self.lock()?.effects.get(arn).and_then(|e| e.get(key)).cloned())
    }

    fn put_map_run(&self, worker: &str, record: &MapRunRecord) -> Result<Option<MapRunSettings>> {
        let mut inner = self.lock()?;
        inner.held(&record.execution_arn, Some(worker))?;
        let (record, changed) = merge_map_run(inner.map_runs.get(&record.report.arn), record.clone());
        inner.map_runs.insert(record.report.arn.clone(), record);
        Ok(changed)
    }

    fn update_map_run(&self, arn: &str, settings: &MapRunSettings) -> Result<()> {
        let mut inner = self.lock()?;
        let run = inner.map_runs.get_mut(arn).ok_or_else(|| StoreError::ResourceNotFound(arn.to_owned()))?;
        run.report.set_settings(*settings);
        Ok(())
    }

    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>> {
        Ok(self.lock()?.map_runs.get(arn).cloned())
    }

    fn list_map_runs(&self, execution_arn: &str, page: &Page) -> Result<Paged<MapRunRecord>> {
        let size = page_size(page);
        let after = match &page.next_token {
            Some(t) => Some(parse_key_token(t, 2)?),
            None => None,
        };
        let inner = self.lock()?;
        let key = |r: &MapRunRecord| (date_text(r.report.start_date), r.report.arn.clone());
        let mut runs: Vec<&MapRunRecord> = inner
            .map_runs
            .values()
            .filter(|r| r.execution_arn == execution_arn)
            .filter(|r| match &after {
                Some(last) => key(r) > (last[0].clone(), last[1].clone()),
                None => true,
            })
            .collect();
        runs.sort_by_key(|r| key(r));
        let items: Vec<MapRunRecord> = runs.into_iter().take(size + 1).cloned().collect();
        Ok(one_page(items, size, |r| key_token(&[&date_text(r.report.start_date), &r.report.arn])))
    }

    fn create_activity(&self, activity: ActivityRecord) -> Result<ActivityRecord> {
        let mut inner = self.lock()?;
        if let Some(existing) = inner.activities.get(&activity.name) {
            return Ok(existing.clone());
        }
        if let Some(other) = inner.activity_names.get(&activity.arn) {
            return Err(arn_taken(&activity.arn, other));
        }
        let activity = truncate_activity(activity);
        inner.activity_names.insert(activity.arn.clone(), activity.name.clone());
        inner.activities.insert(activity.name.clone(), activity.clone());
        Ok(activity)
    }

    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        let inner = self.lock()?;
        Ok(inner.activity_names.get(arn).and_then(|name| inner.activities.get(name)).cloned())
    }

    fn list_activities(&self, page: &Page) -> Result<Paged<ActivityRecord>> {
        let inner = self.lock()?;
        by_name(&inner.activities, page, |a| &a.name)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        let mut inner = self.lock()?;
        let name = inner.activity_names.remove(arn).ok_or_else(|| StoreError::ActivityDoesNotExist(arn.to_owned()))?;
        inner.activities.remove(&name);
        inner.tags.remove(arn);
        // Tokens already issued for it stay: their tasks wait on as AWS's do.
        Ok(())
    }

    fn issue_token(&self, token: &TokenRecord) -> Result<()> {
        let mut inner = self.lock()?;
        if inner.tokens.contains_key(&token.token) {
            return Ok(());
        }
        inner.next_token_seq += 1;
        let seq = inner.next_token_seq;
        let mut record = token.clone();
        record.last_heartbeat = record.last_heartbeat.map(millis);
        inner.execution_tokens.entry(record.execution_arn.clone()).or_default().push(token.token.clone());
        inner.tokens.insert(token.token.clone(), TokenEntry { record, closed: false, seq });
        Ok(())
    }

    fn token(&self, token: &str) -> Result<Option<TokenRecord>> {
        Ok(self.lock()?.tokens.get(token).map(|t| t.record.clone()))
    }

    fn open_tokens(&self, execution_arn: &str) -> Result<Vec<TokenRecord>> {
        let inner = self.lock()?;
        let tokens = inner.execution_tokens.get(execution_arn).into_iter().flatten();
        let mut open: Vec<&TokenEntry> = tokens.filter_map(|t| inner.tokens.get(t)).filter(|t| t.is_open()).collect();
        open.sort_by_key(|t| t.seq);
        Ok(open.into_iter().map(|t| t.record.clone()).collect())
    }

    fn answer_token(&self, token: &str, outcome: TokenOutcome) -> Result<()> {
        let mut inner = self.lock()?;
        let entry = inner.answerable(token)?;
        entry.record.outcome = Some(outcome);
        let arn = entry.record.execution_arn.clone();
        if let Some(e) = inner.executions.get_mut(&arn) {
            e.wake_at = None;
        }
        Ok(())
    }

    fn sweep(&self, compact_before: DateTime<Utc>, remove_before: DateTime<Utc>, limit: usize) -> Result<Swept> {
        let mut inner = self.lock()?;
        let ended_before = |e: &ExecutionRecord, t: DateTime<Utc>| e.status != Status::Running && e.stop_date.is_some_and(|d| d < t);
        let mut removed: Vec<String> = inner.executions.values().filter(|e| ended_before(e, remove_before)).map(|e| e.arn.clone()).collect();
        removed.sort();
        removed.truncate(limit);
        for arn in &removed {
            if let Some(e) = inner.executions.remove(arn) {
                inner.execution_names.remove(&(e.state_machine_name, e.name));
            }
            inner.events.remove(arn);
            inner.map_runs.retain(|_, run| &run.execution_arn != arn);
        }
        let mut compacted: Vec<String> = inner
            .executions
            .values()
            .filter(|e| ended_before(e, compact_before) && !inner.compacted.contains(&e.arn))
            .map(|e| e.arn.clone())
            .collect();
        compacted.sort();
        compacted.truncate(limit);
        inner.compacted.extend(compacted.iter().cloned());
        for arn in &removed {
            inner.compacted.remove(arn);
        }
        for arn in removed.iter().chain(&compacted) {
            inner.progress.remove(arn);
            inner.effects.remove(arn);
            for token in inner.execution_tokens.remove(arn).unwrap_or_default() {
                inner.tokens.remove(&token);
            }
        }
        Ok(Swept { compacted: compacted.len(), removed: removed.len() })
    }

    fn park(&self, arn: &str, worker: &str, token: Option<&str>, wake: DateTime<Utc>) -> Result<bool> {
        let mut inner = self.lock()?;
        let e = inner.executions.get(arn).ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
        if e.status != Status::Running || e.owner.as_deref() != Some(worker) {
            return Err(StoreError::LeaseLost(arn.to_owned()));
        }
        if let Some(token) = token {
            if inner.tokens.get(token).is_none_or(|t| !t.is_open()) {
                return Ok(false);
            }
        }
        let e = inner.executions.get_mut(arn).ok_or_else(|| StoreError::ExecutionDoesNotExist(arn.to_owned()))?;
        e.owner = None;
        e.lease_until = None;
        e.wake_at = Some(millis(wake));
        Ok(true)
    }

    fn close_token(&self, token: &str) -> Result<Option<TokenOutcome>> {
        let mut inner = self.lock()?;
        let entry = inner.tokens.get_mut(token).ok_or(StoreError::TaskDoesNotExist)?;
        if let Some(answer) = &entry.record.outcome {
            return Ok(Some(answer.clone()));
        }
        entry.closed = true;
        Ok(None)
    }

    fn heartbeat_token(&self, token: &str, now: DateTime<Utc>) -> Result<()> {
        let mut inner = self.lock()?;
        let record = &mut inner.answerable(token)?.record;
        record.last_heartbeat = Some(millis(now));
        record.heartbeats += 1;
        Ok(())
    }

    fn take_activity_task(&self, activity_arn: &str, worker_name: Option<&str>) -> Result<Option<TokenRecord>> {
        let mut inner = self.lock()?;
        let oldest = inner
            .tokens
            .values_mut()
            .filter(|t| t.record.activity_arn.as_deref() == Some(activity_arn) && !t.record.taken && t.is_open())
            .min_by_key(|t| t.seq);
        Ok(oldest.map(|t| {
            t.record.taken = true;
            t.record.worker_name = worker_name.map(str::to_owned);
            t.record.clone()
        }))
    }

    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()> {
        let mut inner = self.lock()?;
        let existing = inner.tags.get(arn);
        let mut merged = existing.cloned().unwrap_or_default();
        merged.extend(tags.iter().map(|t| (t.key.clone(), t.value.clone())));
        if merged.len() > MAX_TAGS {
            return Err(StoreError::TooManyTags(arn.to_owned()));
        }
        inner.tags.insert(arn.to_owned(), merged);
        Ok(())
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        let mut inner = self.lock()?;
        if let Some(tags) = inner.tags.get_mut(arn) {
            keys.iter().for_each(|k| {
                tags.remove(k);
            });
        }
        Ok(())
    }

    fn tags(&self, arn: &str) -> Result<Vec<Tag>> {
        let inner = self.lock()?;
        let tags = inner.tags.get(arn).into_iter().flatten();
        Ok(tags.map(|(key, value)| Tag { key: key.clone(), value: value.clone() }).collect())
    }
}
