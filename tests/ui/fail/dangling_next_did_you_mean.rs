mod wf {
    asl_macro::asl!("ui/fail/dangling_next_did_you_mean.json");
}

fn main() {}
