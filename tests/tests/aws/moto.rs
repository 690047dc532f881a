//! A moto server (PyPI `moto[server]`, an AWS-compatible server of the services' own
//! protocols) for the tests of one test binary: started once on a port the system picks, with
//! Lambda's Docker-free backend (an invocation answers with its payload), and gone when the
//! binary ends (its Python parent stops it when our end of its standard input closes). boto3
//! sets up and inspects what the workflows touch, as a user's own scripts would.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

const SERVER: &str = r#"
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server._server.server_port, flush=True)
sys.stdin.read()
server.stop()
"#;

pub struct Moto {
    pub url: String,
    _process: Mutex<(Child, ChildStdin)>,
}

static MOTO: OnceLock<Option<Moto>> = OnceLock::new();

/// The shared server, or `None` (with a note) where moto is not installed; `.ci/run` installs
/// it and fails without it.
pub fn moto() -> Option<&'static Moto> {
    MOTO.get_or_init(|| match start() {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("note: skipping the tests against moto: {e} (pip install 'moto[server]')");
            None
        }
    })
    .as_ref()
}

fn start() -> Result<Moto, String> {
    let mut child = Command::new("python3")
        .args(["-c", SERVER])
        // Multipart uploads of small parts (S3's minimum is 5 MiB), so tests need not write 5 MiB.
        .env("S3_UPLOAD_PART_MIN_SIZE", "256")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("python3: {e}"))?;
    let stdin = child.stdin.take().expect("piped");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).map_err(|e| e.to_string())?;
    let port: u16 = line.trim().parse().map_err(|_| "moto did not start (is moto[server] installed?)".to_string())?;
    let moto = Moto { url: format!("http://127.0.0.1:{port}"), _process: Mutex::new((child, stdin)) };
    moto.boto3(r#"
import urllib.request
urllib.request.urlopen(urllib.request.Request(URL + "/moto-api/config", data=b'{"lambda": {"use_docker": false}}', method="POST"))
print("{}")
"#)?;
    Ok(moto)
}

/// The environment a client of the server needs: fixed keys, a region, the endpoint.
pub const ENV: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_REGION", "us-east-1")];

impl Moto {
    /// Runs a Python script with boto3 against the server (`URL` and `client(name)` defined,
    /// `AWS_ENDPOINT_URL` set); its last line of output, as JSON.
    pub fn boto3(&self, script: &str) -> Result<Value, String> {
        let prelude = format!(
            "import boto3, json\nURL = {url:?}\ndef client(name):\n    return boto3.client(name, endpoint_url=URL, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n",
            url = self.url
        );
        let mut child = Command::new("python3")
            .args(["-c", &format!("{prelude}{script}")])
            .envs(ENV.iter().copied())
            .env("AWS_ENDPOINT_URL", &self.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        drop(child.stdin.take().map(|mut s| s.flush()));
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!("boto3 script failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let last = text.lines().last().unwrap_or("null");
        serde_json::from_str(last).map_err(|e| format!("{e}: {text}"))
    }
}
