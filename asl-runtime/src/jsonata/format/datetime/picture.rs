//! Date/time picture strings (XPath `fn:format-dateTime`, §9.8.4): literal text and variable
//! markers such as `[Y0001]`, `[MNn,*-3]`, `[D1o]` or `[Z01:01t]`; `[[` and `]]` are literal
//! brackets. One analysis serves formatting (`$fromMillis`) and parsing (`$toMillis`).

use crate::jsonata::format::integer::{Case, IntegerPicture};
use crate::jsonata::format::FormatError;

/// The widest a width modifier may ask for: JSONata pads to any width, so `[Y,999999999]`
/// would be a gigabyte of zeros.
pub(crate) const MAX_WIDTH: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Literal(String),
    Marker(Marker),
}

/// The component specifier of a variable marker, the letter that opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Component {
    /// `Y`
    Year,
    /// `M`, 1-12
    Month,
    /// `D`, day in month
    Day,
    /// `d`, day in year
    DayOfYear,
    /// `F`, day of week, 1 Monday … 7 Sunday
    Weekday,
    /// `W`, ISO week of the year
    WeekOfYear,
    /// `w`, week of the month
    WeekOfMonth,
    /// `X`, the year `W` counts in (JSONata's extension)
    WeekYear,
    /// `x`, the month `w` counts in (JSONata's extension)
    WeekMonth,
    /// `H`, 0-23
    Hour,
    /// `h`, 1-12
    Hour12,
    /// `P`, am/pm
    AmPm,
    /// `m`
    Minute,
    /// `s`
    Second,
    /// `f`, written as milliseconds whatever the picture (as JSONata does)
    Millis,
    /// `Z`, "+05:30"
    Offset,
    /// `z`, "GMT+05:30"
    GmtOffset,
    /// `C`, always "ISO"
    Calendar,
    /// `E`, always "ISO"
    Era,
}

impl Component {
    fn from_letter(letter: char) -> Option<Component> {
        use Component::*;
        Some(match letter {
            'Y' => Year,
            'M' => Month,
            'D' => Day,
            'd' => DayOfYear,
            'F' => Weekday,
            'W' => WeekOfYear,
            'w' => WeekOfMonth,
            'X' => WeekYear,
            'x' => WeekMonth,
            'H' => Hour,
            'h' => Hour12,
            'P' => AmPm,
            'm' => Minute,
            's' => Second,
            'f' => Millis,
            'Z' => Offset,
            'z' => GmtOffset,
            'C' => Calendar,
            'E' => Era,
            _ => return None,
        })
    }

    /// The presentation used when the marker gives none (`[M]` is `[M1]`).
    fn default_presentation(self) -> &'static str {
        use Component::*;
        match self {
            Weekday | AmPm | Calendar | Era => "n",
            Minute | Second => "01",
            Offset | GmtOffset => "01:01",
            _ => "1",
        }
    }

    /// Whether the component's value is an integer that integer pictures can present.
    fn is_integer(self) -> bool {
        use Component::*;
        !matches!(self, AmPm | Offset | GmtOffset | Calendar | Era)
    }

    pub(crate) fn is_offset(self) -> bool {
        matches!(self, Component::Offset | Component::GmtOffset)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Presentation {
    /// `N`, `n`, `Nn`: a name ("MARCH", "friday", "Pm"), for months, weekdays and am/pm.
    Name(Case),
    /// An integer picture; for offsets its digit count chooses between "+5" and "+0500".
    Number(IntegerPicture),
    /// Anything for `P`, `C` and `E` that is not a name: they print the same regardless.
    Plain,
}

/// A variable marker, analysed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    pub(crate) component: Component,
    pub(crate) presentation: Presentation,
    /// The most characters a name may have (`[MNn,*-3]` → "Mar").
    pub(crate) max_width: Option<usize>,
    /// The `t` modifier: a zero offset is written "Z".
    pub(crate) zulu: bool,
    /// For the year: write only this many low-order digits (`[Y01]` → "18").
    pub(crate) year_digits: Option<u32>,
    /// For parsing: exactly this many digits, because the next marker follows with no literal
    /// between to end this one (`[Y0001][M01]`).
    pub(crate) parse_width: Option<usize>,
}

/// `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]`: what `$fromMillis` writes by
/// default, ISO 8601 with milliseconds.
pub(crate) const ISO_8601: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

/// Splits a picture into literals and markers.
pub(crate) fn analyse(picture: &str) -> Result<Vec<Part>, FormatError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = picture;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("[[").or_else(|| rest.strip_prefix("]]")) {
            literal.push(c);
            rest = after;
        } else if c == '[' {
            let Some((text, after)) = rest[1..].split_once(']') else {
                return Err(FormatError::new(
                    "D3135",
                    "No matching closing bracket ']' in date/time picture string",
                ));
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            let marker = analyse_marker(text)?;
            if matches!(marker.presentation, Presentation::Number(_))
                && !marker.component.is_offset()
            {
                mark_run_on(parts.last_mut());
            }
            parts.push(Part::Marker(marker));
            rest = after;
        } else {
            literal.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

/// A number directly followed by another number can only be read with a fixed digit count.
fn mark_run_on(previous: Option<&mut Part>) {
    if let Some(Part::Marker(marker)) = previous {
        if let Presentation::Number(picture) = &marker.presentation {
            marker.parse_width = picture.decimal().map(|pattern| pattern.mandatory);
        }
    }
}

/// One marker's text between the brackets: the component letter, presentation modifiers, and
/// after the last comma a width modifier `min-max` (`*` for no limit). Whitespace is ignored.
fn analyse_marker(text: &str) -> Result<Marker, FormatError> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut chars = text.chars();
    let letter = chars.next();
    let component = letter.and_then(Component::from_letter).ok_or_else(|| {
        let letter = letter.map(String::from).unwrap_or_default();
        FormatError::new(
            "D3132",
            format!("Unknown component specifier {letter:?} in date/time picture string"),
        )
    })?;
    let rest = chars.as_str();
    let (modifiers, (min_width, max_width)) = match rest.rsplit_once(',') {
        Some((modifiers, width)) => (modifiers, parse_width(width)?),
        None => (rest, (None, None)),
    };
    let (first, second) = split_modifiers(modifiers, component);
    let mut marker = Marker {
        component,
        presentation: Presentation::Plain,
        max_width,
        zulu: second == Some('t'),
        year_digits: None,
        parse_width: None,
    };
    marker.presentation = if component.is_offset() {
        Presentation::Number(IntegerPicture::parse(first)?)
    } else if let Some(case) = name_case(first) {
        Presentation::Name(case)
    } else if component.is_integer() {
        let mut picture = match second {
            Some(second) => IntegerPicture::parse(&format!("{first};{second}"))?,
            None => IntegerPicture::parse(first)?,
        };
        if let (Some(pattern), Some(min)) = (picture.decimal_mut(), min_width) {
            pattern.mandatory = pattern.mandatory.max(min);
        }
        if component == Component::Year {
            marker.year_digits = year_digits(&mut picture, max_width);
        }
        Presentation::Number(picture)
    } else {
        Presentation::Plain
    };
    Ok(marker)
}

/// The first presentation modifier and the optional second one (`a`, `t`, `c` or `o`, which
/// only counts when something precedes it: `[Da]` is alphabetic days, `[D1a]` decimal ones).
fn split_modifiers(modifiers: &str, component: Component) -> (&str, Option<char>) {
    let mut chars = modifiers.chars();
    match chars.next_back() {
        None => (component.default_presentation(), None),
        Some(last) if !chars.as_str().is_empty() && "atco".contains(last) => {
            (chars.as_str(), Some(last))
        }
        Some(_) => (modifiers, None),
    }
}

fn name_case(modifier: &str) -> Option<Case> {
    match modifier.as_bytes() {
        [b'n', ..] => Some(Case::Lower),
        [b'N', b'n', ..] => Some(Case::Title),
        [b'N', ..] => Some(Case::Upper),
        _ => None,
    }
}

/// §9.8.4.4: a year keeps as many low-order digits as its maximum width, or as its pattern has
/// digits when that is two or more (`[Y01]` → "18", `[Y0001]` → "2018", `[Y]` → "2018").
fn year_digits(picture: &mut IntegerPicture, max_width: Option<usize>) -> Option<u32> {
    if let Some(max) = max_width {
        if let Some(pattern) = picture.decimal_mut() {
            pattern.mandatory = max;
        }
        return u32::try_from(max).ok();
    }
    let pattern = picture.decimal()?;
    let digits = pattern.mandatory + pattern.optional;
    (digits >= 2).then(|| u32::try_from(digits).ok()).flatten()
}

/// `min`, `min-max`, with `*` for "any"; each at most [`MAX_WIDTH`].
fn parse_width(text: &str) -> Result<(Option<usize>, Option<usize>), FormatError> {
    let one = |part: &str| -> Result<Option<usize>, FormatError> {
        if part == "*" {
            return Ok(None);
        }
        match part.parse::<usize>() {
            Ok(width) if width <= MAX_WIDTH => Ok(Some(width)),
            _ => Err(FormatError::new(
                "D3132",
                format!(
                    "Width modifier {text:?} in date/time picture string must be a number up \
                     to {MAX_WIDTH} or '*'"
                ),
            )),
        }
    };
    match text.split_once('-') {
        Some((min, max)) => Ok((one(min)?, one(max)?)),
        None => Ok((one(text)?, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(picture: &str) -> Marker {
        match analyse(picture).unwrap().as_slice() {
            [Part::Marker(marker)] => marker.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn brackets_and_literals() {
        let parts = analyse("[[Year]]: [[[Y0001]]]").unwrap();
        assert_eq!(parts[0], Part::Literal("[Year]: [".into()));
        assert_eq!(parts[2], Part::Literal("]".into()));
        assert_eq!(analyse("[YN]-[M").unwrap_err().code, "D3135");
        assert_eq!(analyse("[]").unwrap_err().code, "D3132");
        assert_eq!(analyse("[q1]").unwrap_err().code, "D3132");
        assert_eq!(analyse("[Y,x]").unwrap_err().code, "D3132");
        assert_eq!(analyse("[Y,1000]").unwrap_err().code, "D3132");
    }

    #[test]
    fn modifiers() {
        assert_eq!(marker("[Y,2]").year_digits, Some(2));
        assert_eq!(marker("[Y0001,2-2]").year_digits, Some(2));
        assert_eq!(marker("[Y]").year_digits, None);
        assert_eq!(marker("[FNn,*-3]").max_width, Some(3));
        assert!(marker("[Z01:01t]").zulu);
        assert_eq!(marker("[MNn]").presentation, Presentation::Name(Case::Title));
        let run_on = analyse("[Y0001][M01]").unwrap();
        assert!(matches!(&run_on[0], Part::Marker(m) if m.parse_width == Some(4)));
    }
}
