//! JSONata's tokens. The lexer is driven by the parser: whether `/` starts a regular expression
//! depends on whether an operand is expected, which only the parser knows.

use super::SyntaxError;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// An operator or punctuation, including the word operators `and`, `or`, `in`.
    Op(&'static str),
    Str(String),
    Num(f64),
    /// `true`, `false`.
    Bool(bool),
    Null,
    /// A field name, plain or in backticks.
    Name(String),
    /// `$name`; `$` alone is the empty name, `$$` is `$`.
    Var(String),
    Regex { pattern: String, flags: String },
    End,
}

/// Operators, longest first so that `..` wins over `.`.
const OPERATORS: &[&str] = &[
    "..", ":=", "!=", "<=", ">=", "**", "~>", "?:", "??", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?",
    "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

/// Characters that end a name.
fn ends_name(c: char) -> bool {
    c.is_whitespace() || ".[]{}(),@#;:?+-*/%|=<>^&!~\"'`$".contains(c)
}

pub struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Lexer<'t> {
    pub fn new(text: &'t str) -> Self {
        Lexer { text, pos: 0 }
    }

    /// A lexer that carries on from byte `pos` (after the parser read a stretch itself).
    pub fn resume_at(text: &'t str, pos: usize) -> Self {
        Lexer { text, pos }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    fn rest(&self) -> &'t str {
        &self.text[self.pos..]
    }

    /// The next token and the byte offset it starts at. `operand`: an operand is expected, so
    /// `/` starts a regular expression.
    pub fn next(&mut self, operand: bool) -> Result<(Token, usize), SyntaxError> {
        self.skip_space_and_comments()?;
        let start = self.pos;
        let Some(c) = self.rest().chars().next() else { return Ok((Token::End, start)) };
        if operand && c == '/' {
            return self.regex(start);
        }
        if c == '"' || c == '\'' {
            return Ok((Token::Str(self.string(c)?), start));
        }
        if c.is_ascii_digit() {
            return self.number(start);
        }
        if c == '`' {
            let body = &self.rest()[1..];
            let Some(end) = body.find('`') else {
                return Err(SyntaxError::new("S0105", start, "Quoted property name must be terminated with a backquote (`)"));
            };
            self.pos += end + 2;
            return Ok((Token::Name(body[..end].to_owned()), start));
        }
        if c == '$' {
            let body = &self.rest()[1..];
            let len = body.find(ends_name).unwrap_or(body.len());
            // `$$` is the root: a name of `$`.
            let len = if len == 0 && body.starts_with('$') { 1 } else { len };
            self.pos += 1 + len;
            return Ok((Token::Var(body[..len].to_owned()), start));
        }
        if let Some(op) = OPERATORS.iter().find(|op| self.rest().starts_with(**op)) {
            // `!` and `~` exist only as parts of `!=` and `~>`.
            if matches!(*op, "!" | "~") {
                return Err(SyntaxError::new("S0204", start, format!("Unknown operator: \"{op}\"")));
            }
            self.pos += op.len();
            return Ok((Token::Op(op), start));
        }
        let len = self.rest().find(ends_name).unwrap_or(self.rest().len()).max(c.len_utf8());
        let word = &self.rest()[..len];
        self.pos += len;
        Ok((
            match word {
                "and" => Token::Op("and"),
                "or" => Token::Op("or"),
                "in" => Token::Op("in"),
                "true" => Token::Bool(true),
                "false" => Token::Bool(false),
                "null" => Token::Null,
                w => Token::Name(w.to_owned()),
            },
            start,
        ))
    }

    fn skip_space_and_comments(&mut self) -> Result<(), SyntaxError> {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.text.len() - trimmed.len();
            if !trimmed.starts_with("/*") {
                return Ok(());
            }
            match trimmed[2..].find("*/") {
                Some(end) => self.pos += end + 4,
                None => return Err(SyntaxError::new("S0106", self.pos, "Comment has no closing tag")),
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<String, SyntaxError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos += i + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((j, e)) = chars.next() else { break };
            match e {
                '"' | '\\' | '/' | '\'' => out.push(e),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let unit = |at: usize| {
                        self.rest().get(at..at + 4).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit())).and_then(|h| u16::from_str_radix(h, 16).ok())
                    };
                    let Some(first) = unit(j + 1) else {
                        return Err(SyntaxError::new("S0104", self.pos + j, "The escape sequence \\u must be followed by 4 hex digits"));
                    };
                    for _ in 0..4 {
                        chars.next();
                    }
                    let mut units = vec![first];
                    if (0xD800..0xDC00).contains(&first) && self.rest().get(j + 5..j + 7) == Some("\\u") {
                        if let Some(second) = unit(j + 7).filter(|s| (0xDC00..0xE000).contains(s)) {
                            units.push(second);
                            for _ in 0..6 {
                                chars.next();
                            }
                        }
                    }
                    out.extend(char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)));
                }
                _ => return Err(SyntaxError::new("S0103", self.pos + j, format!("Unsupported escape sequence: \\{e}"))),
            }
        }
        Err(SyntaxError::new("S0101", start, "String literal must be terminated by a matching quote"))
    }

    fn number(&mut self, start: usize) -> Result<(Token, usize), SyntaxError> {
        let rest = self.rest().as_bytes();
        let mut len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if rest.get(len) == Some(&b'.') && rest.get(len + 1).is_some_and(u8::is_ascii_digit) {
            len += 1 + rest[len + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        }
        if matches!(rest.get(len), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(rest.get(len + 1), Some(b'+' | b'-')));
            let digits = rest[(len + 1 + sign).min(rest.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 {
                len += 1 + sign + digits;
            }
        }
        let text = &self.rest()[..len];
        self.pos += len;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok((Token::Num(n), start)),
            _ => Err(SyntaxError::new("S0102", start, format!("Number out of range: {text}"))),
        }
    }

    /// `/pattern/flags`: the pattern runs to the first `/` not escaped and not in a class.
    fn regex(&mut self, start: usize) -> Result<(Token, usize), SyntaxError> {
        let body = &self.rest()[1..];
        let mut in_class = false;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => {
                    let pattern = &body[..i];
                    if pattern.is_empty() {
                        return Err(SyntaxError::new("S0301", start, "Empty regular expressions are not allowed"));
                    }
                    let after = &body[i + 1..];
                    let flags_len = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
                    let flags = &after[..flags_len];
                    self.pos += 1 + i + 1 + flags_len;
                    return Ok((Token::Regex { pattern: pattern.to_owned(), flags: flags.to_owned() }, start));
                }
                _ => {}
            }
        }
        Err(SyntaxError::new("S0302", start, "No terminating / in regular expression"))
    }
}
