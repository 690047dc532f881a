mod wf {
    asl_macro::asl!("ui/fail/wait_seconds_and_seconds_path.json");
}

fn main() {}
