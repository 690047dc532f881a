mod wf {
    asl_macro::asl!("ui/fail/choice_without_rules.json");
}

fn main() {}
