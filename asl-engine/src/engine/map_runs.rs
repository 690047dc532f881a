//! DescribeMapRun, ListMapRuns and UpdateMapRun: the Map Runs of distributed Maps, as their
//! executions report them to the store while they run (`asl_runtime::children::MapRunProgress`),
//! and the settings an update hands back to them. A run cut short by the end of its execution
//! was ended by the store with it.

use super::{check_max_results, date, paged, ApiError, ApiResult, Engine};
use crate::arn;
use crate::store::{MapRunRecord, MapRunStatus, Page};
use asl_runtime::context::state_machine_arn;
use serde_json::{json, Value};

impl Engine {
    pub fn describe_map_run(&self, map_run_arn: &str) -> ApiResult {
        let run = self.map_run_record(map_run_arn)?;
        let r = &run.report;
        // Iterations still counted as running when the run ended were aborted with it.
        let (running, aborted) = match r.status {
            MapRunStatus::Running => (r.running, 0),
            _ => (0, r.running),
        };
        let counts = json!({
            "pending": 0, "running": running, "succeeded": r.succeeded, "failed": r.failed, "timedOut": 0,
            "aborted": aborted, "total": r.total, "resultsWritten": r.results_written,
            "failuresNotRedrivable": 0, "pendingRedrive": 0,
        });
        let mut answer = json!({
            "mapRunArn": r.arn, "executionArn": run.execution_arn, "status": r.status.as_str(), "startDate": date(r.start_date),
            "maxConcurrency": r.max_concurrency, "toleratedFailurePercentage": r.tolerated_failure_percentage,
            "toleratedFailureCount": r.tolerated_failure_count, "itemCounts": counts, "executionCounts": counts, "redriveCount": 0,
        });
        if let Some(stop) = r.stop_date {
            answer["stopDate"] = date(stop).into();
        }
        Ok(answer)
    }

    /// UpdateMapRun: new MaxConcurrency and tolerated failures for a running Map Run; its
    /// execution takes them as its iterations end (within a quarter of a second of one).
    pub fn update_map_run(&self, map_run_arn: &str, max_concurrency: Option<u64>, count: Option<u64>, percentage: Option<f64>) -> ApiResult {
        if percentage.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
            return Err(ApiError::new(
                "ValidationException",
                "1 validation error detected: Value at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100",
            ));
        }
        if max_concurrency.is_none() && count.is_none() && percentage.is_none() {
            return Err(ApiError::new("ValidationException", "At least one of maxConcurrency, toleratedFailureCount and toleratedFailurePercentage must be given"));
        }
        let run = self.map_run_record(map_run_arn)?;
        if run.report.status != MapRunStatus::Running {
            return Err(ApiError::new("ValidationException", format!("The Map Run '{}' has ended: its settings no longer change", run.report.arn)));
        }
        let mut settings = run.report.settings();
        if let Some(n) = max_concurrency {
            settings.max_concurrency = n;
        }
        if let Some(n) = count {
            settings.tolerated_failure_count = n;
        }
        if let Some(p) = percentage {
            settings.tolerated_failure_percentage = p;
        }
        self.store.update_map_run(&run.report.arn, &settings)?;
        Ok(json!({}))
    }

    /// ListMapRuns: an execution's Map Runs, oldest first.
    pub fn list_map_runs(&self, execution_arn: &str, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let e = self.execution(execution_arn)?;
        let page = self.store.list_map_runs(&e.arn, &Page { max_results, next_token })?;
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|run| {
                let r = &run.report;
                let mut item = json!({
                    "executionArn": run.execution_arn, "mapRunArn": r.arn,
                    "stateMachineArn": run_machine_arn(&r.arn), "startDate": date(r.start_date),
                });
                if let Some(stop) = r.stop_date {
                    item["stopDate"] = date(stop).into();
                }
                item
            })
            .collect();
        Ok(paged("mapRuns", items, page.next_token))
    }

    /// The Map Run an ARN names, in any region and account (as executions are found).
    fn map_run_record(&self, map_run_arn: &str) -> ApiResult<MapRunRecord> {
        arn::check(map_run_arn, arn::Kind::MapRun)?;
        let local = match map_run_arn.split_once(":mapRun:") {
            Some((_, rest)) => local_map_run_arn(rest),
            None => map_run_arn.to_string(),
        };
        self.store.map_run(&local)?.ok_or_else(|| ApiError::new("ResourceNotFound", format!("Resource not found: '{map_run_arn}'")))
    }
}

/// `arn:…:mapRun:<rest>` with the local partition, region and account.
fn local_map_run_arn(rest: &str) -> String {
    let machine = state_machine_arn("");
    let head = machine.strip_suffix(":stateMachine:").unwrap_or(&machine);
    format!("{head}:mapRun:{rest}")
}

/// The state machine a Map Run's children run: `…:stateMachine:<machine>/<label>`.
fn run_machine_arn(map_run_arn: &str) -> String {
    let machine = map_run_arn.rsplit_once(':').map_or(map_run_arn, |(head, _)| head);
    machine.replacen(":mapRun:", ":stateMachine:", 1)
}
