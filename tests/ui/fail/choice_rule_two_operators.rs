mod wf {
    asl_macro::asl!("ui/fail/choice_rule_two_operators.json");
}

fn main() {}
