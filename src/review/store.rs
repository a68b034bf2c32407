//! Use cases of the review stage: the draw, manual assignment, score entry and the ranking,
//! with conflicts of interest enforced here, whatever front end asks.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::FromRow;

use super::ReviewError;
use super::pool::{self, Reviewer};
use super::ranking::{self, Aggregate, ReviewInput};
use super::score::{Recommendation, ReviewForm, check_scores, closed, weights};
use super::view::RankRow;
use crate::audit::{self, Change};
use crate::call::{self, Call};
use crate::error::{Error, Invalid, Msg};
use crate::money::Money;
use crate::store::{Pool, Stamp, begin_write};

/// What the review stage needs of a proposal.
#[derive(Debug, Clone, FromRow)]
pub(super) struct Facts {
    pub(super) id: i64,
    pub(super) reference: String,
    pub(super) title: String,
    pub(super) topic: String,
    pub(super) requested_fen: i64,
    pub(super) applicant_code: String,
}

pub(super) async fn eligible_proposals(
    conn: &mut crate::db::Tx,
    call: &Call,
) -> Result<Vec<Facts>, Error> {
    Ok(crate::db::query_as(
        "SELECT p.id, p.reference, p.title, p.topic, p.requested_fen, a.credit_code AS applicant_code
         FROM proposals p JOIN applicants a ON a.id = p.applicant_id
         WHERE p.call_id = $1 AND p.status = 'eligible' ORDER BY p.reference",
    )
    .bind(call.id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Every (reviewer, proposal) pair that may never meet, with the reason, for these proposals.
pub(super) async fn conflicts(
    conn: &mut crate::db::Tx,
    reviewers: &[Reviewer],
    proposals: &[Facts],
) -> Result<HashMap<(i64, i64), Msg>, Error> {
    let mut by_code: HashMap<&str, Vec<&Facts>> = HashMap::new();
    for p in proposals {
        by_code
            .entry(p.applicant_code.as_str())
            .or_default()
            .push(p);
    }
    let mut out = HashMap::new();
    for r in reviewers {
        if let Some(code) = &r.affiliation_code {
            for p in by_code.get(code.as_str()).into_iter().flatten() {
                out.insert(
                    (r.id, p.id),
                    Msg::new(
                        format!("评审专家 {} 与申请单位同属 {}", r.name, r.affiliation),
                        format!(
                            "reviewer {} belongs to the applicant, {}",
                            r.name, r.affiliation
                        ),
                    ),
                );
            }
        }
    }
    let ids: HashSet<i64> = proposals.iter().map(|p| p.id).collect();
    for d in pool::declared_all(conn).await? {
        let reason = Msg::new(
            format!("已申报回避：{}", d.reason),
            format!("declared conflict: {}", d.reason),
        );
        if let Some(code) = &d.credit_code {
            for p in by_code.get(code.as_str()).into_iter().flatten() {
                out.insert((d.reviewer_id, p.id), reason.clone());
            }
        }
        if let Some(pid) = d.proposal_id.filter(|p| ids.contains(p)) {
            out.insert((d.reviewer_id, pid), reason);
        }
    }
    Ok(out)
}

/// (proposal id, reviewer id) of the current assignments of a call.
pub(super) async fn assigned_pairs(
    conn: &mut crate::db::Tx,
    call: &Call,
) -> Result<Vec<(i64, i64)>, Error> {
    Ok(crate::db::query_as(
        "SELECT s.proposal_id, s.reviewer_id FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         WHERE p.call_id = $1 AND s.status = 'assigned' ORDER BY s.proposal_id, s.reviewer_id",
    )
    .bind(call.id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Marks recused every current assignment of this reviewer that a conflict of interest now
/// forbids, however late it became known (a declaration, a changed affiliation), with the
/// reason, in the caller's transaction and with an audit entry each. The assignment leaves
/// the panel (the draw never gives the pair again, and its top-up finds a replacement); a
/// review already entered stays on record but never counts. Returns how many were recused.
pub(crate) async fn recuse_conflicted(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    reviewer_id: i64,
) -> Result<usize, Error> {
    let reviewer = pool::get_on(conn, reviewer_id).await?;
    let on: Vec<Facts> = crate::db::query_as(
        "SELECT p.id, p.reference, p.title, p.topic, p.requested_fen, a.credit_code AS applicant_code
         FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         JOIN applicants a ON a.id = p.applicant_id
         WHERE s.reviewer_id = $1 AND s.status = 'assigned' ORDER BY p.id",
    )
    .bind(reviewer_id)
    .fetch_all(&mut *conn)
    .await?;
    let conflicted = conflicts(conn, std::slice::from_ref(&reviewer), &on).await?;
    let at = stamp.at_text();
    let mut n = 0;
    for p in &on {
        let Some(why) = conflicted.get(&(reviewer_id, p.id)) else {
            continue;
        };
        crate::db::query(
            "UPDATE assignments SET status = 'removed', recused_reason = $3, recused_at = $4, updated_at = $4
             WHERE proposal_id = $1 AND reviewer_id = $2 AND status = 'assigned'",
        )
        .bind(p.id)
        .bind(reviewer_id)
        .bind(audit::to_json(why)?)
        .bind(&at)
        .execute(&mut *conn)
        .await?;
        let (reviewed,): (i64,) = crate::db::query_as(
            "SELECT COUNT(*) FROM reviews WHERE proposal_id = $1 AND reviewer_id = $2",
        )
        .bind(p.id)
        .bind(reviewer_id)
        .fetch_one(&mut *conn)
        .await?;
        #[derive(Serialize)]
        struct Recused<'a> {
            status: &'static str,
            reason: &'a Msg,
            /// A review already entered: kept, never counted.
            review_left_out: bool,
        }
        audit::record(
            &mut *conn,
            stamp,
            Change::new(
                "assignment",
                format!("{}/{}", p.reference, reviewer_id),
                "recuse",
            )
            .before(&"assigned")?
            .after(&Recused {
                status: "recused",
                reason: why,
                review_left_out: reviewed > 0,
            })?,
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

pub(super) async fn proposal_facts(
    conn: &mut crate::db::Tx,
    call: &Call,
    reference: &str,
) -> Result<Facts, Error> {
    // One proposal by its reference: a score sheet of a national call enters hundreds of
    // thousands of reviews, each looking its proposal up.
    let found: Option<Facts> = crate::db::query_as(
        "SELECT p.id, p.reference, p.title, p.topic, p.requested_fen, a.credit_code AS applicant_code
         FROM proposals p JOIN applicants a ON a.id = p.applicant_id
         WHERE p.call_id = $1 AND p.reference = $2 AND p.status = 'eligible'",
    )
    .bind(call.id)
    .bind(reference.trim())
    .fetch_optional(&mut *conn)
    .await?;
    found.ok_or_else(|| {
        ReviewError::NotUnderReview {
            call: call.spec.code.to_string(),
            reference: reference.trim().to_string(),
        }
        .into()
    })
}

/// Refuses a conflicted pair: the refusal is written to the audit log in a transaction of its
/// own (the attempted change itself writes nothing), then returned as the error.
async fn refuse_conflict(
    pool: &Pool,
    stamp: &Stamp,
    reviewer: &Reviewer,
    p: &Facts,
    why: Msg,
    what: &str,
) -> Error {
    #[derive(Serialize)]
    struct Refusal<'a> {
        attempted: &'a str,
        reviewer: i64,
        proposal: &'a str,
        reason: &'a Msg,
    }
    let refusal = Refusal {
        attempted: what,
        reviewer: reviewer.id,
        proposal: &p.reference,
        reason: &why,
    };
    let logged = async {
        let mut tx = begin_write(pool).await?;
        audit::record(
            &mut tx,
            stamp,
            Change::new("conflict", reviewer.id, "refuse").after(&refusal)?,
        )
        .await?;
        tx.commit().await?;
        Ok::<(), Error>(())
    }
    .await;
    match logged {
        Ok(()) => ReviewError::Conflicted {
            reviewer: reviewer.name.clone(),
            reference: p.reference.clone(),
            reason: why,
        }
        .into(),
        Err(e) => e,
    }
}

/// Adds a reviewer to a proposal by hand. A conflicted reviewer is refused.
pub async fn add_reviewer(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    reviewer_id: i64,
) -> Result<(), Error> {
    let mut tx = begin_write(pool).await?;
    let call = call::store_get_on(&mut tx, call_code).await?;
    closed(&call)?;
    let p = proposal_facts(&mut tx, &call, reference).await?;
    let r = pool::get_on(&mut tx, reviewer_id).await?;
    if !r.active {
        return Err(ReviewError::Inactive(r.name).into());
    }
    if let Some(why) = conflicts(&mut tx, std::slice::from_ref(&r), std::slice::from_ref(&p))
        .await?
        .remove(&(r.id, p.id))
    {
        drop(tx);
        return Err(refuse_conflict(pool, stamp, &r, &p, why, "assign").await);
    }
    let at = stamp.at_text();
    let done = crate::db::query(
        "INSERT INTO assignments (proposal_id, reviewer_id, status, draw_id, created_at, updated_at)
         VALUES ($1, $2, 'assigned', NULL, $3, $3)
         ON CONFLICT (proposal_id, reviewer_id) DO UPDATE SET status = 'assigned', updated_at = excluded.updated_at
         WHERE assignments.status <> 'assigned'",
    )
    .bind(p.id)
    .bind(r.id)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ReviewError::AlreadyAssigned {
            reviewer: r.name,
            reference: p.reference,
        }
        .into());
    }
    audit::record(
        &mut tx,
        stamp,
        Change::new("assignment", format!("{}/{}", p.reference, r.id), "assign")
            .after(&"assigned")?,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a reviewer off a proposal (recorded as removed or declined; nothing is deleted),
/// while the call is under review.
pub async fn release_reviewer(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    reviewer_id: i64,
    declined: bool,
) -> Result<(), Error> {
    let mut tx = begin_write(pool).await?;
    release_on(&mut tx, stamp, call_code, reference, reviewer_id, declined).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn release_on(
    tx: &mut crate::db::Tx,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    reviewer_id: i64,
    declined: bool,
) -> Result<(), Error> {
    let call = call::store_get_on(&mut *tx, call_code).await?;
    closed(&call)?;
    let p = proposal_facts(&mut *tx, &call, reference).await?;
    let (reviewed,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM reviews WHERE proposal_id = $1 AND reviewer_id = $2",
    )
    .bind(p.id)
    .bind(reviewer_id)
    .fetch_one(&mut *tx)
    .await?;
    if reviewed > 0 {
        return Err(ReviewError::AlreadyReviewed {
            reviewer: reviewer_id,
            reference: p.reference,
        }
        .into());
    }
    let status = if declined { "declined" } else { "removed" };
    let done = crate::db::query(
        "UPDATE assignments SET status = $3, updated_at = $4 WHERE proposal_id = $1 AND reviewer_id = $2 AND status = 'assigned'",
    )
    .bind(p.id)
    .bind(reviewer_id)
    .bind(status)
    .bind(stamp.at_text())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ReviewError::NotAssigned {
            reviewer: reviewer_id,
            reference: p.reference,
        }
        .into());
    }
    audit::record(
        &mut *tx,
        stamp,
        Change::new(
            "assignment",
            format!("{}/{}", p.reference, reviewer_id),
            status,
        )
        .before(&"assigned")?
        .after(&status)?,
    )
    .await?;
    Ok(())
}

/// Enters (or replaces) a review. Refused: a reviewer not assigned to the proposal, a
/// conflicted reviewer (the refusal is audited), missing or out-of-range scores.
pub async fn enter_review(pool: &Pool, stamp: &Stamp, form: &ReviewForm) -> Result<(), Error> {
    let mut tx = begin_write(pool).await?;
    match enter_review_on(&mut tx, stamp, form).await? {
        Outcome::Done => {
            tx.commit().await?;
            Ok(())
        }
        Outcome::Conflict(r, p, why) => {
            drop(tx);
            Err(refuse_conflict(pool, stamp, &r, &p, why, "score").await)
        }
    }
}

enum Outcome {
    Done,
    Conflict(Box<Reviewer>, Box<Facts>, Msg),
}

async fn enter_review_on(
    tx: &mut crate::db::Tx,
    stamp: &Stamp,
    form: &ReviewForm,
) -> Result<Outcome, Error> {
    let reviewer_id: i64 = form
        .reviewer
        .as_str()
        .trim_start_matches(['R', 'r'])
        .parse()
        .map_err(|_| {
            ReviewError::Invalid(vec![Invalid::new(
                "reviewer",
                "reviewer_unknown",
                format!("“{}”不是评审专家编号", form.reviewer.as_str()),
                format!("\"{}\" is not a reviewer number", form.reviewer.as_str()),
            )])
        })?;
    let call = call::store_get_on(tx, form.call.as_str()).await?;
    closed(&call)?;
    let p = proposal_facts(tx, &call, form.reference.as_str()).await?;
    let r = pool::get_on(tx, reviewer_id).await?;
    if let Some(why) = conflicts(tx, std::slice::from_ref(&r), std::slice::from_ref(&p))
        .await?
        .remove(&(r.id, p.id))
    {
        return Ok(Outcome::Conflict(Box::new(r), Box::new(p), why));
    }
    let (assigned,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM assignments WHERE proposal_id = $1 AND reviewer_id = $2 AND status = 'assigned'",
    )
    .bind(p.id)
    .bind(r.id)
    .fetch_one(&mut *tx)
    .await?;
    if assigned == 0 {
        return Err(ReviewError::NotAssigned {
            reviewer: r.id,
            reference: p.reference,
        }
        .into());
    }
    let scores = check_scores(&call, form)?;
    let recommendation = Recommendation::parse(form.recommendation.as_str()).ok_or_else(|| {
        ReviewError::Invalid(vec![Invalid::new(
            "recommendation",
            "recommendation_unknown",
            "评审建议应为 fund（建议资助）、fund_if_budget（经费允许时资助）或 do_not_fund（不建议资助）",
            "the recommendation must be fund, fund_if_budget or do_not_fund",
        )])
    })?;
    let at = stamp.at_text();
    let before: Option<(String, String)> = crate::db::query_as(
        "SELECT recommendation, comment FROM reviews WHERE proposal_id = $1 AND reviewer_id = $2",
    )
    .bind(p.id)
    .bind(r.id)
    .fetch_optional(&mut *tx)
    .await?;
    crate::db::query("DELETE FROM review_scores WHERE proposal_id = $1 AND reviewer_id = $2")
        .bind(p.id)
        .bind(r.id)
        .execute(&mut *tx)
        .await?;
    crate::db::query(
        "INSERT INTO reviews (proposal_id, reviewer_id, recommendation, comment, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (proposal_id, reviewer_id) DO UPDATE SET recommendation = excluded.recommendation,
            comment = excluded.comment, updated_at = excluded.updated_at",
    )
    .bind(p.id)
    .bind(r.id)
    .bind(recommendation.as_str())
    .bind(form.comment.as_str())
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    for (key, score) in &scores {
        crate::db::query("INSERT INTO review_scores (proposal_id, reviewer_id, criterion, score) VALUES ($1, $2, $3, $4)")
            .bind(p.id)
            .bind(r.id)
            .bind(key)
            .bind(score.map(i64::from))
            .execute(&mut *tx)
            .await?;
    }
    #[derive(Serialize)]
    struct Entered<'a> {
        scores: &'a [(String, Option<u32>)],
        recommendation: Recommendation,
        comment: &'a str,
    }
    let change = Change::new(
        "review",
        format!("{}/{}", p.reference, r.id),
        if before.is_some() { "update" } else { "create" },
    );
    let change = match &before {
        Some(b) => change.before(b)?,
        None => change,
    };
    audit::record(
        tx,
        stamp,
        change.after(&Entered {
            scores: &scores,
            recommendation,
            comment: form.comment.as_str(),
        })?,
    )
    .await?;
    Ok(Outcome::Done)
}

/// Imports score sheets: every row is checked and entered in one transaction; if any row is
/// refused, nothing is written and every refused row is reported with its number (a conflict
/// of interest is also written to the audit log as a refusal). A dry run checks the same way
/// and writes nothing at all, not even the refusals.
pub async fn import_reviews(
    pool: &Pool,
    stamp: &Stamp,
    rows: &[(usize, ReviewForm)],
    dry_run: bool,
) -> Result<usize, Error> {
    let mut tx = begin_write(pool).await?;
    let mut refused: Vec<(usize, Msg)> = Vec::new();
    let mut conflicts_found = Vec::new();
    for (row, form) in rows {
        match enter_review_on(&mut tx, stamp, form).await {
            Ok(Outcome::Done) => {}
            Ok(Outcome::Conflict(r, p, why)) => {
                refused.push((
                    *row,
                    Msg::new(
                        format!("{} 须回避 {}：{}", r.name, p.reference, why.zh),
                        format!("{} may not review {}: {}", r.name, p.reference, why.en),
                    ),
                ));
                conflicts_found.push((r, p, why));
            }
            Err(e) => refused.push((
                *row,
                Msg::new(
                    crate::error::Coded::message(&e, crate::lang::Lang::Zh),
                    crate::error::Coded::message(&e, crate::lang::Lang::En),
                ),
            )),
        }
    }
    if dry_run {
        tx.rollback().await?;
        return if refused.is_empty() {
            Ok(rows.len())
        } else {
            Err(ReviewError::Rows(refused).into())
        };
    }
    if refused.is_empty() {
        tx.commit().await?;
        return Ok(rows.len());
    }
    drop(tx);
    for (r, p, why) in conflicts_found {
        if let e @ Error::Store(_) = refuse_conflict(pool, stamp, &r, &p, why, "import").await {
            return Err(e);
        }
    }
    Err(ReviewError::Rows(refused).into())
}

/// A score sheet of a call (read from CSV or XLSX), all rows or none; with `dry_run` every
/// row is checked and nothing written. What both front ends call.
pub async fn import_score_sheet(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    sheet: &crate::import::Sheet,
    dry_run: bool,
) -> Result<usize, Error> {
    let c = call::get(pool, call_code).await?;
    let rows = super::sheet::score_sheet(sheet, c.spec.code.as_str(), &c.spec)?;
    import_reviews(pool, stamp, &rows, dry_run).await
}

/// Every complete review of these eligible proposals of a call, as ranking needs it.
async fn review_inputs_of(
    conn: &mut crate::db::Tx,
    call: &Call,
    proposals: &[Facts],
) -> Result<Vec<ReviewInput>, Error> {
    // Only reviews of current assignments count: a recused one (conflict found late) never.
    // A national call has half a million reviews of four scores each: they come back as one
    // JSON value (see `crate::db::json_rows`).
    const FROM: &str = " FROM review_scores s
         JOIN proposals p ON p.id = s.proposal_id
         JOIN assignments g ON g.proposal_id = s.proposal_id AND g.reviewer_id = s.reviewer_id
         WHERE p.call_id = $1 AND p.status = 'eligible' AND g.status = 'assigned'";
    let (json,): (Option<String>,) = crate::db::query_as(crate::db::Sql::per_backend(
        format!(
            "SELECT json_group_array(json_array(s.proposal_id, s.reviewer_id, s.criterion, s.score)){FROM}"
        ),
        format!(
            "SELECT CAST(json_agg(json_build_array(s.proposal_id, s.reviewer_id, s.criterion, s.score)) AS TEXT){FROM}"
        ),
    ))
    .bind(call.id)
    .fetch_one(&mut *conn)
    .await?;
    // And, whatever the assignments say, never a pair that a conflict forbids now.
    let reviewers = pool::all_on(conn).await?;
    let conflicted = conflicts(conn, &reviewers, proposals).await?;
    let rubric = weights(call);
    let position: HashMap<&str, usize> = call
        .spec
        .rubric
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    // Each review's scores in the rubric's order, in one buffer (`n` a review), folded in as
    // they are parsed: collected first, the rows of a national call took 80 MB more.
    let n = rubric.len();
    let mut at: HashMap<(i64, i64), usize> = HashMap::new();
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    let mut scores: Vec<Option<u32>> = Vec::new();
    crate::db::json_each(
        json.as_deref(),
        "review_scores",
        call.spec.code.as_str(),
        |Score(proposal, reviewer, criterion, score)| {
            if conflicted.contains_key(&(reviewer, proposal)) {
                return;
            }
            let k = *at.entry((proposal, reviewer)).or_insert_with(|| {
                pairs.push((proposal, reviewer));
                scores.extend(std::iter::repeat_n(None, n));
                pairs.len() - 1
            });
            if let Some(&i) = position.get(criterion.as_ref()) {
                scores[k * n + i] = score.and_then(|v| u32::try_from(v).ok());
            }
        },
    )?;
    drop(json);
    // The reviews in (proposal, reviewer) order.
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_unstable_by_key(|&k| pairs[k]);
    Ok(order
        .into_iter()
        .filter_map(|k| {
            let (proposal, reviewer) = pairs[k];
            ranking::weighted_score(&rubric, &scores[k * n..(k + 1) * n]).map(|weighted| {
                ReviewInput {
                    proposal,
                    reviewer,
                    weighted,
                }
            })
        })
        .collect())
}

/// One score of a review as the ranking reads it: proposal, reviewer, criterion, score (`None`:
/// n/a). The criterion borrows from the text read.
#[derive(serde::Deserialize)]
struct Score<'a>(
    i64,
    i64,
    #[serde(borrow)] std::borrow::Cow<'a, str>,
    Option<i64>,
);

/// The call's disagreement threshold on the 0–100 scale of the weighted scores.
pub(crate) fn disagreement_threshold(call: &Call) -> f64 {
    f64::from(call.spec.disagreement_threshold.basis_points()) / 100.0
}

/// The ranking of a call's reviewed proposals by the chosen aggregate.
pub async fn ranking(
    pool: &Pool,
    call_code: &str,
    order: Aggregate,
) -> Result<Vec<RankRow>, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let (proposals, ranked) = ranked_on(&mut conn, &call, order).await?;
    let by_id: HashMap<i64, &Facts> = proposals.iter().map(|p| (p.id, p)).collect();
    ranked
        .into_iter()
        .filter_map(|f| {
            by_id.get(&f.proposal).map(|p| {
                Ok(RankRow {
                    reference: p.reference.clone(),
                    title: p.title.clone(),
                    topic: p.topic.clone(),
                    requested: Money::from_fen(p.requested_fen)?,
                    figures: f,
                })
            })
        })
        .collect()
}

/// The call's eligible proposals and the figures of those reviewed, in the order of the
/// ranking by `order`.
pub(super) async fn ranked_on(
    conn: &mut crate::db::Tx,
    call: &Call,
    order: Aggregate,
) -> Result<(Vec<Facts>, Vec<ranking::Ranked>), Error> {
    let proposals = eligible_proposals(conn, call).await?;
    let inputs = review_inputs_of(conn, call, &proposals).await?;
    let ranked = ranking::rank(&inputs, disagreement_threshold(call), order);
    Ok((proposals, ranked))
}

/// The call's eligible proposals, and every review of them that counts, as ranking needs
/// them.
pub(super) async fn counted_reviews_on(
    conn: &mut crate::db::Tx,
    call: &Call,
) -> Result<(Vec<Facts>, Vec<ReviewInput>), Error> {
    let proposals = eligible_proposals(conn, call).await?;
    let inputs = review_inputs_of(conn, call, &proposals).await?;
    Ok((proposals, inputs))
}
