//! Paths as Rust: a parsed [`JsonPath`] becomes a constant expression of type
//! `::asl_runtime::path::Path` (only `&'static` data, usable in `const` and `static` items).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::lang::jsonpath::{CompareOp, Filter, JsonPath, Operand, Root, Segment};

/// `::asl_runtime::path::Path::input("$.a[0]", &[Segment::Field("a"), Segment::Index(0)])`,
/// with every name spelled as an absolute path.
pub fn path_expr(p: &JsonPath) -> TokenStream {
    let text = &p.text;
    let segments = segments_expr(&p.segments);
    match p.root {
        Root::Input => quote!(::asl_runtime::path::Path::input(#text, #segments)),
        Root::Context => quote!(::asl_runtime::path::Path::context(#text, #segments)),
        Root::Variable(_) => quote!(::asl_runtime::path::Path::variable(#text, #segments)),
    }
}

fn segments_expr(segments: &[Segment]) -> TokenStream {
    let items = segments.iter().map(segment_expr);
    quote!(&[#(#items),*])
}

fn segment_expr(segment: &Segment) -> TokenStream {
    let ty = quote!(::asl_runtime::path::Segment);
    match segment {
        Segment::Field(name) => quote!(#ty::Field(#name)),
        Segment::Fields(names) => quote!(#ty::Fields(&[#(#names),*])),
        Segment::Index(index) => {
            let index = integer(*index);
            quote!(#ty::Index(#index))
        }
        Segment::Indexes(indexes) => {
            let indexes = indexes.iter().map(|i| integer(*i));
            quote!(#ty::Indexes(&[#(#indexes),*]))
        }
        Segment::Wildcard => quote!(#ty::Wildcard),
        Segment::Slice { start, end, step } => {
            let (start, end, step) = (optional(*start), optional(*end), optional(*step));
            quote!(#ty::Slice { start: #start, end: #end, step: #step })
        }
        Segment::Scan => quote!(#ty::Scan),
        Segment::Filter(filter) => {
            let filter = filter_expr(filter);
            quote!(#ty::Filter(&#filter))
        }
    }
}

fn filter_expr(filter: &Filter) -> TokenStream {
    let ty = quote!(::asl_runtime::path::Filter);
    match filter {
        Filter::Or(left, right) => {
            let (left, right) = (filter_expr(left), filter_expr(right));
            quote!(#ty::Or(&#left, &#right))
        }
        Filter::And(left, right) => {
            let (left, right) = (filter_expr(left), filter_expr(right));
            quote!(#ty::And(&#left, &#right))
        }
        Filter::Not(inner) => {
            let inner = filter_expr(inner);
            quote!(#ty::Not(&#inner))
        }
        Filter::Compare(left, op, right) => {
            let (left, op, right) = (operand_expr(left), compare_op(*op), operand_expr(right));
            quote!(#ty::Compare(#left, #op, #right))
        }
        Filter::Exists(operand) => {
            let operand = operand_expr(operand);
            quote!(#ty::Exists(#operand))
        }
    }
}

fn operand_expr(operand: &Operand) -> TokenStream {
    let ty = quote!(::asl_runtime::path::Operand);
    match operand {
        Operand::Current(segments) => {
            let segments = segments_expr(segments);
            quote!(#ty::Current(#segments))
        }
        Operand::Document(segments) => {
            let segments = segments_expr(segments);
            quote!(#ty::Document(#segments))
        }
        Operand::Number(n) => {
            let n = float(*n);
            quote!(#ty::Number(#n))
        }
        Operand::String(s) => quote!(#ty::String(#s)),
        Operand::Bool(b) => quote!(#ty::Bool(#b)),
        Operand::Null => quote!(#ty::Null),
        Operand::Regex { pattern, flags } => quote!(#ty::Regex { pattern: #pattern, flags: #flags }),
    }
}

fn compare_op(op: CompareOp) -> TokenStream {
    let ty = quote!(::asl_runtime::path::CompareOp);
    match op {
        CompareOp::Eq => quote!(#ty::Eq),
        CompareOp::Ne => quote!(#ty::Ne),
        CompareOp::Lt => quote!(#ty::Lt),
        CompareOp::Le => quote!(#ty::Le),
        CompareOp::Gt => quote!(#ty::Gt),
        CompareOp::Ge => quote!(#ty::Ge),
        CompareOp::Matches => quote!(#ty::Matches),
    }
}

/// An unsuffixed integer; negatives as `-` and a literal, the form the parser expects.
fn integer(n: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(n.unsigned_abs());
    if n < 0 { quote!(-#magnitude) } else { quote!(#magnitude) }
}

/// An `f64` literal (always with a decimal point). The parser only produces finite numbers;
/// anything else becomes NaN rather than a panic here.
fn float(n: f64) -> TokenStream {
    if !n.is_finite() {
        return quote!(::core::f64::NAN);
    }
    let magnitude = Literal::f64_unsuffixed(n.abs());
    if n.is_sign_negative() { quote!(-#magnitude) } else { quote!(#magnitude) }
}

fn optional(n: Option<i64>) -> TokenStream {
    match n {
        Some(n) => {
            let n = integer(n);
            quote!(::core::option::Option::Some(#n))
        }
        None => quote!(::core::option::Option::None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::jsonpath::parse_path;

    fn emitted(text: &str) -> String {
        match parse_path(text) {
            Ok(path) => path_expr(&path).to_string(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn definite_path() {
        assert_eq!(
            emitted("$.a['b'][-1]"),
            ":: asl_runtime :: path :: Path :: input (\"$.a['b'][-1]\" , & [:: asl_runtime :: path :: Segment :: Field (\"a\") , \
             :: asl_runtime :: path :: Segment :: Field (\"b\") , :: asl_runtime :: path :: Segment :: Index (- 1)])"
        );
        assert_eq!(emitted("$$"), ":: asl_runtime :: path :: Path :: context (\"$$\" , & [])");
    }

    #[test]
    fn slices_and_unions() {
        let text = emitted("$.v[1:][0,2]");
        assert!(text.contains("Slice { start : :: core :: option :: Option :: Some (1) , end : :: core :: option :: Option :: None"), "{text}");
        assert!(text.contains("Indexes (& [0 , 2])"), "{text}");
    }

    #[test]
    fn filter() {
        let text = emitted("$.users[?(@.status == 0 && !@.gone)]");
        assert!(text.contains(
            "Segment :: Filter (& :: asl_runtime :: path :: Filter :: And (& :: asl_runtime :: path :: Filter :: Compare (\
             :: asl_runtime :: path :: Operand :: Current (& [:: asl_runtime :: path :: Segment :: Field (\"status\")]) , \
             :: asl_runtime :: path :: CompareOp :: Eq , :: asl_runtime :: path :: Operand :: Number (0.0))"
        ), "{text}");
        assert!(text.contains("Filter :: Not (& :: asl_runtime :: path :: Filter :: Exists ("), "{text}");
        let negative = emitted("$.a[?(@.x > -2.5 || @.y =~ /a.*/i)]");
        assert!(negative.contains("Number (- 2.5)"), "{negative}");
        assert!(negative.contains("Regex { pattern : \"a.*\" , flags : \"i\" }"), "{negative}");
    }

    #[test]
    fn expression_is_valid_rust() {
        let tokens = path_expr(&parse_path("$..book[?(@.price < 10)]['title','isbn']").expect("parses"));
        let item: Result<syn::ItemConst, _> = syn::parse2(quote!(const P: ::asl_runtime::path::Path = #tokens;));
        assert!(item.is_ok(), "{tokens}");
    }
}
