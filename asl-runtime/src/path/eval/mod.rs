//! Reading a path: Jayway JsonPath's token walk (`PathToken.evaluate` and friends) over
//! `serde_json::Value`, including the exceptions Jayway throws for definite paths, whose messages
//! AWS copies into its `States.Runtime` causes.

use std::borrow::Cow;

use serde_json::Value;

use super::{Path, PathError, Segment};

mod filter;
pub(super) mod regex;

/// Evaluates `path` on `root`: a definite path gives its value (`None` when it finds nothing);
/// an indefinite one gives `Some` JSON array of its matches, possibly empty. `None` also when
/// Jayway would throw (e.g. `$.missing[*]`: a definite prefix is missing).
pub fn select(path: &Path, root: &Value) -> Option<Value> {
    read(path, root).ok()
}

/// Like [`select`], with the error AWS reports when nothing is found, e.g.
/// `Invalid path '$.x' : No results for path: $['x']`.
pub fn read(path: &Path, root: &Value) -> Result<Value, PathError> {
    let invalid = |reason| PathError::Invalid { path: path.text().to_owned(), reason };
    let hits = run(path.segments(), root, root).map_err(invalid)?;
    if path.is_definite() {
        let none = || invalid(format!("No results for path: {}", render(path.segments())));
        hits.into_iter().next().ok_or_else(none)
    } else {
        Ok(Value::Array(hits))
    }
}

/// Borrowed fast path for paths made only of single names and single indexes (the usual
/// InputPath/Choice `Variable`). `None` when the path finds nothing or has any other step
/// (use [`select`] for those).
#[inline]
pub fn get<'a>(path: &Path, root: &'a Value) -> Option<&'a Value> {
    let mut current = root;
    for segment in path.segments() {
        current = match *segment {
            Segment::Field(name) => member(current.as_object()?, name)?,
            Segment::Index(index) => array_element(current.as_array()?, index)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The member `name` of an object. serde_json's order-keeping map hashes every key it looks
/// up with SipHash; for the few members most payload objects have, comparing the keys in
/// order is cheaper, and finds the same member (keys are unique).
#[inline]
pub(crate) fn member<'a>(object: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    const SCAN_UP_TO: usize = 8;
    if object.len() <= SCAN_UP_TO {
        object.iter().find_map(|(key, value)| same_key(key, name).then_some(value))
    } else {
        object.get(name)
    }
}

/// Key equality without a call to `memcmp` for the short keys payloads mostly have.
#[inline]
fn same_key(key: &str, name: &str) -> bool {
    const SHORT: usize = 16;
    let (a, b) = (key.as_bytes(), name.as_bytes());
    a.len() == b.len() && if a.len() <= SHORT { a.iter().zip(b).all(|(x, y)| x == y) } else { a == b }
}

/// Any path, borrowing when the path is a plain chain of names and indexes and computing the
/// value otherwise ([`select`]'s semantics): the one call for Choice `Variable` and the like.
#[inline]
pub fn lookup<'a>(path: &Path, root: &'a Value) -> Option<Cow<'a, Value>> {
    let plain = path.segments().iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_)));
    if plain {
        get(path, root).map(Cow::Borrowed)
    } else {
        select(path, root).map(Cow::Owned)
    }
}

/// The cause AWS gives when `path` finds nothing in `root` (InputPath, OutputPath,
/// `TimeoutSecondsPath`...): `Invalid path '$.a.b' : Missing property in path $['a']` when a
/// definite prefix is missing, `... : No results for path: $['a']['b']` when only the leaf is.
pub fn missing_path_message(path: &Path, root: &Value) -> String {
    match read(path, root) {
        Err(error) => error.to_string(),
        // Found after all: still say what was asked for, in the same words.
        Ok(_) => format!("Invalid path '{}' : No results for path: {}", path.text(), render(path.segments())),
    }
}

/// Runs `segments` on `model`; `document` is what `$` means inside filters. `Err` carries
/// Jayway's exception message.
pub(super) fn run(segments: &'static [Segment], model: &Value, document: &Value) -> Result<Vec<Value>, String> {
    let mut walk = Walk { segments, document, hits: Vec::new() };
    walk.step(0, model, true)?;
    Ok(walk.hits)
}

/// Element `index` of an array; negative indexes count from the end (Jayway's effective index).
pub(super) fn array_element(array: &[Value], index: i64) -> Option<&Value> {
    let effective = if index < 0 { i64::try_from(array.len()).ok()? + index } else { index };
    array.get(usize::try_from(effective).ok()?)
}

/// Jayway's rendering of a path: `$['a'][0]['b']`, `[*]`, `..`, `[?]`, `[1:3]`.
pub(super) fn render(segments: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in segments {
        out.push_str(&fragment(segment));
    }
    out
}

fn fragment(segment: &Segment) -> String {
    let quote = |name: &str| format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"));
    let join = |items: Vec<String>| items.join(",");
    match *segment {
        Segment::Field(name) => format!("[{}]", quote(name)),
        Segment::Fields(names) => format!("[{}]", join(names.iter().map(|n| quote(n)).collect())),
        Segment::Index(index) => format!("[{index}]"),
        Segment::Indexes(indexes) => format!("[{}]", join(indexes.iter().map(i64::to_string).collect())),
        Segment::Wildcard => "[*]".to_owned(),
        Segment::Slice { start, end, .. } => {
            let bound = |b: Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
            format!("[{}:{}]", bound(start), bound(end))
        }
        Segment::Scan => "..".to_owned(),
        Segment::Filter(_) => "[?]".to_owned(),
    }
}

/// Whether a step yields at most one value (Jayway `isTokenDefinite`).
fn is_token_definite(segment: &Segment, is_leaf: bool) -> bool {
    match segment {
        Segment::Field(_) | Segment::Index(_) => true,
        Segment::Fields(_) => is_leaf,
        _ => false,
    }
}

/// Jayway's message parts name Java classes; this mirrors its Jackson provider (unverified which
/// provider AWS runs).
fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => "java.lang.Integer",
        Value::Number(n) if n.is_i64() || n.is_u64() => "java.lang.Long",
        Value::Number(_) => "java.lang.Double",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

struct Walk<'d> {
    segments: &'static [Segment],
    document: &'d Value,
    hits: Vec<Value>,
}

impl Walk<'_> {
    /// Evaluates step `i` on `model`; `upstream_definite` = every earlier step is definite, the
    /// condition under which Jayway throws instead of silently skipping.
    fn step(&mut self, i: usize, model: &Value, upstream_definite: bool) -> Result<(), String> {
        let Some(segment) = self.segments.get(i) else {
            self.hits.push(model.clone());
            return Ok(());
        };
        let is_leaf = i + 1 == self.segments.len();
        let downstream = upstream_definite && is_token_definite(segment, is_leaf);
        match *segment {
            Segment::Field(name) => self.field(i, model, name, upstream_definite),
            Segment::Fields(names) => self.fields(i, model, names, upstream_definite),
            Segment::Index(index) => self.indexes(i, model, &[index], upstream_definite, downstream),
            Segment::Indexes(indexes) => self.indexes(i, model, indexes, upstream_definite, downstream),
            Segment::Slice { start, end, .. } => self.slice(i, model, (start, end), upstream_definite),
            Segment::Wildcard => self.wildcard(i, model),
            Segment::Scan => self.scan(i, model),
            Segment::Filter(filter) => self.filter(i, model, filter, upstream_definite),
        }
    }

    fn not_an_object(&self, i: usize, model: &Value) -> String {
        let segment = self.segments.get(i).map(fragment).unwrap_or_default();
        format!(
            "Expected to find an object with property {segment} in path {} but found '{}'. \
             This is not a json object according to the JsonProvider: \
             'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
            self.prefix(i),
            java_class(model)
        )
    }

    fn prefix(&self, end: usize) -> String {
        render(self.segments.get(..end).unwrap_or(self.segments))
    }

    fn field(&mut self, i: usize, model: &Value, name: &str, upstream_definite: bool) -> Result<(), String> {
        let Some(object) = model.as_object() else {
            return if upstream_definite { Err(self.not_an_object(i, model)) } else { Ok(()) };
        };
        match member(object, name) {
            Some(value) => self.step(i + 1, value, upstream_definite),
            // A missing leaf is simply no result; a missing intermediate of a definite path is
            // Jayway's "Missing property" exception.
            None if i + 1 == self.segments.len() || !upstream_definite => Ok(()),
            None => Err(format!("Missing property in path {}", self.prefix(i + 1))),
        }
    }

    fn fields(&mut self, i: usize, model: &Value, names: &[&str], upstream_definite: bool) -> Result<(), String> {
        let Some(object) = model.as_object() else {
            return if upstream_definite { Err(self.not_an_object(i, model)) } else { Ok(()) };
        };
        if i + 1 == self.segments.len() {
            // Jayway's "multi property merge": one object holding the names that exist.
            let merged = names.iter().filter_map(|n| object.get(*n).map(|v| ((*n).to_owned(), v.clone())));
            self.hits.push(Value::Object(merged.collect()));
            return Ok(());
        }
        for name in names {
            if let Some(value) = member(object, name) {
                self.step(i + 1, value, false)?;
            }
        }
        Ok(())
    }

    /// Jayway `checkArrayModel`: `Some(array)` to go on, `None` to skip silently.
    fn array_model<'m>(&self, i: usize, model: &'m Value, upstream_definite: bool) -> Result<Option<&'m [Value]>, String> {
        match model {
            Value::Array(array) => Ok(Some(array)),
            _ if !upstream_definite => Ok(None),
            Value::Null => Err(format!("The path {} is null", self.prefix(i))),
            _ => Err(format!(
                "Filter: {} can only be applied to arrays. Current context is: {model}",
                render(self.segments.get(i..).unwrap_or_default()).trim_start_matches('$')
            )),
        }
    }

    fn indexes(&mut self, i: usize, model: &Value, indexes: &[i64], upstream: bool, downstream: bool) -> Result<(), String> {
        let Some(array) = self.array_model(i, model, upstream)? else { return Ok(()) };
        for index in indexes {
            // Jayway swallows IndexOutOfBoundsException: an index past the end is no result.
            if let Some(element) = array_element(array, *index) {
                self.step(i + 1, element, downstream)?;
            }
        }
        Ok(())
    }

    fn slice(&mut self, i: usize, model: &Value, bounds: (Option<i64>, Option<i64>), upstream: bool) -> Result<(), String> {
        let Some(array) = self.array_model(i, model, upstream)? else { return Ok(()) };
        for index in slice_indexes(bounds, i64::try_from(array.len()).unwrap_or(i64::MAX)) {
            if let Some(element) = array_element(array, index) {
                self.step(i + 1, element, false)?;
            }
        }
        Ok(())
    }

    fn wildcard(&mut self, i: usize, model: &Value) -> Result<(), String> {
        match model {
            Value::Object(object) => object.values().try_for_each(|v| self.step(i + 1, v, false)),
            Value::Array(array) => array.iter().try_for_each(|v| self.step(i + 1, v, false)),
            _ => Ok(()),
        }
    }

    fn filter(&mut self, i: usize, model: &Value, f: &super::Filter, upstream: bool) -> Result<(), String> {
        match model {
            Value::Object(_) if filter::accept(f, model, self.document) => self.step(i + 1, model, false),
            Value::Object(_) => Ok(()),
            Value::Array(array) => {
                let document = self.document;
                let mut accepted = array.iter().filter(|item| filter::accept(f, item, document));
                accepted.try_for_each(|item| self.step(i + 1, item, false))
            }
            _ if upstream => Err(format!(
                "Filter: {} can not be applied to primitives. Current context is: {model}",
                render(self.segments.get(i..).unwrap_or_default()).trim_start_matches('$')
            )),
            _ => Ok(()),
        }
    }

    /// `..`: Jayway `ScanPathToken.walk`, pre-order over objects and arrays; the step after `..`
    /// decides which nodes it is tried on.
    fn scan(&mut self, i: usize, model: &Value) -> Result<(), String> {
        let Some(target) = self.segments.get(i + 1) else { return Ok(()) };
        let target_is_leaf = i + 2 == self.segments.len();
        match model {
            Value::Object(object) => {
                if self.scan_matches(target, target_is_leaf, model) {
                    self.step(i + 1, model, false)?;
                }
                object.values().try_for_each(|v| self.scan(i, v))
            }
            Value::Array(array) => {
                if self.scan_matches(target, target_is_leaf, model) {
                    if target_is_leaf {
                        self.step(i + 1, model, false)?;
                    } else {
                        // Jayway applies the step after the target to each element here.
                        array.iter().try_for_each(|v| self.step(i + 2, v, false))?;
                    }
                }
                array.iter().try_for_each(|v| self.scan(i, v))
            }
            _ => Ok(()),
        }
    }

    fn scan_matches(&self, target: &Segment, target_is_leaf: bool, model: &Value) -> bool {
        match (target, model) {
            (Segment::Field(name), Value::Object(object)) => object.contains_key(*name),
            (Segment::Fields(names), Value::Object(object)) => {
                !target_is_leaf || names.iter().all(|n| object.contains_key(*n))
            }
            (Segment::Index(_) | Segment::Indexes(_) | Segment::Slice { .. }, Value::Array(_)) => true,
            (Segment::Wildcard, _) => true,
            (Segment::Filter(f), _) => filter::accept(f, model, self.document),
            _ => false,
        }
    }
}

/// The indexes Jayway's `ArrayPathToken` slice operations visit (`sliceFrom`, `sliceBetween`,
/// `sliceTo`), before its out-of-bounds indexes are dropped. `[a:b]` does not normalise
/// negative bounds, exactly like Jayway.
fn slice_indexes(bounds: (Option<i64>, Option<i64>), length: i64) -> std::ops::Range<i64> {
    match bounds {
        (Some(from), None) => {
            let from = if from < 0 { length.saturating_add(from) } else { from };
            from.max(0)..length
        }
        (Some(from), Some(to)) => from..to.min(length),
        (None, Some(to)) => {
            let to = if to < 0 { length.saturating_add(to) } else { to };
            0..to.min(length)
        }
        (None, None) => 0..length,
    }
}
