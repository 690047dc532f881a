mod wf {
    asl_macro::asl!("ui/fail/retry_max_attempts_negative.json");
}

fn main() {}
