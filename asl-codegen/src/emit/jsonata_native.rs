//! JSONata expressions as direct Rust: a parsed [`Expr`] becomes a function with the runtime's
//! `NativeExpr` signature (`asl_runtime::jsonata::Expression::Native`) when every part of it is
//! in the subset written as code: literals, paths with predicates, `$`, `$$`, variables,
//! operators, conditions, blocks and `:=`, object and array constructors, and calls of
//! functions by name. Anything else (lambdas, partial application, `~>`, regular expressions,
//! sorting, `@`/`#`/`%` bindings, transforms) gives `None`, and the expression runs on the
//! evaluator over its static tree ([`super::jsonata`]).
//!
//! The code mirrors the evaluator node for node, through `asl_runtime::jsonata::compiled`,
//! which holds the evaluator's rules with the children as closures. Every piece of code here is
//! an expression of type `Value<'a>` that may use `?`, in scope of `__asl_ev` (the `Eval`),
//! `__asl_in` (the context value) and `__asl_env` (the variables); it yields what the
//! evaluator's `eval` of that node yields, with sequences of one unwrapped.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::lang::jsonata::ast::*;

/// `fn name<'a>(…) -> Result<Value<'a>, Error> { … }`, or `None` when the expression uses
/// something the evaluator must run.
pub fn native_fn(expr: &Expr, name: &str) -> Option<TokenStream> {
    let name = Ident::new(name, proc_macro2::Span::call_site());
    let mut w = Writer { statics: Vec::new(), labels: 0 };
    let body = w.expr(expr)?;
    let statics = w.statics;
    let j = quote!(::asl_runtime::jsonata);
    Some(quote! {
        #[allow(unused_variables, unused_mut, unused_labels, unused_assignments, unused_braces, unused_parens, clippy::all)]
        fn #name<'a>(
            __asl_ev: &#j::Eval<'a>,
            __asl_in: &#j::Value<'a>,
            __asl_env: &#j::Env<'a>,
        ) -> ::core::result::Result<#j::Value<'a>, #j::Error> {
            #(#statics)*
            ::core::result::Result::Ok(#body)
        }
    })
}

/// Whether [`native_fn`] writes `expr` as Rust.
pub fn is_native(expr: &Expr) -> bool {
    Writer { statics: Vec::new(), labels: 0 }.expr(expr).is_some()
}

struct Writer {
    /// The `Builtin` statics of the calls, at the top of the function.
    statics: Vec<TokenStream>,
    labels: usize,
}

fn c() -> TokenStream {
    quote!(::asl_runtime::jsonata::compiled)
}

fn value() -> TokenStream {
    quote!(::asl_runtime::jsonata::Value)
}

impl Writer {
    fn expr(&mut self, e: &Expr) -> Option<TokenStream> {
        let (red_zone, segment) = (crate::lang::jsonata::RED_ZONE, crate::lang::jsonata::STACK_SEGMENT);
        stacker::maybe_grow(red_zone, segment, || self.expr_here(e))
    }

    fn expr_here(&mut self, e: &Expr) -> Option<TokenStream> {
        let (c, v) = (c(), value());
        Some(match e {
            Expr::Null => quote!(#v::Null),
            Expr::Bool(b) => quote!(#v::Bool(#b)),
            Expr::Number(x) => {
                let x = super::jsonata::number(*x);
                quote!(#v::Number(#x))
            }
            Expr::String(s) => quote!(#v::String(::asl_runtime::jsonata::value::Str::Borrowed(#s))),
            Expr::Name(name) => quote!(#c::field(__asl_in, #name)),
            Expr::Wildcard => quote!(#c::wildcard(__asl_in)),
            Expr::Descendants => quote!(#c::descendants(__asl_in)),
            Expr::Context => quote!(#c::unwrap(::core::clone::Clone::clone(__asl_in))),
            Expr::Root => quote!(#c::root(__asl_ev)),
            Expr::Variable(name) => quote!(#c::variable(__asl_env, #name)),
            Expr::Path(p) => self.path(p)?,
            Expr::Negate(x) => {
                let x = self.expr(x)?;
                quote!(#c::negate(#x)?)
            }
            Expr::Array(items) => self.array(items)?,
            Expr::Object(pairs) => {
                let context = quote!(__asl_in);
                self.object(pairs, &context)?
            }
            Expr::Binary(op, l, r) => self.binary(*op, l, r)?,
            Expr::Condition(cond, then, otherwise) => {
                let (cond, then) = (self.expr(cond)?, self.expr(then)?);
                let otherwise = match otherwise {
                    Some(o) => self.expr(o)?,
                    None => quote!(#v::Undefined),
                };
                quote!(if (#cond).truthy() { #then } else { #otherwise })
            }
            Expr::Block(items) => {
                let items = items.iter().map(|i| self.expr(i)).collect::<Option<Vec<_>>>()?;
                quote!({
                    let __asl_scope = __asl_env.child();
                    let __asl_env = &__asl_scope;
                    let mut __asl_last = #v::Undefined;
                    #(__asl_last = #items;)*
                    __asl_last
                })
            }
            Expr::Bind(name, x) => {
                let x = self.expr(x)?;
                quote!({
                    let __asl_v = #x;
                    __asl_env.bind(#name, ::core::clone::Clone::clone(&__asl_v));
                    __asl_v
                })
            }
            Expr::Call(call) => self.call(call)?,
            Expr::Filtered(f) => self.filtered(f)?,
            Expr::Regex { .. }
            | Expr::Parent(_)
            | Expr::Placeholder
            | Expr::Lambda(_)
            | Expr::Apply(..)
            | Expr::Transform(..) => return None,
        })
    }

    fn binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr) -> Option<TokenStream> {
        let (c, v) = (c(), value());
        if op == BinaryOp::Concat {
            return self.concat(l, r);
        }
        let (l, r) = (self.expr(l)?, self.expr(r)?);
        let op_path = {
            let op = format_ident!("{}", op.name());
            quote!(::asl_runtime::jsonata::tree::BinaryOp::#op)
        };
        use BinaryOp::*;
        Some(match op {
            And => quote!(#v::Bool((#l).truthy() && (#r).truthy())),
            Or => quote!(#v::Bool((#l).truthy() || (#r).truthy())),
            Coalesce => quote!({
                let __asl_l = #l;
                if __asl_l.is_undefined() { #r } else { __asl_l }
            }),
            Default => quote!({
                let __asl_l = #l;
                if __asl_l.truthy() { __asl_l } else { #r }
            }),
            Add | Subtract | Multiply | Divide | Modulo => binary_call(quote!(#c::arithmetic(#op_path, &__asl_l, &__asl_r)?), l, r),
            Less | LessOrEqual | Greater | GreaterOrEqual => binary_call(quote!(#c::compare(#op_path, &__asl_l, &__asl_r)?), l, r),
            Equal => binary_call(quote!(#c::equal(&__asl_l, &__asl_r, false)), l, r),
            NotEqual => binary_call(quote!(#c::equal(&__asl_l, &__asl_r, true)), l, r),
            In => binary_call(quote!(#c::is_in(&__asl_l, &__asl_r)), l, r),
            Range => binary_call(quote!(#c::range(&__asl_l, &__asl_r)?), l, r),
            Concat => unreachable!("handled above"),
        })
    }

    /// A chain of `&` builds one string: the operands are evaluated and appended in the order
    /// the evaluator's nested `&`s evaluate and convert them (the first two, then one by one).
    fn concat(&mut self, l: &Expr, r: &Expr) -> Option<TokenStream> {
        let mut operands = vec![r];
        let mut left = l;
        while let Expr::Binary(BinaryOp::Concat, ll, lr) = left {
            operands.push(lr);
            left = ll;
        }
        operands.push(left);
        operands.reverse();
        let code = operands.iter().map(|o| self.expr(o)).collect::<Option<Vec<_>>>()?;
        let (c, v) = (c(), value());
        let (first, second, rest) = (&code[0], &code[1], &code[2..]);
        Some(quote!({
            let __asl_a = #first;
            let __asl_b = #second;
            let mut __asl_text = ::std::string::String::new();
            #c::concat(&mut __asl_text, &__asl_a)?;
            #c::concat(&mut __asl_text, &__asl_b)?;
            #(#c::concat(&mut __asl_text, &#rest)?;)*
            #v::string(__asl_text)
        }))
    }

    fn array(&mut self, items: &[Expr]) -> Option<TokenStream> {
        let c = c();
        let pushes = items
            .iter()
            .map(|i| {
                let code = self.expr(i)?;
                Some(match i {
                    Expr::Array(_) => quote!(#c::push_array(&mut __asl_items, #code);),
                    _ => quote!(#c::push_item(&mut __asl_items, #code);),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let n = items.len();
        Some(quote!({
            let mut __asl_items = ::std::vec::Vec::with_capacity(#n);
            #(#pushes)*
            #c::constructed(__asl_items)
        }))
    }

    /// `{k: v, …}` over `context` (an expression of type `&Value`).
    fn object(&mut self, pairs: &[(Expr, Expr)], context: &TokenStream) -> Option<TokenStream> {
        let c = c();
        let literal_keys: Option<Vec<&String>> =
            pairs.iter().map(|(k, _)| if let Expr::String(s) = k { Some(s) } else { None }).collect();
        let distinct = literal_keys.as_ref().is_some_and(|keys| keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k)));
        if let (Some(keys), true) = (literal_keys, distinct) {
            let values = self.arms(pairs.iter().map(|(_, v)| v))?;
            return Some(quote!(#c::object(#context, &[#(#keys),*], |__asl_i, __asl_in| #values)?));
        }
        self.object_group(pairs, context)
    }

    /// The body of a closure of `(__asl_i, __asl_in)` that evaluates expression `__asl_i` of
    /// `exprs` in a scope of its own, as the evaluator's grouping does.
    fn arms<'e>(&mut self, exprs: impl Iterator<Item = &'e Expr>) -> Option<TokenStream> {
        let mut arms = Vec::new();
        let mut binds = false;
        for (i, e) in exprs.enumerate() {
            binds |= contains_bind(e);
            let code = self.expr(e)?;
            arms.push(quote!(#i => #code,));
        }
        let v = value();
        // A scope of its own matters only to `:=`; without one, the caller's serves.
        let scope = binds.then(|| quote!(let __asl_scope = __asl_env.child(); let __asl_env = &__asl_scope;));
        Some(quote!({
            #scope
            ::core::result::Result::Ok(match __asl_i { #(#arms)* _ => #v::Undefined })
        }))
    }

    fn call(&mut self, call: &Call) -> Option<TokenStream> {
        self.call_with(call, quote!(call))
    }

    /// A call through `compiled::#call` (`call`, or `call_raw` for its value not unwrapped).
    fn call_with(&mut self, call: &Call, via: TokenStream) -> Option<TokenStream> {
        let Expr::Variable(name) = &*call.callee else { return None };
        if call.tail || call.args.iter().any(|a| matches!(a, Expr::Placeholder)) {
            return None;
        }
        let args = call.args.iter().map(|a| self.expr(a)).collect::<Option<Vec<_>>>()?;
        let c = c();
        let id = format_ident!("__ASL_FN_{}", self.statics.len());
        self.statics.push(quote!(static #id: #c::Builtin = #c::Builtin::new(#name);));
        Some(quote!({
            let __asl_callee = #id.callee(__asl_env);
            let __asl_args = ::std::vec![#(#args),*];
            #c::#via(__asl_ev, __asl_callee, __asl_args, __asl_in)?
        }))
    }

    /// Predicates on a value: `v` is a variable holding it.
    fn stages(&mut self, stages: &[Stage]) -> Option<Vec<TokenStream>> {
        let c = c();
        stages
            .iter()
            .map(|s| match s {
                Stage::Filter(Expr::Number(n)) => {
                    let n = super::jsonata::number(*n);
                    Some(quote!(let __asl_v = #c::pick(__asl_v, #n);))
                }
                Stage::Filter(p) => {
                    let p = self.expr(p)?;
                    Some(quote!(let __asl_v = #c::filter(__asl_v, |__asl_in| ::core::result::Result::Ok(#p))?;))
                }
                Stage::Index(_) => None,
            })
            .collect()
    }

    fn filtered(&mut self, f: &Filtered) -> Option<TokenStream> {
        let c = c();
        let node = self.raw(&f.node)?;
        let stages = self.stages(&f.stages)?;
        let keep = f.keep_singleton.then(|| quote!(let __asl_v = #c::keep_sequence(__asl_v);));
        let group = match &f.group {
            Some(pairs) => {
                let context = quote!(&__asl_v);
                let g = self.object_group(pairs, &context)?;
                quote!(let __asl_v = #g;)
            }
            None => quote!(),
        };
        Some(quote!({
            let __asl_v = #node;
            #(#stages)*
            #keep
            #group
            #c::unwrap(__asl_v)
        }))
    }

    /// `e` as the evaluator's `eval_raw` gives it to the predicates, `[]` and grouping after
    /// it: a call's or a variable's sequence of one not yet unwrapped (every other node yields
    /// its value unwrapped either way).
    fn raw(&mut self, e: &Expr) -> Option<TokenStream> {
        let c = c();
        Some(match e {
            Expr::Variable(name) => quote!(#c::variable_raw(__asl_env, #name)),
            Expr::Call(call) => self.call_with(call, quote!(call_raw))?,
            e => self.expr(e)?,
        })
    }

    /// A grouping `{…}` after a path or an expression: always the general form (its keys are
    /// evaluated per member).
    fn object_group(&mut self, pairs: &[(Expr, Expr)], context: &TokenStream) -> Option<TokenStream> {
        let c = c();
        // The evaluator evaluates a member's keys in one scope; a `:=` in one would reach the
        // next, which the closures here, a scope each, would not give.
        if pairs.iter().any(|(k, _)| contains_bind(k)) {
            return None;
        }
        let keys = self.arms(pairs.iter().map(|(k, _)| k))?;
        let values = self.arms(pairs.iter().map(|(_, v)| v))?;
        let n = pairs.len();
        Some(quote!(#c::group(::core::clone::Clone::clone(#context), #n, |__asl_i, __asl_in| #keys, |__asl_i, __asl_in| #values)?))
    }

    fn path(&mut self, p: &Path) -> Option<TokenStream> {
        if p.tuple || p.steps.is_empty() {
            return None;
        }
        let (c, v) = (c(), value());
        let label = syn_label(self.labels);
        self.labels += 1;
        let first_is_variable = matches!(p.steps[0].node, Expr::Variable(_) | Expr::Context | Expr::Root);
        // Without `[]` or a grouping, the last step can hand on its value unwrapped.
        let plain = !p.keep_singleton && p.group.is_none();
        let mut body = vec![quote!(let __asl_seq = #c::Seq::start(__asl_in, #first_is_variable);)];
        let last = p.steps.len() - 1;
        for (i, step) in p.steps.iter().enumerate() {
            if step.focus.is_some() || step.index.is_some() || step.ancestor.is_some() || step.sort.is_some() {
                return None;
            }
            let node = self.expr(&step.node)?;
            let stages = self.stages(&step.stages)?;
            if i == 0 && matches!(step.node, Expr::Array(_)) {
                // An array constructor first runs once, on all the inputs together.
                body.push(quote! {
                    let __asl_whole = #c::whole(&__asl_seq);
                    let __asl_r = {
                        let __asl_in = &__asl_whole;
                        let __asl_v = #node;
                        #(#stages)*
                        __asl_v
                    };
                    if #c::is_nothing(&__asl_r) { break #label #v::Undefined; }
                });
                // The next step runs on each member of what it made.
                body.push(if i == last { quote!(let __asl_r = __asl_r;) } else { quote!(let __asl_seq = #c::Seq::members_of(__asl_r);) });
                continue;
            }
            // An array constructor that ends the path (without predicates) is kept whole.
            let node = if i == last && i > 0 && matches!(step.node, Expr::Array(_)) && step.stages.is_empty() {
                quote!(#c::mark_constructed(#node))
            } else {
                node
            };
            let f = quote!(|__asl_in| {
                let __asl_v = #node;
                #(#stages)*
                ::core::result::Result::Ok(__asl_v)
            });
            body.push(match (i == last, plain) {
                (false, _) => quote! {
                    let __asl_seq = #c::step(&__asl_seq, #f)?;
                    if __asl_seq.is_empty() { break #label #v::Undefined; }
                },
                (true, true) => quote!(let __asl_r = #c::last_step(&__asl_seq, #f)?;),
                (true, false) => quote!(let __asl_r = #c::last_step_raw(&__asl_seq, #f)?;),
            });
        }
        body.push(quote!(__asl_r));
        // A path that ends early is undefined, where the evaluator has an empty sequence: the
        // same to `[]`, to a grouping (which still runs once) and once unwrapped.
        let mut after = Vec::new();
        if p.keep_singleton {
            after.push(quote!(let __asl_r = #c::keep_singleton(__asl_r);));
        }
        if let Some(pairs) = &p.group {
            let context = quote!(&__asl_r);
            let g = self.object_group(pairs, &context)?;
            after.push(quote!(let __asl_r = #g;));
        }
        // `last_step` unwraps; every other way to the end leaves that to here.
        let unwrapped = plain && !(last == 0 && matches!(p.steps[0].node, Expr::Array(_)));
        after.push(if unwrapped { quote!(__asl_r) } else { quote!(#c::unwrap(__asl_r)) });
        Some(quote!({
            let __asl_r = #label: { #(#body)* };
            #(#after)*
        }))
    }
}

/// `{ let __asl_l = l; let __asl_r = r; op }`: both sides first, left to right.
fn binary_call(op: TokenStream, l: TokenStream, r: TokenStream) -> TokenStream {
    quote!({
        let __asl_l = #l;
        let __asl_r = #r;
        #op
    })
}

fn syn_label(n: usize) -> syn::Lifetime {
    syn::Lifetime::new(&format!("'__asl_path{n}"), proc_macro2::Span::call_site())
}

/// Whether `e` has a `:=` anywhere in it.
fn contains_bind(e: &Expr) -> bool {
    match e {
        Expr::Bind(..) => true,
        Expr::Path(p) => {
            p.steps.iter().any(|s| contains_bind(&s.node) || s.stages.iter().any(stage_binds))
                || p.group.iter().flatten().any(|(k, v)| contains_bind(k) || contains_bind(v))
        }
        Expr::Negate(x) => contains_bind(x),
        Expr::Array(items) | Expr::Block(items) => items.iter().any(contains_bind),
        Expr::Object(pairs) => pairs.iter().any(|(k, v)| contains_bind(k) || contains_bind(v)),
        Expr::Binary(_, l, r) => contains_bind(l) || contains_bind(r),
        Expr::Condition(a, b, o) => contains_bind(a) || contains_bind(b) || o.as_deref().is_some_and(contains_bind),
        Expr::Call(call) => contains_bind(&call.callee) || call.args.iter().any(contains_bind),
        Expr::Filtered(f) => {
            contains_bind(&f.node)
                || f.stages.iter().any(stage_binds)
                || f.group.iter().flatten().any(|(k, v)| contains_bind(k) || contains_bind(v))
        }
        // Not written as Rust, or nothing inside.
        _ => false,
    }
}

fn stage_binds(s: &Stage) -> bool {
    matches!(s, Stage::Filter(p) if contains_bind(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::jsonata::parse;

    fn native(text: &str) -> Option<String> {
        native_fn(&parse(text).expect("parses"), "f").map(|t| t.to_string())
    }

    #[test]
    fn the_subset_is_written_as_rust() {
        for text in [
            r#"$states.input.items[inStock and price > 20].{"sku": sku, "total": qty * price}"#,
            "$sum(items.(qty * price)) * (1 - $sum(discounts.pct) / 100) + shipping.cost",
            r#"a.b & " " & c & (d ? "x" : "y")"#,
            "($x := 3; [1..$x, [2]][-1] = $$.a or -b in c ?? d ?: e)",
            "items{category: $sum(price)}",
            "$x[0][]",
            "**.*",
        ] {
            assert!(native(text).is_some(), "{text}");
        }
    }

    #[test]
    fn the_rest_is_left_to_the_evaluator() {
        for text in [
            "function($x) { $x }",
            "$map(items, function($i) { $i.price })",
            r#"$match(a, /b/)"#,
            "a ~> $sum",
            "items^(price)",
            "items@$i.price",
            "items#$i.price",
            "a.%.b",
            "$substring(?, 1)",
            "| a | {'b': 1} |",
            "$$()",
        ] {
            assert!(native(text).is_none(), "{text}");
        }
    }

    #[test]
    fn generated_code_names_only_absolute_paths_it_may() {
        let code = native(r#"{"a": $count(x[y > 1]), "b": [z, -w]}{k: $string(v)}"#).expect("native");
        let mut rest = code.as_str();
        while let Some(at) = rest.find(":: ") {
            let before = rest[..at].trim_end();
            // A path's start: `::` not preceded by an identifier.
            if !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '>') {
                let next = &rest[at + 3..];
                assert!(["asl_runtime ", "core ", "std "].iter().any(|p| next.starts_with(p)), "{}", &next[..30.min(next.len())]);
            }
            rest = &rest[at + 3..];
        }
    }
}
