//! One build of the worker crate with cargo: its progress goes to the server's log as it
//! comes, a failure keeps the end of cargo's output (bounded) as the reason, and the binary is
//! the one cargo's JSON messages name (its path carries the package's hash, so workers of
//! several stores built into one target directory never take each other's binary).

use super::generate::{WorkerCrate, BINARY};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};

/// How much of cargo's output a failed build keeps as its reason.
const KEEP: usize = 16 * 1024;

/// Builds `krate` into `target_dir` (shared by every build, so each one is incremental) and
/// returns the worker binary, or why it did not build.
pub async fn build(krate: &WorkerCrate, target_dir: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = tokio::process::Command::new(&cargo)
        .args(["build", "--bin", BINARY, "--color", "never", "--message-format", "json-render-diagnostics"])
        .current_dir(krate.dir())
        .env("CARGO_TARGET_DIR", target_dir)
        // The server's own build settings must not leak into the worker's.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", cargo.to_string_lossy()))?;
    // Cargo's messages: the last compiler-artifact naming an executable is the worker.
    let stdout = child.stdout.take();
    let executable = tokio::spawn(async move {
        let mut found = None;
        let Some(stdout) = stdout else { return found };
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let message: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(path) = message.get("executable").and_then(|e| e.as_str()) {
                found = Some(PathBuf::from(path));
            }
        }
        found
    });
    let mut tail = String::new();
    if let Some(stderr) = child.stderr.take() {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let progress = line.trim_start();
            if progress.starts_with("Compiling") || progress.starts_with("Finished") {
                eprintln!("asl serve: worker build: {progress}");
            }
            tail.push_str(&line);
            tail.push('\n');
            if tail.len() > 2 * KEEP {
                tail.drain(..tail.len() - KEEP);
            }
        }
    }
    let status = child.wait().await.map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        let start = tail.len().saturating_sub(KEEP);
        let start = (start..tail.len()).find(|i| tail.is_char_boundary(*i)).unwrap_or(0);
        return Err(format!("cargo build of the worker failed ({status}):\n{}", &tail[start..]));
    }
    executable.await.ok().flatten().ok_or_else(|| "cargo built the worker but named no executable".to_string())
}
