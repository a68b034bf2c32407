//! Calls (资助计划/项目指南): what a call is, the rules its definition must follow, and its
//! lifecycle draft → open → closed.

mod store;

pub(crate) use store::get_on as store_get_on;
pub use store::{create, edit_form, find, get, list, set_status, update};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Checks, Coded, Invalid, Msg, describe_all, required};
use crate::form::Text;
use crate::lang::Lang;
use crate::money::Money;
use crate::percent::Percent;
use crate::proposal::Category;

/// The refusals of calls, each with its Chinese and English text side by side in
/// [`CallError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    Invalid(Vec<Invalid>),
    NotFound(String),
    DuplicateCode(String),
    IllegalTransition {
        code: String,
        from: CallStatus,
        to: CallStatus,
    },
    NotEditable {
        code: String,
        status: CallStatus,
    },
    SampleNeedsEmptyDatabase {
        calls: i64,
        applicants: i64,
        reviewers: i64,
    },
}

impl CallError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use CallError::*;
        match self {
            Invalid(list) => Msg::new(
                format!("资助计划填写有误：\n{}", describe_all(list, Lang::Zh)),
                format!("the call is not valid:\n{}", describe_all(list, Lang::En)),
            ),
            NotFound(c) => Msg::new(
                format!("找不到编号为 {c} 的资助计划"),
                format!("no call with code {c}"),
            ),
            DuplicateCode(c) => Msg::new(
                format!("编号为 {c} 的资助计划已存在"),
                format!("a call with code {c} already exists"),
            ),
            IllegalTransition { code, from, to } => Msg::new(
                format!(
                    "资助计划 {code} 不能从“{}”变为“{}”",
                    from.label(Lang::Zh),
                    to.label(Lang::Zh)
                ),
                format!(
                    "call {code} cannot go from {} to {}",
                    from.label(Lang::En),
                    to.label(Lang::En)
                ),
            ),
            NotEditable { code, status } => Msg::new(
                format!("资助计划 {code} 已{}，不能再修改", status.label(Lang::Zh)),
                format!(
                    "call {code} is {} and can no longer be edited",
                    status.label(Lang::En)
                ),
            ),
            SampleNeedsEmptyDatabase {
                calls,
                applicants,
                reviewers,
            } => Msg::new(
                format!(
                    "示例资助计划只能载入空数据库；当前数据库已有 {calls} 个资助计划、{applicants} 个申请单位和 {reviewers} 位评审专家"
                ),
                format!(
                    "the sample call is loaded only into an empty database; this one holds {calls} calls, {applicants} applicants and {reviewers} reviewers"
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(CallError);

impl Coded for CallError {
    fn code(&self) -> &'static str {
        match self {
            CallError::Invalid(_) => "call_invalid",
            CallError::NotFound(_) => "call_not_found",
            CallError::DuplicateCode(_) => "call_duplicate_code",
            CallError::IllegalTransition { .. } => "call_illegal_transition",
            CallError::NotEditable { .. } => "call_not_editable",
            CallError::SampleNeedsEmptyDatabase { .. } => "sample_needs_empty_database",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// A call code: capital letters, digits and dashes, 2–32 characters (`BJ-AIXR-2026`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CallCode(String);

impl CallCode {
    pub fn parse(input: &str) -> Result<CallCode, Invalid> {
        let s = input.trim().to_ascii_uppercase();
        let ok = (2..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(CallCode(s))
        } else if s.is_empty() {
            Err(required("code"))
        } else {
            Err(Invalid::new(
                "code",
                "code_format",
                format!(
                    "“{}”不是有效编号：应为 2–32 位大写字母、数字或连字符",
                    input.trim()
                ),
                format!(
                    "\"{}\" is not a valid code: 2–32 capital letters, digits or dashes",
                    input.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CallCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    Draft,
    Open,
    Closed,
    Decided,
}

impl CallStatus {
    pub const ALL: [CallStatus; 4] = [
        CallStatus::Draft,
        CallStatus::Open,
        CallStatus::Closed,
        CallStatus::Decided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Draft => "draft",
            CallStatus::Open => "open",
            CallStatus::Closed => "closed",
            CallStatus::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<CallStatus> {
        CallStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CallStatus::Draft => lang.pick("草稿", "draft"),
            CallStatus::Open => lang.pick("受理中", "open"),
            CallStatus::Closed => lang.pick("已截止", "closed"),
            CallStatus::Decided => lang.pick("已立项", "decided"),
        }
    }

    /// The lifecycle: draft → open → closed → decided; a closed call may be reopened (to
    /// extend its deadline) until it is decided.
    pub fn can_become(self, to: CallStatus) -> bool {
        use CallStatus::*;
        matches!(
            (self, to),
            (Draft, Open) | (Open, Closed) | (Closed, Open) | (Closed, Decided)
        )
    }

    /// Whether the definition may still be edited.
    pub fn is_editable(self) -> bool {
        matches!(self, CallStatus::Draft | CallStatus::Open)
    }

    /// The moves an officer makes by hand. A call becomes decided only by issuing its awards.
    pub fn moves_by_hand(self) -> Vec<CallStatus> {
        CallStatus::ALL
            .into_iter()
            .filter(|to| *to != CallStatus::Decided && self.can_become(*to))
            .collect()
    }
}

/// What an officer may do with a call in its state, so that no front end copies the phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallActions {
    /// Its definition may be edited.
    pub edit: bool,
    /// Proposals may be registered, imported and checked.
    pub take_proposals: bool,
    /// Under review and decision: the draw, panels, scores, the decision board.
    pub review: bool,
    /// Decided: the awards exist.
    pub awarded: bool,
    /// The status moves made by hand (open, close, reopen).
    pub moves: Vec<CallStatus>,
}

impl CallActions {
    pub fn of(status: CallStatus) -> CallActions {
        CallActions {
            edit: status.is_editable(),
            take_proposals: matches!(status, CallStatus::Open | CallStatus::Closed),
            review: status == CallStatus::Closed,
            awarded: status == CallStatus::Decided,
            moves: status.moves_by_hand(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingMode {
    /// 预算制: itemised budget lines by category and year.
    Itemised,
    /// 包干制: a lump sum, no itemised lines.
    LumpSum,
}

impl FundingMode {
    pub const ALL: [FundingMode; 2] = [FundingMode::Itemised, FundingMode::LumpSum];

    pub fn as_str(self) -> &'static str {
        match self {
            FundingMode::Itemised => "itemised",
            FundingMode::LumpSum => "lump_sum",
        }
    }

    pub fn parse(s: &str) -> Option<FundingMode> {
        match s.trim() {
            "itemised" | "itemized" | "预算制" => Some(FundingMode::Itemised),
            "lump_sum" | "lump-sum" | "包干制" => Some(FundingMode::LumpSum),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FundingMode::Itemised => lang.pick("预算制", "itemised budget"),
            FundingMode::LumpSum => lang.pick("包干制", "lump sum"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A scoring criterion of the rubric (评审指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub weight: Percent,
    pub max_score: u32,
}

/// One tier of the indirect-cost cap: `rate` of the direct costs (excluding equipment) up to
/// `up_to`; the last tier has no bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndirectTier {
    pub up_to: Option<Money>,
    pub rate: Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// 签订任务书
    Signing,
    /// 中期检查
    Midterm,
    /// 验收
    Acceptance,
}

impl Milestone {
    pub const ALL: [Milestone; 3] = [
        Milestone::Signing,
        Milestone::Midterm,
        Milestone::Acceptance,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Milestone::Signing => lang.pick("签订任务书", "signing"),
            Milestone::Midterm => lang.pick("中期检查", "mid-term review"),
            Milestone::Acceptance => lang.pick("验收", "final acceptance"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::Signing => "signing",
            Milestone::Midterm => "midterm",
            Milestone::Acceptance => "acceptance",
        }
    }

    pub fn parse(s: &str) -> Option<Milestone> {
        match s.trim() {
            "signing" | "签订任务书" => Some(Milestone::Signing),
            "midterm" | "中期检查" => Some(Milestone::Midterm),
            "acceptance" | "验收" => Some(Milestone::Acceptance),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrancheShare {
    pub milestone: Milestone,
    pub share: Percent,
}

/// What becomes of an award's unspent balance (结余资金) at close-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unspent {
    /// Left with an institution whose project passed acceptance; recovered otherwise.
    KeepIfPassed,
    /// Always recovered.
    Recover,
}

impl Unspent {
    pub const ALL: [Unspent; 2] = [Unspent::KeepIfPassed, Unspent::Recover];

    pub fn as_str(self) -> &'static str {
        match self {
            Unspent::KeepIfPassed => "keep_if_passed",
            Unspent::Recover => "recover",
        }
    }

    pub fn parse(s: &str) -> Option<Unspent> {
        match s.trim() {
            "keep_if_passed" | "验收通过留用" => Some(Unspent::KeepIfPassed),
            "recover" | "收回" => Some(Unspent::Recover),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Unspent::KeepIfPassed => lang.pick(
                "验收通过的留归承担单位使用，否则收回",
                "kept by the institution if it passed acceptance, else recovered",
            ),
            Unspent::Recover => lang.pick("一律收回", "always recovered"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appropriation {
    pub year: i32,
    pub amount: Money,
}

/// A validated call definition. Only [`CallForm::validate`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallSpec {
    pub code: CallCode,
    pub title_zh: String,
    pub title_en: String,
    pub topics: Vec<Topic>,
    pub total_budget: Money,
    pub max_awards: u32,
    pub award_floor: Money,
    pub award_ceiling: Money,
    pub duration_months: u32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub funding_mode: FundingMode,
    pub min_reviewers: u32,
    pub max_proposals_per_applicant: u32,
    /// Standard deviation of a proposal's weighted review scores (0–100 scale) above which
    /// its reviews are flagged as disagreeing.
    pub disagreement_threshold: Percent,
    /// The pattern of award numbers (文号), e.g. `京科资〔{year}〕第{seq:3}号`.
    pub award_number_pattern: String,
    pub rubric: Vec<Criterion>,
    pub indirect_tiers: Vec<IndirectTier>,
    pub tranches: Vec<TrancheShare>,
    pub appropriations: Vec<Appropriation>,
    /// How far a spending category may run over its approved line before it is flagged.
    pub spend_tolerance: Percent,
    /// The categories an adjustment raises only with the agency's approval.
    pub adjust_approval: Vec<Category>,
    pub unspent: Unspent,
    /// The language of its award letters unless the officer picks the other (Chinese).
    pub letter_lang: crate::lang::Lang,
}

/// A stored call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    pub id: i64,
    pub status: CallStatus,
    /// Budget years of a proposal (a 24-month call has years 1 and 2).
    pub years: u32,
    /// What may be done with it in its state (derived from the status, for front ends).
    pub actions: CallActions,
    #[serde(flatten)]
    pub spec: CallSpec,
    pub created_at: String,
    pub updated_at: String,
}

/// What a call has already committed: the proposed (or issued) awards, their sum and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Committed {
    pub amount: Money,
    pub awards: usize,
}

impl CallSpec {
    /// A new definition may not leave what the call has committed above its budget or cap:
    /// each refusal names both figures.
    pub fn covers(&self, committed: Committed) -> Vec<Invalid> {
        let mut out = Vec::new();
        if self.total_budget < committed.amount {
            let (b, c) = (
                self.total_budget.format_yuan(),
                committed.amount.format_yuan(),
            );
            out.push(Invalid::new(
                "total_budget",
                "below_committed",
                format!("总预算 {b} 低于已拟资助的 {c}，请先调整拟资助名单"),
                format!(
                    "the total budget of {b} is below the {c} already proposed: change the award list first"
                ),
            ));
        }
        if (self.max_awards as usize) < committed.awards {
            let (m, n) = (self.max_awards, committed.awards);
            out.push(Invalid::new(
                "max_awards",
                "below_committed",
                format!("资助项目数上限 {m} 少于已拟资助的 {n} 项，请先调整拟资助名单"),
                format!(
                    "at most {m} awards is fewer than the {n} already proposed: change the award list first"
                ),
            ));
        }
        out
    }

    /// Number of budget years (a 24-month call has years 1 and 2).
    pub fn years(&self) -> u32 {
        self.duration_months.div_ceil(12)
    }

    pub fn topic(&self, code: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.code == code)
    }

    /// The most indirect costs allowed on `base` (direct costs excluding equipment), summed
    /// tier by tier and rounded half-up to the fen once at the end.
    pub fn indirect_cap(&self, base: Money) -> Money {
        let mut lower = Decimal::ZERO;
        let mut total = Decimal::ZERO;
        let base = base.as_decimal();
        for tier in &self.indirect_tiers {
            let upper = tier.up_to.map_or(base, |u| u.as_decimal().min(base));
            if upper > lower {
                total += (upper - lower) * tier.rate.as_decimal() / Decimal::ONE_HUNDRED;
            }
            lower = lower.max(upper);
        }
        let rounded =
            total.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        // Never above `base`, so always representable.
        Money::from_yuan(rounded).unwrap_or(Money::ZERO)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicForm {
    pub code: Text,
    pub name_zh: Text,
    pub name_en: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CriterionForm {
    pub key: Text,
    pub name_zh: Text,
    pub name_en: Text,
    pub weight: Text,
    pub max_score: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierForm {
    pub up_to: Text,
    pub rate: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrancheForm {
    pub milestone: Text,
    pub share: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppropriationForm {
    pub year: Text,
    pub amount: Text,
}

/// A call as typed into a form or a TOML file: everything as text, checked by `validate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallForm {
    pub code: Text,
    pub title_zh: Text,
    pub title_en: Text,
    pub topics: Vec<TopicForm>,
    pub total_budget: Text,
    pub max_awards: Text,
    pub award_floor: Text,
    pub award_ceiling: Text,
    pub duration_months: Text,
    pub opens_on: Text,
    pub closes_on: Text,
    pub funding_mode: Text,
    pub min_reviewers: Text,
    pub max_proposals_per_applicant: Text,
    pub disagreement_threshold: Text,
    pub award_number_pattern: Text,
    pub rubric: Vec<CriterionForm>,
    pub indirect_tiers: Vec<TierForm>,
    pub tranches: Vec<TrancheForm>,
    pub appropriations: Vec<AppropriationForm>,
    /// Percent over an approved line before spending is flagged (default 10).
    pub spend_tolerance: Text,
    /// Categories whose increase needs the agency's approval, comma-separated
    /// (`equipment`); empty for none.
    pub adjust_approval: Text,
    /// `keep_if_passed` (default) or `recover`.
    pub unspent: Text,
    /// The language of the award letters: `zh` (default) or `en`.
    pub letter_lang: Text,
    /// The call's version when the form was loaded ([`crate::audit::version`]): an edit is
    /// refused when someone changed the call since. Absent in files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_version: Option<i64>,
}

impl CallForm {
    /// A new call as an agency usually starts one: itemised budget with the indirect-cost
    /// tiers of the 2021 reform (30% / 25% / 20%), a four-criterion rubric, tranches of
    /// 40/40/20 at signing, mid-term review and acceptance, three reviewers per proposal and
    /// one proposal per applicant. Code, titles, topics, amounts and dates are left to fill in.
    pub fn starter() -> CallForm {
        let t = |s: &str| Text::from(s);
        let criterion = |key: &str, zh: &str, en: &str, w: &str| CriterionForm {
            key: t(key),
            name_zh: t(zh),
            name_en: t(en),
            weight: t(w),
            max_score: t("10"),
        };
        CallForm {
            duration_months: t("24"),
            funding_mode: t("itemised"),
            min_reviewers: t("3"),
            max_proposals_per_applicant: t("1"),
            disagreement_threshold: t("15"),
            award_number_pattern: t(crate::decision::number::DEFAULT_PATTERN),
            spend_tolerance: t("10"),
            adjust_approval: t("equipment"),
            unspent: t("keep_if_passed"),
            letter_lang: t("zh"),
            topics: vec![TopicForm::default()],
            rubric: vec![
                criterion("innovation", "创新性", "Innovation", "30"),
                criterion("feasibility", "可行性", "Feasibility", "25"),
                criterion("team", "团队", "Team", "20"),
                criterion("impact", "应用前景", "Impact", "25"),
            ],
            indirect_tiers: vec![
                TierForm {
                    up_to: t("5000000"),
                    rate: t("30"),
                },
                TierForm {
                    up_to: t("10000000"),
                    rate: t("25"),
                },
                TierForm {
                    up_to: Text::default(),
                    rate: t("20"),
                },
            ],
            tranches: vec![
                TrancheForm {
                    milestone: t("signing"),
                    share: t("40"),
                },
                TrancheForm {
                    milestone: t("midterm"),
                    share: t("40"),
                },
                TrancheForm {
                    milestone: t("acceptance"),
                    share: t("20"),
                },
            ],
            ..CallForm::default()
        }
    }
}

/// Shares that must make up exactly 100% (rubric weights, tranche shares).
fn whole_hundred(
    c: &mut Checks,
    field: &str,
    rule: &'static str,
    shares: impl Iterator<Item = Percent>,
    what_zh: &str,
    what_en: &str,
) {
    let total: u32 = shares.map(Percent::basis_points).sum();
    if total != 10_000 {
        let sum = Decimal::new(i64::from(total), 2).normalize();
        c.push(Invalid::new(
            field,
            rule,
            format!("{what_zh}合计为 {sum}%，应为 100%"),
            format!("{what_en} sum to {sum}%, not 100%"),
        ));
    }
}

fn int_in(
    checks: &mut Checks,
    field: &str,
    value: &Text,
    default: Option<u32>,
    min: u32,
    max: u32,
) -> Option<u32> {
    let s = value.as_str();
    if s.is_empty() {
        if default.is_none() {
            checks.push(required(field));
        }
        return default;
    }
    match s.parse::<u32>() {
        Ok(v) if (min..=max).contains(&v) => Some(v),
        _ => {
            checks.push(Invalid::new(
                field,
                "out_of_range",
                format!("“{s}”应为 {min} 到 {max} 之间的整数"),
                format!("\"{s}\" must be a whole number from {min} to {max}"),
            ));
            None
        }
    }
}

fn date(checks: &mut Checks, field: &str, value: &Text) -> Option<NaiveDate> {
    let s = value.as_str();
    if s.is_empty() {
        checks.push(required(field));
        return None;
    }
    let d = crate::store::parse_date(s);
    if d.is_none() {
        checks.push(Invalid::new(
            field,
            "date_format",
            format!("“{s}”不是有效日期（格式 YYYY-MM-DD）"),
            format!("\"{s}\" is not a valid date (YYYY-MM-DD)"),
        ));
    }
    d
}

fn money(checks: &mut Checks, field: &str, value: &Text) -> Option<Money> {
    checks.take(field, Money::parse(value.as_str()))
}

fn percent(checks: &mut Checks, field: &str, value: &Text) -> Option<Percent> {
    checks.take(field, Percent::parse(value.as_str()))
}

fn text(checks: &mut Checks, field: &str, value: &Text) -> String {
    checks.require_text(field, value.as_str());
    value.as_str().to_string()
}

impl CallForm {
    /// Checks every rule of a call definition and reports all broken ones at once.
    pub fn validate(&self) -> Result<CallSpec, CallError> {
        let mut c = Checks::default();
        let code = match CallCode::parse(self.code.as_str()) {
            Ok(code) => Some(code),
            Err(i) => {
                c.push(i);
                None
            }
        };
        let title_zh = text(&mut c, "title_zh", &self.title_zh);
        let title_en = text(&mut c, "title_en", &self.title_en);

        let topics = self.topics(&mut c);
        let total_budget = money(&mut c, "total_budget", &self.total_budget);
        if total_budget.is_some_and(Money::is_zero) {
            c.push(Invalid::new(
                "total_budget",
                "not_positive",
                "总预算必须大于零",
                "the total budget must be greater than zero",
            ));
        }
        let max_awards = int_in(&mut c, "max_awards", &self.max_awards, None, 1, 100_000);
        let award_floor = if self.award_floor.as_str().is_empty() {
            Some(Money::ZERO)
        } else {
            money(&mut c, "award_floor", &self.award_floor)
        };
        let award_ceiling = if self.award_ceiling.as_str().is_empty() {
            total_budget
        } else {
            money(&mut c, "award_ceiling", &self.award_ceiling)
        };
        if let (Some(floor), Some(ceiling)) = (award_floor, award_ceiling)
            && floor > ceiling
        {
            c.push(Invalid::new(
                "award_floor",
                "floor_above_ceiling",
                format!(
                    "单项资助下限 {} 高于上限 {}",
                    floor.format_yuan(),
                    ceiling.format_yuan()
                ),
                format!(
                    "the award floor {} is above the award ceiling {}",
                    floor.format_yuan(),
                    ceiling.format_yuan()
                ),
            ));
        }
        if let (Some(ceiling), Some(budget)) = (award_ceiling, total_budget)
            && ceiling > budget
        {
            c.push(Invalid::new(
                "award_ceiling",
                "ceiling_above_budget",
                format!(
                    "单项资助上限 {} 高于总预算 {}",
                    ceiling.format_yuan(),
                    budget.format_yuan()
                ),
                format!(
                    "the award ceiling {} is above the total budget {}",
                    ceiling.format_yuan(),
                    budget.format_yuan()
                ),
            ));
        }
        let duration_months = int_in(
            &mut c,
            "duration_months",
            &self.duration_months,
            None,
            1,
            120,
        );
        let opens_on = date(&mut c, "opens_on", &self.opens_on);
        let closes_on = date(&mut c, "closes_on", &self.closes_on);
        if let (Some(o), Some(cl)) = (opens_on, closes_on)
            && o >= cl
        {
            c.push(Invalid::new(
                "closes_on",
                "closes_before_opening",
                format!("截止日期 {cl} 须晚于开始受理日期 {o}"),
                format!("the closing date {cl} must be after the opening date {o}"),
            ));
        }
        let funding_mode = match self.funding_mode.as_str() {
            "" => Some(FundingMode::Itemised),
            s => {
                let m = FundingMode::parse(s);
                if m.is_none() {
                    c.push(Invalid::new(
                        "funding_mode",
                        "funding_mode_unknown",
                        format!("“{s}”不是资助方式；应为 itemised（预算制）或 lump_sum（包干制）"),
                        format!("\"{s}\" is not a funding mode; use itemised or lump_sum"),
                    ));
                }
                m
            }
        };
        let min_reviewers = int_in(&mut c, "min_reviewers", &self.min_reviewers, Some(3), 1, 50);
        let max_per_applicant = int_in(
            &mut c,
            "max_proposals_per_applicant",
            &self.max_proposals_per_applicant,
            Some(1),
            1,
            1000,
        );
        let disagreement_threshold = match self.disagreement_threshold.as_str() {
            "" => Some(Percent::from_basis_points(1500).unwrap_or_default()),
            s => c.take("disagreement_threshold", Percent::parse(s)),
        };
        let award_number_pattern = match self.award_number_pattern.as_str() {
            "" => crate::decision::number::DEFAULT_PATTERN.to_string(),
            p => match crate::decision::number::NumberPattern::parse(p) {
                Ok(p) => p.as_str().to_string(),
                Err(i) => {
                    c.push(i);
                    String::new()
                }
            },
        };
        let rubric = self.rubric(&mut c);
        let indirect_tiers = self.tiers(&mut c, funding_mode);
        let tranches = self.tranches(&mut c);
        let appropriations = self.appropriations(&mut c, total_budget);
        let (spend_tolerance, adjust_approval, unspent) = self.spending(&mut c);
        let letter_lang = match self.letter_lang.as_str() {
            "" => crate::lang::Lang::Zh,
            s => crate::lang::Lang::parse(s)
                .filter(|_| matches!(s, "zh" | "en"))
                .unwrap_or_else(|| {
                    c.push(Invalid::new(
                        "letter_lang",
                        "letter_lang_unknown",
                        format!("“{s}”不是通知书语言；应为 zh 或 en"),
                        format!("\"{s}\" is not a language for the letters; use zh or en"),
                    ));
                    crate::lang::Lang::Zh
                }),
        };

        match (
            code,
            total_budget,
            max_awards,
            award_floor,
            award_ceiling,
            duration_months,
            opens_on,
            closes_on,
            funding_mode,
            min_reviewers,
            max_per_applicant,
            disagreement_threshold,
        ) {
            (
                Some(code),
                Some(total_budget),
                Some(max_awards),
                Some(award_floor),
                Some(award_ceiling),
                Some(duration_months),
                Some(opens_on),
                Some(closes_on),
                Some(funding_mode),
                Some(min_reviewers),
                Some(max_proposals_per_applicant),
                Some(disagreement_threshold),
            ) if c.is_empty() => Ok(CallSpec {
                code,
                title_zh,
                title_en,
                topics,
                total_budget,
                max_awards,
                award_floor,
                award_ceiling,
                duration_months,
                opens_on,
                closes_on,
                funding_mode,
                min_reviewers,
                max_proposals_per_applicant,
                disagreement_threshold,
                award_number_pattern,
                rubric,
                indirect_tiers,
                tranches,
                appropriations,
                spend_tolerance,
                adjust_approval,
                unspent,
                letter_lang,
            }),
            _ => Err(CallError::Invalid(c.0)),
        }
    }

    /// The spending rules; empty fields take the defaults (10%, equipment, keep if passed).
    fn spending(&self, c: &mut Checks) -> (Percent, Vec<Category>, Unspent) {
        let tolerance = match self.spend_tolerance.as_str() {
            "" => Percent::from_basis_points(1000).unwrap_or_default(),
            s => c
                .take("spend_tolerance", Percent::parse(s))
                .unwrap_or_default(),
        };
        let mut approval = Vec::new();
        for word in self
            .adjust_approval
            .as_str()
            .split([',', '，', '、', ' '])
            .filter(|w| !w.trim().is_empty())
        {
            match Category::parse(word) {
                Some(Category::Indirect) => c.push(Invalid::new(
                    "adjust_approval",
                    "indirect_never_raised",
                    "间接费用不得调增，无需设置审批",
                    "indirect costs are never raised: they need no approval setting",
                )),
                Some(cat) if !approval.contains(&cat) => approval.push(cat),
                Some(_) => {}
                None => c.push(Invalid::new(
                    "adjust_approval",
                    "category_unknown",
                    format!(
                        "“{}”不是预算科目；应为 equipment、operations 或 personnel",
                        word.trim()
                    ),
                    format!(
                        "\"{}\" is not a budget category; use equipment, operations or personnel",
                        word.trim()
                    ),
                )),
            }
        }
        let unspent = match self.unspent.as_str() {
            "" => Unspent::KeepIfPassed,
            s => Unspent::parse(s).unwrap_or_else(|| {
                c.push(Invalid::new(
                    "unspent",
                    "unspent_unknown",
                    format!("“{s}”不是结余资金处理方式；应为 keep_if_passed 或 recover"),
                    format!(
                        "\"{s}\" is not a rule for unspent balances; use keep_if_passed or recover"
                    ),
                ));
                Unspent::KeepIfPassed
            }),
        };
        (tolerance, approval, unspent)
    }

    fn topics(&self, c: &mut Checks) -> Vec<Topic> {
        if self.topics.is_empty() {
            c.push(Invalid::new(
                "topics",
                "required",
                "至少需要一个研究方向",
                "at least one topic area is required",
            ));
        }
        let mut out: Vec<Topic> = Vec::new();
        for (i, t) in self.topics.iter().enumerate() {
            let field = format!("topics[{}]", i + 1);
            let code = t.code.as_str().to_ascii_uppercase();
            let valid = !code.is_empty()
                && code.len() <= 16
                && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if code.is_empty() {
                c.push(required(&format!("{field}.code")));
            } else if !valid {
                c.push(Invalid::new(
                    format!("{field}.code"),
                    "topic_code_format",
                    format!("研究方向代码“{code}”应为 1–16 位字母、数字或连字符"),
                    format!("topic code \"{code}\" must be 1–16 letters, digits or dashes"),
                ));
            } else if out.iter().any(|o| o.code == code) {
                c.push(Invalid::new(
                    format!("{field}.code"),
                    "duplicate",
                    format!("研究方向代码“{code}”重复"),
                    format!("topic code \"{code}\" appears twice"),
                ));
            }
            let name_zh = text(c, &format!("{field}.name_zh"), &t.name_zh);
            let name_en = text(c, &format!("{field}.name_en"), &t.name_en);
            out.push(Topic {
                code,
                name_zh,
                name_en,
            });
        }
        out
    }

    fn rubric(&self, c: &mut Checks) -> Vec<Criterion> {
        let mut out: Vec<Criterion> = Vec::new();
        for (i, r) in self.rubric.iter().enumerate() {
            let field = format!("rubric[{}]", i + 1);
            let key = text(c, &format!("{field}.key"), &r.key);
            if out.iter().any(|o| o.key == key) {
                c.push(Invalid::new(
                    format!("{field}.key"),
                    "duplicate",
                    format!("评审指标“{key}”重复"),
                    format!("criterion \"{key}\" appears twice"),
                ));
            }
            let name_zh = text(c, &format!("{field}.name_zh"), &r.name_zh);
            let name_en = text(c, &format!("{field}.name_en"), &r.name_en);
            let weight = percent(c, &format!("{field}.weight"), &r.weight);
            let max_score = int_in(
                c,
                &format!("{field}.max_score"),
                &r.max_score,
                Some(10),
                1,
                1000,
            );
            if let (Some(weight), Some(max_score)) = (weight, max_score) {
                out.push(Criterion {
                    key,
                    name_zh,
                    name_en,
                    weight,
                    max_score,
                });
            }
        }
        if !self.rubric.is_empty() && out.len() == self.rubric.len() {
            let shares = out.iter().map(|c| c.weight);
            whole_hundred(
                c,
                "rubric",
                "weights_not_100",
                shares,
                "评审指标权重",
                "the rubric weights",
            );
        }
        out
    }

    fn tiers(&self, c: &mut Checks, mode: Option<FundingMode>) -> Vec<IndirectTier> {
        let mut out: Vec<IndirectTier> = Vec::new();
        if mode == Some(FundingMode::Itemised) && self.indirect_tiers.is_empty() {
            c.push(Invalid::new(
                "indirect_tiers",
                "required",
                "预算制资助计划须设定间接费用比例上限",
                "an itemised call needs the tiers of its indirect-cost cap",
            ));
        }
        let n = self.indirect_tiers.len();
        let mut previous: Option<Money> = None;
        for (i, t) in self.indirect_tiers.iter().enumerate() {
            let field = format!("indirect_tiers[{}]", i + 1);
            let last = i + 1 == n;
            let up_to = if t.up_to.as_str().is_empty() {
                None
            } else {
                money(c, &format!("{field}.up_to"), &t.up_to)
            };
            if last && !t.up_to.as_str().is_empty() {
                c.push(Invalid::new(
                    format!("{field}.up_to"),
                    "last_tier_bounded",
                    "最后一档不应设上限（适用于超出前几档的全部部分）",
                    "the last tier must have no upper bound (it covers everything above)",
                ));
            }
            if !last && t.up_to.as_str().is_empty() {
                c.push(Invalid::new(
                    format!("{field}.up_to"),
                    "tier_unbounded",
                    "只有最后一档可以不设上限",
                    "only the last tier may have no upper bound",
                ));
            }
            if let Some(u) = up_to {
                if u.is_zero() || previous.is_some_and(|p| u <= p) {
                    c.push(Invalid::new(
                        format!("{field}.up_to"),
                        "tiers_not_increasing",
                        "各档上限须大于零并逐档递增",
                        "tier bounds must be above zero and increase from tier to tier",
                    ));
                }
                previous = Some(u);
            }
            let rate = percent(c, &format!("{field}.rate"), &t.rate);
            if let Some(rate) = rate {
                out.push(IndirectTier { up_to, rate });
            }
        }
        out
    }

    fn tranches(&self, c: &mut Checks) -> Vec<TrancheShare> {
        let mut out = Vec::new();
        for (i, t) in self.tranches.iter().enumerate() {
            let field = format!("tranches[{}]", i + 1);
            let milestone = Milestone::parse(t.milestone.as_str());
            if milestone.is_none() {
                c.push(Invalid::new(
                    format!("{field}.milestone"),
                    "milestone_unknown",
                    format!(
                        "“{}”不是拨付节点；应为 signing（签订任务书）、midterm（中期检查）或 acceptance（验收）",
                        t.milestone.as_str()
                    ),
                    format!(
                        "\"{}\" is not a milestone; use signing, midterm or acceptance",
                        t.milestone.as_str()
                    ),
                ));
            }
            let share = percent(c, &format!("{field}.share"), &t.share);
            if let (Some(milestone), Some(share)) = (milestone, share) {
                out.push(TrancheShare { milestone, share });
            }
        }
        if !out.is_empty() && out.len() == self.tranches.len() {
            let shares = out.iter().map(|t| t.share);
            whole_hundred(
                c,
                "tranches",
                "shares_not_100",
                shares,
                "拨付批次比例",
                "the tranche shares",
            );
        }
        out
    }

    fn appropriations(&self, c: &mut Checks, budget: Option<Money>) -> Vec<Appropriation> {
        let mut out: Vec<Appropriation> = Vec::new();
        for (i, a) in self.appropriations.iter().enumerate() {
            let field = format!("appropriations[{}]", i + 1);
            let year = int_in(c, &format!("{field}.year"), &a.year, None, 2000, 2200);
            let amount = money(c, &format!("{field}.amount"), &a.amount);
            if let (Some(year), Some(amount)) = (year, amount) {
                let year = year as i32;
                if out.iter().any(|o| o.year == year) {
                    c.push(Invalid::new(
                        format!("{field}.year"),
                        "duplicate",
                        format!("{year} 年度预算重复"),
                        format!("the appropriation for {year} appears twice"),
                    ));
                }
                out.push(Appropriation { year, amount });
            }
        }
        if let Some(budget) = budget
            && !out.is_empty()
            && out.len() == self.appropriations.len()
        {
            let sum = Money::checked_sum(out.iter().map(|a| a.amount));
            if sum != Some(budget) {
                let shown = sum.map_or_else(|| "—".to_string(), Money::format_yuan);
                c.push(Invalid::new(
                    "appropriations",
                    "appropriations_not_budget",
                    format!(
                        "年度预算合计 {shown} 与总预算 {} 不符",
                        budget.format_yuan()
                    ),
                    format!(
                        "the annual appropriations sum to {shown}, not the total budget {}",
                        budget.format_yuan()
                    ),
                ));
            }
        }
        out
    }
}

impl From<&CallSpec> for CallForm {
    /// The form that reproduces a spec, for editing.
    fn from(s: &CallSpec) -> CallForm {
        let t = |v: String| Text(v);
        CallForm {
            seen_version: None,
            code: t(s.code.to_string()),
            title_zh: t(s.title_zh.clone()),
            title_en: t(s.title_en.clone()),
            topics: s
                .topics
                .iter()
                .map(|x| TopicForm {
                    code: t(x.code.clone()),
                    name_zh: t(x.name_zh.clone()),
                    name_en: t(x.name_en.clone()),
                })
                .collect(),
            total_budget: t(s.total_budget.to_string()),
            max_awards: t(s.max_awards.to_string()),
            award_floor: t(s.award_floor.to_string()),
            award_ceiling: t(s.award_ceiling.to_string()),
            duration_months: t(s.duration_months.to_string()),
            opens_on: t(crate::store::date_text(s.opens_on)),
            closes_on: t(crate::store::date_text(s.closes_on)),
            funding_mode: t(s.funding_mode.as_str().to_string()),
            min_reviewers: t(s.min_reviewers.to_string()),
            max_proposals_per_applicant: t(s.max_proposals_per_applicant.to_string()),
            disagreement_threshold: t(s.disagreement_threshold.as_decimal().to_string()),
            award_number_pattern: t(s.award_number_pattern.clone()),
            rubric: s
                .rubric
                .iter()
                .map(|r| CriterionForm {
                    key: t(r.key.clone()),
                    name_zh: t(r.name_zh.clone()),
                    name_en: t(r.name_en.clone()),
                    weight: t(r.weight.as_decimal().to_string()),
                    max_score: t(r.max_score.to_string()),
                })
                .collect(),
            indirect_tiers: s
                .indirect_tiers
                .iter()
                .map(|x| TierForm {
                    up_to: t(x.up_to.map(|m| m.to_string()).unwrap_or_default()),
                    rate: t(x.rate.as_decimal().to_string()),
                })
                .collect(),
            tranches: s
                .tranches
                .iter()
                .map(|x| TrancheForm {
                    milestone: t(x.milestone.as_str().to_string()),
                    share: t(x.share.as_decimal().to_string()),
                })
                .collect(),
            appropriations: s
                .appropriations
                .iter()
                .map(|x| AppropriationForm {
                    year: t(x.year.to_string()),
                    amount: t(x.amount.to_string()),
                })
                .collect(),
            spend_tolerance: t(s.spend_tolerance.as_decimal().to_string()),
            adjust_approval: t(s
                .adjust_approval
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")),
            unspent: t(s.unspent.as_str().to_string()),
            letter_lang: t(s.letter_lang.pick("zh", "en").to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
