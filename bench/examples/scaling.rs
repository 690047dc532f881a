//! How checking and compiling grow with a definition's size: synthetic definitions of 1,000,
//! 5,000 and 20,000 states (the last near AWS's 1,048,576-character limit), each checked
//! (`check_source`, what `asl check` and CreateStateMachine run) and compiled
//! (`generate_file`, what `asl expand` and build.rs run) in a process of its own, reporting
//! time and peak memory (VmHWM).
//!
//! ```sh
//! cargo run --release -p asl-bench --example scaling
//! ```

use std::process::Command;
use std::time::Instant;

/// A chain of Pass states, every third with a small Parameters template, each with a bad Next
/// when `broken` (every state then gets a diagnostic, the checker's worst case). 20,000 states
/// come to about 1 MB.
fn definition(states: usize, broken: bool) -> String {
    let mut text = String::from(r#"{"StartAt":"S0","States":{"#);
    for i in 0..states {
        let next = if i + 1 == states {
            r#""End":true"#.to_string()
        } else if broken {
            format!(r#""Next":"M{}""#, i + 1)
        } else {
            format!(r#""Next":"S{}""#, i + 1)
        };
        if i > 0 {
            text.push(',');
        }
        match i % 3 {
            0 => text.push_str(&format!(r#""S{i}":{{"Type":"Pass","Parameters":{{"n":{i},"v.$":"$.v"}},{next}}}"#)),
            _ => text.push_str(&format!(r#""S{i}":{{"Type":"Pass",{next}}}"#)),
        }
    }
    text.push_str("}}");
    text
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok()).unwrap_or(0)
}

/// In the child: one measurement, printed as `seconds peak_kib`.
fn measure(what: &str, path: &str) {
    let text = std::fs::read_to_string(path).expect("the definition");
    let before = peak_kib();
    let started = Instant::now();
    match what {
        "check" => {
            std::hint::black_box(asl_codegen::check_source(&text));
        }
        _ => {
            std::hint::black_box(asl_codegen::generate_file(std::path::Path::new(path)).ok());
        }
    }
    println!("{:.3} {}", started.elapsed().as_secs_f64(), peak_kib().saturating_sub(before));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, what, path] = args.as_slice() {
        return measure(what, path);
    }
    let dir = std::env::temp_dir().join(format!("asl-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    println!("{:>7} {:>9} {:>10}  {:<8} {:>8} {:>12} {:>10}", "states", "broken", "size (B)", "step", "time (s)", "memory (KiB)", "per byte");
    for states in [1_000, 5_000, 20_000] {
        for broken in [false, true] {
            let text = definition(states, broken);
            let path = dir.join(format!("{states}-{broken}.json"));
            std::fs::write(&path, &text).expect("write the definition");
            for what in ["check", "compile"] {
                if broken && what == "compile" {
                    continue;
                }
                let out = Command::new(&args[0]).args([what, path.to_str().unwrap_or_default()]).output().expect("run the measurement");
                let line = String::from_utf8_lossy(&out.stdout);
                let mut fields = line.split_whitespace();
                let (secs, kib) = (fields.next().unwrap_or("?"), fields.next().and_then(|k| k.parse::<u64>().ok()).unwrap_or(0));
                let per_byte = (kib * 1024) as f64 / text.len() as f64;
                println!("{states:>7} {broken:>9} {:>10}  {what:<8} {secs:>8} {kib:>12} {per_byte:>9.1}×", text.len());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
