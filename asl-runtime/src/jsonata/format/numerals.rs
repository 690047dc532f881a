//! Roman numerals (`i`/`I`) and spreadsheet-column letters (`a`/`A`: a…z, aa, ab…), both ways.
//! Values are whole, non-negative `f64`s, as in JSONata.

use super::FormatError;

const ROMAN: [(f64, &str); 13] = [
    (1000.0, "m"),
    (900.0, "cm"),
    (500.0, "d"),
    (400.0, "cd"),
    (100.0, "c"),
    (90.0, "xc"),
    (50.0, "l"),
    (40.0, "xl"),
    (10.0, "x"),
    (9.0, "ix"),
    (5.0, "v"),
    (4.0, "iv"),
    (1.0, "i"),
];

/// Roman numerals write thousands as repeated "m"s, so the text grows with the value; this
/// keeps it under a thousand characters.
pub(crate) const MAX_ROMAN: f64 = 1_000_000.0;

/// Lower-case roman numerals; zero is the empty string, as in JSONata.
pub(crate) fn to_roman(value: f64) -> Result<String, FormatError> {
    if value >= MAX_ROMAN {
        return Err(FormatError::new(
            "D1001",
            format!("Number out of range: {value} is too large for roman numerals"),
        ));
    }
    let mut rest = value;
    let mut out = String::new();
    for (worth, numeral) in ROMAN {
        while rest >= worth {
            out.push_str(numeral);
            rest -= worth;
        }
    }
    Ok(out)
}

/// The value of roman numerals in either case; a smaller numeral before a larger one subtracts
/// ("iv"). `None` when a character is not a roman numeral.
pub(crate) fn from_roman(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut largest = 1.0;
    for c in text.chars().rev() {
        let value = match c.to_ascii_lowercase() {
            'm' => 1000.0,
            'd' => 500.0,
            'c' => 100.0,
            'l' => 50.0,
            'x' => 10.0,
            'v' => 5.0,
            'i' => 1.0,
            _ => return None,
        };
        if value < largest {
            total -= value;
        } else {
            largest = value;
            total += value;
        }
    }
    Some(total)
}

/// Bijective base 26 over `a`…`z` (or `A`…`Z`): 1 → a, 26 → z, 27 → aa. Zero is empty. The
/// loop runs once per letter, at most 218 times for a finite `f64`.
pub(crate) fn to_letters(value: f64, upper: bool) -> String {
    let base = if upper { b'A' } else { b'a' };
    let mut letters = Vec::new();
    let mut rest = value;
    while rest > 0.0 {
        let digit = ((rest - 1.0) % 26.0) as u8;
        letters.push(char::from(base + digit.min(25)));
        rest = ((rest - 1.0) / 26.0).floor();
    }
    letters.iter().rev().collect()
}

/// The inverse of [`to_letters`], in either case (so "" is 0); `None` unless `text` is ASCII
/// letters only.
pub(crate) fn from_letters(text: &str) -> Option<f64> {
    let mut total = 0.0;
    for c in text.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        let digit = (c.to_ascii_lowercase() as u8 - b'a') as f64 + 1.0;
        total = total * 26.0 + digit;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_both_ways() {
        assert_eq!(to_roman(1984.0).unwrap(), "mcmlxxxiv");
        assert_eq!(to_roman(0.0).unwrap(), "");
        assert_eq!(from_roman("MCMLXXXIV"), Some(1984.0));
        assert_eq!(from_roman("xcix"), Some(99.0));
        assert_eq!(from_roman("xq"), None);
        assert_eq!(to_roman(1e300).unwrap_err().code, "D1001");
    }

    #[test]
    fn letters_both_ways() {
        assert_eq!(to_letters(27.0, false), "aa");
        assert_eq!(to_letters(123456.0, true), "FZPH");
        assert_eq!(from_letters("FZPH"), Some(123456.0));
        assert_eq!(from_letters("a1"), None);
        assert_eq!(from_letters(""), Some(0.0));
        assert!(to_letters(1e308, true).len() < 250);
    }
}
