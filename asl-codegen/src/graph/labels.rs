//! The words a drawing puts on states and edges: a Choice rule as a condition
//! (`$.total > 100 and $.vip == true`), a Catcher's or Retrier's errors, a Task's resource in
//! short. Labels are plain text, at most [`MAX_LABEL`] characters; each writer escapes them.

use crate::ast::{ChoiceRule, ComparisonOp, Retrier, RuleKind, Spanned, StateKind};
use crate::json::Node;

/// Longer labels are cut with an ellipsis: a drawing shows the gist, the definition the rest.
pub const MAX_LABEL: usize = 60;

/// A Choice rule as a condition.
pub fn rule(rule: &ChoiceRule) -> String {
    cut(&condition(rule, false))
}

fn condition(rule: &ChoiceRule, nested: bool) -> String {
    let group = |text: String| if nested { format!("({text})") } else { text };
    match &rule.kind {
        RuleKind::And(rules) => group(rules.iter().map(|r| condition(r, true)).collect::<Vec<_>>().join(" and ")),
        RuleKind::Or(rules) => group(rules.iter().map(|r| condition(r, true)).collect::<Vec<_>>().join(" or ")),
        RuleKind::Not(inner) => format!("not ({})", condition(inner, false)),
        RuleKind::Data { variable, op, operand } => comparison(&variable.value, op.value, operand),
        // A JSONata condition without its `{% %}`.
        RuleKind::Condition(node) => match node.as_str() {
            Some(text) => text.trim().trim_start_matches("{%").trim_end_matches("%}").trim().to_string(),
            None => node.to_json(),
        },
        RuleKind::Invalid => "?".to_string(),
    }
}

fn comparison(variable: &str, op: ComparisonOp, operand: &Node) -> String {
    use ComparisonOp::*;
    // A `…Path` operand is a path, shown bare; a literal as JSON (strings quoted).
    let value = || operand.as_str().filter(|_| op.name().ends_with("Path")).map(str::to_string).unwrap_or_else(|| operand.to_json());
    let is_true = operand.kind == crate::json::NodeKind::Bool(true);
    let test = |what: &str| match is_true {
        true => format!("{variable} is {what}"),
        false => format!("{variable} is not {what}"),
    };
    let symbol = match op {
        StringEquals | StringEqualsPath | NumericEquals | NumericEqualsPath | BooleanEquals | BooleanEqualsPath | TimestampEquals
        | TimestampEqualsPath => "==",
        StringLessThan | StringLessThanPath | NumericLessThan | NumericLessThanPath | TimestampLessThan | TimestampLessThanPath => "<",
        StringGreaterThan | StringGreaterThanPath | NumericGreaterThan | NumericGreaterThanPath | TimestampGreaterThan
        | TimestampGreaterThanPath => ">",
        StringLessThanEquals | StringLessThanEqualsPath | NumericLessThanEquals | NumericLessThanEqualsPath | TimestampLessThanEquals
        | TimestampLessThanEqualsPath => "<=",
        StringGreaterThanEquals | StringGreaterThanEqualsPath | NumericGreaterThanEquals | NumericGreaterThanEqualsPath
        | TimestampGreaterThanEquals | TimestampGreaterThanEqualsPath => ">=",
        StringMatches => "matches",
        IsNull => return test("null"),
        IsPresent => return test("present"),
        IsNumeric => return test("numeric"),
        IsString => return test("a string"),
        IsBoolean => return test("a boolean"),
        IsTimestamp => return test("a timestamp"),
    };
    format!("{variable} {symbol} {}", value())
}

/// `ErrorEquals` as a list.
pub fn errors(errors: &[Spanned<String>]) -> String {
    cut(&errors.iter().map(|e| e.value.as_str()).collect::<Vec<_>>().join(", "))
}

/// A Retrier: its errors and attempts (AWS's default: 3).
pub fn retry(retrier: &Retrier) -> String {
    let attempts = retrier.max_attempts.as_ref().map_or(3, |a| a.value);
    format!("Retry {} ×{attempts}", errors(&retrier.error_equals.value))
}

/// The second line of a state: what it calls, waits for or fails with.
pub fn detail(kind: &StateKind) -> Option<String> {
    let text = match kind {
        StateKind::Task(task) => resource(&task.resource.value),
        StateKind::Wait(wait) => {
            let seconds = wait.seconds.as_ref().map(|s| format!("{} s", s.value));
            let path = (wait.seconds_path.as_ref()).or(wait.timestamp.as_ref()).or(wait.timestamp_path.as_ref()).map(|p| format!("until {}", p.value));
            seconds.or(path)?
        }
        StateKind::Fail(fail) => fail.error.as_ref().map(|e| e.value.clone()).or_else(|| fail.error_path.as_ref().map(|p| p.value.clone()))?,
        StateKind::Map(map) => {
            let distributed = map.processor.as_ref().and_then(|p| p.processor_config.as_ref()).and_then(|c| c.mode.as_ref());
            match distributed.map(|m| &m.value) {
                Some(crate::ast::ProcessorMode::Distributed) => "Distributed".to_string(),
                _ => "Inline".to_string(),
            }
        }
        _ => return None,
    };
    Some(cut(&text))
}

/// A Task's Resource in short: `lambda:invoke`, `Lambda ProcessPayment`, `Activity approve`.
fn resource(arn: &str) -> String {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "states", "", "", rest @ ..] => rest.join(":"),
        ["arn", _, "lambda", _, _, "function", name, ..] => format!("Lambda {name}"),
        ["arn", _, "states", _, _, "activity", name] => format!("Activity {name}"),
        _ => arn.to_string(),
    }
}

fn cut(text: &str) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    match text.char_indices().nth(MAX_LABEL) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_shortened_by_family() {
        assert_eq!(resource("arn:aws:states:::lambda:invoke"), "lambda:invoke");
        assert_eq!(resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), "sqs:sendMessage.waitForTaskToken");
        assert_eq!(resource("arn:aws:lambda:us-east-1:123456789012:function:ShipOrder"), "Lambda ShipOrder");
        assert_eq!(resource("arn:aws:states:us-east-1:123456789012:activity:approve"), "Activity approve");
        assert_eq!(resource("{% $fn %}"), "{% $fn %}");
    }

    #[test]
    fn long_labels_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(cut(&long).chars().count(), MAX_LABEL + 1);
        assert_eq!(cut("a\nb"), "a b");
    }
}
