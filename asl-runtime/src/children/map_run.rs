//! A distributed Map's Map Run: its identity (the ARN in MapRunStarted, the ResultWriter's
//! manifest and DescribeMapRun) and what it has done, reported to the journal as it goes.

use crate::durable::{MapRunReport, MapRunStatus};
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
        MapRunProgress { identity, report, last_report: None }
    }

    pub fn identity(&self) -> &MapRun {
        &self.identity
    }

    /// An iteration ended (`succeeded` or not; `written`: a ResultWriter took its result),
    /// `started` having been started so far.
    pub fn observe(&mut self, started: u64, succeeded: bool, written: bool) {
        match succeeded {
            true => self.report.succeeded += 1,
            false => self.report.failed += 1,
        }
        self.report.results_written += u64::from(written);
        self.report.total = started;
        self.report.running = started.saturating_sub(self.report.succeeded + self.report.failed);
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

    fn send<H, C>(&mut self, env: &Env<H, C>) -> Result<(), Interrupted> {
        self.last_report = Some(Instant::now());
        match env.journal() {
            Some(journal) => journal.map_run(&self.report),
            None => Ok(()),
        }
    }
}
