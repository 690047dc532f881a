//! Timestamps as AWS accepts them in definitions: RFC 3339 with an uppercase `T` and a `Z` or
//! numeric offset (`2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+02:00`).

/// Whether `text` is a timestamp AWS accepts.
pub fn is_valid(text: &str) -> bool {
    // chrono also accepts a space or a lowercase `t` between date and time; AWS does not.
    text.as_bytes().get(10) == Some(&b'T')
        && !text.ends_with('z')
        && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn accepts_aws_forms_only() {
        assert!(is_valid("2016-03-14T01:59:00Z"));
        assert!(is_valid("2016-03-14T01:59:00.5+02:00"));
        assert!(!is_valid("2016-03-14 01:59:00Z"));
        assert!(!is_valid("2016-03-14T01:59:00"));
        assert!(!is_valid("2016-13-05T21:29:29Z"));
        assert!(!is_valid("2016-12-05T25:29:29Z"));
        assert!(!is_valid("05-12-2016T21:29:29Z"));
    }
}
