//! `$formatNumber(number, picture, options)`: XPath's `fn:format-number` (F&O 3.1 §4.7) as
//! JSONata implements it. The picture is checked whole (codes D3080–D3093, the last failing
//! rule winning as in the reference), analysed into a [`SubPicture`], then applied.
//!
//! Where the reference has accidents that XPath contradicts, this follows XPath:
//! - an exponent separator counts only between active characters (`"0e"` is `0` then a
//!   passive `e`, not a D3093), and is found in a picture that has a prefix (`"x0.0e0"`);
//! - every grouping separator of the fractional part is honoured, and none is inserted where
//!   no digit stands on its far side;
//! - a number of 21 digits or more prints its digits (`1e21` is `1,000,…`, not `1e,+21`);
//! - fraction digits forced by an exponent picture without a decimal separator (`"#e0"`) get a
//!   decimal separator in front of them.

use super::digits::Decimal;
use super::number::round;
use super::TextError;

mod picture;

use picture::SubPicture;

/// The decimal format: the characters and strings a picture is written in and a number is
/// printed with. `Default` is XPath's (and JSONata's) default format; the third argument of
/// `$formatNumber` overrides properties by name through [`DecimalFormat::set`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalFormat {
    pub decimal_separator: char,
    pub grouping_separator: char,
    pub exponent_separator: char,
    pub infinity: String,
    pub nan: String,
    pub minus_sign: String,
    pub percent: String,
    pub per_mille: String,
    pub zero_digit: char,
    pub digit: char,
    pub pattern_separator: char,
}

impl Default for DecimalFormat {
    fn default() -> Self {
        DecimalFormat {
            decimal_separator: '.',
            grouping_separator: ',',
            exponent_separator: 'e',
            infinity: "Infinity".to_string(),
            nan: "NaN".to_string(),
            minus_sign: "-".to_string(),
            percent: "%".to_string(),
            per_mille: "\u{2030}".to_string(),
            zero_digit: '0',
            digit: '#',
            pattern_separator: ';',
        }
    }
}

impl DecimalFormat {
    /// Sets the property `name` (as spelled in `$formatNumber`'s options: `"decimal-separator"`,
    /// `"per-mille"`, `"NaN"`, …) to `value`.
    ///
    /// The reference silently ignores unknown names and misbehaves on multi-character
    /// separators; both are refused here (`T0410`, the code for an argument that does not fit
    /// the function). Percent and per-mille may be strings (`"pm"`), as the suite uses.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), TextError> {
        let single = || -> Result<char, TextError> {
            let mut chars = value.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(bad_option(name, value, "must be a single character")),
            }
        };
        let text = || -> Result<String, TextError> {
            if value.is_empty() {
                Err(bad_option(name, value, "must not be empty"))
            } else {
                Ok(value.to_string())
            }
        };
        match name {
            "decimal-separator" => self.decimal_separator = single()?,
            "grouping-separator" => self.grouping_separator = single()?,
            "exponent-separator" => self.exponent_separator = single()?,
            "digit" => self.digit = single()?,
            "pattern-separator" => self.pattern_separator = single()?,
            "zero-digit" => {
                let zero = single()?;
                // The ten digits are the ten code points from zero; all must be characters.
                if (0..10).any(|d| char::from_u32(zero as u32 + d).is_none()) {
                    return Err(bad_option(
                        name,
                        value,
                        "does not start ten digit characters",
                    ));
                }
                self.zero_digit = zero;
            }
            "infinity" => self.infinity = text()?,
            "NaN" => self.nan = text()?,
            "minus-sign" => self.minus_sign = text()?,
            "percent" => self.percent = text()?,
            "per-mille" => self.per_mille = text()?,
            _ => return Err(bad_option(name, value, "is not a decimal format property")),
        }
        Ok(())
    }

    /// The digit `d` (0–9) of this format's digit family.
    fn digit_char(&self, d: u32) -> char {
        char::from_u32(self.zero_digit as u32 + d).unwrap_or('?')
    }

    fn is_digit(&self, c: char) -> bool {
        (c as u32).wrapping_sub(self.zero_digit as u32) < 10
    }
}

fn bad_option(name: &str, value: &str, why: &str) -> TextError {
    TextError::new(
        "T0410",
        format!("$formatNumber option {name:?} = {value:?} {why}"),
    )
}

/// `$formatNumber(n, picture, format)`: `n` laid out by the XPath picture string.
pub fn format_number(n: f64, picture: &str, format: &DecimalFormat) -> Result<String, TextError> {
    let texts: Vec<&str> = picture.split(format.pattern_separator).collect();
    if texts.len() > 2 {
        return Err(TextError::new(
            "D3080",
            "The picture string must only contain a maximum of two sub-pictures",
        ));
    }
    let positive = SubPicture::parse(texts[0], format)?;
    let negative = match texts.get(1) {
        Some(text) => SubPicture::parse(text, format)?,
        None => positive.negated(&format.minus_sign),
    };
    if n.is_nan() {
        return Ok(format.nan.clone());
    }
    let picture = if n >= 0.0 { &positive } else { &negative };
    if n.is_infinite() {
        return Ok(format!(
            "{}{}{}",
            picture.prefix, format.infinity, picture.suffix
        ));
    }
    let scaled = n.abs() * picture.scale.factor();
    let body = match picture.minimum_exponent {
        None => mantissa_text(scaled, picture, format),
        Some(width) => {
            let (mantissa, exponent) = split_exponent(scaled, picture.scaling_factor);
            let mut body = mantissa_text(mantissa, picture, format);
            body.push(format.exponent_separator);
            if exponent < 0 {
                body.push_str(&format.minus_sign);
            }
            let digits = exponent.unsigned_abs().to_string();
            let pad = width.saturating_sub(digits.len());
            body.push_str(&format.zero_digit.to_string().repeat(pad));
            body.extend(
                digits
                    .chars()
                    .map(|d| format.digit_char(d as u32 - '0' as u32)),
            );
            body
        }
    };
    Ok(format!("{}{}{}", picture.prefix, body, picture.suffix))
}

/// `mantissa × 10^exponent = n` with `10^(k-1) <= mantissa <= 10^k` for `k` mandatory integer
/// digits. The reference scales by repeated ×10 and ÷10 in floating point; doing the same
/// keeps its last-digit rounding (and the loop is bounded by the double's exponent range).
fn split_exponent(n: f64, scaling_factor: usize) -> (f64, i32) {
    let power = |k: i64| format!("1e{k}").parse::<f64>().unwrap_or(f64::INFINITY);
    let max = power(scaling_factor as i64);
    let min = power(scaling_factor as i64 - 1);
    let (mut mantissa, mut exponent) = (n, 0i32);
    if mantissa == 0.0 || !mantissa.is_finite() {
        return (mantissa, 0);
    }
    while mantissa < min && mantissa.is_finite() && exponent > -1000 {
        mantissa *= 10.0;
        exponent -= 1;
    }
    while mantissa > max && exponent < 1000 {
        mantissa /= 10.0;
        exponent += 1;
    }
    (mantissa, exponent)
}

/// The non-negative `n` as the picture's integer and fractional digits (no prefix, suffix or
/// exponent).
fn mantissa_text(n: f64, picture: &SubPicture, format: &DecimalFormat) -> String {
    let max_fraction = picture.maximum_fraction;
    let rounded = round(n, i32::try_from(max_fraction).unwrap_or(i32::MAX));
    let (int, frac) = Decimal::to_fixed(rounded, max_fraction).fixed_parts(max_fraction);
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int_pad = picture.minimum_integer.saturating_sub(int.len());
    let int: Vec<char> = "0".repeat(int_pad).chars().chain(int.chars()).collect();
    let frac_pad = picture.minimum_fraction.saturating_sub(frac.len());
    let frac: Vec<char> = frac.chars().chain("0".repeat(frac_pad).chars()).collect();

    let digit = |c: &char| format.digit_char(c.to_digit(10).unwrap_or(0));
    let mut out = String::with_capacity(int.len() * 2 + frac.len() * 2 + 4);
    for (i, c) in int.iter().enumerate() {
        let right = int.len() - i; // digits from here to the decimal point
        if i > 0 && picture.groups_integer_at(right) {
            out.push(format.grouping_separator);
        }
        out.push(digit(c));
    }
    if !frac.is_empty() {
        out.push(format.decimal_separator);
        for (i, c) in frac.iter().enumerate() {
            if i > 0 && picture.groups_fraction_at(i) {
                out.push(format.grouping_separator);
            }
            out.push(digit(c));
        }
    }
    out
}

#[cfg(test)]
#[path = "format_number_tests.rs"]
mod tests;
