//! Reading a timestamp through an analysed picture (`$toMillis(text, picture)`, JSONata 1.8+).
//!
//! The picture becomes one regex, a group per part, matched case-insensitively against the
//! whole text; each marker's group is then read as its presentation says. Missing components
//! are filled in as JSONata does: those more significant than any given come from "now", those
//! less significant are zero (or 1 for month and day), and a gap between given ones (month and
//! minutes but no day) is an error.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

use super::calendar::{days_from_civil, days_in_month, MAX_MILLIS, MS_PER_DAY};
use super::format::{names_unsupported, Fields, MONTHS, WEEKDAYS};
use super::picture::{Component, Marker, Part, Presentation};
use crate::jsonata::format::decimal::Grouping;
use crate::jsonata::format::FormatError;

use Component::*;

/// The compiled regex may use this much memory; a picture is a line of text, far below it.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Further than a year could be from 1970 in ECMAScript's range, so that day arithmetic on a
/// year that passed this check cannot overflow.
const MAX_YEAR: i64 = 300_000;

/// Milliseconds since the epoch of `text` read through `parts`, or `None` when the text does
/// not match the picture, the picture has no markers, or a value is impossible (month 13,
/// 30 February).
pub(crate) fn parse(
    text: &str,
    parts: &[Part],
    now_millis: i64,
) -> Result<Option<i64>, FormatError> {
    let regex = regex_for(parts)?;
    let Some(captures) = regex.captures(text) else {
        return Ok(None);
    };
    let mut found = HashMap::new();
    for (index, part) in parts.iter().enumerate() {
        let Part::Marker(marker) = part else { continue };
        let matched = captures.get(index + 1).map_or("", |m| m.as_str());
        let Some(value) = read_marker(marker, matched)? else {
            return Ok(None);
        };
        let key = if marker.component.is_offset() { Offset } else { marker.component };
        found.insert(key, value);
    }
    if found.is_empty() {
        return Ok(None);
    }
    match complete(found, now_millis)? {
        Some(found) => to_millis(&found),
        None => Ok(None),
    }
}

fn regex_for(parts: &[Part]) -> Result<Regex, FormatError> {
    let mut pattern = String::from("^");
    for part in parts {
        pattern.push('(');
        match part {
            Part::Literal(text) => pattern.push_str(&regex::escape(text)),
            Part::Marker(marker) => pattern.push_str(&marker_regex(marker)?),
        }
        pattern.push(')');
    }
    pattern.push('$');
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| FormatError::new("D3132", format!("Date/time picture string too long: {e}")))
}

fn marker_regex(marker: &Marker) -> Result<String, FormatError> {
    match (&marker.presentation, marker.component) {
        (_, Millis) => Ok("[0-9]+".to_owned()),
        (presentation, Offset | GmtOffset) => {
            let gmt = if marker.component == GmtOffset { "GMT" } else { "" };
            let mut offset = format!("{gmt}[-+][0-9]+");
            if let Some(separator) = offset_separator(presentation) {
                offset.push_str(&regex::escape(&separator.to_string()));
                offset.push_str("[0-9]+");
            }
            Ok(if marker.zulu { format!("Z|{offset}") } else { offset })
        }
        (Presentation::Number(picture), _) => picture.regex(marker.parse_width),
        (_, Month | WeekMonth | Weekday | AmPm) => Ok("[a-zA-Z]+".to_owned()),
        (_, component) => Err(names_unsupported(component)),
    }
}

/// The character between hours and minutes in an offset picture such as `01:01`.
fn offset_separator(presentation: &Presentation) -> Option<char> {
    let Presentation::Number(picture) = presentation else { return None };
    match picture.decimal()?.grouping {
        Grouping::Regular { separator, .. } => Some(separator),
        _ => None,
    }
}

fn read_marker(marker: &Marker, text: &str) -> Result<Option<i64>, FormatError> {
    Ok(match (&marker.presentation, marker.component) {
        (_, Millis) => {
            // Fractional seconds: the first three digits are milliseconds, the rest is dropped.
            let mut digits: String = text.chars().take(3).collect();
            while digits.len() < 3 {
                digits.push('0');
            }
            digits.parse().ok()
        }
        (presentation, Offset | GmtOffset) => read_offset(text, offset_separator(presentation)),
        (Presentation::Number(picture), _) => {
            picture.read(text)?.filter(|v| v.is_finite()).map(|v| v as i64)
        }
        (_, Month | WeekMonth) => find_name(&MONTHS, text, marker.max_width),
        (_, Weekday) => find_name(&WEEKDAYS, text, marker.max_width),
        (_, AmPm) => match text.to_ascii_lowercase().as_str() {
            "am" => Some(0),
            "pm" => Some(1),
            _ => None,
        },
        (_, component) => return Err(names_unsupported(component)),
    })
}

/// The 1-based position of `text` among `names`, each cut to `max_width` characters.
fn find_name(names: &[&str], text: &str, max_width: Option<usize>) -> Option<i64> {
    let position = names.iter().position(|name| {
        let cut: String = name.chars().take(max_width.unwrap_or(usize::MAX)).collect();
        cut.eq_ignore_ascii_case(text)
    })?;
    Some(position as i64 + 1)
}

/// Offset minutes east of UTC from "Z", "+05:30", "GMT-5", "+0530" or "-05".
fn read_offset(text: &str, separator: Option<char>) -> Option<i64> {
    if text.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let text = match text.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("gmt") => &text[3..],
        _ => text,
    };
    let negative = text.starts_with('-');
    let unsigned = text.get(1..)?;
    let (hours, minutes) = match separator {
        Some(separator) => unsigned.split_once(separator)?,
        None if unsigned.len() <= 2 => (unsigned, "0"),
        None => (unsigned.get(..2)?, unsigned.get(2..)?),
    };
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let total = hours * 60 + minutes;
    Some(if negative { -total } else { total })
}

/// Which components are given decides how the date and the time are made up: year-month-day
/// or year and day-of-year; 24-hour or 12-hour with am/pm. (Week dates are recognised but, as
/// in JSONata, not supported.)
fn complete(
    mut found: HashMap<Component, i64>,
    now_millis: i64,
) -> Result<Option<HashMap<Component, i64>>, FormatError> {
    let only = |allowed: &[Component], among: &[Component]| {
        let mut given = among.iter().filter(|c| found.contains_key(c)).peekable();
        given.peek().is_some() && given.all(|c| allowed.contains(c))
    };
    const DATE: [Component; 8] =
        [Year, WeekYear, Month, WeekMonth, WeekOfYear, WeekOfMonth, DayOfYear, Day];
    const TIME: [Component; 6] = [AmPm, Hour, Hour12, Minute, Second, Millis];
    let year_month_day = only(&[Year, Month, Day], &DATE);
    let year_day = !year_month_day && only(&[Year, DayOfYear], &DATE);
    let week_of_month = only(&[WeekYear, WeekMonth, WeekOfMonth], &DATE);
    let week_of_year = !week_of_month && only(&[WeekYear, WeekOfYear], &DATE);
    let twelve_hour = !only(&[Hour, Minute, Second, Millis], &TIME)
        && only(&[AmPm, Hour12, Minute, Second, Millis], &TIME);

    let date: &[Component] = if year_day {
        &[Year, Day]
    } else if week_of_month {
        &[WeekYear, WeekMonth, WeekOfMonth, Weekday]
    } else if week_of_year {
        &[WeekYear, WeekOfYear, Weekday]
    } else {
        &[Year, Month, Day]
    };
    let time: &[Component] = if twelve_hour {
        &[AmPm, Hour12, Minute, Second, Millis]
    } else {
        &[Hour, Minute, Second, Millis]
    };
    let now = Fields::new(now_millis);
    let (mut started, mut ended) = (false, false);
    for &component in date.iter().chain(time) {
        match found.entry(component) {
            Entry::Occupied(_) if ended => return Err(missing_specifiers()),
            Entry::Occupied(_) => started = true,
            Entry::Vacant(slot) if started => {
                slot.insert(i64::from(matches!(component, Month | Day | DayOfYear)));
                ended = true;
            }
            Entry::Vacant(slot) => {
                slot.insert(now.value(component));
            }
        }
    }
    if week_of_month || week_of_year {
        return Err(missing_specifiers());
    }
    if twelve_hour {
        let hour = found.get(&Hour12).copied().unwrap_or(0);
        if !(0..=12).contains(&hour) {
            return Ok(None);
        }
        let pm = found.get(&AmPm) == Some(&1);
        found.insert(Hour, hour % 12 + if pm { 12 } else { 0 });
    }
    Ok(Some(found))
}

fn missing_specifiers() -> FormatError {
    FormatError::new(
        "D3136",
        "The date/time picture string is missing specifiers required to parse the timestamp",
    )
}

/// The instant of completed components; `None` for impossible values.
fn to_millis(found: &HashMap<Component, i64>) -> Result<Option<i64>, FormatError> {
    let get = |component| found.get(&component).copied().unwrap_or(0);
    let in_range = |component, range: std::ops::RangeInclusive<i64>| {
        let value = get(component);
        range.contains(&value).then_some(value)
    };
    let year = get(Year);
    if year.abs() > MAX_YEAR {
        return Err(out_of_range(year));
    }
    let days = if found.contains_key(&Month) {
        let Some(month) = in_range(Month, 1..=12) else { return Ok(None) };
        let month = month as u32;
        let last = i64::from(days_in_month(year, month));
        let Some(day) = in_range(Day, 1..=last) else { return Ok(None) };
        days_from_civil(year, month, day as u32)
    } else {
        let length = days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1);
        let Some(day) = in_range(DayOfYear, 1..=length) else { return Ok(None) };
        days_from_civil(year, 1, 1) + day - 1
    };
    let (Some(hour), Some(minute), Some(second)) =
        (in_range(Hour, 0..=23), in_range(Minute, 0..=59), in_range(Second, 0..=59))
    else {
        return Ok(None);
    };
    let time = ((hour * 60 + minute) * 60 + second) * 1000 + get(Millis);
    let millis = days * MS_PER_DAY + time - get(Offset) * 60_000;
    if millis.abs() > MAX_MILLIS {
        return Err(out_of_range(year));
    }
    Ok(Some(millis))
}

fn out_of_range(year: i64) -> FormatError {
    FormatError::new("D1001", format!("Number out of range: the year {year} cannot be represented"))
}
