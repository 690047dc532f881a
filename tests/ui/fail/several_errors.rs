mod wf {
    asl_macro::asl!("ui/fail/several_errors.json");
}

fn main() {}
