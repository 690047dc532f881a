//! JSONata expressions as Rust: a parsed [`Expr`] becomes an expression of type
//! `::asl_runtime::jsonata::tree::Node` made only of `&'static` data, for a `static` item.
//! A regular expression literal is a `static` of its own inside the initializer's block (it
//! keeps its compiled form once built).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::lang::jsonata::ast::*;

/// `{ static RE0: Regex = …; Node::Path(&Path { … }) }`.
pub fn node_expr(expr: &Expr) -> TokenStream {
    let mut writer = Writer { regexes: Vec::new() };
    let node = writer.node(expr);
    let regexes = writer.regexes;
    if regexes.is_empty() {
        return node;
    }
    quote!({ #(#regexes)* #node })
}

struct Writer {
    regexes: Vec<TokenStream>,
}

impl Writer {
    fn node(&mut self, e: &Expr) -> TokenStream {
        let (red_zone, segment) = (crate::lang::jsonata::RED_ZONE, crate::lang::jsonata::STACK_SEGMENT);
        stacker::maybe_grow(red_zone, segment, || self.node_here(e))
    }

    fn node_here(&mut self, e: &Expr) -> TokenStream {
        let n = quote!(::asl_runtime::jsonata::tree::Node);
        match e {
            Expr::Null => quote!(#n::Null),
            Expr::Bool(b) => quote!(#n::Bool(#b)),
            Expr::Number(x) => {
                let x = number(*x);
                quote!(#n::Number(#x))
            }
            Expr::String(s) => quote!(#n::String(#s)),
            Expr::Regex { pattern, flags } => {
                let name = format_ident!("__ASL_REGEX_{}", self.regexes.len());
                self.regexes.push(quote!(
                    static #name: ::asl_runtime::jsonata::tree::Regex = ::asl_runtime::jsonata::tree::Regex::new(#pattern, #flags);
                ));
                quote!(#n::Regex(&#name))
            }
            Expr::Name(s) => quote!(#n::Name(#s)),
            Expr::Wildcard => quote!(#n::Wildcard),
            Expr::Descendants => quote!(#n::Descendants),
            Expr::Parent(label) => quote!(#n::Parent(#label)),
            Expr::Context => quote!(#n::Context),
            Expr::Root => quote!(#n::Root),
            Expr::Variable(v) => quote!(#n::Variable(#v)),
            Expr::Path(p) => {
                let p = self.path(p);
                quote!(#n::Path(&#p))
            }
            Expr::Negate(x) => {
                let x = self.node(x);
                quote!(#n::Negate(&#x))
            }
            Expr::Array(items) => {
                let items = self.nodes(items);
                quote!(#n::Array(&[#(#items),*]))
            }
            Expr::Object(pairs) => {
                let pairs = self.pairs(pairs);
                quote!(#n::Object(#pairs))
            }
            Expr::Binary(op, l, r) => {
                let op = format_ident!("{}", op.name());
                let (l, r) = (self.node(l), self.node(r));
                quote!(#n::Binary(::asl_runtime::jsonata::tree::BinaryOp::#op, &#l, &#r))
            }
            Expr::Condition(c, t, o) => {
                let (c, t) = (self.node(c), self.node(t));
                let o = match o {
                    Some(o) => {
                        let o = self.node(o);
                        quote!(::core::option::Option::Some(&#o))
                    }
                    None => quote!(::core::option::Option::None),
                };
                quote!(#n::Condition(&#c, &#t, #o))
            }
            Expr::Block(items) => {
                let items = self.nodes(items);
                quote!(#n::Block(&[#(#items),*]))
            }
            Expr::Bind(name, v) => {
                let v = self.node(v);
                quote!(#n::Bind(#name, &#v))
            }
            Expr::Call(c) => {
                let callee = self.node(&c.callee);
                let args = self.nodes(&c.args);
                let (tail, name) = (c.tail, &c.name);
                quote!(#n::Call(&::asl_runtime::jsonata::tree::Call { callee: #callee, args: &[#(#args),*], tail: #tail, name: #name }))
            }
            Expr::Placeholder => quote!(#n::Placeholder),
            Expr::Lambda(l) => {
                let params = &l.params;
                let body = self.node(&l.body);
                let signature = match &l.signature {
                    None => quote!(::core::option::Option::None),
                    Some(params) => {
                        let params = params.iter().map(param);
                        quote!(::core::option::Option::Some(&::asl_runtime::jsonata::tree::Signature { params: &[#(#params),*] }))
                    }
                };
                quote!(#n::Lambda(&::asl_runtime::jsonata::tree::Lambda { params: &[#(#params),*], signature: #signature, body: #body }))
            }
            Expr::Apply(l, r) => {
                let (l, r) = (self.node(l), self.node(r));
                quote!(#n::Apply(&#l, &#r))
            }
            Expr::Transform(p, u, d) => {
                let (p, u) = (self.node(p), self.node(u));
                let d = match d {
                    Some(d) => {
                        let d = self.node(d);
                        quote!(::core::option::Option::Some(&#d))
                    }
                    None => quote!(::core::option::Option::None),
                };
                quote!(#n::Transform(&#p, &#u, #d))
            }
            Expr::Filtered(f) => {
                let node = self.node(&f.node);
                let stages = self.stages(&f.stages);
                let group = self.group(&f.group);
                let keep = f.keep_singleton;
                quote!(#n::Filtered(&::asl_runtime::jsonata::tree::Filtered { node: #node, stages: #stages, group: #group, keep_singleton: #keep }))
            }
        }
    }

    fn nodes(&mut self, items: &[Expr]) -> Vec<TokenStream> {
        items.iter().map(|i| self.node(i)).collect()
    }

    fn pairs(&mut self, pairs: &[(Expr, Expr)]) -> TokenStream {
        let pairs = pairs.iter().map(|(k, v)| {
            let (k, v) = (self.node(k), self.node(v));
            quote!((#k, #v))
        });
        let pairs: Vec<TokenStream> = pairs.collect();
        quote!(&[#(#pairs),*])
    }

    fn group(&mut self, group: &Option<Vec<(Expr, Expr)>>) -> TokenStream {
        match group {
            Some(pairs) => {
                let pairs = self.pairs(pairs);
                quote!(::core::option::Option::Some(#pairs))
            }
            None => quote!(::core::option::Option::None),
        }
    }

    fn stages(&mut self, stages: &[Stage]) -> TokenStream {
        let s = quote!(::asl_runtime::jsonata::tree::Stage);
        let stages: Vec<TokenStream> = stages
            .iter()
            .map(|stage| match stage {
                Stage::Filter(p) => {
                    let p = self.node(p);
                    quote!(#s::Filter(#p))
                }
                Stage::Index(name) => quote!(#s::Index(#name)),
            })
            .collect();
        quote!(&[#(#stages),*])
    }

    fn path(&mut self, p: &Path) -> TokenStream {
        let steps: Vec<TokenStream> = p.steps.iter().map(|s| self.step(s)).collect();
        let group = self.group(&p.group);
        let (keep, tuple) = (p.keep_singleton, p.tuple);
        quote!(::asl_runtime::jsonata::tree::Path { steps: &[#(#steps),*], keep_singleton: #keep, group: #group, tuple: #tuple })
    }

    fn step(&mut self, s: &Step) -> TokenStream {
        let node = self.node(&s.node);
        let stages = self.stages(&s.stages);
        let text = |v: &Option<String>| match v {
            Some(v) => quote!(::core::option::Option::Some(#v)),
            None => quote!(::core::option::Option::None),
        };
        let (focus, index, ancestor) = (text(&s.focus), text(&s.index), text(&s.ancestor));
        let sort = match &s.sort {
            None => quote!(::core::option::Option::None),
            Some(terms) => {
                let terms: Vec<TokenStream> = terms
                    .iter()
                    .map(|t| {
                        let key = self.node(&t.key);
                        let d = t.descending;
                        quote!(::asl_runtime::jsonata::tree::SortTerm { descending: #d, key: #key })
                    })
                    .collect();
                quote!(::core::option::Option::Some(&[#(#terms),*]))
            }
        };
        quote!(::asl_runtime::jsonata::tree::Step { node: #node, stages: #stages, focus: #focus, index: #index, ancestor: #ancestor, sort: #sort })
    }
}

fn param(p: &Param) -> TokenStream {
    let types = &p.types;
    let items = match &p.items {
        Some(i) => quote!(::core::option::Option::Some(#i)),
        None => quote!(::core::option::Option::None),
    };
    let (optional, variadic, context) = (p.optional, p.variadic, p.context);
    quote!(::asl_runtime::jsonata::tree::Param { types: #types, items: #items, optional: #optional, variadic: #variadic, context: #context })
}

/// An `f64` literal that reads back exactly.
pub(super) fn number(x: f64) -> TokenStream {
    if x.is_finite() {
        let lit = Literal::f64_unsuffixed(x);
        if x < 0.0 {
            let lit = Literal::f64_unsuffixed(-x);
            return quote!(-#lit);
        }
        quote!(#lit)
    } else {
        quote!(::core::f64::NAN)
    }
}
