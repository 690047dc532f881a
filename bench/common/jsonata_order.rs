//! The `jsonata-order` workload's expressions as build.rs compiled them: a static tree each,
//! and a native fn where the expression is in the subset written as Rust.

use asl_runtime::jsonata::{tree::Node, Expression, NativeExpr};

pub struct Compiled {
    pub name: &'static str,
    pub text: &'static str,
    pub tree: &'static Node,
    pub native: Option<NativeExpr>,
}

impl Compiled {
    pub fn as_tree(&self) -> Expression {
        Expression::Tree(self.tree)
    }

    /// The native fn, else the tree (what generated code would run).
    pub fn as_native(&self) -> Expression {
        self.native.map_or(Expression::Tree(self.tree), Expression::Native)
    }
}

include!(concat!(env!("OUT_DIR"), "/jsonata_order.rs"));

/// The workload file (copied from `shared/workloads/` by build.rs).
pub const WORKLOAD: &str = include_str!("../workflows/jsonata-order.json");
