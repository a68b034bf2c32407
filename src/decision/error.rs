use crate::call::CallStatus;
use crate::error::{Coded, Invalid, Msg, describe_all};
use crate::lang::Lang;
use crate::money::Money;

use super::award::AwardStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("the input is not valid:\n{}", describe_all(.0, Lang::En))]
    Invalid(Vec<Invalid>),
    #[error("call {call} is {}: awards are decided once it is closed and reviewed", .status.label(Lang::En))]
    NotDeciding { call: String, status: CallStatus },
    #[error("proposal {reference} is not eligible (形式审查): it cannot be funded")]
    NotEligible { reference: String },
    #[error(
        "proposal {reference} has {have} complete reviews; the call requires {need} before it can be funded"
    )]
    NotReviewed {
        reference: String,
        have: usize,
        need: u32,
    },
    #[error(
        "exceeds the remaining budget by {}: {} is left of {}",
        .over.format_yuan(), .remaining.format_yuan(), .budget.format_yuan()
    )]
    OverBudget {
        over: Money,
        remaining: Money,
        budget: Money,
    },
    #[error("the call allows at most {cap} awards and {cap} are already proposed")]
    CapReached { cap: u32 },
    #[error("proposal {reference} is not on the proposed award list")]
    NotProposed { reference: String },
    #[error("call {call} has no proposed awards to issue")]
    NothingToAward { call: String },
    #[error("no set of awards meets the limits: {}", .0.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "))]
    Infeasible(Vec<Msg>),
    #[error("no award numbered {0}")]
    AwardNotFound(String),
    #[error("award {number} is {} and cannot become {}", .from.label(Lang::En), .to.label(Lang::En))]
    IllegalTransition {
        number: String,
        from: AwardStatus,
        to: AwardStatus,
    },
}

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
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (DecisionError::Invalid(list), Lang::Zh) => {
                format!("填写有误：\n{}", describe_all(list, Lang::Zh))
            }
            (DecisionError::NotDeciding { call, status }, Lang::Zh) => format!(
                "资助计划 {call} 当前为“{}”；截止受理并完成评审后才能作出立项决定",
                status.label(Lang::Zh)
            ),
            (DecisionError::NotEligible { reference }, Lang::Zh) => {
                format!("申请书 {reference} 未通过形式审查，不能资助")
            }
            (
                DecisionError::NotReviewed {
                    reference,
                    have,
                    need,
                },
                Lang::Zh,
            ) => format!(
                "申请书 {reference} 只有 {have} 份完整评审意见，本计划要求至少 {need} 份后才能资助"
            ),
            (
                DecisionError::OverBudget {
                    over,
                    remaining,
                    budget,
                },
                Lang::Zh,
            ) => format!(
                "超出剩余预算 {}：总预算 {}，剩余 {}",
                over.format_yuan(),
                budget.format_yuan(),
                remaining.format_yuan()
            ),
            (DecisionError::CapReached { cap }, Lang::Zh) => {
                format!("本计划最多资助 {cap} 项，已拟资助 {cap} 项")
            }
            (DecisionError::NotProposed { reference }, Lang::Zh) => {
                format!("申请书 {reference} 不在拟资助名单中")
            }
            (DecisionError::NothingToAward { call }, Lang::Zh) => {
                format!("资助计划 {call} 没有拟资助项目，无法下达资助")
            }
            (DecisionError::Infeasible(why), Lang::Zh) => format!(
                "没有满足全部限制的资助方案：{}",
                why.iter()
                    .map(|m| m.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            (DecisionError::AwardNotFound(n), Lang::Zh) => format!("找不到文号为 {n} 的资助"),
            (DecisionError::IllegalTransition { number, from, to }, Lang::Zh) => format!(
                "资助 {number} 当前为“{}”，不能变为“{}”",
                from.label(Lang::Zh),
                to.label(Lang::Zh)
            ),
        }
    }
}
