mod wf {
    asl_macro::asl!("ui/fail/result_path_context.json");
}

fn main() {}
