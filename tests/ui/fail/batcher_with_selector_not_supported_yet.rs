mod wf {
    asl_macro::asl!("ui/fail/batcher_with_selector_not_supported_yet.json");
}

fn main() {}
