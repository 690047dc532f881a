//! `ItemBatcher`: groups a Map's items into batches, each the input of one child execution:
//! `{"BatchInput": <BatchInput>, "Items": [...]}` (`BatchInput` only when the definition has
//! one). A batch closes when it holds `MaxItemsPerBatch` items or when the next item would take
//! its JSON text past `MaxInputBytesPerBatch` — and never past AWS's 256 KiB payload limit.
//! Batches are built as the items stream in; at most one batch is held at a time.

use super::{reader_failed, ItemStream};
use crate::error::Failure;
use crate::payload::json_len;
use serde_json::{Map, Value};

/// AWS's cap on a batch's input: the 256 KiB payload limit of a child execution's input.
pub const MAX_BATCH_BYTES: u64 = 262_144;

/// An evaluated `ItemBatcher` (`…Path` fields already resolved). A limit of `None` or 0 is no
/// limit of that kind; the byte size is capped at [`MAX_BATCH_BYTES`] whatever is given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemBatcher {
    pub max_items_per_batch: Option<u64>,
    pub max_input_bytes_per_batch: Option<u64>,
    /// The evaluated `BatchInput`, added to every batch.
    pub batch_input: Option<Value>,
}

impl ItemBatcher {
    /// The batches of `items`, lazily. An item too large to fit a batch on its own fails the
    /// run (`States.ItemReaderFailed`); a failure of `items` is passed on and ends the stream.
    pub fn batches(&self, items: ItemStream) -> ItemStream {
        let byte_limit =
            self.max_input_bytes_per_batch.filter(|&n| n > 0).map_or(MAX_BATCH_BYTES, |n| n.min(MAX_BATCH_BYTES));
        let empty = self.batch(Vec::new());
        Box::new(Batches {
            items,
            batcher: self.clone(),
            max_items: self.max_items_per_batch.filter(|&n| n > 0).unwrap_or(u64::MAX),
            byte_limit: usize::try_from(byte_limit).unwrap_or(usize::MAX),
            empty_len: json_len(&empty),
            pending: None,
            next_index: 0,
            done: false,
        })
    }

    /// The input of one child execution.
    fn batch(&self, items: Vec<Value>) -> Value {
        let mut batch = Map::with_capacity(2);
        if let Some(input) = &self.batch_input {
            batch.insert("BatchInput".to_owned(), input.clone());
        }
        batch.insert("Items".to_owned(), Value::Array(items));
        Value::Object(batch)
    }
}

struct Batches {
    items: ItemStream,
    batcher: ItemBatcher,
    max_items: u64,
    byte_limit: usize,
    /// Size of the batch with no items: `{"BatchInput":…,"Items":[]}`.
    empty_len: usize,
    /// The item that did not fit the previous batch, with its size.
    pending: Option<(Value, usize)>,
    /// Index of the next item in the data set, for error messages.
    next_index: u64,
    done: bool,
}

impl Iterator for Batches {
    type Item = Result<Value, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut items = Vec::new();
        let mut size = self.empty_len;
        while !self.done && (items.len() as u64) < self.max_items {
            let (item, len) = match self.pull() {
                None => break,
                Some(Ok(next)) => next,
                Some(Err(e)) => return Some(Err(e)),
            };
            let added = len + usize::from(!items.is_empty()); // the comma before it
            if size.saturating_add(added) > self.byte_limit {
                if items.is_empty() {
                    self.done = true;
                    return Some(Err(self.oversized(len)));
                }
                self.pending = Some((item, len));
                break;
            }
            size += added;
            items.push(item);
            self.next_index += 1;
        }
        (!items.is_empty()).then(|| Ok(self.batcher.batch(items)))
    }
}

impl Batches {
    /// The next item and its JSON size; `None` at the end of the items.
    fn pull(&mut self) -> Option<Result<(Value, usize), Failure>> {
        if let Some(pending) = self.pending.take() {
            return Some(Ok(pending));
        }
        let next = self.items.next();
        self.done = !matches!(next, Some(Ok(_)));
        next.map(|r| {
            r.map(|item| {
                let len = json_len(&item);
                (item, len)
            })
        })
    }

    fn oversized(&self, len: usize) -> Failure {
        reader_failed(format!(
            "The item at index {} is {len} bytes in its batch, more than MaxInputBytesPerBatch ({} bytes) allows",
            self.next_index,
            self.byte_limit.saturating_sub(self.empty_len)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream(items: Vec<Value>) -> ItemStream {
        Box::new(items.into_iter().map(Ok))
    }

    fn run(batcher: &ItemBatcher, items: Vec<Value>) -> Vec<Result<Value, Failure>> {
        batcher.batches(stream(items)).collect()
    }

    #[test]
    fn by_count_with_batch_input() {
        let batcher =
            ItemBatcher { max_items_per_batch: Some(2), batch_input: Some(json!({"k": 1})), ..Default::default() };
        let out = run(&batcher, (1..=5).map(|i| json!(i)).collect());
        assert_eq!(
            out,
            vec![
                Ok(json!({"BatchInput": {"k": 1}, "Items": [1, 2]})),
                Ok(json!({"BatchInput": {"k": 1}, "Items": [3, 4]})),
                Ok(json!({"BatchInput": {"k": 1}, "Items": [5]})),
            ]
        );
        assert!(run(&batcher, vec![]).is_empty(), "no items, no batches");
    }

    #[test]
    fn by_bytes_of_the_serialized_batch() {
        // {"Items":[]} is 12 bytes; each "xxxx" item is 6, plus a comma after the first.
        let batcher = ItemBatcher { max_input_bytes_per_batch: Some(12 + 6 + 7), ..Default::default() };
        let out = run(&batcher, vec![json!("aaaa"), json!("bbbb"), json!("cccc")]);
        let batches: Vec<Value> = out.into_iter().collect::<Result<_, _>>().expect("fits");
        assert_eq!(batches, vec![json!({"Items": ["aaaa", "bbbb"]}), json!({"Items": ["cccc"]})]);
        for b in &batches {
            assert!(json_len(b) <= 25);
        }
    }

    #[test]
    fn both_limits_and_the_aws_cap() {
        let batcher = ItemBatcher {
            max_items_per_batch: Some(3),
            max_input_bytes_per_batch: Some(10_000_000),
            ..Default::default()
        };
        let big = "x".repeat(100_000);
        let out = run(&batcher, vec![json!(big), json!(big), json!(big)]);
        let sizes: Vec<usize> =
            out.iter().map(|b| b.as_ref().map_or(0, |b| b["Items"].as_array().map_or(0, Vec::len))).collect();
        assert_eq!(sizes, [2, 1], "256 KiB holds two 100 kB items, not three");
    }

    #[test]
    fn an_item_larger_than_a_batch_fails() {
        let batcher = ItemBatcher { max_input_bytes_per_batch: Some(20), ..Default::default() };
        let out = run(&batcher, vec![json!(1), json!("a long string that cannot fit")]);
        assert_eq!(out[0], Ok(json!({"Items": [1]})));
        let err = out[1].clone().expect_err("too big");
        assert_eq!(err.error, "States.ItemReaderFailed");
        assert!(err.cause.unwrap_or_default().contains("index 1"));
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn reader_failures_pass_through() {
        let items: ItemStream = Box::new(vec![Ok(json!(1)), Err(reader_failed("boom")), Ok(json!(2))].into_iter());
        let batcher = ItemBatcher { max_items_per_batch: Some(5), ..Default::default() };
        let out: Vec<_> = batcher.batches(items).collect();
        assert_eq!(out, vec![Err(reader_failed("boom"))]);
    }
}
