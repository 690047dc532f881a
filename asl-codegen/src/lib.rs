//! Compiles Amazon States Language definitions to Rust.
//!
//! The pipeline, one module a step: [`parse`] (JSON with spans, [`json`], → the definition as
//! written, [`ast`]) → [`check`] (AWS's validation rules, all problems collected) → `lower`
//! (the checked graph, `ir`) → `emit` (Rust tokens, handed out piece by piece) → `format`
//! (readable source, written as the pieces come). The languages inside ASL strings
//! (JSONPath, intrinsic functions, timestamps) are in [`lang`], which `check` and `lower`
//! share. Each module imports only the ones below it, in the order `diag`, `json`, `lang`,
//! `ast`, `parse`, `check`, `graph`, `ir`, `lower`, `emit`, `format`. `graph` is the
//! definition as a diagram (Mermaid, DOT, SVG), beside the compiler rather than in its way. `parse`, `check` and `lower` know
//! nothing of `syn` or `quote`; `emit` cannot fail.
//!
//! Entry points: [`check_source`] (what `asl check` runs), [`graph_source`] (`asl graph`), [`render`], [`machine_name`], and,
//! with the `codegen` feature, `compile_source` (what the `asl!` macro runs), and
//! `expand_file` (what `asl expand` runs, streaming), `generate_file` / `format_tokens` /
//! `Builder` (build.rs).
//!
//! # Features
//! - `codegen` (default): `lower`, `ir`, `emit` and the entry points that produce Rust, with
//!   `syn`, `quote`, `proc-macro2` and `prettyplease`. Without it (`default-features = false`)
//!   the crate only parses and validates, for programs that check definitions at run time
//!   (the engine's CreateStateMachine) without building a Rust code generator.

pub mod diag;
pub mod json;
pub mod lang;
pub mod ast;
pub mod parse;
pub mod check;
pub mod graph;
#[cfg(feature = "codegen")]
pub mod ir;
#[cfg(feature = "codegen")]
pub mod lower;
#[cfg(feature = "codegen")]
pub mod emit;
#[cfg(feature = "codegen")]
pub mod format;

pub use diag::printable;
use diag::{Diagnostic, Diagnostics};
#[cfg(feature = "codegen")]
use proc_macro2::TokenStream;
use std::path::Path;
#[cfg(feature = "codegen")]
use std::path::PathBuf;

/// Parses and validates a definition: every problem AWS's CreateStateMachine would report
/// (and some it would only hit at run time), in file order. Empty means valid.
pub fn check_source(text: &str) -> Vec<Diagnostic> {
    checked(text).err().unwrap_or_default()
}

/// The diagram of a definition (see [`graph`]): `graph_source(text)?.to_svg()`, or every
/// problem that keeps it from being a valid definition, as [`check_source`] reports them.
pub fn graph_source(text: &str) -> Result<graph::Graph, Vec<Diagnostic>> {
    checked(text).map(|machine| graph::Graph::of(&machine))
}

/// Parse and check: the definition as written, when it has no problem at all.
fn checked(text: &str) -> Result<ast::StateMachine, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let machine = parse::parse_definition(text, &mut diags);
    if let Some(m) = &machine {
        check::check(m, &mut diags);
    }
    match (machine, diags.is_empty()) {
        (Some(machine), true) => Ok(machine),
        _ => Err(diags.into_sorted()),
    }
}

/// The whole pipeline: the items of the module generated for the definition `text`, named
/// `name`, or every diagnostic (validation problems and features not supported yet).
#[cfg(feature = "codegen")]
pub fn compile_source(text: &str, name: &str) -> Result<TokenStream, Vec<Diagnostic>> {
    let workflow = lower_source(text, name)?;
    let mut tokens = emit::piece::Tokens::default();
    emit::workflow(&workflow, text, &mut tokens);
    Ok(tokens.finish())
}

/// Parse, check and lower: the checked graph of the definition `text`, ready to emit, or
/// every diagnostic.
#[cfg(feature = "codegen")]
fn lower_source(text: &str, name: &str) -> Result<ir::Workflow, Vec<Diagnostic>> {
    let machine = checked(text)?;
    let mut diags = Diagnostics::default();
    match lower::lower(&machine, name, &mut diags) {
        Some(w) if diags.is_empty() => Ok(w),
        None if diags.is_empty() => {
            // A definition `check` accepted must lower; say so rather than fail silently.
            let msg = "internal error: asl-codegen could not compile this valid definition (please report it)";
            Err(vec![diag::Diagnostic::new(machine.span, msg)])
        }
        _ => Err(diags.into_sorted()),
    }
}

/// The items of the module of a definition that did not compile (see [`emit::stub`]): a
/// `Tasks` method for each Task state that could still be read, so the user's
/// `impl Tasks for …` shows no errors of its own.
#[cfg(feature = "codegen")]
pub fn stub_source(text: &str, name: &str) -> TokenStream {
    let mut ignored = Diagnostics::default();
    let mut signatures = Vec::new();
    if let Some(machine) = parse::parse_definition(text, &mut ignored) {
        task_signatures(&machine, &mut signatures);
    }
    emit::stub(name, &signatures)
}

/// The Task states of `machine` and its nested machines, named as `lower` names them.
#[cfg(feature = "codegen")]
fn task_signatures(machine: &ast::StateMachine, out: &mut Vec<ir::TaskSignature>) {
    let idents = ir::names::idents(machine.states.iter().map(|d| d.name.as_str()));
    for (decl, (_, ident)) in machine.states.iter().zip(idents) {
        match &decl.state.kind {
            ast::StateKind::Task(t) => {
                out.push(ir::TaskSignature { name: decl.name.clone(), ident, resource: t.resource.value.clone() });
            }
            kind => kind.nested_machines().into_iter().for_each(|nested| task_signatures(nested, out)),
        }
    }
}

/// Renders diagnostics as `file:line:col: message` lines (with `help:` lines).
pub fn render(file: &str, text: &str, diags: &[Diagnostic]) -> String {
    diag::render_all(file, text, diags).join("\n")
}

/// Reads a definition file: its text, or why not, naming the file. Reads no more than a
/// definition AWS could accept may hold (1,048,576 characters of at most four bytes each), so
/// a huge file or a device that never ends (`/dev/zero`) is refused in bounded time and memory.
pub fn read_definition(path: &Path) -> Result<String, String> {
    let shown = printable(&path.display().to_string());
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    read_definition_from(file, &shown)
}

/// [`read_definition`] from any reader (standard input, say), named `shown` in messages.
pub fn read_definition_from(reader: impl std::io::Read, shown: &str) -> Result<String, String> {
    use std::io::Read;
    let most = 4 * parse::MAX_DEFINITION_CHARS as u64;
    let mut bytes = Vec::new();
    reader.take(most + 1).read_to_end(&mut bytes).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if bytes.len() as u64 > most {
        return Err(format!("{shown}: over {most} bytes, longer than any definition AWS accepts ({} characters)", parse::MAX_DEFINITION_CHARS));
    }
    String::from_utf8(bytes).map_err(|e| format!("{shown}: not UTF-8 text (at byte {})", e.utf8_error().valid_up_to()))
}

/// The machine name for a definition file: its stem (`workflows/order.json` → `order`).
pub fn machine_name(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("workflow");
    stem.strip_suffix(".asl").unwrap_or(stem).to_string()
}

/// Readable Rust source for a definition file: `// @generated` header, prettyplease-formatted.
/// On failure, the rendered diagnostics.
#[cfg(feature = "codegen")]
pub fn generate_file(path: &Path) -> Result<String, String> {
    let bytes = expand_file(path, Vec::new()).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| format!("internal error: generated source is not UTF-8: {e}"))
}

/// Writes the readable Rust source for a definition file to `out` as it is generated, so
/// memory stays that of the largest piece rather than of the whole module (what `asl
/// expand` runs). Nothing is written for a definition that does not compile.
#[cfg(feature = "codegen")]
pub fn expand_file<W: std::io::Write>(path: &Path, out: W) -> Result<W, ExpandError> {
    let text = read_definition(path).map_err(ExpandError::Definition)?;
    let shown = path.display().to_string();
    let workflow = lower_source(&text, &machine_name(path)).map_err(|d| ExpandError::Definition(render(&shown, &text, &d)))?;
    let mut writer = format::SourceWriter::new(out, &shown);
    emit::workflow(&workflow, &text, &mut writer);
    writer.finish().map_err(ExpandError::Write)
}

/// Why [`expand_file`] wrote no (complete) source.
#[cfg(feature = "codegen")]
#[derive(Debug)]
pub enum ExpandError {
    /// The definition could not be read or does not compile: the rendered diagnostics.
    Definition(String),
    /// Writing the source failed.
    Write(std::io::Error),
}

#[cfg(feature = "codegen")]
impl std::fmt::Display for ExpandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpandError::Definition(diagnostics) => f.write_str(diagnostics),
            ExpandError::Write(e) => write!(f, "cannot write the generated source: {e}"),
        }
    }
}

/// Formats generated items as a source file, as [`expand_file`] writes one.
#[cfg(feature = "codegen")]
pub fn format_tokens(source: &str, tokens: TokenStream) -> String {
    let mut writer = format::SourceWriter::new(Vec::new(), source);
    emit::piece::Sink::item(&mut writer, tokens);
    // Writing to a Vec cannot fail.
    let bytes = writer.finish().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// build.rs support: writes one `<name>.rs` per definition into `OUT_DIR`, only when its text
/// changed (so builds do not loop), and tells cargo to rerun when a definition changes.
///
/// ```no_run
/// // build.rs
/// asl_codegen::Builder::new().compile("workflows/order.json").unwrap();
/// // src/lib.rs: mod order { include!(concat!(env!("OUT_DIR"), "/order.rs")); }
/// ```
#[cfg(feature = "codegen")]
#[derive(Debug, Clone, Default)]
pub struct Builder {
    out_dir: Option<PathBuf>,
}

#[cfg(feature = "codegen")]
impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where to write (default: the `OUT_DIR` cargo sets for build scripts).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Compiles one definition; on failure returns the rendered diagnostics (and prints them
    /// as cargo warnings so they show in the build output).
    pub fn compile(&self, definition: impl AsRef<Path>) -> Result<PathBuf, String> {
        let path = definition.as_ref();
        println!("cargo:rerun-if-changed={}", path.display());
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or("OUT_DIR is not set: call from build.rs or set Builder::out_dir")?,
        };
        let source = generate_file(path).inspect_err(|e| {
            for line in e.lines() {
                println!("cargo:warning={line}");
            }
        })?;
        let target = out_dir.join(format!("{}.rs", machine_name(path)));
        if std::fs::read_to_string(&target).ok().as_deref() != Some(source.as_str()) {
            std::fs::write(&target, source).map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
        }
        Ok(target)
    }
}
