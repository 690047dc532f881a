//! Bracket steps `[...]`: quoted names and name unions, `*`, filters, indexes, index unions,
//! slices and the `(@.length-N)` script form; plus the string and integer literals they use.

use super::{Cursor, PathSyntaxError, Segment};

impl Cursor<'_> {
    /// `[...]`: quoted names, `*`, a filter, `(@.length-N)` or indexes and slices.
    pub(super) fn bracket(&mut self) -> Result<Segment, PathSyntaxError> {
        let open = self.pos;
        self.bump();
        self.skip_spaces();
        let segment = match self.peek() {
            Some('\'' | '"') => self.quoted_names()?,
            Some('*') => {
                self.bump();
                Segment::Wildcard
            }
            Some('?') => {
                self.bump();
                self.expect('(', "after `[?`: filters are written [?(@.x == 1)]")?;
                let filter = self.filter_expression()?;
                self.expect(')', "to close the filter")?;
                Segment::Filter(filter)
            }
            Some('(') => self.script_index()?,
            Some(c) if c.is_ascii_digit() || c == '-' || c == ':' => self.indexes_or_slice()?,
            _ => return self.error(open, "expected a quoted name, an index, `*` or a filter `?(...)` after `[`"),
        };
        self.expect(']', "to close the bracket opened here")
            .or_else(|e| self.error(e.offset, format!("{} (the bracket opened at byte {open})", e.message)))?;
        Ok(segment)
    }

    fn quoted_names(&mut self) -> Result<Segment, PathSyntaxError> {
        let mut names = vec![self.string_literal()?];
        self.skip_spaces();
        while self.eat(',') {
            self.skip_spaces();
            names.push(self.string_literal()?);
            self.skip_spaces();
        }
        Ok(match names.pop() {
            Some(only) if names.is_empty() => Segment::Field(only),
            Some(last) => {
                names.push(last);
                Segment::Fields(names)
            }
            None => Segment::Fields(names),
        })
    }

    /// `'text'` or `"text"` with backslash escapes.
    pub(super) fn string_literal(&mut self) -> Result<String, PathSyntaxError> {
        let start = self.pos;
        let Some(quote) = self.bump().filter(|q| *q == '\'' || *q == '"') else {
            return self.error(start, "expected a quoted name such as 'name'");
        };
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return self.error(start, format!("this string is missing its closing {quote}")),
                Some(c) if c == quote => return Ok(out),
                Some('\\') => out.push(self.escape(start)?),
                Some(c) => out.push(c),
            }
        }
    }

    fn escape(&mut self, start: usize) -> Result<char, PathSyntaxError> {
        Ok(match self.bump() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('u') => {
                let hex = self.rest().get(..4).unwrap_or_default();
                let code = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                let Some(c) = code.filter(|_| hex.len() == 4) else {
                    return self.error(self.pos, "`\\u` must be followed by four hex digits");
                };
                self.pos += 4;
                c
            }
            Some(c) => c,
            None => return self.error(start, "this string ends with a lone backslash"),
        })
    }

    /// `(@.length-N)`, the Goessner script form AWS accepts for "N-th from the end".
    fn script_index(&mut self) -> Result<Segment, PathSyntaxError> {
        let start = self.pos;
        self.bump();
        self.skip_spaces();
        let unsupported = "script expressions are not supported, except `(@.length-N)`";
        if !self.eat_str("@.length") {
            return self.error(start, unsupported);
        }
        self.skip_spaces();
        if !self.eat('-') {
            return self.error(start, unsupported);
        }
        self.skip_spaces();
        let n = self.integer()?;
        self.expect(')', "to close `(@.length-N)`")?;
        if n < 1 {
            return self.error(start, "`(@.length-N)` needs N of at least 1");
        }
        Ok(Segment::Index(-n))
    }

    /// `[n]`, `[n,m]`, `[a:b]`, `[a:b:c]`, `[:b]`, `[a:]`.
    fn indexes_or_slice(&mut self) -> Result<Segment, PathSyntaxError> {
        let start = self.pos;
        let first = self.optional_integer()?;
        self.skip_spaces();
        if self.eat(':') {
            let end = self.optional_integer()?;
            let step = if self.eat(':') { self.optional_integer()? } else { None };
            if first.is_none() && end.is_none() {
                return self.error(start, "a slice needs a start or an end, e.g. [1:] or [:2]");
            }
            return Ok(Segment::Slice { start: first, end, step });
        }
        let Some(first) = first else { return self.error(start, "expected an index") };
        let mut indexes = vec![first];
        while self.eat(',') {
            self.skip_spaces();
            indexes.push(self.integer()?);
            self.skip_spaces();
        }
        Ok(if indexes.len() == 1 { Segment::Index(first) } else { Segment::Indexes(indexes) })
    }

    fn optional_integer(&mut self) -> Result<Option<i64>, PathSyntaxError> {
        self.skip_spaces();
        let starts_number = self.peek().is_some_and(|c| c.is_ascii_digit() || c == '-');
        let n = if starts_number { Some(self.integer()?) } else { None };
        self.skip_spaces();
        Ok(n)
    }

    /// An index: Jayway reads them as Java `int`s.
    fn integer(&mut self) -> Result<i64, PathSyntaxError> {
        let start = self.pos;
        self.eat('-');
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let digits = self.text.get(start..self.pos).unwrap_or_default();
        match digits.parse::<i32>() {
            Ok(n) => Ok(i64::from(n)),
            Err(_) if digits.len() > 1 && digits != "-" => self.error(start, "this index is too large"),
            Err(_) => self.error(start, "expected a whole number"),
        }
    }
}
