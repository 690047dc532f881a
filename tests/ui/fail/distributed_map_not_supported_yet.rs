mod wf {
    asl_macro::asl!("ui/fail/distributed_map_not_supported_yet.json");
}

fn main() {}
