//! `ItemReader.ReaderConfig`: what kind of data set to read and how much of it, validated as
//! AWS validates it when the Map Run starts (every problem is `States.ItemReaderFailed`).

use super::reader_failed;
use crate::error::Failure;
use serde_json::Value;
use std::collections::HashSet;

/// AWS reads at most 100,000,000 items; a larger `MaxItems` is clipped to it (AWS docs,
/// ItemReader: "you can specify a limit of up to 100,000,000").
pub const MAX_ITEMS_LIMIT: u64 = 100_000_000;

/// `ReaderConfig.InputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    Csv,
    Json,
    /// JSON Lines: one JSON value per line.
    Jsonl,
    Parquet,
    /// An S3 inventory (or Athena) manifest listing the files to read.
    Manifest,
}

/// `ReaderConfig.CSVHeaderLocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvHeaderLocation {
    /// The first row of the file names the columns and is not an item.
    #[default]
    FirstRow,
    /// `CSVHeaders` names the columns; every row is an item.
    Given,
}

/// `ReaderConfig.CSVDelimiter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDelimiter {
    #[default]
    Comma,
    Pipe,
    Semicolon,
    Space,
    Tab,
}

impl CsvDelimiter {
    /// The byte that separates fields.
    pub fn byte(self) -> u8 {
        match self {
            CsvDelimiter::Comma => b',',
            CsvDelimiter::Pipe => b'|',
            CsvDelimiter::Semicolon => b';',
            CsvDelimiter::Space => b' ',
            CsvDelimiter::Tab => b'\t',
        }
    }
}

/// An evaluated `ReaderConfig` (`MaxItemsPath` already resolved into `max_items`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReaderConfig {
    /// `None` for `s3:listObjectsV2`, which lists objects instead of reading one.
    pub input_type: Option<InputType>,
    pub csv_header_location: CsvHeaderLocation,
    /// The `CSVHeaders` given in the definition (required with `GIVEN`).
    pub csv_headers: Option<Vec<String>>,
    pub csv_delimiter: CsvDelimiter,
    /// At most this many items; `None` reads them all. Never 0, never above [`MAX_ITEMS_LIMIT`].
    pub max_items: Option<u64>,
}

impl ReaderConfig {
    /// Reads an evaluated `ReaderConfig` object (`Value::Null` or absent: all defaults).
    pub fn from_json(config: &Value) -> Result<ReaderConfig, Failure> {
        let fields = match config {
            Value::Null => return Ok(ReaderConfig::default()),
            Value::Object(fields) => fields,
            other => return Err(reader_failed(format!("ReaderConfig must be an object, got {other}"))),
        };
        let text = |name: &str| match fields.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(reader_failed(format!("field {name} must be a string, got {other}"))),
        };
        let out = ReaderConfig {
            input_type: text("InputType")?.map(input_type).transpose()?,
            csv_header_location: text("CSVHeaderLocation")?.map(header_location).transpose()?.unwrap_or_default(),
            csv_headers: fields.get("CSVHeaders").map(csv_headers).transpose()?,
            csv_delimiter: text("CSVDelimiter")?.map(delimiter).transpose()?.unwrap_or_default(),
            max_items: fields.get("MaxItems").map(max_items).transpose()?.flatten(),
        };
        if out.csv_header_location == CsvHeaderLocation::Given && out.csv_headers.is_none() {
            return Err(reader_failed("CSVHeaders must be provided when CSVHeaderLocation is GIVEN"));
        }
        Ok(out)
    }
}

fn input_type(s: &str) -> Result<InputType, Failure> {
    Ok(match s {
        "CSV" => InputType::Csv,
        "JSON" => InputType::Json,
        "JSONL" => InputType::Jsonl,
        "PARQUET" => InputType::Parquet,
        "MANIFEST" => InputType::Manifest,
        _ => {
            return Err(reader_failed(format!(
                "Invalid InputType '{s}'. Expected one of CSV, JSON, JSONL, PARQUET, MANIFEST"
            )))
        }
    })
}

fn header_location(s: &str) -> Result<CsvHeaderLocation, Failure> {
    match s {
        "FIRST_ROW" => Ok(CsvHeaderLocation::FirstRow),
        "GIVEN" => Ok(CsvHeaderLocation::Given),
        _ => Err(reader_failed(format!("Invalid CSVHeaderLocation '{s}'. Expected one of FIRST_ROW, GIVEN"))),
    }
}

fn delimiter(s: &str) -> Result<CsvDelimiter, Failure> {
    Ok(match s {
        "COMMA" => CsvDelimiter::Comma,
        "PIPE" => CsvDelimiter::Pipe,
        "SEMICOLON" => CsvDelimiter::Semicolon,
        "SPACE" => CsvDelimiter::Space,
        "TAB" => CsvDelimiter::Tab,
        _ => {
            return Err(reader_failed(format!(
                "Invalid CSVDelimiter '{s}'. Expected one of COMMA, PIPE, SEMICOLON, SPACE, TAB"
            )))
        }
    })
}

fn csv_headers(v: &Value) -> Result<Vec<String>, Failure> {
    let Value::Array(items) = v else {
        return Err(reader_failed(format!("field CSVHeaders must be an array of strings, got {v}")));
    };
    let headers = items
        .iter()
        .map(|h| h.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| reader_failed(format!("field CSVHeaders must be an array of strings, got {v}")))?;
    check_unique_headers(&headers)?;
    Ok(headers)
}

/// AWS refuses a header row (given or read) that names a column twice.
pub(crate) fn check_unique_headers(headers: &[String]) -> Result<(), Failure> {
    let mut seen = HashSet::with_capacity(headers.len());
    if headers.iter().all(|h| seen.insert(h.as_str())) {
        Ok(())
    } else {
        Err(reader_failed("CSV headers cannot contain duplicates."))
    }
}

/// A `MaxItems` value: negative fails the Map Run, 0 means no limit (as AWS, where the
/// definition linter accepts 0 to 100,000,000), larger values are clipped to the limit.
fn max_items(v: &Value) -> Result<Option<u64>, Failure> {
    match (v.as_u64(), v.as_i64()) {
        (Some(0), _) => Ok(None),
        (Some(n), _) => Ok(Some(n.min(MAX_ITEMS_LIMIT))),
        (None, Some(_)) => Err(reader_failed("field MaxItems must be positive")),
        _ => Err(reader_failed(format!("field MaxItems must be an integer, got {v}"))),
    }
}

/// `MaxItemsPath`: the value the path selected from the state input (`None`: nothing), as a
/// `MaxItems` for [`ReaderConfig::max_items`]. A value that is not an integer is
/// `States.Runtime`, a negative one `States.ItemReaderFailed` (`field MaxItems must be positive`).
pub fn max_items_from(value: Option<&Value>, path: &str) -> Result<Option<u64>, Failure> {
    let v = value.ok_or_else(|| Failure::runtime(format!("Invalid path '{path}' : No results for path: {path}")))?;
    if v.as_i64().is_none() && v.as_u64().is_none() {
        let shown = crate::payload::bare(v);
        return Err(Failure::runtime(format!(
            "The MaxItemsPath field refers to value \"{shown}\" which is not a valid integer: {path}"
        )));
    }
    max_items(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cause(r: Result<ReaderConfig, Failure>) -> String {
        let f = r.expect_err("must fail");
        assert_eq!(f.error, "States.ItemReaderFailed");
        f.cause.unwrap_or_default()
    }

    #[test]
    fn reads_every_field() {
        let c = ReaderConfig::from_json(&json!({
            "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"],
            "CSVDelimiter": "TAB", "MaxItems": 7
        }))
        .expect("valid");
        assert_eq!(c.input_type, Some(InputType::Csv));
        assert_eq!(c.csv_header_location, CsvHeaderLocation::Given);
        assert_eq!(c.csv_headers, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(c.csv_delimiter.byte(), b'\t');
        assert_eq!(c.max_items, Some(7));
    }

    #[test]
    fn max_items_rules() {
        let max = |v: Value| ReaderConfig::from_json(&json!({"InputType": "JSON", "MaxItems": v})).map(|c| c.max_items);
        assert_eq!(max(json!(0)), Ok(None), "0 reads everything");
        assert_eq!(max(json!(100_000_001u64)), Ok(Some(MAX_ITEMS_LIMIT)));
        assert_eq!(cause(ReaderConfig::from_json(&json!({"MaxItems": -1}))), "field MaxItems must be positive");
        let f = max_items_from(Some(&json!(1.5)), "$.MaxItems").expect_err("not an integer");
        assert_eq!(f.error, "States.Runtime");
        assert_eq!(
            f.cause.as_deref(),
            Some("The MaxItemsPath field refers to value \"1.5\" which is not a valid integer: $.MaxItems")
        );
        let f = max_items_from(Some(&json!(-1)), "$.MaxItems").expect_err("negative");
        assert_eq!(
            (f.error.as_str(), f.cause.as_deref()),
            ("States.ItemReaderFailed", Some("field MaxItems must be positive"))
        );
        assert_eq!(max_items_from(Some(&json!(2)), "$.m"), Ok(Some(2)));
    }

    #[test]
    fn rejects_bad_values() {
        let dup = json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["H1", "H1", "H3"]});
        assert_eq!(cause(ReaderConfig::from_json(&dup)), "CSV headers cannot contain duplicates.");
        assert!(cause(ReaderConfig::from_json(&json!({"InputType": "XML"}))).contains("InputType"));
        assert!(cause(ReaderConfig::from_json(&json!({"CSVDelimiter": "COLON"}))).contains("CSVDelimiter"));
        assert!(cause(ReaderConfig::from_json(&json!({"CSVHeaderLocation": "GIVEN"}))).contains("CSVHeaders"));
        assert!(cause(ReaderConfig::from_json(&json!({"CSVHeaders": [1]}))).contains("CSVHeaders"));
        assert!(cause(ReaderConfig::from_json(&json!([]))).contains("object"));
        assert_eq!(ReaderConfig::from_json(&Value::Null), Ok(ReaderConfig::default()));
    }
}
