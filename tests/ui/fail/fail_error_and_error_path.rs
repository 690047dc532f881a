mod wf {
    asl_macro::asl!("ui/fail/fail_error_and_error_path.json");
}

fn main() {}
