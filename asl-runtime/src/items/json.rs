//! JSON data sets as item streams: a JSON file holding one array (items are its elements) and
//! JSON Lines (one item per non-empty line). Both are read incrementally, so memory holds a
//! few items at a time, never the file.

use super::{reader_failed, ItemStream};
use crate::error::Failure;
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use super::Source;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};

/// AWS's cause when the JSON data set is not an array.
pub(crate) const NOT_ITERABLE: &str = "Attempting to map over non-iterable node.";

/// How many parsed elements may wait between the parsing thread and the Map Run: enough to
/// keep the reader ahead, few enough that memory stays flat.
const ARRAY_READ_AHEAD: usize = 64;

/// The elements of the array in `file`, parsed on a helper thread (serde hands out sequence
/// elements only through a visitor) and passed over a bounded channel. Dropping the stream
/// closes the channel, which stops the thread at its next element.
pub(crate) fn json_array(file: Source, path: &Path) -> ItemStream {
    let (tx, rx) = sync_channel(ARRAY_READ_AHEAD);
    let path = path.to_path_buf();
    let spawned =
        std::thread::Builder::new().name("asl-item-reader".into()).spawn(move || parse_array(file, &path, &tx));
    match spawned {
        Ok(_) => Box::new(rx.into_iter()),
        Err(e) => Box::new(std::iter::once(Err(reader_failed(format!("cannot start the JSON reader: {e}"))))),
    }
}

fn parse_array(file: Source, path: &Path, tx: &SyncSender<Result<Value, Failure>>) {
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(file));
    let outcome = Elements { tx }.deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = outcome {
        // A receiver that has gone away (the Map Run stopped reading) is not an error.
        let cause = match e.classify() {
            serde_json::error::Category::Data if e.to_string().contains(STOPPED) => return,
            serde_json::error::Category::Data => NOT_ITERABLE.to_owned(),
            _ => format!("{}: {e}", path.display()),
        };
        let _ = tx.send(Err(reader_failed(cause)));
    }
}

/// The custom error a visitor raises when nobody reads the elements any more.
const STOPPED: &str = "item stream dropped";

/// Sends each element of a top-level array; anything else is a type error (not iterable).
struct Elements<'a> {
    tx: &'a SyncSender<Result<Value, Failure>>,
}

impl<'de> DeserializeSeed<'de> for Elements<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            self.tx.send(Ok(item)).map_err(|_| de::Error::custom(STOPPED))?;
        }
        Ok(())
    }
}

/// One item per non-empty line of `file`; a line that is not JSON ends the stream with a
/// failure naming the file and line.
pub(crate) fn json_lines(file: Source, path: &Path) -> ItemStream {
    Box::new(JsonLines {
        reader: BufReader::new(file),
        path: path.to_path_buf(),
        line: 0,
        text: String::new(),
        done: false,
    })
}

struct JsonLines {
    reader: BufReader<Source>,
    path: PathBuf,
    /// 1-based number of the line in `text`.
    line: u64,
    /// Reused for every line, so reading allocates once per long line, not once per line.
    text: String,
    done: bool,
}

impl Iterator for JsonLines {
    type Item = Result<Value, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.text.clear();
            self.line += 1;
            match self.reader.read_line(&mut self.text) {
                Ok(0) => self.done = true,
                Ok(_) if self.text.trim().is_empty() => continue,
                Ok(_) => return Some(self.parse()),
                Err(e) => return Some(Err(self.fail(e.to_string()))),
            }
        }
        None
    }
}

impl JsonLines {
    fn parse(&mut self) -> Result<Value, Failure> {
        serde_json::from_str(self.text.trim_end_matches(['\n', '\r'])).map_err(|e| self.fail(e.to_string()))
    }

    /// Ends the stream: nothing is read after a bad line.
    fn fail(&mut self, what: String) -> Failure {
        self.done = true;
        reader_failed(format!("{} line {}: {what}", self.path.display(), self.line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::test_support::{collect, scratch};
    use serde_json::json;

    fn open(dir: &Path, name: &str, text: &str) -> (std::fs::File, PathBuf) {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        (std::fs::File::open(&path).expect("open"), path)
    }

    #[test]
    fn array_elements_in_order() {
        let dir = scratch("json-array");
        let (f, p) = open(&dir, "a.json", r#"[1, {"a": [2, 3]}, "x", null]"#);
        assert_eq!(collect(json_array(Box::new(f), &p)), Ok(vec![json!(1), json!({"a": [2, 3]}), json!("x"), Value::Null]));
        let (f, p) = open(&dir, "e.json", " [ ] ");
        assert_eq!(collect(json_array(Box::new(f), &p)), Ok(vec![]));
    }

    #[test]
    fn non_array_is_not_iterable() {
        let dir = scratch("json-object");
        for text in [r#"{"a": 1}"#, "5", r#""s""#] {
            let (f, p) = open(&dir, "o.json", text);
            let err = collect(json_array(Box::new(f), &p)).expect_err("not an array");
            assert_eq!((err.error.as_str(), err.cause.as_deref()), ("States.ItemReaderFailed", Some(NOT_ITERABLE)));
        }
    }

    #[test]
    fn malformed_json_names_file_and_line() {
        let dir = scratch("json-bad");
        let (f, p) = open(&dir, "bad.json", "[1,\n2,\n}");
        let cause = collect(json_array(Box::new(f), &p)).expect_err("bad").cause.unwrap_or_default();
        assert!(cause.contains("bad.json") && cause.contains("line 3"), "{cause}");
        let (f, p) = open(&dir, "trail.json", "[1] x");
        assert!(collect(json_array(Box::new(f), &p)).is_err(), "trailing characters");
    }

    #[test]
    fn dropping_the_stream_stops_the_reader() {
        let dir = scratch("json-drop");
        let text = format!("[{}]", vec!["1"; 10_000].join(","));
        let (f, p) = open(&dir, "big.json", &text);
        let first: Vec<_> = json_array(Box::new(f), &p).take(3).collect();
        assert_eq!(first.len(), 3);
    }

    #[test]
    fn lines_skip_blank_and_report_bad_line() {
        let dir = scratch("jsonl");
        let (f, p) = open(&dir, "a.jsonl", "{\"a\":1}\n\n  \r\n[2]\r\n\"x\"");
        assert_eq!(collect(json_lines(Box::new(f), &p)), Ok(vec![json!({"a": 1}), json!([2]), json!("x")]));
        let (f, p) = open(&dir, "b.jsonl", "1\n2\n{oops\n4\n");
        let mut s = json_lines(Box::new(f), &p);
        assert_eq!(s.next(), Some(Ok(json!(1))));
        assert_eq!(s.next(), Some(Ok(json!(2))));
        let cause = s.next().and_then(Result::err).and_then(|f| f.cause).unwrap_or_default();
        assert!(cause.contains("b.jsonl line 3"), "{cause}");
        assert_eq!(s.next(), None, "nothing is read after a bad line");
    }
}
