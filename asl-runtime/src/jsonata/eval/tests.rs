//! How paths read arrays, written as the trees the compiler emits for the expressions named.

use serde_json::json;

use crate::jsonata::evaluate;
use crate::jsonata::tree::{Call, Node, Path, Stage, Step};

const fn step(node: Node) -> Step {
    Step { node, stages: &[], focus: None, index: None, ancestor: None, sort: None }
}

const fn path(steps: &'static [Step]) -> Path {
    Path { steps, keep_singleton: false, group: None, tuple: false }
}

/// `phone[0]`
static FIRST_PHONE: Node = Node::Path(&path(&[Step { stages: &[Stage::Filter(Node::Number(0.0))], ..step(Node::Name("phone")) }]));

#[test]
fn an_array_input_is_read_whole_by_a_path() {
    // JSONata wraps an array input: `phone[0]` is the first phone of all, not of each member.
    let input = json!([{"phone": [{"n": 0}]}, {"phone": [{"n": 1}]}]);
    assert_eq!(evaluate(&FIRST_PHONE, Some(&input), &[]).unwrap(), Some(json!({"n": 0})));
}

/// `$[1]`
static SECOND: Node = Node::Filtered(&crate::jsonata::tree::Filtered { node: Node::Context, stages: &[Stage::Filter(Node::Number(1.0))], group: None, keep_singleton: false });

#[test]
fn the_context_of_an_array_input_is_the_array() {
    let input = json!([[1, 2], [3, 4]]);
    assert_eq!(evaluate(&SECOND, Some(&input), &[]).unwrap(), Some(json!([3, 4])));
}

/// `[1, 2, 3].$string()`
static STRINGS: Node = Node::Path(&path(&[
    step(Node::Array(&[Node::Number(1.0), Node::Number(2.0), Node::Number(3.0)])),
    step(Node::Call(&Call { callee: Node::Variable("string"), args: &[], tail: false, name: "string" })),
]));

#[test]
fn a_step_runs_on_each_member_of_a_constructed_array_and_built_ins_take_it_as_context() {
    assert_eq!(evaluate(&STRINGS, None, &[]).unwrap(), Some(json!(["1", "2", "3"])));
}

/// `a.$x`
static A_X: Node = Node::Path(&path(&[step(Node::Name("a")), step(Node::Variable("x"))]));
/// `a.[1, 2]`
static A_PAIR: Node = Node::Path(&path(&[step(Node::Name("a")), step(Node::Array(&[Node::Number(1.0), Node::Number(2.0)]))]));

#[test]
fn only_an_array_constructor_that_ends_a_path_keeps_its_shape() {
    let input = json!({"a": [1, 2]});
    let x = json!([[1, 2], [3]]);
    // An array a variable holds is spliced in like any other.
    assert_eq!(evaluate(&A_X, Some(&input), &[("x", &x)]).unwrap(), Some(json!([[1, 2], [3], [1, 2], [3]])));
    assert_eq!(evaluate(&A_PAIR, Some(&input), &[]).unwrap(), Some(json!([[1, 2], [1, 2]])));
}

/// `nothing{"a": 1}`
static GROUP_OF_NOTHING: Node = Node::Path(&Path { group: Some(&[(Node::String("a"), Node::Number(1.0))]), ..path(&[step(Node::Name("nothing"))]) });

#[test]
fn a_grouping_runs_even_when_its_path_gives_nothing() {
    assert_eq!(evaluate(&GROUP_OF_NOTHING, Some(&json!({})), &[]).unwrap(), Some(json!({"a": 1})));
}
