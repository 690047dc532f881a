//! Writing an instant through an analysed picture (`$fromMillis`).

use super::calendar::{civil_from_days, days_from_civil, week_of, weekday, YearMonth, MS_PER_DAY};
use super::offset::Offset;
use super::picture::{Component, Marker, Part, Presentation};
use crate::jsonata::format::decimal::Grouping;
use crate::jsonata::format::integer::{Case, IntegerPicture};
use crate::jsonata::format::FormatError;

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Index 0 is Monday, as ISO numbers days from 1.
pub(crate) const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The wall-clock fields of an instant in some offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Days since 1970-01-01.
    days: i64,
    year: i64,
    month: u32,
    day: u32,
    /// Milliseconds since midnight.
    time: i64,
}

impl Fields {
    /// `local_millis` is milliseconds since 1970-01-01T00:00 on the wall clock.
    pub(crate) fn new(local_millis: i64) -> Fields {
        let days = local_millis.div_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Fields { days, year, month, day, time: local_millis.rem_euclid(MS_PER_DAY) }
    }

    /// The value of an integer-valued component (and of `P`: 0 am, 1 pm).
    pub(crate) fn value(&self, component: Component) -> i64 {
        use Component::*;
        let hour = self.time / 3_600_000;
        let this_month = YearMonth { year: self.year, month: self.month };
        let january = YearMonth { year: self.year, month: 1 };
        match component {
            Year => self.year,
            Month => i64::from(self.month),
            Day => i64::from(self.day),
            DayOfYear => self.days - days_from_civil(self.year, 1, 1) + 1,
            Weekday => i64::from(weekday(self.days)),
            WeekOfYear => week_of(self.days, january, 12).1,
            WeekOfMonth => week_of(self.days, this_month, 1).1,
            WeekYear => week_of(self.days, january, 12).0.year,
            WeekMonth => i64::from(week_of(self.days, this_month, 1).0.month),
            Hour => hour,
            Hour12 => (hour + 11) % 12 + 1,
            AmPm => i64::from(hour >= 12),
            Minute => self.time / 60_000 % 60,
            Second => self.time / 1000 % 60,
            Millis => self.time % 1000,
            Offset | GmtOffset | Calendar | Era => 0,
        }
    }
}

/// Writes the instant `utc_millis` (in ECMAScript's range) as seen at `offset`.
pub(crate) fn format(
    utc_millis: i64,
    offset: Offset,
    parts: &[Part],
) -> Result<String, FormatError> {
    let fields = Fields::new(utc_millis + offset.minutes() * 60_000);
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Literal(text) => out.push_str(text),
            Part::Marker(marker) => out.push_str(&write_marker(&fields, offset, marker)?),
        }
    }
    Ok(out)
}

fn write_marker(fields: &Fields, offset: Offset, marker: &Marker) -> Result<String, FormatError> {
    let component = marker.component;
    match component {
        Component::Offset | Component::GmtOffset => write_offset(offset, marker),
        Component::Calendar | Component::Era => Ok("ISO".to_owned()),
        Component::AmPm => {
            let text = if fields.value(component) == 1 { "pm" } else { "am" };
            let upper = marker.presentation == Presentation::Name(Case::Upper);
            Ok(if upper { text.to_uppercase() } else { text.to_owned() })
        }
        _ => {
            let mut value = fields.value(component);
            if let Some(ten_to_n) = marker.year_digits.and_then(|n| 10_i64.checked_pow(n)) {
                value %= ten_to_n;
            }
            match &marker.presentation {
                Presentation::Name(case) => write_name(value, *case, marker),
                Presentation::Number(picture) => picture.format(value as f64),
                Presentation::Plain => Ok(value.to_string()),
            }
        }
    }
}

/// Month and weekday names, cased and cut to the maximum width.
fn write_name(value: i64, case: Case, marker: &Marker) -> Result<String, FormatError> {
    let index = usize::try_from(value - 1).ok();
    let name = match marker.component {
        Component::Month | Component::WeekMonth => index.and_then(|i| MONTHS.get(i)),
        Component::Weekday => index.and_then(|i| WEEKDAYS.get(i)),
        _ => return Err(names_unsupported(marker.component)),
    };
    let name = name.copied().unwrap_or_default();
    let cased = match case {
        Case::Title => name.to_owned(),
        Case::Upper => name.to_uppercase(),
        Case::Lower => name.to_lowercase(),
    };
    Ok(match marker.max_width {
        Some(max) => cased.chars().take(max).collect(),
        None => cased,
    })
}

pub(crate) fn names_unsupported(component: Component) -> FormatError {
    FormatError::new(
        "D3133",
        format!(
            "The 'name' modifier can only be applied to months and days in the date/time \
             picture string, not {component:?}"
        ),
    )
}

/// §9.8.4.6: `[Z01:01]` "+05:30", `[Z0101]` "+0530", `[Z0]` "+5:30", `[z]` "GMT+05:30", and
/// with `t` a zero offset is "Z". One or two digits write the hours (and minutes only when
/// there are some), three or four write hours and minutes.
fn write_offset(offset: Offset, marker: &Marker) -> Result<String, FormatError> {
    if offset.minutes() == 0 && marker.zulu {
        return Ok("Z".to_owned());
    }
    let magnitude = offset.minutes().abs();
    let (hours, minutes) = (magnitude / 60, magnitude % 60);
    let hhmm = (hours * 100 + minutes) as f64;
    let picture = match &marker.presentation {
        Presentation::Number(picture) => picture,
        _ => return Err(too_many_offset_digits()),
    };
    let Some(pattern) = picture.decimal() else {
        return Err(too_many_offset_digits());
    };
    let digits = match (&pattern.grouping, pattern.mandatory) {
        (Grouping::Regular { .. }, _) => picture.format(hhmm)?,
        (_, 1 | 2) if minutes == 0 => picture.format(hours as f64)?,
        (_, 1 | 2) => {
            let two = IntegerPicture::parse("00")?;
            format!("{}:{}", picture.format(hours as f64)?, two.format(minutes as f64)?)
        }
        (_, 3 | 4) => picture.format(hhmm)?,
        _ => return Err(too_many_offset_digits()),
    };
    let sign = if offset.minutes() < 0 { '-' } else { '+' };
    let gmt = if marker.component == Component::GmtOffset { "GMT" } else { "" };
    Ok(format!("{gmt}{sign}{digits}"))
}

fn too_many_offset_digits() -> FormatError {
    FormatError::new(
        "D3134",
        "The timezone integer format specifier cannot have more than four digits",
    )
}
