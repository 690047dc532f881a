mod wf {
    asl_macro::asl!("ui/fail/retry_backoff_rate_below_one.json");
}

fn main() {}
