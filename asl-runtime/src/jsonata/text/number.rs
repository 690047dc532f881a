//! Numbers as JSONata prints, parses and rounds them: `$string` of a number, JSON output,
//! `$number` of a string, `$round`, `$formatBase`, and (re-exported from its own file)
//! `$formatNumber`.

use super::digits::{js_layout, Decimal};
use super::TextError;



/// How `$string` (and so `&` and string functions) print a number: integers exactly as
/// JavaScript does, other numbers first rounded to 15 significant digits so that
/// `0.1 + 0.2` prints as `0.3`. Infinity and NaN cannot be printed (`D3001`).
pub fn number_to_string(n: f64) -> Result<String, TextError> {
    if !n.is_finite() {
        return Err(TextError::new(
            "D3001",
            format!(
                "Attempting to invoke string function on {}",
                number_to_js(n)
            ),
        ));
    }
    if n.fract() == 0.0 {
        return Ok(number_to_js(n));
    }
    let rounded = Decimal::to_precision(n, 15);
    // JSONata reads the 15 digits back into a number and prints that, which drops the
    // trailing zeros and picks the layout (`1e-7`) from the rounded value.
    let text = format!(
        "{}{}e{}",
        if n < 0.0 { "-" } else { "" },
        String::from_utf8_lossy(&rounded.digits),
        i64::from(rounded.point) - rounded.digits.len() as i64
    );
    Ok(number_to_js(text.parse::<f64>().unwrap_or(n)))
}

/// How `JSON.stringify` prints a number, which is JavaScript's `Number.prototype.toString`
/// for finite numbers (shortest digits that read back as `n`) and `null` otherwise.
pub fn number_to_json(n: f64) -> String {
    if n.is_finite() {
        number_to_js(n)
    } else {
        "null".to_string()
    }
}

/// JavaScript's `Number.prototype.toString()`, including `NaN`, `Infinity` and `-Infinity`.
pub fn number_to_js(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        js_layout(n < 0.0, &Decimal::shortest(n))
    }
}

/// `$number` of a string: JSON number syntax (leading zeros allowed, as in `"007"`) or an
/// integer with a `0x`, `0o` or `0b` prefix (either case). `None` is `D3030` for the caller,
/// which knows the value to quote; so is a number too large for a double (`"1e500"`).
///
/// The reference anchors its prefix pattern only at one end, so it returns NaN for `"0x1g"`;
/// here that is `None` like any other malformed string.
pub fn parse_number(s: &str) -> Option<f64> {
    let value = if is_decimal(s) {
        s.parse::<f64>().ok()?
    } else {
        parse_prefixed(s)?
    };
    value.is_finite().then_some(value)
}

/// `-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?`
fn is_decimal(s: &str) -> bool {
    fn digits(b: &[u8]) -> usize {
        b.iter().take_while(|c| c.is_ascii_digit()).count()
    }
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int = digits(&b[i..]);
    if int == 0 {
        return false;
    }
    i += int;
    if b.get(i) == Some(&b'.') {
        let frac = digits(&b[i + 1..]);
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = digits(&b[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

/// `0x1F`, `0o17`, `0b101`, rounded to the nearest double like JavaScript's `Number()`.
fn parse_prefixed(s: &str) -> Option<f64> {
    let radix = match s.get(..2)? {
        "0x" | "0X" => 16,
        "0o" | "0O" => 8,
        "0b" | "0B" => 2,
        _ => return None,
    };
    let body = &s[2..];
    if body.is_empty() {
        return None;
    }
    let bits_per_digit = match radix {
        16 => 4,
        8 => 3,
        _ => 1,
    };
    // Once the u128 is full, later digits only scale it and, when not zero, set its lowest
    // bit: that "sticky" bit is far below the 53 the double keeps, so u128 → f64's
    // round-to-nearest-even still sees whether the dropped part was zero, a half, or more.
    let mut acc: u128 = 0;
    let mut shift: i32 = 0;
    for c in body.chars() {
        let d = u128::from(c.to_digit(radix)?);
        if acc >> (128 - 8) != 0 {
            acc |= u128::from(d != 0);
            shift = shift.saturating_add(bits_per_digit);
        } else {
            acc = (acc << bits_per_digit) | d;
        }
    }
    Some((acc as f64) * 2f64.powi(shift))
}

/// `$round(n, precision)`: half to even at `precision` decimals (negative rounds left of the
/// point), with `-0` reported as `0`.
///
/// The shift by `precision` is done on the shortest decimal text of `n`, as JSONata does, so
/// `$round(4.525, 2)` sees 452.5 (a tie, giving 4.52) where multiplying by 100 would see
/// 452.49999999999994. Unlike the reference, a shift beyond the double range does not turn the
/// result into NaN: a double has so few digits that such a rounding leaves it unchanged.
pub fn round(n: f64, precision: i32) -> f64 {
    if !n.is_finite() {
        return n;
    }
    let result = if precision == 0 {
        round_half_even(n)
    } else {
        let shifted = shift_decimal(n, i64::from(precision));
        if !shifted.is_finite() {
            n
        } else {
            shift_decimal(round_half_even(shifted), -i64::from(precision))
        }
    };
    if result == 0.0 {
        0.0
    } else {
        result
    }
}

/// `n × 10^by`, computed by editing the exponent of `n`'s JavaScript text.
fn shift_decimal(n: f64, by: i64) -> f64 {
    let text = number_to_js(n);
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (text.as_str(), 0),
    };
    // Beyond ±10^400 every double is 0 or infinite; clamping keeps the text short.
    let exponent = exponent.saturating_add(by).clamp(-1000, 1000);
    format!("{mantissa}e{exponent}")
        .parse::<f64>()
        .unwrap_or(f64::NAN)
}

/// The nearest integer, ties to the even one.
fn round_half_even(x: f64) -> f64 {
    let floor = x.floor();
    let above = x - floor;
    if above > 0.5 || (above == 0.5 && floor % 2.0 != 0.0) {
        floor + 1.0
    } else {
        floor
    }
}

/// `$formatBase(n, radix)`: `n` rounded (half to even) and written in base `radix` (itself
/// rounded, and 2 to 36, else `D3100`), with lowercase digits like JavaScript's
/// `toString(radix)`, including its exponent form in base 10 and its zero-filled low digits
/// beyond 2^53 in other bases.
pub fn format_base(n: f64, radix: f64) -> Result<String, TextError> {
    let n = round(n, 0);
    let radix = round(radix, 0);
    if !(2.0..=36.0).contains(&radix) {
        return Err(TextError::new(
            "D3100",
            format!(
                "The radix of the formatBase function must be between 2 and 36.  It was given {}",
                number_to_js(radix)
            ),
        ));
    }
    if radix == 10.0 || !n.is_finite() {
        return Ok(number_to_js(n));
    }
    Ok(integer_in_radix(n, radix as u32))
}

/// An integer-valued finite double in base `radix`. Digits below the double's precision
/// are printed as zeros, as V8 does, rather than as the exact binary value's digits.
fn integer_in_radix(n: f64, radix: u32) -> String {
    let mut value = n.abs();
    let base = f64::from(radix);
    let mut reversed = Vec::new();
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    while value / base >= EXACT {
        value /= base;
        reversed.push('0');
    }
    loop {
        let digit = value % base;
        reversed.push(char::from_digit(digit as u32, radix).unwrap_or('?'));
        value = (value - digit) / base;
        if value < 1.0 {
            break;
        }
    }
    if n < 0.0 {
        reversed.push('-');
    }
    reversed.iter().rev().collect()
}

#[cfg(test)]
#[path = "number_tests.rs"]
mod tests;
