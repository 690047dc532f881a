//! Expectations from AWS conformance recordings, the SPEC and Jayway JsonPath's documented
//! behaviour (its README's "store" document), not from this implementation.

use serde_json::{json, Value};

use super::*;

const NO_SUCH_INPUT_PATH: Path = Path::input("$.NoSuchInputPath", &[Segment::Field("NoSuchInputPath")]);
static USERS_STATUS_0: Path = Path::input(
    "$.users[?(@.status == 0)]",
    &[
        Segment::Field("users"),
        Segment::Filter(&Filter::Compare(Operand::Current(&[Segment::Field("status")]), CompareOp::Eq, Operand::Number(0.0))),
    ],
);

fn field(name: &'static str) -> Segment {
    Segment::Field(name)
}

fn path(text: &'static str, segments: Vec<Segment>) -> Path {
    Path::input(text, Vec::leak(segments))
}

fn filtered(text: &'static str, before: Vec<Segment>, filter: Filter) -> Path {
    let mut segments = before;
    segments.push(Segment::Filter(Box::leak(Box::new(filter))));
    path(text, segments)
}

fn current(names: &[&'static str]) -> Operand {
    Operand::Current(Vec::leak(names.iter().map(|n| Segment::Field(n)).collect()))
}

/// Jayway's README document.
fn store() -> Value {
    json!({"store": {
        "book": [
            {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
            {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
            {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
        ],
        "bicycle": {"color": "red", "price": 19.95}
    }, "expensive": 10})
}

fn book(i: usize) -> Value {
    store()["store"]["book"][i].clone()
}

#[test]
fn root_alone_is_the_whole_document() {
    let doc = json!({"a": 1});
    assert_eq!(select(&path("$", vec![]), &doc), Some(doc.clone()));
    assert!(path("$", vec![]).is_definite());
    assert!(Path::context("$$", &[]).is_context());
}

#[test]
fn definite_hits_and_misses() {
    let doc = json!({"a": {"b": [10, 20, {"c": null}]}});
    let p = path("$.a.b[2].c", vec![field("a"), field("b"), Segment::Index(2), field("c")]);
    assert!(p.is_definite());
    assert_eq!(select(&p, &doc), Some(Value::Null));
    assert_eq!(get(&p, &doc), Some(&Value::Null));
    let miss = path("$.a.x", vec![field("a"), field("x")]);
    assert_eq!(select(&miss, &doc), None);
    assert_eq!(get(&miss, &doc), None);
}

#[test]
fn missing_leaf_is_no_results_as_aws_reports() {
    // conformance scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH_-0
    let input = json!({"int-literal": 0});
    let expected = "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']";
    assert_eq!(missing_path_message(&NO_SUCH_INPUT_PATH, &input), expected);
    assert_eq!(read(&NO_SUCH_INPUT_PATH, &input).map_err(|e| e.to_string()), Err(expected.to_owned()));
}

#[test]
fn missing_intermediate_is_missing_property() {
    // SPEC 3.4
    let p = path("$.no.such.result.path", vec![field("no"), field("such"), field("result"), field("path")]);
    let expected = "Invalid path '$.no.such.result.path' : Missing property in path $['no']";
    assert_eq!(missing_path_message(&p, &json!({"int-literal": 0})), expected);
    let deeper = missing_path_message(&p, &json!({"no": {}}));
    assert_eq!(deeper, "Invalid path '$.no.such.result.path' : Missing property in path $['no']['such']");
}

#[test]
fn index_past_the_end_is_no_results_with_index_rendering() {
    let p = path("$.a[0].b", vec![field("a"), Segment::Index(0), field("b")]);
    let expected = "Invalid path '$.a[0].b' : No results for path: $['a'][0]['b']";
    assert_eq!(missing_path_message(&p, &json!({"a": []})), expected);
}

#[test]
fn negative_indexes_count_from_the_end() {
    let doc = json!({"books": ["a", "b", "c"]});
    assert_eq!(select(&path("$.books[-2]", vec![field("books"), Segment::Index(-2)]), &doc), Some(json!("b")));
    assert_eq!(select(&path("$.books[-4]", vec![field("books"), Segment::Index(-4)]), &doc), None);
}

#[test]
fn wildcards_on_objects_arrays_and_scalars() {
    let doc = json!({"o": {"x": 1, "y": [2]}, "a": [3, 4], "s": "text"});
    let on = |name| path("$.n.*", vec![field(name), Segment::Wildcard]);
    assert!(!on("o").is_definite());
    assert_eq!(select(&on("o"), &doc), Some(json!([1, [2]])));
    assert_eq!(select(&on("a"), &doc), Some(json!([3, 4])));
    assert_eq!(select(&on("s"), &doc), Some(json!([])));
    let authors = path("$.store.book[*].author", vec![field("store"), field("book"), Segment::Wildcard, field("author")]);
    let expected = json!(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]);
    assert_eq!(select(&authors, &store()), Some(expected));
}

#[test]
fn indefinite_path_with_missing_definite_prefix_finds_nothing() {
    // Jayway throws "Missing property in path $['missing']" even for an indefinite path.
    let p = path("$.missing[*]", vec![field("missing"), Segment::Wildcard]);
    assert_eq!(select(&p, &json!({})), None);
    // ...but a missing property after an indefinite step is skipped.
    let q = path("$.a[*].b", vec![field("a"), Segment::Wildcard, field("b")]);
    assert_eq!(select(&q, &json!({"a": [{"b": 1}, {}, "s"]})), Some(json!([1])));
}

#[test]
fn slices_follow_jayway() {
    let doc = json!({"v": [0, 1, 2, 3, 4]});
    let slice = |start, end| path("$.v[s]", vec![field("v"), Segment::Slice { start, end, step: None }]);
    assert_eq!(select(&slice(Some(3), None), &doc), Some(json!([3, 4])));
    assert_eq!(select(&slice(Some(1), Some(3)), &doc), Some(json!([1, 2])));
    assert_eq!(select(&slice(None, Some(2)), &doc), Some(json!([0, 1])));
    assert_eq!(select(&slice(Some(-2), None), &doc), Some(json!([3, 4])));
    assert_eq!(select(&slice(None, Some(-1)), &doc), Some(json!([0, 1, 2, 3])));
    assert_eq!(select(&slice(Some(2), Some(99)), &doc), Some(json!([2, 3, 4])));
    assert_eq!(select(&slice(Some(9), None), &doc), Some(json!([])));
    let stepped = path("$.v[1:4:2]", vec![field("v"), Segment::Slice { start: Some(1), end: Some(4), step: Some(2) }]);
    // Jayway ignores the step.
    assert_eq!(select(&stepped, &doc), Some(json!([1, 2, 3])));
}

#[test]
fn index_and_name_unions() {
    let doc = json!({"v": [0, 1, 2], "o": {"a": 1, "b": 2, "c": 3}});
    let indexes = path("$.v[0,2,7]", vec![field("v"), Segment::Indexes(&[0, 2, 7])]);
    assert!(!indexes.is_definite());
    assert_eq!(select(&indexes, &doc), Some(json!([0, 2])));
    // A trailing multi-name step merges into one object (definite).
    let merged = path("$.o['a','c','z']", vec![field("o"), Segment::Fields(&["a", "c", "z"])]);
    assert!(merged.is_definite());
    assert_eq!(select(&merged, &doc), Some(json!({"a": 1, "c": 3})));
    assert_eq!(get(&merged, &doc), None, "a merge cannot be borrowed");
    assert_eq!(lookup(&merged, &doc).map(|v| v.into_owned()), Some(json!({"a": 1, "c": 3})));
    let books = path("$.store.book[0,1].price", vec![field("store"), field("book"), Segment::Indexes(&[0, 1]), field("price")]);
    assert_eq!(select(&books, &store()), Some(json!([8.95, 12.99])));
}

#[test]
fn recursive_descent() {
    let authors = path("$..author", vec![Segment::Scan, field("author")]);
    let expected = json!(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]);
    assert_eq!(select(&authors, &store()), Some(expected));
    let prices = path("$.store..price", vec![field("store"), Segment::Scan, field("price")]);
    assert_eq!(select(&prices, &store()), Some(json!([8.95, 12.99, 8.99, 22.99, 19.95])));
    let third = path("$..book[2]", vec![Segment::Scan, field("book"), Segment::Index(2)]);
    assert_eq!(select(&third, &store()), Some(json!([book(2)])));
    let last = path("$..book[-1:]", vec![Segment::Scan, field("book"), Segment::Slice { start: Some(-1), end: None, step: None }]);
    assert_eq!(select(&last, &store()), Some(json!([book(3)])));
    let everything = path("$..*", vec![Segment::Scan, Segment::Wildcard]);
    assert_eq!(select(&everything, &store()).and_then(|v| v.as_array().map(Vec::len)), Some(28));
    let first_elements = path("$..[0]", vec![Segment::Scan, Segment::Index(0)]);
    assert_eq!(select(&first_elements, &json!({"a": [1, [2, 3]], "b": {"c": [4]}})), Some(json!([1, 2, 4])));
}

#[test]
fn filter_from_conformance_case() {
    // conformance base/test_state_pass_regex_json_path_base-0
    let input = json!({"users": [{"status": 0, "year": 1997}, {"status": 1, "year": 1998}]});
    assert!(!USERS_STATUS_0.is_definite());
    assert_eq!(select(&USERS_STATUS_0, &input), Some(json!([{"status": 0, "year": 1997}])));
}

#[test]
fn filters_compare_like_jayway() {
    let books = vec![Segment::Scan, field("book")];
    let cheap = filtered("$..book[?(@.price < 10)]", books.clone(), Filter::Compare(current(&["price"]), CompareOp::Lt, Operand::Number(10.0)));
    assert_eq!(select(&cheap, &store()), Some(json!([book(0), book(2)])));
    let with_isbn = filtered("$..book[?(@.isbn)]", books.clone(), Filter::Exists(current(&["isbn"])));
    assert_eq!(select(&with_isbn, &store()), Some(json!([book(2), book(3)])));
    let without = filtered("$..book[?(!@.isbn)]", books.clone(), Filter::Not(&Filter::Exists(Operand::Current(&[Segment::Field("isbn")]))));
    assert_eq!(select(&without, &store()), Some(json!([book(0), book(1)])));
    let rees = filtered("$..book[?(@.author =~ /.*REES/i)]", books.clone(), Filter::Compare(current(&["author"]), CompareOp::Matches, Operand::Regex { pattern: ".*REES", flags: "i" }));
    assert_eq!(select(&rees, &store()), Some(json!([book(0)])));
    let both = Filter::And(
        &Filter::Compare(Operand::Current(&[Segment::Field("category")]), CompareOp::Eq, Operand::String("fiction")),
        &Filter::Compare(Operand::Current(&[Segment::Field("price")]), CompareOp::Ge, Operand::Number(12.99)),
    );
    assert_eq!(select(&filtered("$..book[?(...)]", books.clone(), both), &store()), Some(json!([book(1), book(3)])));
    let expensive = filtered("$..book[?(@.price > $.expensive)]", books, Filter::Compare(current(&["price"]), CompareOp::Gt, Operand::Document(&[Segment::Field("expensive")])));
    assert_eq!(select(&expensive, &store()), Some(json!([book(1), book(3)])));
}

#[test]
fn filter_type_coercions_and_undefined() {
    let doc = json!({"v": [{"x": 1}, {"x": "1"}, {"y": 2}, {"x": "a"}]});
    let with = |op, right| filtered("$.v[?(@.x op r)]", vec![field("v")], Filter::Compare(current(&["x"]), op, right));
    // Jayway: a number equals a numeric string; a missing @.x is undefined and unequal to all.
    assert_eq!(select(&with(CompareOp::Eq, Operand::Number(1.0)), &doc), Some(json!([{"x": 1}, {"x": "1"}])));
    assert_eq!(select(&with(CompareOp::Ne, Operand::String("a")), &doc), Some(json!([{"x": 1}, {"x": "1"}, {"y": 2}])));
    assert_eq!(select(&with(CompareOp::Lt, Operand::Number(5.0)), &doc), Some(json!([{"x": 1}])));
    assert_eq!(select(&with(CompareOp::Gt, Operand::String("0")), &doc), Some(json!([{"x": "1"}, {"x": "a"}])));
}

#[test]
fn filter_on_a_single_object_tests_that_object() {
    let p = filtered("$.o[?(@.a == 1)]", vec![field("o")], Filter::Compare(current(&["a"]), CompareOp::Eq, Operand::Number(1.0)));
    assert_eq!(select(&p, &json!({"o": {"a": 1}})), Some(json!([{"a": 1}])));
    assert_eq!(select(&p, &json!({"o": {"a": 2}})), Some(json!([])));
}

#[test]
fn set_places_and_creates_intermediates() {
    let whole = path("$", vec![]);
    assert_eq!(set(json!({"a": 1}), &whole, json!("r")), Ok(json!("r")));
    let x = path("$.x", vec![field("x")]);
    assert_eq!(set(json!({"a": 1}), &x, json!(2)), Ok(json!({"a": 1, "x": 2})));
    assert_eq!(set(json!({"x": {"old": true}}), &x, json!(2)), Ok(json!({"x": 2})));
    let deep = path("$.a.b.c", vec![field("a"), field("b"), field("c")]);
    assert_eq!(set(json!({"a": {"k": 0}}), &deep, json!(3)), Ok(json!({"a": {"k": 0, "b": {"c": 3}}})));
    let indexed = path("$.l[1].v", vec![field("l"), Segment::Index(1), field("v")]);
    assert_eq!(set(json!({"l": [{}, {}]}), &indexed, json!(1)), Ok(json!({"l": [{}, {"v": 1}]})));
}

#[test]
fn set_on_non_object_input_fails() {
    let x = path("$.x", vec![field("x")]);
    let error = set(json!("abc"), &x, json!(1)).map_err(|e| e.to_string());
    assert_eq!(error, Err("Unable to apply ReferencePath $.x to input \"abc\"".to_owned()));
    assert!(set(json!(7), &x, json!(1)).is_err());
    let deep = path("$.a.b", vec![field("a"), field("b")]);
    assert_eq!(
        set(json!({"a": "s"}), &deep, json!(1)),
        Err(PathError::CannotApply { path: "$.a.b".into(), input: r#"{"a":"s"}"#.into() })
    );
    let indexed = path("$.l[5]", vec![field("l"), Segment::Index(5)]);
    assert!(set(json!({"l": []}), &indexed, json!(1)).is_err());
}

#[test]
fn regex_subset() {
    use super::eval::regex::full_match;
    assert!(full_match("a.c", "", "abc"));
    assert!(!full_match("a.c", "", "abcd"), "must match the whole text");
    assert!(full_match("[a-z]+\\d{2,3}", "", "abc123"));
    assert!(!full_match("[a-z]+\\d{2,3}", "", "abc1234"));
    assert!(full_match("(foo|bar)+-?x*", "", "foobarbar-xx"));
    assert!(full_match("[^0-9]*", "", "no digits"));
    assert!(full_match("HELLO", "i", "hello"));
    assert!(full_match("^\\w+@\\w+\\.com$", "", "me@host.com"));
    assert!(full_match("a*?b", "", "aaab"));
    assert!(!full_match("(", "", "("), "a malformed pattern matches nothing");
    assert!(!full_match("(a*)*b", "", &"a".repeat(40)), "backtracking is bounded");
}

#[test]
fn array_access_from_conformance_case() {
    // conformance base/test_json_path_array_access_.items_0_-0: "item.$": "$.items[0]"
    let input = json!({"items": [{"item_key": 0}, {"item_key": 1}]});
    let p = path("$.items[0]", vec![field("items"), Segment::Index(0)]);
    assert_eq!(select(&p, &input), Some(json!({"item_key": 0})));
    // assign/test_reference_assign_BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE: "$[2]" on an array input
    assert_eq!(select(&path("$[2]", vec![Segment::Index(2)]), &json!([9, 44, 6])), Some(json!(6)));
}
