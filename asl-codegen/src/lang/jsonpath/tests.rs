//! Accepted and rejected paths; the accepted ones come from AWS docs, the asl-validator fixtures
//! and the conformance cases.

use super::*;

fn field(name: &str) -> Segment {
    Segment::Field(name.to_owned())
}

fn ok(text: &str) -> JsonPath {
    match parse_path(text) {
        Ok(path) => path,
        Err(e) => panic!("{text:?} should parse: {e}"),
    }
}

fn err(text: &str) -> PathSyntaxError {
    match parse_path(text) {
        Ok(path) => panic!("{text:?} should not parse, got {path:?}"),
        Err(e) => e,
    }
}

fn current(name: &str) -> Operand {
    Operand::Current(vec![field(name)])
}

#[test]
fn roots() {
    assert_eq!(ok("$"), JsonPath { root: Root::Input, segments: vec![], text: "$".into() });
    assert_eq!(ok("$$").root, Root::Context);
    assert_eq!(ok("$$.Execution.Id").segments, vec![field("Execution"), field("Id")]);
    assert!(ok("$").is_definite());
}

#[test]
fn names_in_dot_and_bracket_notation() {
    assert_eq!(ok("$.input-foo-bar").segments, vec![field("input-foo-bar")]);
    assert_eq!(ok("$.café.日本").segments, vec![field("café"), field("日本")]);
    assert_eq!(ok("$['a b'][\"c'd\"]").segments, vec![field("a b"), field("c'd")]);
    assert_eq!(ok(r"$['it\'s']").segments, vec![field("it's")]);
    assert_eq!(ok("$['a', 'b']").segments, vec![Segment::Fields(vec!["a".into(), "b".into()])]);
    assert_eq!(ok("$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID").segments.len(), 1);
}

#[test]
fn indexes_unions_wildcards_and_slices() {
    assert_eq!(ok("$.books[-2]").segments, vec![field("books"), Segment::Index(-2)]);
    assert_eq!(ok("$.a[0, 2]").segments, vec![field("a"), Segment::Indexes(vec![0, 2])]);
    assert_eq!(ok("$.a[*]").segments, vec![field("a"), Segment::Wildcard]);
    assert_eq!(ok("$.a.*").segments, vec![field("a"), Segment::Wildcard]);
    let slice = |start, end, step| Segment::Slice { start, end, step };
    assert_eq!(ok("$.v[3:]").segments[1], slice(Some(3), None, None));
    assert_eq!(ok("$.v[1:3]").segments[1], slice(Some(1), Some(3), None));
    assert_eq!(ok("$.v[:2]").segments[1], slice(None, Some(2), None));
    assert_eq!(ok("$.v[-2:]").segments[1], slice(Some(-2), None, None));
    assert_eq!(ok("$.v[0:6:2]").segments[1], slice(Some(0), Some(6), Some(2)));
    // asl-validator valid-path-array-context.json
    assert_eq!(ok("$[(@.length-1)].bar").segments, vec![Segment::Index(-1), field("bar")]);
}

#[test]
fn recursive_descent() {
    assert_eq!(ok("$..name").segments, vec![Segment::Scan, field("name")]);
    assert_eq!(ok("$..*").segments, vec![Segment::Scan, Segment::Wildcard]);
    assert_eq!(ok("$..[0]").segments, vec![Segment::Scan, Segment::Index(0)]);
    assert_eq!(ok("$.store..price").segments, vec![field("store"), Segment::Scan, field("price")]);
}

#[test]
fn definiteness_follows_jayway() {
    for text in ["$", "$.a", "$.a[0].b", "$['a']", "$.a[-1]", "$.o['a','b']"] {
        assert!(ok(text).is_definite(), "{text}");
    }
    for text in ["$.a[*]", "$.*", "$..a", "$.a[0,1]", "$.a[1:]", "$.a[?(@.x)]", "$['a','b'].c"] {
        assert!(!ok(text).is_definite(), "{text}");
    }
}

#[test]
fn filters() {
    // conformance base/test_state_pass_regex_json_path_base-0
    let path = ok("$.users[?(@.status == 0)]");
    let compare = Filter::Compare(current("status"), CompareOp::Eq, Operand::Number(0.0));
    assert_eq!(path.segments, vec![field("users"), Segment::Filter(compare)]);
    assert_eq!(ok("$.a[?(@.x)]").segments[1], Segment::Filter(Filter::Exists(current("x"))));
    assert_eq!(ok("$.a[?(!@.x)]").segments[1], Segment::Filter(Filter::Not(Box::new(Filter::Exists(current("x"))))));
    let both = ok("$.a[?(@.p<10 && (@.c == 'x' || @.d != \"y\"))]");
    let Segment::Filter(Filter::And(left, right)) = &both.segments[1] else { panic!("{both:?}") };
    assert_eq!(**left, Filter::Compare(current("p"), CompareOp::Lt, Operand::Number(10.0)));
    assert!(matches!(**right, Filter::Or(_, _)));
    let regex = ok("$..book[?(@.author =~ /.*REES/i)]");
    let expected = Operand::Regex { pattern: ".*REES".into(), flags: "i".into() };
    assert_eq!(regex.segments[2], Segment::Filter(Filter::Compare(current("author"), CompareOp::Matches, expected)));
    let literals = ok("$.a[?(@.t == true || @.f == false || @.n == null || @.x >= -1.5e2 || @.y <= $.max)]");
    assert!(!literals.is_definite());
    // asl-validator valid-current-value-predicate.json writes a bare word.
    let bare = ok("$.R[?(@.OutputKey == FooBar)].OutputValue");
    let bare_compare = Filter::Compare(current("OutputKey"), CompareOp::Eq, Operand::String("FooBar".into()));
    assert_eq!(bare.segments[1], Segment::Filter(bare_compare));
    assert_eq!(ok("$.a[?(@['b c'][0] > 1)]").segments.len(), 2);
}

#[test]
fn variable_paths_start_at_the_variable() {
    let p = ok("$order.items[0]");
    assert_eq!(p.root, Root::Variable("order".into()));
    assert_eq!(p.segments, vec![Segment::Field("items".into()), Segment::Index(0)]);
    assert_eq!(p.variable(), Some("order"));
    assert_eq!(ok("$x").segments, vec![]);
    assert!(parse_reference_path("$x.a[1]").is_ok());
    assert_eq!(parse_reference_path("$x[*]").map_err(|e| e.offset), Err(2));
}

#[test]
fn rejected_paths() {
    // asl-validator invalid-json-path.json
    assert_eq!(err(".guid").offset, 0);
    assert_eq!(err("..guid").offset, 0);
    assert_eq!(err("()").offset, 0);
    assert_eq!(err("$...").offset, 3);
    assert_eq!(err("").offset, 0);
    assert_eq!(err("bug$.library.movies").offset, 0);
    assert_eq!(err("$.").offset, 1);
    assert_eq!(err("$..").offset, 1);
    assert_eq!(err("$.a b").offset, 3);
    assert_eq!(err("$.a[").offset, 3);
    assert_eq!(err("$.a[0").offset, 5);
    assert_eq!(err("$.a['b").offset, 4);
    assert_eq!(err("$.a[:]").offset, 4);
    assert_eq!(err("$.a[x]").offset, 3);
    assert_eq!(err("$.a.length()").offset, 10);
    assert_eq!(err("$x-y").offset, 2);
    assert_eq!(err("$.a[99999999999]").offset, 4);
    assert_eq!(err("$.a]").offset, 3);
    assert_eq!(err("$ .a").offset, 1);
    assert_eq!(err("$.a[?(@.x ==)]").offset, 12);
    assert_eq!(err("$.a[?(@.x in ['a'])]").offset, 10);
    assert_eq!(err("$.a[?(@.x =~ 'a')]").offset, 13);
    assert_eq!(err("$.a[?(1)]").offset, 6);
    assert_eq!(err("$.a[?(@.x == 1]").offset, 14);
    assert_eq!(err("$.a[?(@.x == $$.y)]").offset, 13);
    assert_eq!(err("$.a[?(@.x == /a)]").offset, 13);
}

#[test]
fn reference_paths_are_single_nodes() {
    for text in ["$", "$.a.b", "$.a[0]", "$['a'].b", "$$.Execution.Input", "$.a[-1]"] {
        assert!(parse_reference_path(text).is_ok(), "{text}");
    }
    for (text, offset) in [("$.a[*]", 3), ("$..a", 1), ("$.a[?(@.x)]", 3), ("$.a[1:]", 3), ("$.a[0,1]", 3), ("$['a','b']", 1), ("$.*", 1)] {
        let e = parse_reference_path(text).expect_err(text);
        assert_eq!(e.offset, offset, "{text}");
        assert!(e.message.contains("single node"), "{text}: {}", e.message);
    }
    assert_eq!(parse_reference_path("$.a b").map_err(|e| e.offset), Err(3));
}

#[test]
fn context_paths_and_entered_time() {
    assert!(ok("$$.State.EnteredTime").reads_entered_time());
    assert!(ok("$$").reads_entered_time());
    assert!(ok("$$.State").reads_entered_time());
    assert!(ok("$$..EnteredTime").reads_entered_time());
    assert!(ok("$$.*.EnteredTime").reads_entered_time());
    assert!(!ok("$$.State.Name").reads_entered_time());
    assert!(!ok("$$.Execution.Id").reads_entered_time());
    assert!(!ok("$.State.EnteredTime").reads_entered_time());
    assert!(ok("$$.Execution").is_context() && !ok("$.a").is_context());
}
