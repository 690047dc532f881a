//! Choice rules: at least one rule, every top-level rule with `Next`, operands of the type
//! their operator compares, `Variable` and `…Path` operands that are valid paths.

use super::templates::{check_path, PathRole};
use crate::ast::{Choice, ChoiceRule, OperandKind, QueryLanguage, RuleKind};
use crate::diag::Diagnostics;
use crate::json::{Node, NodeKind};
use crate::lang::timestamp;

pub fn check_choice(who: &str, choice: &Choice, language: QueryLanguage, diags: &mut Diagnostics) {
    if choice.choices.value.is_empty() {
        diags.error(choice.choices.span, format!("{who}: Choices needs at least one rule"));
    }
    for (i, rule) in choice.choices.value.iter().enumerate() {
        if rule.next.is_none() {
            diags.error(rule.span, format!("{who}: Choices[{i}] needs \"Next\""));
        }
        check_rule(who, rule, language, diags);
    }
}

fn check_rule(who: &str, rule: &ChoiceRule, language: QueryLanguage, diags: &mut Diagnostics) {
    match &rule.kind {
        RuleKind::And(rules) | RuleKind::Or(rules) => rules.iter().for_each(|r| check_rule(who, r, language, diags)),
        RuleKind::Not(r) => check_rule(who, r, language, diags),
        RuleKind::Invalid => {}
        RuleKind::Condition(node) => {
            if language == QueryLanguage::JsonPath {
                diags.error(node.span, format!("{who}: \"Condition\" is only supported for the 'JSONata' QueryLanguage"));
            }
        }
        RuleKind::Data { variable, op, operand } => {
            if language == QueryLanguage::Jsonata {
                diags.error(variable.span, format!("{who}: \"Variable\" and comparison operators are only supported for the 'JSONPath' QueryLanguage; use \"Condition\""));
                return;
            }
            check_path(who, "Variable", &variable.value, variable.span, PathRole::Path, diags);
            let name = op.value.name();
            let expected = match op.value.operand() {
                OperandKind::String => matches!(operand.kind, NodeKind::String(_)).then_some(()).ok_or("a string"),
                OperandKind::Number => matches!(operand.kind, NodeKind::Number(_)).then_some(()).ok_or("a number"),
                OperandKind::Boolean | OperandKind::TypeTest => {
                    matches!(operand.kind, NodeKind::Bool(_)).then_some(()).ok_or("true or false")
                }
                OperandKind::Timestamp => match operand.as_str() {
                    Some(t) if timestamp::is_valid(t) => Ok(()),
                    _ => Err("a timestamp string such as \"2016-03-14T01:59:00Z\""),
                },
                OperandKind::Path => match operand.as_str() {
                    Some(p) => {
                        check_path(who, name, p, operand.span, PathRole::Path, diags);
                        Ok(())
                    }
                    None => Err("a path string"),
                },
            };
            if let Err(expected) = expected {
                diags.error(operand.span, format!("{who}: {name} expects {expected}, found {}", describe(operand)));
            }
        }
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(s) => format!("\"{s}\""),
        _ => node.type_name().to_string(),
    }
}
