//! Spending against budget (经费使用情况) and budget adjustments (预算调剂). Pure: the
//! approved budget as it stands (the award's lines plus its effective adjustments), the
//! reports' spending by category with what is left or over, the flags an officer must see,
//! and the reports an award owes.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Msg};
use crate::lang::Lang;
use crate::money::{Money, Rounding};
use crate::percent::Percent;
use crate::proposal::{BudgetLine, Category};

fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap_or(a)
}

fn sub(a: Money, b: Money) -> Money {
    a.checked_sub(b).unwrap_or(Money::ZERO)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentStatus {
    /// 已备案: the institution's own decision, effective at once.
    Recorded,
    /// 待审批
    Requested,
    /// 已批准
    Approved,
    /// 未批准
    Refused,
}

impl AdjustmentStatus {
    pub const ALL: [AdjustmentStatus; 4] = [
        AdjustmentStatus::Recorded,
        AdjustmentStatus::Requested,
        AdjustmentStatus::Approved,
        AdjustmentStatus::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentStatus::Recorded => "recorded",
            AdjustmentStatus::Requested => "requested",
            AdjustmentStatus::Approved => "approved",
            AdjustmentStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<AdjustmentStatus> {
        AdjustmentStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AdjustmentStatus::Recorded => lang.pick("已备案", "recorded"),
            AdjustmentStatus::Requested => lang.pick("待审批", "awaiting approval"),
            AdjustmentStatus::Approved => lang.pick("已批准", "approved"),
            AdjustmentStatus::Refused => lang.pick("未批准", "refused"),
        }
    }

    /// Whether it changes the approved budget.
    pub fn effective(self) -> bool {
        matches!(
            self,
            AdjustmentStatus::Recorded | AdjustmentStatus::Approved
        )
    }
}

/// A budget adjustment: `amount` moved from one category to another in a budget year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    pub id: i64,
    pub year: u32,
    pub from: Category,
    pub to: Category,
    pub amount: Money,
    pub reason: String,
    pub status: AdjustmentStatus,
    pub requested_on: NaiveDate,
    pub requested_by: String,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub decision_note: String,
    /// The budget version it made (the award's lines are version 1), once effective.
    pub version: Option<u32>,
}

/// The approved budget after the effective adjustments, in order; numbers each effective
/// adjustment with the version it made.
pub fn current_budget(lines: &[BudgetLine], adjustments: &mut [Adjustment]) -> Vec<BudgetLine> {
    let mut out = lines.to_vec();
    let mut version = 1;
    for a in adjustments.iter_mut() {
        if !a.status.effective() {
            a.version = None;
            continue;
        }
        version += 1;
        a.version = Some(version);
        for (cat, plus) in [(a.from, false), (a.to, true)] {
            match out
                .iter_mut()
                .find(|l| l.category == cat && l.year == a.year)
            {
                Some(l) => {
                    l.amount = if plus {
                        add(l.amount, a.amount)
                    } else {
                        sub(l.amount, a.amount)
                    }
                }
                None if plus => out.push(BudgetLine {
                    category: cat,
                    year: a.year,
                    amount: a.amount,
                }),
                None => {}
            }
        }
    }
    out.sort_by_key(|l| (l.year, Category::ALL.iter().position(|c| *c == l.category)));
    out
}

/// The category's line in a year (zero when there is none).
pub fn line(budget: &[BudgetLine], category: Category, year: u32) -> Money {
    budget
        .iter()
        .filter(|l| l.category == category && l.year == year)
        .fold(Money::ZERO, |a, l| add(a, l.amount))
}

/// Checks a requested adjustment against the budget as it stands: indirect costs are never
/// raised, the two categories differ, the year is one of the award's, and no more is moved
/// than the line holds.
pub fn check_adjustment(
    budget: &[BudgetLine],
    years: u32,
    year: u32,
    from: Category,
    to: Category,
    amount: Money,
) -> Result<(), Vec<Invalid>> {
    let mut out = Vec::new();
    if to == Category::Indirect {
        out.push(Invalid::new(
            "to",
            "indirect_never_raised",
            "间接费用不得调增（国办发〔2021〕32号）",
            "indirect costs may never be raised",
        ));
    }
    if from == to {
        out.push(Invalid::new(
            "to",
            "same_category",
            "调出与调入科目相同",
            "the two categories are the same",
        ));
    }
    if year == 0 || year > years {
        out.push(Invalid::new(
            "year",
            "year_out_of_range",
            format!("预算年度应为 1 – {years}"),
            format!("the budget year must be 1 to {years}"),
        ));
    }
    let has = line(budget, from, year);
    if amount > has {
        out.push(Invalid::new(
            "amount",
            "more_than_line",
            format!(
                "第 {year} 年{}仅有 {}，不能调出 {}",
                from.label(Lang::Zh),
                has.format_yuan(),
                amount.format_yuan()
            ),
            format!(
                "year {year}'s {} line holds {}, not {}",
                from.label(Lang::En),
                has.format_yuan(),
                amount.format_yuan()
            ),
        ));
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// A spending report (经费使用情况报告) for one project year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: i64,
    pub year: u32,
    pub is_final: bool,
    pub submitted_on: NaiveDate,
    pub note: String,
    pub lines: Vec<(Category, Money)>,
}

impl Report {
    pub fn total(&self) -> Money {
        self.lines.iter().fold(Money::ZERO, |a, l| add(a, l.1))
    }

    pub fn spent(&self, c: Category) -> Money {
        self.lines
            .iter()
            .filter(|l| l.0 == c)
            .fold(Money::ZERO, |a, l| add(a, l.1))
    }
}

/// One category's approved line against what was spent, over the whole award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryUse {
    pub category: Category,
    pub approved: Money,
    pub spent: Money,
    /// Approved and not yet spent.
    pub remaining: Money,
    /// Spent beyond the approved line.
    pub over: Money,
}

/// Planned against actual for one report's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearUse {
    pub year: u32,
    pub planned: Money,
    pub actual: Money,
    pub remaining: Money,
    pub over: Money,
}

/// What an officer must look at in the spending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Flag {
    /// A category over its approved line by more than the call's tolerance.
    OverTolerance {
        category: Category,
        approved: Money,
        spent: Money,
        tolerance: Percent,
    },
    /// Indirect costs over their approved amount (no tolerance: never adjusted upward).
    IndirectOver { approved: Money, spent: Money },
    /// Money spent in a category the award has no line for.
    NoLine { category: Category, spent: Money },
}

impl Flag {
    pub fn texts(&self) -> Msg {
        match self {
            Flag::OverTolerance {
                category,
                approved,
                spent,
                tolerance,
            } => Msg::new(
                format!(
                    "{}支出 {}，超出批复预算 {} 的 {}% 容差",
                    category.label(Lang::Zh),
                    spent.format_yuan(),
                    approved.format_yuan(),
                    tolerance.as_decimal().normalize()
                ),
                format!(
                    "{} spending of {} exceeds its approved {} by more than the {}% tolerance",
                    category.label(Lang::En),
                    spent.format_yuan(),
                    approved.format_yuan(),
                    tolerance.as_decimal().normalize()
                ),
            ),
            Flag::IndirectOver { approved, spent } => Msg::new(
                format!(
                    "间接费用支出 {} 超过核定的 {}（间接费用不得调增）",
                    spent.format_yuan(),
                    approved.format_yuan()
                ),
                format!(
                    "indirect costs of {} exceed the approved {} (they are never raised)",
                    spent.format_yuan(),
                    approved.format_yuan()
                ),
            ),
            Flag::NoLine { category, spent } => Msg::new(
                format!(
                    "{}无批复预算，却支出 {}",
                    category.label(Lang::Zh),
                    spent.format_yuan()
                ),
                format!(
                    "{} spent on {}, which has no approved line",
                    spent.format_yuan(),
                    category.label(Lang::En)
                ),
            ),
        }
    }
}

/// Spending against the approved budget: by category over the award, by year, and the
/// flags. A lump-sum award (包干制, no lines) is flagged for nothing.
pub fn analyse(
    budget: &[BudgetLine],
    reports: &[Report],
    tolerance: Percent,
) -> (Vec<CategoryUse>, Vec<YearUse>, Vec<Flag>) {
    let itemised = !budget.is_empty();
    let mut uses = Vec::new();
    let mut flags = Vec::new();
    for c in Category::ALL {
        let approved = budget
            .iter()
            .filter(|l| l.category == c)
            .fold(Money::ZERO, |a, l| add(a, l.amount));
        let spent = reports.iter().fold(Money::ZERO, |a, r| add(a, r.spent(c)));
        if approved.is_zero() && spent.is_zero() {
            continue;
        }
        uses.push(CategoryUse {
            category: c,
            approved,
            spent,
            remaining: sub(approved, spent),
            over: sub(spent, approved),
        });
        if !itemised || spent <= approved {
            continue;
        }
        if approved.is_zero() {
            flags.push(Flag::NoLine { category: c, spent });
        } else if c == Category::Indirect {
            flags.push(Flag::IndirectOver { approved, spent });
        } else {
            let slack = approved.percent(tolerance, Rounding::Down);
            if spent > add(approved, slack) {
                flags.push(Flag::OverTolerance {
                    category: c,
                    approved,
                    spent,
                    tolerance,
                });
            }
        }
    }
    let mut years: Vec<YearUse> = reports
        .iter()
        .map(|r| {
            let planned = budget
                .iter()
                .filter(|l| l.year == r.year)
                .fold(Money::ZERO, |a, l| add(a, l.amount));
            let actual = r.total();
            YearUse {
                year: r.year,
                planned,
                actual,
                remaining: sub(planned, actual),
                over: sub(actual, planned),
            }
        })
        .collect();
    years.sort_by_key(|y| y.year);
    (uses, years, flags)
}

/// A report an award owes: one per project year, the last being the final report due with
/// the final acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDue {
    pub year: u32,
    pub is_final: bool,
    pub due_on: NaiveDate,
    pub submitted: bool,
    pub overdue: bool,
}

/// The reports due: year `n` (not the last) a month after the project year ends; the final
/// one on `final_due` (the acceptance's due date).
pub fn reports_due(
    start: NaiveDate,
    years: u32,
    final_due: NaiveDate,
    submitted: &[u32],
    today: NaiveDate,
) -> Vec<ReportDue> {
    (1..=years)
        .map(|year| {
            let is_final = year == years;
            let due_on = if is_final {
                final_due
            } else {
                // A month after the project year's last day.
                start
                    .checked_add_months(Months::new(12 * year))
                    .and_then(|d| d.pred_opt())
                    .and_then(|end| super::add_months(end, 1))
                    .unwrap_or(final_due)
            };
            let done = submitted.contains(&year);
            ReportDue {
                year,
                is_final,
                due_on,
                submitted: done,
                overdue: !done && due_on < today,
            }
        })
        .collect()
}

/// An award's spending as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spending {
    /// The approved budget's version: 1 for the award's lines, one more per effective
    /// adjustment.
    pub version: u32,
    pub original: Vec<BudgetLine>,
    /// The approved budget as it stands.
    pub budget: Vec<BudgetLine>,
    pub categories: Vec<CategoryUse>,
    pub years: Vec<YearUse>,
    pub flags: Vec<Msg>,
    pub reports: Vec<Report>,
    pub due: Vec<ReportDue>,
    pub adjustments: Vec<Adjustment>,
    pub spent: Money,
    /// The call's tolerance before a category over its line is flagged.
    pub tolerance: Percent,
    /// The categories an adjustment raises only with the agency's approval.
    pub needs_approval: Vec<Category>,
}

/// What close-out settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closeout {
    pub closed_on: NaiveDate,
    pub outcome: crate::decision::AwardStatus,
    pub spent: Money,
    /// 结余资金: net paid less spent.
    pub balance: Money,
    /// Left with the institution (else recovered by the clawback named).
    pub kept: bool,
    pub clawback: Option<i64>,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn y(n: i64) -> Money {
        Money::yuan(n).expect("m")
    }

    fn bl(category: Category, year: u32, amount: i64) -> BudgetLine {
        BudgetLine {
            category,
            year,
            amount: y(amount),
        }
    }

    fn budget() -> Vec<BudgetLine> {
        vec![
            bl(Category::Equipment, 1, 400),
            bl(Category::Operations, 1, 300),
            bl(Category::Personnel, 2, 200),
            bl(Category::Indirect, 1, 100),
        ]
    }

    fn adj(status: AdjustmentStatus, from: Category, to: Category, amount: i64) -> Adjustment {
        Adjustment {
            id: 1,
            year: 1,
            from,
            to,
            amount: y(amount),
            reason: "r".into(),
            status,
            requested_on: d(2027, 6, 1),
            requested_by: "x".into(),
            decided_on: None,
            decided_by: None,
            decision_note: String::new(),
            version: None,
        }
    }

    #[test]
    fn effective_adjustments_make_new_versions_and_keep_the_total() {
        let mut a = vec![
            adj(
                AdjustmentStatus::Recorded,
                Category::Operations,
                Category::Personnel,
                50,
            ),
            adj(
                AdjustmentStatus::Requested,
                Category::Operations,
                Category::Equipment,
                10,
            ),
            adj(
                AdjustmentStatus::Approved,
                Category::Equipment,
                Category::Operations,
                100,
            ),
        ];
        let now = current_budget(&budget(), &mut a);
        assert_eq!(
            line(&now, Category::Personnel, 1),
            y(50),
            "a new line for year 1"
        );
        assert_eq!(line(&now, Category::Operations, 1), y(350));
        assert_eq!(line(&now, Category::Equipment, 1), y(300));
        assert_eq!(
            [a[0].version, a[1].version, a[2].version],
            [Some(2), None, Some(3)]
        );
        let sum = |b: &[BudgetLine]| b.iter().fold(Money::ZERO, |s, l| add(s, l.amount));
        assert_eq!(sum(&now), sum(&budget()));
    }

    #[test]
    fn indirect_costs_are_never_raised_and_no_more_moves_than_the_line_holds() {
        let b = budget();
        let e = check_adjustment(&b, 2, 1, Category::Operations, Category::Indirect, y(1))
            .expect_err("indirect");
        assert_eq!(e[0].rule, "indirect_never_raised");
        assert!(e[0].message.zh.contains("间接费用不得调增"));
        let e = check_adjustment(&b, 2, 1, Category::Operations, Category::Equipment, y(301))
            .expect_err("too much");
        assert_eq!(
            (e[0].field.as_str(), e[0].rule),
            ("amount", "more_than_line")
        );
        assert!(
            e[0].message
                .en
                .contains("year 1's operations line holds ¥300.00")
        );
        assert!(
            check_adjustment(&b, 2, 1, Category::Indirect, Category::Operations, y(100)).is_ok()
        );
        assert!(
            check_adjustment(&b, 2, 3, Category::Operations, Category::Equipment, y(1)).is_err()
        );
    }

    #[test]
    fn spending_is_flagged_over_tolerance_over_indirect_and_without_a_line() {
        let report = Report {
            id: 1,
            year: 1,
            is_final: false,
            submitted_on: d(2028, 1, 20),
            note: String::new(),
            lines: vec![
                (Category::Equipment, y(440)),  // 10% over: within tolerance
                (Category::Operations, y(331)), // 10.33% over
                (Category::Indirect, y(101)),
            ],
        };
        let ten = Percent::parse("10").expect("p");
        let (uses, years, flags) = analyse(&budget(), std::slice::from_ref(&report), ten);
        assert_eq!(flags.len(), 2, "{flags:?}");
        assert!(matches!(
            flags[0],
            Flag::OverTolerance {
                category: Category::Operations,
                ..
            }
        ));
        assert!(
            flags[0]
                .texts()
                .zh
                .contains("超出批复预算 ¥300.00 的 10% 容差")
        );
        assert!(matches!(flags[1], Flag::IndirectOver { .. }));
        let op = uses
            .iter()
            .find(|u| u.category == Category::Operations)
            .expect("op");
        assert_eq!((op.over, op.remaining), (y(31), Money::ZERO));
        assert_eq!(years[0].planned, y(800));
        assert_eq!(years[0].over, y(72));
        let stray = Report {
            lines: vec![(Category::Personnel, y(5))],
            year: 1,
            ..report
        };
        let b1: Vec<BudgetLine> = budget()
            .into_iter()
            .filter(|l| l.category != Category::Personnel)
            .collect();
        let (_, _, flags) = analyse(&b1, std::slice::from_ref(&stray), ten);
        assert!(matches!(
            flags[..],
            [Flag::NoLine {
                category: Category::Personnel,
                ..
            }]
        ));
        let (_, _, flags) = analyse(&[], &[stray], ten);
        assert!(
            flags.is_empty(),
            "a lump-sum award has no lines to hold it to"
        );
    }

    #[test]
    fn a_report_is_owed_a_month_after_each_year_and_the_final_one_with_acceptance() {
        let due = reports_due(d(2027, 1, 1), 2, d(2029, 3, 31), &[], d(2028, 2, 1));
        assert_eq!(due[0].due_on, d(2028, 1, 31));
        assert!(due[0].overdue && !due[0].is_final);
        assert_eq!(
            (due[1].due_on, due[1].is_final, due[1].overdue),
            (d(2029, 3, 31), true, false)
        );
        let due = reports_due(d(2027, 1, 1), 2, d(2029, 3, 31), &[1], d(2028, 2, 1));
        assert!(!due[0].overdue && due[0].submitted);
    }
}
