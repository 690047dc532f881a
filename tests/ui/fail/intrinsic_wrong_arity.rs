mod wf {
    asl_macro::asl!("ui/fail/intrinsic_wrong_arity.json");
}

fn main() {}
