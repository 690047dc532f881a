//! CSV data sets as item streams: each row becomes an object mapping every header to that
//! row's field, always as a string (AWS does not infer types). Rows are read one at a time.
//!
//! Rows shorter than the header get `""` for the missing columns and fields past the header
//! are dropped (LocalStack's reading of AWS's recorded behaviour); empty lines are skipped.

use super::config::{check_unique_headers, CsvHeaderLocation, ReaderConfig};
use super::{reader_failed, ItemStream, Source};
use crate::error::Failure;
use serde_json::{Map, Value};
use std::io::BufReader;
use std::path::{Path, PathBuf};

type Records = csv::StringRecordsIntoIter<BufReader<Source>>;

/// The rows of `file` as items. With `FIRST_ROW` the first row is the header and not an
/// item (so `MaxItems` counts from the row after it); an empty file has no items.
pub(crate) fn csv_rows(file: Source, path: &Path, config: &ReaderConfig) -> Result<ItemStream, Failure> {
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(config.csv_delimiter.byte())
        .from_reader(BufReader::new(file))
        .into_records();
    let headers = match config.csv_header_location {
        CsvHeaderLocation::Given => config
            .csv_headers
            .clone()
            .ok_or_else(|| reader_failed("CSVHeaders must be provided when CSVHeaderLocation is GIVEN"))?,
        CsvHeaderLocation::FirstRow => match records.next() {
            None => return Ok(Box::new(std::iter::empty())),
            Some(Err(e)) => return Err(csv_failure(path, &e)),
            Some(Ok(row)) => row.iter().map(str::to_owned).collect(),
        },
    };
    check_unique_headers(&headers)?;
    let columns = aws_key_order(&headers).into_iter().map(|i| (i, headers[i].clone())).collect();
    Ok(Box::new(Rows { records, columns, path: path.to_path_buf(), done: false }))
}

struct Rows {
    records: Records,
    /// (column index, header) in the order AWS puts the keys.
    columns: Vec<(usize, String)>,
    path: PathBuf,
    done: bool,
}

impl Iterator for Rows {
    type Item = Result<Value, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.records.next()? {
            Ok(row) => Some(Ok(row_item(&self.columns, &row))),
            Err(e) => {
                self.done = true;
                Some(Err(csv_failure(&self.path, &e)))
            }
        }
    }
}

fn row_item(columns: &[(usize, String)], row: &csv::StringRecord) -> Value {
    let mut item = Map::with_capacity(columns.len());
    for (i, header) in columns {
        item.insert(header.clone(), Value::String(row.get(*i).unwrap_or("").to_owned()));
    }
    Value::Object(item)
}

fn csv_failure(path: &Path, e: &csv::Error) -> Failure {
    let line = e.position().map_or(String::new(), |p| format!(" line {}", p.line()));
    reader_failed(format!("{}{line}: {e}", path.display()))
}

/// The order AWS lists a CSV item's keys in: that of a `java.util.HashMap` filled in header
/// order. Evidence: LocalStack, whose tests are validated against AWS, re-sorts CSV items to
/// match AWS's recordings, and for the headers `0,True,{}` AWS gave `0`, `{}`, `True` — not
/// header order, not sorted, but exactly HashMap bucket order (buckets 0, 2, 9). For the usual
/// `Col1,Col2,Col3`-like headers this is header order.
pub(crate) fn aws_key_order(headers: &[String]) -> Vec<usize> {
    // HashMap starts with 16 buckets and doubles whenever it is more than 3/4 full.
    let mut buckets: u32 = 16;
    while headers.len() as u64 * 4 > u64::from(buckets) * 3 {
        buckets = buckets.saturating_mul(2);
    }
    let bucket = |s: &str| {
        let h = java_hash(s) as u32;
        (h ^ (h >> 16)) & (buckets - 1)
    };
    let mut order: Vec<usize> = (0..headers.len()).collect();
    // Stable: keys sharing a bucket stay in insertion order, as in the bucket's list.
    order.sort_by_key(|&i| bucket(&headers[i]));
    order
}

/// `java.lang.String.hashCode`: over UTF-16 code units, wrapping.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::config::CsvDelimiter;
    use crate::items::test_support::{collect, scratch};
    use serde_json::json;

    fn read(name: &str, text: &str, config: &ReaderConfig) -> Result<Vec<Value>, Failure> {
        let dir = scratch(&format!("csv-{name}"));
        let path = dir.join("file.csv");
        std::fs::write(&path, text).expect("write");
        collect(csv_rows(Box::new(std::fs::File::open(&path).expect("open")), &path, config)?)
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    }

    #[test]
    fn first_row_headers_as_aws_reads_them() {
        // LocalStack's AWS-validated scenario test_map_item_reader_base_csv_headers_first_line.
        let text =
            "Col1,Col2,Col3\nValue1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";
        let items = read("first-row", text, &ReaderConfig::default()).expect("reads");
        assert_eq!(items[0], json!({"Col1": "Value1", "Col2": "Value2", "Col3": "Value3"}));
        assert_eq!(items[2], json!({"Col1": "", "Col2": "", "Col3": ""}), "extra fields dropped");
        assert_eq!(items[3], json!({"Col1": "true", "Col2": "1", "Col3": "'HelloWorld'"}), "always strings");
        assert_eq!(items[5], json!({"Col1": "   ", "Col2": "", "Col3": ""}), "short rows padded");
        assert_eq!(items.len(), 6);
        assert_eq!(keys(&items[0]), ["Col1", "Col2", "Col3"]);
    }

    #[test]
    fn given_headers_and_delimiters() {
        let config = ReaderConfig {
            csv_header_location: CsvHeaderLocation::Given,
            csv_headers: Some(vec!["H1".into(), "H2".into()]),
            csv_delimiter: CsvDelimiter::Pipe,
            ..ReaderConfig::default()
        };
        let items = read("given", "a|\"b|c\"\nd|e\n", &config).expect("reads");
        assert_eq!(items, vec![json!({"H1": "a", "H2": "b|c"}), json!({"H1": "d", "H2": "e"})]);
        for (delimiter, text) in
            [(CsvDelimiter::Semicolon, "x;y"), (CsvDelimiter::Space, "x y"), (CsvDelimiter::Tab, "x\ty")]
        {
            let config = ReaderConfig { csv_delimiter: delimiter, ..config.clone() };
            assert_eq!(read("delims", text, &config), Ok(vec![json!({"H1": "x", "H2": "y"})]));
        }
    }

    #[test]
    fn duplicate_first_row_headers_fail() {
        let err = read("dup", "a,b,a\n1,2,3\n", &ReaderConfig::default()).expect_err("duplicates");
        assert_eq!(err.cause.as_deref(), Some("CSV headers cannot contain duplicates."));
    }

    #[test]
    fn empty_file_has_no_items_and_bad_utf8_names_the_line() {
        assert_eq!(read("empty", "", &ReaderConfig::default()), Ok(vec![]));
        let dir = scratch("csv-utf8");
        let path = dir.join("bad.csv");
        std::fs::write(&path, b"a,b\n1,2\n\xff,3\n").expect("write");
        let err = collect(csv_rows(Box::new(std::fs::File::open(&path).expect("open")), &path, &ReaderConfig::default()).expect("opens"));
        let cause = err.expect_err("invalid UTF-8").cause.unwrap_or_default();
        assert!(cause.contains("bad.csv line 3"), "{cause}");
    }

    #[test]
    fn key_order_follows_java_hash_map() {
        let headers = |hs: &[&str]| hs.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        assert_eq!(java_hash("True"), 2_615_726);
        assert_eq!(aws_key_order(&headers(&["0", "True", "{}"])), [0, 2, 1]);
        assert_eq!(aws_key_order(&headers(&["H1", "H2", "H3"])), [0, 1, 2]);
        let many: Vec<String> = (0..40).map(|i| format!("column{i}")).collect();
        let mut order = aws_key_order(&many);
        order.sort_unstable();
        assert_eq!(order, (0..40).collect::<Vec<_>>(), "a permutation");
    }
}
