//! JSONata's regex literals (`/pattern/flags`) are JavaScript regexes without the `u` flag;
//! [`translate`] rewrites one into a pattern for the `regex` crate with the same meaning, or
//! says which feature has no equivalent there (back-references and lookaround, which a
//! finite automaton cannot run).
//!
//! What JavaScript means differently from the `regex` crate, and so is spelled out:
//! - `\d`, `\w`, `\b` are ASCII in JavaScript, and `\w` stays ASCII under `i`;
//! - `\s` is JavaScript's list (it has U+FEFF, not U+0085), `.` stops at `\r`, U+2028, U+2029;
//! - `[^]` is any character and `[]` none; `[` inside a class is a literal;
//! - "Annex B" leniency: `\a` means `a`, a lone `{`, `}` or `]` is literal, `\8` is `8`,
//!   `\c` without a letter is a backslash and `c`, `\x`, `\u` without hex digits are letters;
//! - `\uXXXX` (and surrogate pairs of them) become the character.
//!
//! Remaining differences: JavaScript matches UTF-16 code units, so `.` against an astral
//! character, and `^`/`$` under `m` at U+2028/U+2029, behave differently; case-insensitive
//! matching uses Unicode simple folding here, so `/k/i` also matches KELVIN SIGN.

use super::TextError;

/// This implementation's code for a regex the `regex` crate cannot run. JSONata has none
/// (JavaScript runs them all); `S` because a regex literal is checked with the expression.
pub const UNSUPPORTED: &str = "S0303";

/// Rewrites the JavaScript regex `/pattern/flags` (flags `i` and `m`, as JSONata allows)
/// for `regex::Regex::new`. Errors name the unsupported feature or the bad flag; syntax
/// errors JavaScript would report are mostly left for `Regex::new` to find.
pub fn translate(pattern: &str, flags: &str) -> Result<String, TextError> {
    let mut out = String::with_capacity(pattern.len() * 2 + 8);
    for flag in flags.chars() {
        match flag {
            'i' => out.push_str("(?i)"),
            // CRLF mode makes `\r` end a line too, as in JavaScript.
            'm' => out.push_str("(?mR)"),
            other => {
                return Err(unsupported(
                    pattern,
                    &format!("the flag {other:?} (JSONata allows i and m)"),
                ))
            }
        }
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut t = Translator {
        chars: &chars,
        i: 0,
        out,
        pattern,
        groups: count_groups(&chars),
    };
    t.run()?;
    Ok(t.out)
}

fn unsupported(pattern: &str, feature: &str) -> TextError {
    TextError::new(
        UNSUPPORTED,
        format!("/{pattern}/ uses {feature}, which is not supported"),
    )
}

const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Za-z_";
const SPACE: &str =
    r"\t\n\x0B\x0C\r \xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

struct Translator<'a> {
    chars: &'a [char],
    i: usize,
    out: String,
    pattern: &'a str,
    groups: usize,
}

impl Translator<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn run(&mut self) -> Result<(), TextError> {
        while let Some(c) = self.peek(0) {
            self.i += 1;
            match c {
                '\\' => self.escape()?,
                '[' => self.class()?,
                '(' => self.group()?,
                '.' => self.out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
                '{' => match self.quantifier_len() {
                    Some(len) => {
                        self.out.push('{');
                        self.out.extend(&self.chars[self.i..self.i + len]);
                        self.i += len;
                    }
                    None => self.out.push_str(r"\{"),
                },
                '^' | '$' | '|' | ')' | '*' | '+' | '?' => self.out.push(c),
                _ => self.literal(c),
            }
        }
        Ok(())
    }

    fn literal(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out.push_str(&::regex::escape(c.encode_utf8(&mut buf)));
    }

    /// After a `{`: the length of `n}`, `n,}` or `n,m}`, or `None` when the `{` is a literal.
    fn quantifier_len(&self) -> Option<usize> {
        let rest = &self.chars[self.i..];
        let digits = |s: &[char]| s.iter().take_while(|c| c.is_ascii_digit()).count();
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        match rest.get(n) {
            Some('}') => Some(n + 1),
            Some(',') => {
                let m = digits(&rest[n + 1..]);
                (rest.get(n + 1 + m) == Some(&'}')).then_some(n + m + 2)
            }
            _ => None,
        }
    }

    fn group(&mut self) -> Result<(), TextError> {
        if self.peek(0) != Some('?') {
            self.out.push('(');
            return Ok(());
        }
        match (self.peek(1), self.peek(2)) {
            (Some(':'), _) => {
                self.i += 2;
                self.out.push_str("(?:");
            }
            (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => {
                return Err(unsupported(
                    self.pattern,
                    "lookaround ((?=, (?!, (?<=, (?<!)",
                ));
            }
            (Some('<'), _) => {
                self.i += 2;
                self.out.push_str("(?P<");
            }
            _ => {
                return Err(unsupported(
                    self.pattern,
                    "a group starting (? that JavaScript does not have",
                ))
            }
        }
        Ok(())
    }

    /// After a `\` outside a class.
    fn escape(&mut self) -> Result<(), TextError> {
        let Some(c) = self.peek(0) else {
            return Err(unsupported(self.pattern, "a trailing backslash"));
        };
        self.i += 1;
        match c {
            'd' => self.out.push_str(&format!("[{DIGIT}]")),
            'D' => self.out.push_str(&format!("[^{DIGIT}]")),
            'w' => self.out.push_str(&format!("(?-i:[{WORD}])")),
            'W' => self.out.push_str(&format!("(?-i:[^{WORD}])")),
            's' => self.out.push_str(&format!("[{SPACE}]")),
            'S' => self.out.push_str(&format!("[^{SPACE}]")),
            'b' => self.out.push_str(r"(?-u:\b)"),
            'B' => self.out.push_str(r"(?-u:\B)"),
            '1'..='9' => self.decimal_escape(c)?,
            'k' if self.has_named_groups() => {
                return Err(unsupported(
                    self.pattern,
                    "a named back-reference (\\k<name>)",
                ))
            }
            _ => {
                let ch = self.character_escape(c)?;
                self.literal(ch);
            }
        }
        Ok(())
    }

    /// `\N`: a back-reference when there are N groups, else (Annex B) an octal escape or
    /// the digit itself.
    fn decimal_escape(&mut self, first: char) -> Result<(), TextError> {
        let mut number = u64::from(first.to_digit(10).unwrap_or(0));
        let mut len = 0;
        while let Some(d) = self.peek(len).and_then(|c| c.to_digit(10)) {
            number = number.saturating_mul(10).saturating_add(u64::from(d));
            len += 1;
        }
        if number <= self.groups as u64 {
            return Err(unsupported(self.pattern, "a back-reference (\\1…)"));
        }
        self.i -= 1;
        let ch = self.legacy_octal();
        self.literal(ch);
        Ok(())
    }

    /// Annex B: up to three octal digits worth at most 0o377, or the digit `8`/`9` itself.
    fn legacy_octal(&mut self) -> char {
        let first = self.peek(0).unwrap_or('0');
        self.i += 1;
        let Some(mut value) = first.to_digit(8) else {
            return first;
        };
        for _ in 0..2 {
            match self.peek(0).and_then(|c| c.to_digit(8)) {
                Some(d) if value * 8 + d <= 0o377 => {
                    value = value * 8 + d;
                    self.i += 1;
                }
                _ => break,
            }
        }
        char::from_u32(value).unwrap_or(first)
    }

    /// A `\c` escape that stands for one character, in or out of a class (`\b` in a class is
    /// handled by the caller).
    fn character_escape(&mut self, c: char) -> Result<char, TextError> {
        Ok(match c {
            't' => '\t',
            'n' => '\n',
            'v' => '\u{B}',
            'f' => '\u{C}',
            'r' => '\r',
            '0' if !self.peek(0).is_some_and(|d| d.is_ascii_digit()) => '\0',
            '0'..='7' => {
                self.i -= 1;
                self.legacy_octal()
            }
            'c' => match self.peek(0) {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.i += 1;
                    char::from((l as u8) % 32)
                }
                // Annex B: a backslash, and the `c` is read next as itself.
                _ => {
                    self.i -= 1;
                    '\\'
                }
            },
            'x' => self.hex(2).unwrap_or('x'),
            'u' => match self.hex(4) {
                Some(ch) => ch,
                None if self.lone_surrogate_follows() => {
                    return Err(unsupported(self.pattern, "a lone surrogate escape"))
                }
                None => 'u',
            },
            other => other,
        })
    }

    /// `count` hex digits and, for a `\u` high surrogate, the `\u` low surrogate after it.
    fn hex(&mut self, count: usize) -> Option<char> {
        let read = |at: usize| -> Option<u32> {
            let digits = self.chars.get(at..at + count)?;
            digits
                .iter()
                .try_fold(0, |v, c| Some(v * 16 + c.to_digit(16)?))
        };
        let unit = read(self.i)?;
        if (0xD800..0xDC00).contains(&unit) && count == 4 {
            let at = self.i + 4;
            if self.chars.get(at..at + 2) == Some(&['\\', 'u']) {
                if let Some(low @ 0xDC00..=0xDFFF) = read(at + 2) {
                    self.i = at + 6;
                    return char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                }
            }
        }
        let ch = char::from_u32(unit)?;
        self.i += count;
        Some(ch)
    }

    fn lone_surrogate_follows(&self) -> bool {
        let digits = self.chars.get(self.i..self.i + 4);
        digits.is_some_and(|d| {
            d.iter().all(char::is_ascii_hexdigit)
                && matches!(d[0], 'd' | 'D')
                && matches!(d[1], '8'..='9' | 'a'..='f' | 'A'..='F')
        })
    }

    fn has_named_groups(&self) -> bool {
        self.chars.windows(3).any(|w| w == ['(', '?', '<'])
    }
}

mod class;

/// Capturing groups in the pattern, for telling `\2` the back-reference from `\2` the octal
/// escape.
fn count_groups(chars: &[char]) -> usize {
    let mut count = 0;
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                let named = chars.get(i + 1) == Some(&'?')
                    && chars.get(i + 2) == Some(&'<')
                    && !matches!(chars.get(i + 3), Some('=' | '!'));
                if chars.get(i + 1) != Some(&'?') || named {
                    count += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    count
}

#[cfg(test)]
#[path = "regex_tests.rs"]
mod tests;
