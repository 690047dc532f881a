//! Writing to standard output when the reader may go away (`asl expand big.json | head -1`):
//! a closed pipe drops the rest of the output instead of panicking, and the command ends with
//! the status it would have had. Any other write error is reported and fails the command.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output; `Err` with the exit code for a failed write.
pub fn out(text: &str) -> Result<(), ExitCode> {
    let mut stdout = Stdout::default();
    finish(stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()))
}

/// The exit code for the end of a write to [`Stdout`]: `Err` for a failed write, reported.
pub fn finish(written: std::io::Result<()>) -> Result<(), ExitCode> {
    written.map_err(|e| {
        err(&format!("asl: cannot write to standard output: {e}"));
        ExitCode::FAILURE
    })
}

/// Standard output, buffered, for writing as output is produced: once the reader has gone
/// away, writes succeed and go nowhere.
pub struct Stdout {
    inner: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout { inner: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()) }
    }
}

impl Stdout {
    fn closed<T>(result: std::io::Result<T>, otherwise: T) -> std::io::Result<T> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                CLOSED.store(true, Ordering::Relaxed);
                Ok(otherwise)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        Self::closed(written, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        let flushed = self.inner.flush();
        Self::closed(flushed, ())
    }
}

impl Drop for Stdout {
    /// What is still buffered once the reader went away is dropped with it.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Writes a line to standard error, ignoring a stream that went away.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
