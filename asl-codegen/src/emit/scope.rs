//! What the emitters of one machine share: the machine (transitions name its states) and its
//! path table. Nested machines get a scope of their own.

use super::names::{ident, internal_error};
use super::paths::Paths;
use crate::ir::Workflow;
use proc_macro2::TokenStream;
use quote::quote;

pub struct Scope<'a> {
    pub w: &'a Workflow,
    pub paths: &'a Paths<'a>,
}

impl Scope<'_> {
    /// `State::Name` for the state at `index`. `lower` only hands out indexes of states, so a
    /// missing one is a bug here and stops the build of the generated code, saying so.
    pub fn variant(&self, index: usize) -> TokenStream {
        match self.w.states.get(index) {
            Some(s) => {
                let v = ident(&s.variant);
                quote! { State::#v }
            }
            None => internal_error(&format!("has no state number {index} in machine `{}`", self.w.name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;
    use crate::emit::paths::Paths;
    use crate::ir::Workflow;
    use crate::lang::jsonpath::parse_path;

    /// A machine without states or paths, where every lookup misses.
    fn empty() -> Workflow {
        Workflow { name: "m".into(), comment: None, timeout_seconds: None, start: 0, states: Vec::new() }
    }

    #[test]
    fn a_path_not_collected_is_a_compile_error_naming_it() {
        let w = empty();
        let paths = Paths::new(&w);
        let mut module = crate::emit::piece::Tokens::default();
        paths.module(&mut module);
        assert!(module.finish().is_empty());
        let missing = paths.get(&parse_path("$.order['id']").expect("parses")).to_string();
        assert_eq!(
            missing,
            ":: core :: compile_error ! (\"internal error: asl-codegen did not collect the path `$.order['id']` (please report it)\")"
        );
    }

    #[test]
    fn a_state_that_does_not_exist_is_a_compile_error() {
        let w = empty();
        let paths = Paths::new(&w);
        let got = Scope { w: &w, paths: &paths }.variant(3).to_string();
        assert!(got.starts_with(":: core :: compile_error !"), "{got}");
        assert!(got.contains("internal error: asl-codegen has no state number 3 in machine `m` (please report it)"), "{got}");
    }
}
