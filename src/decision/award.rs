//! Awards (资助): what the decision grants, with its number (文号), dates and approved budget.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::money::{Money, MoneyError};
use crate::proposal::BudgetLine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardStatus {
    Offered,
    Accepted,
    Active,
    Completed,
    Terminated,
}

impl AwardStatus {
    pub const ALL: [AwardStatus; 5] = [
        AwardStatus::Offered,
        AwardStatus::Accepted,
        AwardStatus::Active,
        AwardStatus::Completed,
        AwardStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AwardStatus::Offered => "offered",
            AwardStatus::Accepted => "accepted",
            AwardStatus::Active => "active",
            AwardStatus::Completed => "completed",
            AwardStatus::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<AwardStatus> {
        AwardStatus::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AwardStatus::Offered => lang.pick("已下达", "offered"),
            AwardStatus::Accepted => lang.pick("已接受", "accepted"),
            AwardStatus::Active => lang.pick("执行中", "active"),
            AwardStatus::Completed => lang.pick("已结题", "completed"),
            AwardStatus::Terminated => lang.pick("已终止", "terminated"),
        }
    }

    /// offered → accepted → active → completed; terminated from any open state.
    pub fn can_become(self, to: AwardStatus) -> bool {
        use AwardStatus::*;
        matches!(
            (self, to),
            (Offered, Accepted)
                | (Accepted, Active)
                | (Active, Completed)
                | (Offered | Accepted | Active, Terminated)
        )
    }

    /// Where it may go from here by a plain move: what a front end offers, so none copies
    /// the lifecycle. Completion is not among them: it is done by close-out (结题), which
    /// settles the money first.
    pub fn next(self) -> Vec<AwardStatus> {
        AwardStatus::ALL
            .into_iter()
            .filter(|to| self.can_become(*to) && *to != AwardStatus::Completed)
            .collect()
    }
}

/// The last day of an award that starts on `start` and runs `months` months:
/// 2027-01-01 + 24 months → 2028-12-31.
pub fn end_date(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))?.pred_opt()
}

/// The request's budget lines scaled to the award, fen-exactly: the lines keep their
/// proportions and always sum to the award (remainders go fen by fen to the largest
/// remainders). No lines (a lump-sum call) give no lines.
pub fn scale_budget(lines: &[BudgetLine], award: Money) -> Result<Vec<BudgetLine>, MoneyError> {
    let weights: Vec<u64> = lines.iter().map(|l| l.amount.fen() as u64).collect();
    if weights.iter().all(|&w| w == 0) {
        return Ok(Vec::new());
    }
    Ok(lines
        .iter()
        .zip(award.allocate(&weights)?)
        .map(|(l, amount)| BudgetLine {
            category: l.category,
            year: l.year,
            amount,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub id: i64,
    pub number: String,
    pub call: String,
    pub reference: String,
    pub title: String,
    pub title_en: String,
    pub applicant: String,
    pub pi_name: String,
    pub topic: String,
    pub requested: Money,
    pub amount: Money,
    /// Why it was cut below the request; empty when it was not.
    pub reason: String,
    pub decided_on: NaiveDate,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub status: AwardStatus,
    /// The statuses it may move to next (the lifecycle, for front ends to offer).
    pub next: Vec<AwardStatus>,
    pub budget: Vec<BudgetLine>,
}

impl Award {
    /// The English title, or the Chinese one where none was given.
    pub fn title_en_or_title(&self) -> &str {
        if self.title_en.trim().is_empty() {
            &self.title
        } else {
            &self.title_en
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::Category;
    use proptest::prelude::*;

    #[test]
    fn two_years_from_new_year_ends_on_new_years_eve() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(end_date(d(2027, 1, 1), 24), Some(d(2028, 12, 31)));
        assert_eq!(end_date(d(2027, 3, 1), 12), Some(d(2028, 2, 29)));
    }

    #[test]
    fn the_lifecycle_refuses_skips_and_reopening() {
        use AwardStatus::*;
        assert!(Offered.can_become(Accepted) && Accepted.can_become(Active));
        assert!(!Offered.can_become(Active) && !Terminated.can_become(Active));
        assert!(!Completed.can_become(Terminated));
        assert_eq!(Offered.next(), [Accepted, Terminated]);
        assert_eq!(Active.next(), [Terminated], "completion is close-out's");
        assert!(Completed.next().is_empty() && Terminated.next().is_empty());
    }

    proptest! {
        #[test]
        fn a_scaled_budget_sums_exactly_to_the_award(
            lines in proptest::collection::vec(0i64..500_000_000, 1..9),
            cut in 1i64..100,
        ) {
            let budget: Vec<BudgetLine> = lines.iter().enumerate().map(|(i, &f)| BudgetLine {
                category: [Category::Equipment, Category::Operations, Category::Personnel, Category::Indirect][i % 4],
                year: (i / 4 + 1) as u32,
                amount: Money::from_fen(f).expect("fen"),
            }).collect();
            let total: i64 = lines.iter().sum();
            let award = Money::from_fen(total * cut / 100).expect("fen");
            let scaled = scale_budget(&budget, award).expect("scaled");
            if total == 0 {
                prop_assert!(scaled.is_empty());
            } else {
                prop_assert_eq!(scaled.iter().map(|l| l.amount.fen()).sum::<i64>(), award.fen());
                for (a, b) in scaled.iter().zip(&budget) {
                    prop_assert!(a.amount <= b.amount);
                }
            }
        }
    }
}
