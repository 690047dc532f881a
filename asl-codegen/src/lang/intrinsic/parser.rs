//! The recursive-descent parser behind [`super::parse_intrinsic`]: text → [`Call`] tree, with
//! byte offsets, calling [`check`] on every call as soon as its arguments are known.

use super::{check, Arg, Call, IntrinsicError, IntrinsicFn, MAX_NESTING};
use serde_json::Value;

pub(super) struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Parser { text, pos: 0 }
    }

    pub(super) fn parse_expression(mut self) -> Result<Call, IntrinsicError> {
        self.skip_whitespace();
        let call = self.parse_call(1)?;
        self.skip_whitespace();
        if self.pos < self.text.len() {
            return Err(IntrinsicError::new(self.pos, format!(
                "unexpected text after the closing ')' of {}", call.func
            )));
        }
        Ok(call)
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// `States.Name(args)`; `depth` is 1 for the outermost call.
    fn parse_call(&mut self, depth: usize) -> Result<Call, IntrinsicError> {
        let offset = self.pos;
        if depth > MAX_NESTING {
            return Err(IntrinsicError::new(offset, format!(
                "intrinsic functions can be nested at most {MAX_NESTING} deep"
            )));
        }
        let func = self.parse_name()?;
        self.skip_whitespace();
        if self.peek() != Some('(') {
            return Err(IntrinsicError::new(self.pos, format!("expected '(' after {func}")));
        }
        self.bump();
        let (args, arg_offsets) = self.parse_args(func, offset, depth)?;
        check::check_call(func, offset, &args, &arg_offsets)?;
        Ok(Call { func, args, offset })
    }

    fn parse_name(&mut self) -> Result<IntrinsicFn, IntrinsicError> {
        let start = self.pos;
        let Some(after_prefix) = self.rest().strip_prefix("States.") else {
            return Err(IntrinsicError::new(start, "an intrinsic function call starts with 'States.'"));
        };
        let len = after_prefix.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after_prefix.len());
        let name = after_prefix.get(..len).unwrap_or("");
        self.pos += "States.".len() + len;
        if name.is_empty() {
            return Err(IntrinsicError::new(self.pos, "expected a function name after 'States.'"));
        }
        IntrinsicFn::from_short_name(name).ok_or_else(|| check::unknown_function(start, name))
    }

    /// The arguments after `(`, through the closing `)`, with the offset of each.
    fn parse_args(&mut self, func: IntrinsicFn, call_offset: usize, depth: usize) -> Result<(Vec<Arg>, Vec<usize>), IntrinsicError> {
        let mut args = Vec::new();
        let mut offsets = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(')') {
            self.bump();
            return Ok((args, offsets));
        }
        loop {
            self.skip_whitespace();
            offsets.push(self.pos);
            // Only the template of States.Format keeps its brace escapes (see `Arg::Literal`).
            let is_template = func == IntrinsicFn::Format && args.is_empty();
            args.push(self.parse_arg(func, depth, is_template)?);
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some(')') => return Ok((args, offsets)),
                None => {
                    return Err(IntrinsicError::new(call_offset, format!("{func} is missing its closing ')'")))
                }
                Some(c) => {
                    let at = self.pos - c.len_utf8();
                    return Err(IntrinsicError::new(at, format!(
                        "expected ',' or ')' after an argument of {func}, found '{c}'"
                    )));
                }
            }
        }
    }

    fn parse_arg(&mut self, func: IntrinsicFn, depth: usize, is_template: bool) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        match self.peek() {
            Some('\'') => self.parse_string(is_template).map(|s| Arg::Literal(Value::String(s))),
            Some('$') => self.parse_path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.parse_number().map(Arg::Literal),
            Some(_) if self.rest().starts_with("States.") => {
                self.parse_call(depth + 1).map(|call| Arg::Call(Box::new(call)))
            }
            Some(c) if c.is_ascii_alphabetic() => self.parse_word(func),
            found => {
                let what = match found {
                    Some(c) => format!("found '{c}'"),
                    None => "found the end of the text".to_string(),
                };
                Err(IntrinsicError::new(start, format!("expected an argument of {func}, {what}")).with_help(
                    "an argument is a 'quoted string', a number, true, false, null, a path starting with $, or a States.* call",
                ))
            }
        }
    }

    /// A single-quoted string; the opening quote is at `self.pos`.
    fn parse_string(&mut self, keep_brace_escapes: bool) -> Result<String, IntrinsicError> {
        let start = self.pos;
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                Some('\'') => return Ok(value),
                Some('\\') => {
                    let escape_at = self.pos - 1;
                    match self.bump() {
                        Some('\'') => value.push('\''),
                        Some(c @ ('{' | '}' | '\\')) if !keep_brace_escapes => value.push(c),
                        // Kept as written: an unknown escape such as `\"` inside a JSON text passed
                        // to StringToJson still means what its author meant.
                        Some(c) => {
                            value.push('\\');
                            value.push(c);
                        }
                        None => {
                            return Err(IntrinsicError::new(escape_at, "a '\\' at the end of the text escapes nothing")
                                .with_help("write '\\\\' for a backslash and close the string with '"))
                        }
                    }
                }
                Some(c) => value.push(c),
                None => {
                    return Err(IntrinsicError::new(start, "this string is never closed")
                        .with_help("close it with ' and escape a quote inside it as \\'"))
                }
            }
        }
    }

    /// A path, as raw text: up to the `,` or `)` (or whitespace) that ends the argument at
    /// nesting level 0, so that `$.a[?(@.b == 'x, y')]` stays in one piece.
    fn parse_path(&mut self) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        // The closers owed for each open bracket or parenthesis, innermost last.
        let mut closers: Vec<char> = Vec::new();
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            if let Some(q) = quote {
                self.bump();
                if c == '\\' {
                    self.bump();
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '[' => closers.push(']'),
                '(' => closers.push(')'),
                ']' | ')' if closers.last() == Some(&c) => {
                    closers.pop();
                }
                ']' => break,
                '\'' | '"' if !closers.is_empty() => quote = Some(c),
                ',' | ')' if closers.is_empty() => break,
                c if c.is_whitespace() && closers.is_empty() => break,
                _ => {}
            }
            self.bump();
        }
        if !closers.is_empty() || quote.is_some() {
            return Err(IntrinsicError::new(start, "this path has an unclosed bracket or quote"));
        }
        let text = self.text.get(start..self.pos).unwrap_or("").to_string();
        Ok(Arg::Path { text, offset: start })
    }

    fn parse_number(&mut self) -> Result<Value, IntrinsicError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
            self.bump();
        }
        let token = self.text.get(start..self.pos).unwrap_or("");
        match serde_json::from_str::<Value>(token) {
            Ok(number @ Value::Number(_)) => Ok(number),
            _ => Err(IntrinsicError::new(start, format!("'{token}' is not a valid number"))),
        }
    }

    /// `true`, `false` or `null`.
    fn parse_word(&mut self, func: IntrinsicFn) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            self.bump();
        }
        let word = self.text.get(start..self.pos).unwrap_or("");
        match word {
            "true" => Ok(Arg::Literal(Value::Bool(true))),
            "false" => Ok(Arg::Literal(Value::Bool(false))),
            "null" => Ok(Arg::Literal(Value::Null)),
            _ => Err(IntrinsicError::new(start, format!("'{word}' is not a valid argument of {func}"))
                .with_help("quote text as 'text', start paths with $ and calls with States.")),
        }
    }
}
