//! Watches the store's registered definitions and keeps a worker process running that serves
//! them all: a new or updated definition is compiled in process first (one that does not
//! compile is set aside with its diagnostics), then the worker crate is regenerated and built,
//! and the new worker replaces the old one (which releases its claims as it goes, so the new
//! one carries its executions on from their checkpoints). Executions of a state machine that
//! no worker will run, because its definition does not compile or the build failed, end
//! FAILED with `States.Runtime` and the reason, rather than waiting forever.

use super::cargo;
use super::generate::{module_name, WorkerCrate};
use super::source::Source;
use asl_engine::store::{Page, StateMachineRecord};
use asl_engine::{Location, Store};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

/// Where the supervisor builds and what its workers open.
#[derive(Debug, Clone)]
pub struct SupervisorConfig {
    /// The store the workers open (the server's).
    pub store: Location,
    /// Holds `crate/`, the generated worker crate of this store.
    pub build_dir: PathBuf,
    /// Cargo's target directory: shared by every build, and by the workers of every store, so
    /// that the dependencies are compiled once per machine and each build is incremental.
    pub target_dir: PathBuf,
    pub source: Source,
    /// How often the store is looked at for new definitions and unrunnable executions.
    pub poll: Duration,
    /// Step Functions Local's mock config file, handed to the workers (`--mock-config`).
    pub mock_config: Option<PathBuf>,
    /// Workers run on a virtual clock (`--virtual-time`): waits take no real time.
    pub virtual_time: bool,
    /// Workers send Tasks no mock answers to AWS (else `--no-integrations`).
    pub integrations: bool,
}

impl SupervisorConfig {
    /// The worker crate in the store's folder ([`Location::workers_dir`], then `crate/`),
    /// cargo's target directory in the user's cache ([`shared_target_dir`]).
    pub fn next_to(store: Location, source: Source) -> Self {
        // Absolute: cargo and the worker run in other directories.
        let store = store.absolute();
        let build_dir = store.workers_dir();
        let build_dir = std::path::absolute(&build_dir).unwrap_or(build_dir);
        let target_dir = shared_target_dir().unwrap_or_else(|| build_dir.join("target"));
        SupervisorConfig { store, build_dir, target_dir, source, poll: Duration::from_millis(250), mock_config: None, virtual_time: false, integrations: true }
    }
}

/// `$ASL_TARGET_DIR`, else `$XDG_CACHE_HOME/asl/target`, else `~/.cache/asl/target`.
pub fn shared_target_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = var("ASL_TARGET_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|c| c.join("asl/target")))
        .or_else(|| var("HOME").map(|h| h.join(".cache/asl/target")))?;
    Some(std::path::absolute(&dir).unwrap_or(dir))
}

/// The claim name under which the supervisor fails executions.
const SUPERVISOR: &str = "asl-serve";

pub struct Supervisor {
    store: Arc<dyn Store>,
    config: SupervisorConfig,
    krate: WorkerCrate,
    /// Definitions that do not compile, by hash, with the reason.
    broken: HashMap<String, String>,
    /// Definitions that compile (checked once each).
    compiles: std::collections::HashSet<String>,
    /// Definitions already copied into the crate (written once each, not every round).
    kept: std::collections::HashSet<String>,
    worker: Option<Running>,
    /// The last set of definitions whose build failed, and why; retried when the set changes.
    failed_build: Option<(Vec<String>, String)>,
}

/// A worker process and the definitions it was built with.
struct Running {
    child: tokio::process::Child,
    hashes: Vec<String>,
}

impl Supervisor {
    pub fn new(store: Arc<dyn Store>, config: SupervisorConfig) -> Self {
        let krate = WorkerCrate::new(config.build_dir.join("crate"));
        Supervisor { store, config, krate, broken: HashMap::new(), compiles: Default::default(), kept: Default::default(), worker: None, failed_build: None }
    }

    /// Supervises until `shutdown` completes, then stops the worker (which releases its claims).
    pub async fn run(mut self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.round().await {
                eprintln!("asl serve: {e}");
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(self.config.poll) => {}
            }
        }
        if let Some(old) = self.worker.take() {
            stop(old).await;
        }
    }

    /// One look at the store: rebuild if the definitions changed, fail what cannot run.
    async fn round(&mut self) -> Result<(), String> {
        let wanted = self.wanted()?;
        let mut buildable = BTreeMap::new();
        for (hash, (name, text)) in &wanted {
            if let Some(text) = text {
                if self.compiles(hash, name, text) {
                    buildable.insert(hash.clone(), text.clone());
                }
            }
        }
        let hashes: Vec<String> = buildable.keys().cloned().collect();
        let served = self.worker.as_ref().map(|w| &w.hashes);
        let failed_before = self.failed_build.as_ref().is_some_and(|(set, _)| *set == hashes);
        if !hashes.is_empty() && served != Some(&hashes) && !failed_before {
            self.rebuild(&buildable, hashes).await;
        }
        self.fail_unrunnable(&wanted)
    }

    /// The definitions workers must serve, by hash, with a machine's name for messages and the
    /// text (`None` when no longer known): every machine's current one, every published
    /// version's, and those that running executions started with (an UpdateStateMachine leaves
    /// them on theirs), whose text is the copy kept in the worker crate.
    fn wanted(&mut self) -> Result<BTreeMap<String, (String, Option<String>)>, String> {
        let mut wanted = BTreeMap::new();
        for m in self.machines()? {
            if !self.kept.contains(&m.definition_hash) {
                self.krate.keep(&m.definition_hash, &m.definition).map_err(|e| format!("{}: {e}", self.krate.dir().display()))?;
                self.kept.insert(m.definition_hash.clone());
            }
            wanted.insert(m.definition_hash.clone(), (m.name, Some(m.definition)));
        }
        for (machine, number, hash) in self.store.published_definitions().map_err(|e| e.to_string())? {
            if wanted.contains_key(&hash) {
                continue;
            }
            if !self.kept.contains(&hash) {
                let Some(version) = self.store.version(&machine, number).map_err(|e| e.to_string())? else { continue };
                self.krate.keep(&hash, &version.definition).map_err(|e| format!("{}: {e}", self.krate.dir().display()))?;
                self.kept.insert(hash.clone());
            }
            wanted.insert(hash.clone(), (format!("{machine}:{number}"), self.krate.definition(&hash)));
        }
        for hash in self.store.running_definitions().map_err(|e| e.to_string())? {
            if !wanted.contains_key(&hash) {
                let text = self.krate.definition(&hash);
                wanted.insert(hash.clone(), (format!("(definition {})", &hash[..12.min(hash.len())]), text));
            }
        }
        Ok(wanted)
    }

    fn machines(&self) -> Result<Vec<StateMachineRecord>, String> {
        let mut out = Vec::new();
        let mut page = Page::default();
        loop {
            let got = self.store.list_state_machines(&page).map_err(|e| e.to_string())?;
            out.extend(got.items);
            match got.next_token {
                Some(t) => page.next_token = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// Whether definition `hash` compiles to Rust; the first look compiles it and remembers.
    fn compiles(&mut self, hash: &str, name: &str, text: &str) -> bool {
        if self.compiles.contains(hash) {
            return true;
        }
        if self.broken.contains_key(hash) {
            return false;
        }
        match asl_codegen::compile_source(text, "workflow") {
            Ok(_) => {
                self.compiles.insert(hash.to_string());
                true
            }
            Err(diagnostics) => {
                let rendered = asl_codegen::render(name, text, &diagnostics);
                eprintln!("asl serve: state machine '{name}' does not compile to Rust; its executions will fail:\n{rendered}");
                self.broken.insert(hash.to_string(), format!("The definition of state machine '{name}' does not compile to Rust: {rendered}"));
                false
            }
        }
    }

    async fn rebuild(&mut self, definitions: &BTreeMap<String, String>, hashes: Vec<String>) {
        let started = std::time::Instant::now();
        eprintln!("asl serve: building the worker for {} definition(s) in {}", hashes.len(), self.config.build_dir.display());
        let built = match self.krate.write(&self.config.source, definitions) {
            Err(e) => Err(format!("cannot write the worker crate in {}: {e}", self.krate.dir().display())),
            Ok(()) => cargo::build(&self.krate, &self.config.target_dir).await,
        };
        let binary = match built {
            Ok(binary) => binary,
            Err(reason) => {
                eprintln!("asl serve: {reason}");
                self.failed_build = Some((hashes, reason));
                return;
            }
        };
        eprintln!("asl serve: worker built in {:.1} s", started.elapsed().as_secs_f64());
        match self.start_worker(&binary, hashes.clone()) {
            Ok(new) => {
                self.failed_build = None;
                if let Some(old) = self.worker.replace(new) {
                    stop(old).await;
                }
            }
            Err(reason) => self.failed_build = Some((hashes, reason)),
        }
    }

    fn start_worker(&self, binary: &std::path::Path, hashes: Vec<String>) -> Result<Running, String> {
        let mut command = tokio::process::Command::new(binary);
        command.arg("--store").arg(self.config.store.as_arg());
        if let Some(mocks) = &self.config.mock_config {
            command.arg("--mock-config").arg(mocks);
        }
        if self.config.virtual_time {
            command.arg("--virtual-time");
        }
        if !self.config.integrations {
            command.arg("--no-integrations");
        }
        let child = command
            // The worker ends when this pipe closes: when told to, or when the server dies.
            .stdin(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start the worker {}: {e}", binary.display()))?;
        let modules: Vec<String> = hashes.iter().map(|h| module_name(h)).collect();
        eprintln!("asl serve: worker {} serving {}", child.id().unwrap_or(0), modules.join(", "));
        Ok(Running { child, hashes })
    }

    /// Fails the waiting executions of definitions that no worker will run: they do not
    /// compile, the build that would serve them failed, or their text is no longer known.
    fn fail_unrunnable(&self, wanted: &BTreeMap<String, (String, Option<String>)>) -> Result<(), String> {
        let served = self.worker.as_ref().map(|w| w.hashes.as_slice()).unwrap_or_default();
        let mut causes: HashMap<&str, String> = HashMap::new();
        for (hash, (name, text)) in wanted {
            let reason = match (text, self.broken.get(hash), &self.failed_build) {
                (None, ..) => format!("The definition this execution of state machine '{name}' started with is no longer known to this server"),
                (_, Some(reason), _) => reason.clone(),
                (_, None, Some((set, reason))) if set.contains(hash) && !served.contains(hash) => {
                    format!("The worker that runs state machine '{name}' could not be built: {reason}")
                }
                _ => continue,
            };
            causes.insert(hash, reason);
        }
        if causes.is_empty() {
            return Ok(());
        }
        let hashes: Vec<String> = causes.keys().map(|h| h.to_string()).collect();
        let now = chrono::Utc::now();
        let claimed = self.store.claim(SUPERVISOR, &hashes, now, now + chrono::Duration::seconds(30), 100).map_err(|e| e.to_string())?;
        for record in claimed {
            let cause = &causes[record.definition_hash.as_str()];
            asl_engine::worker::fail_unrunnable(&*self.store, SUPERVISOR, &record.arn, cause).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// Ends a worker: closes its standard input and waits for it to release its claims and exit.
async fn stop(mut old: Running) {
    drop(old.child.stdin.take());
    match tokio::time::timeout(Duration::from_secs(10), old.child.wait()).await {
        Ok(_) => {}
        Err(_) => {
            let _ = old.child.kill().await;
        }
    }
}
