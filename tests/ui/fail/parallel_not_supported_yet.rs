mod wf {
    asl_macro::asl!("ui/fail/parallel_not_supported_yet.json");
}

fn main() {}
