//! `| pattern | update, delete |`: a function that copies its argument and changes the objects
//! the pattern selects in the copy.

use std::collections::HashMap;
use std::rc::Rc;

use super::Eval;
use crate::jsonata::error::{Error, Result};
use crate::jsonata::tree::Node;
use crate::jsonata::value::{Env, Str, Value};

/// What to do to one selected object: fields to set, then fields to remove.
struct Change<'a> {
    set: Vec<(Str<'a>, Value<'a>)>,
    remove: Vec<String>,
}

impl<'a> Eval<'a> {
    pub(super) fn transform(&self, node: &'static Node, input: Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        let Node::Transform(pattern, update, delete) = node else { return Ok(Value::Undefined) };
        if input.is_undefined() {
            return Ok(Value::Undefined);
        }
        let copy = input.deep_copy();
        let selected = self.eval(pattern, &copy, env)?;
        let mut changes: HashMap<usize, Change<'a>> = HashMap::new();
        let matches: Vec<Value<'a>> = if selected.is_array() { selected.members().collect() } else { vec![selected] };
        for m in matches {
            let Value::Object(object) = &m else { continue };
            let set = match self.eval(update, &m, env)? {
                Value::Undefined => Vec::new(),
                u if u.is_object() => u.entries(),
                _ => return Err(Error::new("T2011", "The insert/update clause of the transform expression must evaluate to an object")),
            };
            let remove = match delete {
                None => Vec::new(),
                Some(d) => match self.eval(d, &m, env)? {
                    Value::Undefined => Vec::new(),
                    Value::String(s) => vec![s.as_str().to_owned()],
                    v if v.is_array() && v.members().all(|x| x.as_str().is_some()) => {
                        v.members().filter_map(|x| x.as_str().map(str::to_owned)).collect()
                    }
                    _ => return Err(Error::new("T2012", "The delete clause of the transform expression must evaluate to a string or array of strings")),
                },
            };
            changes.entry(Rc::as_ptr(object) as usize).or_insert(Change { set: Vec::new(), remove: Vec::new() }).merge(set, remove);
        }
        Ok(rebuild(&copy, &changes))
    }
}

impl<'a> Change<'a> {
    fn merge(&mut self, set: Vec<(Str<'a>, Value<'a>)>, remove: Vec<String>) {
        self.set.extend(set);
        self.remove.extend(remove);
    }
}

/// The copy with the changes made, children before their parents.
fn rebuild<'a>(v: &Value<'a>, changes: &HashMap<usize, Change<'a>>) -> Value<'a> {
    match v {
        Value::Array(a) => Value::array(a.items.iter().map(|m| rebuild(m, changes)).collect(), a.kind),
        Value::Object(o) => {
            let mut fields: crate::jsonata::value::Object<'a> = o.iter().map(|(k, m)| (k.clone(), rebuild(m, changes))).collect();
            if let Some(change) = changes.get(&(Rc::as_ptr(o) as usize)) {
                for (k, m) in &change.set {
                    fields.insert(k.clone(), m.clone());
                }
                fields.retain(|key, _| !change.remove.iter().any(|k| k == key.as_str()));
            }
            Value::Object(Rc::new(fields))
        }
        v => v.clone(),
    }
}
