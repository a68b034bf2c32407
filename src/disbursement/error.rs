use crate::error::{Coded, Invalid, Msg, describe_all};
use crate::lang::Lang;
use crate::money::Money;

use super::{MilestoneKind, Outcome, PaymentStatus};

/// The refusals of disbursement. Each one's Chinese and English text stand side by side in
/// [`DisbursementError::texts`], and each names the rule and the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisbursementError {
    Invalid(Vec<Invalid>),
    AwardNotFound(String),
    NoSchedule(String),
    TrancheNotFound {
        award: String,
        tranche: u32,
        count: usize,
    },
    MilestoneNotFound {
        award: String,
        name: String,
    },
    PaymentNotFound(i64),
    /// Payments of the award are held (suspended, overdue milestone, not signed, closed).
    Held {
        award: String,
        holds: Vec<Msg>,
    },
    /// The tranche waits for a milestone that has not passed.
    GateShut {
        award: String,
        tranche: u32,
        why: Msg,
    },
    OverTranche {
        award: String,
        tranche: u32,
        amount: Money,
        open: Money,
    },
    ClawbackOverPaid {
        award: String,
        amount: Money,
        net_paid: Money,
    },
    IllegalPayment {
        id: i64,
        from: PaymentStatus,
        to: PaymentStatus,
    },
    Decided {
        award: String,
        milestone: Msg,
        outcome: Outcome,
    },
    /// The signing is recorded by accepting the award, not as an outcome.
    SigningByAcceptance(String),
    /// An award that is not closed cannot take a new extra milestone after it ended, etc.
    AwardClosed {
        award: String,
        status: crate::decision::AwardStatus,
    },
    /// Completion needs the final acceptance passed and nothing approved and unpaid.
    NotReadyToComplete {
        award: String,
        why: Msg,
    },
}

impl DisbursementError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use DisbursementError::*;
        match self {
            Invalid(list) => Msg::new(
                format!("填写有误：\n{}", describe_all(list, Lang::Zh)),
                format!("the input is not valid:\n{}", describe_all(list, Lang::En)),
            ),
            AwardNotFound(n) => Msg::new(
                format!("没有编号为 {n} 的资助"),
                format!("there is no award numbered {n}"),
            ),
            NoSchedule(n) => Msg::new(
                format!("资助 {n} 还没有拨付计划"),
                format!("award {n} has no schedule yet"),
            ),
            TrancheNotFound {
                award,
                tranche,
                count,
            } => Msg::new(
                format!("资助 {award} 没有第 {tranche} 笔拨款（共 {count} 笔）"),
                format!("award {award} has no tranche {tranche} (it has {count})"),
            ),
            MilestoneNotFound { award, name } => Msg::new(
                format!("资助 {award} 没有节点“{name}”"),
                format!("award {award} has no milestone \"{name}\""),
            ),
            PaymentNotFound(id) => Msg::new(
                format!("没有编号为 #{id} 的拨款记录"),
                format!("there is no payment #{id}"),
            ),
            Held { award, holds } => Msg::new(
                format!(
                    "资助 {award} 的拨款已暂停：{}",
                    holds
                        .iter()
                        .map(|h| h.zh.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                format!(
                    "payments of award {award} are on hold: {}",
                    holds
                        .iter()
                        .map(|h| h.en.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            GateShut {
                award,
                tranche,
                why,
            } => Msg::new(
                format!("资助 {award} 第 {tranche} 笔暂不能审批：{}", why.zh),
                format!(
                    "tranche {tranche} of award {award} cannot be approved yet: {}",
                    why.en
                ),
            ),
            OverTranche {
                award,
                tranche,
                amount,
                open,
            } => Msg::new(
                format!(
                    "资助 {award} 第 {tranche} 笔尚可审批 {}，不能审批 {}（拨付不得超过资助金额）",
                    open.format_yuan(),
                    amount.format_yuan()
                ),
                format!(
                    "tranche {tranche} of award {award} has {} left to approve, not {}: never more is paid than awarded",
                    open.format_yuan(),
                    amount.format_yuan()
                ),
            ),
            ClawbackOverPaid {
                award,
                amount,
                net_paid,
            } => Msg::new(
                format!(
                    "收回金额 {} 超过资助 {award} 的实拨金额 {}",
                    amount.format_yuan(),
                    net_paid.format_yuan()
                ),
                format!(
                    "the clawback of {} exceeds the {} paid (net) on award {award}",
                    amount.format_yuan(),
                    net_paid.format_yuan()
                ),
            ),
            IllegalPayment { id, from, to } => Msg::new(
                format!(
                    "拨款记录 #{id} 当前为“{}”，不能改为“{}”；已支付的记录只能以收回更正",
                    from.label(Lang::Zh),
                    to.label(Lang::Zh)
                ),
                format!(
                    "payment #{id} is {} and cannot become {}; a paid entry is corrected by a clawback",
                    from.label(Lang::En),
                    to.label(Lang::En)
                ),
            ),
            Decided {
                award,
                milestone,
                outcome,
            } => Msg::new(
                format!(
                    "资助 {award} 的{}已有结论“{}”，不能再改",
                    milestone.zh,
                    outcome.label(Lang::Zh)
                ),
                format!(
                    "the {} of award {award} is already decided ({}) and cannot change",
                    milestone.en,
                    outcome.label(Lang::En)
                ),
            ),
            SigningByAcceptance(award) => Msg::new(
                format!(
                    "{}以接受资助记录：请将资助 {award} 设为“已接受”",
                    MilestoneKind::Signing.label(Lang::Zh)
                ),
                format!("the signing is recorded by accepting award {award}"),
            ),
            AwardClosed { award, status } => Msg::new(
                format!("资助 {award} {}，不能再变更", status.label(Lang::Zh)),
                format!(
                    "award {award} is {} and can no longer change",
                    status.label(Lang::En)
                ),
            ),
            NotReadyToComplete { award, why } => Msg::new(
                format!("资助 {award} 还不能结题：{}", why.zh),
                format!("award {award} cannot be completed yet: {}", why.en),
            ),
        }
    }
}

crate::error::bilingual_error!(DisbursementError);

impl Coded for DisbursementError {
    fn code(&self) -> &'static str {
        use DisbursementError::*;
        match self {
            Invalid(_) => "disbursement_invalid",
            AwardNotFound(_) => "award_not_found",
            NoSchedule(_) => "no_schedule",
            TrancheNotFound { .. } => "tranche_not_found",
            MilestoneNotFound { .. } => "milestone_not_found",
            PaymentNotFound(_) => "payment_not_found",
            Held { .. } => "payments_held",
            GateShut { .. } => "gate_shut",
            OverTranche { .. } => "over_tranche",
            ClawbackOverPaid { .. } => "clawback_over_paid",
            IllegalPayment { .. } => "illegal_payment_transition",
            Decided { .. } => "milestone_decided",
            SigningByAcceptance(_) => "signing_by_acceptance",
            AwardClosed { .. } => "award_closed",
            NotReadyToComplete { .. } => "not_ready_to_complete",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}
