use crate::call::CallStatus;
use crate::error::{Coded, Invalid, Msg, describe_all};
use crate::lang::Lang;
use crate::money::Money;

use super::award::AwardStatus;

/// The refusals of the decision stage. Each one's Chinese and English text stand side by side
/// in [`DecisionError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionError {
    Invalid(Vec<Invalid>),
    NotDeciding {
        call: String,
        status: CallStatus,
    },
    NotEligible {
        reference: String,
    },
    NotReviewed {
        reference: String,
        have: usize,
        need: u32,
    },
    OverBudget {
        over: Money,
        remaining: Money,
        budget: Money,
    },
    CapReached {
        cap: u32,
    },
    NotProposed {
        reference: String,
    },
    NothingToAward {
        call: String,
    },
    Infeasible(Vec<Msg>),
    AwardNotFound(String),
    IllegalTransition {
        number: String,
        from: AwardStatus,
        to: AwardStatus,
    },
}

impl DecisionError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use DecisionError::*;
        match self {
            Invalid(list) => Msg::new(
                format!("填写有误：\n{}", describe_all(list, Lang::Zh)),
                format!("the input is not valid:\n{}", describe_all(list, Lang::En)),
            ),
            NotDeciding { call, status } => Msg::new(
                format!(
                    "资助计划 {call} 当前为“{}”；截止受理并完成评审后才能作出立项决定",
                    status.label(Lang::Zh)
                ),
                format!(
                    "call {call} is {}: awards are decided once it is closed and reviewed",
                    status.label(Lang::En)
                ),
            ),
            NotEligible { reference } => Msg::new(
                format!("申请书 {reference} 未通过形式审查，不能资助"),
                format!("proposal {reference} is not eligible (形式审查): it cannot be funded"),
            ),
            NotReviewed {
                reference,
                have,
                need,
            } => Msg::new(
                format!(
                    "申请书 {reference} 只有 {have} 份完整评审意见，本计划要求至少 {need} 份后才能资助"
                ),
                format!(
                    "proposal {reference} has {have} complete reviews; the call requires {need} before it can be funded"
                ),
            ),
            OverBudget {
                over,
                remaining,
                budget,
            } => Msg::new(
                format!(
                    "超出剩余预算 {}：总预算 {}，剩余 {}",
                    over.format_yuan(),
                    budget.format_yuan(),
                    remaining.format_yuan()
                ),
                format!(
                    "exceeds the remaining budget by {}: {} is left of {}",
                    over.format_yuan(),
                    remaining.format_yuan(),
                    budget.format_yuan()
                ),
            ),
            CapReached { cap } => Msg::new(
                format!("本计划最多资助 {cap} 项，已拟资助 {cap} 项"),
                format!("the call allows at most {cap} awards and {cap} are already proposed"),
            ),
            NotProposed { reference } => Msg::new(
                format!("申请书 {reference} 不在拟资助名单中"),
                format!("proposal {reference} is not on the proposed award list"),
            ),
            NothingToAward { call } => Msg::new(
                format!("资助计划 {call} 没有拟资助项目，无法下达资助"),
                format!("call {call} has no proposed awards to issue"),
            ),
            Infeasible(why) => Msg::new(
                format!(
                    "没有满足全部限制的资助方案：{}",
                    why.iter()
                        .map(|m| m.zh.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                format!(
                    "no set of awards meets the limits: {}",
                    why.iter()
                        .map(|m| m.en.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            AwardNotFound(n) => Msg::new(
                format!("找不到文号为 {n} 的资助"),
                format!("no award numbered {n}"),
            ),
            IllegalTransition { number, from, to } => Msg::new(
                format!(
                    "资助 {number} 当前为“{}”，不能变为“{}”",
                    from.label(Lang::Zh),
                    to.label(Lang::Zh)
                ),
                format!(
                    "award {number} is {} and cannot become {}",
                    from.label(Lang::En),
                    to.label(Lang::En)
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(DecisionError);

impl Coded for DecisionError {
    fn code(&self) -> &'static str {
        match self {
            DecisionError::Invalid(_) => "decision_invalid",
            DecisionError::NotDeciding { .. } => "call_not_deciding",
            DecisionError::NotEligible { .. } => "proposal_not_eligible",
            DecisionError::NotReviewed { .. } => "proposal_not_reviewed",
            DecisionError::OverBudget { .. } => "over_budget",
            DecisionError::CapReached { .. } => "award_cap_reached",
            DecisionError::NotProposed { .. } => "not_proposed",
            DecisionError::NothingToAward { .. } => "nothing_to_award",
            DecisionError::Infeasible(_) => "suggestion_infeasible",
            DecisionError::AwardNotFound(_) => "award_not_found",
            DecisionError::IllegalTransition { .. } => "award_illegal_transition",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}
