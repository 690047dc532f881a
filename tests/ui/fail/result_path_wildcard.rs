mod wf {
    asl_macro::asl!("ui/fail/result_path_wildcard.json");
}

fn main() {}
