//! Behaviour tests of the `Store` contract. Each `fn(&dyn Store)` below runs against the
//! memory store, an in-memory SQLite store, a SQLite file and PostgreSQL (see
//! `for_each_store!`), so the implementations cannot drift apart. SQLite-only matters (two
//! handles on one file, reopening, schema versions) come at the end.
//!
//! PostgreSQL: the database `ASL_TEST_POSTGRES` names (default
//! `postgres://postgres@127.0.0.1:5432/test`, the one CI's machine runs), each test in a
//! schema of its own, removed afterwards. A database that cannot be reached fails the tests
//! that need it, saying so.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::*;

// ---- fixtures

const REGION_ACCOUNT: &str = "us-east-1:123456789012";

/// A fixed instant plus `secs`, so tests do not depend on the clock.
fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap() + Duration::seconds(secs)
}

fn machine_with(name: &str, definition: &str, machine_type: MachineType) -> StateMachineRecord {
    StateMachineRecord {
        name: name.into(),
        arn: format!("arn:aws:states:{REGION_ACCOUNT}:stateMachine:{name}"),
        definition: definition.into(),
        definition_hash: definition_hash(definition).unwrap(),
        machine_type,
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        creation_date: at(0),
        update_date: None,
        status: MachineStatus::Active,
        revision_id: "r1".into(),
    }
}

/// Machine `name`'s definition: each machine's its own, so that claims by definition tell
/// them apart.
fn definition_of(name: &str) -> String {
    format!(r#"{{"Comment": "{name}", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "End": true}}}}}}"#)
}

/// The definition hashes of machines `names`, as workers claim by.
fn definitions(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| definition_hash(&definition_of(n)).unwrap()).collect()
}

fn machine(name: &str) -> StateMachineRecord {
    machine_with(name, &definition_of(name), MachineType::Standard)
}

fn activity_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION_ACCOUNT}:activity:{name}")
}

fn activity(name: &str, created: DateTime<Utc>) -> ActivityRecord {
    ActivityRecord { name: name.into(), arn: activity_arn(name), creation_date: created }
}

fn arn(machine: &str, name: &str) -> String {
    format!("arn:aws:states:{REGION_ACCOUNT}:execution:{machine}:{name}")
}

fn execution(machine: &str, name: &str, input: &str, start: DateTime<Utc>) -> ExecutionRecord {
    ExecutionRecord {
        arn: arn(machine, name),
        state_machine_name: machine.into(),
        name: name.into(),
        status: Status::Running,
        input: input.into(),
        output: None,
        error: None,
        cause: None,
        start_date: start,
        stop_date: None,
        redrive_count: 0,
        owner: None,
        lease_until: None,
        test_case: None,
        definition_hash: String::new(),
        version: None,
        alias: None,
        wake_at: None,
    }
}

fn event(id: u64, kind: &str) -> StoredEvent {
    StoredEvent::new(
        id,
        &json!({
            "timestamp": "2024-05-01T12:00:00.000Z",
            "type": kind,
            "id": id,
            "previousEventId": id - 1,
        }),
    )
}

/// Registers `machine_name` (if needed) and starts `name` with one ExecutionStarted event.
fn start(store: &dyn Store, machine_name: &str, name: &str, start: DateTime<Utc>) -> ExecutionRecord {
    store.create_state_machine(machine(machine_name)).unwrap();
    let started = store
        .start_execution(execution(machine_name, name, "{}", start), &[event(1, "ExecutionStarted")])
        .unwrap();
    assert!(started.created);
    started.record
}

fn token(token: &str, execution_arn: &str, activity: Option<&str>) -> TokenRecord {
    TokenRecord {
        token: token.into(),
        execution_arn: execution_arn.into(),
        state: "Wait".into(),
        activity_arn: activity.map(Into::into),
        input: format!(r#"{{"for":"{token}"}}"#),
        outcome: None,
        last_heartbeat: None,
        taken: false,
        heartbeats: 0,
        worker_name: None,
    }
}

fn ending(status: Status, stop: DateTime<Utc>) -> ExecutionEnd {
    ExecutionEnd {
        status,
        output: (status == Status::Succeeded).then(|| r#"{"ok":true}"#.into()),
        error: (status != Status::Succeeded).then(|| "States.TaskFailed".into()),
        cause: (status != Status::Succeeded).then(|| "it broke".into()),
        stop_date: stop,
    }
}

fn page(max_results: usize, next_token: Option<String>) -> Page {
    Page { max_results, next_token }
}

fn ids(events: &[StoredEvent]) -> Vec<u64> {
    events.iter().map(|e| e.id).collect()
}

fn names(executions: &[ExecutionRecord]) -> Vec<&str> {
    executions.iter().map(|e| e.name.as_str()).collect()
}

fn all_machines() -> Vec<String> {
    definitions(&["m"])
}

// ---- behaviour shared by every store

fn create_state_machine_is_idempotent(store: &dyn Store) {
    let created = store.create_state_machine(machine("m")).unwrap();
    assert_eq!(created, machine("m"));

    // Same definition, formatted differently and with another role: the existing record.
    let reformatted = r#"{ "States": {"A": {"End": true, "Type": "Pass"}},
                          "StartAt": "A", "Comment": "m" }"#;
    let mut again = machine_with("m", reformatted, MachineType::Standard);
    again.role_arn = "arn:aws:iam::123456789012:role/other".into();
    assert_eq!(store.create_state_machine(again).unwrap(), created);

    let other_definition = r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}"#;
    assert_eq!(
        store.create_state_machine(machine_with("m", other_definition, MachineType::Standard)),
        Err(StoreError::StateMachineAlreadyExists("m".into()))
    );
    assert_eq!(
        store.create_state_machine(machine_with("m", &definition_of("m"), MachineType::Express)),
        Err(StoreError::StateMachineAlreadyExists("m".into()))
    );

    assert_eq!(store.state_machine("m").unwrap(), Some(created));
    assert_eq!(store.state_machine("nope").unwrap(), None);
}

fn list_state_machines_pages_by_name(store: &dyn Store) {
    for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
        store.create_state_machine(machine(name)).unwrap();
    }
    let first = store.list_state_machines(&page(2, None)).unwrap();
    let second = store.list_state_machines(&page(2, first.next_token.clone())).unwrap();
    let third = store.list_state_machines(&page(2, second.next_token.clone())).unwrap();
    let seen: Vec<_> = [&first, &second, &third].iter().flat_map(|p| p.items.iter().map(|m| m.name.clone())).collect();
    assert_eq!(seen, ["alpha", "bravo", "charlie", "delta", "echo"]);
    assert!(first.next_token.is_some() && second.next_token.is_some());
    assert_eq!(third.next_token, None);

    // Machines created between two pages do not shift the next one.
    store.create_state_machine(machine("aardvark")).unwrap();
    let second_again = store.list_state_machines(&page(2, first.next_token.clone())).unwrap();
    assert_eq!(second_again.items, second.items);

    let all = store.list_state_machines(&Page::default()).unwrap();
    assert_eq!(all.items.len(), 6);
    assert_eq!(all.next_token, None);

    for bad in ["zz", "not a token", "6162", ""] {
        assert_eq!(store.list_state_machines(&page(2, Some(bad.into()))), Err(StoreError::InvalidToken), "{bad:?}");
    }
}

fn start_execution_is_idempotent(store: &dyn Store) {
    let record = execution("m", "e1", r#"{"x":1}"#, at(10));
    assert_eq!(
        store.start_execution(record.clone(), &[event(1, "ExecutionStarted")]),
        Err(StoreError::StateMachineDoesNotExist("m".into()))
    );
    assert_eq!(store.execution(&record.arn).unwrap(), None);

    store.create_state_machine(machine("m")).unwrap();
    let first = store.start_execution(record.clone(), &[event(1, "ExecutionStarted")]).unwrap();
    // The store writes the definition the execution runs: its machine's.
    let record = ExecutionRecord { definition_hash: all_machines()[0].clone(), ..record };
    assert_eq!(first, Started { record: record.clone(), created: true });
    assert_eq!(store.execution(&record.arn).unwrap(), Some(record.clone()));
    assert_eq!(ids(&store.history(&record.arn, false, &Page::default()).unwrap().items), [1]);

    // Same name and input while running: the existing execution, nothing new written.
    let again = store.start_execution(record.clone(), &[event(1, "ExecutionStarted"), event(2, "Extra")]).unwrap();
    assert_eq!(again, Started { record: record.clone(), created: false });
    assert_eq!(store.last_event_id(&record.arn).unwrap(), 1);

    let other_input = execution("m", "e1", r#"{"x":2}"#, at(11));
    assert_eq!(
        store.start_execution(other_input, &[]),
        Err(StoreError::ExecutionAlreadyExists(record.arn.clone()))
    );

    // Once it ended, even the same input is refused (a name is used once).
    store.finish(&record.arn, None, &ending(Status::Succeeded, at(20)), &[]).unwrap();
    assert_eq!(
        store.start_execution(record.clone(), &[]),
        Err(StoreError::ExecutionAlreadyExists(record.arn.clone()))
    );

    let mut not_running = execution("m", "e2", "{}", at(12));
    not_running.status = Status::Succeeded;
    assert!(matches!(store.start_execution(not_running, &[]), Err(StoreError::InvalidState(_))));
}

fn list_executions_newest_first(store: &dyn Store) {
    start(store, "m", "old", at(1));
    start(store, "m", "b-mid", at(5));
    start(store, "m", "a-mid", at(5));
    start(store, "other", "elsewhere", at(7));
    start(store, "m", "new", at(9));
    store.finish(&arn("m", "old"), None, &ending(Status::Failed, at(20)), &[]).unwrap();

    let all = store.list_executions(None, None, &Page::default()).unwrap();
    assert_eq!(names(&all.items), ["new", "elsewhere", "a-mid", "b-mid", "old"]);
    assert_eq!(all.next_token, None);

    let of_m = store.list_executions(Some("m"), None, &Page::default()).unwrap();
    assert_eq!(names(&of_m.items), ["new", "a-mid", "b-mid", "old"]);
    let failed = store.list_executions(Some("m"), Some(Status::Failed), &Page::default()).unwrap();
    assert_eq!(names(&failed.items), ["old"]);
    let running = store.list_executions(None, Some(Status::Running), &Page::default()).unwrap();
    assert_eq!(names(&running.items), ["new", "elsewhere", "a-mid", "b-mid"]);
    assert!(store.list_executions(Some("nope"), None, &Page::default()).unwrap().items.is_empty());

    // Pages of two, across the tie on start date.
    let mut seen = Vec::new();
    let mut next = None;
    loop {
        let p = store.list_executions(None, None, &page(2, next)).unwrap();
        assert!(p.items.len() <= 2);
        seen.extend(p.items.iter().map(|e| e.name.clone()));
        next = p.next_token;
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["new", "elsewhere", "a-mid", "b-mid", "old"]);

    // A newer execution started between pages does not repeat an item on the next page.
    let first = store.list_executions(None, None, &page(2, None)).unwrap();
    start(store, "m", "newest", at(30));
    let second = store.list_executions(None, None, &page(2, first.next_token)).unwrap();
    assert_eq!(names(&second.items), ["a-mid", "b-mid"]);

    assert_eq!(store.list_executions(None, None, &page(2, Some("12".into()))), Err(StoreError::InvalidToken));
}

fn claim_is_exclusive(store: &dyn Store) {
    for (i, name) in ["e1", "e2", "e3"].iter().enumerate() {
        start(store, "m", name, at(i as i64));
    }
    start(store, "other", "x", at(0));
    let lease = at(100);

    let w1 = store.claim("w1", &all_machines(), at(10), lease, 2).unwrap();
    assert_eq!(names(&w1), ["e1", "e2"]);
    for e in &w1 {
        assert_eq!(e.owner.as_deref(), Some("w1"));
        assert_eq!(e.lease_until, Some(lease));
        assert_eq!(store.execution(&e.arn).unwrap().as_ref(), Some(e));
    }
    let w2 = store.claim("w2", &all_machines(), at(10), lease, 5).unwrap();
    assert_eq!(names(&w2), ["e3"]);
    assert!(store.claim("w3", &all_machines(), at(10), lease, 5).unwrap().is_empty());

    // Only the definitions asked for; nothing for a limit of 0 or no definitions.
    assert!(store.claim("w3", &definitions(&["other"]), at(10), lease, 0).unwrap().is_empty());
    assert!(store.claim("w3", &[], at(10), lease, 5).unwrap().is_empty());
    assert_eq!(names(&store.claim("w3", &definitions(&["other", "unknown"]), at(10), lease, 5).unwrap()), ["x"]);

    // Once the leases ran out, the running executions are claimed again; ended ones never.
    store.finish(&arn("m", "e3"), Some("w2"), &ending(Status::Succeeded, at(20)), &[]).unwrap();
    assert_eq!(names(&store.claim("w4", &all_machines(), at(1000), at(2000), 5).unwrap()), ["e1", "e2"]);
}

fn lease_expiry_lets_another_worker_claim(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    store.claim("w1", &all_machines(), at(1), at(60), 1).unwrap();

    // Still held at the lease's last instant.
    assert!(store.claim("w2", &all_machines(), at(60), at(120), 1).unwrap().is_empty());
    // Renewed, it holds longer.
    assert_eq!(store.renew("w1", &[e.arn.clone(), arn("m", "unknown")], at(90)).unwrap(), [e.arn.as_str()]);
    assert!(store.claim("w2", &all_machines(), at(61), at(120), 1).unwrap().is_empty());

    // Once it ran out, another worker takes it over and the first one is fenced off.
    let taken = store.claim("w2", &all_machines(), at(91), at(150), 1).unwrap();
    assert_eq!(names(&taken), ["e"]);
    assert_eq!(taken[0].owner.as_deref(), Some("w2"));
    assert!(store.renew("w1", std::slice::from_ref(&e.arn), at(200)).unwrap().is_empty());
    assert_eq!(store.checkpoint(&e.arn, "w1", "", Some(&b"late"[..]), &[]), Err(StoreError::LeaseLost(e.arn.clone())));
    assert_eq!(
        store.finish(&e.arn, Some("w1"), &ending(Status::Succeeded, at(95)), &[]),
        Err(StoreError::LeaseLost(e.arn.clone()))
    );
    assert_eq!(store.progress(&e.arn, "").unwrap(), None);

    // A release by someone else does nothing; by the owner, it frees the execution at once.
    store.release("w1", &e.arn).unwrap();
    assert_eq!(store.execution(&e.arn).unwrap().unwrap().owner.as_deref(), Some("w2"));
    store.release("w2", &e.arn).unwrap();
    let freed = store.execution(&e.arn).unwrap().unwrap();
    assert_eq!((freed.status, freed.owner, freed.lease_until), (Status::Running, None, None));
    assert_eq!(names(&store.claim("w3", &all_machines(), at(92), at(150), 1).unwrap()), ["e"]);
}

fn checkpoint_stores_progress_and_events(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    assert_eq!(store.checkpoint(&e.arn, "w1", "", Some(&b"p0"[..]), &[]), Err(StoreError::LeaseLost(e.arn.clone())));
    assert_eq!(
        store.checkpoint("arn:missing", "w1", "", Some(&b"p0"[..]), &[]),
        Err(StoreError::ExecutionDoesNotExist("arn:missing".into()))
    );
    store.claim("w1", &all_machines(), at(1), at(60), 1).unwrap();

    store.checkpoint(&e.arn, "w1", "", Some(&b"p1"[..]), &[event(2, "PassStateEntered")]).unwrap();
    store.checkpoint(&e.arn, "w1", "Map/0", Some(&b"child"[..]), &[event(3, "MapIterationStarted")]).unwrap();
    // A replay: same ids, other content; progress is replaced, events are not.
    let replayed = event(3, "Replayed");
    store.checkpoint(&e.arn, "w1", "", Some(&b"p2"[..]), &[replayed, event(4, "PassStateExited")]).unwrap();

    assert_eq!(store.progress(&e.arn, "").unwrap().as_deref(), Some(&b"p2"[..]));
    assert_eq!(store.progress(&e.arn, "Map/0").unwrap().as_deref(), Some(&b"child"[..]));
    assert_eq!(store.progress(&e.arn, "Map/1").unwrap(), None);
    let history = store.history(&e.arn, false, &Page::default()).unwrap().items;
    assert_eq!(ids(&history), [1, 2, 3, 4]);
    assert_eq!(history[2], event(3, "MapIterationStarted"));
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 4);

    // Finishing keeps progress (for a redrive) and fences later checkpoints off.
    store.finish(&e.arn, Some("w1"), &ending(Status::Failed, at(30)), &[event(5, "ExecutionFailed")]).unwrap();
    assert_eq!(store.checkpoint(&e.arn, "w1", "", Some(&b"p3"[..]), &[]), Err(StoreError::LeaseLost(e.arn.clone())));
    assert_eq!(store.progress(&e.arn, "").unwrap().as_deref(), Some(&b"p2"[..]));
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 5);
}

fn finish_records_the_ending(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    store.claim("w1", &all_machines(), at(1), at(60), 1).unwrap();
    assert_eq!(
        store.finish(&e.arn, Some("w2"), &ending(Status::Succeeded, at(5)), &[]),
        Err(StoreError::LeaseLost(e.arn.clone()))
    );
    assert!(matches!(
        store.finish(&e.arn, Some("w1"), &ending(Status::Running, at(5)), &[]),
        Err(StoreError::InvalidState(_))
    ));
    store.finish(&e.arn, Some("w1"), &ending(Status::Succeeded, at(5)), &[event(2, "ExecutionSucceeded")]).unwrap();
    let done = store.execution(&e.arn).unwrap().unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"ok":true}"#));
    assert_eq!((done.error, done.cause), (None, None));
    assert_eq!(done.stop_date, Some(at(5)));
    assert_eq!((done.owner, done.lease_until), (None, None));
    // Ended: even an administrative finish is refused.
    assert_eq!(
        store.finish(&e.arn, None, &ending(Status::Failed, at(6)), &[]),
        Err(StoreError::LeaseLost(e.arn.clone()))
    );

    // `worker: None` (Express, administrative) needs no claim.
    let f = start(store, "m", "f", at(0));
    store.finish(&f.arn, None, &ending(Status::TimedOut, at(7)), &[]).unwrap();
    let timed_out = store.execution(&f.arn).unwrap().unwrap();
    assert_eq!(timed_out.status, Status::TimedOut);
    assert_eq!(timed_out.error.as_deref(), Some("States.TaskFailed"));
    assert_eq!(timed_out.cause.as_deref(), Some("it broke"));
    assert_eq!(
        store.finish("arn:missing", None, &ending(Status::Failed, at(6)), &[]),
        Err(StoreError::ExecutionDoesNotExist("arn:missing".into()))
    );
}

fn history_in_order_reversed_and_paged(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    store.claim("w", &all_machines(), at(0), at(60), 1).unwrap();
    // Appended out of order: the history is still by id.
    let later: Vec<_> = [7, 5, 6, 2, 4, 3].into_iter().map(|id| event(id, "Step")).collect();
    store.checkpoint(&e.arn, "w", "", Some(&b""[..]), &later).unwrap();

    let all = store.history(&e.arn, false, &Page::default()).unwrap();
    assert_eq!(ids(&all.items), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(all.next_token, None);
    assert_eq!(ids(&store.history(&e.arn, true, &Page::default()).unwrap().items), [7, 6, 5, 4, 3, 2, 1]);

    let collect = |reverse: bool| {
        let mut pages = Vec::new();
        let mut next = None;
        loop {
            let p = store.history(&e.arn, reverse, &page(3, next)).unwrap();
            pages.push(ids(&p.items));
            next = p.next_token;
            if next.is_none() {
                return pages;
            }
        }
    };
    assert_eq!(collect(false), [vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    assert_eq!(collect(true), [vec![7, 6, 5], vec![4, 3, 2], vec![1]]);

    // An exact fit has no next page.
    let exact = store.history(&e.arn, false, &page(7, None)).unwrap();
    assert_eq!((exact.items.len(), exact.next_token), (7, None));
    // More than the maximum is the maximum, not an error.
    assert_eq!(store.history(&e.arn, false, &page(5000, None)).unwrap().items.len(), 7);

    for bad in ["x", "-1", "1.5", ""] {
        assert_eq!(store.history(&e.arn, false, &page(3, Some(bad.into()))), Err(StoreError::InvalidToken), "{bad:?}");
    }
    assert_eq!(
        store.history("arn:missing", false, &Page::default()),
        Err(StoreError::ExecutionDoesNotExist("arn:missing".into()))
    );
    assert_eq!(store.last_event_id("arn:missing").unwrap(), 0);
}

fn history_pages_default_to_100(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    store.claim("w", &all_machines(), at(0), at(60), 1).unwrap();
    let events: Vec<_> = (2..=1205).map(|id| event(id, "Step")).collect();
    store.checkpoint(&e.arn, "w", "", Some(&b""[..]), &events).unwrap();

    let first = store.history(&e.arn, false, &Page::default()).unwrap();
    assert_eq!(first.items.len(), 100);
    let capped = store.history(&e.arn, false, &page(5000, None)).unwrap();
    assert_eq!(capped.items.len(), 1000);
    let rest = store.history(&e.arn, false, &page(1000, capped.next_token)).unwrap();
    assert_eq!(ids(&rest.items), (1001..=1205).collect::<Vec<_>>());
    assert_eq!(rest.next_token, None);
}

fn record_effect_first_wins(store: &dyn Store) {
    assert_eq!(store.effect("a", "k").unwrap(), None);
    assert_eq!(store.record_effect("a", "k", "first").unwrap(), "first");
    assert_eq!(store.record_effect("a", "k", "second").unwrap(), "first");
    assert_eq!(store.effect("a", "k").unwrap().as_deref(), Some("first"));
    // Keys are per execution.
    assert_eq!(store.record_effect("b", "k", "other").unwrap(), "other");
    assert_eq!(store.effect("a", "k2").unwrap(), None);
}

fn token_lifecycle(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    let t = token("tok-1", &e.arn, None);
    store.issue_token(&t).unwrap();
    // Issuing again, even with other content, changes nothing.
    let mut changed = t.clone();
    changed.input = "changed".into();
    store.issue_token(&changed).unwrap();
    assert_eq!(store.token("tok-1").unwrap(), Some(t.clone()));
    assert_eq!(store.token("tok-unknown").unwrap(), None);

    store.heartbeat_token("tok-1", at(3)).unwrap();
    assert_eq!(store.token("tok-1").unwrap().unwrap().last_heartbeat, Some(at(3)));

    store.answer_token("tok-1", TokenOutcome::Success(r#"{"done":1}"#.into())).unwrap();
    let answered = store.token("tok-1").unwrap().unwrap();
    assert_eq!(answered.outcome, Some(TokenOutcome::Success(r#"{"done":1}"#.into())));
    assert_eq!(
        store.answer_token("tok-1", TokenOutcome::Success("{}".into())),
        Err(StoreError::TaskTimedOut)
    );
    assert_eq!(store.heartbeat_token("tok-1", at(4)), Err(StoreError::TaskTimedOut));
    assert_eq!(store.token("tok-1").unwrap().unwrap().outcome, answered.outcome);

    assert_eq!(store.answer_token("tok-unknown", TokenOutcome::Success("{}".into())), Err(StoreError::TaskDoesNotExist));
    assert_eq!(store.heartbeat_token("tok-unknown", at(4)), Err(StoreError::TaskDoesNotExist));

    // A failure, with and without its parts.
    store.issue_token(&token("tok-2", &e.arn, None)).unwrap();
    store.issue_token(&token("tok-3", &e.arn, None)).unwrap();
    // The open ones, oldest first (tok-1 is answered).
    let open = |store: &dyn Store| store.open_tokens(&e.arn).unwrap().into_iter().map(|t| t.token).collect::<Vec<_>>();
    assert_eq!(open(store), ["tok-2", "tok-3"]);
    assert_eq!(store.open_tokens("arn:other").unwrap(), []);
    let failure = TokenOutcome::Failure { error: Some("Boom".into()), cause: Some("why".into()) };
    store.answer_token("tok-2", failure.clone()).unwrap();
    assert_eq!(store.token("tok-2").unwrap().unwrap().outcome, Some(failure));
    let bare = TokenOutcome::Failure { error: None, cause: None };
    store.answer_token("tok-3", bare.clone()).unwrap();
    assert_eq!(store.token("tok-3").unwrap().unwrap().outcome, Some(bare));

    // Finishing closes the tokens still open; answered ones keep their outcome.
    store.issue_token(&token("tok-4", &e.arn, None)).unwrap();
    assert_eq!(open(store), ["tok-4"]);
    store.finish(&e.arn, None, &ending(Status::Succeeded, at(9)), &[]).unwrap();
    assert_eq!(open(store), Vec::<String>::new());
    assert_eq!(store.answer_token("tok-4", TokenOutcome::Success("{}".into())), Err(StoreError::TaskTimedOut));
    assert_eq!(store.heartbeat_token("tok-4", at(10)), Err(StoreError::TaskTimedOut));
    assert_eq!(store.token("tok-4").unwrap().unwrap().outcome, None);
    assert_eq!(store.token("tok-1").unwrap().unwrap().outcome, answered.outcome);

    // A token of an execution that is not RUNNING cannot be answered either.
    store.issue_token(&token("tok-5", &e.arn, None)).unwrap();
    assert_eq!(store.answer_token("tok-5", TokenOutcome::Success("{}".into())), Err(StoreError::TaskTimedOut));
    store.issue_token(&token("tok-6", "arn:missing", None)).unwrap();
    assert_eq!(store.heartbeat_token("tok-6", at(10)), Err(StoreError::TaskTimedOut));
}

fn stop_aborts_and_closes_tokens(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    store.claim("w1", &all_machines(), at(1), at(60), 1).unwrap();
    store.checkpoint(&e.arn, "w1", "", Some(&b"p"[..]), &[event(2, "TaskScheduled")]).unwrap();
    store.issue_token(&token("tok", &e.arn, None)).unwrap();
    store.issue_token(&token("act", &e.arn, Some("arn:activity"))).unwrap();

    let now = at(10) + Duration::nanoseconds(123_456_789);
    assert!(store.stop_execution(&e.arn, Some("Stopped"), Some("by hand"), now).unwrap());
    let stopped = store.execution(&e.arn).unwrap().unwrap();
    assert_eq!(stopped.status, Status::Aborted);
    assert_eq!(stopped.stop_date, Some(at(10) + Duration::milliseconds(123)));
    assert_eq!((stopped.error.as_deref(), stopped.cause.as_deref()), (Some("Stopped"), Some("by hand")));
    assert_eq!((stopped.owner, stopped.lease_until), (None, None));

    let last = store.history(&e.arn, true, &page(1, None)).unwrap().items;
    assert_eq!(
        last,
        [StoredEvent::new(
            3,
            &json!({
                "timestamp": "2024-05-01T12:00:10.123Z",
                "type": "ExecutionAborted",
                "id": 3,
                "previousEventId": 2,
                "executionAbortedEventDetails": {"error": "Stopped", "cause": "by hand"},
            }),
        )]
    );

    assert_eq!(store.answer_token("tok", TokenOutcome::Success("{}".into())), Err(StoreError::TaskTimedOut));
    assert_eq!(store.take_activity_task("arn:activity", None).unwrap(), None);
    assert_eq!(store.checkpoint(&e.arn, "w1", "", Some(&b"q"[..]), &[]), Err(StoreError::LeaseLost(e.arn.clone())));

    // Stopping again changes nothing.
    assert!(!store.stop_execution(&e.arn, Some("Again"), None, at(20)).unwrap());
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 3);
    assert_eq!(store.execution(&e.arn).unwrap().unwrap().error.as_deref(), Some("Stopped"));

    // No error or cause: the keys are left out.
    let f = start(store, "m", "f", at(0));
    assert!(store.stop_execution(&f.arn, None, None, at(11)).unwrap());
    let event = &store.history(&f.arn, true, &page(1, None)).unwrap().items[0];
    assert_eq!(event.event().unwrap()["executionAbortedEventDetails"], json!({}));
    assert_eq!(event.event().unwrap()["previousEventId"], json!(1));

    assert_eq!(
        store.stop_execution("arn:missing", None, None, at(11)),
        Err(StoreError::ExecutionDoesNotExist("arn:missing".into()))
    );
}

fn redrive_resumes_a_failed_execution(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    assert!(matches!(store.redrive_execution(&e.arn, at(1)), Err(StoreError::InvalidState(_))));

    store.claim("w1", &all_machines(), at(1), at(60), 1).unwrap();
    store.checkpoint(&e.arn, "w1", "", Some(&b"progress"[..]), &[event(2, "TaskScheduled")]).unwrap();
    store.issue_token(&token("old", &e.arn, None)).unwrap();
    store.finish(&e.arn, Some("w1"), &ending(Status::Failed, at(5)), &[event(3, "ExecutionFailed")]).unwrap();

    let redriven = store.redrive_execution(&e.arn, at(30)).unwrap();
    assert_eq!(redriven.status, Status::Running);
    assert_eq!(redriven.redrive_count, 1);
    assert_eq!((redriven.stop_date, &redriven.output, &redriven.error, &redriven.cause), (None, &None, &None, &None));
    assert_eq!((&redriven.owner, redriven.lease_until), (&None, None));
    assert_eq!(store.execution(&e.arn).unwrap(), Some(redriven.clone()));
    let last = &store.history(&e.arn, true, &page(1, None)).unwrap().items[0];
    assert_eq!(
        last.event().unwrap(),
        json!({
            "timestamp": "2024-05-01T12:00:30.000Z",
            "type": "ExecutionRedriven",
            "id": 4,
            "previousEventId": 3,
            "executionRedrivenEventDetails": {"redriveCount": 1},
        })
    );
    // The worker carries on from the last checkpoint; the old attempt's token stays dead.
    assert_eq!(store.progress(&e.arn, "").unwrap().as_deref(), Some(&b"progress"[..]));
    assert_eq!(store.answer_token("old", TokenOutcome::Success("{}".into())), Err(StoreError::TaskTimedOut));
    assert_eq!(names(&store.claim("w2", &all_machines(), at(31), at(90), 1).unwrap()), ["e"]);

    // Aborted and timed-out executions too; the count goes on.
    assert!(store.stop_execution(&e.arn, None, None, at(40)).unwrap());
    assert_eq!(store.redrive_execution(&e.arn, at(41)).unwrap().redrive_count, 2);
    store.finish(&e.arn, None, &ending(Status::TimedOut, at(50)), &[]).unwrap();
    assert_eq!(store.redrive_execution(&e.arn, at(51)).unwrap().redrive_count, 3);
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 7);
    start(store, "m", "never-redriven", at(52));
    let redriven = |flag| {
        let filter = ExecutionFilter { redriven: Some(flag), ..ExecutionFilter::default() };
        store.list_executions_where(&filter, &Page::default()).unwrap().items.into_iter().map(|e| e.name).collect::<Vec<_>>()
    };
    assert_eq!((redriven(true), redriven(false)), (vec!["e".to_string()], vec!["never-redriven".to_string()]));

    store.finish(&e.arn, None, &ending(Status::Succeeded, at(60)), &[]).unwrap();
    assert!(matches!(store.redrive_execution(&e.arn, at(61)), Err(StoreError::InvalidState(_))));
    assert_eq!(
        store.redrive_execution("arn:missing", at(61)),
        Err(StoreError::ExecutionDoesNotExist("arn:missing".into()))
    );
}

fn activity_tasks_are_taken_oldest_first(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    let x = "arn:aws:states:us-east-1:123456789012:activity:x";
    let y = "arn:aws:states:us-east-1:123456789012:activity:y";
    store.issue_token(&token("x1", &e.arn, Some(x))).unwrap();
    store.issue_token(&token("callback", &e.arn, None)).unwrap();
    store.issue_token(&token("y1", &e.arn, Some(y))).unwrap();
    store.issue_token(&token("x2", &e.arn, Some(x))).unwrap();
    store.issue_token(&token("x3", &e.arn, Some(x))).unwrap();
    // Issuing x1 again does not move it to the back of the queue.
    store.issue_token(&token("x1", &e.arn, Some(x))).unwrap();
    // An answered task is not handed out.
    store.answer_token("x2", TokenOutcome::Success("{}".into())).unwrap();

    let first = store.take_activity_task(x, Some("worker-7")).unwrap().unwrap();
    assert_eq!(first, TokenRecord { taken: true, worker_name: Some("worker-7".into()), ..token("x1", &e.arn, Some(x)) });
    let stored = store.token("x1").unwrap().unwrap();
    assert_eq!((stored.taken, stored.worker_name.as_deref()), (true, Some("worker-7")));
    assert_eq!(store.take_activity_task(x, None).unwrap().map(|t| t.token).as_deref(), Some("x3"));
    assert_eq!(store.take_activity_task(x, None).unwrap(), None);
    assert_eq!(store.take_activity_task(y, None).unwrap().map(|t| t.token).as_deref(), Some("y1"));
    assert_eq!(store.take_activity_task("arn:none", None).unwrap(), None);

    // A taken task is answered as any token.
    store.answer_token("x1", TokenOutcome::Success(r#"{"r":1}"#.into())).unwrap();
}

fn create_activity_is_idempotent_by_name(store: &dyn Store) {
    let created = store.create_activity(activity("a", at(0))).unwrap();
    assert_eq!(created, activity("a", at(0)));
    // The same name again: the existing record, its creation date unchanged.
    assert_eq!(store.create_activity(activity("a", at(50))).unwrap(), created);
    assert_eq!(store.activity(&activity_arn("a")).unwrap(), Some(created.clone()));
    assert_eq!(store.activity(&activity_arn("nope")).unwrap(), None);
    // Looked up by ARN, not by name.
    assert_eq!(store.activity("a").unwrap(), None);

    // A new name with another activity's ARN is refused, and nothing is written.
    let thief = ActivityRecord { name: "b".into(), arn: activity_arn("a"), creation_date: at(1) };
    assert!(matches!(store.create_activity(thief), Err(StoreError::InvalidState(_))));
    assert_eq!(store.list_activities(&Page::default()).unwrap().items, [created]);
}

fn list_activities_pages_by_name(store: &dyn Store) {
    assert_eq!(store.list_activities(&Page::default()).unwrap(), Paged { items: vec![], next_token: None });
    for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
        store.create_activity(activity(name, at(0))).unwrap();
    }
    // Machines are listed apart.
    store.create_state_machine(machine("m")).unwrap();
    let first = store.list_activities(&page(2, None)).unwrap();
    let second = store.list_activities(&page(2, first.next_token.clone())).unwrap();
    let third = store.list_activities(&page(2, second.next_token.clone())).unwrap();
    let seen: Vec<_> = [&first, &second, &third].iter().flat_map(|p| p.items.iter().map(|a| a.name.clone())).collect();
    assert_eq!(seen, ["alpha", "bravo", "charlie", "delta", "echo"]);
    assert!(first.next_token.is_some() && second.next_token.is_some());
    assert_eq!(third.next_token, None);

    // Activities created between two pages do not shift the next one.
    store.create_activity(activity("aardvark", at(1))).unwrap();
    let second_again = store.list_activities(&page(2, first.next_token.clone())).unwrap();
    assert_eq!(second_again.items, second.items);

    let all = store.list_activities(&Page::default()).unwrap();
    assert_eq!(all.items.len(), 6);
    assert_eq!(all.next_token, None);
    // Exactly a page's worth: no next token.
    assert_eq!(store.list_activities(&page(6, None)).unwrap().next_token, None);

    for bad in ["zz", "not a token", "6162", ""] {
        assert_eq!(store.list_activities(&page(2, Some(bad.into()))), Err(StoreError::InvalidToken), "{bad:?}");
    }
}

fn delete_activity_keeps_waiting_tasks(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    let a = activity_arn("a");
    store.create_activity(activity("a", at(0))).unwrap();
    store.create_activity(activity("b", at(0))).unwrap();
    store.issue_token(&token("t1", &e.arn, Some(&a))).unwrap();

    assert_eq!(store.delete_activity(&a), Ok(()));
    assert_eq!(store.activity(&a).unwrap(), None);
    assert_eq!(names_of(&store.list_activities(&Page::default()).unwrap().items), ["b"]);
    assert_eq!(store.delete_activity(&a), Err(StoreError::ActivityDoesNotExist(a.clone())));
    assert_eq!(
        store.delete_activity("arn:missing"),
        Err(StoreError::ActivityDoesNotExist("arn:missing".into()))
    );

    // The task already waiting keeps its token.
    assert_eq!(store.take_activity_task(&a, None).unwrap().map(|t| t.token).as_deref(), Some("t1"));
    store.answer_token("t1", TokenOutcome::Success("{}".into())).unwrap();

    // Created again, it is a new activity with a new date.
    assert_eq!(store.create_activity(activity("a", at(9))).unwrap(), activity("a", at(9)));
    assert_eq!(store.activity(&a).unwrap(), Some(activity("a", at(9))));
}

fn names_of(activities: &[ActivityRecord]) -> Vec<&str> {
    activities.iter().map(|a| a.name.as_str()).collect()
}

/// Two handles (the same store twice, or two connections to one file) claim from two threads
/// at once: every execution goes to exactly one of them.
fn claims_race(a: &dyn Store, b: &dyn Store) {
    const N: usize = 300;
    for i in 0..N {
        start(a, "m", &format!("e{i:03}"), at(i as i64));
    }
    // Both threads start claiming together, one execution at a time, to collide as often as
    // possible.
    let barrier = std::sync::Barrier::new(2);
    let claim_all = |store: &dyn Store, worker: &str| {
        barrier.wait();
        let mut mine = Vec::new();
        loop {
            let got = store.claim(worker, &all_machines(), at(1000), at(5000), 1).unwrap();
            if got.is_empty() {
                return mine;
            }
            mine.extend(got.into_iter().map(|e| e.arn));
        }
    };
    let (mine_a, mine_b) = std::thread::scope(|s| {
        let ta = s.spawn(|| claim_all(a, "wa"));
        let tb = s.spawn(|| claim_all(b, "wb"));
        (ta.join().unwrap(), tb.join().unwrap())
    });
    let set_a: BTreeSet<_> = mine_a.iter().cloned().collect();
    let set_b: BTreeSet<_> = mine_b.iter().cloned().collect();
    assert_eq!(set_a.len(), mine_a.len(), "a claimed one execution twice");
    assert_eq!(set_b.len(), mine_b.len(), "b claimed one execution twice");
    assert!(set_a.is_disjoint(&set_b), "both claimed {:?}", set_a.intersection(&set_b).collect::<Vec<_>>());
    assert_eq!(set_a.len() + set_b.len(), N);
    for arn in &set_a {
        assert_eq!(b.execution(arn).unwrap().unwrap().owner.as_deref(), Some("wa"));
    }
}

/// Dates are kept to the millisecond in every store.
fn dates_are_kept_to_the_millisecond(store: &dyn Store) {
    let fine = at(0) + Duration::nanoseconds(987_654_321);
    let coarse = at(0) + Duration::milliseconds(987);
    let mut m = machine("m");
    m.creation_date = fine;
    assert_eq!(store.create_state_machine(m).unwrap().creation_date, coarse);
    assert_eq!(store.create_activity(activity("a", fine)).unwrap().creation_date, coarse);
    assert_eq!(store.activity(&activity_arn("a")).unwrap().map(|a| a.creation_date), Some(coarse));
    let started = store.start_execution(execution("m", "e", "{}", fine), &[]).unwrap().record;
    assert_eq!(started.start_date, coarse);
    let claimed = store.claim("w", &all_machines(), fine, fine + Duration::seconds(1), 1).unwrap();
    assert_eq!(claimed[0].lease_until, Some(coarse + Duration::seconds(1)));
    assert_eq!(store.execution(&started.arn).unwrap().unwrap().lease_until, Some(coarse + Duration::seconds(1)));
}

// ---- what asl serve added: updates, deletes, tags, test cases

fn update_replaces_definition_and_role(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let definition = r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}"#;
    let update = MachineUpdate { definition: Some((definition.into(), definition_hash(definition).unwrap())), role_arn: None, update_date: at(5), revision_id: "r2".into() };
    let updated = store.update_state_machine("m", &update).unwrap();
    assert_eq!((updated.definition.as_str(), updated.update_date), (definition, Some(at(5))));
    assert_eq!(updated.role_arn, machine("m").role_arn, "the role is kept");
    let role = MachineUpdate { definition: None, role_arn: Some("arn:aws:iam::1:role/other".into()), update_date: at(6), revision_id: "r3".into() };
    let updated = store.update_state_machine("m", &role).unwrap();
    assert_eq!((updated.definition.as_str(), updated.role_arn.as_str()), (definition, "arn:aws:iam::1:role/other"));
    assert_eq!(store.state_machine("m").unwrap(), Some(updated));
    assert_eq!(store.update_state_machine("zz", &role), Err(StoreError::StateMachineDoesNotExist("zz".into())));
}

fn delete_waits_for_running_executions(store: &dyn Store) {
    store.create_state_machine(machine("idle")).unwrap();
    store.tag_resource(&machine("idle").arn, &[Tag { key: "k".into(), value: "v".into() }]).unwrap();
    store.delete_state_machine("idle").unwrap();
    assert_eq!(store.state_machine("idle").unwrap(), None, "nothing ran: gone at once");
    assert_eq!(store.tags(&machine("idle").arn).unwrap(), [], "with its tags");
    store.delete_state_machine("idle").unwrap();

    let a = start(store, "busy", "a", at(0));
    let b = start(store, "busy", "b", at(1));
    store.delete_state_machine("busy").unwrap();
    assert_eq!(store.state_machine("busy").unwrap().map(|m| m.status), Some(MachineStatus::Deleting));
    let deleting = Err(StoreError::StateMachineDeleting(machine("busy").arn));
    assert_eq!(store.start_execution(execution("busy", "c", "{}", at(2)), &[]).map(|_| ()), deleting);
    assert_eq!(store.create_state_machine(machine("busy")).map(|_| ()), deleting);
    assert_eq!(store.update_state_machine("busy", &MachineUpdate { definition: None, role_arn: None, update_date: at(3), revision_id: "r2".into() }).map(|_| ()), deleting);
    store.stop_execution(&a.arn, None, None, at(4)).unwrap();
    assert!(store.state_machine("busy").unwrap().is_some(), "b still runs");
    store.claim("w", &definitions(&["busy"]), at(5), at(60), 1).unwrap();
    store.finish(&b.arn, Some("w"), &ending(Status::Succeeded, at(6)), &[]).unwrap();
    assert_eq!(store.state_machine("busy").unwrap(), None, "the last execution took it along");
    assert!(store.execution(&b.arn).unwrap().is_some(), "executions stay describable");
    store.create_state_machine(machine("busy")).unwrap();
}

fn tags_are_set_replaced_and_removed(store: &dyn Store) {
    let tag = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
    let arn = activity_arn("act");
    store.tag_resource(&arn, &[tag("b", "1"), tag("a", "2")]).unwrap();
    store.tag_resource(&arn, &[tag("b", "3")]).unwrap();
    assert_eq!(store.tags(&arn).unwrap(), [tag("a", "2"), tag("b", "3")], "by key, replaced");
    store.untag_resource(&arn, &["a".into(), "absent".into()]).unwrap();
    assert_eq!(store.tags(&arn).unwrap(), [tag("b", "3")]);
    let many: Vec<Tag> = (0..MAX_TAGS).map(|i| tag(&format!("k{i}"), "")).collect();
    assert_eq!(store.tag_resource(&arn, &many), Err(StoreError::TooManyTags(arn.clone())));
    assert_eq!(store.tags(&arn).unwrap(), [tag("b", "3")], "nothing written");
    store.tag_resource(&arn, &many[1..]).unwrap();
    assert_eq!(store.tags(&arn).unwrap().len(), MAX_TAGS);
    store.create_activity(activity("act", at(0))).unwrap();
    store.delete_activity(&arn).unwrap();
    assert_eq!(store.tags(&arn).unwrap(), [], "deleting the activity removes its tags");
}

fn test_case_is_kept_on_the_execution(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let mut e = execution("m", "e", "{}", at(0));
    e.test_case = Some("HappyPath".into());
    store.start_execution(e, &[]).unwrap();
    assert_eq!(store.execution(&arn("m", "e")).unwrap().unwrap().test_case.as_deref(), Some("HappyPath"));
    let claimed = store.claim("w", &all_machines(), at(1), at(60), 1).unwrap();
    assert_eq!(claimed[0].test_case.as_deref(), Some("HappyPath"), "a worker sees it");
}

fn versions_are_numbered_once_and_published_once_per_revision(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let v1 = store.publish_version("m", None, Some("first"), at(1)).unwrap();
    assert_eq!((v1.number, v1.arn.as_str(), v1.description.as_deref()), (1, "arn:aws:states:us-east-1:123456789012:stateMachine:m:1", Some("first")));
    assert_eq!(store.publish_version("m", Some("r1"), None, at(2)).unwrap(), v1, "the same revision: the same version");
    let stale = store.publish_version("m", Some("r0"), None, at(2)).unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale:?}");
    let definition = r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}"#;
    let update = MachineUpdate { definition: Some((definition.into(), definition_hash(definition).unwrap())), role_arn: None, update_date: at(3), revision_id: "r2".into() };
    store.update_state_machine("m", &update).unwrap();
    let v2 = store.publish_version("m", None, None, at(4)).unwrap();
    assert_eq!((v2.number, v2.definition.as_str(), v2.revision_id.as_str()), (2, definition, "r2"));
    assert_eq!(store.version("m", 1).unwrap().unwrap().definition, definition_of("m"), "a version keeps its definition");
    let listed = store.list_versions("m", &page(1, None)).unwrap();
    assert_eq!(listed.items.iter().map(|v| v.number).collect::<Vec<_>>(), [2], "newest first");
    let rest = store.list_versions("m", &page(1, listed.next_token)).unwrap();
    assert_eq!((rest.items.iter().map(|v| v.number).collect::<Vec<_>>(), rest.next_token), (vec![1], None));
    store.delete_version("m", 2).unwrap();
    store.update_state_machine("m", &MachineUpdate { revision_id: "r3".into(), update_date: at(5), ..update }).unwrap();
    assert_eq!(store.publish_version("m", None, None, at(6)).unwrap().number, 3, "a number is not given twice");
    let published: Vec<(String, u32)> = store.published_definitions().unwrap().into_iter().map(|(m, n, _)| (m, n)).collect();
    assert_eq!(published, [("m".to_string(), 1), ("m".to_string(), 3)]);
}

fn aliases_route_to_versions_that_exist(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    store.publish_version("m", None, None, at(1)).unwrap();
    let alias = |name: &str, routing: Vec<Route>| AliasRecord {
        machine: "m".into(),
        name: name.into(),
        arn: format!("{}:{name}", machine("m").arn),
        description: None,
        routing,
        creation_date: at(2),
        update_date: None,
    };
    let prod = store.create_alias(alias("prod", vec![Route { version: 1, weight: 100 }])).unwrap();
    assert_eq!(store.create_alias(alias("prod", vec![Route { version: 1, weight: 100 }])).unwrap(), prod, "idempotent");
    assert!(matches!(store.create_alias(alias("prod", vec![Route { version: 1, weight: 50 }, Route { version: 2, weight: 50 }])), Err(StoreError::Conflict(_))));
    assert!(matches!(store.create_alias(alias("beta", vec![Route { version: 7, weight: 100 }])), Err(StoreError::ResourceNotFound(_))));
    assert!(matches!(store.delete_version("m", 1), Err(StoreError::Conflict(_))), "an alias routes to it");
    store.update_state_machine("m", &MachineUpdate { definition: None, role_arn: Some("r".into()), update_date: at(3), revision_id: "r2".into() }).unwrap();
    store.publish_version("m", None, None, at(4)).unwrap();
    let routes = vec![Route { version: 1, weight: 10 }, Route { version: 2, weight: 90 }];
    let update = AliasUpdate { description: Some("canary".into()), routing: Some(routes.clone()), update_date: at(5) };
    let updated = store.update_alias("m", "prod", &update).unwrap();
    assert_eq!((updated.routing, updated.description.as_deref(), updated.update_date), (routes, Some("canary"), Some(at(5))));
    store.create_alias(alias("next", vec![Route { version: 2, weight: 100 }])).unwrap();
    let aliases = |version| store.list_aliases("m", version, &Page::default()).unwrap().items.into_iter().map(|a| a.name).collect::<Vec<_>>();
    assert_eq!((aliases(None), aliases(Some(1)), aliases(Some(2))), (vec!["next".to_string(), "prod".into()], vec!["prod".into()], vec!["next".into(), "prod".into()]));
    let first = store.list_aliases("m", None, &page(1, None)).unwrap();
    assert_eq!(store.list_aliases("m", None, &page(1, first.next_token)).unwrap().items[0].name, "prod");
    store.delete_alias("m", "next").unwrap();
    assert!(matches!(store.delete_alias("m", "next"), Err(StoreError::ResourceNotFound(_))));

    // An execution through the alias runs the version it was routed to.
    let mut e = execution("m", "e", "{}", at(6));
    (e.version, e.alias) = (Some(1), Some("prod".into()));
    let started = store.start_execution(e, &[]).unwrap().record;
    assert_eq!(started.definition_hash, definition_hash(&definition_of("m")).unwrap());
    let mut ghost = execution("m", "ghost", "{}", at(6));
    ghost.version = Some(9);
    assert!(matches!(store.start_execution(ghost, &[]), Err(StoreError::StateMachineDoesNotExist(_))));
    let by = |qualifier| names(&store.list_executions_where(&ExecutionFilter { machine: Some("m"), qualifier: Some(qualifier), ..ExecutionFilter::default() }, &Page::default()).unwrap().items).iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!((by(Qualifier::Version(1)), by(Qualifier::Version(2)), by(Qualifier::Alias("prod"))), (vec!["e".to_string()], vec![], vec!["e".to_string()]));

    // Versions and aliases go with their machine.
    store.finish(&started.arn, None, &ending(Status::Succeeded, at(7)), &[]).unwrap();
    store.delete_state_machine("m").unwrap();
    store.create_state_machine(machine("m")).unwrap();
    assert_eq!((store.version("m", 1).unwrap(), store.alias("m", "prod").unwrap()), (None, None));
    assert_eq!(store.publish_version("m", None, None, at(8)).unwrap().number, 1, "a new machine of the name starts again");
}

fn map_runs_are_kept_as_last_reported_and_listed_per_execution(store: &dyn Store) {
    let e = start(store, "m", "e", at(0));
    let other = start(store, "m", "other", at(0));
    assert_eq!(names(&store.claim("w", &all_machines(), at(0), at(600), 2).unwrap()).len(), 2);
    let report = |arn: &str, start: i64, succeeded: u64| MapRunReport {
        arn: arn.into(),
        status: MapRunStatus::Running,
        start_date: at(start),
        stop_date: None,
        max_concurrency: 10,
        tolerated_failure_count: 0,
        tolerated_failure_percentage: 5.0,
        total: 3,
        running: 3 - succeeded,
        succeeded,
        failed: 0,
        results_written: 0,
    };
    let first = MapRunRecord { execution_arn: e.arn.clone(), report: report("run:a", 1, 0) };
    assert_eq!(store.put_map_run("w", &first).unwrap(), None);
    assert!(matches!(store.put_map_run("not-the-holder", &first), Err(StoreError::LeaseLost(_))));
    // UpdateMapRun's settings outlive the run's next report, which is told of them.
    let updated = MapRunSettings { max_concurrency: 50, tolerated_failure_count: 2, tolerated_failure_percentage: 5.0 };
    store.update_map_run("run:a", &updated).unwrap();
    assert_eq!(store.put_map_run("w", &first).unwrap(), Some(updated));
    assert_eq!(store.map_run("run:a").unwrap().unwrap().report.settings(), updated);
    let mut told = first.clone();
    told.report.set_settings(updated);
    assert_eq!(store.put_map_run("w", &told).unwrap(), None, "told once");
    assert!(matches!(store.update_map_run("run:z", &updated), Err(StoreError::ResourceNotFound(_))));
    store.update_map_run("run:a", &first.report.settings()).unwrap();
    // A resumed run reports a later start: the first one is kept.
    let later = MapRunRecord { report: MapRunReport { status: MapRunStatus::Succeeded, stop_date: Some(at(4)), ..report("run:a", 3, 3) }, ..first.clone() };
    store.put_map_run("w", &later).unwrap();
    let kept = store.map_run("run:a").unwrap().unwrap();
    assert_eq!((kept.report.start_date, kept.report.status, kept.report.succeeded), (at(1), MapRunStatus::Succeeded, 3), "the last report wins but for the start");
    store.put_map_run("w", &MapRunRecord { execution_arn: e.arn.clone(), report: report("run:b", 2, 1) }).unwrap();
    store.put_map_run("w", &MapRunRecord { execution_arn: other.arn.clone(), report: report("run:c", 0, 1) }).unwrap();
    let listed = store.list_map_runs(&e.arn, &page(1, None)).unwrap();
    assert_eq!(listed.items, [kept]);
    let rest = store.list_map_runs(&e.arn, &page(1, listed.next_token)).unwrap();
    assert_eq!((rest.items.iter().map(|r| r.report.arn.as_str()).collect::<Vec<_>>(), rest.next_token), (vec!["run:b"], None));
    assert_eq!(store.map_run("run:z").unwrap(), None);

    // Runs still RUNNING end with their execution.
    store.stop_execution(&other.arn, None, None, at(9)).unwrap();
    let stopped = store.map_run("run:c").unwrap().unwrap().report;
    assert_eq!((stopped.status, stopped.stop_date), (MapRunStatus::Aborted, Some(at(9))));
    store.finish(&e.arn, Some("w"), &ending(Status::Failed, at(10)), &[]).unwrap();
    assert_eq!(store.map_run("run:b").unwrap().unwrap().report.status, MapRunStatus::Failed);
    assert_eq!(store.map_run("run:a").unwrap().unwrap().report.status, MapRunStatus::Succeeded, "an ended run stays as it ended");
}

/// A group commit writes what each write would alone, and refuses alone the checkpoint of an
/// execution its worker no longer holds.
fn commit_answers_each_write_as_its_own_method(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let held = start(store, "m", "held", at(0));
    let lost = start(store, "m", "lost", at(1));
    store.claim("w", &all_machines(), at(2), at(60), 10).unwrap();
    store.stop_execution(&lost.arn, None, None, at(3)).unwrap();
    store.record_effect(&held.arn, "k", "first").unwrap();
    let checkpoint = |arn: &str, progress: &[u8], id: u64| Write::Checkpoint {
        arn: arn.into(),
        worker: "w".into(),
        place: String::new(),
        progress: Some(progress.to_vec()),
        events: vec![event(id, "TaskScheduled")],
    };
    let answers = store
        .commit(&[
            checkpoint(&held.arn, b"p1", 2),
            checkpoint(&lost.arn, b"x", 3),
            Write::Effect { arn: held.arn.clone(), key: "k".into(), value: "second".into() },
            Write::Effect { arn: held.arn.clone(), key: "j".into(), value: "new".into() },
            checkpoint("arn:missing", b"x", 2),
        ])
        .unwrap();
    assert_eq!(
        answers,
        vec![
            Ok(Written::Checkpointed),
            Err(StoreError::LeaseLost(lost.arn.clone())),
            Ok(Written::Effect("first".into())),
            Ok(Written::Effect("new".into())),
            Err(StoreError::ExecutionDoesNotExist("arn:missing".into())),
        ]
    );
    assert_eq!(store.progress(&held.arn, "").unwrap().as_deref(), Some(&b"p1"[..]));
    assert_eq!(store.progress(&lost.arn, "").unwrap(), None, "nothing of the refused write");
    assert_eq!(ids(&store.history(&held.arn, false, &Page::default()).unwrap().items), vec![1, 2]);
    assert_eq!(store.effect(&held.arn, "j").unwrap().as_deref(), Some("new"));
}

/// A parked execution is nobody's and is not claimed before it wakes: at its time, or when
/// its token is answered. A token answered already keeps it from parking.
fn parked_executions_wake_at_their_time_or_on_an_answer(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let timer = start(store, "m", "timer", at(0));
    let waiting = start(store, "m", "waiting", at(1));
    let answered = start(store, "m", "answered", at(2));
    assert_eq!(store.claim("w", &all_machines(), at(3), at(60), 10).unwrap().len(), 3);
    for (e, t) in [(&waiting, "t-wait"), (&answered, "t-done")] {
        store.issue_token(&token(t, &e.arn, None)).unwrap();
    }
    store.answer_token("t-done", TokenOutcome::Success("{}".into())).unwrap();
    assert_eq!(store.park(&timer.arn, "other", None, at(100)), Err(StoreError::LeaseLost(timer.arn.clone())));
    assert_eq!(store.park(&timer.arn, "w", None, at(100)), Ok(true));
    assert_eq!(store.park(&waiting.arn, "w", Some("t-wait"), at(1_000)), Ok(true));
    assert_eq!(store.park(&answered.arn, "w", Some("t-done"), at(1_000)), Ok(false), "answered already: the run goes on");
    let parked = store.execution(&timer.arn).unwrap().unwrap();
    assert_eq!((parked.owner, parked.lease_until, parked.wake_at), (None, None, Some(at(100))));
    assert_eq!(store.renew("w", &[timer.arn.clone(), answered.arn.clone()], at(70)).unwrap(), vec![answered.arn.clone()]);
    store.finish(&answered.arn, Some("w"), &ending(Status::Succeeded, at(71)), &[]).unwrap();
    // Asleep, though nobody holds them.
    assert!(store.claim("w2", &all_machines(), at(99), at(160), 10).unwrap().is_empty());
    // The answer wakes one at once, the time the other.
    store.answer_token("t-wait", TokenOutcome::Success("{}".into())).unwrap();
    assert_eq!(names(&store.claim("w2", &all_machines(), at(99), at(160), 10).unwrap()), vec!["waiting"]);
    let woken = store.claim("w3", &all_machines(), at(100), at(160), 10).unwrap();
    assert_eq!(names(&woken), vec!["timer"]);
    assert_eq!((woken[0].wake_at, store.execution(&timer.arn).unwrap().unwrap().wake_at), (None, None), "awake once claimed");
}

/// Retention forgets, of ended executions, first what only a redrive reads, then everything;
/// running ones and recent ones keep it all.
fn sweeps_forget_what_ended_executions_no_longer_need(store: &dyn Store) {
    store.create_state_machine(machine("m")).unwrap();
    let (old, middle, recent, running) = (start(store, "m", "old", at(0)), start(store, "m", "middle", at(1)), start(store, "m", "recent", at(2)), start(store, "m", "running", at(3)));
    store.claim("w", &all_machines(), at(4), at(1_000), 10).unwrap();
    for (e, stop) in [(&old, 10), (&middle, 20), (&recent, 30), (&running, 0)] {
        store.checkpoint(&e.arn, "w", "", Some(&b"p"[..]), &[event(2, "TaskStateEntered")]).unwrap();
        store.record_effect(&e.arn, "k", "v").unwrap();
        store.issue_token(&token(&format!("t-{}", e.name), &e.arn, None)).unwrap();
        if stop > 0 {
            store.finish(&e.arn, Some("w"), &ending(Status::Failed, at(stop)), &[event(3, "ExecutionFailed")]).unwrap();
        }
    }
    // Ended before 25: compacted; before 15: removed. One of each kind per call.
    assert_eq!(store.sweep(at(25), at(15), 1).unwrap(), Swept { compacted: 1, removed: 1 });
    assert_eq!(store.sweep(at(25), at(15), 1).unwrap(), Swept { compacted: 0, removed: 0 });
    assert_eq!(store.execution(&old.arn).unwrap(), None, "removed, history and all");
    assert_eq!(store.history(&old.arn, false, &Page::default()), Err(StoreError::ExecutionDoesNotExist(old.arn.clone())));
    assert_eq!(store.token("t-old").unwrap(), None);
    let kept = store.execution(&middle.arn).unwrap().unwrap();
    assert_eq!(kept.status, Status::Failed);
    assert_eq!(ids(&store.history(&middle.arn, false, &Page::default()).unwrap().items), vec![1, 2, 3], "history stays");
    assert_eq!((store.progress(&middle.arn, "").unwrap(), store.effect(&middle.arn, "k").unwrap(), store.token("t-middle").unwrap()), (None, None, None));
    for e in [&recent, &running] {
        assert!(store.progress(&e.arn, "").unwrap().is_some() && store.effect(&e.arn, "k").unwrap().is_some() && store.token(&format!("t-{}", e.name)).unwrap().is_some());
    }
    assert!(matches!(store.redrive_execution(&middle.arn, at(26)), Err(StoreError::InvalidState(m)) if m.contains("no longer kept")));
    // The name of a removed execution is free again.
    assert!(store.start_execution(execution("m", "old", "{}", at(40)), &[event(1, "ExecutionStarted")]).unwrap().created);
}

/// The PostgreSQL database the tests use.
fn test_postgres_url() -> String {
    std::env::var("ASL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A PostgreSQL store in a fresh schema, removed when the value goes.
struct PgTestStore {
    store: Option<PostgresStore>,
    schema: String,
}

impl PgTestStore {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let schema = format!("asl_test_{}_{n}_{}", std::process::id(), rand::random::<u32>());
        let url = test_postgres_url();
        let store = PostgresStore::open_with(&url, &schema, 4, true).unwrap_or_else(|e| {
            panic!("the store tests need PostgreSQL at {url} (set ASL_TEST_POSTGRES to another database): {e}")
        });
        Self { store: Some(store), schema }
    }

    /// A second store value on the same schema: another pool of connections, as another
    /// process would have.
    fn another_handle(&self) -> PostgresStore {
        PostgresStore::open_with(&test_postgres_url(), &self.schema, 4, true).unwrap()
    }
}

impl std::ops::Deref for PgTestStore {
    type Target = PostgresStore;
    fn deref(&self) -> &PostgresStore {
        self.store.as_ref().expect("the store lives as long as the value")
    }
}

impl Drop for PgTestStore {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            if let Err(e) = store.drop_schema() {
                eprintln!("could not remove the test schema {}: {e}", self.schema);
            }
        }
    }
}

/// Runs each listed `fn(&dyn Store)` against every store, each test on a fresh one.
macro_rules! for_each_store {
    ($($test:ident),* $(,)?) => {
        mod memory {
            $( #[test] fn $test() { super::$test(&super::MemoryStore::new()); } )*
            #[test]
            fn claims_race() {
                let store = super::MemoryStore::new();
                super::claims_race(&store, &store);
            }
        }
        mod sqlite_in_memory {
            $( #[test] fn $test() { super::$test(&super::SqliteStore::open_in_memory().unwrap()); } )*
        }
        mod postgres {
            $( #[test] fn $test() { super::$test(&*super::PgTestStore::new()); } )*
            #[test]
            fn claims_race_between_two_handles() {
                let a = super::PgTestStore::new();
                let b = a.another_handle();
                super::claims_race(&*a, &b);
            }
        }
        mod sqlite_file {
            $( #[test] fn $test() {
                let dir = tempfile::tempdir().unwrap();
                super::$test(&super::SqliteStore::open(dir.path().join("store.db")).unwrap());
            } )*
            #[test]
            fn claims_race_between_two_handles() {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("store.db");
                let a = super::SqliteStore::open(&path).unwrap();
                let b = super::SqliteStore::open(&path).unwrap();
                super::claims_race(&a, &b);
            }
        }
    };
}

for_each_store!(
    create_state_machine_is_idempotent,
    list_state_machines_pages_by_name,
    start_execution_is_idempotent,
    list_executions_newest_first,
    claim_is_exclusive,
    lease_expiry_lets_another_worker_claim,
    checkpoint_stores_progress_and_events,
    finish_records_the_ending,
    history_in_order_reversed_and_paged,
    history_pages_default_to_100,
    record_effect_first_wins,
    token_lifecycle,
    stop_aborts_and_closes_tokens,
    redrive_resumes_a_failed_execution,
    activity_tasks_are_taken_oldest_first,
    create_activity_is_idempotent_by_name,
    list_activities_pages_by_name,
    delete_activity_keeps_waiting_tasks,
    dates_are_kept_to_the_millisecond,
    update_replaces_definition_and_role,
    delete_waits_for_running_executions,
    tags_are_set_replaced_and_removed,
    test_case_is_kept_on_the_execution,
    versions_are_numbered_once_and_published_once_per_revision,
    aliases_route_to_versions_that_exist,
    map_runs_are_kept_as_last_reported_and_listed_per_execution,
    commit_answers_each_write_as_its_own_method,
    parked_executions_wake_at_their_time_or_on_an_answer,
    sweeps_forget_what_ended_executions_no_longer_need,
);

// ---- the two stores answer alike

/// A scenario touching every method, as a transcript of what each call answered.
fn transcript(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    let mut log = |what: &str, answer: String| out.push(format!("{what}: {answer}"));
    let fine = |secs: i64| at(secs) + Duration::nanoseconds(456_789_123);
    let mut m = machine("m");
    m.creation_date = fine(0);
    log("create", format!("{:?}", store.create_state_machine(m.clone())));
    log("create again", format!("{:?}", store.create_state_machine(m)));
    log("create other", format!("{:?}", store.create_state_machine(machine("n"))));
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let started = store.start_execution(execution("m", name, "{}", fine(i as i64)), &[event(1, "ExecutionStarted")]);
        log("start", format!("{started:?}"));
    }
    log("start missing machine", format!("{:?}", store.start_execution(execution("zz", "a", "{}", fine(0)), &[])));
    log("claim", format!("{:?}", store.claim("w", &all_machines(), fine(5), fine(60), 2)));
    log("renew", format!("{:?}", store.renew("w", &[arn("m", "a"), arn("m", "c")], fine(70))));
    log("checkpoint", format!("{:?}", store.checkpoint(&arn("m", "a"), "w", "", Some(&b"1"[..]), &[event(2, "X")])));
    log("checkpoint lost", format!("{:?}", store.checkpoint(&arn("m", "c"), "w", "", Some(&b"1"[..]), &[])));
    log("effect", format!("{:?}", store.record_effect(&arn("m", "a"), "k", "v")));
    log("issue", format!("{:?}", store.issue_token(&token("t", &arn("m", "a"), Some("act")))));
    log("heartbeat", format!("{:?}", store.heartbeat_token("t", fine(8))));
    log("take", format!("{:?}", store.take_activity_task("act", None)));
    log("stop", format!("{:?}", store.stop_execution(&arn("m", "a"), Some("E"), None, fine(9))));
    log("answer", format!("{:?}", store.answer_token("t", TokenOutcome::Success("{}".into()))));
    log("finish", format!("{:?}", store.finish(&arn("m", "b"), Some("w"), &ending(Status::Failed, fine(10)), &[])));
    log("redrive", format!("{:?}", store.redrive_execution(&arn("m", "a"), fine(11))));
    log("history", format!("{:?}", store.history(&arn("m", "a"), false, &Page::default())));
    log("executions", format!("{:?}", store.list_executions(None, None, &page(2, None))));
    log("machines", format!("{:?}", store.list_state_machines(&page(1, None))));
    log("token", format!("{:?}", store.token("t")));
    log("progress", format!("{:?}", store.progress(&arn("m", "a"), "")));
    for (i, name) in ["y", "x", "z"].iter().enumerate() {
        log("create activity", format!("{:?}", store.create_activity(activity(name, fine(i as i64)))));
    }
    log("create activity again", format!("{:?}", store.create_activity(activity("x", fine(20)))));
    let thief = ActivityRecord { name: "w".into(), arn: activity_arn("x"), creation_date: fine(21) };
    log("create activity taken arn", format!("{:?}", store.create_activity(thief)));
    log("activity", format!("{:?}", store.activity(&activity_arn("x"))));
    log("activity missing", format!("{:?}", store.activity(&activity_arn("w"))));
    let first = store.list_activities(&page(2, None));
    log("activities", format!("{first:?}"));
    let next = first.ok().and_then(|p| p.next_token);
    log("activities next", format!("{:?}", store.list_activities(&page(2, next))));
    log("activities bad token", format!("{:?}", store.list_activities(&page(2, Some("zz".into())))));
    log("delete activity", format!("{:?}", store.delete_activity(&activity_arn("y"))));
    log("delete activity again", format!("{:?}", store.delete_activity(&activity_arn("y"))));
    log("activities after delete", format!("{:?}", store.list_activities(&Page::default())));
    let update = MachineUpdate { definition: None, role_arn: Some("r2".into()), update_date: fine(30), revision_id: "r2".into() };
    log("update", format!("{:?}", store.update_state_machine("n", &update)));
    log("tag", format!("{:?}", store.tag_resource("x", &[Tag { key: "k".into(), value: "v".into() }])));
    log("tags", format!("{:?}", store.tags("x")));
    log("delete busy", format!("{:?}", store.delete_state_machine("m")));
    log("machines after delete", format!("{:?}", store.list_state_machines(&Page::default())));
    out
}

#[test]
fn every_store_answers_alike() {
    let memory = transcript(&MemoryStore::new());
    let sqlite = transcript(&SqliteStore::open_in_memory().unwrap());
    let postgres = transcript(&*PgTestStore::new());
    for ((m, s), p) in memory.iter().zip(&sqlite).zip(&postgres) {
        assert_eq!(m, s);
        assert_eq!(m, p);
    }
    assert_eq!(memory.len(), sqlite.len());
    assert_eq!(memory.len(), postgres.len());
}

// ---- SQLite only

#[test]
fn reopening_a_file_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let (before, e_arn) = {
        let store = SqliteStore::open(&path).unwrap();
        let e = start(&store, "m", "e", at(0));
        start(&store, "m", "f", at(1));
        store.claim("w", &all_machines(), at(2), at(60), 1).unwrap();
        store.checkpoint(&e.arn, "w", "", Some(&b"\x00\xffbinary"[..]), &[event(2, "Step")]).unwrap();
        store.checkpoint(&e.arn, "w", "Map/3", Some(&b"child"[..]), &[]).unwrap();
        store.record_effect(&e.arn, "task:1", r#"{"v":1}"#).unwrap();
        store.issue_token(&token("done", &e.arn, Some("act"))).unwrap();
        store.issue_token(&token("open", &e.arn, Some("act"))).unwrap();
        store.issue_token(&token("queued", &e.arn, Some("act"))).unwrap();
        store.take_activity_task("act", None).unwrap();
        store.answer_token("done", TokenOutcome::Failure { error: Some("E".into()), cause: None }).unwrap();
        store.heartbeat_token("open", at(3)).unwrap();
        store.stop_execution(&arn("m", "f"), Some("Stop"), Some("test"), at(4)).unwrap();
        store.create_activity(activity("act", at(5))).unwrap();
        (transcript_of_state(&store, &e.arn), e.arn)
    };

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(transcript_of_state(&store, &e_arn), before);
    // Closed tokens stay closed, the activity queue keeps its order.
    assert_eq!(store.answer_token("open", TokenOutcome::Success("{}".into())), Ok(()));
    assert_eq!(store.take_activity_task("act", None).unwrap().map(|t| t.token).as_deref(), Some("queued"));
    store.finish(&e_arn, Some("w"), &ending(Status::Failed, at(9)), &[]).unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    store.redrive_execution(&e_arn, at(10)).unwrap();
    assert_eq!(store.heartbeat_token("queued", at(11)), Err(StoreError::TaskTimedOut));
}

fn transcript_of_state(store: &dyn Store, e_arn: &str) -> Vec<String> {
    vec![
        format!("{:?}", store.list_state_machines(&Page::default())),
        format!("{:?}", store.list_executions(None, None, &Page::default())),
        format!("{:?}", store.history(e_arn, false, &Page::default())),
        format!("{:?}", store.history(&arn("m", "f"), false, &Page::default())),
        format!("{:?}", store.progress(e_arn, "")),
        format!("{:?}", store.progress(e_arn, "Map/3")),
        format!("{:?}", store.effect(e_arn, "task:1")),
        format!("{:?}", store.token("done")),
        format!("{:?}", store.token("open")),
        format!("{:?}", store.token("queued")),
        format!("{:?}", store.list_activities(&Page::default())),
    ]
}

/// A file written before the activities table existed (same schema version) still opens, and
/// gets the table and the later columns.
#[test]
fn a_version_1_file_is_migrated_to_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        start(&store, "m", "e", at(0));
    }
    // Turn it back into a version-1 file: no activities, no heartbeat count.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE activities; ALTER TABLE tokens DROP COLUMN heartbeats; ALTER TABLE tokens DROP COLUMN worker_name;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(WITHOUT_V6).unwrap();
    conn.execute_batch(WITHOUT_V4).unwrap();
    drop(conn);

    let store = SqliteStore::open(&path).unwrap();
    assert!(store.execution(&arn("m", "e")).unwrap().is_some(), "the data is kept");
    assert_eq!(store.list_activities(&Page::default()).unwrap().items, []);
    assert_eq!(store.create_activity(activity("a", at(1))).unwrap(), activity("a", at(1)));
    store.issue_token(&token("t", &arn("m", "e"), None)).unwrap();
    store.heartbeat_token("t", at(2)).unwrap();
    store.heartbeat_token("t", at(2)).unwrap();
    assert_eq!(store.token("t").unwrap().unwrap().heartbeats, 2, "two heartbeats in the same millisecond count twice");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, 8);
    drop(conn);
    // Opening it again leaves it alone.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.activity(&activity_arn("a")).unwrap(), Some(activity("a", at(1))));
}

/// A version-2 file (no worker names) gets the column; its tokens keep their data.
#[test]
fn a_version_2_file_is_migrated_to_version_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let e = {
        let store = SqliteStore::open(&path).unwrap();
        let e = start(&store, "m", "e", at(0));
        store.issue_token(&token("t", &e.arn, Some("act"))).unwrap();
        e
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("ALTER TABLE tokens DROP COLUMN worker_name; PRAGMA user_version = 2;").unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(WITHOUT_V6).unwrap();
    conn.execute_batch(WITHOUT_V4).unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.token("t").unwrap(), Some(token("t", &e.arn, Some("act"))));
    let taken = store.take_activity_task("act", Some("w")).unwrap().unwrap();
    assert_eq!(taken.worker_name.as_deref(), Some("w"));
}

/// What version 8 changed, undone: the history back in one row per event, the top-level
/// progress back in `progress` (for the files these tests make: rows of one event each).
const WITHOUT_V8: &str = "CREATE TABLE events (arn TEXT NOT NULL, id INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (arn, id)) WITHOUT ROWID;
     INSERT INTO events SELECT x.arn, h.first, substr(h.events, instr(h.events, ' ') + 1) FROM history h JOIN executions x ON x.id = h.execution WHERE h.events <> '';
     INSERT OR REPLACE INTO progress SELECT x.arn, '', h.progress FROM history h JOIN executions x ON x.id = h.execution WHERE h.progress IS NOT NULL ORDER BY h.seq;
     DROP TABLE history; DROP INDEX executions_by_id; ALTER TABLE executions DROP COLUMN id;";

/// What versions 6 to 8 added (a file of version 5 or older has none of it).
const WITHOUT_V6: &str = "DROP INDEX executions_awake; DROP INDEX executions_parked; ALTER TABLE executions DROP COLUMN wake_at;
     DROP INDEX executions_ended; DROP INDEX executions_to_compact; ALTER TABLE executions DROP COLUMN compacted;
     ALTER TABLE state_machines DROP COLUMN revision_id; ALTER TABLE state_machines DROP COLUMN last_version;
     ALTER TABLE executions DROP COLUMN version; ALTER TABLE executions DROP COLUMN alias; DROP TABLE versions; DROP TABLE aliases;
     DROP TABLE map_runs;";

const WITHOUT_V4: &str = "DROP INDEX executions_by_definition; ALTER TABLE executions DROP COLUMN definition_hash;
     ALTER TABLE state_machines DROP COLUMN update_date; ALTER TABLE state_machines DROP COLUMN status;
     ALTER TABLE executions DROP COLUMN test_case; DROP TABLE tags;";

/// A version-4 file: its executions take their machine's definition, and workers claim them
/// by it.
#[test]
fn a_version_4_file_is_migrated_to_version_5() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let e = start(&SqliteStore::open(&path).unwrap(), "m", "e", at(0));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(WITHOUT_V6).unwrap();
    conn.execute_batch("DROP INDEX executions_by_definition; ALTER TABLE executions DROP COLUMN definition_hash; PRAGMA user_version = 4;").unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.execution(&e.arn).unwrap().unwrap().definition_hash, all_machines()[0]);
    assert_eq!(store.running_definitions().unwrap(), all_machines());
    assert_eq!(names(&store.claim("w", &all_machines(), at(1), at(60), 1).unwrap()), ["e"]);
}

/// A version-3 file gets update dates, statuses, test cases and tags; its machines are ACTIVE.
#[test]
fn a_version_3_file_is_migrated_to_version_4() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let e = start(&SqliteStore::open(&path).unwrap(), "m", "e", at(0));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(WITHOUT_V6).unwrap();
    conn.execute_batch(WITHOUT_V4).unwrap();
    conn.pragma_update(None, "user_version", 3).unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    let before_revisions = StateMachineRecord { revision_id: String::new(), ..machine("m") };
    assert_eq!(store.state_machine("m").unwrap(), Some(before_revisions));
    assert_eq!(store.execution(&e.arn).unwrap(), Some(e.clone()));
    store.tag_resource(&machine("m").arn, &[Tag { key: "k".into(), value: "v".into() }]).unwrap();
    store.delete_state_machine("m").unwrap();
    assert_eq!(store.state_machine("m").unwrap().map(|m| m.status), Some(MachineStatus::Deleting));
}

/// A version-5 file: its machines can publish versions (numbered from 1) and its executions
/// ran no version.
#[test]
fn a_version_5_file_is_migrated_to_version_6() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let e = start(&SqliteStore::open(&path).unwrap(), "m", "e", at(0));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(WITHOUT_V6).unwrap();
    conn.pragma_update(None, "user_version", 5).unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.execution(&e.arn).unwrap(), Some(e));
    assert_eq!(store.publish_version("m", None, None, at(1)).unwrap().number, 1);
}

/// A version-6 file: its executions are awake, and can be parked.
#[test]
fn a_version_6_file_is_migrated_to_version_7() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let e = start(&SqliteStore::open(&path).unwrap(), "m", "e", at(0));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(WITHOUT_V8).unwrap();
    conn.execute_batch(
        "DROP INDEX executions_awake; DROP INDEX executions_parked; ALTER TABLE executions DROP COLUMN wake_at;
         DROP INDEX executions_ended; DROP INDEX executions_to_compact; ALTER TABLE executions DROP COLUMN compacted;",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", 6).unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.execution(&e.arn).unwrap(), Some(e.clone()));
    assert_eq!(store.claim("w", &all_machines(), at(1), at(60), 10).unwrap().len(), 1);
    assert_eq!(store.park(&e.arn, "w", None, at(100)), Ok(true));
}

/// A version-7 file: its events and progress, one row per event keyed by execution, become the
/// history in the order written; reading it back and going on from it answer as before.
#[test]
fn a_version_7_file_is_migrated_to_version_8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let (e, before) = {
        let store = SqliteStore::open(&path).unwrap();
        let e = start(&store, "m", "e", at(0));
        start(&store, "m", "other", at(0));
        store.claim("w", &all_machines(), at(1), at(60), 10).unwrap();
        store.checkpoint(&e.arn, "w", "", Some(b"first"), &[event(2, "PassStateEntered"), event(3, "PassStateExited")]).unwrap();
        store.checkpoint(&e.arn, "w", "branch/0", Some(b"child"), &[]).unwrap();
        store.checkpoint(&e.arn, "w", "", Some(b"second"), &[event(4, "TaskStateEntered")]).unwrap();
        let before = store.history(&e.arn, false, &Page::default()).unwrap().items;
        (e, before)
    };
    assert_eq!(before.len(), 4);
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Back to version 7: each event in a row of its own, keyed by the execution's ARN.
    conn.execute_batch(&WITHOUT_V8.replace(
        "INSERT INTO events SELECT x.arn, h.first, substr(h.events, instr(h.events, ' ') + 1) FROM history h JOIN executions x ON x.id = h.execution WHERE h.events <> '';",
        "",
    ))
    .unwrap();
    let insert = "INSERT INTO events (arn, id, event) VALUES (?1, ?2, ?3)";
    for stored in &before {
        conn.execute(insert, rusqlite::params![e.arn, stored.id, stored.json]).unwrap();
    }
    conn.pragma_update(None, "user_version", 7).unwrap();
    drop(conn);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.history(&e.arn, false, &Page::default()).unwrap().items, before, "every event kept, in order");
    assert_eq!(store.progress(&e.arn, "").unwrap().as_deref(), Some(&b"second"[..]), "the execution's last checkpoint");
    assert_eq!(store.progress(&e.arn, "branch/0").unwrap().as_deref(), Some(&b"child"[..]));
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 4);
    store.checkpoint(&e.arn, "w", "", Some(b"third"), &[event(4, "TaskStateEntered"), event(5, "TaskScheduled")]).unwrap();
    assert_eq!(store.last_event_id(&e.arn).unwrap(), 5, "a replayed id is kept once");
    assert_eq!(store.progress(&e.arn, "").unwrap().as_deref(), Some(&b"third"[..]));
    let e2 = start(&store, "m", "after", at(2));
    assert_eq!(store.history(&e2.arn, false, &Page::default()).unwrap().items.len(), 1, "a new execution's history is its own");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    match SqliteStore::open(&path) {
        Err(StoreError::Backend(message)) => assert!(message.contains("schema version 99"), "{message}"),
        Err(other) => panic!("wrong error: {other:?}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.db");
    std::fs::write(&path, b"this is not a SQLite database, just some text that is long enough").unwrap();
    assert!(matches!(SqliteStore::open(&path), Err(StoreError::NotAStore(_))));
}

/// A store at `path` as a process killed with `kill -9` leaves it: its connection never
/// closed, so the `-wal` and `-shm` files remain and the last commits are only in the WAL.
/// Made by copying the files of a store still open here (SQLite shares one file's locks and
/// WAL index between the connections of a process, so the open one cannot be reused).
fn killed_store(path: &std::path::Path, executions: usize) {
    let live = path.with_extension("live");
    let store = SqliteStore::open(&live).unwrap();
    for i in 0..executions {
        start(&store, "m", &format!("e{i}"), at(i as i64));
    }
    for suffix in ["", "-wal", "-shm"] {
        let from = format!("{}{suffix}", live.display());
        if std::path::Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{suffix}", path.display())).unwrap();
        }
    }
    std::mem::forget(store);
}

fn damage(e: Result<SqliteStore>) -> String {
    match e {
        Err(StoreError::Damaged(message)) => message,
        Err(other) => panic!("wrong error: {other:?}"),
        Ok(_) => panic!("a damaged store was opened"),
    }
}

#[test]
fn a_deleted_write_ahead_log_is_said_and_the_store_not_reopened_as_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    killed_store(&path, 3);
    let wal = dir.path().join("store.db-wal");
    assert!(wal.exists(), "the executions are in the WAL");
    std::fs::remove_file(&wal).unwrap();
    let message = damage(SqliteStore::open_existing(&path));
    assert!(message.contains("lost its write-ahead log") && message.contains("store.db-wal is missing"), "{message}");
    assert!(!wal.exists(), "nothing was written");
}

#[test]
fn a_store_whose_whole_history_was_in_the_lost_log_is_not_opened_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    // What a store created before the schema went into the file first looks like once its
    // WAL (and the shared memory beside it) is gone: WAL mode, no tables.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    drop(conn);
    let message = damage(SqliteStore::open(&path));
    assert!(message.contains("in WAL mode but holds nothing"), "{message}");
    // A new store has its schema in the file before any WAL exists: losing both the WAL and
    // the shared memory of a killed one loses its last commits (which nothing can tell), not
    // the store.
    let fresh = dir.path().join("fresh.db");
    killed_store(&fresh, 1);
    for sidecar in ["fresh.db-wal", "fresh.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(sidecar));
    }
    SqliteStore::open(&fresh).unwrap();
}

#[test]
fn damaged_pages_are_found_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        for i in 0..200 {
            start(&store, "m", &format!("execution-{i}"), at(i));
        }
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page, "the store spans pages");
    // The middle of the file: b-tree pages of executions and events, not the header.
    let at_page = (bytes.len() / page / 2) * page;
    bytes[at_page..at_page + 64].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();
    let message = damage(SqliteStore::open(&path));
    assert!(message.contains("is damaged") && message.contains(".recover"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not written into");
    // And after an unclean shutdown the check runs whatever the size.
    let killed = dir.path().join("killed.db");
    killed_store(&killed, 5);
    SqliteStore::open(&killed).unwrap();
}

#[test]
fn two_processes_may_open_a_new_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let stores: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| SqliteStore::open(&path))).collect();
        handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
    });
    start(&stores[0], "m", "e", at(0));
    assert!(stores[3].execution(&arn("m", "e")).unwrap().is_some());
}

// ---- definition hashes

#[test]
fn definition_hash_ignores_whitespace_and_key_order() {
    let a = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1,"y":[1,2]},"End":true}}}"#;
    let b = r#"{
        "States": {
            "A": { "End": true, "Result": { "y": [1, 2], "x": 1 }, "Type": "Pass" }
        },
        "StartAt": "A"
    }"#;
    assert_eq!(definition_hash(a).unwrap(), definition_hash(b).unwrap());
    assert_eq!(definition_hash(a).unwrap().len(), 64);
    // Array order and values matter.
    let c = a.replace("[1,2]", "[2,1]");
    assert_ne!(definition_hash(a).unwrap(), definition_hash(&c).unwrap());
    let d = a.replace(r#""x":1"#, r#""x":2"#);
    assert_ne!(definition_hash(a).unwrap(), definition_hash(&d).unwrap());
    assert!(definition_hash("{not json").is_err());
}
