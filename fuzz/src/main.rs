//! The stable fuzz driver: random mutations of a target's corpus, run until the time is up.
//! An input that panics is saved under `fuzz/artifacts/TARGET/` and the run fails.
//!
//! ```sh
//! cargo run --release -p asl-fuzz -- definition --seconds 600
//! cargo run --release -p asl-fuzz -- execution-input --seconds 600
//! cargo run --release -p asl-fuzz -- control-api --seconds 600
//! ```
//!
//! Coverage-guided fuzzing of the same targets: `fuzz/libfuzzer` (needs nightly and cargo-fuzz).

use asl_fuzz::mutate::{mutate, Rng};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, target)) = args.first().and_then(|a| asl_fuzz::TARGETS.iter().find(|(n, _)| n == a)) else {
        let names: Vec<&str> = asl_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("usage: asl-fuzz TARGET [--seconds N] [--seed N]   (TARGET: {})", names.join(", "));
        return ExitCode::from(2);
    };
    let option = |flag: &str, default: u64| {
        args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let seconds = option("--seconds", 60);
    let seed = option("--seed", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs()));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = asl_fuzz::corpus(&root.join("corpus").join(name));
    if corpus.is_empty() {
        eprintln!("asl-fuzz: no corpus in fuzz/corpus/{name}");
        return ExitCode::FAILURE;
    }
    // Panics are caught and reported with the input; the hook's message would repeat them.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng::new(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let input = &corpus[rng.below(corpus.len())];
        let other = &corpus[rng.below(corpus.len())];
        let data = mutate(input, other, &mut rng);
        runs += 1;
        if let Err(panic) = std::panic::catch_unwind(|| target(&data)) {
            let dir = root.join("artifacts").join(name);
            let file = dir.join(format!("crash-{seed}-{runs}"));
            let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, &data));
            let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            eprintln!("asl-fuzz {name}: run {runs} (seed {seed}) panicked: {}", message.unwrap_or_default());
            match saved {
                Ok(()) => eprintln!("the input is in {}", file.display()),
                Err(e) => eprintln!("and its input could not be saved: {e}"),
            }
            return ExitCode::FAILURE;
        }
    }
    println!("asl-fuzz {name}: {runs} inputs in {seconds} s (seed {seed}), no panic");
    ExitCode::SUCCESS
}
