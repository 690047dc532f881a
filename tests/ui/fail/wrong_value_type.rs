mod wf {
    asl_macro::asl!("ui/fail/wrong_value_type.json");
}

fn main() {}
