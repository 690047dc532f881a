//! Choice rules → conditions: each data-test rule becomes a typed test on a parsed path; a
//! top-level rule keeps its Assign.

use super::paths::path;
use crate::ast::{self, ComparisonOp as Op};
use super::jsonata::{query, query_template};
use super::template::lower_template;
use crate::ir::{Choice, ChoiceRule, Cmp, Condition, Test, TypeTest};
use crate::json::{Node, NodeKind};
use std::collections::HashMap;

pub fn lower_choice(ch: &ast::Choice, index: &HashMap<&str, usize>, jsonata: bool) -> Option<Choice> {
    let target = |name: &str| index.get(name).copied();
    let mut rules = Vec::new();
    for rule in &ch.choices.value {
        let next = target(&rule.next.as_ref()?.value)?;
        let field = |n: &Node, location: &str| match jsonata {
            true => query_template(n, location),
            false => lower_template(n),
        };
        let assign = match &rule.assign {
            Some(a) => Some(field(a, "Assign")?),
            None => None,
        };
        let output = match &rule.output {
            Some(o) => Some(field(o, "Output")?),
            None => None,
        };
        rules.push(ChoiceRule { condition: condition(rule)?, next, assign, output });
    }
    let default = match &ch.default {
        Some(d) => Some(target(&d.value)?),
        None => None,
    };
    Some(Choice { rules, default })
}

fn condition(rule: &ast::ChoiceRule) -> Option<Condition> {
    Some(match &rule.kind {
        ast::RuleKind::And(rs) => Condition::And(rs.iter().map(condition).collect::<Option<_>>()?),
        ast::RuleKind::Or(rs) => Condition::Or(rs.iter().map(condition).collect::<Option<_>>()?),
        ast::RuleKind::Not(r) => Condition::Not(Box::new(condition(r)?)),
        ast::RuleKind::Data { variable, op, operand } => {
            let variable = path(&variable.value)?;
            let test = test(op.value, operand)?;
            Condition::Test { variable, test }
        }
        ast::RuleKind::Condition(n) => match &n.kind {
            NodeKind::Bool(b) => Condition::Jsonata(Box::new(constant(*b))),
            _ => Condition::Jsonata(Box::new(query(n.as_str()?, "Condition")?)),
        },
        ast::RuleKind::Invalid => return None,
    })
}

/// `"Condition": true` written as a JSON boolean: the expression `true`.
fn constant(b: bool) -> crate::ir::Query {
    crate::ir::Query {
        expr: crate::lang::jsonata::Expr::Bool(b),
        text: b.to_string(),
        location: "Condition".into(),
        reads_context: false,
    }
}

fn cmp(op: Op) -> Cmp {
    let name = op.name().trim_end_matches("Path");
    if name.ends_with("GreaterThanEquals") {
        Cmp::GreaterThanEquals
    } else if name.ends_with("LessThanEquals") {
        Cmp::LessThanEquals
    } else if name.ends_with("GreaterThan") {
        Cmp::GreaterThan
    } else if name.ends_with("LessThan") {
        Cmp::LessThan
    } else {
        Cmp::Equals
    }
}

fn test(op: Op, operand: &Node) -> Option<Test> {
    let name = op.name();
    let b = || match operand.kind {
        NodeKind::Bool(b) => Some(b),
        _ => None,
    };
    let s = || operand.as_str().map(str::to_string);
    let type_test = |t: TypeTest| Some(Test::Is(t, b()?));
    match op {
        Op::StringMatches => Some(Test::StringMatches(s()?)),
        Op::IsPresent => Some(Test::IsPresent(b()?)),
        Op::IsNull => type_test(TypeTest::Null),
        Op::IsNumeric => type_test(TypeTest::Numeric),
        Op::IsString => type_test(TypeTest::String),
        Op::IsBoolean => type_test(TypeTest::Boolean),
        Op::IsTimestamp => type_test(TypeTest::Timestamp),
        Op::BooleanEquals => Some(Test::Boolean(b()?)),
        Op::BooleanEqualsPath => Some(Test::BooleanPath(path(&s()?)?)),
        _ if name.ends_with("Path") => {
            let p = path(&s()?)?;
            Some(match &name[..4] {
                "Stri" => Test::StringPath(cmp(op), p),
                "Nume" => Test::NumericPath(cmp(op), p),
                _ => Test::TimestampPath(cmp(op), p),
            })
        }
        _ if name.starts_with("String") => Some(Test::String(cmp(op), s()?)),
        _ if name.starts_with("Numeric") => match &operand.kind {
            NodeKind::Number(n) => Some(Test::Numeric(cmp(op), n.as_f64()?)),
            _ => None,
        },
        _ => Some(Test::Timestamp(cmp(op), s()?)),
    }
}
