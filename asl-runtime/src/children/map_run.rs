//! A distributed Map's Map Run: its identity (the ARN in MapRunStarted, the ResultWriter's
//! manifest and DescribeMapRun) and what it has done, reported to the journal as it goes.

use crate::durable::{MapRunReport, MapRunSettings, MapRunStatus};
use crate::env::Env;
use crate::flow::Interrupted;
use crate::items::MapRun;
use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// How often at most a running Map Run reports its counts: each report is a write to the
/// store, and a Map Run may have 10,000 iterations ending within seconds.
const REPORT_EVERY: Duration = Duration::from_millis(250);

/// A Map Run under way.
#[derive(Debug)]
pub struct MapRunProgress {
    identity: MapRun,
    report: MapRunReport,
    /// The state's thresholds as given (neither: no failure tolerated), then as updated.
    tolerance: super::Tolerance,
    last_report: Option<Instant>,
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

    /// The failures tolerated now, as UpdateMapRun may have changed them.
    pub fn tolerance(&self) -> super::Tolerance {
        self.tolerance
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

    /// Tells the journal now, and takes the settings it answers: a look at the thresholds
    /// before a failure fails the run.
    pub fn refresh<H, C>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        self.send(env)
    }

    /// Tells the journal, unless it was told less than [`REPORT_EVERY`] ago.
    pub fn report<H, C>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        if self.last_report.is_some_and(|at| at.elapsed() < REPORT_EVERY) {
            return Ok(());
        }
        self.send(env)
    }

    /// The run ended (`succeeded` or not) at `now`: tells the journal.
    pub fn finish<H, C>(&mut self, env: &Env<H, C>, succeeded: bool, now: DateTime<Utc>) -> Result<(), Interrupted> {
        self.report.status = if succeeded { MapRunStatus::Succeeded } else { MapRunStatus::Failed };
        self.report.stop_date = Some(now);
        // Iterations cut short by the failure no longer run.
        self.report.running = 0;
        self.send(env)
    }

    /// Tells the journal, and takes the settings it answers (an UpdateMapRun's).
    fn send<H, C>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        self.last_report = Some(Instant::now());
        let Some(journal) = env.journal() else { return Ok(()) };
        if let Some(settings) = journal.map_run(&self.report)? {
            self.apply(settings);
        }
        Ok(())
    }

    fn apply(&mut self, settings: MapRunSettings) {
        let report = &mut self.report;
        if settings == (MapRunSettings { max_concurrency: report.max_concurrency, tolerated_failure_count: report.tolerated_failure_count, tolerated_failure_percentage: report.tolerated_failure_percentage }) {
            return;
        }
        report.max_concurrency = settings.max_concurrency;
        report.tolerated_failure_count = settings.tolerated_failure_count;
        report.tolerated_failure_percentage = settings.tolerated_failure_percentage;
        // A threshold is in force when the state set it or the update gives it a value: 0
        // stands for "not set" in the API, as DescribeMapRun shows an absent one.
        let count = (settings.tolerated_failure_count > 0 || self.tolerance.count.is_some()).then_some(settings.tolerated_failure_count);
        let percentage = (settings.tolerated_failure_percentage > 0.0 || self.tolerance.percentage.is_some()).then_some(settings.tolerated_failure_percentage);
        self.tolerance = super::Tolerance { count, percentage };
    }
}
