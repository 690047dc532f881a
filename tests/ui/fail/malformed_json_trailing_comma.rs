mod wf {
    asl_macro::asl!("ui/fail/malformed_json_trailing_comma.json");
}

fn main() {}
