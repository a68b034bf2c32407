//! What officers type for disbursement, as text, checked field by field into the values the
//! use cases need. Dates left empty mean the day of the request (the stamp's date).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::schedule::Edit;
use super::{DisbursementError, Outcome};
use crate::error::{Checks, Invalid, required};
use crate::form::Text;
use crate::money::Money;
use crate::store::parse_date;

fn date(c: &mut Checks, field: &str, t: &Text, default: NaiveDate) -> Option<NaiveDate> {
    if t.as_str().is_empty() {
        return Some(default);
    }
    let d = parse_date(t.as_str());
    if d.is_none() {
        c.push(Invalid::new(
            field,
            "date_format",
            format!("“{}”不是有效日期（格式 YYYY-MM-DD）", t.as_str()),
            format!("\"{}\" is not a valid date (YYYY-MM-DD)", t.as_str()),
        ));
    }
    d
}

fn not_after_today(c: &mut Checks, field: &str, d: Option<NaiveDate>, today: NaiveDate) {
    if let Some(d) = d.filter(|d| *d > today) {
        c.push(Invalid::new(
            field,
            "date_in_future",
            format!("日期 {d} 晚于今天 {today}：只能记录已发生的事"),
            format!("{d} is after today ({today}): only what has happened is recorded"),
        ));
    }
}

fn money(c: &mut Checks, field: &str, t: &Text) -> Option<Money> {
    if t.as_str().is_empty() {
        c.push(required(field));
        return None;
    }
    let m = c.take(field, Money::parse(t.as_str()))?;
    if m.is_zero() {
        c.push(Invalid::new(
            field,
            "amount_zero",
            "金额须大于零",
            "the amount must be above zero",
        ));
        return None;
    }
    Some(m)
}

fn position(c: &mut Checks, field: &str, t: &Text) -> Option<u32> {
    match t.as_str().trim_start_matches('#').parse::<u32>() {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            c.push(Invalid::new(
                field,
                "tranche_number",
                format!("“{}”不是拨款批次序号（1、2、3 …）", t.as_str()),
                format!("\"{}\" is not a tranche number (1, 2, 3 …)", t.as_str()),
            ));
            None
        }
    }
}

fn done<T>(c: Checks, v: Option<T>) -> Result<T, DisbursementError> {
    match v {
        Some(v) if c.is_empty() => Ok(v),
        _ => Err(DisbursementError::Invalid(c.0)),
    }
}

/// Approve (part of) a tranche for payment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApproveForm {
    pub award: Text,
    pub tranche: Text,
    /// Empty: all that is still open of the tranche.
    #[serde(default)]
    pub amount: Text,
}

impl ApproveForm {
    pub(crate) fn check(&self) -> Result<(u32, Option<Money>), DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        let n = position(&mut c, "tranche", &self.tranche);
        let amount = if self.amount.as_str().is_empty() {
            Some(None)
        } else {
            money(&mut c, "amount", &self.amount).map(Some)
        };
        done(c, n.zip(amount))
    }
}

/// A payment made (or failed, or cancelled): which, when, the bank's reference or the reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PaidForm {
    pub payment: Text,
    /// The date of payment; empty for today.
    #[serde(default)]
    pub on: Text,
    /// The bank's reference (paid), or why it failed or was cancelled.
    #[serde(default)]
    pub note: Text,
}

pub(crate) struct Paid {
    pub id: i64,
    pub on: NaiveDate,
    pub note: String,
}

impl PaidForm {
    /// `note_required`: the bank's reference of a payment made, the reason of a failure or
    /// a cancellation.
    pub(crate) fn check(
        &self,
        today: NaiveDate,
        note_required: bool,
    ) -> Result<Paid, DisbursementError> {
        let mut c = Checks::default();
        let id = match self.payment.as_str().trim_start_matches('#').parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                c.push(Invalid::new(
                    "payment",
                    "payment_number",
                    format!("“{}”不是拨款记录编号", self.payment.as_str()),
                    format!("\"{}\" is not a payment number", self.payment.as_str()),
                ));
                None
            }
        };
        let on = date(&mut c, "on", &self.on, today);
        not_after_today(&mut c, "on", on, today);
        if note_required {
            c.require_text("note", self.note.as_str());
        }
        let v = id.zip(on).map(|(id, on)| Paid {
            id,
            on,
            note: self.note.as_str().to_string(),
        });
        done(c, v)
    }
}

/// Money recovered from a grantee (收回), with its reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ClawbackForm {
    pub award: Text,
    pub amount: Text,
    pub reason: Text,
    #[serde(default)]
    pub on: Text,
}

impl ClawbackForm {
    pub(crate) fn check(
        &self,
        today: NaiveDate,
    ) -> Result<(Money, NaiveDate, String), DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        let amount = money(&mut c, "amount", &self.amount);
        c.require_text("reason", self.reason.as_str());
        let on = date(&mut c, "on", &self.on, today);
        not_after_today(&mut c, "on", on, today);
        let v = amount
            .zip(on)
            .map(|(a, on)| (a, on, self.reason.as_str().to_string()));
        done(c, v)
    }
}

/// The outcome of a milestone: which (signing, midterm, acceptance or an added one's name),
/// the outcome, its date, and for a conditional pass the date the conditions are due.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OutcomeForm {
    pub award: Text,
    pub milestone: Text,
    pub outcome: Text,
    #[serde(default)]
    pub decided_on: Text,
    #[serde(default)]
    pub rectify_by: Text,
    #[serde(default)]
    pub note: Text,
}

pub(crate) struct Decision {
    pub outcome: Outcome,
    pub on: NaiveDate,
    pub rectify_by: Option<NaiveDate>,
}

impl OutcomeForm {
    pub(crate) fn check(&self, today: NaiveDate) -> Result<Decision, DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        c.require_text("milestone", self.milestone.as_str());
        let outcome = Outcome::parse(self.outcome.as_str());
        if outcome.is_none() {
            c.push(Invalid::new(
                "outcome",
                "unknown_outcome",
                format!(
                    "“{}”不是结论；应为 passed（通过）、conditional（限期整改）或 failed（不通过）",
                    self.outcome.as_str()
                ),
                format!(
                    "\"{}\" is not an outcome; use passed, conditional or failed",
                    self.outcome.as_str()
                ),
            ));
        }
        let on = date(&mut c, "decided_on", &self.decided_on, today);
        not_after_today(&mut c, "decided_on", on, today);
        let mut rectify_by = None;
        if outcome == Some(Outcome::Conditional) {
            if self.rectify_by.as_str().is_empty() {
                c.push(Invalid::new(
                    "rectify_by",
                    "required",
                    "限期整改须写明整改期限",
                    "a conditional pass needs the date the conditions are due",
                ));
            } else {
                rectify_by = date(&mut c, "rectify_by", &self.rectify_by, today);
                if let (Some(r), Some(on)) = (rectify_by, on)
                    && r <= on
                {
                    c.push(Invalid::new(
                        "rectify_by",
                        "rectify_before_decision",
                        format!("整改期限 {r} 须晚于结论日期 {on}"),
                        format!("the conditions' date {r} must be after the decision on {on}"),
                    ));
                }
            }
        }
        let v = outcome.zip(on).map(|(outcome, on)| Decision {
            outcome,
            on,
            rectify_by,
        });
        done(c, v)
    }
}

/// An extra milestone an officer adds (e.g. an on-site inspection), with its due date.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct MilestoneForm {
    pub award: Text,
    pub name: Text,
    pub due_on: Text,
}

impl MilestoneForm {
    pub(crate) fn check(&self) -> Result<(String, NaiveDate), DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        c.require_text("name", self.name.as_str());
        for kind in super::MilestoneKind::ALL {
            if [kind.as_str(), kind.label(crate::Lang::Zh)].contains(&self.name.as_str()) {
                c.push(Invalid::new(
                    "name",
                    "name_taken",
                    format!("“{}”是标准节点的名称，请另起名称", self.name.as_str()),
                    format!(
                        "\"{}\" names a standard milestone: choose another name",
                        self.name.as_str()
                    ),
                ));
            }
        }
        let due = if self.due_on.as_str().is_empty() {
            c.push(required("due_on"));
            None
        } else {
            date(&mut c, "due_on", &self.due_on, NaiveDate::MIN)
        };
        done(c, due.map(|d| (self.name.as_str().to_string(), d)))
    }
}

/// A milestone moved to a new due date (a review rescheduled).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct MoveMilestoneForm {
    pub award: Text,
    pub milestone: Text,
    pub due_on: Text,
}

impl MoveMilestoneForm {
    pub(crate) fn check(&self) -> Result<NaiveDate, DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        c.require_text("milestone", self.milestone.as_str());
        let due = if self.due_on.as_str().is_empty() {
            c.push(required("due_on"));
            None
        } else {
            date(&mut c, "due_on", &self.due_on, NaiveDate::MIN)
        };
        done(c, due)
    }
}

/// A change to one award's schedule: `split`, `move`, `gate`, `transfer` or `merge`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EditForm {
    pub award: Text,
    pub action: Text,
    pub tranche: Text,
    /// The other tranche of a transfer or a merge.
    #[serde(default)]
    pub to: Text,
    #[serde(default)]
    pub amount: Text,
    #[serde(default)]
    pub due_on: Text,
    /// The gate: a milestone (signing, midterm, acceptance, an added one's name) or `none`.
    #[serde(default)]
    pub milestone: Text,
    /// The schedule's version the page showed ([`super::AwardFinance::schedule_version`]): a
    /// change is refused when someone reshaped the schedule since (tranche numbers may have
    /// moved). Absent from the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_version: Option<i64>,
}

impl EditForm {
    /// The edit, with the gate still as text (the store resolves a milestone's name).
    pub(crate) fn check(&self) -> Result<Edit, DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        let n = position(&mut c, "tranche", &self.tranche);
        let due = |c: &mut Checks| {
            if self.due_on.as_str().is_empty() {
                c.push(required("due_on"));
                None
            } else {
                date(c, "due_on", &self.due_on, NaiveDate::MIN)
            }
        };
        let edit = match self.action.as_str() {
            "split" | "add" => {
                let amount = money(&mut c, "amount", &self.amount);
                let due_on = if self.due_on.as_str().is_empty() {
                    Some(None)
                } else {
                    date(&mut c, "due_on", &self.due_on, NaiveDate::MIN).map(Some)
                };
                n.zip(amount).zip(due_on).map(|((t, a), d)| Edit::Split {
                    tranche: t,
                    amount: a,
                    due_on: d,
                    // The store fills in the gate named, if one is.
                    gate: None,
                })
            }
            "move" => n.zip(due(&mut c)).map(|(t, d)| Edit::Move {
                tranche: t,
                due_on: d,
            }),
            "gate" => {
                if self.milestone.as_str().is_empty() {
                    c.push(required("milestone"));
                }
                n.map(|t| Edit::Regate {
                    tranche: t,
                    gate: None,
                })
            }
            "transfer" => {
                let to = position(&mut c, "to", &self.to);
                let amount = money(&mut c, "amount", &self.amount);
                n.zip(to).zip(amount).map(|((f, t), a)| Edit::Transfer {
                    from: f,
                    to: t,
                    amount: a,
                })
            }
            "merge" => {
                let to = position(&mut c, "to", &self.to);
                n.zip(to).map(|(t, i)| Edit::Merge {
                    tranche: t,
                    into: i,
                })
            }
            other => {
                c.push(Invalid::new(
                    "action",
                    "unknown_action",
                    format!("“{other}”不是调整方式；应为 split、move、gate、transfer 或 merge"),
                    format!(
                        "\"{other}\" is not a change; use split, move, gate, transfer or merge"
                    ),
                ));
                None
            }
        };
        done(c, edit)
    }
}

/// One category's spending in a report.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LineForm {
    pub category: Text,
    pub amount: Text,
}

/// A spending report (经费使用情况报告) for one project year; the last year's is the final
/// report (决算), and an earlier one may be marked final when an award ends early.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReportForm {
    pub award: Text,
    pub year: Text,
    #[serde(default)]
    pub r#final: Text,
    #[serde(default)]
    pub submitted_on: Text,
    #[serde(default)]
    pub note: Text,
    pub lines: Vec<LineForm>,
}

pub(crate) struct ReportInput {
    pub year: u32,
    pub is_final: bool,
    pub submitted_on: NaiveDate,
    pub lines: Vec<(crate::proposal::Category, Money)>,
}

fn category(c: &mut Checks, field: &str, t: &Text) -> Option<crate::proposal::Category> {
    let cat = crate::proposal::Category::parse(t.as_str());
    if cat.is_none() {
        c.push(Invalid::new(
            field,
            "category_unknown",
            format!(
                "“{}”不是预算科目；应为 equipment（设备费）、operations（业务费）、personnel（劳务费）或 indirect（间接费用）",
                t.as_str()
            ),
            format!(
                "\"{}\" is not a budget category; use equipment, operations, personnel or indirect",
                t.as_str()
            ),
        ));
    }
    cat
}

fn year(c: &mut Checks, t: &Text, years: u32, default: u32) -> Option<u32> {
    if t.as_str().is_empty() {
        return Some(default);
    }
    match t.as_str().parse::<u32>() {
        Ok(y) if (1..=years).contains(&y) => Some(y),
        _ => {
            c.push(Invalid::new(
                "year",
                "year_out_of_range",
                format!("“{}”不是项目年度；应为 1 – {years}", t.as_str()),
                format!("\"{}\" is not a project year; use 1 to {years}", t.as_str()),
            ));
            None
        }
    }
}

fn flag(t: &Text) -> bool {
    matches!(t.as_str(), "true" | "yes" | "1" | "是" | "on")
}

impl ReportForm {
    pub(crate) fn check(
        &self,
        today: NaiveDate,
        years: u32,
    ) -> Result<ReportInput, DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        let y = if self.year.as_str().is_empty() {
            c.push(required("year"));
            None
        } else {
            year(&mut c, &self.year, years, 1)
        };
        let on = date(&mut c, "submitted_on", &self.submitted_on, today);
        not_after_today(&mut c, "submitted_on", on, today);
        let mut lines: Vec<(crate::proposal::Category, Money)> = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let f = format!("lines[{}]", i + 1);
            let cat = category(&mut c, &format!("{f}.category"), &l.category);
            let amount = if l.amount.as_str().is_empty() {
                Some(Money::ZERO)
            } else {
                c.take(&format!("{f}.amount"), Money::parse(l.amount.as_str()))
            };
            if let (Some(cat), Some(amount)) = (cat, amount) {
                if lines.iter().any(|x| x.0 == cat) {
                    c.push(Invalid::new(
                        format!("{f}.category"),
                        "category_twice",
                        format!("{}出现了两次", cat.label(crate::Lang::Zh)),
                        format!("{} appears twice", cat.label(crate::Lang::En)),
                    ));
                } else {
                    lines.push((cat, amount));
                }
            }
        }
        let v = y.zip(on).map(|(year, on)| ReportInput {
            year,
            is_final: flag(&self.r#final) || year == years,
            submitted_on: on,
            lines,
        });
        done(c, v)
    }
}

/// A budget adjustment (预算调剂): move an amount between categories in a budget year.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AdjustForm {
    pub award: Text,
    /// The budget year (default: the project year of today).
    #[serde(default)]
    pub year: Text,
    pub from: Text,
    pub to: Text,
    pub amount: Text,
    pub reason: Text,
}

pub(crate) struct AdjustInput {
    pub year: u32,
    pub from: crate::proposal::Category,
    pub to: crate::proposal::Category,
    pub amount: Money,
    pub reason: String,
}

impl AdjustForm {
    pub(crate) fn check(&self, years: u32, current: u32) -> Result<AdjustInput, DisbursementError> {
        let mut c = Checks::default();
        c.require_text("award", self.award.as_str());
        let y = year(&mut c, &self.year, years, current);
        let from = category(&mut c, "from", &self.from);
        let to = category(&mut c, "to", &self.to);
        let amount = money(&mut c, "amount", &self.amount);
        c.require_text("reason", self.reason.as_str());
        let v = y
            .zip(from)
            .zip(to)
            .zip(amount)
            .map(|(((year, from), to), amount)| AdjustInput {
                year,
                from,
                to,
                amount,
                reason: self.reason.as_str().to_string(),
            });
        done(c, v)
    }
}

/// The agency's decision on an adjustment that needs its approval.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AdjustDecisionForm {
    pub adjustment: Text,
    /// `approve` or `refuse`.
    pub decision: Text,
    #[serde(default)]
    pub note: Text,
}

impl AdjustDecisionForm {
    pub(crate) fn check(&self) -> Result<(i64, bool), DisbursementError> {
        let mut c = Checks::default();
        let id = self
            .adjustment
            .as_str()
            .trim_start_matches('#')
            .parse::<i64>()
            .ok();
        if id.is_none() {
            c.push(Invalid::new(
                "adjustment",
                "adjustment_number",
                format!("“{}”不是调剂申请编号", self.adjustment.as_str()),
                format!(
                    "\"{}\" is not an adjustment number",
                    self.adjustment.as_str()
                ),
            ));
        }
        let approve = match self.decision.as_str() {
            "approve" | "批准" => Some(true),
            "refuse" | "不批准" => Some(false),
            other => {
                c.push(Invalid::new(
                    "decision",
                    "unknown_decision",
                    format!("“{other}”不是审批意见；应为 approve（批准）或 refuse（不批准）"),
                    format!("\"{other}\" is not a decision; use approve or refuse"),
                ));
                None
            }
        };
        if approve == Some(false) {
            c.require_text("note", self.note.as_str());
        }
        done(c, id.zip(approve))
    }
}

/// Close-out (结题): settles the award from its final report.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CloseoutForm {
    pub award: Text,
    #[serde(default)]
    pub note: Text,
}
