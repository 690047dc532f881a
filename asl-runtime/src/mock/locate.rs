//! Where a JSON pointer's key sits in the text (`line:col`, both from 1), so that a problem in
//! a mock config file names its line as well as its path. serde_json keeps no positions and the
//! runtime carries no spanned JSON reader, so this walks text serde_json has already accepted:
//! it only needs to tell strings, nesting and the ends of values apart.

/// The line and column of the key the pointer's last token names (for the root, of the first
/// value), or `None` when the pointer leads nowhere. Where a key is duplicated, the last one
/// (the one serde_json kept).
pub fn locate(text: &str, pointer: &[&str]) -> Option<(u32, u32)> {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    let mut found = at;
    for token in pointer {
        let (key_at, value_at) = member(text, at, token)?;
        found = key_at;
        at = value_at;
    }
    Some(line_col(text, found))
}

/// The key `token` of the object at `at`: where the key begins and where its value begins.
fn member(text: &str, at: usize, token: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(bytes, at + 1);
    let mut hit = None;
    while bytes.get(i) == Some(&b'"') {
        let key_at = i;
        let key_end = string_end(bytes, i)?;
        let key: String = serde_json::from_str(text.get(key_at..key_end)?).ok()?;
        i = skip_ws(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let value_at = skip_ws(bytes, i + 1);
        if key == token {
            hit = Some((key_at, value_at));
        }
        i = skip_ws(bytes, value_end(bytes, value_at)?);
        if bytes.get(i) == Some(&b',') {
            i = skip_ws(bytes, i + 1);
        }
    }
    hit
}

/// The index just past the string starting with the quote at `at`.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index just past the value starting at `at`. Nesting is counted, not recursed into, so
/// no depth of input can exhaust the stack.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        // A number, true, false or null.
        _ => {
            let mut i = at;
            while bytes.get(i).is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()) {
                i += 1;
            }
            Some(i)
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// 1-based line and column (in characters) of byte `at`.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::locate;

    const TEXT: &str = "{\n  \"A\": {\"x\": [1, {\"y\": 2}], \"b/c\": \"}\\\"\"},\n  \"B\": {\n    \"1-2\": 3,\n    \"é\": true\n  }\n}";

    #[test]
    fn finds_keys_past_nested_values_and_strings() {
        assert_eq!(locate(TEXT, &[]), Some((1, 1)));
        assert_eq!(locate(TEXT, &["A"]), Some((2, 3)));
        assert_eq!(locate(TEXT, &["A", "b/c"]), Some((2, 29)));
        assert_eq!(locate(TEXT, &["B", "1-2"]), Some((4, 5)));
        assert_eq!(locate(TEXT, &["B", "é"]), Some((5, 5)));
        assert_eq!(locate(TEXT, &["B", "missing"]), None);
        assert_eq!(locate(TEXT, &["A", "x", "0"]), None);
    }

    #[test]
    fn a_duplicated_key_is_the_last_one() {
        assert_eq!(locate("{\"a\": 1, \"a\": 2}", &["a"]), Some((1, 10)));
    }
}
