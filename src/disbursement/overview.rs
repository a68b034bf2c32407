//! A call's finance page (经费拨付) in one read: its ledger, its cash-flow plan, the awards
//! that need an officer's attention (holds, overdue items, flags, adjustments waiting for
//! approval, close-outs due) first, and its payment batches.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::batch::{BatchSummary, batches};
use super::ledger::{CallLedger, CashFlow, Period};
use super::reports::{self, Scope};
use super::spending::AdjustmentStatus;
use super::store::{
    AwardFinance, assemble, heads_of_call, milestone_from, milestone_rows, money, tranche_rows_of,
};
use super::{MilestoneKind, Outcome, TrancheStatus, cash_flow, ledger};
use crate::decision::AwardStatus;
use crate::error::{Error, Msg};
use crate::store::Pool;

/// An award that needs looking at, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    pub number: String,
    pub applicant: String,
    pub status: AwardStatus,
    pub suspended: bool,
    /// Payments are held (a hold is among the items).
    pub held: bool,
    pub items: Vec<Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallFinance {
    pub call: String,
    pub today: NaiveDate,
    pub ledger: CallLedger,
    /// The plan grouped as asked.
    pub cash: CashFlow,
    /// The plan by month, for the cumulative chart over the awards' months.
    pub monthly: CashFlow,
    /// Held awards first, then the others with something to do.
    pub attention: Vec<Attention>,
    pub batches: Vec<BatchSummary>,
    /// Approved payments in no batch yet.
    pub unbatched: usize,
}

/// Every award of a call as its page shows it on `today`, read in one pass per table. The
/// payment lists are left out (empty): the totals the database keeps stand for them in the
/// ledgers. Everything else is what [`super::award_finance`] gives award by award.
pub async fn award_finances(
    pool: &Pool,
    call: &str,
    today: NaiveDate,
) -> Result<Vec<AwardFinance>, Error> {
    let mut out = Vec::new();
    let mut conn = pool.read().await?;
    // Every award's facts in one read per table, then each award's page assembled from them
    // (its payment list left out: the totals the database keeps stand for it).
    let call_id = crate::call::store_get_on(&mut conn, call).await?.id;
    let scope = Scope::Call(call_id);
    let mut milestones = milestone_rows(&mut conn, scope).await?;
    let mut tranches = tranche_rows_of(&mut conn, scope).await?;
    let mut budgets = reports::budgets(&mut conn, scope).await?;
    let mut adjustments = reports::adjustments(&mut conn, scope).await?;
    let mut reps = reports::reports(&mut conn, scope).await?;
    let mut closeouts = reports::closeouts(&mut conn, scope).await?;
    let recovered: HashMap<i64, i64> = crate::db::query_as(
        "SELECT s.award_id, s.recovered_fen FROM award_totals s JOIN awards w ON w.id = s.award_id
         WHERE w.call_id = $1",
    )
    .bind(call_id)
    .fetch_all(&mut conn)
    .await?
    .into_iter()
    .collect();
    for h in heads_of_call(&mut conn, call_id).await? {
        let ms = milestones
            .remove(&h.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| milestone_from(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        let spending = reports::spending_from(
            &h,
            &ms,
            budgets.remove(&h.id).unwrap_or_default(),
            adjustments.remove(&h.id).unwrap_or_default(),
            reps.remove(&h.id).unwrap_or_default(),
            today,
        );
        let back = money(
            "award_totals",
            h.id,
            recovered.get(&h.id).copied().unwrap_or(0),
        )?;
        out.push(assemble(
            &h,
            ms,
            tranches.remove(&h.id).unwrap_or_default(),
            Vec::new(),
            back,
            spending,
            closeouts.remove(&h.id),
            today,
        )?);
    }
    Ok(out)
}

/// The call's finances on `today`, its plan grouped `by` month, quarter or year.
pub async fn call_finance(
    pool: &Pool,
    call: &str,
    by: Period,
    today: NaiveDate,
) -> Result<CallFinance, Error> {
    let l = ledger(pool, call).await?;
    let cash = cash_flow(pool, call, by).await?;
    let monthly = if by == Period::Month {
        cash.clone()
    } else {
        cash_flow(pool, call, Period::Month).await?
    };
    let mut attention = Vec::new();
    for f in award_finances(pool, call, today).await? {
        let mut items: Vec<Msg> = f.holds.clone();
        let held = !items.is_empty() && f.closeout.is_none();
        for t in f
            .tranches
            .iter()
            .filter(|t| t.overdue && t.blocked.is_empty())
        {
            items.push(Msg::new(
                format!(
                    "第 {} 笔 {} 应于 {} 拨付，尚可审批",
                    t.seq,
                    t.open.format_yuan(),
                    t.due_on
                ),
                format!(
                    "tranche {}: {} was due on {} and may be approved",
                    t.seq,
                    t.open.format_yuan(),
                    t.due_on
                ),
            ));
        }
        items.extend(f.spending.flags.iter().cloned());
        for adj in f
            .spending
            .adjustments
            .iter()
            .filter(|x| x.status == AdjustmentStatus::Requested)
        {
            items.push(Msg::new(
                format!(
                    "预算调剂 #{} 待审批（{} 调入{}）",
                    adj.id,
                    adj.amount.format_yuan(),
                    adj.to.label(crate::Lang::Zh)
                ),
                format!(
                    "adjustment #{} awaits approval ({} into {})",
                    adj.id,
                    adj.amount.format_yuan(),
                    adj.to.label(crate::Lang::En)
                ),
            ));
        }
        let decided_acceptance = f.milestones.iter().any(|m| {
            m.kind == MilestoneKind::Acceptance
                && m.outcome.is_some_and(|o| o != Outcome::Conditional)
        });
        if f.closeout.is_none()
            && (f.status == AwardStatus::Terminated || f.suspended || decided_acceptance)
        {
            items.push(Msg::new("待办理结题", "close-out is due"));
        }
        let pending = f
            .tranches
            .iter()
            .filter(|t| t.status == TrancheStatus::Approved)
            .count();
        if pending > 0 {
            items.push(Msg::new(
                format!("{pending} 笔已审批，待支付"),
                format!("{pending} approved, waiting to be paid"),
            ));
        }
        if !items.is_empty() {
            attention.push(Attention {
                number: f.number.clone(),
                applicant: f.applicant.clone(),
                status: f.status,
                suspended: f.suspended,
                held,
                items,
            });
        }
    }
    attention.sort_by_key(|a| (!a.suspended, !a.held));
    let (unbatched,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM payments p JOIN awards w ON w.id = p.award_id
         JOIN calls c ON c.id = w.call_id
         WHERE c.code = $1 AND p.status = 'approved' AND p.batch_id IS NULL",
    )
    .bind(call.trim())
    .fetch_one(pool)
    .await?;
    Ok(CallFinance {
        call: l.call.clone(),
        today,
        cash,
        monthly,
        batches: batches(pool, call).await?,
        ledger: l,
        attention,
        unbatched: usize::try_from(unbatched).unwrap_or_default(),
    })
}
