//! Group commit on PostgreSQL: the writes of many executions in a handful of statements, each
//! over arrays (`unnest`), whatever their number: the round trips, not the rows, are what a
//! transaction costs here.

use std::collections::HashMap;

use super::statements::append_events_of;
use super::tx::{Out, Tx};
use crate::store::{Result, Status, StoreError, StoredEvent, Write, Written};

pub(super) async fn commit(tx: &Tx<'_>, writes: &[Write]) -> Out<Vec<Result<Written>>> {
    // The executions checkpointed, locked FOR SHARE in ARN order (lease renewals lock theirs in
    // the same order), so a stop or a takeover waits for this transaction.
    let mut arns: Vec<&str> = writes
        .iter()
        .filter_map(|w| match w {
            Write::Checkpoint { arn, .. } => Some(arn.as_str()),
            Write::Effect { .. } => None,
        })
        .collect();
    arns.sort_unstable();
    arns.dedup();
    let mut held: HashMap<String, (String, Option<String>)> = HashMap::new();
    if !arns.is_empty() {
        let rows = tx.all("SELECT arn, status, owner FROM executions WHERE arn = ANY($1) ORDER BY arn FOR SHARE", &[&arns]).await?;
        held.extend(rows.iter().map(|r| (r.get(0), (r.get(1), r.get(2)))));
    }

    // What each write does, checked as `checkpoint` checks.
    let mut answers: Vec<Option<Result<Written>>> = Vec::with_capacity(writes.len());
    let mut progress: HashMap<(&str, &str), &[u8]> = HashMap::new();
    let mut events: Vec<(&str, &StoredEvent)> = Vec::new();
    let (mut effect_arns, mut effect_keys, mut effect_values) = (Vec::new(), Vec::new(), Vec::new());
    for write in writes {
        match write {
            Write::Checkpoint { arn, worker, place, progress: data, events: new } => {
                let refusal = match held.get(arn) {
                    None => Some(StoreError::ExecutionDoesNotExist(arn.clone())),
                    Some((status, owner)) if status != Status::Running.as_str() || owner.as_deref() != Some(worker) => {
                        Some(StoreError::LeaseLost(arn.clone()))
                    }
                    Some(_) => None,
                };
                if let Some(refusal) = refusal {
                    answers.push(Some(Err(refusal)));
                    continue;
                }
                if let Some(data) = data {
                    // The last checkpoint of a place in the batch is the one kept.
                    progress.insert((arn, place), data);
                }
                events.extend(new.iter().map(|e| (arn.as_str(), e)));
                answers.push(Some(Ok(Written::Checkpointed)));
            }
            Write::Effect { arn, key, value } => {
                effect_arns.push(arn.as_str());
                effect_keys.push(key.as_str());
                effect_values.push(value.as_str());
                answers.push(None);
            }
        }
    }

    if !progress.is_empty() {
        let (mut arns, mut places, mut data) = (Vec::new(), Vec::new(), Vec::new());
        for ((arn, place), bytes) in &progress {
            arns.push(*arn);
            places.push(*place);
            data.push(*bytes);
        }
        tx.exec(
            "INSERT INTO progress (arn, place, data) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
             ON CONFLICT (arn, place) DO UPDATE SET data = EXCLUDED.data",
            &[&arns, &places, &data],
        )
        .await?;
    }
    append_events_of(tx, &events).await?;

    if !effect_arns.is_empty() {
        // The first value written wins, in the batch too (rows go in in array order).
        tx.exec(
            "INSERT INTO effects (arn, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            &[&effect_arns, &effect_keys, &effect_values],
        )
        .await?;
        let rows = tx
            .all(
                "SELECT e.arn, e.key, e.value FROM effects e JOIN unnest($1::text[], $2::text[]) AS w (arn, key) ON e.arn = w.arn AND e.key = w.key",
                &[&effect_arns, &effect_keys],
            )
            .await?;
        let kept: HashMap<(String, String), String> = rows.iter().map(|r| ((r.get(0), r.get(1)), r.get(2))).collect();
        let mut effects = writes.iter().zip(answers.iter_mut()).filter(|(_, answer)| answer.is_none());
        for (write, answer) in &mut effects {
            if let Write::Effect { arn, key, .. } = write {
                let value = kept.get(&(arn.clone(), key.clone())).cloned();
                *answer = Some(value.map(Written::Effect).ok_or_else(|| StoreError::Backend(format!("the effect '{key}' of {arn} vanished"))));
            }
        }
    }
    Ok(answers.into_iter().map(|a| a.unwrap_or_else(|| Err(StoreError::Backend("a write went unanswered".into())))).collect())
}
