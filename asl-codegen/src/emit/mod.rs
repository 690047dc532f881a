//! ir → Rust tokens. Nothing here fails: everything that can fail has failed in `check`/`lower`.

pub mod jsonpath;
