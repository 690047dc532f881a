//! One sub-picture of `$formatNumber`: its checks (F&O 3.1 §4.7.3) and what they leave to the
//! formatter (§4.7.4).

use super::super::TextError;
use super::DecimalFormat;

/// What multiplies the number before it is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scale {
    One,
    Percent,
    PerMille,
}

impl Scale {
    pub fn factor(self) -> f64 {
        match self {
            Scale::One => 1.0,
            Scale::Percent => 100.0,
            Scale::PerMille => 1000.0,
        }
    }
}

/// A checked sub-picture, reduced to what the formatter needs.
#[derive(Debug, Clone)]
pub(super) struct SubPicture {
    pub prefix: String,
    pub suffix: String,
    /// Grouping separators of the integer part, as the count of digits to their right;
    /// ascending.
    integer_grouping: Vec<usize>,
    /// The interval when `integer_grouping` is `g, 2g, 3g…`: then it repeats leftwards.
    regular_grouping: Option<usize>,
    /// Grouping separators of the fractional part, as the count of digits to their left;
    /// ascending.
    fraction_grouping: Vec<usize>,
    pub minimum_integer: usize,
    /// Mandatory integer digits as written, before the adjustments: the mantissa's size.
    pub scaling_factor: usize,
    pub minimum_fraction: usize,
    pub maximum_fraction: usize,
    /// `Some(mandatory exponent digits)` when the picture has an exponent.
    pub minimum_exponent: Option<usize>,
    pub scale: Scale,
}

/// How the characters of a sub-picture split up.
struct Parts<'a> {
    text: &'a str,
    prefix: String,
    suffix: String,
    /// The active characters between prefix and suffix (passive ones there are an error).
    active: Vec<char>,
    mantissa: Vec<char>,
    integer: Vec<char>,
    fraction: Vec<char>,
    exponent: Option<Vec<char>>,
}

impl SubPicture {
    pub fn parse(text: &str, format: &DecimalFormat) -> Result<SubPicture, TextError> {
        let parts = Parts::split(text, format);
        parts.check(format)?;
        Ok(parts.analyse(format))
    }

    /// The negative sub-picture implied when only one is given: minus sign, then the same.
    pub fn negated(&self, minus_sign: &str) -> SubPicture {
        let mut negative = self.clone();
        negative.prefix = format!("{minus_sign}{}", self.prefix);
        negative
    }

    /// Whether a grouping separator goes left of the digit with `right` digits from it to the
    /// decimal point (itself included).
    pub fn groups_integer_at(&self, right: usize) -> bool {
        match self.regular_grouping {
            // `is_multiple_of` is newer than the workspace's rust-version (1.80).
            #[allow(clippy::manual_is_multiple_of)]
            Some(every) => right % every == 0,
            None => self.integer_grouping.binary_search(&right).is_ok(),
        }
    }

    /// Whether a grouping separator goes right of the first `left` fraction digits.
    pub fn groups_fraction_at(&self, left: usize) -> bool {
        self.fraction_grouping.binary_search(&left).is_ok()
    }
}

impl<'a> Parts<'a> {
    fn split(text: &'a str, f: &DecimalFormat) -> Parts<'a> {
        let chars: Vec<char> = text.chars().collect();
        let anchors = |c: &char| is_active(*c, f) && *c != f.exponent_separator;
        let first = chars.iter().position(anchors);
        let last = chars.iter().rposition(anchors);
        let (prefix, active, suffix) = match (first, last) {
            (Some(first), Some(last)) => {
                (&chars[..first], &chars[first..=last], &chars[last + 1..])
            }
            // No anchor at all: everything is checked as the active part, so that the picture
            // fails with the reference's codes.
            _ => (&chars[..0], &chars[..], &chars[..0]),
        };
        let (mantissa, exponent) = match active.iter().position(|&c| c == f.exponent_separator) {
            Some(e) => (active[..e].to_vec(), Some(active[e + 1..].to_vec())),
            None => (active.to_vec(), None),
        };
        let (integer, fraction) = match mantissa.iter().position(|&c| c == f.decimal_separator) {
            Some(d) => (mantissa[..d].to_vec(), mantissa[d + 1..].to_vec()),
            None => (mantissa.clone(), Vec::new()),
        };
        Parts {
            text,
            prefix: prefix.iter().collect(),
            suffix: suffix.iter().collect(),
            active: active.to_vec(),
            mantissa,
            integer,
            fraction,
            exponent,
        }
    }

    /// F&O 3.1 §4.7.3, in the reference's order; like the reference, the last rule broken is
    /// the one reported.
    fn check(&self, f: &DecimalFormat) -> Result<(), TextError> {
        let text = self.text;
        let repeats = |s: &str| text.find(s) != text.rfind(s);
        let has = |s: &str| text.contains(s);
        let decimal = f.decimal_separator;
        let grouping = f.grouping_separator;
        let is_digit = |c: &char| f.is_digit(*c);
        let chars: Vec<char> = text.chars().collect();
        // Only the first decimal separator is looked at, as in the reference: with two, the
        // picture is already wrong (D3081) and the reported code stays the reference's.
        let first_decimal = chars.iter().position(|&c| c == decimal);
        let adjacent_to_decimal = first_decimal.is_some_and(|at| {
            (at > 0 && chars[at - 1] == grouping) || chars.get(at + 1) == Some(&grouping)
        });
        let first_optional = self.integer.iter().position(|&c| c == f.digit);
        let last_optional = self.fraction.iter().rposition(|&c| c == f.digit);
        let rules = [
            (chars.iter().filter(|&&c| c == decimal).count() > 1, "D3081"),
            (repeats(&f.percent), "D3082"),
            (repeats(&f.per_mille), "D3083"),
            (has(&f.percent) && has(&f.per_mille), "D3084"),
            (
                !self.mantissa.iter().any(|c| is_digit(c) || *c == f.digit),
                "D3085",
            ),
            (self.active.iter().any(|c| !is_active(*c, f)), "D3086"),
            (adjacent_to_decimal, "D3087"),
            (
                first_decimal.is_none() && self.integer.last() == Some(&grouping),
                "D3088",
            ),
            (
                chars
                    .windows(2)
                    .any(|w| w[0] == grouping && w[1] == grouping),
                "D3089",
            ),
            (
                first_optional.is_some_and(|at| self.integer[..at].iter().any(is_digit)),
                "D3090",
            ),
            (
                last_optional.is_some_and(|at| self.fraction[at..].iter().any(is_digit)),
                "D3091",
            ),
            (
                self.exponent.is_some() && (has(&f.percent) || has(&f.per_mille)),
                "D3092",
            ),
            (
                self.exponent
                    .as_ref()
                    .is_some_and(|e| !e.iter().all(is_digit)),
                "D3093",
            ),
        ];
        match rules.iter().rev().find(|(broken, _)| *broken) {
            Some((_, code)) => Err(TextError::new(code, format!("{}: {text:?}", message(code)))),
            None => Ok(()),
        }
    }

    /// F&O 3.1 §4.7.4: sizes and grouping positions.
    fn analyse(self, f: &DecimalFormat) -> SubPicture {
        let is_digit = |c: &char| f.is_digit(*c);
        let is_place = |c: &char| f.is_digit(*c) || *c == f.digit;
        let grouping = f.grouping_separator;

        // Counted in one pass each way, so a long picture costs linear time.
        let mut integer_grouping = Vec::new();
        let mut places = 0;
        for c in self.integer.iter().rev() {
            if *c == grouping {
                integer_grouping.push(places);
            } else if is_place(c) {
                places += 1;
            }
        }
        let mut fraction_grouping = Vec::new();
        let mut places = 0;
        for c in &self.fraction {
            if *c == grouping {
                fraction_grouping.push(places);
            } else if is_place(c) {
                places += 1;
            }
        }

        let mut minimum_integer = self.integer.iter().filter(|c| is_digit(c)).count();
        let scaling_factor = minimum_integer;
        let mut minimum_fraction = self.fraction.iter().filter(|c| is_digit(c)).count();
        let mut maximum_fraction = self.fraction.iter().filter(|c| is_place(c)).count();
        let has_exponent = self.exponent.is_some();
        if minimum_integer == 0 && maximum_fraction == 0 {
            if has_exponent {
                minimum_fraction = 1;
                maximum_fraction = 1;
            } else {
                minimum_integer = 1;
            }
        }
        if has_exponent && minimum_integer == 0 && self.integer.contains(&f.digit) {
            minimum_integer = 1;
        }
        if minimum_integer == 0 && minimum_fraction == 0 {
            minimum_fraction = 1;
        }
        let scale = if self.text.contains(f.percent.as_str()) {
            Scale::Percent
        } else if self.text.contains(f.per_mille.as_str()) {
            Scale::PerMille
        } else {
            Scale::One
        };
        SubPicture {
            prefix: self.prefix,
            suffix: self.suffix,
            regular_grouping: regular(&integer_grouping),
            integer_grouping,
            fraction_grouping,
            minimum_integer,
            scaling_factor,
            minimum_fraction,
            maximum_fraction,
            minimum_exponent: self
                .exponent
                .map(|e| e.iter().filter(|c| is_digit(c)).count()),
            scale,
        }
    }
}

/// The reference's message for a picture error.
fn message(code: &str) -> &'static str {
    match code {
        "D3081" => "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
        "D3082" => "The sub-picture must not contain more than one instance of the 'percent' character",
        "D3083" => "The sub-picture must not contain more than one instance of the 'per-mille' character",
        "D3084" => "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085" => "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
        "D3086" => "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
        "D3087" => "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
        "D3088" => "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
        "D3089" => "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
        "D3090" => "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
        "D3091" => "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
        "D3092" => "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
        _ => "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
    }
}

fn is_active(c: char, f: &DecimalFormat) -> bool {
    f.is_digit(c)
        || c == f.decimal_separator
        || c == f.grouping_separator
        || c == f.digit
        || c == f.exponent_separator
        || c == f.pattern_separator
}

/// `Some(g)` when the ascending positions are exactly `g, 2g, …`, as the reference decides
/// regularity.
fn regular(positions: &[usize]) -> Option<usize> {
    let g = positions.iter().fold(0, |a, &b| gcd(a, b));
    (g > 0 && positions.iter().enumerate().all(|(k, &p)| p == (k + 1) * g)).then_some(g)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
