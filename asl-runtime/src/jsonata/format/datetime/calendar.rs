//! The proleptic Gregorian calendar on day numbers (days since 1970-01-01), and the ISO 8601
//! week rules XPath extends to months, written out rather than taken from chrono because
//! JSONata's range starts at year -271821 and its week-of-month rule is not ISO's.

pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// ECMAScript's `Date` range, ±100 million days around 1970: JSONata cannot represent instants
/// outside it, and keeping to it keeps all arithmetic here far from overflow.
pub(crate) const MAX_MILLIS: i64 = 8_640_000_000_000_000;

/// The day number of a date; `month` is 1-12. (Howard Hinnant's `days_from_civil`.)
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number: (year, month 1-12, day 1-31).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ISO day of the week: 1 Monday … 7 Sunday.
pub(crate) fn weekday(days: i64) -> u32 {
    // Day 0, 1970-01-01, was a Thursday.
    (days + 3).rem_euclid(7) as u32 + 1
}

/// A year and month (1-12), a calendar period that weeks are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct YearMonth {
    pub(crate) year: i64,
    pub(crate) month: u32,
}

impl YearMonth {
    pub(crate) fn plus(self, months: i64) -> YearMonth {
        let index = self.year * 12 + i64::from(self.month) - 1 + months;
        YearMonth { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// The Monday that starts week 1 of the period starting this month: the week holding the
    /// period's first Thursday (ISO 8601 for years; XPath uses the same rule for months).
    fn first_week_start(self) -> i64 {
        let first = days_from_civil(self.year, self.month, 1);
        let day = i64::from(weekday(first));
        if day > 4 {
            first + 8 - day
        } else {
            first - (day - 1)
        }
    }
}

/// The week number of day `days` in periods of `span` months starting at `period` (the period
/// holding that day), and the period the week counts in: late-December days can be in week 1
/// of the next year, early-January ones in week 52 or 53 of the last.
pub(crate) fn week_of(days: i64, period: YearMonth, span: i64) -> (YearMonth, i64) {
    let next = period.plus(span);
    if days >= next.first_week_start() {
        return (next, 1);
    }
    let start = period.first_week_start();
    if days < start {
        let previous = period.plus(-span);
        return (previous, (days - previous.first_week_start()).div_euclid(7) + 1);
    }
    (period, (days - start).div_euclid(7) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_across_the_range() {
        let limit = MAX_MILLIS / MS_PER_DAY;
        for days in (-limit..=limit).step_by(9_973).chain([-limit, -1, 0, 59, limit]) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d <= days_in_month(y, m));
        }
        assert_eq!(civil_from_days(-limit), (-271_821, 4, 20));
    }

    #[test]
    fn iso_weeks() {
        let day = |y, m, d| days_from_civil(y, m, d);
        let jan = |year| YearMonth { year, month: 1 };
        // Sat 1 Jan 2005 is in week 53 of 2004; Mon 29 Dec 2008 in week 1 of 2009.
        assert_eq!(week_of(day(2005, 1, 1), jan(2005), 12), (jan(2004), 53));
        assert_eq!(week_of(day(2008, 12, 29), jan(2008), 12), (jan(2009), 1));
        assert_eq!(weekday(day(2018, 4, 1)), 7);
    }
}
