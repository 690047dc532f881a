//! The `main` of a worker process that `asl serve` generates from registered definitions: it
//! opens the store, serves every compiled definition with [`Bindings`] as their Task handler,
//! and runs until its standard input closes (the server that started it ended or replaced it)
//! or it is told to stop, releasing its claims so that the next worker carries on at once.
//!
//! Usage of the generated binary:
//! `asl-worker --store PATH|URL [--mock-config FILE] [--virtual-time] [--no-integrations]`.

use crate::engine::Engine;
use crate::nested;
use asl_aws::{AwsConfig, AwsHandler, Coverage, HttpConnections, S3Items, S3Results, TransportSettings};
use crate::store::{Location, Store};
use crate::worker::{Retention, Worker};
use asl_runtime::error::names;
use asl_runtime::mock::{MockConfig, MockHandler};
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The global allocator of worker binaries (the generated worker declares it, as any binary
/// that runs many executions should): mimalloc. glibc's malloc, shared by the two threads of a
/// worker, spent about a quarter of its time on an execution's many small allocations.
pub use mimalloc::MiMalloc as Allocator;

/// How a hosted worker answers Task states, the first binding that claims a Task answering it:
/// 1. a mock: an execution started with a mock test case (`<stateMachineArn>#<TestCaseName>`,
///    with the worker given `--mock-config FILE`) answers the states its test case mocks from
///    the file; a mocked callback (`.waitForTaskToken`) is answered through the store with the
///    mock's outcome, as Step Functions Local takes the callback as sent;
/// 2. the engine itself: `states:startExecution` starts a child execution in this store
///    ([`crate::nested`]);
/// 3. AWS (unless integrations are off): the integrations asl-aws serves go to AWS or the
///    endpoints configured (`AWS_ENDPOINT_URL`, ...); one it does not serve fails with
///    `States.Runtime` naming it;
/// 4. nothing: a callback resource is considered sent and its execution waits for
///    SendTaskSuccess/Failure through the API (activities are served by the engine itself);
///    any other Task fails with `States.Runtime`, naming its Resource and how to bind it.
///
/// Clones share everything.
#[derive(Clone)]
pub struct Bindings {
    inner: Arc<Inner>,
}

struct Inner {
    mocks: Option<MockConfig>,
    /// `None` when integrations are off.
    aws: Option<AwsHandler>,
    /// Answers the tokens of mocked callbacks, waking this worker's waits at once.
    engine: Engine,
    /// One handler per (state machine, test case), so its invocation counts are shared by the
    /// runs of an execution in this process.
    handlers: Mutex<HashMap<(String, String), MockHandler>>,
}

impl Bindings {
    pub fn new(engine: Engine, mocks: Option<MockConfig>, aws: Option<AwsHandler>) -> Self {
        Bindings { inner: Arc::new(Inner { mocks, aws, engine, handlers: Mutex::default() }) }
    }

    /// The mock of the execution `call` belongs to (for a distributed Map's iteration, the
    /// execution it runs under), if it was started with a test case.
    fn mock_for(&self, call: &TaskCall) -> Result<Option<MockHandler>, Failure> {
        let Some(mocks) = &self.inner.mocks else { return Ok(None) };
        let store = self.inner.engine.store();
        let record = store.execution(&call.context.top_level_execution_id).map_err(|e| Failure::new(names::RUNTIME, e.to_string()))?;
        let Some(record) = record else { return Ok(None) };
        let Some(case) = record.test_case else { return Ok(None) };
        let key = (record.state_machine_name, case);
        let mut handlers = self.inner.handlers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = handlers.get(&key) {
            return Ok(Some(h.clone()));
        }
        let handler = mocks.handler(&key.0, &key.1).map_err(|e| Failure::new(names::RUNTIME, e.to_string()))?;
        handlers.insert(key, handler.clone());
        Ok(Some(handler))
    }

    /// Answers a mocked callback's token with the mock's outcome; the Task then waits for it
    /// as for any callback, and finds it answered.
    fn answer_callback(&self, token: &str, outcome: Result<Value, Failure>) -> Result<Value, Failure> {
        let engine = &self.inner.engine;
        let sent = match outcome {
            Ok(v) => engine.send_task_success(token, &v.to_string()),
            Err(f) => engine.send_task_failure(token, Some(&f.error), f.cause.as_deref()),
        };
        sent.map(|_| Value::Null).map_err(|e| Failure::new(names::RUNTIME, format!("cannot answer the mocked callback: {e}")))
    }
}

/// A Task that no mock answers.
struct Unbound;

impl TaskHandler for Unbound {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        if is_callback(&call) {
            return Ok(Value::Null);
        }
        Err(Failure::new(names::RUNTIME, unbound(call.state, call.resource)))
    }
}

fn is_callback(call: &TaskCall) -> bool {
    call.resource.ends_with(".waitForTaskToken")
}

impl TaskHandler for Bindings {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let mock = match self.mock_for(&call)? {
            Some(mock) if mock.mocks(call.state) => mock,
            _ if nested::serves(call.resource) => return nested::start_execution(&self.inner.engine, &call).await,
            _ => match &self.inner.aws {
                Some(aws) if asl_aws::coverage(call.resource) != Coverage::NotAws => return aws.call(call).await,
                _ => return Unbound.call(call).await,
            },
        };
        let token = call.context.task_token.clone().filter(|_| is_callback(&call));
        let outcome = mock.call(call).await;
        match token {
            Some(token) => self.answer_callback(&token, outcome),
            None => outcome,
        }
    }
}

/// The cause of a Task that nothing answers.
fn unbound(state: &str, resource: &str) -> String {
    format!(
        "Task state '{state}' has no binding: nothing answers its Resource '{resource}' under asl serve \
         (AWS integrations are off, or it names none). Bind it with a mocked response (asl serve --mock-config FILE, and start the execution with \
         <stateMachineArn>#<TestCaseName>), make it a callback (.waitForTaskToken, answered with \
         SendTaskSuccess) or an activity, or serve the workflow from your own binary with a TaskHandler"
    )
}

/// Runs a hosted worker: `serve` registers the compiled machines on the worker with the
/// bindings. Returns when standard input closes.
pub fn main(serve: impl FnOnce(&mut Worker, &Bindings)) -> ExitCode {
    match run(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("asl-worker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(serve: impl FnOnce(&mut Worker, &Bindings)) -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut store, mut mock_config, mut virtual_time, mut integrations) = (None, None, false, true);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--store" => store = args.next(),
            "--mock-config" => mock_config = args.next(),
            "--virtual-time" => virtual_time = true,
            "--no-integrations" => integrations = false,
            other => return Err(format!("unknown argument '{other}' (usage: asl-worker --store PATH|URL [--mock-config FILE] [--virtual-time] [--no-integrations])")),
        }
    }
    let store = Location::parse(store.ok_or("--store PATH|URL is required")?);
    let store: Arc<dyn Store> = store.open(true).map_err(|e| format!("{store}: {e}"))?;
    let mocks = match mock_config {
        Some(path) => Some(read_mock_config(Path::new(&path))?),
        None => None,
    };
    // Virtual time (`asl test`): tokio's paused clock on one thread, which jumps ahead whenever
    // every execution is waiting, so Wait states and Retry backoffs take no real time.
    let runtime = match virtual_time {
        true => tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build(),
        false => tokio::runtime::Builder::new_multi_thread().enable_all().build(),
    };
    let runtime = runtime.map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let aws = match integrations {
            true => Some(aws_config(virtual_time).await?),
            false => None,
        };
        // Waiting executions are parked in the store, unless the clock is virtual: the store
        // wakes them by the wall clock.
        let mut worker =
            Worker::new(store.clone()).with_poll(Duration::from_millis(100)).with_parking(!virtual_time).with_retention(retention()?);
        // A distributed Map's ItemReader and ResultWriter go to S3 too; without integrations,
        // to local files.
        if let Some((config, _)) = &aws {
            worker = worker.with_items(Arc::new(S3Items::new(config.clone())), Arc::new(S3Results::new(config.clone())));
        }
        let aws = aws.map(|(config, connections)| AwsHandler::new(config).with_connections(connections));
        let engine = Engine::new(store).with_answers(worker.answers());
        serve(&mut worker, &Bindings::new(engine, mocks, aws));
        worker.run(Duration::from_millis(50), stdin_closed()).await;
        Ok(())
    })
}

/// How long ended executions are kept: `ASL_HISTORY_DAYS` (0: forever), else AWS's 90 days.
fn retention() -> Result<Option<Retention>, String> {
    match std::env::var("ASL_HISTORY_DAYS") {
        Err(_) => Ok(Some(Retention::default())),
        Ok(days) => match days.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(days) => Ok(Some(Retention { history: Duration::from_secs(days.saturating_mul(24 * 3600)) })),
            Err(_) => Err(format!("ASL_HISTORY_DAYS={days}: not a number of days (0 keeps history forever)")),
        },
    }
}

/// AWS as the AWS CLI would reach it, and the connections of `http:invoke`. Under a virtual
/// clock the transport keeps no timeouts: the clock jumps ahead whenever every task waits, a
/// socket read included.
async fn aws_config(virtual_time: bool) -> Result<(AwsConfig, HttpConnections), String> {
    let connections = HttpConnections::from_env()?;
    let mut config = AwsConfig::from_env().await;
    if virtual_time {
        config = config.with_transport(TransportSettings::default().without_timeouts());
    }
    Ok((config, connections))
}

/// A mock config file, checked: every problem at its line and column.
pub fn read_mock_config(path: &Path) -> Result<MockConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    MockConfig::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{}:{e}", path.display())).collect();
        lines.join("\n")
    })
}

/// Completes when standard input reaches its end: the parent closed it, or died.
async fn stdin_closed() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    let _ = rx.await;
}
