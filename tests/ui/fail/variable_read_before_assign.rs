mod wf {
    asl_macro::asl!("ui/fail/variable_read_before_assign.json");
}

fn main() {}
