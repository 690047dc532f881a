//! `$formatInteger` and `$parseInteger`: integer picture strings (XPath `fn:format-integer`) —
//! decimal digit patterns such as `#,##0` in any Unicode digit family, `a`/`A` letters, `i`/`I`
//! roman numerals, `w`/`W`/`Ww` words, and the `;o` ordinal modifier.
//!
//! [`IntegerPicture`] is also how the date/time pictures format and read each component.

use super::decimal::DecimalPattern;
use super::numerals::{from_letters, from_roman, to_letters, to_roman};
use super::words::{from_words, to_words, vocabulary};
use super::FormatError;

/// JSONata's `$formatInteger(value, picture)`: `value` is rounded down first (12.6 → "12").
pub fn format_integer(value: f64, picture: &str) -> Result<String, FormatError> {
    if !value.is_finite() {
        return Err(FormatError::new("D1001", format!("Number out of range: {value}")));
    }
    IntegerPicture::parse(picture)?.format(value.floor())
}

/// JSONata's `$parseInteger(text, picture)`, the inverse of [`format_integer`]. `Ok(None)`
/// (undefined) when `text` is not a number written the way `picture` says.
pub fn parse_integer(text: &str, picture: &str) -> Result<Option<f64>, FormatError> {
    IntegerPicture::parse(picture)?.read(text)
}

/// An analysed integer picture.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IntegerPicture {
    pub(crate) style: Style,
    pub(crate) case: Case,
    /// `;o`: "1st", "first".
    pub(crate) ordinal: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Style {
    Decimal(DecimalPattern),
    Letters,
    Roman,
    Words,
    /// A numbering sequence other than the above (`α`, `#`): the spec leaves these to the
    /// implementation and JSONata has none, so using one fails (D3130), though analysing it
    /// does not.
    Sequence(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Lower,
    Upper,
    Title,
}

impl IntegerPicture {
    /// Analyses a picture: a primary token, then optionally `;` and a modifier (`o` ordinal,
    /// `c` cardinal; anything else is ignored, as in JSONata).
    pub(crate) fn parse(picture: &str) -> Result<Self, FormatError> {
        let (primary, ordinal) = match picture.rsplit_once(';') {
            Some((primary, modifier)) => (primary, modifier.starts_with('o')),
            None => (picture, false),
        };
        let (style, case) = match primary {
            "a" => (Style::Letters, Case::Lower),
            "A" => (Style::Letters, Case::Upper),
            "i" => (Style::Roman, Case::Lower),
            "I" => (Style::Roman, Case::Upper),
            "w" => (Style::Words, Case::Lower),
            "W" => (Style::Words, Case::Upper),
            "Ww" => (Style::Words, Case::Title),
            _ => match DecimalPattern::parse(primary)? {
                Some(pattern) => (Style::Decimal(pattern), Case::Lower),
                None => (Style::Sequence(primary.to_owned()), Case::Lower),
            },
        };
        Ok(IntegerPicture { style, case, ordinal })
    }

    /// The decimal pattern, if this is one.
    pub(crate) fn decimal(&self) -> Option<&DecimalPattern> {
        match &self.style {
            Style::Decimal(pattern) => Some(pattern),
            _ => None,
        }
    }

    pub(crate) fn decimal_mut(&mut self) -> Option<&mut DecimalPattern> {
        match &mut self.style {
            Style::Decimal(pattern) => Some(pattern),
            _ => None,
        }
    }

    /// Writes a whole `value`; a negative one gets a leading `-`.
    pub(crate) fn format(&self, value: f64) -> Result<String, FormatError> {
        let magnitude = value.abs();
        let text = match &self.style {
            Style::Decimal(pattern) => pattern.format(magnitude, self.ordinal),
            Style::Letters => to_letters(magnitude, self.case == Case::Upper),
            Style::Roman => {
                let roman = to_roman(magnitude)?;
                if self.case == Case::Upper {
                    roman.to_uppercase()
                } else {
                    roman
                }
            }
            Style::Words => {
                let words = to_words(magnitude, self.ordinal);
                match self.case {
                    Case::Lower => words.to_lowercase(),
                    Case::Upper => words.to_uppercase(),
                    Case::Title => words,
                }
            }
            Style::Sequence(token) => return Err(unsupported_sequence(token)),
        };
        Ok(if value < 0.0 { format!("-{text}") } else { text })
    }

    /// Reads a number written in this picture's style, in any letter case.
    pub(crate) fn read(&self, text: &str) -> Result<Option<f64>, FormatError> {
        Ok(match &self.style {
            Style::Decimal(pattern) => pattern.read(text, self.ordinal),
            Style::Letters => from_letters(text),
            Style::Roman => from_roman(text),
            Style::Words => from_words(text),
            Style::Sequence(token) => return Err(unsupported_sequence(token)),
        })
    }

    /// A regex (no capture groups) matching what [`Self::read`] reads, for finding the number
    /// inside a longer text. `width` fixes the digit count when the number runs straight into
    /// another one ("201802" for `[Y0001][M01]`).
    pub(crate) fn regex(&self, width: Option<usize>) -> Result<String, FormatError> {
        Ok(match &self.style {
            Style::Decimal(pattern) => pattern.regex(width, self.ordinal),
            Style::Letters => "[a-zA-Z]+".to_owned(),
            Style::Roman => "[mdclxviMDCLXVI]+".to_owned(),
            Style::Words => {
                let mut words: Vec<String> = vocabulary().map(str::to_lowercase).collect();
                words.push("and".to_owned());
                words.push("[\\-, ]".to_owned());
                format!("(?:{})+", words.join("|"))
            }
            Style::Sequence(token) => return Err(unsupported_sequence(token)),
        })
    }
}

fn unsupported_sequence(token: &str) -> FormatError {
    FormatError::new(
        "D3130",
        format!(
            "Formatting or parsing an integer as a sequence starting with {token:?} is not \
             supported by this implementation"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_patterns() {
        assert_eq!(format_integer(1234567890.0, "#,##0").unwrap(), "1,234,567,890");
        assert_eq!(format_integer(1234567890.0, "##,##,##0").unwrap(), "12345,67,890");
        assert_eq!(format_integer(12.0, "#:###,##0").unwrap(), "12");
        assert_eq!(format_integer(-3.0, "0000").unwrap(), "-0003");
        assert_eq!(format_integer(1e21, "0").unwrap(), "1e+21");
        assert_eq!(format_integer(2f64.powi(60), "0").unwrap(), "1152921504606847000");
        assert_eq!(format_integer(111.0, "0;o").unwrap(), "111th");
        assert_eq!(format_integer(1234.0, "٠,٠٠٠").unwrap(), "١,٢٣٤");
        assert_eq!(format_integer(f64::NAN, "0").unwrap_err().code, "D1001");
    }

    #[test]
    fn reading_rejects_what_the_picture_cannot_write() {
        assert_eq!(parse_integer("12abc", "0").unwrap(), None);
        assert_eq!(parse_integer("-12", "0").unwrap(), Some(-12.0));
        assert_eq!(parse_integer("123", "0;o").unwrap(), Some(123.0));
        assert_eq!(parse_integer("", "0").unwrap(), None);
        assert_eq!(parse_integer("é", "0;o").unwrap(), None);
    }
}
