//! The signatures of the built-ins, JSONata's own (`<s-nn?:s>` for `$substring` is
//! `[ctx(S), N, opt(N)]`), as data the call checks arguments against before a built-in runs.

use crate::jsonata::tree::Param;

const fn of(types: &'static str) -> Param {
    Param { types, items: None, optional: false, variadic: false, context: false }
}

pub(super) const S: Param = of("s");
pub(super) const N: Param = of("n");
pub(super) const B: Param = of("b");
pub(super) const O: Param = of("o");
pub(super) const A: Param = of("a");
pub(super) const F: Param = of("f");
pub(super) const J: Param = of("j");
pub(super) const X: Param = of("x");
/// `(sf)`: a string or a matcher function.
pub(super) const STRING_OR_MATCHER: Param = of("sf");
/// `(nsb)`.
pub(super) const NUMBER_STRING_OR_BOOLEAN: Param = of("nsb");

/// `p?`.
pub(super) const fn opt(p: Param) -> Param {
    Param { optional: true, ..p }
}

/// `p-`: the context value when left out.
pub(super) const fn ctx(p: Param) -> Param {
    Param { context: true, ..p }
}

/// `p+`.
pub(super) const fn many(p: Param) -> Param {
    Param { variadic: true, ..p }
}

/// `a<items>`.
pub(super) const fn array_of(items: &'static str) -> Param {
    Param { items: Some(items), ..A }
}
