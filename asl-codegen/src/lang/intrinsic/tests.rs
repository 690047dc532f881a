//! Accepted and rejected intrinsic expressions, many taken from the asl-validator fixtures, the
//! recorded conformance cases and AWS's documentation.

use super::*;
use serde_json::json;

fn lit(value: Value) -> Arg {
    Arg::Literal(value)
}

fn path(text: &str, offset: usize) -> Arg {
    Arg::Path { text: text.to_string(), offset }
}

fn error(text: &str) -> IntrinsicError {
    match parse_intrinsic(text) {
        Ok(call) => panic!("accepted {text:?} as {call:?}"),
        Err(e) => e,
    }
}

#[test]
fn every_expression_of_the_validator_fixtures_is_accepted() {
    let accepted = [
        r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)",
        "States.StringToJson($.someString)",
        "States.JsonToString($.someJson)",
        "States.Array('Foo', 2020, $.someJson, null)",
        "States.ArrayPartition($.inputArray,4)",
        "States.ArrayContains($.inputArray, $.lookingFor)",
        "States.ArrayRange(1, 9, 2)",
        "States.ArrayGetItem($.inputArray, $.index)",
        "States.ArrayLength($.inputArray)",
        "States.ArrayUnique($.inputArray)",
        "States.Base64Encode($.input)",
        "States.Base64Decode($.base64)",
        "States.Hash($.Data, $.Algorithm)",
        "States.JsonMerge($.json1, $.json2, false)",
        "States.MathRandom($.start, $.end)",
        "States.MathAdd($.value1, $.step)",
        "States.StringSplit($.inputString, $.splitter)",
        "States.UUID()",
        "States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)",
        "States.ArrayGetItem($.DescribeRecord.RecordOutputs[?(@.OutputKey == FooBar)].OutputValue, 0)",
        "States.Format('Hello {}, your application has been approved.', $inputPayload.data.firstname)",
        "States.Format('{}{}', $.field1, $field2)",
        "States.Format($AnswerTemplate, $$.Map.Item.Value)",
        "States.StringSplit('Hello\nWorld', '\n')",
        r#"States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)"#,
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))",
        "States.MathRandom(1, 999, 42)",
        "States.Hash('input data', 'SHA-512')",
        "  States.Array( 1 , 1.5 , -2e3 , true , false , null )  ",
        "States.Array($.abc.['def ghi'], $['a,b)'])",
    ];
    for text in accepted {
        if let Err(e) = parse_intrinsic(text) {
            panic!("rejected {text:?}: {e}");
        }
    }
}

#[test]
fn a_call_keeps_literals_paths_and_offsets() {
    let text = r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)";
    let call = parse_intrinsic(text).unwrap();
    assert_eq!(call.func, IntrinsicFn::Format);
    assert_eq!(call.offset, 0);
    let first = text.find("$.firstName").unwrap();
    let last = text.find("$.lastName").unwrap();
    assert_eq!((first, last), (47, 60));
    assert_eq!(call.args, vec![
        lit(json!("Welcome to {} {}'s playlist.")),
        path("$.firstName", first),
        path("$.lastName", last),
    ]);
}

#[test]
fn nested_calls_and_literals_are_typed() {
    let call = parse_intrinsic("States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)").unwrap();
    let inner = Call { func: IntrinsicFn::ArrayLength, args: vec![path("$$.Execution.Input.machines", 34)], offset: 15 };
    assert_eq!(call.args, vec![Arg::Call(Box::new(inner)), lit(json!(-1))]);
    let call = parse_intrinsic("States.Array(1, 1.5, -2e3, true, false, null, $)").unwrap();
    let expected = [lit(json!(1)), lit(json!(1.5)), lit(json!(-2000.0)), lit(json!(true)), lit(json!(false)), lit(json!(null)), path("$", 46)];
    assert_eq!(call.args, expected);
    assert_eq!(parse_intrinsic("States.UUID( )").unwrap().args, vec![]);
}

#[test]
fn string_escapes_resolve_except_in_the_format_template() {
    let call = parse_intrinsic(r"States.StringSplit('a\{b\}c\'d\\e', '\\')").unwrap();
    assert_eq!(call.args, vec![lit(json!("a{b}c'd\\e")), lit(json!("\\"))]);
    let call = parse_intrinsic(r"States.Format('\{\} {} \\ it\'s', 1)").unwrap();
    assert_eq!(call.args, vec![lit(json!(r"\{\} {} \\ it's")), lit(json!(1))]);
    // Arguments after the template are ordinary strings.
    let call = parse_intrinsic(r"States.Format('{}', '\{\}')").unwrap();
    assert_eq!(call.args[1], lit(json!("{}")));
    // Unknown escapes stay as written, so JSON text keeps its own escapes.
    let call = parse_intrinsic(r#"States.StringToJson('{"a":"say \"hi\""}')"#).unwrap();
    assert_eq!(call.args, vec![lit(json!(r#"{"a":"say \"hi\""}"#))]);
}

#[test]
fn paths_keep_filters_brackets_and_their_offset() {
    let text = "States.ArrayGetItem( $.a[?(@.k == 'x, y)')].v , 0)";
    let call = parse_intrinsic(text).unwrap();
    assert_eq!(call.args[0], path("$.a[?(@.k == 'x, y)')].v", 21));
}

#[test]
fn unknown_functions_are_rejected_with_a_suggestion() {
    let e = error("States.Fromat('x')");
    assert_eq!(e.offset, 0);
    assert!(e.message.contains("States.Fromat"), "{e}");
    assert_eq!(e.help.as_deref(), Some("did you mean 'States.Format'?"));
    assert_eq!(error("States.arraylength($.a)").help.as_deref(), Some("did you mean 'States.ArrayLength'?"));
    let e = error("States.Array($.a, States.Uuid())");
    assert_eq!(e.offset, 18);
    assert_eq!(e.help.as_deref(), Some("did you mean 'States.UUID'?"));
    assert!(error("States.Zzzzzz()").help.unwrap().contains("States.JsonMerge"));
}

#[test]
fn wrong_argument_counts_are_rejected() {
    assert_eq!(error("States.MathAdd(1, 2, 3)").message, "States.MathAdd takes 2 arguments, but 3 were given");
    assert_eq!(error("States.MathRandom(1)").message, "States.MathRandom takes 2 or 3 arguments, but 1 was given");
    assert_eq!(error("States.Format()").message, "States.Format takes at least 1 argument, but 0 were given");
    assert_eq!(error("States.UUID(1)").message, "States.UUID takes no arguments, but 1 was given");
    assert!(error("States.ArrayLength()").message.contains("takes 1 argument"));
    assert!(error("States.JsonMerge($.a, $.b)").message.contains("takes 3 arguments"));
}

#[test]
fn literal_arguments_of_the_wrong_type_are_rejected() {
    let e = error("States.MathAdd(1,'-1')");
    assert_eq!(e.offset, 17);
    assert_eq!(e.message, "States.MathAdd expects a number as its second argument, but got the string '-1'");
    assert!(error("States.ArrayPartition($.a, 'x')").message.contains("expects a number as its second argument"));
    assert!(error("States.ArrayLength('abc')").message.contains("expects an array"));
    assert!(error("States.ArrayLength(States.Format('x'))").message.contains("a call returning a string"));
    assert!(error("States.StringToJson(1)").message.contains("expects a string"));
    assert!(error("States.JsonMerge($.a, 'b', false)").message.contains("expects an object as its second argument"));
    assert!(error("States.Format(null)").message.contains("got null"));
    assert!(error("States.StringSplit($.a, 1)").message.contains("second argument"));
}

#[test]
fn literal_values_are_left_to_the_runtime() {
    // Only the JSON type of a literal is checked when the definition is compiled; whether a
    // value of the right type works (an algorithm name, a step, a `{}` count) is decided at
    // run time, as AWS accepts such definitions (its own docs' nesting example has three `{}`
    // and two values).
    assert!(error("States.JsonMerge($.a, $.b, true)").message.contains("only shallow merging"));
    for ok in [
        "States.Hash($.a, 'SHA-3')",
        "States.ArrayPartition($.a, 0)",
        "States.ArrayRange(1, 9, 0)",
        "States.ArrayGetItem($.a, -1)",
        "States.MathRandom(5, 5)",
        "States.Format('{} and {}', $.a)",
    ] {
        assert!(parse_intrinsic(ok).is_ok(), "{ok}");
    }
    let docs = "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert!(parse_intrinsic(docs).is_ok());
}

#[test]
fn malformed_text_is_rejected_at_the_culprit() {
    let e = error(r"States.Format('abc\");
    assert!(e.message.contains("escapes nothing"), "{e}");
    assert_eq!(e.offset, 18);
    assert_eq!(error("States.Format('abc)").offset, 14);
    assert!(error("States.Array($.a").message.contains("missing its closing ')'"));
    assert_eq!(error("States.Array() x").offset, 15);
    assert_eq!(error("States.Array(1 2)").offset, 15);
    assert_eq!(error("States.Array(1,)").offset, 15);
    assert!(error("States.Array(1.2.3)").message.contains("not a valid number"));
    assert!(error("States.Array(01)").message.contains("not a valid number"));
    assert!(error("States.Array(foo)").message.contains("'foo'"));
    assert!(error("States.Array(\"x\")").message.contains("expected an argument"));
    assert!(error("States.Array").message.contains("expected '('"));
    assert!(error("States.(1)").message.contains("function name"));
    assert!(error("Foo.Bar()").message.contains("starts with 'States.'"));
    assert!(error("States.Array($.a[0)").message.contains("unclosed"));
    assert!(error("").message.contains("starts with 'States.'"));
}

#[test]
fn nesting_is_limited_to_ten_calls_deep() {
    let nest = |depth: usize| format!("{}$.a{}", "States.Array(".repeat(depth), ")".repeat(depth));
    assert!(parse_intrinsic(&nest(MAX_NESTING)).is_ok());
    let e = error(&nest(MAX_NESTING + 1));
    assert!(e.message.contains("nested at most 10"), "{e}");
    assert_eq!(e.offset, "States.Array(".len() * MAX_NESTING);
    // Very deep text fails cleanly rather than overflowing the stack.
    assert!(parse_intrinsic(&nest(100_000)).is_err());
}

#[test]
fn non_ascii_text_never_breaks_offsets() {
    let call = parse_intrinsic("States.Format('héllo {} ✓', $.ü)").unwrap();
    assert_eq!(call.args[1], path("$.ü", 31));
    assert!(parse_intrinsic("States.Formaté()").is_err());
    assert!(parse_intrinsic("States.Array(✓)").is_err());
}

#[test]
fn the_catalogue_is_consistent() {
    for func in IntrinsicFn::ALL {
        let short = func.name().trim_start_matches("States.");
        assert_eq!(IntrinsicFn::from_short_name(short), Some(func));
    }
    assert_eq!(IntrinsicFn::Uuid.name(), "States.UUID");
    assert_eq!(IntrinsicFn::MathRandom.arity(), (2, Some(3)));
    assert_eq!(IntrinsicFn::Array.arity(), (0, None));
    assert_eq!(IntrinsicFn::Format.arity(), (1, None));
    assert!(IntrinsicFn::MathRandom.draws_randomness(2));
    assert!(!IntrinsicFn::MathRandom.draws_randomness(3));
    assert!(IntrinsicFn::Uuid.draws_randomness(0));
    assert!(!IntrinsicFn::Hash.draws_randomness(2));
}
