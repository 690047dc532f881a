mod wf {
    asl_macro::asl!("ui/fail/parameters_duplicate_key.json");
}

fn main() {}
