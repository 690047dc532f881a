mod wf {
    asl_macro::asl!("ui/fail/unknown_state_type.json");
}

fn main() {}
