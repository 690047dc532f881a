//! The fuzz targets (`fuzz/`), CI-sized: each target's corpus, then a fixed number of seeded
//! mutations of it, a few seconds in all. The long runs are `cargo run --release -p asl-fuzz --
//! TARGET --seconds N` (stable) and `fuzz/libfuzzer` (coverage-guided, nightly).

use asl_fuzz::mutate::{mutate, Rng};
use std::path::Path;

fn run(name: &str, mutations: usize) {
    let (_, target) = asl_fuzz::TARGETS.iter().find(|(n, _)| *n == name).expect("a target of that name");
    let corpus = asl_fuzz::corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(name));
    assert!(corpus.len() >= 4, "the {name} corpus is in the repo");
    for input in &corpus {
        target(input);
    }
    let mut rng = Rng::new(0x5eed_0000 + name.len() as u64);
    for i in 0..mutations {
        let data = mutate(&corpus[rng.below(corpus.len())], &corpus[rng.below(corpus.len())], &mut rng);
        // A panic names the mutation, which the seed reproduces.
        let caught = std::panic::catch_unwind(|| target(&data));
        assert!(caught.is_ok(), "{name}: mutation {i} panicked on {:?}", String::from_utf8_lossy(&data));
    }
    println!("fuzz {name}: {} corpus entries and {mutations} mutations, no panic", corpus.len());
}

#[test]
fn definition_text() {
    run("definition", 5000);
}

#[test]
fn execution_input() {
    run("execution-input", 1500);
}

#[test]
fn control_api() {
    run("control-api", 20000);
}
