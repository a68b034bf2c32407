//! 形式审查: the eligibility check of submitted proposals against their call. Pure: it takes
//! the call and the proposals and returns the reasons, so every rule is tested without a
//! database.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Category, ProposalContent};
use crate::call::{CallSpec, FundingMode};
use crate::error::Msg;
use crate::lang::Lang;
use crate::money::Money;

/// One reason a proposal is ineligible: a stable code and an explanation in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    #[serde(flatten)]
    pub message: Msg,
}

impl Reason {
    fn new(code: &str, zh: String, en: String) -> Reason {
        Reason {
            code: code.to_string(),
            message: Msg::new(zh, en),
        }
    }
}

/// Every reason code the check can give.
pub const REASON_CODES: [&str; 9] = [
    "missing_fields",
    "late",
    "early",
    "not_submitted",
    "above_ceiling",
    "below_floor",
    "budget_inconsistent",
    "indirect_over_cap",
    "duplicate_applicant",
];

/// A short label for a reason code, for table columns.
pub fn reason_label(code: &str, lang: Lang) -> &str {
    match code {
        "missing_fields" => lang.pick("信息不全", "incomplete"),
        "late" => lang.pick("逾期提交", "submitted late"),
        "early" => lang.pick("提前提交", "before opening"),
        "not_submitted" => lang.pick("未提交", "not submitted"),
        "above_ceiling" => lang.pick("超过资助上限", "above ceiling"),
        "below_floor" => lang.pick("低于资助下限", "below floor"),
        "budget_inconsistent" => lang.pick("预算不一致", "budget inconsistent"),
        "indirect_over_cap" => lang.pick("间接费用超限", "indirect costs over cap"),
        "duplicate_applicant" => lang.pick("重复申报", "applicant over limit"),
        other => other,
    }
}

/// What the check needs to know of one proposal.
pub struct Candidate<'a> {
    pub reference: &'a str,
    pub submitted_on: Option<NaiveDate>,
    pub content: &'a ProposalContent,
}

/// The reasons for each candidate, in the candidates' order (empty: eligible).
pub fn assess(call: &CallSpec, candidates: &[Candidate<'_>]) -> Vec<Vec<Reason>> {
    let mut out: Vec<Vec<Reason>> = candidates.iter().map(|c| own_reasons(call, c)).collect();

    // Applicants over the call's limit: the earliest submissions count, the later ones not.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| (candidates[i].submitted_on, candidates[i].reference));
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let limit = call.max_proposals_per_applicant;
    for i in order {
        let code = candidates[i].content.applicant.credit_code.as_str();
        let n = seen.entry(code).or_insert(0);
        *n += 1;
        if *n > limit {
            let name = &candidates[i].content.applicant.name;
            out[i].push(Reason::new(
                "duplicate_applicant",
                format!("申请单位“{name}”在本计划中的申请书超过 {limit} 份的限额"),
                format!(
                    "applicant \"{name}\" has more than the call's limit of {limit} proposal(s)"
                ),
            ));
        }
    }
    out
}

fn own_reasons(call: &CallSpec, c: &Candidate<'_>) -> Vec<Reason> {
    let p = c.content;
    let mut r = Vec::new();

    let missing = missing_fields(p);
    if !missing.is_empty() {
        r.push(Reason::new(
            "missing_fields",
            format!(
                "缺少必填信息：{}",
                missing.iter().map(|m| m.0).collect::<Vec<_>>().join("、")
            ),
            format!(
                "required information missing: {}",
                missing.iter().map(|m| m.1).collect::<Vec<_>>().join(", ")
            ),
        ));
    }

    match c.submitted_on {
        Some(d) if d > call.closes_on => r.push(Reason::new(
            "late",
            format!("提交日期 {d} 晚于截止日期 {}", call.closes_on),
            format!(
                "submitted on {d}, after the closing date {}",
                call.closes_on
            ),
        )),
        Some(d) if d < call.opens_on => r.push(Reason::new(
            "early",
            format!("提交日期 {d} 早于开始受理日期 {}", call.opens_on),
            format!(
                "submitted on {d}, before the call opened on {}",
                call.opens_on
            ),
        )),
        Some(_) => {}
        None => r.push(Reason::new(
            "not_submitted",
            "未记录提交日期".to_string(),
            "no submission date is recorded".to_string(),
        )),
    }

    if p.requested > call.award_ceiling {
        r.push(Reason::new(
            "above_ceiling",
            format!(
                "申请金额 {} 超过单项资助上限 {}",
                p.requested.format_yuan(),
                call.award_ceiling.format_yuan()
            ),
            format!(
                "the request of {} is above the award ceiling of {}",
                p.requested.format_yuan(),
                call.award_ceiling.format_yuan()
            ),
        ));
    }
    if p.requested < call.award_floor {
        r.push(Reason::new(
            "below_floor",
            format!(
                "申请金额 {} 低于单项资助下限 {}",
                p.requested.format_yuan(),
                call.award_floor.format_yuan()
            ),
            format!(
                "the request of {} is below the award floor of {}",
                p.requested.format_yuan(),
                call.award_floor.format_yuan()
            ),
        ));
    }

    if call.funding_mode == FundingMode::Itemised {
        budget_reasons(call, p, &mut r);
    }
    r
}

fn budget_reasons(call: &CallSpec, p: &ProposalContent, r: &mut Vec<Reason>) {
    let Some(lines) = p.lines_total() else {
        return;
    };
    if p.budget.is_empty() {
        r.push(Reason::new(
            "budget_inconsistent",
            "预算制资助计划须填写预算明细".to_string(),
            "an itemised call needs budget lines".to_string(),
        ));
        return;
    }
    if lines != p.requested {
        r.push(Reason::new(
            "budget_inconsistent",
            format!(
                "预算明细合计 {} 与申请金额 {} 不符",
                lines.format_yuan(),
                p.requested.format_yuan()
            ),
            format!(
                "the budget lines sum to {}, not the requested {}",
                lines.format_yuan(),
                p.requested.format_yuan()
            ),
        ));
    }
    let base = p
        .total(Category::Operations)
        .checked_add(p.total(Category::Personnel))
        .unwrap_or(Money::ZERO);
    let cap = call.indirect_cap(base);
    let indirect = p.total(Category::Indirect);
    if indirect > cap {
        r.push(Reason::new(
            "indirect_over_cap",
            format!(
                "间接费用 {} 超过上限 {}（按直接费用扣除设备费后的 {} 分档核定）",
                indirect.format_yuan(),
                cap.format_yuan(),
                base.format_yuan()
            ),
            format!(
                "indirect costs of {} exceed the cap of {} (tiers on direct costs excluding equipment, {})",
                indirect.format_yuan(),
                cap.format_yuan(),
                base.format_yuan()
            ),
        ));
    }
}

fn missing_fields(p: &ProposalContent) -> Vec<(&'static str, &'static str)> {
    let a = &p.applicant;
    [
        (&p.pi_name, "项目负责人", "principal investigator"),
        (&p.pi_email, "负责人邮箱", "investigator's e-mail"),
        (&p.summary, "项目摘要", "summary"),
        (&a.contact_name, "单位联系人", "applicant contact"),
        (&a.contact_phone, "联系电话", "contact phone"),
        (&a.bank_name, "开户银行", "bank"),
        (&a.bank_account, "银行账号", "bank account"),
    ]
    .into_iter()
    .filter(|(v, _, _)| v.trim().is_empty())
    .map(|(_, zh, en)| (zh, en))
    .collect()
}
