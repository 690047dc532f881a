//! Decimal digit patterns such as `#,##0`, `0000` or `٠٠٠`: mandatory and optional digits
//! from one Unicode digit family, and grouping separators, regular (`#,###,##0`: every three
//! digits however long the number) or at fixed places only (`##,##,##0`).

use super::FormatError;

/// A decimal-digit pattern such as `#,##0` or `٠٠٠`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DecimalPattern {
    /// The zero of the digit family (`'0'`, `'٠'`, `'０'`, …).
    pub(crate) zero: char,
    /// Digits always written, padding with zeros.
    pub(crate) mandatory: usize,
    /// `#` signs: only their count matters (for a year's width).
    pub(crate) optional: usize,
    pub(crate) grouping: Grouping,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Grouping {
    None,
    /// One separator repeated every `every` digits from the right, however long the number.
    Regular {
        every: usize,
        separator: char,
    },
    /// Separators at fixed places only: (digits to their right, character), nearest first.
    Irregular(Vec<(usize, char)>),
}

/// The zeros of the Unicode decimal digit families in the Basic Multilingual Plane, the ones
/// JSONata recognises.
const DIGIT_ZEROS: [u32; 37] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

/// The zero of `c`'s digit family, and `c`'s value, if `c` is a decimal digit.
pub(crate) fn digit_family(c: char) -> Option<(char, u32)> {
    let code = u32::from(c);
    let zero = DIGIT_ZEROS.iter().find(|&&zero| (zero..=zero + 9).contains(&code))?;
    Some((char::from_u32(*zero)?, code - zero))
}

impl DecimalPattern {
    /// Reads the pattern right to left: digits (all from one family) and `#` count positions,
    /// anything else is a grouping separator at the current position. `None` without a digit:
    /// then it is not a decimal pattern.
    pub(crate) fn parse(primary: &str) -> Result<Option<DecimalPattern>, FormatError> {
        let mut zero = None;
        let (mut mandatory, mut optional) = (0, 0);
        let mut separators = Vec::new();
        for c in primary.chars().rev() {
            if let Some((family, _)) = digit_family(c) {
                if zero.is_some_and(|zero| zero != family) {
                    return Err(FormatError::new(
                        "D3131",
                        "In a decimal digit pattern, all digits must be from the same decimal group",
                    ));
                }
                zero = Some(family);
                mandatory += 1;
            } else if c == '#' {
                optional += 1;
            } else {
                separators.push((mandatory + optional, c));
            }
        }
        let grouping = Grouping::of(separators);
        Ok(zero.map(|zero| DecimalPattern { zero, mandatory, optional, grouping }))
    }

    pub(crate) fn format(&self, magnitude: f64, ordinal: bool) -> String {
        let plain = js_integer_string(magnitude);
        let pad = self.mandatory.saturating_sub(plain.chars().count());
        let mut digits = vec![self.in_family('0'); pad];
        digits.extend(plain.chars().map(|c| self.in_family(c)));
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, c) in digits.iter().enumerate() {
            out.push(*c);
            let to_the_right = digits.len() - i - 1;
            if let Some(separator) = self.grouping.separator_before(to_the_right) {
                out.push(separator);
            }
        }
        if ordinal {
            out.push_str(ordinal_suffix(magnitude));
        }
        out
    }

    /// An ASCII digit moved to this pattern's family; other characters (an exponent's `e+`)
    /// stay.
    fn in_family(&self, c: char) -> char {
        match c.to_digit(10) {
            Some(d) => char::from_u32(u32::from(self.zero) + d).unwrap_or(c),
            None => c,
        }
    }

    pub(crate) fn read(&self, text: &str, ordinal: bool) -> Option<f64> {
        let mut body = text;
        if ordinal {
            let split = body.len().checked_sub(2).filter(|&at| body.is_char_boundary(at));
            if let Some((digits, suffix)) = split.map(|at| body.split_at(at)) {
                if ["st", "nd", "rd", "th"].iter().any(|s| s.eq_ignore_ascii_case(suffix)) {
                    body = digits;
                }
            }
        }
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let mut ascii = String::with_capacity(body.len());
        for c in body.chars() {
            match digit_family(c) {
                Some((zero, d)) if zero == self.zero => ascii.push(char::from(b'0' + d as u8)),
                _ if self.grouping.uses(c) => {}
                _ => return None,
            }
        }
        let value: f64 = ascii.parse().ok()?;
        Some(if negative { -value } else { value })
    }

    pub(crate) fn regex(&self, width: Option<usize>, ordinal: bool) -> String {
        let zero = u32::from(self.zero);
        let last = char::from_u32(zero + 9).unwrap_or(self.zero);
        let mut class = format!("[{}-{}", self.zero, last);
        if width.is_none() {
            for separator in self.grouping.characters() {
                class.push_str(&regex::escape(&separator.to_string()));
            }
        }
        class.push(']');
        let count = match width {
            Some(width) => format!("{{{width}}}"),
            None => "+".to_owned(),
        };
        let suffix = if ordinal { "(?:th|st|nd|rd)" } else { "" };
        format!("{class}{count}{suffix}")
    }
}

impl Grouping {
    /// Separators are regular when they are all the same character at every multiple of one
    /// interval (`#,###,##0`); then they repeat across any number of digits.
    fn of(separators: Vec<(usize, char)>) -> Grouping {
        let Some(&(_, first)) = separators.first() else {
            return Grouping::None;
        };
        let every = separators.iter().fold(0, |g, &(position, _)| gcd(g, position));
        let same_char = separators.iter().all(|&(_, c)| c == first);
        let evenly = every > 0
            && (1..=separators.len()).all(|k| separators.iter().any(|&(p, _)| p == k * every));
        if same_char && evenly {
            Grouping::Regular { every, separator: first }
        } else {
            Grouping::Irregular(separators)
        }
    }

    /// The separator written after a digit that has `to_the_right` digits after it; none at
    /// the very end, and none with no digit before it (JSONata writes `",:12"` for `12` in
    /// `#:###,##0`; the spec and we write `12`).
    fn separator_before(&self, to_the_right: usize) -> Option<char> {
        if to_the_right == 0 {
            return None;
        }
        match self {
            Grouping::None => None,
            Grouping::Regular { every, separator } => {
                (to_the_right.checked_rem(*every) == Some(0)).then_some(*separator)
            }
            Grouping::Irregular(separators) => {
                separators.iter().find(|&&(p, _)| p == to_the_right).map(|&(_, c)| c)
            }
        }
    }

    fn characters(&self) -> Vec<char> {
        match self {
            Grouping::None => Vec::new(),
            Grouping::Regular { separator, .. } => vec![*separator],
            Grouping::Irregular(separators) => separators.iter().map(|&(_, c)| c).collect(),
        }
    }

    fn uses(&self, c: char) -> bool {
        match self {
            Grouping::None => false,
            Grouping::Regular { separator, .. } => *separator == c,
            Grouping::Irregular(separators) => separators.iter().any(|&(_, s)| s == c),
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// "st", "nd", "rd" or "th" for a whole number.
fn ordinal_suffix(magnitude: f64) -> &'static str {
    let last_two = magnitude % 100.0;
    if (11.0..=13.0).contains(&last_two) {
        return "th";
    }
    match (magnitude % 10.0) as u8 {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

/// A whole, non-negative `f64` as JavaScript writes it: all digits below 1e21 (the shortest
/// that round-trip, then zeros), exponent form from there ("1e+21", "1.5e+300").
fn js_integer_string(magnitude: f64) -> String {
    if magnitude < 1e21 {
        format!("{magnitude}")
    } else {
        format!("{magnitude:e}").replacen('e', "e+", 1)
    }
}
