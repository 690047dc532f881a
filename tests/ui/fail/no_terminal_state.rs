mod wf {
    asl_macro::asl!("ui/fail/no_terminal_state.json");
}

fn main() {}
