//! The timing limits of one Task attempt: TimeoutSeconds and HeartbeatSeconds, given in the
//! definition or read from the input by their `…Path` fields.

use crate::flow::Fault;
use crate::path::{self, Path};
use serde_json::Value;
use std::time::Duration;

/// The timing limits of one Task attempt.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub timeout: Option<Duration>,
    pub heartbeat: Option<Duration>,
}

/// `TimeoutSecondsPath` / `HeartbeatSecondsPath`: a positive whole number read from the input.
pub fn seconds_from_path(p: &Path, input: &Value) -> Result<Duration, Fault> {
    let v = path::get(p, input).ok_or_else(|| Fault::runtime(path::missing_path_message(p, input)))?;
    match v.as_u64() {
        Some(n) if n > 0 => Ok(Duration::from_secs(n)),
        _ => Err(Fault::runtime(format!(
            "The value of '{}' must be a positive integer, but was: {}",
            p.text(),
            crate::payload::compact(v)
        ))),
    }
}
