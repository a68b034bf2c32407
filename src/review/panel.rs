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

pub async fn matrix(pool: &Pool, call_code: &str) -> Result<Matrix, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let proposals = eligible_proposals(&mut conn, &call).await?;
    let reviewers: Vec<Reviewer> = pool::all_on(&mut conn)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .collect();
    let conflicted = conflicts(&mut conn, &reviewers, &proposals).await?;
    let states: Vec<(i64, i64, String, i64)> = crate::db::query_as(
        "SELECT s.proposal_id, s.reviewer_id, s.status, (SELECT COUNT(*) FROM reviews v WHERE v.proposal_id = s.proposal_id AND v.reviewer_id = s.reviewer_id)
         FROM assignments s JOIN proposals p ON p.id = s.proposal_id WHERE p.call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    let pi: HashMap<i64, usize> = proposals
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let ri: HashMap<i64, usize> = reviewers
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let mut cells: Vec<(usize, usize, Cell)> = conflicted
        .keys()
        .filter_map(|(r, p)| Some((*pi.get(p)?, *ri.get(r)?, Cell::Conflict)))
        .collect();
    for (p, r, status, reviewed) in states {
        let (Some(&p), Some(&r)) = (pi.get(&p), ri.get(&r)) else {
            continue;
        };
        let cell = match (status.as_str(), reviewed > 0) {
            ("assigned", true) => Cell::Reviewed,
            ("assigned", false) => Cell::Assigned,
            ("declined", _) => Cell::Declined,
            _ => continue,
        };
        cells.push((p, r, cell));
    }
    cells.sort_unstable_by_key(|&(p, r, _)| (p, r));
    Ok(Matrix {
        proposals: proposals
            .into_iter()
            .map(|p| (p.reference, p.topic))
            .collect(),
        reviewers: reviewers
            .into_iter()
            .map(|r| (r.id, r.name, r.topics))
            .collect(),
        cells,
    })
}
