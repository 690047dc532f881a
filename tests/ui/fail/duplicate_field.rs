mod wf {
    asl_macro::asl!("ui/fail/duplicate_field.json");
}

fn main() {}
