mod wf {
    asl_macro::asl!("ui/fail/retry_states_all_not_last.json");
}

fn main() {}
