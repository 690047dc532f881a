//! Workflow variables (`Assign`, `$name`): the one owner of their values, their scopes and
//! AWS's size limits. Nothing here knows a query language: JSONPath paths
//! ([`crate::io::variable`]) and JSONata expressions read a variable through
//! [`Variables::get`], and a state's `Assign`, evaluated by whichever language the state uses
//! against the values the state entered with, arrives as one batch ([`Variables::assign`]),
//! so new values are seen from the next state on.
//!
//! Scopes: the top-level states share one; each Parallel branch and Map iteration gets its own
//! ([`Variables::inner`]) that reads the enclosing ones as they were when it started and is
//! dropped with the child. asl-codegen rejects an inner `Assign` of an outer name, so a name
//! lives in exactly one scope.

use crate::error::{names, Failure};
use crate::payload::json_len;
use serde_json::{Map, Value};
use std::sync::Arc;

/// AWS's limit on one variable's value: 256 KiB of UTF-8 JSON.
pub const MAX_VARIABLE_BYTES: usize = 262_144;
/// AWS's limit on the values one `Assign` sets together.
pub const MAX_ASSIGN_BYTES: usize = 262_144;
/// AWS's limit on all the variables of an execution at once: 10 MiB.
pub const MAX_EXECUTION_BYTES: usize = 10 * 1024 * 1024;

/// The variables one execution (or one branch or iteration of it) can read, and the scope it
/// assigns into. Empty costs nothing: no allocation until the first assignment, nothing in a
/// checkpoint.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Variables {
    /// This scope's variables. Shared (not copied) with the children started while it holds
    /// them; they are done before this scope changes again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    own: Option<Arc<Map<String, Value>>>,
    /// The enclosing scopes as they were when this branch or iteration started: read only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outer: Option<Arc<Variables>>,
    /// The size of `own`'s values as compact JSON, for the execution's total.
    #[serde(default, skip_serializing_if = "is_zero")]
    own_bytes: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Variables {
    /// The value of variable `name`, from this scope or an enclosing one; `None` when no state
    /// has assigned it (yet).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.own.as_deref().and_then(|own| own.get(name)) {
            Some(v) => Some(v),
            None => self.outer.as_deref()?.get(name),
        }
    }

    /// Whether no scope holds any variable.
    pub fn is_empty(&self) -> bool {
        self.own.as_deref().into_iter().all(Map::is_empty) && self.outer.as_deref().into_iter().all(Variables::is_empty)
    }

    /// A new scope inside this one, for a Parallel branch or a Map iteration: it reads this
    /// scope's variables as they are now and assigns its own.
    pub fn inner(self: &Arc<Self>) -> Variables {
        Variables { own: None, outer: Some(self.clone()), own_bytes: 0 }
    }

    /// Applies one state's assignments, all computed against the values before any of them
    /// (so `{"x": 1, "old.$": "$x"}` keeps the old `x` in `old`). Fails, changing nothing,
    /// with `States.DataLimitExceeded` when a value, the batch or the execution's variables
    /// would go over AWS's limits.
    pub fn assign(&mut self, batch: Map<String, Value>) -> Result<(), Failure> {
        if batch.is_empty() {
            return Ok(());
        }
        let sizes: Vec<usize> = batch.values().map(json_len).collect();
        let total: usize = sizes.iter().sum();
        if let Some((name, size)) = batch.keys().zip(&sizes).find(|(_, size)| **size > MAX_VARIABLE_BYTES) {
            return Err(too_large(format!("The value assigned to the variable '{name}' is {size} bytes, over the limit of {MAX_VARIABLE_BYTES} bytes.")));
        }
        if total > MAX_ASSIGN_BYTES {
            return Err(too_large(format!("The variables assigned by the state are {total} bytes together, over the limit of {MAX_ASSIGN_BYTES} bytes for one Assign.")));
        }
        let own = self.own.get_or_insert_with(Default::default);
        let replaced: usize = batch.keys().filter_map(|name| own.get(name)).map(json_len).sum();
        let outer = self.outer.as_deref().map_or(0, Variables::total_bytes);
        let after = (outer + self.own_bytes + total).saturating_sub(replaced);
        if after > MAX_EXECUTION_BYTES {
            return Err(too_large(format!("The execution's variables would be {after} bytes, over the limit of {MAX_EXECUTION_BYTES} bytes.")));
        }
        let own = Arc::make_mut(own);
        for (name, value) in batch {
            own.insert(name, value);
        }
        self.own_bytes = after - outer;
        Ok(())
    }

    /// The size of every variable this scope can read, as compact JSON.
    fn total_bytes(&self) -> usize {
        self.own_bytes + self.outer.as_deref().map_or(0, Variables::total_bytes)
    }
}

fn too_large(cause: String) -> Failure {
    Failure::new(names::DATA_LIMIT_EXCEEDED, cause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn batch(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!("a test batch is an object"),
        }
    }

    #[test]
    fn an_inner_scope_reads_the_outer_one_as_it_was_and_keeps_its_own() {
        let mut top = Variables::default();
        assert!(top.is_empty() && top.get("x").is_none());
        top.assign(batch(json!({"x": 42}))).unwrap();
        let shared = Arc::new(top.clone());
        let (mut a, mut b) = (shared.inner(), shared.inner());
        a.assign(batch(json!({"y": "a"}))).unwrap();
        b.assign(batch(json!({"y": "b"}))).unwrap();
        assert_eq!((a.get("x"), a.get("y")), (Some(&json!(42)), Some(&json!("a"))));
        assert_eq!(b.get("y"), Some(&json!("b")));
        assert_eq!(top.get("y"), None, "what a branch assigns stays in the branch");
        top.assign(batch(json!({"x": 1}))).unwrap();
        assert_eq!(a.get("x"), Some(&json!(42)), "a child keeps the values it started with");
    }

    #[test]
    fn an_empty_batch_changes_nothing_and_allocates_nothing() {
        let mut v = Variables::default();
        v.assign(Map::new()).unwrap();
        assert_eq!(v, Variables::default());
        assert_eq!(serde_json::to_string(&v).unwrap(), "{}");
    }

    #[test]
    fn limits_are_awss_and_a_refused_batch_changes_nothing() {
        let mut v = Variables::default();
        let big = "x".repeat(MAX_VARIABLE_BYTES);
        let err = v.assign(batch(json!({"a": 1, "b": big}))).unwrap_err();
        assert_eq!(err.error, "States.DataLimitExceeded");
        assert!(err.cause.unwrap().contains("'b'"));
        assert!(v.is_empty());
        let half = "x".repeat(MAX_ASSIGN_BYTES / 2);
        let err = v.assign(batch(json!({"a": half, "b": half}))).unwrap_err();
        assert!(err.cause.unwrap().contains("one Assign"));
        let mut filled = 0;
        let chunk = "x".repeat(MAX_VARIABLE_BYTES - 10);
        while filled + chunk.len() + 2 <= MAX_EXECUTION_BYTES {
            v.assign(batch(json!({ format!("v{filled}"): chunk }))).unwrap();
            filled += chunk.len() + 2;
        }
        let err = v.assign(batch(json!({"last": chunk}))).unwrap_err();
        assert!(err.cause.unwrap().contains("10485760"));
        // Replacing a value frees its room.
        v.assign(batch(json!({"v0": 1}))).unwrap();
        v.assign(batch(json!({"last": "small"}))).unwrap();
    }

    #[test]
    fn scopes_survive_a_checkpoint() {
        let mut top = Variables::default();
        top.assign(batch(json!({"x": [1, 2]}))).unwrap();
        let mut inner = Arc::new(top).inner();
        inner.assign(batch(json!({"y": true}))).unwrap();
        let back: Variables = serde_json::from_str(&serde_json::to_string(&inner).unwrap()).unwrap();
        assert_eq!(back, inner);
        assert_eq!(back.get("x"), Some(&json!([1, 2])));
    }
}
