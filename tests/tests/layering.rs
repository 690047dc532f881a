//! The crates are built in floors: every `crate::`, `super::` and `self::` path of a file
//! points at a module below it, never back up. This test reads the sources with syn, builds the
//! graph of which module's file names which module, and fails on any circle of files (a module
//! and its own submodules excepted: a parent declares its children, and a child may use what
//! its parent defines). For asl-codegen it also checks that the stages import each other in
//! pipeline order only: what a stage names must sit on a floor below it.
//!
//! `cargo test -p asl-tests --test layering -- --nocapture` prints each crate's module graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

type Module = Vec<String>;

/// The modules of a crate (by path from the crate root) and the modules each one's file names.
struct Graph {
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

impl Graph {
    fn of_crate(src: &Path) -> Graph {
        let mut files = BTreeMap::new();
        collect_files(src, src, &mut files);
        let test_only = test_only_modules(&files);
        let modules: BTreeSet<Module> = files.keys().filter(|m| !is_within(m, &test_only)).cloned().collect();
        let mut edges = BTreeMap::new();
        for module in &modules {
            let text = std::fs::read_to_string(&files[module]).unwrap();
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", files[module].display()));
            let mut refs = References { from: module.clone(), found: Vec::new() };
            for item in file.items.iter().filter(|i| !is_test_item(i)) {
                refs.visit_item(item);
            }
            let targets = refs
                .found
                .iter()
                .filter_map(|path| resolve(path, &modules))
                .filter(|target| !related(target, module))
                .collect();
            edges.insert(module.clone(), targets);
        }
        Graph { edges }
    }

    /// Circles of modules importing each other (Tarjan's strongly connected components).
    fn cycles(&self) -> Vec<Vec<Module>> {
        struct Tarjan<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g Module, usize>,
            low: BTreeMap<&'g Module, usize>,
            stack: Vec<&'g Module>,
            found: Vec<Vec<Module>>,
        }
        impl<'g> Tarjan<'g> {
            fn visit(&mut self, v: &'g Module) {
                let n = self.index.len();
                self.index.insert(v, n);
                self.low.insert(v, n);
                self.stack.push(v);
                for w in &self.graph.edges[v] {
                    if !self.index.contains_key(w) {
                        self.visit(w);
                        let low = self.low[w].min(self.low[v]);
                        self.low.insert(v, low);
                    } else if self.stack.contains(&w) {
                        let low = self.index[w].min(self.low[v]);
                        self.low.insert(v, low);
                    }
                }
                if self.low[v] == self.index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = self.stack.pop() {
                        component.push(w.clone());
                        if w == v {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        self.found.push(component);
                    }
                }
            }
        }
        let mut t = Tarjan { graph: self, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
        for v in self.edges.keys() {
            if !t.index.contains_key(v) {
                t.visit(v);
            }
        }
        t.found
    }

    /// Edges between top-level modules: (from, to).
    fn top_level_edges(&self) -> BTreeSet<(String, String)> {
        let top = |m: &Module| m.first().cloned().unwrap_or_else(|| "crate".into());
        self.edges
            .iter()
            .flat_map(|(from, targets)| targets.iter().map(move |to| (top(from), top(to))))
            .filter(|(a, b)| a != b)
            .collect()
    }

    fn print(&self, name: &str) {
        println!("{name}:");
        for (from, targets) in &self.edges {
            let targets: Vec<String> = targets.iter().map(show).collect();
            println!("  {} -> {}", show(from), targets.join(", "));
        }
    }
}

fn show(m: &Module) -> String {
    if m.is_empty() { "crate".into() } else { m.join("::") }
}

/// `a` is `b`, or one of them contains the other.
fn related(a: &Module, b: &Module) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn is_within(m: &Module, set: &BTreeSet<Module>) -> bool {
    set.iter().any(|t| m.starts_with(t))
}

/// Every `.rs` file under `dir`, by the module it holds (`a/mod.rs` and `a.rs` are `a`).
fn collect_files(root: &Path, dir: &Path, out: &mut BTreeMap<Module, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut module: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            out.insert(module, path);
        }
    }
}

/// Modules declared `#[cfg(test)] mod x;`: tests may reach anywhere.
fn test_only_modules(files: &BTreeMap<Module, PathBuf>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    for (module, path) in files {
        let file = syn::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap();
        for item in &file.items {
            if let syn::Item::Mod(m) = item {
                if is_cfg_test(&m.attrs) {
                    let mut child = module.clone();
                    child.push(m.ident.to_string());
                    out.insert(child);
                }
            }
        }
    }
    out
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test"))
}

fn is_test_item(item: &syn::Item) -> bool {
    match item {
        syn::Item::Mod(m) => is_cfg_test(&m.attrs),
        syn::Item::Fn(f) => is_cfg_test(&f.attrs),
        syn::Item::Use(u) => is_cfg_test(&u.attrs),
        syn::Item::Impl(i) => is_cfg_test(&i.attrs),
        _ => false,
    }
}

/// The `crate::…`, `super::…` and `self::…` paths of a file, made absolute (from the root).
struct References {
    from: Module,
    found: Vec<Module>,
}

impl References {
    fn add(&mut self, segments: &[String]) {
        let mut base = self.from.clone();
        let mut rest = segments;
        match segments.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &segments[1..];
            }
            Some("super" | "self") => {
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return,
        }
        base.extend(rest.iter().cloned());
        self.found.push(base);
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.add(prefix);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.add(prefix);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.add(prefix),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }
}

impl<'ast> Visit<'ast> for References {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() {
            let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            self.add(&segments);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
}

/// The module an absolute path names: its longest prefix that is a module of the crate.
fn resolve(path: &Module, modules: &BTreeSet<Module>) -> Option<Module> {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains(m))
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name).join("src")
}

fn assert_no_cycles(name: &str) -> Graph {
    let graph = Graph::of_crate(&crate_src(name));
    graph.print(name);
    let cycles: Vec<String> = graph.cycles().iter().map(|c| c.iter().map(show).collect::<Vec<_>>().join(", ")).collect();
    assert!(cycles.is_empty(), "{name}: files that import each other in a circle:\n{}", cycles.join("\n"));
    graph
}

#[test]
fn the_runtime_has_no_import_cycle() {
    assert_no_cycles("asl-runtime");
}

#[test]
fn the_engine_has_no_import_cycle() {
    assert_no_cycles("asl-engine");
}

/// asl-serve's floors, bottom first (`workers/` is outside them: it is checked for circles only).
const SERVE_FLOORS: &[&str] = &["sigv4", "protocol", "actions", "console", "server"];

#[test]
fn the_server_floors_import_downward_only() {
    assert_floors_downward("asl-serve", SERVE_FLOORS);
}

/// asl-aws's files, bottom first: each imports only files before it.
const AWS_FLOORS: &[&str] = &["transport", "sdk_http", "error", "credentials", "config", "sign", "client", "protocol", "services", "resource", "handler", "items"];

#[test]
fn the_integration_floors_import_downward_only() {
    assert_floors_downward("asl-aws", AWS_FLOORS);
}

/// Fails unless every import between two of `floors` (top-level modules of crate `name`,
/// bottom first) points to an earlier one; modules outside `floors` are checked for circles only.
fn assert_floors_downward(name: &str, floors: &[&str]) {
    let graph = assert_no_cycles(name);
    let floor = |m: &str| floors.iter().position(|f| *f == m);
    let upward: Vec<String> = graph
        .top_level_edges()
        .into_iter()
        .filter(|(from, to)| matches!((floor(from), floor(to)), (Some(a), Some(b)) if a <= b))
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect();
    assert!(upward.is_empty(), "{name}: floors that import a floor above them ({floors:?}):\n{}", upward.join("\n"));
}

/// The compiler's stages, bottom floor first: each imports only stages before it.
const CODEGEN_FLOORS: &[&str] = &["diag", "json", "lang", "ast", "parse", "check", "graph", "ir", "lower", "emit", "format"];

#[test]
fn the_compiler_stages_import_downward_only() {
    let graph = assert_no_cycles("asl-codegen");
    let floor = |m: &str| CODEGEN_FLOORS.iter().position(|f| *f == m);
    let mut upward = Vec::new();
    for (from, to) in graph.top_level_edges() {
        match (floor(&from), floor(&to)) {
            (Some(a), Some(b)) if a > b => {}
            // The crate root (lib.rs) runs the pipeline; nothing may import it back.
            (None, _) if from == "crate" => {}
            _ => upward.push(format!("{from} -> {to}")),
        }
    }
    assert!(upward.is_empty(), "asl-codegen: stages that import a stage above them or outside {CODEGEN_FLOORS:?}:\n{}", upward.join("\n"));
}

/// The test itself: a circle of three files and a parent with its own child are told apart.
#[test]
fn circles_are_found_and_parents_with_their_children_are_not_circles() {
    let dir = std::env::temp_dir().join(format!("asl-layering-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("p")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod a; mod b; mod c; mod p;").unwrap();
    std::fs::write(dir.join("a.rs"), "use crate::b::X;").unwrap();
    std::fs::write(dir.join("b.rs"), "pub struct X; fn f() { crate::c::g() }").unwrap();
    std::fs::write(dir.join("c.rs"), "use super::a; pub fn g() {}").unwrap();
    std::fs::write(dir.join("p/mod.rs"), "mod q; pub struct Y; fn f() -> q::Z { q::Z }").unwrap();
    std::fs::write(dir.join("p/q.rs"), "use super::Y; pub struct Z;").unwrap();
    let cycles = Graph::of_crate(&dir).cycles();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(cycles.len(), 1, "{:?}", cycles);
    let mut names: Vec<String> = cycles[0].iter().map(show).collect();
    names.sort();
    assert_eq!(names, ["a", "b", "c"]);
}
