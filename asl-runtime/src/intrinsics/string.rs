//! `States.StringSplit` and `States.UUID`.

use super::expect_string;
use crate::error::Failure;
use rand::RngCore;
use serde_json::Value;

/// `States.StringSplit(string, delimiters)`: the string cut at every character that occurs in
/// `delimiters`, with empty parts dropped and no trimming: `",,,,"` split on `","` is `[]`
/// (recorded: test_string_split-3, test_string_split_context_object-0).
pub fn string_split(string: Value, delimiters: Value) -> Result<Value, Failure> {
    let text = expect_string("StringSplit", "string (first argument)", string)?;
    let delimiters = expect_string("StringSplit", "delimiting characters (second argument)", delimiters)?;
    let parts = text
        .split(|c: char| delimiters.contains(c))
        .filter(|part| !part.is_empty())
        .map(|part| Value::String(part.to_string()))
        .collect();
    Ok(Value::Array(parts))
}

/// `States.UUID()`: a random (version 4) UUID in lowercase hyphenated form, its randomness taken
/// from `rng` so that tests can pass a seeded generator.
pub fn uuid(rng: &mut impl RngCore) -> Result<Value, Failure> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    Ok(Value::String(id.hyphenated().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::SmallRng, SeedableRng};
    use serde_json::json;

    fn split(text: &str, delimiters: &str) -> Result<Value, Failure> {
        string_split(json!(text), json!(delimiters))
    }

    /// The recorded test_string_split-*, test_escape_sequence-0 and context-object executions.
    #[test]
    fn string_split_matches_recordings() {
        assert_eq!(split(" ", ","), Ok(json!([" "])));
        assert_eq!(split(",,,,", ","), Ok(json!([])));
        assert_eq!(split("1,2,3,4,5", ","), Ok(json!(["1", "2", "3", "4", "5"])));
        assert_eq!(split("split on T and \nnew line", "T\n"), Ok(json!(["split on ", " and ", "new line"])));
        assert_eq!(split("Hello\nWorld", "\n"), Ok(json!(["Hello", "World"])));
        let csv = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";
        let expected = json!(["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1",
            "'HelloWorld'\nNull", "None", "\n   \n"]);
        assert_eq!(split(csv, ","), Ok(expected));
    }

    #[test]
    fn string_split_uses_each_delimiter_character() {
        assert_eq!(split("This.is+a,test=string", ".+,="), Ok(json!(["This", "is", "a", "test", "string"])));
        assert_eq!(split("", ","), Ok(json!([])));
        assert_eq!(split("abc", ""), Ok(json!(["abc"])));
        assert_eq!(split("a✓b", "✓"), Ok(json!(["a", "b"])));
        assert!(string_split(json!(1), json!(",")).is_err());
        assert!(string_split(json!("a,b"), json!(null)).is_err());
    }

    #[test]
    fn uuid_is_a_version_4_uuid_from_the_given_rng() {
        let mut rng = SmallRng::seed_from_u64(3);
        let id = uuid(&mut rng).unwrap();
        let text = id.as_str().unwrap();
        let parsed = uuid::Uuid::parse_str(text).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(text.len(), 36);
        assert_eq!(text, text.to_lowercase());
        assert_eq!(uuid(&mut SmallRng::seed_from_u64(3)), Ok(id.clone()));
        assert_ne!(uuid(&mut rng), Ok(id));
    }
}
