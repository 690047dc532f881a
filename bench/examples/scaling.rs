//! How checking and compiling grow with a definition's size: synthetic definitions of 1,000,
//! 5,000 and 20,000 states (the last near AWS's 1,048,576-character limit), 1,900 Task states as
//! real workflows write them (1 MB), and one Pass state whose Result is a literal of 17,500
//! objects (1 MB), each checked (`check_source`, what
//! `asl check` and CreateStateMachine run) and expanded (`expand_file`, what `asl expand` runs,
//! writing the source as it is generated) in a process of its own, reporting time and peak
//! memory (VmHWM, the whole process: the program itself takes about 2 MiB of it).
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

/// One Pass state whose Result holds `items` objects of four fields (17,500 come to 1 MB).
fn literal_definition(items: usize) -> String {
    let objects: Vec<String> =
        (0..items).map(|i| format!(r#"{{"id":{i},"name":"item{i}","tags":["a","b"],"v":{}}}"#, i as f64 * 1.5)).collect();
    format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Result":[{}],"End":true}}}}}}"#, objects.join(","))
}

/// A chain of Task states as real workflows write them (a Lambda call with Parameters,
/// ResultSelector, ResultPath, Retry and Catch): 1,900 come to 1 MB.
fn tasks_definition(states: usize) -> String {
    let mut text = String::from(r#"{"StartAt":"Step0","States":{"#);
    for i in 0..states {
        let next = if i + 1 == states { r#""End":true"#.to_string() } else { format!(r#""Next":"Step{}""#, i + 1) };
        text.push_str(&format!(
            r#""Step{i}":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:step{i}","Payload":{{"order.$":"$.order","step":{i}}}}},"ResultSelector":{{"body.$":"$.Payload"}},"ResultPath":"$.results.s{i}","Retry":[{{"ErrorEquals":["Lambda.ServiceException","Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":2}}],"Catch":[{{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Failed"}}],{next}}},"#
        ));
    }
    text.push_str(r#""Failed":{"Type":"Fail","Error":"StepFailed","Cause":"a step failed"}}}"#);
    text
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok()).unwrap_or(0)
}

/// In the child: one measurement, printed as `seconds peak_kib`.
fn measure(what: &str, path: &str) {
    let started = Instant::now();
    match what {
        "check" => {
            let text = asl_codegen::read_definition(std::path::Path::new(path)).expect("the definition");
            std::hint::black_box(asl_codegen::check_source(&text));
        }
        _ => {
            std::hint::black_box(asl_codegen::expand_file(std::path::Path::new(path), std::io::sink()).ok());
        }
    }
    println!("{:.3} {}", started.elapsed().as_secs_f64(), peak_kib());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, what, path] = args.as_slice() {
        return measure(what, path);
    }
    let dir = std::env::temp_dir().join(format!("asl-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    println!("{:>14} {:>9} {:>10}  {:<8} {:>8} {:>12} {:>10}", "definition", "broken", "size (B)", "step", "time (s)", "memory (KiB)", "per byte");
    let mut cases: Vec<(String, bool, String)> = Vec::new();
    for states in [1_000, 5_000, 20_000] {
        for broken in [false, true] {
            cases.push((format!("{states} states"), broken, definition(states, broken)));
        }
    }
    cases.push(("1,900 Tasks".to_string(), false, tasks_definition(1_900)));
    cases.push(("1 MB literal".to_string(), false, literal_definition(17_500)));
    for (i, (label, broken, text)) in cases.iter().enumerate() {
        let path = dir.join(format!("{i}.json"));
        std::fs::write(&path, text).expect("write the definition");
        for what in ["check", "expand"] {
            if *broken && what == "expand" {
                continue;
            }
            let out = Command::new(&args[0]).args([what, path.to_str().unwrap_or_default()]).output().expect("run the measurement");
            let line = String::from_utf8_lossy(&out.stdout);
            let mut fields = line.split_whitespace();
            let (secs, kib) = (fields.next().unwrap_or("?"), fields.next().and_then(|k| k.parse::<u64>().ok()).unwrap_or(0));
            let per_byte = (kib * 1024) as f64 / text.len() as f64;
            println!("{label:>14} {broken:>9} {:>10}  {what:<8} {secs:>8} {kib:>12} {per_byte:>9.1}×", text.len());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
