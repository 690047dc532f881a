mod wf {
    asl_macro::asl!("ui/fail/task_heartbeat_not_below_timeout.json");
}

fn main() {}
