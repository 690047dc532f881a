//! Durability across real processes: worker processes (`src/bin/durable_worker.rs`) are
//! killed with SIGKILL at random points of a 50-state workflow (Tasks with Retry, Waits, a
//! Choice, an inline Map with Waits inside, a Parallel) and restarted; every execution must end
//! with the output of an uninterrupted run, with each Task's side effect done exactly once. A
//! task token is answered from this process while another process waits on it.

use asl_engine::{Engine, MachineType, SqliteStore};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
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
    Command::new(WORKER)
        .args([dir.store().as_os_str(), dir.ledger().as_os_str(), LEASE_MS.to_string().as_ref()])
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
    Engine::new(Arc::new(SqliteStore::open(store).unwrap()))
}

fn start_all(engine: &Engine) -> Vec<String> {
    engine.create_state_machine("fifty", FIFTY, MachineType::Standard, None).unwrap();
    let input = r#"{"tally": {"n": 0}, "items": [1, 2, 3, 4, 5]}"#;
    EXECUTIONS.iter().map(|n| engine.start_execution("fifty", Some(n), Some(input)).unwrap()["executionArn"].as_str().unwrap().to_string()).collect()
}

/// Each execution's status and output, once none is RUNNING.
fn outcomes(engine: &Engine, arns: &[String]) -> Option<BTreeMap<String, (String, Option<String>)>> {
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

fn wait_for(engine: &Engine, arns: &[String], limit: Duration) -> BTreeMap<String, (String, Option<String>)> {
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
    assert_eq!(got, expected, "outputs differ from the uninterrupted run (seed {seed})");
    let unique: BTreeSet<String> = effects.iter().cloned().collect();
    assert_eq!(unique.len(), effects.len(), "a side effect happened twice (seed {seed})");
    assert_eq!(unique, expected_effects, "side effects differ from the uninterrupted run (seed {seed})");
    // The history of each execution has no gap and no repeated id.
    for arn in &arns {
        let events = engine_crash.get_execution_history(arn, false, 1000, None).unwrap()["events"].as_array().unwrap().clone();
        let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "history ids of {arn} (seed {seed})");
        assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
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
