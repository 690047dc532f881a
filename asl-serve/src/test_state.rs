//! TestState under `asl serve`: the state is compiled and run like any definition, never
//! interpreted. The engine plans a state machine that runs the state once
//! (`asl_engine::engine::test_state`); this runs it with `oneshot` in a worker crate of its own
//! (`<store>.workers/test-state`, sharing the target directory, so a state tested before runs
//! at once and a new one costs an incremental build), with the request's mock as a Step
//! Functions Local mock config and a virtual clock (a Wait takes no time), and hands the
//! history back to the plan for the answer. One test runs at a time: they share the crate.

use crate::oneshot::{self, NotRun, OneShot};
use crate::workers::SupervisorConfig;
use asl_engine::engine::test_state::{TestStatePlan, MACHINE, TEST_CASE};
use asl_engine::engine::ApiResult;
use asl_engine::ApiError;
use serde_json::Value;
use std::path::PathBuf;
use tokio::sync::Mutex;

/// Runs TestState's plans through worker builds.
pub struct TestStateRunner {
    config: SupervisorConfig,
    one_at_a_time: Mutex<()>,
}

impl TestStateRunner {
    /// Builds in `workers.build_dir`'s `test-state` directory, into `workers.target_dir`.
    pub fn new(workers: &SupervisorConfig) -> Self {
        let config = SupervisorConfig { build_dir: workers.build_dir.join("test-state"), virtual_time: true, mock_config: None, ..workers.clone() };
        TestStateRunner { config, one_at_a_time: Mutex::new(()) }
    }

    pub async fn run(&self, plan: &TestStatePlan) -> ApiResult<Value> {
        let _turn = self.one_at_a_time.lock().await;
        let internal = |e: String| ApiError::new("InternalError", e);
        std::fs::create_dir_all(&self.config.build_dir).map_err(|e| internal(format!("{}: {e}", self.config.build_dir.display())))?;
        let mut config = self.config.clone();
        if let Some(mocks) = &plan.mock_config {
            let path: PathBuf = self.config.build_dir.join("mock-config.json");
            std::fs::write(&path, mocks).map_err(|e| internal(format!("{}: {e}", path.display())))?;
            config.mock_config = Some(path);
        }
        let run = OneShot {
            definition: PathBuf::from("TestState"),
            input: plan.input.clone(),
            test_case: plan.mock_config.as_ref().map(|_| TEST_CASE.to_string()),
            name: MACHINE.to_string(),
        };
        // The definition's problems are the request's; anything else that stops the run is ours.
        let ran = oneshot::run_definition(&run, "definition", &plan.definition, &config).await.map_err(|e| match e {
            NotRun::Invalid(rendered) => ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition:\n{rendered}")),
            NotRun::Failed(reason) => internal(reason),
        })?;
        Ok(plan.answer(&ran.described, &ran.events))
    }
}
