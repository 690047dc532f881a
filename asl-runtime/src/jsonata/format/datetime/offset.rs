//! The `timezone` argument of `$fromMillis`: a fixed offset from UTC.

use crate::jsonata::format::FormatError;

/// A fixed offset from UTC, the `timezone` argument of `$fromMillis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Offset {
    minutes: i64,
}

impl Offset {
    pub(crate) const UTC: Offset = Offset { minutes: 0 };

    pub(crate) fn minutes(self) -> i64 {
        self.minutes
    }

    /// `±hhmm` (the sign optional: "0000"), or `±hh:mm`.
    pub(crate) fn parse(text: &str) -> Result<Offset, FormatError> {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (hours, minutes) = match (unsigned.len(), unsigned.as_bytes().get(2)) {
            (4, _) => (unsigned.get(..2), unsigned.get(2..)),
            (5, Some(b':')) => (unsigned.get(..2), unsigned.get(3..)),
            _ => (None, None),
        };
        let number = |digits: Option<&str>| {
            digits.filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?.parse::<i64>().ok()
        };
        match (number(hours), number(minutes)) {
            (Some(hours), Some(minutes)) if hours < 24 && minutes < 60 => {
                let minutes = hours * 60 + minutes;
                Ok(Offset { minutes: if negative { -minutes } else { minutes } })
            }
            _ => Err(FormatError::new(
                "T0410",
                format!(
                    "Argument 3 of function fromMillis must be a timezone offset such as \
                     \"+0100\" or \"-0500\"; given {text:?}"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(Offset::parse("-0530").unwrap().minutes(), -330);
        assert_eq!(Offset::parse("+05:30").unwrap().minutes(), 330);
        assert_eq!(Offset::parse("0000").unwrap(), Offset::UTC);
        for bad in ["", "foo", "-05", "+2500", "05:3a", "+0560", "-0５00"] {
            assert_eq!(Offset::parse(bad).unwrap_err().code, "T0410", "{bad}");
        }
    }
}
