//! The ranking table of a call, ranked once and read a window at a time.
//!
//! Ranking a national call reads every review of it: half a million, four scores each. A page
//! that loaded the whole ranking at each visit, and again at each change of order, held a
//! hundred thousand lines. Here [`Rankings::order`] ranks the call and returns the proposals'
//! row handles in rank order; [`Rankings::rows`] reads the lines of the handles a window shows.
//!
//! The reviews the last ranking was made from are kept with the audit chain's head they were
//! read at. Every change to business data moves the head in its own transaction, and each
//! request reads the head in the same snapshot as the data, so kept reviews are used exactly as
//! long as nothing changed since, whoever changed it (another officer on a shared database
//! too). Another order of the same reviews is a sort, not a read. An order carries the head as
//! its `version`; lines asked for an older version are refused (`ranking_changed`), so that a
//! page never shows new figures in an old order: it asks for the order again.
//!
//! The decision board ranks the same kept reviews (`Rankings::reviewed`). A decision act
//! moves the head with its own entry and changes no review; it carries the kept reviews to its
//! new head (`Rankings::carry`), so an officer deciding award after award never waits for
//! the reviews to be read again.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use sqlx::FromRow;

use super::ReviewError;
use super::ranking::{Aggregate, Ranked, ReviewInput};
use super::store::{counted_reviews_on, disagreement_threshold};
use super::view::RankRow;
use crate::audit;
use crate::call::{self, Call};
use crate::error::Error;
use crate::money::Money;
use crate::proposal::table::window;
use crate::store::Pool;

/// The ranked proposals of a call, in rank order, as row handles for [`Rankings::rows`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The proposals under review (eligible), ranked or not yet.
    pub total: u64,
    /// The handles of the ranked proposals (those with a complete review), in rank order.
    pub rows: Vec<i64>,
    /// The state of the record this order was made at: [`Rankings::rows`] reads lines for it.
    pub version: String,
}

/// A ranking in one order, made from kept reviews.
pub(crate) struct Ranking {
    by: Aggregate,
    pub(crate) ranked: Vec<Ranked>,
    /// Position in `ranked` of each proposal's handle.
    at: HashMap<i64, usize>,
}

/// The reviews of a call as read at one head of the audit chain, and the last order made of
/// them.
struct Kept {
    call: String,
    head: (i64, String),
    threshold: f64,
    reviewed: Reviewed,
}

/// What the decision board needs of an eligible proposal, kept with the reviews.
pub(crate) struct Eligible {
    pub(crate) reference: String,
    pub(crate) topic: String,
    pub(crate) requested_fen: i64,
}

/// A call's eligible proposals, their reviews and their ranking in one order, as of one head
/// of the audit chain.
#[derive(Clone)]
pub(crate) struct Reviewed {
    /// By id.
    pub(crate) eligible: Arc<HashMap<i64, Eligible>>,
    pub(crate) reviews: Arc<Vec<ReviewInput>>,
    pub(crate) ranking: Arc<Ranking>,
}

/// The reviews of the last call ranked, kept for the requests that follow: the ranking table's
/// and the decision board's (the app keeps one `Rankings` while it runs: at national scale,
/// 362,470 reviews take 8.7 MB, the 87,500 eligible proposals' references and topics about
/// 12 MB more).
#[derive(Default)]
pub struct Rankings {
    /// Held while a ranking is made: two requests after a change make it once.
    kept: tokio::sync::Mutex<Option<Kept>>,
    reads: AtomicUsize,
}

#[derive(FromRow)]
struct Line {
    id: i64,
    reference: String,
    title: String,
    topic: String,
    requested_fen: i64,
}

/// The head as an order's version.
fn version(head: &(i64, String)) -> String {
    format!("{}-{}", head.0, head.1)
}

impl Rankings {
    pub fn new() -> Rankings {
        Rankings::default()
    }

    /// The call's ranked proposals in the order of `by`, best first.
    pub async fn order(&self, pool: &Pool, call_code: &str, by: Aggregate) -> Result<Order, Error> {
        let mut tx = pool.read().await?;
        let call = call::store_get_on(&mut tx, call_code).await?;
        let head = audit::head(&mut tx).await?;
        let (eligible, ranking) = self.ranking(&mut tx, &call, &head, by).await?;
        Ok(Order {
            total: eligible,
            rows: ranking.ranked.iter().map(|r| r.proposal).collect(),
            version: version(&head),
        })
    }

    /// The lines of the proposals `ids` names, with their figures in the ranking by `by` of the
    /// order `version` names, in that order; `None` where a handle names no ranked proposal of
    /// the call. At most [`MAX_ROWS`](crate::proposal::table::MAX_ROWS) at a time. Refused (`ranking_changed`) when the record
    /// changed since that order was made.
    pub async fn rows(
        &self,
        pool: &Pool,
        call_code: &str,
        by: Aggregate,
        of: &str,
        ids: &[i64],
    ) -> Result<Vec<Option<RankRow>>, Error> {
        window(ids)?;
        let mut tx = pool.read().await?;
        let call = call::store_get_on(&mut tx, call_code).await?;
        let head = audit::head(&mut tx).await?;
        if version(&head) != of {
            return Err(ReviewError::RankingChanged.into());
        }
        let (_, ranking) = self.ranking(&mut tx, &call, &head, by).await?;
        let wanted: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| ranking.at.contains_key(id))
            .collect();
        let mut lines: HashMap<i64, Line> = HashMap::with_capacity(wanted.len());
        if !wanted.is_empty() {
            let marks = crate::db::placeholders(2, wanted.len());
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

    /// The ranking of `call` by `by` as of this read (whose head is `head`), and how many of
    /// its proposals are eligible: made from the kept reviews if nothing changed since they
    /// were read, else from the reviews read now, then kept.
    async fn ranking(
        &self,
        tx: &mut crate::db::Tx,
        call: &Call,
        head: &(i64, String),
        by: Aggregate,
    ) -> Result<(u64, Arc<Ranking>), Error> {
        let mut kept = self.kept.lock().await;
        let k = self.fresh(&mut kept, tx, call, head, by).await?;
        Ok((
            k.reviewed.eligible.len() as u64,
            Arc::clone(&k.reviewed.ranking),
        ))
    }

    /// The eligible proposals of `call`, their reviews as of this read (whose head is `head`)
    /// and their ranking by `by`: the kept ones if nothing changed since they were read, else those read now, then
    /// kept. What the decision board shows.
    pub(crate) async fn reviewed(
        &self,
        tx: &mut crate::db::Tx,
        call: &Call,
        head: &(i64, String),
        by: Aggregate,
    ) -> Result<Reviewed, Error> {
        let mut kept = self.kept.lock().await;
        let k = self.fresh(&mut kept, tx, call, head, by).await?;
        Ok(k.reviewed.clone())
    }

    /// The kept reviews of `call` ranked by `by`, if they were read at `head` (another order
    /// is a sort); else the reviews read now, ranked and kept in their place.
    async fn fresh<'k>(
        &self,
        kept: &'k mut Option<Kept>,
        tx: &mut crate::db::Tx,
        call: &Call,
        head: &(i64, String),
        by: Aggregate,
    ) -> Result<&'k mut Kept, Error> {
        let code = call.spec.code.as_str();
        if let Some(k) = kept.as_mut()
            && k.call == code
            && &k.head == head
        {
            if k.reviewed.ranking.by != by {
                k.reviewed.ranking = Arc::new(rank(&k.reviewed.reviews, k.threshold, by));
            }
        } else {
            *kept = Some(read(tx, call, head, by).await?);
            self.reads.fetch_add(1, Ordering::Relaxed);
        }
        kept.as_mut()
            .ok_or_else(|| ReviewError::RankingChanged.into())
    }

    /// The caller's write transaction moved the chain from `from` to `to` with one entry that
    /// changes neither a review nor which proposals are eligible (a decision act): reviews
    /// kept at `from` hold at `to` too. Any other step is ignored, and the next request reads
    /// the reviews again.
    ///
    /// Safe before the commit: were it rolled back, the record would stay at `from`, and `to`
    /// (a hash over that very entry) can only come back as that same entry after `from`.
    pub(crate) async fn carry(&self, call_code: &str, from: &(i64, String), to: &(i64, String)) {
        let mut kept = self.kept.lock().await;
        if let Some(k) = kept.as_mut()
            && k.call == call_code
            && &k.head == from
            && to.0 == from.0 + 1
        {
            k.head = to.clone();
        }
    }

    /// How many times the reviews were read from the database (the other requests used the
    /// kept ones): what the tests and the bench look at.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }
}

/// The reviews of `call` read now, at `head`, ranked by `by`.
async fn read(
    tx: &mut crate::db::Tx,
    call: &Call,
    head: &(i64, String),
    by: Aggregate,
) -> Result<Kept, Error> {
    let (eligible, reviews) = counted_reviews_on(tx, call).await?;
    let threshold = disagreement_threshold(call);
    let eligible = eligible
        .into_iter()
        .map(|p| {
            let facts = Eligible {
                reference: p.reference,
                topic: p.topic,
                requested_fen: p.requested_fen,
            };
            (p.id, facts)
        })
        .collect();
    Ok(Kept {
        call: call.spec.code.to_string(),
        head: head.clone(),
        threshold,
        reviewed: Reviewed {
            eligible: Arc::new(eligible),
            ranking: Arc::new(rank(&reviews, threshold, by)),
            reviews: Arc::new(reviews),
        },
    })
}

/// The ranking of `reviews` by `by`, with each proposal's place.
fn rank(reviews: &[ReviewInput], threshold: f64, by: Aggregate) -> Ranking {
    let ranked = super::ranking::rank(reviews, threshold, by);
    let at = ranked
        .iter()
        .enumerate()
        .map(|(i, r)| (r.proposal, i))
        .collect();
    Ranking { by, ranked, at }
}
