mod wf {
    asl_macro::asl!("ui/fail/start_at_missing_state.json");
}

fn main() {}
