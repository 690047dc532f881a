mod wf {
    asl_macro::asl!("ui/fail/state_name_too_long.json");
}

fn main() {}
