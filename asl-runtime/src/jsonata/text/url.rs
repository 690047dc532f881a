//! `$encodeUrl`, `$encodeUrlComponent`, `$decodeUrl`, `$decodeUrlComponent`: JavaScript's
//! `encodeURI`, `encodeURIComponent`, `decodeURI` and `decodeURIComponent` (ECMA-262's Encode
//! and Decode), percent-encoding UTF-8.
//!
//! JavaScript's encoders fail only on lone surrogates, which a Rust string cannot hold, so here
//! they cannot fail. The decoders fail (D3140) on a `%` without two hex digits after it, and on
//! escapes that do not spell UTF-8 (overlong forms and surrogates included).

use super::TextError;

/// Characters `encodeURIComponent` leaves alone besides ASCII letters and digits.
const COMPONENT_UNESCAPED: &[u8] = b"-_.!~*'()";
/// Characters that also delimit a URI's parts, which `encodeURI` leaves and `decodeURI` keeps
/// escaped.
const RESERVED: &[u8] = b";/?:@&=+$,#";

/// `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` percent-encoded.
pub fn encode_url_component(s: &str) -> String {
    encode(s, |b| COMPONENT_UNESCAPED.contains(&b))
}

/// `encodeURI`: like [`encode_url_component`] but also leaving `; / ? : @ & = + $ , #`.
pub fn encode_url(s: &str) -> String {
    encode(s, |b| {
        COMPONENT_UNESCAPED.contains(&b) || RESERVED.contains(&b)
    })
}

/// `decodeURIComponent`: every escape decoded.
pub fn decode_url_component(s: &str) -> Result<String, TextError> {
    decode(s, |_| false).ok_or_else(|| malformed("decodeUrlComponent", s))
}

/// `decodeURI`: escapes decoded, except those of `; / ? : @ & = + $ , #`, which stay as
/// written so the URL keeps its structure.
pub fn decode_url(s: &str) -> Result<String, TextError> {
    decode(s, |b| RESERVED.contains(&b)).ok_or_else(|| malformed("decodeUrl", s))
}

fn malformed(function: &str, s: &str) -> TextError {
    TextError::new(
        "D3140",
        format!("Malformed URL passed to ${function}(): {s:?}"),
    )
}

fn encode(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xF));
        }
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).map_or('0', |c| c.to_ascii_uppercase())
}

/// `None` when malformed; `keep_escaped` names the ASCII bytes whose escapes stay as written.
fn decode(s: &str, keep_escaped: impl Fn(u8) -> bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let Some(next) = bytes[i..].iter().position(|&b| b == b'%') else {
            out.push_str(&s[i..]);
            break;
        };
        out.push_str(&s[i..i + next]);
        i += next;
        let first = escaped_byte(bytes, i)?;
        let length = match first {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        if length == 1 {
            if keep_escaped(first) {
                out.push_str(&s[i..i + 3]);
            } else {
                out.push(char::from(first));
            }
            i += 3;
            continue;
        }
        let mut utf8 = [first, 0, 0, 0];
        for (k, slot) in utf8.iter_mut().enumerate().take(length).skip(1) {
            *slot = escaped_byte(bytes, i + 3 * k)?;
        }
        // from_utf8 refuses what JavaScript refuses: bad continuations, overlong forms,
        // surrogates, and code points past U+10FFFF.
        out.push_str(std::str::from_utf8(&utf8[..length]).ok()?);
        i += 3 * length;
    }
    Some(out)
}

/// The byte of the `%XX` escape at `at`.
fn escaped_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let escape = bytes.get(at..at + 3)?;
    if escape[0] != b'%' {
        return None;
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    Some((digit(escape[1])? * 16 + digit(escape[2])?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonata::text::suite::{self, Arg};

    fn check(function: &str, f: impl Fn(&str) -> Result<String, TextError>) -> suite::Report {
        let group = format!("function-{function}");
        suite::run(&[&group], function, |args| match args {
            [Arg::Str(s)] => Some(suite::text(f(s))),
            _ => None,
        })
    }

    #[test]
    fn suite_url_functions() {
        let reports = [
            check("encodeUrl", |s| Ok(encode_url(s))),
            check("encodeUrlComponent", |s| Ok(encode_url_component(s))),
            check("decodeUrl", decode_url),
            check("decodeUrlComponent", decode_url_component),
        ];
        for report in &reports {
            assert!(report.failures.is_empty());
        }
        let passed: Vec<usize> = reports.iter().map(|r| r.passed).collect();
        assert_eq!(passed, [1, 1, 2, 2]);
    }

    #[test]
    fn encoders_match_javascript() {
        let all: String = (0x20u8..0x7F).map(char::from).collect();
        assert_eq!(
            encode_url_component(&all),
            "%20!%22%23%24%25%26'()*%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~"
        );
        assert_eq!(
            encode_url(&all),
            "%20!%22#$%25&'()*+,-./0123456789:;%3C=%3E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~"
        );
        assert_eq!(encode_url_component("€𝄞"), "%E2%82%AC%F0%9D%84%9E");
    }

    #[test]
    fn decoders_match_javascript() {
        assert_eq!(
            decode_url_component("%E2%82%ac%F0%9D%84%9E%2F").unwrap(),
            "€𝄞/"
        );
        assert_eq!(decode_url("%2F%3f%41%E2%82%AC").unwrap(), "%2F%3fA€");
        assert_eq!(decode_url("100%25").unwrap(), "100%");
        for bad in [
            "%",
            "%4",
            "%zz",
            "%C0%80",
            "%ED%A0%80",
            "%E2%82",
            "%E2%82%41",
            "%80",
            "%F8",
        ] {
            assert_eq!(
                decode_url_component(bad).unwrap_err().code,
                "D3140",
                "{bad}"
            );
        }
        assert_eq!(decode_url_component("%E2é").unwrap_err().code, "D3140");
    }
}
