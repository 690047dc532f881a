//! Choice rules → Rust boolean expressions over the state's effective input (`input`, a
//! `&Value` there) and, for `$$` paths, the Context object (`context`).

use super::paths::Paths;
use crate::ir::{Cmp, Condition, Test, TypeTest};
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::TokenStream;
use quote::quote;

pub fn condition(paths: &Paths, c: &Condition) -> TokenStream {
    match c {
        Condition::And(cs) => {
            let cs = cs.iter().map(|c| condition(paths, c));
            quote! { (#(#cs)&&*) }
        }
        Condition::Or(cs) => {
            let cs = cs.iter().map(|c| condition(paths, c));
            quote! { (#(#cs)||*) }
        }
        Condition::Not(c) => {
            let c = condition(paths, c);
            quote! { !#c }
        }
        Condition::Test { variable, test: t } => test(paths, variable, t),
        Condition::Jsonata(q) => {
            let value = super::value::query(q);
            let (text, location) = (&q.text, &q.location);
            quote! { ::asl_runtime::jsonata::state::condition(#value, #text, #location)? }
        }
    }
}

fn cmp(c: Cmp) -> TokenStream {
    match c {
        Cmp::Equals => quote! { ::asl_runtime::choice::Cmp::Equals },
        Cmp::LessThan => quote! { ::asl_runtime::choice::Cmp::LessThan },
        Cmp::GreaterThan => quote! { ::asl_runtime::choice::Cmp::GreaterThan },
        Cmp::LessThanEquals => quote! { ::asl_runtime::choice::Cmp::LessThanEquals },
        Cmp::GreaterThanEquals => quote! { ::asl_runtime::choice::Cmp::GreaterThanEquals },
    }
}

/// What a path of a rule reads: the input (already a reference), the Context object or a
/// workflow variable.
fn root(paths: &Paths, p: &JsonPath) -> TokenStream {
    match &p.root {
        Root::Input => quote! { input },
        Root::Context => quote! { &context },
        Root::Variable(name) => super::value::variable(paths, p, name),
    }
}

fn test(paths: &Paths, variable: &JsonPath, t: &Test) -> TokenStream {
    let var = paths.get(variable);
    let var_root = root(paths, variable);
    let value = quote! { &*::asl_runtime::choice::variable(#var, #var_root)? };
    let other = |p| {
        let r = root(paths, p);
        let p = paths.get(p);
        quote! { &*::asl_runtime::choice::variable(#p, #r)? }
    };
    match t {
        Test::String(c, s) => { let c = cmp(*c); quote! { ::asl_runtime::choice::string(#value, #c, #s) } }
        Test::Numeric(c, n) => { let c = cmp(*c); quote! { ::asl_runtime::choice::numeric(#value, #c, #n) } }
        Test::Boolean(b) => quote! { ::asl_runtime::choice::boolean(#value, #b) },
        Test::Timestamp(c, s) => { let c = cmp(*c); quote! { ::asl_runtime::choice::timestamp(#value, #c, #s) } }
        Test::StringPath(c, p) => { let (c, o) = (cmp(*c), other(p)); quote! { ::asl_runtime::choice::string_path(#value, #c, #o) } }
        Test::NumericPath(c, p) => { let (c, o) = (cmp(*c), other(p)); quote! { ::asl_runtime::choice::numeric_path(#value, #c, #o) } }
        Test::BooleanPath(p) => { let o = other(p); quote! { ::asl_runtime::choice::boolean_path(#value, #o) } }
        Test::TimestampPath(c, p) => { let (c, o) = (cmp(*c), other(p)); quote! { ::asl_runtime::choice::timestamp_path(#value, #c, #o) } }
        Test::StringMatches(s) => quote! { ::asl_runtime::choice::string_matches(#value, #s) },
        Test::Is(kind, expected) => {
            let f = match kind {
                TypeTest::Null => quote! { is_null },
                TypeTest::Numeric => quote! { is_numeric },
                TypeTest::String => quote! { is_string },
                TypeTest::Boolean => quote! { is_boolean },
                TypeTest::Timestamp => quote! { is_timestamp },
            };
            quote! { (::asl_runtime::choice::#f(#value) == #expected) }
        }
        // An unassigned variable is not present (rather than an error).
        Test::IsPresent(expected) => match &variable.root {
            Root::Variable(name) => quote! { (::asl_runtime::choice::is_present_in(#var, exec.variables().get(#name)) == #expected) },
            _ => quote! { (::asl_runtime::choice::is_present(#var, #var_root) == #expected) },
        },
    }
}
