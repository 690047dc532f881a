//! ast → ir: paths, intrinsic functions and Choice rules compiled to small programs.

pub mod intrinsic;
pub mod jsonpath;
