//! The ranking table of a call, ranked once and read a window at a time.
//!
//! Ranking a national call reads every review of it: half a million, four scores each. A page
//! that loaded the whole ranking at each visit, and again at each change of order, held a
//! hundred thousand lines. Here [`Rankings::order`] ranks the call and returns the proposals'
//! row handles in rank order; [`Rankings::rows`] reads the lines of the handles a window shows.
//!
//! The last ranking is kept with the audit chain's head it was made at. Every change to
//! business data moves the head in its own transaction, and both requests read the head in the
//! same snapshot as the data, so a kept ranking is used exactly as long as nothing changed since,
//! whoever changed it (another officer on a shared database too). The head's hash tells two
//! databases, or a database and a restored copy, apart.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sqlx::FromRow;

use super::ranking::{Aggregate, Ranked};
use super::store::ranked_on;
use super::view::RankRow;
use crate::audit;
use crate::call::{self, Call};
use crate::error::Error;
use crate::money::Money;
use crate::proposal::table::MAX_ROWS;
use crate::store::Pool;

/// The ranked proposals of a call, in rank order, as row handles for [`Rankings::rows`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The proposals under review (eligible), ranked or not yet.
    pub total: u64,
    /// The handles of the ranked proposals (those with a complete review), in rank order.
    pub rows: Vec<i64>,
}

/// A ranking as made at one head of the audit chain.
struct Ranking {
    call: String,
    by: Aggregate,
    head: (i64, String),
    eligible: u64,
    ranked: Vec<Ranked>,
    /// Position in `ranked` of each proposal's handle.
    at: HashMap<i64, usize>,
}

/// The last ranking made, kept for the requests that follow (one per window: the page keeps a
/// `Rankings` for as long as it runs).
#[derive(Default)]
pub struct Rankings {
    last: Mutex<Option<Arc<Ranking>>>,
    made: AtomicUsize,
}

#[derive(FromRow)]
struct Line {
    id: i64,
    reference: String,
    title: String,
    topic: String,
    requested_fen: i64,
}

impl Rankings {
    pub fn new() -> Rankings {
        Rankings::default()
    }

    /// The call's ranked proposals in the order of `by`, best first.
    pub async fn order(&self, pool: &Pool, call_code: &str, by: Aggregate) -> Result<Order, Error> {
        let mut tx = pool.read().await?;
        let call = call::store_get_on(&mut tx, call_code).await?;
        let ranking = self.ranking(&mut tx, &call, by).await?;
        Ok(Order {
            total: ranking.eligible,
            rows: ranking.ranked.iter().map(|r| r.proposal).collect(),
        })
    }

    /// The lines of the proposals `ids` names, with their figures in the ranking by `by`, in
    /// that order; `None` where a handle names no ranked proposal of the call (any more). At
    /// most [`MAX_ROWS`] at a time.
    pub async fn rows(
        &self,
        pool: &Pool,
        call_code: &str,
        by: Aggregate,
        ids: &[i64],
    ) -> Result<Vec<Option<RankRow>>, Error> {
        if ids.len() > MAX_ROWS {
            return Err(Error::invalid(
                "ids",
                "too_many_rows",
                format!("一次最多读取 {MAX_ROWS} 行，请求了 {} 行", ids.len()),
                format!(
                    "at most {MAX_ROWS} lines are read at a time; {} were asked for",
                    ids.len()
                ),
            ));
        }
        let mut tx = pool.read().await?;
        let call = call::store_get_on(&mut tx, call_code).await?;
        let ranking = self.ranking(&mut tx, &call, by).await?;
        let wanted: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| ranking.at.contains_key(id))
            .collect();
        let mut lines: HashMap<i64, Line> = HashMap::with_capacity(wanted.len());
        if !wanted.is_empty() {
            let marks = (0..wanted.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT id, reference, title, topic, requested_fen FROM proposals
                 WHERE call_id = $1 AND id IN ({marks})"
            );
            let mut q = crate::db::query_as::<Line>(sqlx::AssertSqlSafe(sql)).bind(call.id);
            for id in &wanted {
                q = q.bind(*id);
            }
            for line in q.fetch_all(&mut tx).await? {
                lines.insert(line.id, line);
            }
        }
        ids.iter()
            .map(|id| {
                let (Some(&at), Some(line)) = (ranking.at.get(id), lines.get(id)) else {
                    return Ok(None);
                };
                Ok(Some(RankRow {
                    reference: line.reference.clone(),
                    title: line.title.clone(),
                    topic: line.topic.clone(),
                    requested: Money::from_fen(line.requested_fen)?,
                    figures: ranking.ranked[at].clone(),
                }))
            })
            .collect()
    }

    /// The ranking of `call` by `by` as of this read: the one kept, if nothing changed since it
    /// was made; else a new one, then kept.
    async fn ranking(
        &self,
        tx: &mut crate::db::Tx,
        call: &Call,
        by: Aggregate,
    ) -> Result<Arc<Ranking>, Error> {
        let head = audit::head(tx).await?;
        let code = call.spec.code.as_str();
        // A poisoned lock (a panic elsewhere while it was held) only loses the kept ranking.
        let kept = self.last.lock().ok().and_then(|last| last.clone());
        if let Some(r) = kept.filter(|r| r.call == code && r.by == by && r.head == head) {
            return Ok(r);
        }
        let (proposals, ranked) = ranked_on(tx, call, by).await?;
        self.made.fetch_add(1, Ordering::Relaxed);
        let at = ranked
            .iter()
            .enumerate()
            .map(|(i, r)| (r.proposal, i))
            .collect();
        let made = Arc::new(Ranking {
            call: code.to_string(),
            by,
            head,
            eligible: proposals.len() as u64,
            ranked,
            at,
        });
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Arc::clone(&made));
        }
        Ok(made)
    }

    /// How many rankings were made (the others were reused): what the tests and the bench
    /// look at.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }
}
