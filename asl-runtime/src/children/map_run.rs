//! A distributed Map's Map Run: its identity (the ARN in MapRunStarted, the ResultWriter's
//! manifest and DescribeMapRun) and what it has done, reported to the journal as it goes.

use crate::clock::Clock;
use crate::durable::{MapRunReport, MapRunSettings, MapRunStatus};
use crate::env::Env;
use crate::execution::Execution;
use crate::flow::Interrupted;
use crate::items::MapRun;
use chrono::{DateTime, Utc};

/// How often at most a running Map Run reports its counts (milliseconds of the execution's
/// clock): each report is a write to the store, and a Map Run may have 10,000 iterations
/// ending within seconds.
const REPORT_EVERY_MS: i64 = 250;

/// The Map Run a distributed Map state is about to start (`None` for an inline Map), labelled
/// `label` (its `Label`, else its name). Its id is a UUID drawn from the execution, the place
/// and the id its MapRunStarted event will have, so a replay after a restart names the same
/// Map Run, and a later visit of the state (a loop, a redrive) a new one.
pub fn map_run<S: Copy>(exec: &Execution<S>, mode: super::MapMode, label: &str) -> Option<MapRun> {
    use sha2::{Digest, Sha256};
    let super::MapMode::Distributed(_) = mode else { return None };
    let info = exec.info();
    let seed = format!("{}\n{}\n{}", info.id(), info.child_path(), exec.last_event_id() + 1);
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string();
    Some(MapRun::new(&info.state_machine_id(), label, &id))
}

/// The Map Run a ResultWriter writes for (only distributed Maps have one).
pub fn writer_map_run(run: &Option<MapRun>) -> Result<MapRun, crate::flow::Fault> {
    run.clone().ok_or_else(|| crate::flow::Fault::runtime("a ResultWriter outside a distributed Map state"))
}

/// A Map Run under way.
#[derive(Debug)]
pub struct MapRunProgress {
    identity: MapRun,
    report: MapRunReport,
    /// The state's thresholds as given (neither: no failure tolerated), then as updated.
    tolerance: super::Tolerance,
    last_report: Option<DateTime<Utc>>,
}

impl MapRunProgress {
    /// The Map Run `identity`, starting at `now` with these settings.
    pub fn new(identity: MapRun, now: DateTime<Utc>, max_concurrency: u64, tolerance: super::Tolerance) -> Self {
        let report = MapRunReport {
            arn: identity.arn.clone(),
            status: MapRunStatus::Running,
            start_date: now,
            stop_date: None,
            max_concurrency,
            tolerated_failure_count: tolerance.count.unwrap_or(0),
            tolerated_failure_percentage: tolerance.percentage.unwrap_or(0.0),
            total: 0,
            running: 0,
            succeeded: 0,
            failed: 0,
            results_written: 0,
        };
        MapRunProgress { identity, report, tolerance, last_report: None }
    }

    pub fn identity(&self) -> &MapRun {
        &self.identity
    }

    /// How many iterations may run at once now: the run's MaxConcurrency (0: `cap`, the most
    /// a distributed Map runs), as UpdateMapRun may have changed it.
    pub fn concurrency_limit(&self, cap: usize) -> usize {
        match usize::try_from(self.report.max_concurrency).unwrap_or(usize::MAX) {
            0 => cap,
            n => n.min(cap),
        }
    }


    /// An iteration ended (`succeeded` or not), `started` having been started so far.
    pub fn observe(&mut self, started: u64, succeeded: bool) {
        match succeeded {
            true => self.report.succeeded += 1,
            false => self.report.failed += 1,
        }
        self.report.total = started;
        self.report.running = started.saturating_sub(self.report.succeeded + self.report.failed);
    }

    /// A ResultWriter took an iteration's result.
    pub fn written(&mut self) {
        self.report.results_written += 1;
    }

    /// The thresholds to judge the failures by: when `exceeded` says they fail the run, those
    /// in force now (an UpdateMapRun may have raised them), from a fresh report.
    pub fn tolerance_for<H, C: Clock>(&mut self, env: &Env<H, C>, exceeded: impl Fn(&super::Tolerance) -> bool) -> Result<super::Tolerance, Interrupted> {
        if exceeded(&self.tolerance) {
            self.send(env)?;
        }
        Ok(self.tolerance)
    }

    /// Tells the journal, unless it was told less than [`REPORT_EVERY_MS`] ago.
    pub fn report<H, C: Clock>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        let now = env.clock.now();
        if self.last_report.is_some_and(|at| (now - at).num_milliseconds() < REPORT_EVERY_MS) {
            return Ok(());
        }
        self.send(env)
    }

    /// The run ended (`succeeded` or not) at `now`: tells the journal.
    pub fn finish<H, C: Clock>(&mut self, env: &Env<H, C>, succeeded: bool, now: DateTime<Utc>) -> Result<(), Interrupted> {
        self.report.status = if succeeded { MapRunStatus::Succeeded } else { MapRunStatus::Failed };
        self.report.stop_date = Some(now);
        // Iterations cut short by a failure keep their count: DescribeMapRun shows them aborted.
        self.send(env)
    }

    /// Tells the journal, and takes the settings it answers (an UpdateMapRun's).
    fn send<H, C: Clock>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        self.last_report = Some(env.clock.now());
        let Some(journal) = env.journal() else { return Ok(()) };
        if let Some(settings) = journal.map_run(&self.report)? {
            self.apply(settings);
        }
        Ok(())
    }

    fn apply(&mut self, settings: MapRunSettings) {
        if settings == self.report.settings() {
            return;
        }
        self.report.set_settings(settings);
        // A threshold is in force when the state set it or the update gives it a value: 0
        // stands for "not set" in the API, as DescribeMapRun shows an absent one.
        let count = (settings.tolerated_failure_count > 0 || self.tolerance.count.is_some()).then_some(settings.tolerated_failure_count);
        let percentage = (settings.tolerated_failure_percentage > 0.0 || self.tolerance.percentage.is_some()).then_some(settings.tolerated_failure_percentage);
        self.tolerance = super::Tolerance { count, percentage };
    }
}
