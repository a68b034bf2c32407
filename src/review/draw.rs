//! The reviewer draw (专家抽取): reviewers for every eligible proposal of a closed call,
//! seeded and recorded, and the top-up after a reviewer declines.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::ReviewError;
use super::assignment::{self, Expert, Slot};
use super::pool::{self, Reviewer};
use super::score::closed;
use super::store::{Facts, assigned_pairs, conflicts, eligible_proposals, release_on};
use super::view::{DrawReport, Short, short_message};
use crate::audit::{self, Change};
use crate::call;
use crate::error::{Error, Invalid};
use crate::store::{Pool, Stamp, begin_write};

/// Draws reviewers for every eligible proposal of a closed call: the call's minimum number
/// each (existing assignments count), matching topics, never conflicted, at most `cap`
/// proposals per reviewer in this call. The seed is recorded with the draw.
pub async fn assign(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    seed: Option<u64>,
    cap: u32,
) -> Result<DrawReport, Error> {
    if cap == 0 {
        return Err(ReviewError::Invalid(vec![Invalid::new(
            "cap",
            "out_of_range",
            "每位专家的评审上限至少为 1",
            "the per-reviewer cap must be at least 1",
        )])
        .into());
    }
    let mut tx = begin_write(pool).await?;
    // A national call's draw writes half a million assignments with their audit entries.
    tx.widen_cache().await?;
    let report = assign_on(&mut tx, stamp, call_code, seed, cap).await?;
    tx.commit().await?;
    Ok(report)
}

/// The draw, in the caller's write transaction.
pub(super) async fn assign_on(
    tx: &mut crate::db::Tx,
    stamp: &Stamp,
    call_code: &str,
    seed: Option<u64>,
    cap: u32,
) -> Result<DrawReport, Error> {
    let seed = seed.unwrap_or_else(|| stamp.at.timestamp_nanos_opt().unwrap_or_default() as u64);
    let call = call::store_get_on(&mut *tx, call_code).await?;
    closed(&call)?;
    let proposals = eligible_proposals(&mut *tx, &call).await?;
    let reviewers: Vec<Reviewer> = pool::all_on(&mut *tx)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .collect();
    let conflicted = conflicts(&mut *tx, &reviewers, &proposals).await?;
    let existing = assigned_pairs(&mut *tx, &call).await?;
    let mut load: HashMap<i64, u32> = HashMap::new();
    let mut on: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(p, r) in &existing {
        *load.entry(r).or_default() += 1;
        on.entry(p).or_default().push(r);
    }
    let slots: Vec<Slot> = proposals
        .iter()
        .map(|p| Slot {
            proposal: p.id,
            topic: p.topic.clone(),
            existing: on.remove(&p.id).unwrap_or_default(),
        })
        .collect();
    let experts: Vec<Expert> = reviewers
        .iter()
        .map(|r| Expert {
            reviewer: r.id,
            topics: r.topics.clone(),
            load: load.get(&r.id).copied().unwrap_or(0),
        })
        .collect();
    // Conflicts, and reviewers who declined or were taken off a proposal, are never drawn for it.
    let left: Vec<(i64, i64)> = crate::db::query_as(
        "SELECT s.reviewer_id, s.proposal_id FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         WHERE p.call_id = $1 AND s.status IN ('declined', 'removed')",
    )
    .bind(call.id)
    .fetch_all(&mut *tx)
    .await?;
    let pairs: HashSet<(i64, i64)> = conflicted.keys().copied().chain(left).collect();
    let need = call.spec.min_reviewers;
    let d = assignment::draw(&slots, &experts, &pairs, need, cap, seed);

    let at = stamp.at_text();
    let (draw_id,): (i64,) = crate::db::query_as(
        "INSERT INTO draws (call_id, seed, need, cap, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(call.id)
    .bind(seed.to_string())
    .bind(i64::from(need))
    .bind(i64::from(cap))
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    // Never a pair already in `assignments`: those assigned are on their proposal, those
    // declined or removed are barred above. Rows in bulk: a national round draws 500,000.
    for chunk in d.assigned.chunks(tx.rows_per_write(400)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|&(p, r)| {
                vec![
                    crate::db::Arg::from(p),
                    crate::db::Arg::from(r),
                    crate::db::Arg::from("assigned"),
                    crate::db::Arg::from(draw_id),
                    crate::db::Arg::from(&at),
                    crate::db::Arg::from(&at),
                ]
            })
            .collect();
        crate::db::insert_rows(
            &mut *tx,
            "INSERT INTO assignments (proposal_id, reviewer_id, status, draw_id, created_at, updated_at) ",
            rows,
        )
        .await?;
    }
    let reference: HashMap<i64, &Facts> = proposals.iter().map(|p| (p.id, p)).collect();
    // Recusals: reviewers who know the topic but were kept off for a conflict.
    let mut recusals: Vec<(String, i64, String)> = Vec::new();
    for (&(r, p), why) in &conflicted {
        let knows = reviewers.iter().any(|x| {
            x.id == r
                && reference
                    .get(&p)
                    .is_some_and(|f| x.topics.contains(&f.topic))
        });
        if knows && let Some(f) = reference.get(&p) {
            recusals.push((f.reference.clone(), r, why.zh.clone()));
        }
    }
    recusals.sort();
    let short: Vec<Short> = d
        .short
        .iter()
        .filter_map(|s| {
            reference.get(&s.proposal).map(|f| Short {
                reference: f.reference.clone(),
                missing: s.missing,
                reason: s.reason,
                message: short_message(s.reason, &f.topic),
            })
        })
        .collect();
    #[derive(Serialize)]
    struct DrawEntry<'a> {
        seed: String,
        need: u32,
        cap: u32,
        assigned: Vec<(&'a str, i64)>,
        recusals: &'a [(String, i64, String)],
        short: &'a [Short],
    }
    let entry = DrawEntry {
        seed: seed.to_string(),
        need,
        cap,
        assigned: d
            .assigned
            .iter()
            .filter_map(|(p, r)| reference.get(p).map(|f| (f.reference.as_str(), *r)))
            .collect(),
        recusals: &recusals,
        short: &short,
    };
    audit::record(
        &mut *tx,
        stamp,
        Change::new("draw", draw_id, "create").after(&entry)?,
    )
    .await?;
    Ok(DrawReport {
        call: call.spec.code.to_string(),
        draw: draw_id,
        seed,
        need,
        cap,
        assigned: d.assigned.len(),
        recusals: recusals.len(),
        short,
    })
}

/// A declined reviewer leaves the proposal (recorded as declined) and a new draw, with the
/// cap of the call's last draw, gives the proposal — and any other one short — a replacement.
/// One transaction: the release is never saved without its redraw.
pub async fn decline(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    reviewer_id: i64,
) -> Result<DrawReport, Error> {
    let mut tx = begin_write(pool).await?;
    release_on(&mut tx, stamp, call_code, reference, reviewer_id, true).await?;
    let last: Option<(i64,)> = crate::db::query_as(
        "SELECT d.cap FROM draws d JOIN calls c ON c.id = d.call_id WHERE c.code = $1 ORDER BY d.id DESC LIMIT 1",
    )
    .bind(call_code.trim().to_ascii_uppercase())
    .fetch_optional(&mut tx)
    .await?;
    let cap = last.map_or(super::DEFAULT_DRAW_CAP, |(c,)| {
        u32::try_from(c).unwrap_or(super::DEFAULT_DRAW_CAP)
    });
    let report = assign_on(&mut tx, stamp, call_code, None, cap).await?;
    tx.commit().await?;
    Ok(report)
}
