//! A review as entered and the rules its scores follow, testable without a database: one score
//! per rubric criterion (points within the criterion's maximum, or an explicit n/a, never a
//! zero), at least one criterion scored, no criterion the call does not have.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ReviewError;
use crate::call::{Call, CallStatus};
use crate::error::Invalid;
use crate::form::Text;

/// Review happens while the call is closed (after the deadline, before the decision).
pub(crate) fn closed(call: &Call) -> Result<(), ReviewError> {
    if call.status == CallStatus::Closed {
        Ok(())
    } else {
        Err(ReviewError::CallNotClosed {
            call: call.spec.code.to_string(),
            status: call.status,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Fund,
    FundIfBudget,
    DoNotFund,
}

impl Recommendation {
    pub fn parse(s: &str) -> Option<Recommendation> {
        match s.trim() {
            "fund" | "建议资助" => Some(Recommendation::Fund),
            "fund_if_budget" | "经费允许时资助" | "视经费情况资助" => {
                Some(Recommendation::FundIfBudget)
            }
            "do_not_fund" | "不建议资助" => Some(Recommendation::DoNotFund),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::Fund => "fund",
            Recommendation::FundIfBudget => "fund_if_budget",
            Recommendation::DoNotFund => "do_not_fund",
        }
    }
}

/// One reviewer's review of one proposal as entered: a score per criterion key (points, or
/// `n/a`; an empty score is refused as missing), a comment and a recommendation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewForm {
    pub call: Text,
    pub reference: Text,
    pub reviewer: Text,
    pub scores: BTreeMap<String, Text>,
    pub comment: Text,
    pub recommendation: Text,
}

pub(crate) fn is_na(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "n/a" | "na" | "不适用" | "-"
    )
}

/// The scores of a form checked against the rubric, in rubric order.
pub(crate) fn check_scores(
    call: &Call,
    form: &ReviewForm,
) -> Result<Vec<(String, Option<u32>)>, ReviewError> {
    let mut bad = Vec::new();
    let mut out = Vec::new();
    for c in &call.spec.rubric {
        let field = format!("scores.{}", c.key);
        match form.scores.get(&c.key).map(Text::as_str) {
            None | Some("") => bad.push(Invalid::new(
                field,
                "score_missing",
                format!("缺少“{}”的评分（不适用请填 n/a）", c.name_zh),
                format!(
                    "the score for {} is missing (write n/a if it does not apply)",
                    c.name_en
                ),
            )),
            Some(s) if is_na(s) => out.push((c.key.clone(), None)),
            Some(s) => match s.parse::<u32>() {
                Ok(v) if v <= c.max_score => out.push((c.key.clone(), Some(v))),
                _ => bad.push(Invalid::new(
                    field,
                    "score_out_of_range",
                    format!(
                        "“{}”的评分“{s}”应为 0 到 {} 的整数，或 n/a",
                        c.name_zh, c.max_score
                    ),
                    format!(
                        "the score \"{s}\" for {} must be a whole number from 0 to {}, or n/a",
                        c.name_en, c.max_score
                    ),
                )),
            },
        }
    }
    for key in form.scores.keys() {
        if !call.spec.rubric.iter().any(|c| &c.key == key) {
            bad.push(Invalid::new(
                format!("scores.{key}"),
                "criterion_unknown",
                format!("“{key}”不是本计划的评审指标"),
                format!("\"{key}\" is not a criterion of this call"),
            ));
        }
    }
    if !out.is_empty() && out.iter().all(|(_, s)| s.is_none()) {
        bad.push(Invalid::new(
            "scores",
            "all_not_applicable",
            "至少须对一项指标评分",
            "at least one criterion must be scored",
        ));
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(ReviewError::Invalid(bad))
    }
}

/// (weight in basis points, maximum score) of each criterion, in rubric order.
pub(crate) fn weights(call: &Call) -> Vec<(u32, u32)> {
    call.spec
        .rubric
        .iter()
        .map(|c| (c.weight.basis_points(), c.max_score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(scores: &[(&str, &str)]) -> ReviewForm {
        ReviewForm {
            scores: scores
                .iter()
                .map(|(k, v)| ((*k).to_string(), Text::from(*v)))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn scores_are_points_within_the_maximum_or_n_a_and_never_all_n_a() {
        let spec = crate::demo::reference_call_form().validate().expect("spec");
        let call = Call {
            id: 1,
            status: CallStatus::Closed,
            actions: crate::call::CallActions::of(CallStatus::Closed),
            years: spec.years(),
            spec,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let keys: Vec<String> = call.spec.rubric.iter().map(|c| c.key.clone()).collect();
        let all = |v: &'static str| -> Vec<(&str, &'static str)> {
            keys.iter().map(|k| (k.as_str(), v)).collect()
        };
        let ok = check_scores(&call, &form(&all("7"))).expect("valid");
        assert_eq!(ok.len(), keys.len());
        let rules = |f: &ReviewForm| match check_scores(&call, f) {
            Err(ReviewError::Invalid(list)) => list.iter().map(|i| i.rule).collect::<Vec<_>>(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(rules(&form(&all("n/a"))), ["all_not_applicable"]);
        assert_eq!(
            rules(&form(&all("11"))).first(),
            Some(&"score_out_of_range")
        );
        let mut one_missing = all("7");
        one_missing.pop();
        assert_eq!(rules(&form(&one_missing)), ["score_missing"]);
        let mut extra = all("7");
        extra.push(("charm", "9"));
        assert_eq!(rules(&form(&extra)), ["criterion_unknown"]);
        let mut na = all("8");
        na[0].1 = "不适用";
        assert_eq!(
            check_scores(&call, &form(&na)).expect("valid")[0].1,
            None,
            "n/a is not a zero"
        );
    }
}
