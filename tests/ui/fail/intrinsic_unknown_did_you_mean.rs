mod wf {
    asl_macro::asl!("ui/fail/intrinsic_unknown_did_you_mean.json");
}

fn main() {}
