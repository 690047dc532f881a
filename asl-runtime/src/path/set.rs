//! ResultPath placement (SPEC 3.1/3.2): `$` replaces the whole input; any other Reference Path
//! puts the value at that node of the input, creating missing intermediate objects.

use serde_json::{Map, Value};

use super::{eval::array_element, Path, PathError, Segment};

/// Places `value` at `path` inside `target` and returns the result.
///
/// Errors (`Unable to apply ReferencePath $.x to input "abc"`) when a step meets something that
/// is not an object (a string or number input, an intermediate that is a string, `null`...), when
/// an index is out of range, or when the path is not a plain chain of names and indexes on `$`.
pub fn set(mut target: Value, path: &Path, value: Value) -> Result<Value, PathError> {
    let segments = path.segments();
    if segments.is_empty() && !path.is_context() {
        return Ok(value);
    }
    let cannot_apply = |target: &Value| PathError::CannotApply { path: path.text().to_owned(), input: target.to_string() };
    // Checked first so that a failure reports the input untouched.
    if path.is_context() || !can_place(&target, segments) {
        return Err(cannot_apply(&target));
    }
    match place(&mut target, segments, value) {
        Some(()) => Ok(target),
        None => Err(cannot_apply(&target)),
    }
}

/// Whether [`place`] will succeed: every existing step is an object (for names) or an array
/// holding the index; missing steps may only be names (an index cannot be created).
fn can_place(target: &Value, segments: &[Segment]) -> bool {
    let mut current = target;
    for (i, segment) in segments.iter().enumerate() {
        let is_leaf = i + 1 == segments.len();
        let next = match *segment {
            Segment::Field(name) => match current.as_object() {
                None => return false,
                Some(object) => super::eval::member(object, name),
            },
            Segment::Index(index) => match current.as_array().and_then(|a| array_element(a, index)) {
                None => return false,
                found => found,
            },
            _ => return false,
        };
        match next {
            None => return segments.get(i + 1..).unwrap_or_default().iter().all(|s| matches!(s, Segment::Field(_))),
            Some(_) if is_leaf => return true,
            Some(found) => current = found,
        }
    }
    true
}

fn place(target: &mut Value, segments: &[Segment], value: Value) -> Option<()> {
    let Some((segment, rest)) = segments.split_first() else {
        *target = value;
        return Some(());
    };
    let slot = match *segment {
        Segment::Field(name) => {
            let object = target.as_object_mut()?;
            if rest.is_empty() {
                object.insert(name.to_owned(), value);
                return Some(());
            }
            object.entry(name).or_insert_with(|| Value::Object(Map::new()))
        }
        Segment::Index(index) => element_mut(target.as_array_mut()?, index)?,
        _ => return None,
    };
    place(slot, rest, value)
}

fn element_mut(array: &mut [Value], index: i64) -> Option<&mut Value> {
    let effective = if index < 0 { i64::try_from(array.len()).ok()? + index } else { index };
    array.get_mut(usize::try_from(effective).ok()?)
}
