//! `$toMillis(text)` without a picture: the ISO 8601 forms JSONata accepts, `YYYY`,
//! `YYYY-MM`, `YYYY-MM-DD`, each optionally with `Thh:mm:ss`, then `.fraction` after a time,
//! then `Z`, `±hh:mm` or `±hhmm`.
//!
//! JSONata checks the shape with a regex and hands the text to JavaScript's `Date.parse`,
//! which rolls impossible dates over (30 February is 2 March) or yields NaN; here they are
//! errors. A time without an offset is UTC (JavaScript would use the host's time zone).

use super::calendar::{days_from_civil, days_in_month, MS_PER_DAY};
use crate::jsonata::format::FormatError;

/// Milliseconds since the epoch, or D3110.
pub(crate) fn parse(text: &str) -> Result<i64, FormatError> {
    read(&mut Cursor(text.as_bytes())).ok_or_else(|| {
        FormatError::new(
            "D3110",
            format!(
                "The argument of the toMillis function must be an ISO 8601 formatted \
                 timestamp. Given {text:?}"
            ),
        )
    })
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// Consumes `literal` if the text continues with it.
    fn eat(&mut self, literal: u8) -> bool {
        match self.0.split_first() {
            Some((&first, rest)) if first == literal => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Exactly `count` ASCII digits as a number.
    fn digits(&mut self, count: usize) -> Option<i64> {
        let taken = self.0.get(..count)?;
        let rest = self.0.get(count..)?;
        let mut value = 0;
        for &b in taken {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
        }
        self.0 = rest;
        Some(value)
    }

    /// Consumes a run of digits, returning the first three as milliseconds.
    fn fraction(&mut self) -> Option<i64> {
        let length = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if length == 0 {
            return None;
        }
        let mut millis = 0;
        for place in 0..3 {
            let digit = self.0.get(place).filter(|_| place < length).map_or(0, |b| b - b'0');
            millis = millis * 10 + i64::from(digit);
        }
        self.0 = self.0.get(length..)?;
        Some(millis)
    }
}

fn read(cursor: &mut Cursor) -> Option<i64> {
    let year = cursor.digits(4)?;
    let month = if cursor.eat(b'-') { cursor.digits(2)? } else { 1 };
    let day = if cursor.eat(b'-') { cursor.digits(2)? } else { 1 };
    if !(1..=12).contains(&month) || day < 1 || day > i64::from(days_in_month(year, month as u32)) {
        return None;
    }
    let mut millis = days_from_civil(year, month as u32, day as u32) * MS_PER_DAY;
    if cursor.eat(b'T') {
        let hour = cursor.digits(2)?;
        let minute = colon_then(cursor)?;
        let second = colon_then(cursor)?;
        let fraction = if cursor.eat(b'.') { cursor.fraction()? } else { 0 };
        // ISO 8601 lets 24:00:00 stand for the end of the day.
        let end_of_day = hour == 24 && minute == 0 && second == 0 && fraction == 0;
        if !(hour < 24 || end_of_day) || minute > 59 || second > 59 {
            return None;
        }
        millis += ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
    }
    millis -= offset_minutes(cursor)? * 60_000;
    cursor.0.is_empty().then_some(millis)
}

fn colon_then(cursor: &mut Cursor) -> Option<i64> {
    cursor.eat(b':').then_some(())?;
    cursor.digits(2)
}

/// Nothing or "Z" is UTC; else `±hh:mm` or `±hhmm`.
fn offset_minutes(cursor: &mut Cursor) -> Option<i64> {
    if cursor.0.is_empty() || cursor.eat(b'Z') {
        return Some(0);
    }
    let sign = if cursor.eat(b'+') {
        1
    } else if cursor.eat(b'-') {
        -1
    } else {
        return None;
    };
    let hours = cursor.digits(2)?;
    cursor.eat(b':');
    let minutes = cursor.digits(2)?;
    (hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse("2018").unwrap(), 1_514_764_800_000);
        assert_eq!(parse("2017-10-30").unwrap(), 1_509_321_600_000);
        assert_eq!(parse("2018-02-01T09:42:13.123+0000").unwrap(), 1_517_478_133_123);
        assert_eq!(parse("2018-02-01T09:42:13.9999Z").unwrap(), 1_517_478_133_999);
        assert_eq!(parse("2018-02-01T09:42:13+05:30").unwrap(), 1_517_458_333_000);
        assert_eq!(parse("2018-02-01T24:00:00Z").unwrap(), 1_517_529_600_000);
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "foo",
            "01-02-2018",
            "2018-02-03 11:15:33",
            "2018-13",
            "2018-02-30",
            "2018.5",
            "2018-02-01T25:00:00Z",
            "2018-02-01T09:42:13+05",
            "2018-",
            "2018-02-01T10:00",
            "",
            "２０１８",
        ] {
            assert_eq!(parse(text).unwrap_err().code, "D3110", "{text}");
        }
    }
}
