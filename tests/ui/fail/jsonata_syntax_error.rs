mod wf {
    asl_macro::asl!("ui/fail/jsonata_syntax_error.json");
}

fn main() {}
