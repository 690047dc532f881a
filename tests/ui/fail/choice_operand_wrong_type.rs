mod wf {
    asl_macro::asl!("ui/fail/choice_operand_wrong_type.json");
}

fn main() {}
