//! Durability across real processes: worker processes (`src/bin/durable_worker.rs`) are
//! killed with SIGKILL at random points of a 50-state workflow (Tasks with Retry, Waits, a
//! Choice, an inline Map with Waits inside, a Parallel) and restarted; every execution must end
//! with the output of an uninterrupted run, with each Task's side effect done exactly once. A
//! task token is answered from this process while another process waits on it.
//!
//! On PostgreSQL (the database `ASL_TEST_POSTGRES` names, by default the machine's), three
//! worker processes share the executions and are killed in turn, at least 100 times
//! (`ASL_PG_KILLS` for more), and the database itself is restarted once mid-run.

use asl_engine::{Engine, Location, MachineType, PostgresStore};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WORKER: &str = env!("CARGO_BIN_EXE_durable_worker");
const FIFTY: &str = include_str!("../workflows/durable50.json");
const APPROVAL: &str = include_str!("../workflows/approval.json");
const EXECUTIONS: [&str; 3] = ["e1", "e2", "e3"];
const LEASE_MS: u64 = 300;

use asl_tests::report;

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("asl-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn store(&self) -> PathBuf {
        self.0.join("store.db")
    }
    fn ledger(&self) -> PathBuf {
        self.0.join("ledger")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spawn_worker(dir: &Dir) -> Child {
    spawn_worker_on(&Location::File(dir.store()), &dir.ledger())
}

fn spawn_worker_on(store: &Location, ledger: &Path) -> Child {
    Command::new(WORKER)
        .args([store.as_arg(), ledger.as_os_str(), LEASE_MS.to_string().as_ref()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the durable_worker binary starts")
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let _ = child.wait();
}

fn engine(store: &Path) -> Engine {
    engine_on(&Location::File(store.to_path_buf()))
}

fn engine_on(store: &Location) -> Engine {
    Engine::new(store.open(true).unwrap())
}

fn start_all(engine: &Engine) -> Vec<String> {
    start_named(engine, &EXECUTIONS)
}

fn start_named(engine: &Engine, names: &[&str]) -> Vec<String> {
    engine.create_state_machine("fifty", FIFTY, MachineType::Standard, None).unwrap();
    let input = r#"{"tally": {"n": 0}, "items": [1, 2, 3, 4, 5]}"#;
    names.iter().map(|n| engine.start_execution("fifty", Some(n), Some(input)).unwrap()["executionArn"].as_str().unwrap().to_string()).collect()
}

/// Each execution's status and output, by ARN.
type Outcomes = BTreeMap<String, (String, Option<String>)>;

/// Each execution's status and output, once none is RUNNING.
fn outcomes(engine: &Engine, arns: &[String]) -> Option<Outcomes> {
    let mut out = BTreeMap::new();
    for arn in arns {
        let d = engine.describe_execution(arn).unwrap();
        if d["status"] == "RUNNING" {
            return None;
        }
        out.insert(arn.clone(), (d["status"].as_str().unwrap().to_string(), d["output"].as_str().map(str::to_string)));
    }
    Some(out)
}

fn wait_for(engine: &Engine, arns: &[String], limit: Duration) -> Outcomes {
    let until = Instant::now() + limit;
    loop {
        if let Some(o) = outcomes(engine, arns) {
            return o;
        }
        assert!(Instant::now() < until, "executions still running after {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(str::to_string).collect()
}

/// A small xorshift generator: the kill times, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn killed_workers_resume_every_execution_without_losing_or_redoing_work() {
    // The reference: one worker, never interrupted.
    let reference = Dir::new("reference");
    let engine_ref = engine(&reference.store());
    let arns = start_all(&engine_ref);
    let worker = spawn_worker(&reference);
    let expected = wait_for(&engine_ref, &arns, Duration::from_secs(120));
    kill(worker);
    assert!(expected.values().all(|(s, _)| s == "SUCCEEDED"), "{expected:?}");
    let expected_effects: BTreeSet<String> = lines(&reference.ledger()).into_iter().collect();
    assert_eq!(lines(&reference.ledger()).len(), expected_effects.len());

    // The same executions, with the worker killed again and again.
    let seed = std::env::var("ASL_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let mut rng = Rng(seed);
    let crashed = Dir::new("crashed");
    let engine_crash = engine(&crashed.store());
    let arns_crash = start_all(&engine_crash);
    assert_eq!(arns_crash, arns);
    let mut kills = 0;
    let started = Instant::now();
    while outcomes(&engine_crash, &arns).is_none() && kills < 60 {
        let worker = spawn_worker(&crashed);
        // Sometimes right after start (mid-claim, mid-replay), sometimes well into the run.
        std::thread::sleep(Duration::from_millis(30 + rng.below(1200)));
        kill(worker);
        kills += 1;
    }
    let worker = spawn_worker(&crashed);
    let got = wait_for(&engine_crash, &arns, Duration::from_secs(120));
    kill(worker);

    let effects = lines(&crashed.ledger());
    let calls = lines(&crashed.ledger().with_extension("calls")).len();
    report(&format!(
        "durable kill test: {kills} SIGKILLs (seed {seed}) over {:.1} s; {} side effects, {} handler calls ({} re-invoked after a kill)",
        started.elapsed().as_secs_f64(),
        effects.len(),
        calls,
        calls.saturating_sub(effects.len()),
    ));
    assert_same_run(&engine_crash, &arns, (&got, &expected), (&effects, &expected_effects), &format!("seed {seed}"));
}

/// A run that was interrupted ended as the uninterrupted one did: the same outputs, each side
/// effect once and the same ones, and every history whole (no gap, no repeated id, ending in
/// ExecutionSucceeded). `what`: which run, for the messages.
fn assert_same_run(
    engine: &Engine,
    arns: &[String],
    (got, expected): (&Outcomes, &Outcomes),
    (effects, expected_effects): (&[String], &BTreeSet<String>),
    what: &str,
) {
    assert_eq!(got, expected, "outputs differ from the uninterrupted run ({what})");
    let unique: BTreeSet<String> = effects.iter().cloned().collect();
    assert_eq!(unique.len(), effects.len(), "a side effect happened twice ({what})");
    assert_eq!(&unique, expected_effects, "side effects differ from the uninterrupted run ({what})");
    for arn in arns {
        let events = engine.get_execution_history(arn, false, 1000, None).unwrap()["events"].as_array().unwrap().clone();
        let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "history ids of {arn} ({what})");
        assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded", "{arn} ({what})");
    }
}

#[test]
fn a_token_answered_from_another_process_resumes_the_execution_even_across_a_crash() {
    let dir = Dir::new("callback");
    let engine = engine(&dir.store());
    engine.create_state_machine("approval", APPROVAL, MachineType::Standard, None).unwrap();
    let arn = engine.start_execution("approval", Some("a1"), Some(r#"{"order": 7}"#)).unwrap()["executionArn"].as_str().unwrap().to_string();
    let worker = spawn_worker(&dir);
    let until = Instant::now() + Duration::from_secs(30);
    let token = loop {
        if let Some(line) = lines(&dir.ledger()).into_iter().find(|l| l.starts_with("token ")) {
            break line["token ".len()..].to_string();
        }
        assert!(Instant::now() < until, "no token was handed out");
        std::thread::sleep(Duration::from_millis(20));
    };
    // The waiting worker dies; the answer comes while no worker runs; a new worker carries on.
    kill(worker);
    engine.send_task_success(&token, r#"{"by": "another process"}"#).unwrap();
    let worker = spawn_worker(&dir);
    let ended = wait_for(&engine, std::slice::from_ref(&arn), Duration::from_secs(30));
    kill(worker);
    let (status, output) = &ended[&arn];
    assert_eq!(status, "SUCCEEDED");
    let output: serde_json::Value = serde_json::from_str(output.as_deref().unwrap()).unwrap();
    assert_eq!(output["approval"], serde_json::json!({ "by": "another process" }));
    let tokens = lines(&dir.ledger()).into_iter().filter(|l| l.starts_with("token ")).count();
    assert_eq!(tokens, 1, "the token was handed out once, not again after the restart");
}

// ---- PostgreSQL: three workers, killed in turn, and a database restart

/// The database the PostgreSQL tests use.
fn postgres_url() -> String {
    std::env::var("ASL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A store in a PostgreSQL schema of its own, removed afterwards.
struct Schema(Location);

impl Schema {
    fn new(tag: &str) -> Schema {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let url = postgres_url();
        let joiner = if url.contains('?') { '&' } else { '?' };
        Schema(Location::Postgres(format!("{url}{joiner}schema=asl_{tag}_{}_{}", std::process::id(), nanos % 1_000_000_000)))
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Location::Postgres(url) = &self.0 {
            if let Ok(store) = PostgresStore::open(url) {
                let _ = store.drop_schema();
            }
        }
    }
}

/// Restarts the PostgreSQL server: `ASL_TEST_POSTGRES_RESTART` (a shell command), else the
/// Debian cluster on port 5432 through `pg_ctlcluster`. Returns what was run.
fn restart_postgres() -> String {
    let command = std::env::var("ASL_TEST_POSTGRES_RESTART").ok().unwrap_or_else(|| {
        let clusters = Command::new("pg_lsclusters")
            .arg("--no-header")
            .output()
            .expect("restarting PostgreSQL needs pg_lsclusters (Debian's postgresql-common) or ASL_TEST_POSTGRES_RESTART");
        let text = String::from_utf8_lossy(&clusters.stdout).to_string();
        let cluster = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|f| f.get(2) == Some(&"5432"))
            .unwrap_or_else(|| panic!("no cluster on port 5432 in pg_lsclusters: {text}"))
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>();
        format!("pg_ctlcluster {} {} restart", cluster[0], cluster[1])
    });
    let status = Command::new("sh").arg("-c").arg(&command).status().expect("sh runs");
    assert!(status.success(), "'{command}' failed: {status}");
    command
}

/// Waits for the executions' ends; the engine's own calls may fail while the database
/// restarts.
fn wait_through_outages(engine: &Engine, arns: &[String], limit: Duration) -> Outcomes {
    let until = Instant::now() + limit;
    loop {
        let mut out = BTreeMap::new();
        let mut done = true;
        for arn in arns {
            match engine.describe_execution(arn) {
                Ok(d) if d["status"] != "RUNNING" => {
                    out.insert(arn.clone(), (d["status"].as_str().unwrap().to_string(), d["output"].as_str().map(str::to_string)));
                }
                _ => done = false,
            }
        }
        if done {
            return out;
        }
        assert!(Instant::now() < until, "executions still running after {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn three_workers_on_postgres_killed_in_turn_and_a_database_restart_lose_and_redo_nothing() {
    const NAMES: [&str; 6] = ["e1", "e2", "e3", "e4", "e5", "e6"];
    let wanted: usize = std::env::var("ASL_PG_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let files = Dir::new("pg-kills");

    // The reference: one worker, never interrupted.
    let reference = Schema::new("reference");
    let engine_ref = engine_on(&reference.0);
    let arns = start_named(&engine_ref, &NAMES);
    let ledger_ref = files.0.join("reference");
    let worker = spawn_worker_on(&reference.0, &ledger_ref);
    let expected = wait_for(&engine_ref, &arns, Duration::from_secs(120));
    kill(worker);
    assert!(expected.values().all(|(s, _)| s == "SUCCEEDED"), "{expected:?}");
    let expected_effects: BTreeSet<String> = lines(&ledger_ref).into_iter().collect();

    let seed = std::env::var("ASL_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut kills, mut rounds, mut restart, mut reinvoked) = (0, 0, None, 0);
    // Rounds of the same executions, each in a fresh schema, until enough kills were made.
    while kills < wanted {
        rounds += 1;
        let schema = Schema::new(&format!("round{rounds}"));
        let engine = engine_on(&schema.0);
        assert_eq!(start_named(&engine, &NAMES), arns);
        let ledger = files.0.join(format!("round{rounds}"));
        let mut workers: Vec<Child> = (0..3).map(|_| spawn_worker_on(&schema.0, &ledger)).collect();
        loop {
            if restart.is_none() && kills >= 5 {
                // The database goes away under the three workers, and comes back.
                restart = Some(restart_postgres());
                break;
            }
            if restart.is_some() && outcomes(&engine, &arns).is_some() {
                break;
            }
            // Sometimes right after a start (mid-claim, mid-replay), sometimes well into a run.
            std::thread::sleep(Duration::from_millis(20 + rng.below(300)));
            let i = rng.below(3) as usize;
            kill(std::mem::replace(&mut workers[i], spawn_worker_on(&schema.0, &ledger)));
            kills += 1;
        }
        let got = wait_through_outages(&engine, &arns, Duration::from_secs(180));
        for worker in workers {
            kill(worker);
        }
        let effects = lines(&ledger);
        reinvoked += lines(&ledger.with_extension("calls")).len().saturating_sub(effects.len());
        assert_same_run(&engine, &arns, (&got, &expected), (&effects, &expected_effects), &format!("round {rounds}, seed {seed}"));
    }
    report(&format!(
        "postgres kill test: {kills} SIGKILLs of 3 workers over {rounds} rounds of {} executions (seed {seed}) in {:.1} s, \
         the database restarted once ({}); {reinvoked} handler calls re-invoked after a kill",
        NAMES.len(),
        started.elapsed().as_secs_f64(),
        restart.unwrap_or_default(),
    ));
}

// ---- parked executions: many waiting, one worker, bounded memory

const PARKED: &str = include_str!("../workflows/parked.json");

/// A process's resident memory now and at its peak, in KiB (`/proc/<pid>/status`).
fn memory_of(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Executions waiting for a task token are parked in the store: one worker process hands out
/// every token while its memory stays bounded, this process (another one) answers them all,
/// and every execution finishes with its answer. `ASL_PARKED` executions (10,000 by default;
/// the README's command runs 100,000).
#[test]
fn many_executions_parked_on_task_tokens_hold_no_worker_memory_and_all_finish_when_answered() {
    let n: usize = std::env::var("ASL_PARKED").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let dir = Dir::new("parked");
    parked_run(&Location::File(dir.store()), &dir.ledger(), n, "SQLite");
}

/// The same on PostgreSQL, smaller: parking, waking by the answer and claiming the woken
/// through the shared store.
#[test]
fn executions_parked_on_postgres_wake_when_answered() {
    let dir = Dir::new("parked-pg");
    let schema = Schema::new("parked");
    parked_run(&schema.0, &dir.ledger(), 2_000, "PostgreSQL");
}

/// Starts `n` executions of `parked` on `store`, has one worker process park them all, answers
/// them from here, and checks that all finish; reports the worker's memory.
fn parked_run(store_at: &Location, ledger: &Path, n: usize, label: &str) {
    let engine = engine_on(store_at);
    engine.create_state_machine("parked", PARKED, MachineType::Standard, None).unwrap();
    let started = Instant::now();
    for i in 0..n {
        engine.start_execution("parked", Some(&format!("p{i}")), Some(&format!(r#"{{"n": {i}}}"#))).unwrap();
    }
    let starting = started.elapsed();

    // One worker hands out every token; each execution parks once its token is out.
    let worker = spawn_worker_on(store_at, ledger);
    let pid = worker.id();
    let until = Instant::now() + Duration::from_secs(1800);
    let mut peak_early = None;
    let tokens: Vec<String> = loop {
        let tokens: Vec<String> = lines(ledger).into_iter().filter_map(|l| l.strip_prefix("token ").map(str::to_string)).collect();
        if peak_early.is_none() && tokens.len() >= n / 10 {
            peak_early = Some(memory_of(pid).1);
        }
        if tokens.len() >= n {
            break tokens;
        }
        assert!(Instant::now() < until, "{} of {n} tokens handed out", tokens.len());
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(tokens.iter().collect::<BTreeSet<_>>().len(), n, "one token per execution");
    // Parked: nobody holds them, and each says until when it sleeps. (A token goes out just
    // before its execution parks: wait for the last ones.)
    let store = store_at.open(false).unwrap();
    let count_parked = || {
        let mut page = asl_engine::store::Page { max_results: 1000, next_token: None };
        let mut parked = 0;
        loop {
            let listed = store.list_executions(Some("parked"), Some(asl_engine::Status::Running), &page).unwrap();
            parked += listed.items.iter().filter(|e| e.owner.is_none() && e.wake_at.is_some()).count();
            match listed.next_token {
                Some(t) => page.next_token = Some(t),
                None => return parked,
            }
        }
    };
    let until = Instant::now() + Duration::from_secs(300);
    let mut parked = count_parked();
    while parked < n && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
        parked = count_parked();
    }
    let parking = started.elapsed() - starting;
    // Let the worker settle, then read its memory with every execution parked.
    std::thread::sleep(Duration::from_millis(500));
    let (rss, peak) = memory_of(pid);

    // Another process answers them all.
    let answering = Instant::now();
    for token in &tokens {
        engine.send_task_success(token, r#"{"by": "the test"}"#).unwrap();
    }
    let answered = answering.elapsed();
    let until = Instant::now() + Duration::from_secs(1800);
    loop {
        let done = engine.list_executions("parked", Some("SUCCEEDED"), 1000, None).unwrap();
        let mut count = done["executions"].as_array().unwrap().len();
        let mut next = done["nextToken"].as_str().map(str::to_string);
        while let Some(t) = next {
            let more = engine.list_executions("parked", Some("SUCCEEDED"), 1000, Some(t)).unwrap();
            count += more["executions"].as_array().unwrap().len();
            next = more["nextToken"].as_str().map(str::to_string);
        }
        if count == n {
            break;
        }
        assert!(Instant::now() < until, "{count} of {n} executions finished");
        std::thread::sleep(Duration::from_millis(500));
    }
    let finishing = answering.elapsed() - answered;
    let (_, peak_after) = memory_of(pid);
    kill(worker);
    let last = engine.describe_execution(&format!("arn:aws:states:local:000000000000:execution:parked:p{}", n - 1)).unwrap();
    assert_eq!(last["output"].as_str().map(|o| serde_json::from_str::<serde_json::Value>(o).unwrap()), Some(serde_json::json!({"n": n - 1, "by": "the test"})));
    report(&format!(
        "parked executions ({label}): {n} started in {:.1} s; their tokens handed out and all parked ({parked} seen parked) in {:.1} s by one worker; \
         its memory with all parked {} MiB (peak {} MiB, peak at a tenth {} MiB); answered from this process in {:.1} s, all finished {:.1} s later \
         (worker peak {} MiB)",
        starting.as_secs_f64(),
        parking.as_secs_f64(),
        rss / 1024,
        peak / 1024,
        peak_early.unwrap_or(0) / 1024,
        answered.as_secs_f64(),
        finishing.as_secs_f64(),
        peak_after / 1024,
    ));
    assert_eq!(parked, n, "every waiting execution is parked");
    // Bounded: what a thousand executions in flight take, not what ten or a hundred thousand
    // waiting would.
    assert!(peak < 200 * 1024, "the worker's peak memory {peak} KiB is not small");
}
