//! The decimal digits of a double, and JavaScript's three ways of choosing them: shortest
//! round-trip (`Number.prototype.toString`), `toPrecision(p)` and `toFixed(f)`.
//!
//! Rust's formatter already computes both shortest and exact digits, but it rounds exact ties
//! to even, where JavaScript picks the larger magnitude (`(2.5).toFixed(0)` is `"3"`, Rust's
//! `{:.0}` gives `"2"`). So the rounding to a digit count is done here, on digits that are
//! truncated, not rounded, by Rust.

/// A finite non-negative number as `0.DIGITS × 10^point`: `digits` are ASCII, without leading
/// or trailing zeros, and empty for zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub digits: Vec<u8>,
    pub point: i32,
}

/// A double's exact expansion has at most 767 significant digits; asking for more makes the
/// formatter print it without rounding.
const EXACT_DIGITS: usize = 800;

impl Decimal {
    /// The shortest digits that read back as `x` (the closest such when several are), which
    /// is what `Number.prototype.toString` prints.
    pub fn shortest(x: f64) -> Decimal {
        let x = x.abs();
        let shortest = parse_sci(&format!("{x:e}"));
        // When `x` lies exactly halfway between two shortest candidates, JavaScript takes the
        // even one; Rust's choice is not specified, so check.
        let k = shortest.digits.len();
        let odd = shortest.digits.last().is_some_and(|d| d % 2 == 1);
        if !odd {
            return shortest;
        }
        let Some(exact) = exact_if_short(x, k + 1) else {
            return shortest;
        };
        if exact.digits.len() != k + 1 || exact.digits[k] != b'5' {
            return shortest;
        }
        let mut lower = exact.clone();
        lower.digits.truncate(k);
        while lower.digits.last() == Some(&b'0') {
            lower.digits.pop();
        }
        let upper = round_at(exact, k);
        let other = if lower == shortest { upper } else { lower };
        let reads_back = format!(
            "0.{}e{}",
            String::from_utf8_lossy(&other.digits),
            other.point
        )
        .parse::<f64>()
        .is_ok_and(|y| y == x);
        if reads_back {
            other
        } else {
            shortest
        }
    }

    /// `x.toPrecision(significant)` without the layout: rounded half away from zero.
    pub fn to_precision(x: f64, significant: usize) -> Decimal {
        let x = x.abs();
        if x == 0.0 {
            return Decimal::zero();
        }
        round_at(leading_digits(x, significant + 1), significant)
    }

    /// `x.toFixed(fraction)` without the layout: rounded half away from zero at `fraction`
    /// decimals.
    pub fn to_fixed(x: f64, fraction: usize) -> Decimal {
        let x = x.abs();
        if x == 0.0 {
            return Decimal::zero();
        }
        let point = Decimal::shortest(x).point;
        // Digits kept: those left of the point plus `fraction`; with none kept, only the
        // first digit's rounding can make a unit in the last place.
        let keep = i64::from(point) + fraction.min(EXACT_DIGITS * 2) as i64;
        if keep < 0 {
            return Decimal::zero();
        }
        let keep = keep as usize;
        let lead = leading_digits(x, keep + 1);
        if lead.point != point {
            // `shortest` and the exact expansion disagree on the magnitude only when rounding
            // to 17 digits carried into a new leading digit (0.99999999999999999 → 1).
            let keep = (i64::from(lead.point) + fraction as i64).max(0) as usize;
            return round_at(leading_digits(x, keep + 1), keep);
        }
        round_at(lead, keep)
    }

    fn zero() -> Decimal {
        Decimal {
            digits: Vec::new(),
            point: 0,
        }
    }

    /// The digits as an integer part and a fractional part (ASCII), padded with zeros so the
    /// fractional part has exactly `fraction` digits; the integer part is "0" for none.
    pub fn fixed_parts(&self, fraction: usize) -> (String, String) {
        let point = self.point;
        let digit_at = |i: i64| -> u8 {
            if i >= 0 && (i as usize) < self.digits.len() {
                self.digits[i as usize]
            } else {
                b'0'
            }
        };
        let int: String = if point <= 0 {
            "0".to_string()
        } else {
            (0..i64::from(point))
                .map(|i| char::from(digit_at(i)))
                .collect()
        };
        let frac: String = (0..fraction as i64)
            .map(|i| char::from(digit_at(i64::from(point) + i)))
            .collect();
        (int, frac)
    }
}

/// Reads Rust's `{:e}` output of a non-negative finite number, `d.ddde-7`.
fn parse_sci(text: &str) -> Decimal {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    digits.drain(..leading);
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return Decimal::zero();
    }
    Decimal {
        digits,
        point: exponent + 1,
    }
}

/// The first `count` significant digits of the exact expansion of `x > 0`, truncated.
fn leading_digits(x: f64, count: usize) -> Decimal {
    // Rust rounds to the digits asked for; three more digits that are not all zeros prove
    // that no carry from beyond them reached the first `count`.
    let guard = 3;
    let count = count.clamp(1, EXACT_DIGITS);
    let text = format!("{:.*e}", count - 1 + guard, x);
    let mantissa = text.split_once('e').map_or(text.as_str(), |(m, _)| m);
    let tail_is_zero = mantissa.bytes().rev().take(guard).all(|d| d == b'0');
    let text = if tail_is_zero {
        format!("{:.*e}", EXACT_DIGITS, x)
    } else {
        text
    };
    let mut decimal = parse_sci(&text);
    decimal.digits.truncate(count);
    decimal
}

/// The exact expansion of `x > 0` if it has at most `count` significant digits.
fn exact_if_short(x: f64, count: usize) -> Option<Decimal> {
    // Rounded to 20 more digits, a short expansion shows only zeros there.
    let guard = 20;
    let text = format!("{:.*e}", count - 1 + guard, x);
    let mantissa = text.split_once('e').map_or(text.as_str(), |(m, _)| m);
    if !mantissa.bytes().rev().take(guard).all(|d| d == b'0') {
        return None;
    }
    let exact = parse_sci(&format!("{:.*e}", EXACT_DIGITS, x));
    (exact.digits.len() <= count).then_some(exact)
}

/// Rounds to `keep` significant digits, half away from zero (`digits` are exact or truncated
/// beyond `keep`, so the digit after `keep` alone decides).
fn round_at(mut decimal: Decimal, keep: usize) -> Decimal {
    if decimal.digits.len() <= keep {
        return decimal;
    }
    let up = decimal.digits[keep] >= b'5';
    decimal.digits.truncate(keep);
    if up {
        let mut i = keep;
        loop {
            if i == 0 {
                decimal.digits.insert(0, b'1');
                decimal.point += 1;
                break;
            }
            i -= 1;
            if decimal.digits[i] == b'9' {
                decimal.digits[i] = b'0';
            } else {
                decimal.digits[i] += 1;
                break;
            }
        }
    }
    while decimal.digits.last() == Some(&b'0') {
        decimal.digits.pop();
    }
    if decimal.digits.is_empty() {
        decimal.point = 0;
    }
    decimal
}

/// `Number.prototype.toString` of a finite number: its digits laid out the JavaScript way
/// (plain up to 21 integer digits and down to 6 leading fraction zeros, `1e+21` and `1e-7`
/// beyond).
pub(crate) fn js_layout(negative: bool, decimal: &Decimal) -> String {
    if decimal.digits.is_empty() {
        return "0".to_string();
    }
    let digits = std::str::from_utf8(&decimal.digits).unwrap_or("0");
    let k = digits.len() as i32;
    let n = decimal.point;
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.push_str(&"0".repeat((n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-n) as usize));
        out.push_str(digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.unsigned_abs().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(d: &Decimal) -> String {
        format!("{}@{}", String::from_utf8_lossy(&d.digits), d.point)
    }

    #[test]
    fn ties_round_away_from_zero_unlike_rust() {
        assert_eq!(show(&Decimal::to_fixed(2.5, 0)), "3@1");
        assert_eq!(show(&Decimal::to_fixed(0.5, 0)), "1@1");
        assert_eq!(show(&Decimal::to_fixed(0.4, 0)), "@0");
        assert_eq!(show(&Decimal::to_fixed(1.005, 2)), "1@1"); // 1.00499999999999989...
        assert_eq!(show(&Decimal::to_fixed(0.000001, 2)), "@0");
        assert_eq!(show(&Decimal::to_fixed(9.995, 2)), "999@1"); // 9.99499999...
        assert_eq!(show(&Decimal::to_fixed(99.5, 0)), "1@3");
        assert_eq!(
            show(&Decimal::to_precision(12345678901234.5, 14)),
            "12345678901235@14"
        );
    }

    #[test]
    fn layout_matches_javascript() {
        let js = |x: f64| js_layout(x < 0.0, &Decimal::shortest(x));
        assert_eq!(js(1e21), "1e+21");
        assert_eq!(js(1e20), "100000000000000000000");
        assert_eq!(js(1e-7), "1e-7");
        assert_eq!(js(1.5e-7), "1.5e-7");
        assert_eq!(js(0.000001), "0.000001");
        assert_eq!(js(-0.0), "0");
        assert_eq!(js(123.456), "123.456");
        assert_eq!(js(5e-324), "5e-324");
        assert_eq!(js(f64::MAX), "1.7976931348623157e+308");
    }
}
