//! The parser's decisions that JSONata makes when it builds its tree: where `%` lands, which
//! errors come first, what is a path.

use super::ast::{Expr, Path, Stage};
use super::parse;

fn path(text: &str) -> Path {
    match parse(text).unwrap() {
        Expr::Path(p) => p,
        e => panic!("{text}: not a path: {e:?}"),
    }
}

fn code(text: &str) -> &'static str {
    parse(text).unwrap_err().code
}

#[test]
fn a_parent_lands_on_the_step_before_it_through_predicates() {
    // `%` in C's predicate reads C's input: C carries the label the `%` reads.
    let p = path("A.B.C[%.x = 1].D");
    let Stage::Filter(Expr::Binary(_, pred, _)) = &p.steps[2].stages[0] else { panic!("{p:?}") };
    let Expr::Path(inner) = &**pred else { panic!("{pred:?}") };
    let Expr::Parent(label) = &inner.steps[0].node else { panic!("{inner:?}") };
    assert_eq!(p.steps[2].ancestor.as_deref(), Some(label.as_str()));
    assert!(p.steps.iter().enumerate().all(|(i, s)| i == 2 || s.ancestor.is_none()));
    assert!(!p.tuple, "a path that a `%` does not reach into hands up values");
}

#[test]
fn a_parent_in_a_predicate_of_a_block_reaches_into_the_block() {
    // JSONata: the block's last path hands its tuples up, its last step binds the label.
    let p = path("(Account.Order.Product)[%.OrderID = 'x'].SKU");
    let Expr::Block(items) = &p.steps[0].node else { panic!("{p:?}") };
    let Expr::Path(inner) = &items[0] else { panic!("{items:?}") };
    assert!(inner.tuple);
    assert!(inner.steps[2].ancestor.is_some());
}

#[test]
fn parents_that_land_on_one_step_share_its_label() {
    let p = path("A.B.[%.x, %.y]");
    let Expr::Array(items) = &p.steps[2].node else { panic!("{p:?}") };
    let labels: Vec<&str> = items
        .iter()
        .map(|i| match i {
            Expr::Path(q) => match &q.steps[0].node {
                Expr::Parent(l) => l.as_str(),
                e => panic!("{e:?}"),
            },
            e => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(labels[0], labels[1]);
    assert_eq!(p.steps[1].ancestor.as_deref(), Some(labels[0]));
}

#[test]
fn sort_terms_read_the_parent_of_the_sorted_values() {
    let p = path("Account.Order.Product.SKU^(%.Price, >%.%.OrderID)");
    assert!(p.steps[3].ancestor.is_some(), "SKU's input is the Product");
    assert!(p.steps[2].ancestor.is_some(), "Product's input is the Order");
}

#[test]
fn a_parent_that_no_step_can_be_is_s0217_at_the_percent_sign() {
    for text in ["%", "(%)", "{'hello': 'world'}.%", "$.%", "$$.%", "library.loans.%.%.%", "(A.B)[%.x]"] {
        assert_eq!(code(text), "S0217", "{text}");
    }
    assert_eq!(parse("$.%").unwrap_err().offset, 2);
}

#[test]
fn a_call_and_the_sides_of_an_application_keep_their_parents() {
    // `%()` fails when it runs (T1006), not when it is read.
    assert!(parse("%()").is_ok());
    assert!(parse("%(1)").is_ok());
    assert!(parse("A.B.(%.x ~> $uppercase())").is_ok());
}

#[test]
fn a_quoted_name_that_starts_a_path_is_a_field() {
    let p = path("\"foo\".**.fud");
    assert_eq!(p.steps[0].node, Expr::Name("foo".into()));
    assert_eq!(parse("\"foo\"").unwrap(), Expr::String("foo".into()));
}

#[test]
fn a_focus_outside_a_path_binds_nothing() {
    assert_eq!(parse("$@$i").unwrap(), Expr::Context);
    let p = path("$@$i.$i");
    assert_eq!(p.steps[0].focus.as_deref(), Some("i"));
}

#[test]
fn keep_singleton_after_an_applied_call_keeps_the_application() {
    let Expr::Filtered(f) = parse("$d ~> $map($f)[]").unwrap() else { panic!() };
    assert!(f.keep_singleton);
    assert!(matches!(*f.node, Expr::Apply(..)));
}

#[test]
fn signatures_are_read_to_their_first_colon_outside_brackets_and_checked_first() {
    assert!(parse("function($f)<f<n:n>:f<n:n>>{$f}").is_ok());
    // The bad signature is reported before the stray `>` after it.
    assert_eq!(code("λ($arr)<(sa<n>)>>{$arr}([[1]])"), "S0402");
}

#[test]
fn a_lone_bang_or_tilde_is_an_unknown_operator() {
    assert_eq!(code("[1!2]"), "S0204");
    assert_eq!(code("1 ~ 2"), "S0204");
}
