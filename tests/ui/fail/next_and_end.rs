mod wf {
    asl_macro::asl!("ui/fail/next_and_end.json");
}

fn main() {}
