//! The helpers against what the evaluator gives for the same expression, written as a tree.

use serde_json::json;

use super::*;
use crate::jsonata::tree::{Node, Path, Step};

fn ok<'a>(v: Value<'a>) -> Result<Value<'a>> {
    Ok(v)
}

/// What the evaluator makes of `node` on `input`, as JSON.
fn tree(node: &'static Node, input: &Json) -> Option<Json> {
    crate::jsonata::evaluate(node, Some(input), &[]).expect("evaluates")
}

static NAME_A: Node = Node::Name("a");

#[test]
fn a_step_over_one_object_gives_its_field() {
    let doc = json!({"a": [1, 2], "b": 3});
    let input = Value::from_json(&doc);
    let seq = step(&Seq::One(input.clone()), |x| ok(field(x, "a"))).unwrap();
    // A field holding an array is spliced into the next step's inputs.
    assert_eq!(seq.len(), 2);
    let last = last_step(&Seq::One(input.clone()), |x| ok(field(x, "a"))).unwrap();
    static PATH: Node = Node::Path(&Path {
        steps: &[Step { node: Node::Name("a"), stages: &[], focus: None, index: None, ancestor: None, sort: None }],
        keep_singleton: false,
        group: None,
        tuple: false,
    });
    assert_eq!(last.to_json(), tree(&PATH, &doc));
    assert!(step(&Seq::One(input), |x| ok(field(x, "missing"))).unwrap().is_empty());
}

#[test]
fn the_last_step_over_several_inputs_flattens_and_unwraps() {
    let doc = json!([{"a": 1}, {"a": [2, 3]}, {"b": 4}]);
    let input = Value::from_json(&doc);
    let seq = Seq::start(&input, false);
    assert_eq!(seq.len(), 3);
    let r = last_step(&seq, |x| ok(field(x, "a"))).unwrap();
    assert_eq!(r.to_json(), Some(json!([1, 2, 3])));
    assert_eq!(r.to_json(), tree(&NAME_A, &doc));
    let one = json!([{"a": 1}, {"b": 2}]);
    let r = last_step(&Seq::start(&Value::from_json(&one), false), |x| ok(field(x, "a"))).unwrap();
    assert_eq!(r.to_json(), Some(json!(1)));
    assert!(last_step(&Seq::Many(Vec::new()), |x| ok(field(x, "a"))).unwrap().is_undefined());
}

#[test]
fn a_single_array_that_is_not_a_sequence_stays_whole() {
    let doc = json!({"a": [[1, 2]]});
    let input = Value::from_json(&doc);
    let r = last_step_raw(&Seq::One(input), |x| ok(field(x, "a"))).unwrap();
    assert!(!r.is_sequence());
    assert_eq!(r.to_json(), Some(json!([[1, 2]])));
}

#[test]
fn predicates_select_by_truth_or_position() {
    let doc = json!([1, 5, 10]);
    let big = filter(Value::from_json(&doc), |x| ok(Value::Bool(x.as_number().unwrap() > 2.0))).unwrap();
    assert_eq!(big.to_json(), Some(json!([5, 10])));
    let by_index = filter(Value::from_json(&doc), |_| ok(Value::Number(-1.0))).unwrap();
    assert_eq!(unwrap(by_index).to_json(), Some(json!(10)));
    assert_eq!(unwrap(pick(Value::from_json(&doc), 1.0)).to_json(), Some(json!(5)));
    assert!(unwrap(pick(Value::from_json(&doc), 7.0)).is_undefined());
    assert_eq!(unwrap(pick(Value::Number(3.0), 0.0)).to_json(), Some(json!(3)));
    assert!(unwrap(filter(Value::Undefined, |_| ok(Value::Bool(true))).unwrap()).is_undefined());
}

#[test]
fn objects_run_each_value_on_the_context() {
    let doc = json!({"x": 1});
    let o = object(&Value::from_json(&doc), &["a", "b"], |i, ctx| ok(if i == 0 { field(ctx, "x") } else { Value::Undefined })).unwrap();
    assert_eq!(o.to_json(), Some(json!({"a": 1})));
    // Over an array, one group of all members.
    let doc = json!([{"x": 1}, {"x": 2}]);
    let o = object(&Value::from_json(&doc), &["a"], |_, ctx| ok(Value::Number(ctx.len() as f64))).unwrap();
    assert_eq!(o.to_json(), Some(json!({"a": 2})));
}

#[test]
fn groups_fail_on_keys_that_are_not_strings_or_clash() {
    let doc = json!([{"k": "a"}, {"k": "b"}, {"k": "a"}]);
    let by_key = group(Value::from_json(&doc), 1, |_, ctx| ok(field(ctx, "k")), |_, ctx| ok(Value::Number(ctx.len().max(1) as f64))).unwrap();
    assert_eq!(by_key.to_json(), Some(json!({"a": 2, "b": 1})));
    let number_key = group(Value::Null, 1, |_, _| ok(Value::Number(1.0)), |_, _| ok(Value::Null));
    assert_eq!(number_key.unwrap_err().code(), "T1003");
    let clash = group(Value::Null, 2, |_, _| ok(Value::string("k")), |_, _| ok(Value::Null));
    assert_eq!(clash.unwrap_err().code(), "D1009");
}

#[test]
fn operators_agree_with_the_evaluator() {
    let (two, three) = (Value::Number(2.0), Value::Number(3.0));
    assert_eq!(arithmetic(BinaryOp::Multiply, &two, &three).unwrap().as_number(), Some(6.0));
    assert!(arithmetic(BinaryOp::Add, &two, &Value::Undefined).unwrap().is_undefined());
    assert_eq!(arithmetic(BinaryOp::Add, &two, &Value::string("x")).unwrap_err().code(), "T2002");
    // A result out of range is checked where it is used, an operand out of range here.
    let infinity = arithmetic(BinaryOp::Divide, &two, &Value::Number(0.0)).unwrap();
    assert_eq!(arithmetic(BinaryOp::Add, &two, &infinity).unwrap_err().code(), "D1001");
    assert_eq!(negate(infinity).unwrap_err().code(), "D1001");
    assert!(matches!(compare(BinaryOp::Less, &two, &three).unwrap(), Value::Bool(true)));
    assert!(matches!(equal(&two, &Value::Undefined, true), Value::Bool(false)));
    assert_eq!(negate(Value::Null).unwrap_err().code(), "D1002");
    let mut text = String::new();
    concat(&mut text, &Value::string("n=")).unwrap();
    concat(&mut text, &Value::Undefined).unwrap();
    concat(&mut text, &Value::Number(1.5)).unwrap();
    assert_eq!(text, "n=1.5");
}

#[test]
fn builtins_are_called_unless_a_variable_hides_them() {
    let ev = Eval::new(Value::Undefined);
    let env = Env::root(Vec::new());
    let items = constructed(vec![Value::Number(1.0), Value::Number(2.0)]);
    static SUM: Builtin = Builtin::new("sum");
    let r = call(&ev, SUM.callee(&env), vec![items.clone()], &Value::Undefined).unwrap();
    assert_eq!(r.as_number(), Some(3.0));
    let hidden = Env::root(vec![("sum", Value::Number(1.0))]);
    let e = call(&ev, SUM.callee(&hidden), vec![items], &Value::Undefined).unwrap_err();
    assert_eq!(e.code(), "T1006");
    static NONE: Builtin = Builtin::new("nosuchfunction");
    assert_eq!(call(&ev, NONE.callee(&env), Vec::new(), &Value::Undefined).unwrap_err().code(), "T1006");
}
