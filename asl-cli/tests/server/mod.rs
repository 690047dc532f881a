//! A real `asl serve` process for the tests that drive it with real clients (the `aws` CLI,
//! boto3): started on a port the system picks (`--port 0`, read back from the line it prints),
//! with a store in a temporary folder, stopped with SIGTERM when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

pub const ASL: &str = env!("CARGO_BIN_EXE_asl");

pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

/// What would point a server's integrations at some AWS account or endpoint.
const AWS_VARIABLES: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"];

impl Server {
    /// The API only (`--no-workers`): executions stay RUNNING.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// The API only, with `args` added to `asl serve` (`--credentials KEY:SECRET`, say).
    pub fn start_with(args: &[&str]) -> Server {
        Server::start_with_env(args, &[])
    }

    /// [`Server::start_with`], with `env` set for the server (`ASL_SERVE_CREDENTIALS`, say).
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let args: Vec<&str> = ["--no-workers"].iter().chain(args).copied().collect();
        Server::spawn(&args, env, |_| {})
    }

    /// The API and its workers, which build the registered definitions into the cargo target
    /// directory that asl-serve's own worker test uses (kept between runs, so the cold build of
    /// the worker's dependencies is paid once per checkout). `files` are written into the
    /// server's folder before it starts (a mock config, say); `args` are added to `asl serve`.
    pub fn with_workers(files: &[(&str, &str)], args: &[&str]) -> Server {
        Server::with_workers_env(files, args, &[])
    }

    /// [`Server::with_workers`], with `env` set for the server and its workers (an
    /// `AWS_ENDPOINT_URL` and keys for their integrations, say).
    pub fn with_workers_env(files: &[(&str, &str)], args: &[&str], env: &[(&str, &str)]) -> Server {
        let files: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        Server::spawn(args, env, move |dir| {
            for (name, text) in &files {
                write(dir, name, text);
            }
        })
    }

    fn spawn(args: &[&str], env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path());
        let store = dir.path().join("store.db");
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("asl-serve-workers/target");
        let mut command = Command::new(ASL);
        // The workers' AWS integrations find no credentials, region or endpoint but what a
        // test gives them, whatever the machine has (no instance metadata either).
        for variable in AWS_VARIABLES {
            command.env_remove(variable);
        }
        let mut child = command
            .current_dir(dir.path())
            .env("ASL_TARGET_DIR", target)
            // Checked only when a test asks for it, whatever the environment running the tests.
            .env_remove("ASL_SERVE_CREDENTIALS")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("no-credentials"))
            .envs(env.iter().copied())
            .args(["--store", store.to_str().unwrap(), "serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("asl serve starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // The first line says where it listens; the rest is drained so the child never blocks.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = loop {
            let line = rx.recv_timeout(Duration::from_secs(30)).expect("asl serve says where it listens");
            if line.contains("listening on") {
                break line;
            }
        };
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child: Some(child), port, dir }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment every client gets: fake credentials, a region, no user config.
    fn client(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir.path())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", self.dir.path().join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.dir.path().join("no-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env("ENDPOINT", self.endpoint());
        cmd
    }

    /// `aws --endpoint-url <this server> stepfunctions <args>`.
    pub fn aws(&self, args: &[&str]) -> Output {
        let endpoint = self.endpoint();
        self.client("aws").args(["--endpoint-url", &endpoint, "stepfunctions"]).args(args).output().expect("aws runs")
    }

    /// Runs a Python script; `ENDPOINT` holds this server's URL.
    pub fn python(&self, script: &str) -> Output {
        self.client("python3").args(["-c", script]).output().expect("python3 runs")
    }

    /// Starts a Python script without waiting for it (its output is piped).
    pub fn python_spawn(&self, script: &str) -> Child {
        self.client("python3").args(["-c", script]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("python3 runs")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// SIGTERM, then the exit status (within 10 s).
    pub fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        // SAFETY: kill(2) with a pid this test spawned and still owns (not yet waited for).
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > until {
                let _ = child.kill();
                panic!("asl serve did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether `program` runs here; the tests that need it say so and pass when it does not.
pub fn have(program: &str, probe: &[&str]) -> bool {
    let ok = Command::new(program).args(probe).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: `{program}` is not installed here");
    }
    ok
}

/// Whether boto3 can be imported here.
pub fn have_boto3() -> bool {
    have("python3", &["-c", "import boto3"])
}

/// What a boto3 script starts with: a Step Functions client of the server under test (no
/// retries, so an error shows at once; no host prefix, since `sync-127.0.0.1` is no host; reads
/// that may wait for a worker's cold build), and `raises(code, f, ...)`, which expects `f` to
/// fail with AWS's error `code` and answers the error.
pub const BOTO3_CLIENT: &str = r#"
import os, json, datetime, threading, time, urllib.request, urllib.error
import boto3
from botocore.config import Config
sfn = boto3.client('stepfunctions', endpoint_url=os.environ['ENDPOINT'],
                   config=Config(inject_host_prefix=False, retries={'max_attempts': 1}, read_timeout=1800))
def raises(code, f, *args, **kw):
    try:
        f(*args, **kw)
    except sfn.exceptions.ClientError as e:
        assert e.response['Error']['Code'] == code, (code, e.response)
        return e
    raise AssertionError('no ' + code)
"#;

/// Runs `prelude` then `script` with python3 against `server`; the script passes when it
/// prints nothing after its last line but "ok".
pub fn python_ok(server: &Server, prelude: &str, script: &str) {
    let out = server.python(&format!("{prelude}\n{script}\nprint('ok')"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.trim_end().ends_with("ok"), "{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
}

pub fn stdout_json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}
