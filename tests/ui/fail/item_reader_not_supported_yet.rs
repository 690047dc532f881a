mod wf {
    asl_macro::asl!("ui/fail/item_reader_not_supported_yet.json");
}

fn main() {}
