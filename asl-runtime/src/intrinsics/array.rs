//! The array intrinsics: `States.Array`, `ArrayPartition`, `ArrayContains`, `ArrayRange`,
//! `ArrayGetItem`, `ArrayLength` and `ArrayUnique`.

use super::{describe, expect_array, expect_rounded_int, fail, json_equal, MAX_RANGE_ITEMS};
use crate::error::Failure;
use serde_json::Value;
use std::collections::HashSet;

/// `States.Array(v…)`: its arguments, in order, as an array (zero arguments give `[]`).
pub fn array(items: Vec<Value>) -> Result<Value, Failure> {
    Ok(Value::Array(items))
}

/// `States.ArrayPartition(array, chunkSize)`: the array cut into chunks of `chunkSize` items; the
/// last chunk holds what is left and may be shorter. The size is rounded and must be positive.
pub fn array_partition(array: Value, chunk_size: Value) -> Result<Value, Failure> {
    let items = expect_array("ArrayPartition", "first argument", array)?;
    let size = expect_rounded_int("ArrayPartition", "chunk size (second argument)", &chunk_size)?;
    let size = usize::try_from(size)
        .ok()
        .filter(|&s| s > 0)
        .ok_or_else(|| fail("ArrayPartition", format_args!("expects a positive chunk size, but got {}", describe(&chunk_size))))?;
    let chunks = items.chunks(size).map(|chunk| Value::Array(chunk.to_vec())).collect();
    Ok(Value::Array(chunks))
}

/// `States.ArrayContains(array, value)`: whether any item deeply equals `value` (numbers by
/// value, objects regardless of key order).
pub fn array_contains(array: Value, value: Value) -> Result<Value, Failure> {
    let items = expect_array("ArrayContains", "first argument", array)?;
    Ok(Value::Bool(items.iter().any(|item| json_equal(item, &value))))
}

/// `States.ArrayRange(start, end, step)`: `start, start+step, …` up to and including `end`.
/// Arguments are rounded to integers; the step must not be 0 and may be negative; at most 1000
/// items. A step pointing away from `end` gives `[]`.
pub fn array_range(start: Value, end: Value, step: Value) -> Result<Value, Failure> {
    let first = expect_rounded_int("ArrayRange", "start (first argument)", &start)?;
    let last = expect_rounded_int("ArrayRange", "end (second argument)", &end)?;
    let step = expect_rounded_int("ArrayRange", "step (third argument)", &step)?;
    if step == 0 {
        return Err(fail("ArrayRange", "expects a non-zero step (third argument)"));
    }
    let count = range_len(first, last, step);
    if count > MAX_RANGE_ITEMS as u128 {
        return Err(fail("ArrayRange", format_args!("would create {count} items, more than the limit of {MAX_RANGE_ITEMS}")));
    }
    // Every item lies between `first` and `last`, so it fits in i64; i128 keeps the
    // intermediate product from overflowing.
    let items = (0..count as i128)
        .map(|i| Value::from((first as i128 + i * step as i128) as i64))
        .collect();
    Ok(Value::Array(items))
}

/// How many items `first, first+step, …` has before passing `last` (0 if `step` points away).
fn range_len(first: i64, last: i64, step: i64) -> u128 {
    let distance = last as i128 - first as i128;
    if distance != 0 && (distance < 0) != (step < 0) {
        return 0;
    }
    (distance / step as i128) as u128 + 1
}

/// `States.ArrayGetItem(array, index)`: the item at a zero-based index. The index must be a
/// non-negative integer inside the array.
pub fn array_get_item(array: Value, index: Value) -> Result<Value, Failure> {
    let items = expect_array("ArrayGetItem", "first argument", array)?;
    let bad_index = || fail("ArrayGetItem", format_args!("expects a non-negative integer index, but got {}", describe(&index)));
    let position = match &index {
        Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => u,
            (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => f as u64,
            _ => return Err(bad_index()),
        },
        _ => return Err(bad_index()),
    };
    let len = items.len();
    usize::try_from(position)
        .ok()
        .and_then(|p| items.into_iter().nth(p))
        .ok_or_else(|| fail("ArrayGetItem", format_args!("was given index {position}, out of bounds for an array of {len} items")))
}

/// `States.ArrayLength(array)`: the number of items.
pub fn array_length(array: Value) -> Result<Value, Failure> {
    let items = expect_array("ArrayLength", "argument", array)?;
    Ok(Value::from(items.len()))
}

/// `States.ArrayUnique(array)`: the array without duplicates, keeping each first occurrence in
/// its place. Duplicates are found with the same deep equality as [`array_contains`].
pub fn array_unique(array: Value) -> Result<Value, Failure> {
    let items = expect_array("ArrayUnique", "argument", array)?;
    // A canonical text per item makes this linear instead of comparing every pair.
    let mut seen = HashSet::with_capacity(items.len());
    let unique = items.into_iter().filter(|item| seen.insert(canonical_key(item))).collect();
    Ok(Value::Array(unique))
}

/// A text that two values share exactly when [`json_equal`] holds between them.
fn canonical_key(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) => out.push_str(&canonical_number(n)),
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (key, item) in entries {
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(item, out);
                out.push(',');
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Integers print as integers whatever their JSON spelling (`1`, `1.0`), so they compare equal.
fn canonical_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => (f as i64).to_string(),
        Some(f) => format!("{f:?}"),
        None => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn array_collects_arguments_in_order() {
        assert_eq!(array(vec![]), Ok(json!([])));
        let obj = json!({"Arg1": 1, "Arg2": []});
        assert_eq!(array(vec![obj.clone(), obj.clone()]), Ok(json!([obj, obj])));
        assert_eq!(array(vec![json!(1.1), json!(" ")]), Ok(json!([1.1, " "])));
    }

    /// The recorded test_array_partition-* executions: (array, size) → chunks.
    #[test]
    fn array_partition_matches_recordings() {
        let cases = [
            (json!([]), 1, json!([])),
            (json!([]), 5, json!([])),
            (json!([0]), 3, json!([[0]])),
            (json!([0, 1]), 2, json!([[0, 1]])),
            (json!([0, 1]), 5, json!([[0, 1]])),
            (json!([0, 1, 2]), 1, json!([[0], [1], [2]])),
            (json!([0, 1, 2]), 2, json!([[0, 1], [2]])),
            (json!([0, 1, 2, 3]), 2, json!([[0, 1], [2, 3]])),
            (json!([0, 1, 2, 3]), 3, json!([[0, 1, 2], [3]])),
            (json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), 4, json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])),
        ];
        for (items, size, expected) in cases {
            assert_eq!(array_partition(items.clone(), json!(size)), Ok(expected), "{items} by {size}");
        }
    }

    #[test]
    fn array_partition_rounds_and_rejects_bad_sizes() {
        assert_eq!(array_partition(json!([0, 1, 2]), json!(1.5)), Ok(json!([[0, 1], [2]])));
        assert!(array_partition(json!([0]), json!(0)).is_err());
        assert!(array_partition(json!([0]), json!(-1)).is_err());
        assert!(array_partition(json!([0]), json!(0.4)).is_err());
        assert!(array_partition(json!([0]), json!("x")).is_err());
        assert!(array_partition(json!({"a": 1}), json!(1)).is_err());
    }

    /// The recorded test_array_contains-* executions.
    #[test]
    fn array_contains_matches_recordings() {
        assert_eq!(array_contains(json!([]), json!(null)), Ok(json!(false)));
        assert_eq!(array_contains(json!([]), json!([])), Ok(json!(false)));
        assert_eq!(array_contains(json!([]), json!(1)), Ok(json!(false)));
        assert_eq!(array_contains(json!([[1, 2, 3], 2]), json!(null)), Ok(json!(false)));
        assert_eq!(array_contains(json!([{"1": 2, "2": []}]), json!([])), Ok(json!(false)));
        assert_eq!(array_contains(json!([{"1": 2, "2": []}]), json!({"1": 2, "2": []})), Ok(json!(true)));
        assert_eq!(array_contains(json!([true, false]), json!(true)), Ok(json!(true)));
        assert_eq!(array_contains(json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), json!(5)), Ok(json!(true)));
        assert!(array_contains(json!("abc"), json!("a")).is_err());
    }

    #[test]
    fn array_contains_compares_deeply() {
        assert_eq!(array_contains(json!([{"a": 1, "b": 2}]), json!({"b": 2, "a": 1})), Ok(json!(true)));
        assert_eq!(array_contains(json!([[1, [2]]]), json!([1, [2]])), Ok(json!(true)));
        assert_eq!(array_contains(json!([1.0]), json!(1)), Ok(json!(true)));
        assert_eq!(array_contains(json!(["1"]), json!(1)), Ok(json!(false)));
    }

    /// The recorded test_array_range-* executions and the documented example.
    #[test]
    fn array_range_matches_recordings() {
        assert_eq!(array_range(json!(0), json!(9), json!(3)), Ok(json!([0, 3, 6, 9])));
        assert_eq!(array_range(json!(0), json!(10), json!(3)), Ok(json!([0, 3, 6, 9])));
        assert_eq!(array_range(json!(1), json!(9), json!(9)), Ok(json!([1])));
        assert_eq!(array_range(json!(1), json!(9), json!(2)), Ok(json!([1, 3, 5, 7, 9])));
    }

    #[test]
    fn array_range_handles_negative_steps_rounding_and_limits() {
        assert_eq!(array_range(json!(5), json!(1), json!(-2)), Ok(json!([5, 3, 1])));
        assert_eq!(array_range(json!(1), json!(5), json!(-1)), Ok(json!([])));
        assert_eq!(array_range(json!(0.5), json!(2.4), json!(1)), Ok(json!([1, 2])));
        assert_eq!(array_range(json!(3), json!(3), json!(-7)), Ok(json!([3])));
        assert!(array_range(json!(1), json!(5), json!(0)).is_err());
        assert!(array_range(json!(1), json!(5), json!(0.4)).is_err());
        assert_eq!(array_range(json!(1), json!(1000), json!(1)).unwrap().as_array().unwrap().len(), 1000);
        assert!(array_range(json!(0), json!(1000), json!(1)).is_err());
        assert!(array_range(json!(i64::MIN), json!(i64::MAX), json!(1)).is_err());
        assert!(array_range(json!("1"), json!(5), json!(1)).is_err());
    }

    /// The recorded test_array_get_item-0 execution and the bounds checks.
    #[test]
    fn array_get_item_returns_the_item_at_an_index() {
        assert_eq!(array_get_item(json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), json!(5)), Ok(json!(6)));
        assert_eq!(array_get_item(json!([{"a": 1}]), json!(0.0)), Ok(json!({"a": 1})));
        assert!(array_get_item(json!([1, 2]), json!(2)).is_err());
        assert!(array_get_item(json!([1, 2]), json!(-1)).is_err());
        assert!(array_get_item(json!([1, 2]), json!(0.5)).is_err());
        assert!(array_get_item(json!([1, 2]), json!("0")).is_err());
        assert!(array_get_item(json!({"0": 1}), json!(0)).is_err());
    }

    /// The recorded test_array_length-0 and test_array_unique-0 executions.
    #[test]
    fn array_length_counts_items() {
        assert_eq!(array_length(json!([1, 2, 3, 4, 5, 6, 7, 8, 9])), Ok(json!(9)));
        assert_eq!(array_length(json!([])), Ok(json!(0)));
        let many = json!([null, null, true, true, false, false, 1, 1, 1.1, 0, 0, "HelloWorld",
            "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]);
        assert_eq!(array_length(many), Ok(json!(20)));
        assert!(array_length(json!("abc")).is_err());
    }

    #[test]
    fn array_unique_keeps_first_occurrences_in_order() {
        assert_eq!(array_unique(json!([1, 2, 3, 3, 3, 3, 3, 3, 4])), Ok(json!([1, 2, 3, 4])));
        let many = json!([null, null, true, true, false, false, 1, 1, 1.1, 0, 0, "HelloWorld",
            "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 1}]);
        let expected = json!([null, true, false, 1, 1.1, 0, "HelloWorld", [], [null],
            {"a": 1, "b": 2}, {"a": 1, "b": 1}]);
        assert_eq!(array_unique(many), Ok(expected));
        assert_eq!(array_unique(json!([1, 1.0, "1"])), Ok(json!([1, "1"])));
        assert!(array_unique(json!(null)).is_err());
    }
}
