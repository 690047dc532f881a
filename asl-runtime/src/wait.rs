//! Wait state values read from the input (SecondsPath, TimestampPath), with AWS's errors, and
//! sleeping on the environment's clock (a Wait state, a Retry backoff, a timeout), which a
//! durable run turns into a recorded wake-up time.

use crate::choice::parse_timestamp;
use crate::clock::Clock;
use crate::env::Env;
use crate::execution::Execution;
use crate::flow::{Fault, Interrupted};
use crate::path::{self, Path};
use crate::payload::bare;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::Duration;

/// `SecondsPath`: a non-negative whole number of seconds.
pub fn seconds_from_path(p: &Path, input: &Value) -> Result<Duration, Fault> {
    let text = p.text();
    let v = path::get(p, input)
        .ok_or_else(|| Fault::runtime(format!("The SecondsPath parameter does not reference an input value: {text}")))?;
    match (v.as_i64(), v.as_u64()) {
        (_, Some(n)) => check_delay(Duration::from_secs(n)),
        (Some(n), None) => Err(Fault::runtime(format!("The SecondsPath parameter references a negative value: {text} == {n}"))),
        _ => Err(Fault::runtime(format!(
            "The SecondsPath parameter cannot be parsed as a long value: {text} == {}",
            bare(v)
        ))),
    }
}

/// `TimestampPath`: an RFC 3339 timestamp.
pub fn timestamp_from_path(p: &Path, input: &Value) -> Result<DateTime<Utc>, Fault> {
    let text = p.text();
    let v = path::get(p, input)
        .ok_or_else(|| Fault::runtime(format!("The TimestampPath parameter does not reference an input value: {text}")))?;
    v.as_str().and_then(parse_timestamp).map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        Fault::runtime(format!(
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {text} == {}",
            bare(v)
        ))
    })
}

/// A literal `Timestamp` (checked when the definition was compiled).
pub fn timestamp(text: &str) -> Result<DateTime<Utc>, Fault> {
    parse_timestamp(text).map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        Fault::runtime(format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"))
    })
}

/// A JSONata `Seconds`: a whole number of seconds, at least 0.
pub fn seconds_from_query(v: &Value, location: &str) -> Result<Duration, Fault> {
    match v.as_u64() {
        Some(n) => check_delay(Duration::from_secs(n)),
        None => Err(Fault::evaluation(location, format!("The {location} field must be a non-negative integer, but was: {v}"))),
    }
}

/// A JSONata `Timestamp`: an ISO-8601 date-time string; anything else is a
/// `States.QueryEvaluationError`.
pub fn timestamp_from_query(v: &Value, location: &str) -> Result<DateTime<Utc>, Fault> {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    parse_timestamp(&text).map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        Fault::evaluation(location, format!("The {location} field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"))
    })
}

/// How long from `now` until `target` (zero if it has passed). AWS refuses waits of 2^31 s or more.
pub fn until(now: DateTime<Utc>, target: DateTime<Utc>) -> Result<Duration, Fault> {
    let d = (target - now).to_std().unwrap_or(Duration::ZERO);
    check_delay(d)
}

pub fn check_delay(d: Duration) -> Result<Duration, Fault> {
    if d.as_secs() >= 1 << 31 {
        return Err(Fault::runtime("Wait state delay is too long."));
    }
    Ok(d)
}

/// Sleeps `d` on the environment's clock (a Wait state, a Retry backoff). In a durable run the
/// wake-up time is recorded for this visit and attempt of the state, so a run resumed after a
/// crash wakes when the first one would have, not `d` after the restart.
///
/// A durable run's history shows the events so far while it sleeps.
pub async fn sleep<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, d: Duration) -> Result<(), Fault> {
    let Some(journal) = env.journal() else {
        env.clock.sleep(d).await;
        return Ok(());
    };
    let top = exec.info().child_of.is_none();
    if top {
        journal.append_events(&exec.take_history())?;
    }
    let key = format!("{}/timer", exec.attempt_place());
    Ok(sleep_parking(env, &key, d, top).await?)
}

/// A sleep at least this long parks the execution (when its journal parks): shorter ones
/// cost less in memory than a park and a resume would.
pub const PARK_AFTER: Duration = Duration::from_secs(1);

/// [`sleep`] under an explicit effect key.
pub async fn sleep_keyed<H, C: Clock>(env: &Env<H, C>, key: &str, d: Duration) -> Result<(), Interrupted> {
    sleep_parking(env, key, d, false).await
}

/// [`sleep_keyed`]; with `parkable` (the execution's own state, not a branch's or an
/// iteration's), a long sleep parks the execution until its wake-up time.
async fn sleep_parking<H, C: Clock>(env: &Env<H, C>, key: &str, d: Duration, parkable: bool) -> Result<(), Interrupted> {
    let Some(journal) = env.journal() else {
        env.clock.sleep(d).await;
        return Ok(());
    };
    let now = env.clock.now();
    let wanted = chrono::Duration::from_std(d).ok().and_then(|d| now.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let deadline = crate::durable::recorded_time(journal, key, wanted).await?;
    let left = (deadline - env.clock.now()).to_std().unwrap_or(Duration::ZERO);
    if parkable && left >= PARK_AFTER && journal.park(None, deadline)? {
        return Err(Interrupted::parked(format!("asleep until {deadline}")));
    }
    env.clock.sleep(left).await;
    Ok(())
}
