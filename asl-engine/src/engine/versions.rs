//! Versions and aliases of state machines: PublishStateMachineVersion (also through
//! CreateStateMachine and UpdateStateMachine with `publish`), ListStateMachineVersions,
//! DeleteStateMachineVersion, and the alias actions. An execution started through a version's
//! ARN runs that version's definition; through an alias's, one of its one or two versions,
//! chosen by weight.

use super::{check_max_results, date, machine_ref, paged, ApiError, ApiResult, Engine};
use crate::arn;
use crate::store::{qualified_arn, AliasRecord, AliasUpdate, Page, Qualifier, Route, StateMachineRecord, VersionRecord};
use rand::Rng;
use serde_json::{json, Value};

/// AWS's limit on a version's or an alias's description.
const MAX_DESCRIPTION: usize = 256;

/// One entry of an alias's `routingConfiguration`, as the request gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    pub version_arn: String,
    pub weight: i64,
}

impl Engine {
    /// The machine's current definition and role as its next version (or the version already
    /// published from its current revision).
    pub(super) fn publish(&self, machine: &str, revision: Option<&str>, description: Option<&str>) -> ApiResult<VersionRecord> {
        check_description("description", description)?;
        Ok(self.store.publish_version(machine, revision, description, (self.now)())?)
    }

    /// CreateStateMachine's and UpdateStateMachine's `versionDescription`, checked before
    /// anything is written.
    pub(super) fn check_version_description(publish: Option<Option<&str>>) -> ApiResult<()> {
        check_description("versionDescription", publish.flatten())
    }

    /// PublishStateMachineVersion. `INITIAL` names the revision of a machine never updated
    /// (which has no revision id), as AWS takes it.
    pub fn publish_state_machine_version(&self, arn: &str, revision: Option<&str>, description: Option<&str>) -> ApiResult {
        let m = self.machine(arn)?;
        let revision = revision.map(|r| if r == "INITIAL" { "" } else { r });
        let v = self.publish(&m.name, revision, description)?;
        Ok(json!({ "stateMachineVersionArn": v.arn, "creationDate": date(v.creation_date) }))
    }

    /// ListStateMachineVersions: newest first.
    pub fn list_state_machine_versions(&self, arn: &str, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let m = self.machine(arn)?;
        let page = self.store.list_versions(&m.name, &Page { max_results, next_token })?;
        let items = page.items.iter().map(|v| json!({ "stateMachineVersionArn": v.arn, "creationDate": date(v.creation_date) })).collect();
        Ok(paged("stateMachineVersions", items, page.next_token))
    }

    /// DeleteStateMachineVersion: refused (ConflictException) while an alias routes to it.
    pub fn delete_state_machine_version(&self, version_arn: &str) -> ApiResult {
        let (name, Some(Qualifier::Version(number))) = machine_ref(version_arn)? else {
            return Err(arn::InvalidArn::new(format!("A state machine version ARN was expected: {version_arn}")).into());
        };
        self.store.delete_version(name, number)?;
        Ok(json!({}))
    }

    /// CreateStateMachineAlias: the machine is the one whose versions `routing` names.
    pub fn create_state_machine_alias(&self, name: &str, description: Option<&str>, routing: &[Routing]) -> ApiResult {
        check_alias_name(name)?;
        check_description("description", description)?;
        check_route_count(routing.len())?;
        let first = routing.first().map(|r| r.version_arn.as_str()).unwrap_or_default();
        let (machine, _) = version_ref(first)?;
        // The alias actions know no StateMachineDoesNotExist: the version is what is missing.
        let m = self.named_machine(machine).map_err(|_| not_found(first))?;
        let routes = routes(&m, routing)?;
        let alias = AliasRecord {
            machine: m.name.clone(),
            name: name.to_string(),
            arn: qualified_arn(&m.arn, name),
            description: description.map(str::to_string),
            routing: routes,
            creation_date: (self.now)(),
            update_date: None,
        };
        let alias = self.store.create_alias(alias)?;
        Ok(json!({ "stateMachineAliasArn": alias.arn, "creationDate": date(alias.creation_date) }))
    }

    pub fn describe_state_machine_alias(&self, alias_arn: &str) -> ApiResult {
        let (m, name) = self.alias_ref(alias_arn)?;
        let a = self.alias(&m, name)?;
        let routing: Vec<Value> =
            a.routing.iter().map(|r| json!({ "stateMachineVersionArn": qualified_arn(&m.arn, r.version), "weight": r.weight })).collect();
        let mut answer = json!({ "stateMachineAliasArn": a.arn, "name": a.name, "routingConfiguration": routing, "creationDate": date(a.creation_date) });
        if let Some(description) = a.description {
            answer["description"] = description.into();
        }
        if let Some(updated) = a.update_date {
            answer["updateDate"] = date(updated).into();
        }
        Ok(answer)
    }

    pub fn update_state_machine_alias(&self, alias_arn: &str, description: Option<&str>, routing: Option<&[Routing]>) -> ApiResult {
        check_description("description", description)?;
        let (m, name) = self.alias_ref(alias_arn)?;
        if description.is_none() && routing.is_none() {
            return Err(ApiError::new("ValidationException", "Either the description or the routingConfiguration must be specified"));
        }
        let routing = routing.map(|r| routes(&m, r)).transpose()?;
        let update = AliasUpdate { description: description.map(str::to_string), routing, update_date: (self.now)() };
        let a = self.store.update_alias(&m.name, name, &update)?;
        Ok(json!({ "updateDate": date(a.update_date.unwrap_or(update.update_date)) }))
    }

    pub fn delete_state_machine_alias(&self, alias_arn: &str) -> ApiResult {
        let (m, name) = self.alias_ref(alias_arn)?;
        self.store.delete_alias(&m.name, name)?;
        Ok(json!({}))
    }

    /// ListStateMachineAliases of a machine, or (given a version's ARN) those routing to it.
    pub fn list_state_machine_aliases(&self, arn: &str, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let (name, qualifier) = machine_ref(arn)?;
        let m = self.named_machine(name)?;
        let version = match qualifier {
            None => None,
            Some(Qualifier::Version(n)) => Some(self.version(&m, n)?.number),
            Some(Qualifier::Alias(_)) => return Err(arn::InvalidArn::new(format!("A state machine or version ARN was expected: {arn}")).into()),
        };
        let page = self.store.list_aliases(&m.name, version, &Page { max_results, next_token })?;
        let items = page.items.iter().map(|a| json!({ "stateMachineAliasArn": a.arn, "creationDate": date(a.creation_date) })).collect();
        Ok(paged("stateMachineAliases", items, page.next_token))
    }

    /// The machine and alias name an alias ARN names.
    fn alias_ref<'a>(&self, alias_arn: &'a str) -> ApiResult<(StateMachineRecord, &'a str)> {
        let (machine, Some(Qualifier::Alias(name))) = machine_ref(alias_arn)? else {
            return Err(arn::InvalidArn::new(format!("A state machine alias ARN was expected: {alias_arn}")).into());
        };
        let m = self.named_machine(machine).map_err(|_| not_found(alias_arn))?;
        Ok((m, name))
    }

    /// Alias `name` of `m` (ResourceNotFound when there is none).
    pub(super) fn alias(&self, m: &StateMachineRecord, name: &str) -> ApiResult<AliasRecord> {
        self.store.alias(&m.name, name)?.ok_or_else(|| not_found(&qualified_arn(&m.arn, name)))
    }
}

/// The version an execution through an alias runs: the first route's with its weight's
/// chance, else the second's.
pub(super) fn route(alias: &AliasRecord) -> ApiResult<u32> {
    let roll: u8 = rand::thread_rng().gen_range(0..100);
    match alias.routing.as_slice() {
        [first, second] if roll >= first.weight => Ok(second.version),
        [first, ..] => Ok(first.version),
        [] => Err(ApiError::new("InternalError", format!("the alias '{}' routes to no version", alias.arn))),
    }
}

/// AWS's limit on an alias's routes: one or two.
fn check_route_count(count: usize) -> ApiResult<()> {
    if count == 0 || count > 2 {
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2, but has {count}"),
        ));
    }
    Ok(())
}

fn not_found(arn: &str) -> ApiError {
    ApiError::new("ResourceNotFound", format!("Resource not found: '{arn}'"))
}

/// The machine and number a version ARN names.
fn version_ref(arn: &str) -> ApiResult<(&str, u32)> {
    match machine_ref(arn)? {
        (name, Some(Qualifier::Version(n))) => Ok((name, n)),
        _ => Err(ApiError::new("ValidationException", format!("Invalid state machine version ARN in routingConfiguration: '{arn}'"))),
    }
}

/// An alias's routes as AWS accepts them: one or two versions of `m`, different, with weights
/// of 0–100 adding up to 100; by version, so that the same routes given in another order are
/// the same alias.
fn routes(m: &StateMachineRecord, routing: &[Routing]) -> ApiResult<Vec<Route>> {
    let invalid = |message: String| ApiError::new("ValidationException", message);
    check_route_count(routing.len())?;
    let mut routes = Vec::new();
    for r in routing {
        let (machine, version) = version_ref(&r.version_arn)?;
        if machine != m.name {
            return Err(invalid(format!("Routing configuration must contain state machine version ARNs of one state machine: '{}' is not a version of '{}'", r.version_arn, m.arn)));
        }
        let weight = u8::try_from(r.weight).ok().filter(|w| *w <= 100).ok_or_else(|| {
            invalid(format!("1 validation error detected: Value '{}' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value between 0 and 100", r.weight))
        })?;
        if routes.iter().any(|known: &Route| known.version == version) {
            return Err(invalid(format!("Routing configuration must contain distinct state machine version ARNs: '{}' is there twice", r.version_arn)));
        }
        routes.push(Route { version, weight });
    }
    if routes.iter().map(|r| u32::from(r.weight)).sum::<u32>() != 100 {
        return Err(invalid("Sum of routing configuration weights must be equal to 100".into()));
    }
    routes.sort_by_key(|r| r.version);
    Ok(routes)
}

/// AWS's rule for alias names: 1–80 of `A–Z a–z 0–9 _ - .`, not only digits (which would read
/// as a version number).
fn check_alias_name(name: &str) -> ApiResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    if name.is_empty() || name.len() > 80 || !name.chars().all(allowed) || name.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new("InvalidName", format!("Invalid Name: '{}'", asl_codegen::printable(name))));
    }
    Ok(())
}

fn check_description(member: &str, description: Option<&str>) -> ApiResult<()> {
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {MAX_DESCRIPTION}"),
        ));
    }
    Ok(())
}
