//! JSON literals, payload templates and intrinsic calls → Rust expressions, and the calling
//! convention of the runtime's intrinsic functions (`asl_runtime::intrinsics`).
//!
//! Template expressions read two locals of the generated state function: `input` (the
//! template's input, a `&Value`) and, where a `$$` path is used, `context` (the Context object);
//! a `$name` path reads the variable from `exec` (the state's `Execution`).

use super::paths::Paths;
use super::piece::raw_string;
use crate::ir::{Arg, Call, Literal, Template};
use crate::lang::intrinsic::IntrinsicFn;
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

/// A constant of the definition: built by constructors, or parsed once from its JSON text
/// when large.
pub fn literal(l: &Literal) -> TokenStream {
    match l {
        Literal::Value(v) => value(v),
        Literal::Json(text) => large_literal(text),
    }
}

/// A JSON value built by direct constructors (no parsing at run time).
pub fn value(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote! { ::asl_runtime::Value::Null },
        Value::Bool(b) => quote! { ::asl_runtime::Value::Bool(#b) },
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                quote! { ::asl_runtime::io::number_i64(#i) }
            } else if let Some(u) = n.as_u64() {
                quote! { ::asl_runtime::io::number_u64(#u) }
            } else {
                let f = n.as_f64().unwrap_or_default();
                quote! { ::asl_runtime::io::number_f64(#f) }
            }
        }
        Value::String(s) => quote! { ::asl_runtime::io::string(#s) },
        Value::Array(items) => {
            let items = items.iter().map(value);
            quote! { ::asl_runtime::Value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        Value::Object(members) => {
            let entries = members.iter().map(|(k, v)| {
                let v = value(v);
                quote! { (#k, #v) }
            });
            quote! { ::asl_runtime::io::object([#(#entries),*]) }
        }
    }
}

/// A large literal (a Pass state's Result of thousands of values, say) as JSON text in a static,
/// read once: as constructors it would take code, and compile time and memory, hundreds of
/// times its size.
fn large_literal(text: &str) -> TokenStream {
    let json = raw_string(text);
    quote! {
        {
            static LITERAL: ::std::sync::OnceLock<::asl_runtime::Value> = ::std::sync::OnceLock::new();
            ::asl_runtime::io::literal_from_json(&LITERAL, #json)
        }
    }
}

/// An expression of type `Result<Value, Fault>`-compatible via `?`: evaluates a template.
pub fn template(paths: &Paths, t: &Template) -> TokenStream {
    match t {
        Template::Literal(v) => literal(v),
        Template::Array(items) => {
            let items = items.iter().map(|t| template(paths, t));
            quote! { ::asl_runtime::Value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        Template::Object(members) => {
            let entries = members.iter().map(|(k, v)| {
                let v = template(paths, v);
                quote! { (#k, #v) }
            });
            quote! { ::asl_runtime::io::object([#(#entries),*]) }
        }
        Template::Path { path, field } => path_value(paths, path, field),
        Template::Intrinsic { call: c, field } => call(paths, c, field),
        Template::Jsonata(q) => query(q),
    }
}

/// A JSONata expression of the state, evaluated with the state function's `states` (what
/// `$states` holds) and the execution's variables: a `Value`, or AWS's
/// `States.QueryEvaluationError`.
pub fn query(q: &crate::ir::Query) -> TokenStream {
    // As Rust where the expression is in the native subset, else a tree the evaluator walks.
    let (item, expression) = match super::jsonata_native::native_fn(&q.expr, "expr") {
        Some(f) => (f, quote! { ::asl_runtime::jsonata::Expression::Native(expr) }),
        None => {
            let tree = super::jsonata::node_expr(&q.expr);
            (
                quote! { static EXPR: ::asl_runtime::jsonata::tree::Node = #tree; },
                quote! { ::asl_runtime::jsonata::Expression::Tree(&EXPR) },
            )
        }
    };
    let (text, location) = (&q.text, &q.location);
    quote! {
        {
            #item
            ::asl_runtime::jsonata::state::query(#expression, #text, #location, &states, exec.variables())?
        }
    }
}

/// A template evaluated on the state function's local `input` (a `Value`, which the template
/// reads by reference).
pub fn template_on_input(paths: &Paths, t: &Template) -> TokenStream {
    let t = template(paths, t);
    quote! { { let input = &input; #t } }
}

/// What a path is evaluated on, where the state's own input is the local `input: Value`:
/// `&input`, `&context` (the Context object) for `$$` paths, a variable's value for `$name`.
pub fn root(paths: &Paths, p: &JsonPath) -> TokenStream {
    match &p.root {
        Root::Input => quote! { &input },
        Root::Context => quote! { &context },
        Root::Variable(name) => variable(paths, p, name),
    }
}

/// The value of variable `name`, which `p` reads (a `&Value`; a `States.Runtime` error when
/// no state assigned it).
pub fn variable(paths: &Paths, p: &JsonPath, name: &str) -> TokenStream {
    let path = paths.get(p);
    quote! { ::asl_runtime::io::variable(exec.variables(), #name, #path)? }
}

/// A `.$` path: on the template input (`input: &Value` there), the Context object or a
/// variable.
fn path_value(paths: &Paths, p: &JsonPath, field: &str) -> TokenStream {
    let path = paths.get(p);
    let root = match &p.root {
        Root::Input => quote! { input },
        Root::Context => quote! { &context },
        Root::Variable(name) => variable(paths, p, name),
    };
    quote! { ::asl_runtime::io::template_path(#path, #root, #field)? }
}

/// How generated code calls the runtime function behind an intrinsic: every argument is a
/// `serde_json::Value`, in order; from `variadic_from` on they go in one `Vec<Value>`; a call
/// that draws randomness (the catalogue says which) takes `&mut impl rand::RngCore` first,
/// borrowed from the environment.
struct RuntimeFn {
    /// The function in `asl_runtime::intrinsics`.
    name: &'static str,
    variadic_from: Option<usize>,
}

/// The runtime function for a call of `func` with `arg_count` arguments.
fn runtime_fn(func: IntrinsicFn, arg_count: usize) -> RuntimeFn {
    use IntrinsicFn as F;
    let (name, variadic_from) = match (func, arg_count) {
        (F::Format, _) => ("format", Some(1)),
        (F::StringToJson, _) => ("string_to_json", None),
        (F::JsonToString, _) => ("json_to_string", None),
        (F::Array, _) => ("array", Some(0)),
        (F::ArrayPartition, _) => ("array_partition", None),
        (F::ArrayContains, _) => ("array_contains", None),
        (F::ArrayRange, _) => ("array_range", None),
        (F::ArrayGetItem, _) => ("array_get_item", None),
        (F::ArrayLength, _) => ("array_length", None),
        (F::ArrayUnique, _) => ("array_unique", None),
        (F::Base64Encode, _) => ("base64_encode", None),
        (F::Base64Decode, _) => ("base64_decode", None),
        (F::Hash, _) => ("hash", None),
        (F::JsonMerge, _) => ("json_merge", None),
        // With a seed (the third argument) the result is fixed: no RNG.
        (F::MathRandom, 3) => ("math_random_seeded", None),
        (F::MathRandom, _) => ("math_random", None),
        (F::MathAdd, _) => ("math_add", None),
        (F::StringSplit, _) => ("string_split", None),
        (F::Uuid, _) => ("uuid", None),
    };
    RuntimeFn { name, variadic_from }
}

/// An intrinsic call: the runtime function of [`runtime_fn`], called as it says. Arguments of
/// a call that borrows the RNG are evaluated first, into locals, so no argument runs while the
/// RNG is borrowed.
fn call(paths: &Paths, c: &Call, field: &str) -> TokenStream {
    let mut args: Vec<TokenStream> = c.args.iter().map(|a| match a {
        Arg::Literal(v) => value(v),
        Arg::Path(p) => path_value(paths, p, field),
        Arg::Call(inner) => call(paths, inner, field),
    }).collect();
    let runtime = runtime_fn(c.func, args.len());
    if let Some(from) = runtime.variadic_from {
        let rest = args.split_off(from.min(args.len()));
        args.push(quote! { ::std::vec::Vec::from([#(#rest),*]) });
    }
    let func = Ident::new(runtime.name, Span::call_site());
    if !c.needs_rng() {
        return quote! { ::asl_runtime::intrinsics::#func(#(#args),*)? };
    }
    let names: Vec<Ident> = (0..args.len()).map(|i| Ident::new(&format!("arg{i}"), Span::call_site())).collect();
    quote! { {
        #(let #names = #args;)*
        env.with_rng(|rng| ::asl_runtime::intrinsics::#func(rng, #(#names),*))?
    } }
}

/// Whether a template reads the Context object (`$$` paths).
pub fn reads_context(t: &Template) -> bool {
    let mut found = false;
    t.visit(&mut |p| found |= p.root == Root::Context, &mut |_| {});
    found
}

#[cfg(test)]
mod tests {
    use super::runtime_fn;
    use crate::lang::intrinsic::IntrinsicFn;

    #[test]
    fn every_intrinsic_has_a_runtime_function() {
        for func in IntrinsicFn::ALL {
            let (min, max) = func.arity();
            for n in [min, max.unwrap_or(min + 2)] {
                assert!(!runtime_fn(func, n).name.is_empty(), "{func}");
            }
        }
        assert_eq!(runtime_fn(IntrinsicFn::MathRandom, 2).name, "math_random");
        assert_eq!(runtime_fn(IntrinsicFn::MathRandom, 3).name, "math_random_seeded");
        assert_eq!(runtime_fn(IntrinsicFn::Format, 1).variadic_from, Some(1));
        assert_eq!(runtime_fn(IntrinsicFn::Array, 0).variadic_from, Some(0));
        assert_eq!(runtime_fn(IntrinsicFn::MathAdd, 2).variadic_from, None);
    }
}
