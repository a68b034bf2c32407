//! A call's finance page (经费拨付) in one read: its ledger, its cash-flow plan, the awards
//! that need an officer's attention (holds, overdue items, flags, adjustments waiting for
//! approval, close-outs due) first, and its payment batches.

use chrono::NaiveDate;
use serde::Serialize;

use super::batch::{BatchSummary, batches};
use super::ledger::{CallLedger, CashFlow, Period};
use super::spending::AdjustmentStatus;
use super::store::{finance, head};
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
    let mut conn = pool.acquire().await?;
    for a in &l.awards {
        let h = head(&mut conn, &a.number).await?;
        let f = finance(&mut conn, &h, today).await?;
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
    drop(conn);
    attention.sort_by_key(|a| (!a.suspended, !a.held));
    let (unbatched,): (i64,) = sqlx::query_as(
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
