//! A small backtracking regular-expression matcher for filter `=~ /pattern/flags`, covering the
//! common subset of Java's `java.util.regex` (which Jayway uses): literals, `.`, classes with
//! ranges and `\d \w \s` (ASCII, as in Java), groups, `|`, `^ $`, and the quantifiers `* + ? {n,m}`
//! (greedy or lazy). Flag `i` is ASCII case-insensitivity (Java's default `CASE_INSENSITIVE`).
//! An unsupported or malformed pattern matches nothing.

use std::cell::Cell;

/// Backtracking steps allowed per match, so that a pathological pattern cannot hang a state.
const STEP_BUDGET: u32 = 1_000_000;

/// Whether the whole of `text` matches `pattern` (Java `Matcher.matches`).
pub(super) fn full_match(pattern: &str, flags: &str, text: &str) -> bool {
    let mut parser = Parser { chars: pattern.chars().collect(), pos: 0 };
    let Some(alternatives) = parser.alternatives() else { return false };
    if parser.pos != parser.chars.len() {
        return false;
    }
    let text: Vec<char> = text.chars().collect();
    let matcher = Matcher {
        text: &text,
        ignore_case: flags.contains('i'),
        dot_all: flags.contains('s'),
        steps: Cell::new(0),
    };
    matcher.alternatives(&alternatives, 0, &|end| end == text.len())
}

enum Node {
    Char(char),
    Any,
    Class { negated: bool, items: Vec<ClassItem> },
    Start,
    End,
    Group(Vec<Vec<Piece>>),
}

enum ClassItem {
    Range(char, char),
    /// `\d`, `\w`, `\s` (or negated `\D \W \S`).
    Escape(char),
}

struct Piece {
    node: Node,
    min: u32,
    max: Option<u32>,
    greedy: bool,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn alternatives(&mut self) -> Option<Vec<Vec<Piece>>> {
        let mut alternatives = vec![self.sequence()?];
        while self.eat('|') {
            alternatives.push(self.sequence()?);
        }
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let node = self.atom()?;
            pieces.push(self.quantifier(node)?);
        }
        Some(pieces)
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.next()? {
            '(' => {
                // Non-capturing groups are the only `(?` form supported.
                if self.eat('?') && !self.eat(':') {
                    return None;
                }
                let alternatives = self.alternatives()?;
                if !self.eat(')') {
                    return None;
                }
                Node::Group(alternatives)
            }
            '[' => self.class()?,
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => match self.escape()? {
                ClassItem::Range(c, _) => Node::Char(c),
                item => Node::Class { negated: false, items: vec![item] },
            },
            '*' | '+' | '?' | ')' => return None,
            c => Node::Char(c),
        })
    }

    /// After a backslash: a class escape, a control escape or a literal.
    fn escape(&mut self) -> Option<ClassItem> {
        let c = self.next()?;
        Some(match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => ClassItem::Escape(c),
            'n' => ClassItem::Range('\n', '\n'),
            't' => ClassItem::Range('\t', '\t'),
            'r' => ClassItem::Range('\r', '\r'),
            'f' => ClassItem::Range('\u{c}', '\u{c}'),
            // Word boundaries, back-references, \p{..} and the like are not supported.
            c if c.is_ascii_alphanumeric() => return None,
            c => ClassItem::Range(c, c),
        })
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                return Some(Node::Class { negated, items });
            }
            first = false;
            let low = if c == '\\' { self.escape()? } else { ClassItem::Range(c, c) };
            let item = match low {
                ClassItem::Range(low, _) if self.peek() == Some('-') && self.chars.get(self.pos + 1) != Some(&']') => {
                    self.pos += 1;
                    let high = match self.next()? {
                        '\\' => match self.escape()? {
                            ClassItem::Range(high, _) => high,
                            ClassItem::Escape(_) => return None,
                        },
                        high => high,
                    };
                    ClassItem::Range(low, high)
                }
                other => other,
            };
            items.push(item);
        }
    }

    fn quantifier(&mut self, node: Node) -> Option<Piece> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') if self.chars.get(self.pos + 1).is_some_and(char::is_ascii_digit) => {
                self.pos += 1;
                let bounds = self.bounds()?;
                return Some(self.greediness(node, bounds));
            }
            _ => return Some(Piece { node, min: 1, max: Some(1), greedy: true }),
        };
        self.pos += 1;
        Some(self.greediness(node, (min, max)))
    }

    fn greediness(&mut self, node: Node, (min, max): (u32, Option<u32>)) -> Piece {
        let greedy = !self.eat('?');
        // Possessive `+` is treated as greedy.
        self.eat('+');
        Piece { node, min, max, greedy }
    }

    /// `n}`, `n,}` or `n,m}` after `{`.
    fn bounds(&mut self) -> Option<(u32, Option<u32>)> {
        let min = self.number()?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') { None } else { Some(self.number()?) }
        } else {
            Some(min)
        };
        self.eat('}').then_some((min, max))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars.get(start..self.pos)?.iter().collect::<String>().parse().ok()
    }
}

struct Matcher<'t> {
    text: &'t [char],
    ignore_case: bool,
    dot_all: bool,
    steps: Cell<u32>,
}

impl Matcher<'_> {
    /// Continuation-passing backtracking: `then` is tried on every end position a node can reach.
    fn alternatives(&self, alternatives: &[Vec<Piece>], pos: usize, then: &dyn Fn(usize) -> bool) -> bool {
        alternatives.iter().any(|sequence| self.sequence(sequence, pos, then))
    }

    fn sequence(&self, pieces: &[Piece], pos: usize, then: &dyn Fn(usize) -> bool) -> bool {
        match pieces.split_first() {
            None => then(pos),
            Some((piece, rest)) => self.piece(piece, 0, pos, &|end| self.sequence(rest, end, then)),
        }
    }

    fn piece(&self, piece: &Piece, count: u32, pos: usize, then: &dyn Fn(usize) -> bool) -> bool {
        self.steps.set(self.steps.get().saturating_add(1));
        if self.steps.get() > STEP_BUDGET {
            return false;
        }
        let can_stop = count >= piece.min;
        let can_repeat = match piece.max {
            Some(max) => count < max,
            None => true,
        };
        let repeat = || {
            can_repeat
                // An iteration that consumed nothing may not loop again (it would loop forever).
                && self.node(&piece.node, pos, &|end| (end != pos || count < piece.min) && self.piece(piece, count + 1, end, then))
        };
        let stop = || can_stop && then(pos);
        // Greedy tries one more repetition before stopping; lazy the other way round.
        let (first, second): (&dyn Fn() -> bool, &dyn Fn() -> bool) =
            if piece.greedy { (&repeat, &stop) } else { (&stop, &repeat) };
        first() || second()
    }

    fn node(&self, node: &Node, pos: usize, then: &dyn Fn(usize) -> bool) -> bool {
        let current = self.text.get(pos).copied();
        match node {
            Node::Start => pos == 0 && then(pos),
            Node::End => pos == self.text.len() && then(pos),
            Node::Group(alternatives) => self.alternatives(alternatives, pos, then),
            Node::Char(c) => current.is_some_and(|t| self.same(*c, t)) && then(pos + 1),
            Node::Any => current.is_some_and(|t| self.dot_all || !matches!(t, '\n' | '\r')) && then(pos + 1),
            Node::Class { negated, items } => {
                current.is_some_and(|t| items.iter().any(|item| self.in_item(item, t)) != *negated) && then(pos + 1)
            }
        }
    }

    fn same(&self, a: char, b: char) -> bool {
        a == b || (self.ignore_case && a.eq_ignore_ascii_case(&b))
    }

    fn in_item(&self, item: &ClassItem, c: char) -> bool {
        match *item {
            ClassItem::Range(low, high) => {
                let within = |c: char| (low..=high).contains(&c);
                within(c)
                    || (self.ignore_case && (within(c.to_ascii_lowercase()) || within(c.to_ascii_uppercase())))
            }
            ClassItem::Escape(kind) => {
                let hit = match kind.to_ascii_lowercase() {
                    'd' => c.is_ascii_digit(),
                    'w' => c.is_ascii_alphanumeric() || c == '_',
                    _ => matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r'),
                };
                hit != kind.is_ascii_uppercase()
            }
        }
    }
}
