mod wf {
    asl_macro::asl!("ui/fail/unknown_field_did_you_mean.json");
}

fn main() {}
