//! Filter `=~ /pattern/flags` matching. Jayway uses `java.util.regex`; the `regex` crate reads
//! the same syntax for everything but backreferences and lookaround, and matches in linear time,
//! so no input can make a filter hang or exhaust the stack. A pattern it cannot read matches
//! nothing. Compiled patterns are cached: path data is static, so the set of patterns is small.

use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Patterns above this many bytes are not compiled (they match nothing).
const MAX_PATTERN: usize = 4096;

type Cache = Mutex<HashMap<(String, String), Option<Regex>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// Whether the whole of `text` matches `pattern` (Java `Matcher.matches`). Flags: `i`
/// (case-insensitive), `s` (`.` matches newlines), `m` (multi-line anchors), `x` (verbose).
pub(in crate::path) fn full_match(pattern: &str, flags: &str, text: &str) -> bool {
    if pattern.len() > MAX_PATTERN {
        return false;
    }
    let key = (pattern.to_owned(), flags.to_owned());
    let mut cache = cache().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache.entry(key).or_insert_with(|| compile(pattern, flags));
    regex.as_ref().is_some_and(|r| r.is_match(text))
}

fn compile(pattern: &str, flags: &str) -> Option<Regex> {
    RegexBuilder::new(&format!("^(?:{pattern})$"))
        .case_insensitive(flags.contains('i'))
        .dot_matches_new_line(flags.contains('s'))
        .multi_line(flags.contains('m'))
        .ignore_whitespace(flags.contains('x'))
        .size_limit(1 << 20)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::full_match;

    #[test]
    fn whole_text_must_match() {
        assert!(full_match("a.c", "", "abc"));
        assert!(!full_match("a.c", "", "xabcx"));
        assert!(full_match("AB+", "i", "abbb"));
        assert!(full_match("[0-9]{3}-\\d+", "", "123-45"));
        assert!(!full_match("(", "", "("), "a malformed pattern matches nothing");
    }

    #[test]
    fn long_subjects_neither_hang_nor_overflow() {
        let text = "a".repeat(200_000);
        assert!(full_match("a*", "", &text));
        assert!(!full_match("(a|aa)*b", "", &text));
    }
}
