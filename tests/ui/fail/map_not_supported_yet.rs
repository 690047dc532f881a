mod wf {
    asl_macro::asl!("ui/fail/map_not_supported_yet.json");
}

fn main() {}
