//! Who reviews a proposal and who may not: a proposal's panel and the assignment matrix of a
//! call, with the conflicts marked.

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::FromRow;

use super::pool::{self, Reviewer};
use super::ranking;
use super::score::{Recommendation, weights};
use super::store::{conflicts, eligible_proposals, proposal_facts};
use super::view::{Candidate, Cell, EnteredReview, Matrix, Panel, PanelMember, Recusal};
use crate::call;
use crate::error::{Error, Msg};
use crate::store::Pool;

/// A score of one of the proposal's reviews.
#[derive(FromRow)]
struct ScoreRow {
    reviewer_id: i64,
    criterion: String,
    score: Option<i64>,
}

#[derive(FromRow)]
struct ReviewRow {
    reviewer_id: i64,
    recommendation: String,
    comment: String,
}

pub async fn panel(pool: &Pool, call_code: &str, reference: &str) -> Result<Panel, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let p = proposal_facts(&mut conn, &call, reference).await?;
    let reviewers = pool::all_on(&mut conn).await?;
    let conflicted = conflicts(&mut conn, &reviewers, std::slice::from_ref(&p)).await?;
    let on: Vec<(i64, Option<String>)> = crate::db::query_as(
        "SELECT reviewer_id, recused_reason FROM assignments
         WHERE proposal_id = $1 AND (status = 'assigned' OR recused_reason IS NOT NULL)
         ORDER BY recused_reason IS NOT NULL, reviewer_id",
    )
    .bind(p.id)
    .fetch_all(&mut conn)
    .await?;
    let reviews: Vec<ReviewRow> = crate::db::query_as(
        "SELECT reviewer_id, recommendation, comment FROM reviews WHERE proposal_id = $1",
    )
    .bind(p.id)
    .fetch_all(&mut conn)
    .await?;
    let scores: Vec<ScoreRow> = crate::db::query_as(
        "SELECT reviewer_id, criterion, score FROM review_scores WHERE proposal_id = $1",
    )
    .bind(p.id)
    .fetch_all(&mut conn)
    .await?;
    let rubric = weights(&call);
    let on_ids: HashSet<i64> = on.iter().map(|(r, _)| *r).collect();
    let members = on
        .iter()
        .filter_map(|(rid, why)| Some((reviewers.iter().find(|r| r.id == *rid)?, why)))
        .map(|(r, why)| {
            let review = reviews.iter().find(|v| v.reviewer_id == r.id).map(|v| {
                let mine: BTreeMap<String, Option<u32>> = scores
                    .iter()
                    .filter(|s| s.reviewer_id == r.id)
                    .map(|s| {
                        (
                            s.criterion.clone(),
                            s.score.and_then(|x| u32::try_from(x).ok()),
                        )
                    })
                    .collect();
                let ordered: Vec<Option<u32>> = call
                    .spec
                    .rubric
                    .iter()
                    .map(|c| mine.get(&c.key).copied().flatten())
                    .collect();
                EnteredReview {
                    weighted: ranking::weighted_score(&rubric, &ordered),
                    scores: mine,
                    recommendation: Recommendation::parse(&v.recommendation)
                        .unwrap_or(Recommendation::DoNotFund),
                    comment: v.comment.clone(),
                }
            });
            PanelMember {
                reviewer: r.id,
                name: r.name.clone(),
                affiliation: r.affiliation.clone(),
                review,
                recused: why
                    .as_deref()
                    .map(|w| serde_json::from_str(w).unwrap_or_else(|_| Msg::new(w, w))),
            }
        })
        .collect();
    let mut candidates = Vec::new();
    let mut recused = Vec::new();
    for r in reviewers
        .iter()
        .filter(|r| r.active && !on_ids.contains(&r.id))
    {
        match conflicted.get(&(r.id, p.id)) {
            Some(why) => recused.push(Recusal {
                reviewer: r.id,
                name: r.name.clone(),
                reason: why.clone(),
            }),
            None => candidates.push(Candidate {
                reviewer: r.id,
                name: r.name.clone(),
                affiliation: r.affiliation.clone(),
                knows_topic: r.topics.contains(&p.topic),
            }),
        }
    }
    // Those who know the topic first.
    candidates.sort_by_key(|c| (!c.knows_topic, c.reviewer));
    let serving = on.iter().filter(|(_, why)| why.is_none()).count();
    Ok(Panel {
        reference: p.reference,
        need: call.spec.min_reviewers,
        serving,
        members,
        candidates,
        recused,
    })
}

/// The most proposals one page of the matrix shows.
pub const MATRIX_PAGE_MAX: usize = 200;

/// A page of the assignment matrix: the call's eligible proposals `from` (0-based, in
/// reference order) on, at most `count` ([`MATRIX_PAGE_MAX`]), as rows; as columns, the active
/// reviewers with a cell on those rows (assigned, reviewed, declined or conflicted), by number.
/// A national call has 100,000 proposals and 5,000 reviewers: a page shows what concerns its
/// proposals, not a grid of half a billion cells.
pub async fn matrix(
    pool: &Pool,
    call_code: &str,
    from: usize,
    count: usize,
) -> Result<Matrix, Error> {
    if count == 0 || count > MATRIX_PAGE_MAX {
        return Err(Error::invalid(
            "count",
            "out_of_range",
            format!("每页显示 1 至 {MATRIX_PAGE_MAX} 份申请书"),
            format!("a page shows from 1 to {MATRIX_PAGE_MAX} proposals"),
        ));
    }
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let eligible = eligible_proposals(&mut conn, &call).await?;
    let total = eligible.len();
    let from = from.min(total);
    let proposals: Vec<_> = eligible.into_iter().skip(from).take(count).collect();
    let reviewers: Vec<Reviewer> = pool::all_on(&mut conn)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .collect();
    let conflicted = conflicts(&mut conn, &reviewers, &proposals).await?;
    let mut states: Vec<(i64, i64, String, i64)> = Vec::new();
    if !proposals.is_empty() {
        let marks = crate::db::placeholders(1, proposals.len());
        let sql = format!(
            "SELECT s.proposal_id, s.reviewer_id, s.status, (SELECT COUNT(*) FROM reviews v WHERE v.proposal_id = s.proposal_id AND v.reviewer_id = s.reviewer_id)
             FROM assignments s WHERE s.proposal_id IN ({marks})"
        );
        let mut q = crate::db::query_as(sqlx::AssertSqlSafe(sql));
        for p in &proposals {
            q = q.bind(p.id);
        }
        states = q.fetch_all(&mut conn).await?;
    }
    let pi: HashMap<i64, usize> = proposals
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    // (row, reviewer id, cell), then the columns: the reviewers met.
    let mut found: Vec<(usize, i64, Cell)> = conflicted
        .keys()
        .filter_map(|(r, p)| Some((*pi.get(p)?, *r, Cell::Conflict)))
        .collect();
    let active: HashSet<i64> = reviewers.iter().map(|r| r.id).collect();
    for (p, r, status, reviewed) in states {
        let Some(&p) = pi.get(&p).filter(|_| active.contains(&r)) else {
            continue;
        };
        let cell = match (status.as_str(), reviewed > 0) {
            ("assigned", true) => Cell::Reviewed,
            ("assigned", false) => Cell::Assigned,
            ("declined", _) => Cell::Declined,
            _ => continue,
        };
        found.push((p, r, cell));
    }
    let met: HashSet<i64> = found.iter().map(|&(_, r, _)| r).collect();
    let columns: Vec<Reviewer> = reviewers
        .into_iter()
        .filter(|r| met.contains(&r.id))
        .collect();
    let ri: HashMap<i64, usize> = columns.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut cells: Vec<(usize, usize, Cell)> = found
        .into_iter()
        .filter_map(|(p, r, cell)| Some((p, *ri.get(&r)?, cell)))
        .collect();
    cells.sort_unstable_by_key(|&(p, r, _)| (p, r));
    Ok(Matrix {
        total,
        from,
        proposals: proposals
            .into_iter()
            .map(|p| (p.reference, p.topic))
            .collect(),
        reviewers: columns
            .into_iter()
            .map(|r| (r.id, r.name, r.topics))
            .collect(),
        cells,
    })
}
