//! The words of the domain in both languages, for front ends that show codes: statuses,
//! budget categories, eligibility reasons, funding modes, milestones, and the words of
//! disbursement (outcomes, payment and tranche statuses, adjustments, unspent balances). One list, kept here, so
//! that no front end writes its own.

use serde::Serialize;

use crate::call::{CallStatus, FundingMode, Milestone, Unspent};
use crate::decision::AwardStatus;
use crate::disbursement::spending::AdjustmentStatus;
use crate::disbursement::{MilestoneKind, Outcome, PaymentStatus, TrancheStatus};
use crate::lang::Lang;
use crate::officer::Role;
use crate::proposal::{Category, ProposalStatus, REASON_CODES, reason_label};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vocabulary {
    pub call_status: Vec<Term>,
    pub proposal_status: Vec<Term>,
    pub category: Vec<Term>,
    pub reason: Vec<Term>,
    pub funding_mode: Vec<Term>,
    pub milestone: Vec<Term>,
    pub award_status: Vec<Term>,
    pub unspent: Vec<Term>,
    pub milestone_kind: Vec<Term>,
    pub outcome: Vec<Term>,
    pub payment_status: Vec<Term>,
    pub tranche_status: Vec<Term>,
    pub adjustment_status: Vec<Term>,
    /// Officers' roles on a shared server.
    pub role: Vec<Term>,
}

fn terms<T: Copy>(
    items: impl IntoIterator<Item = T>,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T, Lang) -> &'static str,
) -> Vec<Term> {
    items
        .into_iter()
        .map(|x| Term {
            code: code(x),
            zh: label(x, Lang::Zh),
            en: label(x, Lang::En),
        })
        .collect()
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        call_status: terms(CallStatus::ALL, CallStatus::as_str, CallStatus::label),
        proposal_status: terms(
            ProposalStatus::ALL,
            ProposalStatus::as_str,
            ProposalStatus::label,
        ),
        category: terms(Category::ALL, Category::as_str, Category::label),
        reason: terms(REASON_CODES, |c| c, reason_label),
        funding_mode: terms(FundingMode::ALL, FundingMode::as_str, FundingMode::label),
        milestone: terms(Milestone::ALL, Milestone::as_str, Milestone::label),
        award_status: terms(AwardStatus::ALL, AwardStatus::as_str, AwardStatus::label),
        unspent: terms(Unspent::ALL, Unspent::as_str, Unspent::label),
        milestone_kind: terms(
            MilestoneKind::ALL,
            MilestoneKind::as_str,
            MilestoneKind::label,
        ),
        outcome: terms(Outcome::ALL, Outcome::as_str, Outcome::label),
        payment_status: terms(
            PaymentStatus::ALL,
            PaymentStatus::as_str,
            PaymentStatus::label,
        ),
        tranche_status: terms(
            TrancheStatus::ALL,
            TrancheStatus::as_str,
            TrancheStatus::label,
        ),
        adjustment_status: terms(
            AdjustmentStatus::ALL,
            AdjustmentStatus::as_str,
            AdjustmentStatus::label,
        ),
        role: terms(Role::ALL, Role::key, Role::label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_has_distinct_codes_and_both_languages() {
        let v = vocabulary();
        for list in [
            &v.call_status,
            &v.proposal_status,
            &v.category,
            &v.reason,
            &v.funding_mode,
            &v.milestone,
            &v.award_status,
            &v.unspent,
            &v.milestone_kind,
            &v.outcome,
            &v.payment_status,
            &v.tranche_status,
            &v.adjustment_status,
            &v.role,
        ] {
            let mut codes: Vec<_> = list.iter().map(|t| t.code).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), list.len());
            assert!(
                list.iter()
                    .all(|t| !t.zh.is_empty() && !t.en.is_empty() && t.zh != t.en)
            );
        }
        assert_eq!(v.category[0].zh, "设备费");
        assert_eq!(v.proposal_status.len(), 5);
    }
}
