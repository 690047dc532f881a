//! A Pratt parser from tokens to [`Raw`] nodes: JSONata as written, before `process` gives it
//! the shape the runtime evaluates.

use super::ast::Param;
use super::lexer::{Lexer, Token};
use super::{signature, SyntaxError};

/// A node as written, and the byte offset of the token that made it.
#[derive(Debug, Clone)]
pub struct Raw {
    pub kind: RawKind,
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub enum RawKind {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex { pattern: String, flags: String },
    Name(String),
    Var(String),
    Wildcard,
    Descendants,
    Parent,
    Negate(Box<Raw>),
    Array(Vec<Raw>),
    Object(Vec<(Raw, Raw)>),
    Binary(&'static str, Box<Raw>, Box<Raw>),
    Dot(Box<Raw>, Box<Raw>),
    /// `x[p]`; `None` for `x[]`.
    Predicate(Box<Raw>, Option<Box<Raw>>),
    Group(Box<Raw>, Vec<(Raw, Raw)>),
    Focus(Box<Raw>, String),
    Index(Box<Raw>, String),
    /// `x^(<a, >b)`: (descending, key).
    Sort(Box<Raw>, Vec<(bool, Raw)>),
    Condition(Box<Raw>, Box<Raw>, Option<Box<Raw>>),
    Block(Vec<Raw>),
    Bind(Box<Raw>, Box<Raw>),
    Call(Box<Raw>, Vec<Raw>),
    Placeholder,
    Lambda { params: Vec<String>, signature: Option<Vec<Param>>, body: Box<Raw> },
    Apply(Box<Raw>, Box<Raw>),
    Transform(Box<Raw>, Box<Raw>, Option<Box<Raw>>),
}

/// How tightly an infix operator binds (JSONata's table).
fn binding_power(op: &str) -> u8 {
    match op {
        "." => 75,
        "[" | "(" | "@" | "#" => 80,
        "{" => 70,
        "*" | "/" | "%" => 60,
        "+" | "-" | "&" => 50,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "^" | "~>" | "??" | "?:" => 40,
        "and" => 30,
        "or" => 25,
        "?" => 20,
        ":=" => 10,
        _ => 0,
    }
}

pub struct Parser<'t> {
    lexer: Lexer<'t>,
    token: Token,
    pos: usize,
    /// Where the previous token ended: where "end of expression" errors point.
    end: usize,
    /// How deep the tree being built is at the current token (nested operands, and the
    /// operators of a chain like `a & b & c`, each of which adds a level).
    level: usize,
}

impl<'t> Parser<'t> {
    pub fn new(text: &'t str) -> Result<Self, SyntaxError> {
        let mut lexer = Lexer::new(text);
        let (token, pos) = lexer.next(true)?;
        Ok(Parser { lexer, token, pos, end: text.len(), level: 0 })
    }

    /// The whole text as one expression.
    pub fn parse(mut self) -> Result<Raw, SyntaxError> {
        let expr = self.expression(0)?;
        if self.token != Token::End {
            return Err(SyntaxError::new("S0201", self.pos, format!("Syntax error: {}", describe(&self.token))));
        }
        Ok(expr)
    }

    /// Moves on; `operand`: the next token starts an operand.
    fn advance(&mut self, operand: bool) -> Result<(), SyntaxError> {
        self.end = self.pos;
        let (token, pos) = self.lexer.next(operand)?;
        self.token = token;
        self.pos = pos;
        Ok(())
    }

    fn expect(&mut self, op: &'static str, operand: bool) -> Result<(), SyntaxError> {
        match &self.token {
            Token::Op(o) if *o == op => self.advance(operand),
            Token::End => Err(SyntaxError::new("S0203", self.pos, format!("Expected \"{op}\" before end of expression"))),
            t => Err(SyntaxError::new("S0202", self.pos, format!("Expected \"{op}\", got \"{}\"", describe(t)))),
        }
    }

    fn at(&self, op: &str) -> bool {
        matches!(&self.token, Token::Op(o) if *o == op)
    }

    fn expression(&mut self, rbp: u8) -> Result<Raw, SyntaxError> {
        // Nesting is bounded (`deeper`), but a debug build's frames are large: the stack grows
        // on demand rather than overflowing a 2 MiB thread.
        stacker::maybe_grow(super::RED_ZONE, super::STACK_SEGMENT, || self.expression_here(rbp))
    }

    fn expression_here(&mut self, rbp: u8) -> Result<Raw, SyntaxError> {
        let saved = self.level;
        self.deeper()?;
        let mut left = self.prefix()?;
        while let Token::Op(op) = self.token {
            if binding_power(op) <= rbp {
                break;
            }
            self.deeper()?;
            left = self.infix(op, left)?;
        }
        self.level = saved;
        Ok(left)
    }

    /// One more level of the tree; the compiler's passes over it recurse, so its depth is
    /// bounded (a hostile definition must not overflow the compiler's stack).
    fn deeper(&mut self) -> Result<(), SyntaxError> {
        self.level += 1;
        if self.level > super::MAX_NESTING {
            return Err(SyntaxError::new(
                "S0201",
                self.pos,
                format!("The expression is nested more than {} levels deep", super::MAX_NESTING),
            ));
        }
        Ok(())
    }

    fn prefix(&mut self) -> Result<Raw, SyntaxError> {
        let pos = self.pos;
        let token = std::mem::replace(&mut self.token, Token::End);
        let node = |kind| Raw { kind, pos };
        let kind = match token {
            Token::Op(op) => Err(op),
            Token::Str(s) => Ok(RawKind::Str(s)),
            Token::Num(n) => Ok(RawKind::Num(n)),
            Token::Bool(b) => Ok(RawKind::Bool(b)),
            Token::Null => Ok(RawKind::Null),
            Token::Regex { pattern, flags } => Ok(RawKind::Regex { pattern, flags }),
            Token::Var(v) => Ok(RawKind::Var(v)),
            Token::Name(n) => Ok(RawKind::Name(n)),
            Token::End => return Err(SyntaxError::new("S0207", pos, "Unexpected end of expression")),
        };
        let op = match kind {
            Ok(kind) => {
                self.advance(false)?;
                return Ok(node(kind));
            }
            Err(op) => op,
        };
        self.advance(true)?;
        Ok(match op {
            "-" => node(RawKind::Negate(Box::new(self.expression(70)?))),
            "*" => {
                self.token_after_operand_op()?;
                node(RawKind::Wildcard)
            }
            "**" => {
                self.token_after_operand_op()?;
                node(RawKind::Descendants)
            }
            "%" => {
                self.token_after_operand_op()?;
                node(RawKind::Parent)
            }
            "?" => node(RawKind::Placeholder),
            // The word operators name fields where an operand is expected: `and.or`.
            "and" | "or" | "in" => {
                self.token_after_operand_op()?;
                node(RawKind::Name(op.to_owned()))
            }
            "(" => {
                let mut items = Vec::new();
                while !self.at(")") {
                    if self.token == Token::End {
                        return Err(SyntaxError::new("S0203", self.pos, "Expected \")\" before end of expression"));
                    }
                    items.push(self.expression(0)?);
                    if !self.at(";") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", false)?;
                node(RawKind::Block(items))
            }
            "[" => {
                let mut items = Vec::new();
                if !self.at("]") {
                    loop {
                        let item = self.expression(0)?;
                        let item = if self.at("..") {
                            self.advance(true)?;
                            let end = self.expression(0)?;
                            let p = item.pos;
                            Raw { kind: RawKind::Binary("..", Box::new(item), Box::new(end)), pos: p }
                        } else {
                            item
                        };
                        items.push(item);
                        if !self.at(",") {
                            break;
                        }
                        self.advance(true)?;
                    }
                }
                self.expect("]", false)?;
                node(RawKind::Array(items))
            }
            "{" => node(RawKind::Object(self.pairs()?)),
            "|" => {
                let pattern = self.expression(0)?;
                self.expect("|", true)?;
                let update = self.expression(0)?;
                let delete = if self.at(",") {
                    self.advance(true)?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                self.expect("|", false)?;
                node(RawKind::Transform(Box::new(pattern), Box::new(update), delete))
            }
            op => return Err(SyntaxError::new("S0211", pos, format!("The symbol {op} cannot be used as a unary operator"))),
        })
    }

    /// After `*`, `**` or `%` used as operands the lexer read the next token as an operand;
    /// read it again as an operator (`*/2` is not a regex).
    fn token_after_operand_op(&mut self) -> Result<(), SyntaxError> {
        if let Token::Regex { .. } = self.token {
            self.lexer = Lexer::resume_at(self.lexer_text(), self.pos);
            self.advance(false)?;
        }
        Ok(())
    }

    fn lexer_text(&self) -> &'t str {
        self.lexer.text()
    }

    /// `key: value, …}` of an object constructor or a grouping (the `{` already read).
    fn pairs(&mut self) -> Result<Vec<(Raw, Raw)>, SyntaxError> {
        let mut pairs = Vec::new();
        if !self.at("}") {
            loop {
                let key = self.expression(0)?;
                self.expect(":", true)?;
                let value = self.expression(0)?;
                pairs.push((key, value));
                if !self.at(",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect("}", false)?;
        Ok(pairs)
    }

    fn infix(&mut self, op: &'static str, left: Raw) -> Result<Raw, SyntaxError> {
        let pos = self.pos;
        self.advance(true)?;
        let bp = binding_power(op);
        let boxed = Box::new;
        let kind = match op {
            "." => RawKind::Dot(boxed(left), boxed(self.expression(bp)?)),
            "[" => {
                if self.at("]") {
                    self.advance(false)?;
                    RawKind::Predicate(boxed(left), None)
                } else {
                    let p = self.expression(0)?;
                    self.expect("]", false)?;
                    RawKind::Predicate(boxed(left), Some(boxed(p)))
                }
            }
            "{" => RawKind::Group(boxed(left), self.pairs()?),
            "(" => return self.call_or_lambda(left, pos),
            "@" | "#" => {
                let Token::Var(name) = std::mem::replace(&mut self.token, Token::End) else {
                    return Err(SyntaxError::new("S0214", self.pos, format!("The right side of {op} must be a variable name (start with $)")));
                };
                self.advance(false)?;
                if op == "@" {
                    RawKind::Focus(boxed(left), name)
                } else {
                    RawKind::Index(boxed(left), name)
                }
            }
            "?" => {
                let then = self.expression(0)?;
                let otherwise = if self.at(":") {
                    self.advance(true)?;
                    Some(boxed(self.expression(0)?))
                } else {
                    None
                };
                RawKind::Condition(boxed(left), boxed(then), otherwise)
            }
            ":=" => RawKind::Bind(boxed(left), boxed(self.expression(bp - 1)?)),
            "~>" => RawKind::Apply(boxed(left), boxed(self.expression(bp)?)),
            "^" => {
                self.expect_open_sort()?;
                let mut terms = Vec::new();
                loop {
                    let descending = match self.token {
                        Token::Op(">") => {
                            self.advance(true)?;
                            true
                        }
                        Token::Op("<") => {
                            self.advance(true)?;
                            false
                        }
                        _ => false,
                    };
                    terms.push((descending, self.expression(0)?));
                    if !self.at(",") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", false)?;
                RawKind::Sort(boxed(left), terms)
            }
            "+" | "-" | "*" | "/" | "%" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "&" | "and" | "or" | "in" | "??" | "?:" => {
                RawKind::Binary(op, boxed(left), boxed(self.expression(bp)?))
            }
            _ => return Err(SyntaxError::new("S0204", pos, format!("Unknown operator: \"{op}\""))),
        };
        Ok(Raw { kind, pos })
    }

    fn expect_open_sort(&mut self) -> Result<(), SyntaxError> {
        // `^(` was read as `^` then `(`; the `(` is the current token.
        self.expect("(", true)
    }

    /// `f(args)`, or a lambda definition when `f` is the name `function` or `λ`.
    fn call_or_lambda(&mut self, left: Raw, pos: usize) -> Result<Raw, SyntaxError> {
        let mut args = Vec::new();
        if !self.at(")") {
            loop {
                if self.at("?") {
                    let p = self.pos;
                    self.advance(false)?;
                    args.push(Raw { kind: RawKind::Placeholder, pos: p });
                } else {
                    args.push(self.expression(0)?);
                }
                if !self.at(",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect(")", false)?;
        let is_lambda = matches!(&left.kind, RawKind::Name(n) if n == "function" || n == "λ");
        if !is_lambda {
            return Ok(Raw { kind: RawKind::Call(Box::new(left), args), pos });
        }
        let mut params = Vec::with_capacity(args.len());
        for a in args {
            match a.kind {
                RawKind::Var(v) => params.push(v),
                _ => return Err(SyntaxError::new("S0208", a.pos, "Parameter of function definition must be a variable name (start with $)")),
            }
        }
        // A signature is checked as soon as it is read, before what follows it (JSONata's order
        // of errors: a bad signature before a missing `{`).
        let signature = if self.at("<") {
            let (text, at) = self.signature()?;
            Some(signature::parse(&text, at)?)
        } else {
            None
        };
        self.expect("{", true)?;
        let body = self.expression(0)?;
        self.expect("}", false)?;
        Ok(Raw { kind: RawKind::Lambda { params, signature, body: Box::new(body) }, pos: left.pos })
    }

    /// `<…>` after a lambda's parameters, as text (checked by `signature`), read by brackets.
    fn signature(&mut self) -> Result<(String, usize), SyntaxError> {
        let start = self.pos;
        let text = self.lexer.text();
        let mut depth = 0usize;
        for (i, c) in text[start..].char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        let sig = text[start..start + i + 1].to_owned();
                        self.lexer = Lexer::resume_at(text, start + i + 1);
                        self.advance(false)?;
                        return Ok((sig, start));
                    }
                }
                _ => {}
            }
        }
        Err(SyntaxError::new("S0401", start, "The function signature is not terminated"))
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Op(o) => (*o).to_owned(),
        Token::Str(s) => s.clone(),
        Token::Num(n) => n.to_string(),
        Token::Bool(b) => b.to_string(),
        Token::Null => "null".into(),
        Token::Name(n) => n.clone(),
        Token::Var(v) => format!("${v}"),
        Token::Regex { pattern, .. } => format!("/{pattern}/"),
        Token::End => "(end)".into(),
    }
}
