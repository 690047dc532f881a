mod wf {
    asl_macro::asl!("ui/fail/task_timeout_and_timeout_path.json");
}

fn main() {}
