//! Character classes `[...]`, whose syntax differs most between JavaScript and the `regex`
//! crate: there `[`, `&&`, `--` and `~~` have meanings, here they are literals.

use super::{unsupported, Translator, DIGIT, SPACE, WORD};
use crate::jsonata::text::TextError;

/// One member of a class as JavaScript reads it.
enum Atom {
    Char(char),
    /// A class escape (`\d`, `\W`, …) as a nested `regex` class.
    Set(String),
}

impl Translator<'_> {
    /// After a `[` outside a class.
    pub(super) fn class(&mut self) -> Result<(), TextError> {
        let negated = self.peek(0) == Some('^');
        if negated {
            self.i += 1;
        }
        if self.peek(0) == Some(']') {
            self.i += 1;
            // `[]` matches nothing and `[^]` anything, where the regex crate would read the
            // `]` as a member.
            self.out.push_str(if negated {
                "(?s:.)"
            } else {
                r"[^\x{0}-\x{10FFFF}]"
            });
            return Ok(());
        }
        let mut body = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(unsupported(self.pattern, "an unterminated character class"));
            };
            self.i += 1;
            if c == ']' {
                break;
            }
            let first = self.atom(c)?;
            let range = self.peek(0) == Some('-') && !matches!(self.peek(1), Some(']') | None);
            match (first, range) {
                (Atom::Char(low), true) => {
                    let next = self.peek(1).unwrap_or(']');
                    self.i += 2;
                    match self.atom(next)? {
                        Atom::Char(high) if high < low => {
                            return Err(unsupported(self.pattern, "a class range out of order"));
                        }
                        Atom::Char(high) => {
                            push_member(&mut body, low);
                            body.push('-');
                            push_member(&mut body, high);
                        }
                        // Annex B: `[a-\d]` is `a`, `-` and the digits.
                        Atom::Set(set) => {
                            push_member(&mut body, low);
                            push_member(&mut body, '-');
                            body.push_str(&set);
                        }
                    }
                }
                (Atom::Char(c), false) => push_member(&mut body, c),
                (Atom::Set(set), _) => body.push_str(&set),
            }
        }
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        self.out.push_str(&body);
        self.out.push(']');
        Ok(())
    }

    /// The member starting with `c` (already consumed).
    fn atom(&mut self, c: char) -> Result<Atom, TextError> {
        if c != '\\' {
            return Ok(Atom::Char(c));
        }
        let Some(e) = self.peek(0) else {
            return Err(unsupported(self.pattern, "a trailing backslash"));
        };
        self.i += 1;
        let set = |s: &str| Ok(Atom::Set(s.to_string()));
        match e {
            'd' => set(&format!("[{DIGIT}]")),
            'D' => set(&format!("[^{DIGIT}]")),
            'w' => set(&format!("[{WORD}]")),
            'W' => set(&format!("[^{WORD}]")),
            's' => set(&format!("[{SPACE}]")),
            'S' => set(&format!("[^{SPACE}]")),
            'b' => Ok(Atom::Char('\u{8}')),
            // In a class a digit escape is never a back-reference.
            '8' | '9' => Ok(Atom::Char(e)),
            // Annex B: `\c` followed by a digit or `_` is a control character inside classes.
            'c' if self.peek(0).is_some_and(|d| d.is_ascii_digit() || d == '_') => {
                let d = self.peek(0).unwrap_or('_');
                self.i += 1;
                Ok(Atom::Char(char::from((d as u8) % 32)))
            }
            _ => self.character_escape(e).map(Atom::Char),
        }
    }
}

/// A literal member, escaped where the `regex` crate's class syntax would read it otherwise.
fn push_member(body: &mut String, c: char) {
    if "[]\\^-&~".contains(c) {
        body.push('\\');
        body.push(c);
    } else if c.is_control() || c.is_whitespace() {
        body.push_str(&format!("\\x{{{:X}}}", c as u32));
    } else {
        body.push(c);
    }
}
