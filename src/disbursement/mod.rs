//! Disbursements (经费拨付): the second half of an award's life. When awards are issued each
//! gets its milestones (signing of the task book, mid-term review, final acceptance) and its
//! schedule of tranches from the call's template; officers then record milestone outcomes,
//! approve and pay tranches, recover money (clawbacks), and read ledgers and the cash-flow
//! plan that reconcile to the fen.
//!
//! Read from here down: the milestone and payment types and their pure rules (gates, holds,
//! the payment lifecycle) are in this file; [`schedule`] plans and reshapes a schedule;
//! [`ledger`] sums awards and calls and plans cash flow; [`store`] holds the SQL and the use
//! cases, each one transaction with its audit entry.
//!
//! Every rule that depends on the date takes it as an argument (`today`), never from the
//! clock, so tests can move time.

pub mod batch;
pub mod bench;
mod error;
pub mod form;
pub mod ledger;
pub mod overview;
mod reports;
pub mod schedule;
pub mod sheets;
pub mod spending;
pub(crate) mod store;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::call::Milestone as TemplateMilestone;
use crate::error::Msg;
use crate::lang::Lang;
use crate::money::Money;

pub use batch::{
    Batch, BatchForm, BatchPaidForm, BatchRow, BatchSummary, batch, batch_file, batch_paid,
    batches, create_batch,
};
pub use error::DisbursementError;
pub use form::{
    AdjustDecisionForm, AdjustForm, ApproveForm, ClawbackForm, CloseoutForm, EditForm, LineForm,
    MilestoneForm, MoveMilestoneForm, OutcomeForm, PaidForm, ReportForm,
};
pub use ledger::{AwardLedger, CallLedger, CashFlow, CashRow, Period};
pub use overview::{Attention, CallFinance, award_finances, call_finance};
pub use reports::{adjust, closeout, decide_adjustment, report, unspent_words};
pub use store::{
    AwardFinance, add_milestone, again, approve, award_finance, award_finance_in_call, backfill,
    cancel, cash_flow, clawback, edit_schedule, failed, ledger, move_milestone, paid,
    record_outcome,
};

/// Which milestone: the three every award has, or one an officer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// 签订任务书
    Signing,
    /// 中期检查
    Midterm,
    /// 结题验收
    Acceptance,
    /// 其他节点
    Extra,
}

impl MilestoneKind {
    pub const ALL: [MilestoneKind; 4] = [
        MilestoneKind::Signing,
        MilestoneKind::Midterm,
        MilestoneKind::Acceptance,
        MilestoneKind::Extra,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::Signing => "signing",
            MilestoneKind::Midterm => "midterm",
            MilestoneKind::Acceptance => "acceptance",
            MilestoneKind::Extra => "extra",
        }
    }

    pub fn parse(s: &str) -> Option<MilestoneKind> {
        MilestoneKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MilestoneKind::Signing => lang.pick("签订任务书", "signing of the task book"),
            MilestoneKind::Midterm => lang.pick("中期检查", "mid-term review"),
            MilestoneKind::Acceptance => lang.pick("结题验收", "final acceptance"),
            MilestoneKind::Extra => lang.pick("其他节点", "other milestone"),
        }
    }
}

impl From<TemplateMilestone> for MilestoneKind {
    fn from(m: TemplateMilestone) -> Self {
        match m {
            TemplateMilestone::Signing => MilestoneKind::Signing,
            TemplateMilestone::Midterm => MilestoneKind::Midterm,
            TemplateMilestone::Acceptance => MilestoneKind::Acceptance,
        }
    }
}

/// `d` plus `months` months; the last day of a month stays the last day (2029-02-28 + 3 →
/// 2029-05-31), other days are kept or clamped to the month's end.
pub fn add_months(d: NaiveDate, months: u32) -> Option<NaiveDate> {
    use chrono::Months;
    let last_of_month = d.succ_opt().is_some_and(|n| n.day0() == 0);
    if last_of_month {
        d.succ_opt()?
            .checked_add_months(Months::new(months))?
            .pred_opt()
    } else {
        d.checked_add_months(Months::new(months))
    }
}

/// How many months after the award's end its final acceptance is due (结题验收 is applied
/// for within three months of the end of the project period).
pub const ACCEPTANCE_MONTHS_AFTER_END: u32 = 3;

/// When each of an award's milestones falls due: the task book is signed by the start, the
/// mid-term review falls halfway (month 12 of 24), the acceptance
/// [`ACCEPTANCE_MONTHS_AFTER_END`] months after the last day.
pub fn milestone_due(
    kind: MilestoneKind,
    start: NaiveDate,
    end: NaiveDate,
    months: u32,
) -> NaiveDate {
    use chrono::Months;
    match kind {
        MilestoneKind::Signing | MilestoneKind::Extra => start,
        MilestoneKind::Midterm => start
            .checked_add_months(Months::new(months.div_ceil(2)))
            .unwrap_or(end),
        MilestoneKind::Acceptance => add_months(end, ACCEPTANCE_MONTHS_AFTER_END).unwrap_or(end),
    }
}

/// The outcome of a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 通过
    Passed,
    /// 通过，限期整改: the conditions must be met by a date; until then the gate stays shut.
    Conditional,
    /// 不通过: the award is suspended.
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Passed, Outcome::Conditional, Outcome::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Conditional => "conditional",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim() {
            "passed" | "通过" => Some(Outcome::Passed),
            "conditional" | "限期整改" => Some(Outcome::Conditional),
            "failed" | "不通过" => Some(Outcome::Failed),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Outcome::Passed => lang.pick("通过", "passed"),
            Outcome::Conditional => lang.pick("限期整改", "passed with conditions"),
            Outcome::Failed => lang.pick("不通过", "failed"),
        }
    }

    /// Passed and failed are final; conditions met or not are recorded as a second outcome.
    pub fn may_follow(prior: Option<Outcome>) -> bool {
        matches!(prior, None | Some(Outcome::Conditional))
    }

    /// What may be recorded after `prior`: anything at first; after a conditional pass only
    /// whether the conditions were met (passed) or not (failed) — never a new deadline.
    pub fn next(prior: Option<Outcome>) -> Vec<Outcome> {
        match prior {
            None => Outcome::ALL.to_vec(),
            Some(Outcome::Conditional) => vec![Outcome::Passed, Outcome::Failed],
            Some(_) => Vec::new(),
        }
    }
}

/// One milestone of an award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub id: i64,
    pub kind: MilestoneKind,
    /// The officer's name for an added milestone; empty for the standard ones.
    pub name: String,
    pub due_on: NaiveDate,
    pub outcome: Option<Outcome>,
    pub decided_on: Option<NaiveDate>,
    pub rectify_by: Option<NaiveDate>,
    pub note: String,
    /// Past its date (or its conditions past theirs) and not decided, on the day asked about.
    pub overdue: bool,
    /// What an officer may record next (empty once decided for good).
    pub outcomes: Vec<Outcome>,
}

impl Milestone {
    /// Its name in both languages: the officer's own for an added one.
    pub fn title(&self) -> Msg {
        if self.kind == MilestoneKind::Extra && !self.name.is_empty() {
            Msg::new(self.name.clone(), self.name.clone())
        } else {
            Msg::new(self.kind.label(Lang::Zh), self.kind.label(Lang::En))
        }
    }

    pub fn passed(&self) -> bool {
        self.outcome == Some(Outcome::Passed)
    }

    /// Undecided past its due date, or passed with conditions not met by their date.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        match self.outcome {
            None => self.due_on < today,
            Some(Outcome::Conditional) => self.rectify_by.is_some_and(|d| d < today),
            _ => false,
        }
    }
}

/// Payments and clawbacks share one ledger of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// 拨款
    Payment,
    /// 收回: recorded as a negative entry.
    Clawback,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Payment => "payment",
            PaymentKind::Clawback => "clawback",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentKind> {
        match s {
            "payment" => Some(PaymentKind::Payment),
            "clawback" => Some(PaymentKind::Clawback),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// 已审批
    Approved,
    /// 已支付
    Paid,
    /// 支付失败
    Failed,
    /// 已撤销
    Cancelled,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] = [
        PaymentStatus::Approved,
        PaymentStatus::Paid,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Approved => "approved",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PaymentStatus::Approved => lang.pick("已审批", "approved"),
            PaymentStatus::Paid => lang.pick("已支付", "paid"),
            PaymentStatus::Failed => lang.pick("支付失败", "payment failed"),
            PaymentStatus::Cancelled => lang.pick("已撤销", "cancelled"),
        }
    }

    /// approved → paid | failed | cancelled; failed → approved (again) | cancelled. Paid and
    /// cancelled are final: a paid entry is corrected by a clawback, never changed.
    pub fn can_become(self, to: PaymentStatus) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, to),
            (Approved, Paid | Failed | Cancelled) | (Failed, Approved | Cancelled)
        )
    }

    pub fn next(self) -> Vec<PaymentStatus> {
        PaymentStatus::ALL
            .into_iter()
            .filter(|to| self.can_become(*to))
            .collect()
    }

    /// Whether the entry holds part of its tranche (approved money is spoken for).
    pub fn holds_money(self) -> bool {
        matches!(self, PaymentStatus::Approved | PaymentStatus::Paid)
    }
}

/// One entry of an award's payment ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: i64,
    pub award: String,
    /// The tranche's position in the schedule (a clawback has none).
    pub tranche: Option<u32>,
    pub kind: PaymentKind,
    /// Always positive; a clawback takes it back.
    pub amount: Money,
    pub status: PaymentStatus,
    pub approved_on: NaiveDate,
    pub approved_by: String,
    pub paid_on: Option<NaiveDate>,
    pub paid_by: Option<String>,
    pub bank_ref: String,
    pub reason: String,
    /// Where it may go next (for front ends to offer).
    pub next: Vec<PaymentStatus>,
}

/// Where a tranche stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrancheStatus {
    /// 待拨付
    Scheduled,
    /// 已审批: some of it approved, not yet paid.
    Approved,
    /// 部分拨付
    PartlyPaid,
    /// 已拨付
    Paid,
    /// 已释放: the award ended before it was paid; its money went back to the call.
    Released,
}

impl TrancheStatus {
    pub const ALL: [TrancheStatus; 5] = [
        TrancheStatus::Scheduled,
        TrancheStatus::Approved,
        TrancheStatus::PartlyPaid,
        TrancheStatus::Paid,
        TrancheStatus::Released,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrancheStatus::Scheduled => "scheduled",
            TrancheStatus::Approved => "approved",
            TrancheStatus::PartlyPaid => "partly_paid",
            TrancheStatus::Paid => "paid",
            TrancheStatus::Released => "released",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TrancheStatus::Scheduled => lang.pick("待拨付", "scheduled"),
            TrancheStatus::Approved => lang.pick("已审批", "approved"),
            TrancheStatus::PartlyPaid => lang.pick("部分拨付", "partly paid"),
            TrancheStatus::Paid => lang.pick("已拨付", "paid"),
            TrancheStatus::Released => lang.pick("已释放", "released"),
        }
    }
}

/// One tranche of an award's schedule, with what is approved and paid of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tranche {
    pub id: i64,
    /// Its position in the schedule, from 1 (what officers call it).
    pub seq: u32,
    pub amount: Money,
    pub due_on: NaiveDate,
    /// The milestone that must pass before it is approved.
    pub gate: Option<Gate>,
    pub released_on: Option<NaiveDate>,
    /// Approved and not yet paid.
    pub pending: Money,
    pub paid: Money,
    /// What may still be approved of it.
    pub open: Money,
    pub status: TrancheStatus,
    /// Due and not fully paid on the day asked about.
    pub overdue: bool,
    /// Payments or approvals hold it: it can no longer be reshaped.
    pub frozen: bool,
    /// Why it cannot be approved now, if it cannot (holds of the award and its own gate).
    pub blocked: Vec<Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gate {
    pub milestone: i64,
    pub title: Msg,
}

/// Why an award's payments are held: the award's own state or what it owes the agency.
/// Holds lift by themselves when their cause does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Hold {
    /// The task book is not signed (the award is only offered).
    NotSigned,
    /// The award is completed or terminated.
    Closed {
        status: crate::decision::AwardStatus,
    },
    /// A milestone failed: the award is suspended.
    Suspended { milestone: Msg, on: NaiveDate },
    /// A milestone is past its date and undecided.
    OverdueMilestone { milestone: Msg, due_on: NaiveDate },
    /// A milestone's conditions are past their date and not met.
    OverdueConditions {
        milestone: Msg,
        rectify_by: NaiveDate,
    },
    /// A spending report is past its date.
    OverdueReport {
        year: u32,
        is_final: bool,
        due_on: NaiveDate,
    },
}

impl Hold {
    pub fn texts(&self) -> Msg {
        match self {
            Hold::NotSigned => Msg::new(
                "任务书尚未签订（资助待接受）",
                "the task book is not signed yet (the award is only offered)",
            ),
            Hold::Closed { status } => Msg::new(
                format!("资助已{}", status.label(Lang::Zh).trim_start_matches('已')),
                format!("the award is {}", status.label(Lang::En)),
            ),
            Hold::Suspended { milestone, on } => Msg::new(
                format!("{}于 {on} 未通过，资助已暂停", milestone.zh),
                format!(
                    "the {} failed on {on}: the award is suspended",
                    milestone.en
                ),
            ),
            Hold::OverdueMilestone { milestone, due_on } => Msg::new(
                format!("{}应于 {due_on} 完成，已逾期", milestone.zh),
                format!("the {} was due on {due_on} and is overdue", milestone.en),
            ),
            Hold::OverdueConditions {
                milestone,
                rectify_by,
            } => Msg::new(
                format!("{}的整改期限 {rectify_by} 已过，整改尚未通过", milestone.zh),
                format!(
                    "the conditions of the {} were due by {rectify_by} and are not met",
                    milestone.en
                ),
            ),
            Hold::OverdueReport {
                year,
                is_final,
                due_on,
            } => {
                let (zh, en) = if *is_final {
                    (
                        "决算报告".to_string(),
                        "the final spending report".to_string(),
                    )
                } else {
                    (
                        format!("第 {year} 年度经费使用情况报告"),
                        format!("the spending report for year {year}"),
                    )
                };
                Msg::new(
                    format!("{zh}应于 {due_on} 提交，已逾期"),
                    format!("{en} was due on {due_on} and is overdue"),
                )
            }
        }
    }
}

/// What holds an award's payments on `today`: its status, a failed milestone, an overdue
/// milestone, overdue conditions or an overdue spending report. Empty when tranches may be
/// approved.
pub fn holds(
    status: crate::decision::AwardStatus,
    milestones: &[Milestone],
    reports: &[spending::ReportDue],
    today: NaiveDate,
) -> Vec<Hold> {
    use crate::decision::AwardStatus;
    let mut out = Vec::new();
    match status {
        AwardStatus::Offered => out.push(Hold::NotSigned),
        AwardStatus::Completed | AwardStatus::Terminated => out.push(Hold::Closed { status }),
        AwardStatus::Accepted | AwardStatus::Active => {}
    }
    for m in milestones {
        match (m.outcome, m.decided_on) {
            (Some(Outcome::Failed), Some(on)) => out.push(Hold::Suspended {
                milestone: m.title(),
                on,
            }),
            (Some(Outcome::Conditional), _) if m.overdue_on(today) => {
                out.push(Hold::OverdueConditions {
                    milestone: m.title(),
                    rectify_by: m.rectify_by.unwrap_or(m.due_on),
                })
            }
            (None, _) if m.overdue_on(today) => out.push(Hold::OverdueMilestone {
                milestone: m.title(),
                due_on: m.due_on,
            }),
            _ => {}
        }
    }
    for r in reports.iter().filter(|r| !r.submitted && r.due_on < today) {
        out.push(Hold::OverdueReport {
            year: r.year,
            is_final: r.is_final,
            due_on: r.due_on,
        });
    }
    out
}

/// Why a tranche's gate is shut, if it is: its milestone has not passed (undecided, passed
/// with conditions still open, or failed).
pub fn gate_shut(gate: &Milestone) -> Option<Msg> {
    let t = gate.title();
    match gate.outcome {
        Some(Outcome::Passed) => None,
        None => Some(Msg::new(
            format!("须待{}通过后方可拨付（计划 {}）", t.zh, gate.due_on),
            format!(
                "it is paid once the {} has passed (due {})",
                t.en, gate.due_on
            ),
        )),
        Some(Outcome::Conditional) => Some(Msg::new(
            format!(
                "{}为限期整改，整改通过（期限 {}）后方可拨付",
                t.zh,
                gate.rectify_by.unwrap_or(gate.due_on)
            ),
            format!(
                "the {} passed with conditions: it is paid once they are met (by {})",
                t.en,
                gate.rectify_by.unwrap_or(gate.due_on)
            ),
        )),
        Some(Outcome::Failed) => Some(Msg::new(
            format!("{}未通过", t.zh),
            format!("the {} failed", t.en),
        )),
    }
}

#[cfg(test)]
mod tests;
