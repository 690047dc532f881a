mod wf {
    asl_macro::asl!("ui/fail/missing_start_at.json");
}

fn main() {}
