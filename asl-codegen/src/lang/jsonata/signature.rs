//! Lambda signatures, `<n-s?:s>`: which types each parameter takes.

use super::ast::Param;
use super::SyntaxError;

const TYPES: &str = "bnsloafjxu";

/// Parses `<…>` (with its brackets); `at` is where it starts in the expression.
pub fn parse(text: &str, at: usize) -> Result<Vec<Param>, SyntaxError> {
    let inner = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(text);
    // The return type follows the first `:` outside brackets (`<f<n:n>:f<n:n>>`).
    let params_text = match inner.char_indices().find(|&(i, c)| c == ':' && depth_at(inner, i) == 0) {
        Some((colon, _)) => &inner[..colon],
        None => inner,
    };
    let chars: Vec<(usize, char)> = params_text.char_indices().collect();
    let mut params: Vec<Param> = Vec::new();
    let mut i = 0;
    let error = |offset: usize, c: char| {
        SyntaxError::new("S0401", at + 1 + offset, format!("Type parameter can only be applied to functions and arrays: {c}"))
    };
    while i < chars.len() {
        let (offset, c) = chars[i];
        match c {
            c if TYPES.contains(c) => {
                params.push(Param { types: c.to_string(), items: None, optional: false, variadic: false, context: false });
            }
            '(' => {
                let close = chars[i..].iter().position(|(_, c)| *c == ')').ok_or_else(|| error(offset, c))?;
                let types: String = chars[i + 1..i + close].iter().map(|(_, c)| *c).collect();
                if types.is_empty() || !types.chars().all(|t| TYPES.contains(t)) {
                    return Err(SyntaxError::new("S0402", at + 1 + offset, "Choice groups containing parameterized types are not supported"));
                }
                params.push(Param { types, items: None, optional: false, variadic: false, context: false });
                i += close;
            }
            '<' => {
                let Some(last) = params.last_mut().filter(|p| p.types == "a" || p.types == "f") else {
                    return Err(error(offset, c));
                };
                let mut depth = 0;
                let mut end = i;
                for (j, (_, d)) in chars.iter().enumerate().skip(i) {
                    match d {
                        '<' => depth += 1,
                        '>' => {
                            depth -= 1;
                            if depth == 0 {
                                end = j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if last.types == "a" {
                    let items: String = chars[i + 1..end].iter().map(|(_, c)| *c).filter(|c| *c != '(' && *c != ')').collect();
                    last.items = Some(items);
                }
                i = end;
            }
            '?' | '+' | '-' => {
                let Some(last) = params.last_mut() else { return Err(error(offset, c)) };
                match c {
                    '?' => last.optional = true,
                    '+' => last.variadic = true,
                    _ => last.context = true,
                }
            }
            _ => return Err(SyntaxError::new("S0401", at + 1 + offset, format!("Unknown type in function signature: {c}"))),
        }
        i += 1;
    }
    Ok(params)
}

fn depth_at(text: &str, at: usize) -> usize {
    let mut depth = 0usize;
    for c in text[..at].chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}
