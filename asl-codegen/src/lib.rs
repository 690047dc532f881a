//! Compiles Amazon States Language definitions to Rust.
//!
//! The pipeline, one folder a step: `parse` (JSON with spans) → `ast` (the definition as written)
//! → `check` (AWS's validation rules, all errors collected) → `lower` (the checked graph, `ir`)
//! → `emit` (Rust tokens).

pub mod lower;
pub mod emit;
