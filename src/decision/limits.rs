//! The hard limits of the decision stage as pure rules, testable without a database: an award
//! within the call's floor and ceiling and never above the request (a cut needs a reason),
//! the call closed and not yet decided, and the limits the optimiser searches within.

use super::DecisionError;
use super::suggest::Rules;
use crate::call::{Call, CallSpec, CallStatus};
use crate::error::Invalid;
use crate::money::Money;

pub(crate) fn deciding(call: &Call) -> Result<(), DecisionError> {
    if call.status == CallStatus::Closed {
        Ok(())
    } else {
        Err(DecisionError::NotDeciding {
            call: call.spec.code.to_string(),
            status: call.status,
        })
    }
}

pub(crate) fn rules_of(call: &Call) -> Rules {
    Rules {
        budget: call.spec.total_budget,
        max_awards: call.spec.max_awards as usize,
        floor: call.spec.award_floor,
        ceiling: call.spec.award_ceiling,
        topics: call.spec.topics.iter().map(|t| t.code.clone()).collect(),
    }
}

/// Every rule one award amount breaks against the call and the request: proposing an award
/// checks it, and issuing checks it again (the call or the proposal may have changed since).
pub(crate) fn award_amount(
    spec: &CallSpec,
    requested: Money,
    amount: Money,
    reason: &str,
) -> Vec<Invalid> {
    let mut c = Vec::new();
    let y = |m: Money| m.format_yuan();
    let a = amount;
    if a.is_zero() {
        c.push(Invalid::new(
            "amount",
            "not_positive",
            "资助金额须大于零",
            "the award must be more than zero",
        ));
    } else if a < spec.award_floor {
        c.push(Invalid::new(
            "amount",
            "below_floor",
            format!("资助金额 {} 低于单项资助下限 {}", y(a), y(spec.award_floor)),
            format!(
                "the award of {} is below the floor of {}",
                y(a),
                y(spec.award_floor)
            ),
        ));
    }
    if a > requested {
        c.push(Invalid::new(
            "amount",
            "above_request",
            format!("资助金额 {} 超过申请金额 {}", y(a), y(requested)),
            format!(
                "the award of {} exceeds the request of {}",
                y(a),
                y(requested)
            ),
        ));
    } else if a > spec.award_ceiling {
        c.push(Invalid::new(
            "amount",
            "above_ceiling",
            format!(
                "资助金额 {} 高于单项资助上限 {}",
                y(a),
                y(spec.award_ceiling)
            ),
            format!(
                "the award of {} is above the ceiling of {}",
                y(a),
                y(spec.award_ceiling)
            ),
        ));
    }
    if a < requested && reason.trim().is_empty() {
        c.push(Invalid::new(
            "reason",
            "cut_reason_required",
            "核减资助金额须填写核减理由",
            "a cut award needs a reason",
        ));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_award_is_within_floor_ceiling_and_request_and_a_cut_has_a_reason() {
        let spec = crate::demo::reference_call_form().validate().expect("spec");
        let m = |s: &str| Money::parse(s).expect("money");
        let rules = |requested: &str, amount: &str, reason: &str| -> Vec<&'static str> {
            award_amount(&spec, m(requested), m(amount), reason)
                .iter()
                .map(|i| i.rule)
                .collect()
        };
        assert!(rules("5000000", "5000000", "").is_empty());
        assert_eq!(rules("5000000", "4000000", ""), ["cut_reason_required"]);
        assert!(rules("5000000", "4000000", "设备费偏高").is_empty());
        assert_eq!(rules("5000000", "5000000.01", ""), ["above_request"]);
        assert_eq!(rules("9000000", "8000000.01", "x"), ["above_ceiling"]);
        assert_eq!(rules("9000000", "0", "x"), ["not_positive"]);
        assert_eq!(rules("9000000", "100", "x"), ["below_floor"]);
    }
}
