//! Writing to standard output when the reader may go away (`asl expand big.json | head -1`):
//! a closed pipe drops the rest of the output instead of panicking, and the command ends with
//! the status it would have had. Any other write error is reported and fails the command.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output; `Err` with the exit code for a failed write.
pub fn out(text: &str) -> Result<(), ExitCode> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            err(&format!("asl: cannot write to standard output: {e}"));
            Err(ExitCode::FAILURE)
        }
    }
}

/// Writes a line to standard error, ignoring a stream that went away.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
