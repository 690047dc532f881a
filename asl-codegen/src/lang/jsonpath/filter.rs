//! Filter expressions `[?(...)]`, in Jayway's grammar: `||` over `&&` over `!`, parentheses,
//! comparisons `== != < <= > >= =~` between `@`/`$` paths and literals, and existence tests.

use super::{CompareOp, Cursor, Filter, Mode, Operand, PathSyntaxError, Segment};

/// Jayway operators the runtime does not implement; named so the error can say so.
const UNSUPPORTED_OPERATORS: [&str; 8] = ["in", "nin", "subsetof", "anyof", "noneof", "size", "empty", "contains"];

const OPERATORS: [(&str, CompareOp); 7] = [
    ("==", CompareOp::Eq),
    ("!=", CompareOp::Ne),
    ("<=", CompareOp::Le),
    (">=", CompareOp::Ge),
    ("=~", CompareOp::Matches),
    ("<", CompareOp::Lt),
    (">", CompareOp::Gt),
];

impl Cursor<'_> {
    /// The expression between `[?(` and `)]`.
    pub(super) fn filter_expression(&mut self) -> Result<Filter, PathSyntaxError> {
        self.or()
    }

    fn or(&mut self) -> Result<Filter, PathSyntaxError> {
        let mut left = self.and()?;
        loop {
            self.skip_spaces();
            if !self.eat_str("||") {
                return Ok(left);
            }
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
    }

    fn and(&mut self) -> Result<Filter, PathSyntaxError> {
        let mut left = self.unary()?;
        loop {
            self.skip_spaces();
            if !self.eat_str("&&") {
                return Ok(left);
            }
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Filter, PathSyntaxError> {
        self.skip_spaces();
        if self.peek() == Some('!') && self.peek_second() != Some('=') {
            self.bump();
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.eat('(') {
            let inner = self.or()?;
            self.expect(')', "to close this parenthesis")?;
            return Ok(inner);
        }
        self.relation()
    }

    fn relation(&mut self) -> Result<Filter, PathSyntaxError> {
        self.skip_spaces();
        let start = self.pos;
        let left = self.operand()?;
        self.skip_spaces();
        let Some(op) = self.operator()? else {
            return match left {
                Operand::Current(_) | Operand::Document(_) => Ok(Filter::Exists(left)),
                _ => self.error(start, "expected a comparison such as `@.x == 1`, or a path such as `@.x` to test that it exists"),
            };
        };
        self.skip_spaces();
        let right_start = self.pos;
        let right = self.operand()?;
        let is_regex = |o: &Operand| matches!(o, Operand::Regex { .. });
        if op == CompareOp::Matches && !is_regex(&right) {
            return self.error(right_start, "`=~` must be followed by a regular expression such as /^a.*/i");
        }
        if op != CompareOp::Matches && (is_regex(&left) || is_regex(&right)) {
            return self.error(start, "a regular expression can only be used with `=~`");
        }
        Ok(Filter::Compare(left, op, right))
    }

    fn operator(&mut self) -> Result<Option<CompareOp>, PathSyntaxError> {
        if let Some((text, op)) = OPERATORS.iter().find(|(text, _)| self.rest().starts_with(text)) {
            self.pos += text.len();
            return Ok(Some(*op));
        }
        let word: String = self.rest().chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if UNSUPPORTED_OPERATORS.contains(&word.as_str()) {
            return self.error(self.pos, format!("the `{word}` filter operator is not supported; use == != < <= > >= or =~"));
        }
        Ok(None)
    }

    fn operand(&mut self) -> Result<Operand, PathSyntaxError> {
        self.skip_spaces();
        let start = self.pos;
        match self.peek() {
            Some('@') => {
                self.bump();
                Ok(Operand::Current(self.filter_path()?))
            }
            Some('$') => {
                self.bump();
                if self.peek() == Some('$') {
                    return self.error(start, "the context object `$$` cannot be used inside a filter");
                }
                if self.peek().is_some_and(|c| c.is_alphabetic() || c == '_') {
                    return self.error(start, "variables (`$name`) are not supported yet");
                }
                Ok(Operand::Document(self.filter_path()?))
            }
            Some('\'' | '"') => Ok(Operand::String(self.string_literal()?)),
            Some('/') => self.regex(),
            Some(c) if c.is_ascii_digit() || c == '-' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => Ok(self.word()),
            Some('[' | '{') => self.error(start, "JSON literals are not supported in filters"),
            _ => self.error(start, "expected a value: `@.name`, `$.name`, a number, a 'string', true, false or null"),
        }
    }

    fn filter_path(&mut self) -> Result<Vec<Segment>, PathSyntaxError> {
        Ok(self.segments(Mode::InFilter)?.into_iter().map(|(segment, _)| segment).collect())
    }

    /// A JSON-style number; kept as `f64` (Jayway compares `BigDecimal`s).
    fn number(&mut self) -> Result<Operand, PathSyntaxError> {
        let start = self.pos;
        self.eat('-');
        let digits = |c: &mut Self| {
            while c.peek().is_some_and(|d| d.is_ascii_digit()) {
                c.bump();
            }
        };
        digits(self);
        if self.eat('.') {
            digits(self);
        }
        if self.eat('e') || self.eat('E') {
            let _ = self.eat('+') || self.eat('-');
            digits(self);
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Operand::Number(n)),
            _ => self.error(start, format!("`{text}` is not a valid number")),
        }
    }

    /// `true`, `false`, `null`, or a bare word read as a string: definitions in the wild write
    /// `@.OutputKey == FooBar`, and validators accept it.
    fn word(&mut self) -> Operand {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            self.bump();
        }
        match self.text.get(start..self.pos).unwrap_or_default() {
            "true" => Operand::Bool(true),
            "false" => Operand::Bool(false),
            "null" => Operand::Null,
            word => Operand::String(word.to_owned()),
        }
    }

    /// `/pattern/flags`; the pattern is kept as written (Java regex syntax).
    fn regex(&mut self) -> Result<Operand, PathSyntaxError> {
        let start = self.pos;
        self.bump();
        let body = self.pos;
        loop {
            match self.bump() {
                None => return self.error(start, "this regular expression is missing its closing `/`"),
                Some('\\') => {
                    self.bump();
                }
                Some('/') => break,
                Some(_) => {}
            }
        }
        let pattern = self.text.get(body..self.pos - 1).unwrap_or_default().to_owned();
        let flags_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
        let flags = self.text.get(flags_start..self.pos).unwrap_or_default().to_owned();
        Ok(Operand::Regex { pattern, flags })
    }
}
