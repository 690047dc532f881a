mod wf {
    asl_macro::asl!("ui/fail/neither_next_nor_end.json");
}

fn main() {}
