//! English number words both ways ("three thousand, seven hundred and thirty-first" ⇄ 3731), as
//! the `w`, `W` and `Ww` integer presentations spell them.
//!
//! Numbers are whole `f64`s, not integers, because JSONata's are: `1e46` has words ("ten billion
//! trillion trillion trillion"), and doing the arithmetic in `f64` gives JSONata's words for
//! numbers past 2^53 too.

const CARDINALS: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const ORDINALS: [&str; 20] = [
    "Zeroth",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Thirteenth",
    "Fourteenth",
    "Fifteenth",
    "Sixteenth",
    "Seventeenth",
    "Eighteenth",
    "Nineteenth",
];
/// Twenty to ninety; index 0 is twenty.
const TENS: [&str; 8] =
    ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"];
const TENS_ORDINAL: [&str; 8] = [
    "Twentieth",
    "Thirtieth",
    "Fortieth",
    "Fiftieth",
    "Sixtieth",
    "Seventieth",
    "Eightieth",
    "Ninetieth",
];
/// Powers of a thousand; past a trillion the names repeat ("one thousand trillion").
const MAGNITUDES: [&str; 4] = ["Thousand", "Million", "Billion", "Trillion"];
const THOUSAND: f64 = 1000.0;

/// `value` (whole, not negative, finite) in title-case words: "Five Hundred and Fifty-Five".
pub(crate) fn to_words(value: f64, ordinal: bool) -> String {
    let mut out = String::new();
    push_words(&mut out, value, false, ordinal);
    out
}

/// Appends `num`; `after` says whether words precede it (then it is joined by "and" or a comma).
/// Recursion depth is bounded: each level divides by at least a thousand.
fn push_words(out: &mut String, num: f64, after: bool, ordinal: bool) {
    if num < 20.0 {
        if after {
            out.push_str(" and ");
        }
        let index = (num.max(0.0) as usize).min(19);
        out.push_str(if ordinal { ORDINALS[index] } else { CARDINALS[index] });
    } else if num < 100.0 {
        if after {
            out.push_str(" and ");
        }
        let tens = (num / 10.0).floor();
        let rest = num - tens * 10.0;
        let index = (tens as usize).clamp(2, 9) - 2;
        if rest > 0.0 {
            out.push_str(TENS[index]);
            out.push('-');
            push_words(out, rest, false, ordinal);
        } else {
            out.push_str(if ordinal { TENS_ORDINAL[index] } else { TENS[index] });
        }
    } else if num < THOUSAND {
        if after {
            out.push_str(", ");
        }
        let hundreds = (num / 100.0).floor();
        out.push_str(CARDINALS[(hundreds as usize).min(9)]);
        out.push_str(" Hundred");
        push_rest(out, num - hundreds * 100.0, ordinal);
    } else {
        if after {
            out.push_str(", ");
        }
        let (magnitude, factor) = magnitude(num);
        let mantissa = (num / factor).floor();
        push_words(out, mantissa, false, false);
        out.push(' ');
        out.push_str(magnitude);
        push_rest(out, num - mantissa * factor, ordinal);
    }
}

/// What follows "… hundred" or "… million": the rest, or "th" when there is none and the number
/// is ordinal ("one hundredth").
fn push_rest(out: &mut String, rest: f64, ordinal: bool) {
    if rest > 0.0 {
        push_words(out, rest, true, ordinal);
    } else if ordinal {
        out.push_str("th");
    }
}

/// The largest named power of a thousand not above `num` (at least a thousand).
fn magnitude(num: f64) -> (&'static str, f64) {
    let mut index = 0;
    let mut factor = THOUSAND;
    while index + 1 < MAGNITUDES.len() && num >= factor * THOUSAND {
        index += 1;
        factor *= THOUSAND;
    }
    (MAGNITUDES[index], factor)
}

/// Every word [`from_words`] knows, lower case, for building a regex that finds numbers in words.
pub(crate) fn vocabulary() -> impl Iterator<Item = &'static str> {
    CARDINALS
        .iter()
        .chain(&ORDINALS)
        .chain(&TENS)
        .chain(&TENS_ORDINAL)
        .chain(&["Hundred", "Hundredth"])
        .chain(&MAGNITUDES)
        .chain(&["Thousandth", "Millionth", "Billionth", "Trillionth"])
        .copied()
}

fn word_value(word: &str) -> Option<f64> {
    let same = |w: &&str| w.eq_ignore_ascii_case(word);
    if let Some(n) = CARDINALS.iter().position(same).or_else(|| ORDINALS.iter().position(same)) {
        return Some(n as f64);
    }
    if let Some(n) = TENS.iter().position(same).or_else(|| TENS_ORDINAL.iter().position(same)) {
        return Some((n as f64 + 2.0) * 10.0);
    }
    if word.eq_ignore_ascii_case("hundred") || word.eq_ignore_ascii_case("hundredth") {
        return Some(100.0);
    }
    let mut factor = THOUSAND;
    for name in MAGNITUDES {
        let ordinal = word.len() == name.len() + 2
            && word.get(name.len()..).is_some_and(|th| th.eq_ignore_ascii_case("th"));
        let stem = if ordinal { word.get(..name.len()) } else { Some(word) };
        if stem.is_some_and(|stem| stem.eq_ignore_ascii_case(name)) {
            return Some(factor);
        }
        factor *= THOUSAND;
    }
    None
}

/// The number `text` spells, in any case; `None` when a word is not a number word or there are
/// none. Words are separated by spaces, hyphens and commas, and "and" is skipped.
///
/// A small number is added to the running group and a hundred/thousand/… multiplies it; a group
/// already worth a thousand or more is closed first, so "nineteen hundred and eighty-four" and
/// "one thousand, nine hundred and eighty-four" both give 1984.
pub(crate) fn from_words(text: &str) -> Option<f64> {
    let mut groups: Vec<f64> = vec![0.0];
    let mut words = 0;
    for word in text.split(|c: char| c.is_whitespace() || c == '-' || c == ',') {
        if word.is_empty() || word.eq_ignore_ascii_case("and") {
            continue;
        }
        let value = word_value(word)?;
        words += 1;
        let mut top = groups.pop().unwrap_or(0.0);
        if value < 100.0 {
            if top >= THOUSAND {
                groups.push(top);
                top = 0.0;
            }
            groups.push(top + value);
        } else {
            groups.push(top * value);
        }
    }
    (words > 0).then(|| groups.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for n in
            [0.0, 7.0, 19.0, 20.0, 40.0, 99.0, 100.0, 101.0, 999.0, 1000.0, 1e6 + 1.0, 12345678.0]
        {
            for ordinal in [false, true] {
                let words = to_words(n, ordinal);
                assert_eq!(from_words(&words), Some(n), "{words}");
            }
        }
    }

    #[test]
    fn ordinal_tens_and_magnitudes() {
        assert_eq!(to_words(40.0, true), "Fortieth");
        assert_eq!(to_words(2e6, true), "Two Millionth");
        assert_eq!(from_words("two millionth"), Some(2e6));
        assert_eq!(from_words("ONE THOUSANDTH"), Some(1000.0));
        assert_eq!(from_words("two zillion"), None);
        assert_eq!(from_words(" and "), None);
    }
}
