//! `$fromMillis`, `$toMillis` and `$now`: instants as milliseconds since 1970-01-01T00:00Z,
//! written and read as ISO 8601 or through XPath date/time picture strings
//! (`[Y0001]-[M01]-[D01]`, `[FNn], [D1o] [MNn]`, …).
//!
//! Where JSONata computes nonsense, these fail instead, with the nearest JSONata code:
//! instants outside ECMAScript's `Date` range (D1001), a timezone argument that is not an
//! offset (T0410), impossible dates in ISO text (D3110), unknown components and bad widths in
//! pictures (D3132). Negative offsets that are not whole hours (`-0530`) are right here;
//! JSONata writes them an hour off.

mod calendar;
mod format;
mod iso;
mod offset;
mod parse;
mod picture;

use super::FormatError;
use calendar::MAX_MILLIS;
use offset::Offset;

/// JSONata's `$fromMillis(millis, picture, timezone)`. Without a picture the result is ISO 8601
/// with milliseconds, `2017-11-07T15:07:54.972Z`; `timezone` is an offset like `"-0500"` (the
/// wall clock and `[Z]` then show that offset). Fractions of a millisecond are dropped.
pub fn from_millis(
    millis: f64,
    picture: Option<&str>,
    timezone: Option<&str>,
) -> Result<String, FormatError> {
    let offset = match timezone {
        Some(text) => Offset::parse(text)?,
        None => Offset::UTC,
    };
    let parts = picture::analyse(picture.unwrap_or(picture::ISO_8601))?;
    format::format(instant(millis)?, offset, &parts)
}

/// `$now()`: the evaluation's timestamp in ISO 8601. (`$now(picture, timezone)` is
/// [`from_millis`] of the same timestamp.)
pub fn now_iso(now_millis: i64) -> Result<String, FormatError> {
    from_millis(now_millis as f64, None, None)
}

/// JSONata's `$toMillis(timestamp, picture)`: `Ok(None)` (undefined) when the timestamp does
/// not match the picture. Components the picture leaves out before the first one it gives come
/// from the current time (`[H]:[m]` is today); JSONata fixes "now" for a whole evaluation, so
/// an evaluator should call [`to_millis_at`] with its own timestamp instead.
pub fn to_millis(timestamp: &str, picture: Option<&str>) -> Result<Option<f64>, FormatError> {
    to_millis_at(timestamp, picture, chrono::Utc::now().timestamp_millis())
}

/// [`to_millis`] with the current time given, for reproducible results.
pub fn to_millis_at(
    timestamp: &str,
    picture: Option<&str>,
    now_millis: i64,
) -> Result<Option<f64>, FormatError> {
    let millis = match picture {
        None => Some(iso::parse(timestamp)?),
        Some(picture) => parse::parse(timestamp, &picture::analyse(picture)?, now_millis)?,
    };
    Ok(millis.map(|m| m as f64))
}

/// Whole milliseconds (truncated, as JavaScript's `Date` does) within its range.
fn instant(millis: f64) -> Result<i64, FormatError> {
    let whole = millis.trunc();
    if whole.is_finite() && whole.abs() <= MAX_MILLIS as f64 {
        Ok(whole as i64)
    } else {
        Err(FormatError::new("D1001", format!("Number out of range: {millis}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suite's `$toMillis(…).[$fromMillis(), $fromMillis($, (), '-0500'), …]`, which needs
    /// the evaluator to run as written.
    #[test]
    fn default_picture_with_a_timezone() {
        let millis = to_millis("2018-10-21T13:05:00Z", None).unwrap().unwrap();
        assert_eq!(from_millis(millis, None, None).unwrap(), "2018-10-21T13:05:00.000Z");
        let eastern = from_millis(millis, None, Some("-0500")).unwrap();
        assert_eq!(eastern, "2018-10-21T08:05:00.000-05:00");
        assert_eq!(from_millis(millis, None, Some("0000")).unwrap(), "2018-10-21T13:05:00.000Z");
    }

    #[test]
    fn negative_half_hour_offsets_are_not_an_hour_off() {
        let text = from_millis(0.0, Some("[H01]:[m01] [Z]"), Some("-0530")).unwrap();
        assert_eq!(text, "18:30 -05:30");
    }

    #[test]
    fn range() {
        assert_eq!(
            from_millis(-62198755200001.0, None, None).unwrap(),
            "-0002-12-31T23:59:59.999Z"
        );
        assert_eq!(from_millis(-1.5, None, None).unwrap(), "1969-12-31T23:59:59.999Z");
        assert_eq!(from_millis(1e20, None, None).unwrap_err().code, "D1001");
        assert_eq!(from_millis(f64::NAN, None, None).unwrap_err().code, "D1001");
        assert_eq!(now_iso(1).unwrap(), "1970-01-01T00:00:00.001Z");
    }

    #[test]
    fn parsing_is_reproducible_with_a_given_now() {
        let now = 1_522_108_800_000; // 2018-03-27
        let parsed = to_millis_at("13:45", Some("[H]:[m]"), now).unwrap();
        assert_eq!(parsed, Some((now + 13 * 3_600_000 + 45 * 60_000) as f64));
        assert_eq!(to_millis_at("2018-02-30", Some("[Y]-[M]-[D]"), now).unwrap(), None);
        assert_eq!(
            to_millis_at("march 2018", Some("[MNn] [Y]"), now).unwrap(),
            Some(1_519_862_400_000.0)
        );
    }
}
