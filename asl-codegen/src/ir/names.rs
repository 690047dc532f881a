//! Names in the definition → Rust identifiers: an UpperCamelCase enum variant and a snake_case
//! function name per state (the `variant` and `ident` of every [`super::State`]), unique within
//! the workflow, never a keyword. `lower` names the states; `emit` names its path statics from
//! the same [`words`].

use std::collections::HashSet;

/// (variant, ident) for each name, in order.
pub fn idents<'a>(names: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut variants = HashSet::new();
    let mut fns = HashSet::new();
    names
        .map(|name| {
            let words = words(name);
            let variant = unique(&mut variants, camel(&words), "State", "", &["Self"]);
            let ident = unique(&mut fns, snake(&words), "state", "_", KEYWORDS);
            (variant, ident)
        })
        .collect()
}

/// The alphanumeric runs of a name, split at case changes too (`validateOrder` → validate, order).
pub fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c);
        } else {
            prev_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn camel(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map(|f| f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase()).unwrap_or_default()
        })
        .collect()
}

fn snake(words: &[String]) -> String {
    words.iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_")
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "union",
];

/// `base`, made a valid identifier (prefixed when empty or starting with a digit, suffixed when
/// reserved) and unique among `taken` by a number.
fn unique(taken: &mut HashSet<String>, base: String, prefix: &str, sep: &str, reserved: &[&str]) -> String {
    let starts_ok = base.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let base = match (base.is_empty(), starts_ok) {
        (true, _) => prefix.to_string(),
        (false, false) => format!("{prefix}{sep}{base}"),
        _ => base,
    };
    let base = if reserved.contains(&base.as_str()) { format!("{base}{sep}{prefix}") } else { base };
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::idents;

    #[test]
    fn names_become_unique_identifiers() {
        let got = idents(["Validate Order", "validateOrder", "S0", "9 lives", "match", "!!!", "Run"].into_iter());
        let want = [
            ("ValidateOrder", "validate_order"),
            ("ValidateOrder2", "validate_order2"),
            ("S0", "s0"),
            ("State9Lives", "state_9_lives"),
            ("Match", "match_state"),
            ("State", "state"),
            ("Run", "run"),
        ];
        let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(got, want);
    }
}
