mod wf {
    asl_macro::asl!("ui/fail/unreachable_state.json");
}

fn main() {}
