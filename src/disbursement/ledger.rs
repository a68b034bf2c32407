//! Ledgers (台账) and the cash-flow plan (用款计划). Pure sums over what the store reads; the
//! figures reconcile to the fen:
//!
//! - an award: `amount = paid + released + outstanding`, and its schedule sums to its amount;
//! - a call: `budget = uncommitted + outstanding + paid − recovered`, and every call figure
//!   is the sum of its awards' figures.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::decision::AwardStatus;
use crate::error::Msg;
use crate::money::Money;

fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap_or(a)
}

fn sub(a: Money, b: Money) -> Money {
    a.checked_sub(b).unwrap_or(Money::ZERO)
}

/// What the store sums for one award.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwardSums {
    pub amount: Money,
    /// Every tranche, released or not.
    pub scheduled: Money,
    /// The unpaid parts of released tranches.
    pub released: Money,
    /// Approved, not yet paid.
    pub pending: Money,
    /// Payments made (gross).
    pub paid: Money,
    /// Clawbacks (收回), as a positive amount.
    pub recovered: Money,
    /// Spent, as the grantee's reports say.
    pub spent: Money,
}

/// One award's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardLedger {
    pub number: String,
    pub applicant: String,
    pub status: AwardStatus,
    /// 资助金额
    pub amount: Money,
    /// The sum of its schedule: equal to the amount, or the ledger is out of balance.
    pub scheduled: Money,
    /// 已审批待支付
    pub pending: Money,
    /// 已拨付 (gross)
    pub paid: Money,
    /// 已收回
    pub recovered: Money,
    /// 实拨: paid − recovered.
    pub net_paid: Money,
    /// Gone back to the call unpaid (termination, close-out).
    pub released: Money,
    /// 待拨付: still owed to the grantee, `amount − paid − released`.
    pub outstanding: Money,
    /// 已支出, as reported.
    pub spent: Money,
    /// Held by the grantee unspent: `net paid − spent` (zero if it spent more).
    pub balance: Money,
    pub balanced: bool,
}

impl AwardLedger {
    pub fn new(
        number: String,
        applicant: String,
        status: AwardStatus,
        s: AwardSums,
    ) -> AwardLedger {
        let committed = add(s.paid, s.released);
        AwardLedger {
            number,
            applicant,
            status,
            amount: s.amount,
            scheduled: s.scheduled,
            pending: s.pending,
            paid: s.paid,
            recovered: s.recovered,
            net_paid: sub(s.paid, s.recovered),
            released: s.released,
            outstanding: sub(s.amount, committed),
            spent: s.spent,
            balance: sub(sub(s.paid, s.recovered), s.spent),
            balanced: s.scheduled == s.amount
                && committed <= s.amount
                && add(s.paid, s.pending) <= s.amount
                && s.recovered <= s.paid,
        }
    }
}

/// A call's ledger: its figures and its awards'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallLedger {
    pub call: String,
    /// 总预算
    pub budget: Money,
    /// 已立项
    pub awarded: Money,
    pub pending: Money,
    /// 已拨付 (gross)
    pub paid: Money,
    /// 已收回
    pub recovered: Money,
    pub net_paid: Money,
    /// Released from awards that ended unpaid.
    pub released: Money,
    /// 待拨付: committed to awards and not yet paid.
    pub outstanding: Money,
    /// 已支出, as reported.
    pub spent: Money,
    /// 未使用: free to commit, `budget − awarded + released + recovered`.
    pub uncommitted: Money,
    /// Every figure reconciles and every award balances.
    pub balanced: bool,
    pub awards: Vec<AwardLedger>,
}

impl CallLedger {
    pub fn new(call: String, budget: Money, awards: Vec<AwardLedger>) -> CallLedger {
        let sum =
            |f: fn(&AwardLedger) -> Money| awards.iter().fold(Money::ZERO, |acc, a| add(acc, f(a)));
        let (awarded, pending, paid) = (sum(|a| a.amount), sum(|a| a.pending), sum(|a| a.paid));
        let (recovered, released, outstanding) = (
            sum(|a| a.recovered),
            sum(|a| a.released),
            sum(|a| a.outstanding),
        );
        let spent = sum(|a| a.spent);
        let uncommitted = add(sub(budget, awarded), add(released, recovered));
        let net_paid = sub(paid, recovered);
        let balanced = awarded <= budget
            && awards.iter().all(|a| a.balanced)
            && add(add(uncommitted, outstanding), net_paid) == budget;
        CallLedger {
            call,
            budget,
            awarded,
            pending,
            paid,
            recovered,
            net_paid,
            released,
            outstanding,
            spent,
            uncommitted,
            balanced,
            awards,
        }
    }
}

/// How the cash-flow plan is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        match s.trim() {
            "" | "month" | "月" => Some(Period::Month),
            "quarter" | "季度" | "季" => Some(Period::Quarter),
            "year" | "年" | "年度" => Some(Period::Year),
            _ => None,
        }
    }

    /// A grouping as typed (empty: by month), or the refusal naming the field `by`.
    pub fn of(s: &str) -> Result<Period, crate::Error> {
        Period::parse(s).ok_or_else(|| {
            crate::Error::invalid(
                "by",
                "unknown_period",
                "分组应为 month（月）、quarter（季度）或 year（年）",
                "group by month, quarter or year",
            )
        })
    }

    /// The period a date falls in, as a sortable key: (year, index within the year).
    fn key(self, d: NaiveDate) -> (i32, u32) {
        match self {
            Period::Month => (d.year(), d.month()),
            Period::Quarter => (d.year(), d.month0() / 3 + 1),
            Period::Year => (d.year(), 0),
        }
    }

    fn next(self, (y, i): (i32, u32)) -> (i32, u32) {
        let per_year = match self {
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => return (y + 1, 0),
        };
        if i >= per_year {
            (y + 1, 1)
        } else {
            (y, i + 1)
        }
    }

    fn label(self, (y, i): (i32, u32)) -> String {
        match self {
            Period::Month => format!("{y}-{i:02}"),
            Period::Quarter => format!("{y}-Q{i}"),
            Period::Year => format!("{y}"),
        }
    }
}

/// One period of the cash-flow plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashRow {
    /// `2027-01`, `2027-Q1` or `2027`.
    pub period: String,
    /// Tranches falling due in the period (their unreleased part).
    pub scheduled: Money,
    /// Payments made in the period.
    pub paid: Money,
    /// Clawbacks received in the period.
    pub recovered: Money,
    pub cumulative_scheduled: Money,
    /// Cumulative net paid (paid − recovered).
    pub cumulative_paid: Money,
    /// The call's appropriation for the year (yearly rows only).
    pub appropriation: Option<Money>,
}

/// A year whose scheduled payments exceed its appropriation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverAppropriation {
    pub year: i32,
    pub scheduled: Money,
    pub appropriation: Money,
    pub over: Money,
    pub message: Msg,
}

/// The cash-flow plan of a call (用款计划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashFlow {
    pub call: String,
    pub by: Period,
    pub rows: Vec<CashRow>,
    pub warnings: Vec<OverAppropriation>,
}

/// A payment or clawback, dated, for the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Due(NaiveDate, Money),
    Paid(NaiveDate, Money),
    Recovered(NaiveDate, Money),
}

impl CashFlow {
    /// Groups what falls due and what was paid by period, from the first period with
    /// anything in it to the last (no gaps, so a chart reads evenly), and checks each year's
    /// scheduled payments against its appropriation.
    pub fn build(
        call: String,
        by: Period,
        flows: &[Flow],
        appropriations: &[crate::call::Appropriation],
    ) -> CashFlow {
        #[derive(Default, Clone, Copy)]
        struct Sums {
            due: Money,
            paid: Money,
            recovered: Money,
        }
        let mut periods: BTreeMap<(i32, u32), Sums> = BTreeMap::new();
        let mut years: BTreeMap<i32, Money> = BTreeMap::new();
        for f in flows {
            let (d, m) = match *f {
                Flow::Due(d, m) | Flow::Paid(d, m) | Flow::Recovered(d, m) => (d, m),
            };
            let s = periods.entry(by.key(d)).or_default();
            match f {
                Flow::Due(..) => {
                    s.due = add(s.due, m);
                    let y = years.entry(d.year()).or_default();
                    *y = add(*y, m);
                }
                Flow::Paid(..) => s.paid = add(s.paid, m),
                Flow::Recovered(..) => s.recovered = add(s.recovered, m),
            }
        }
        if by == Period::Year {
            for a in appropriations {
                periods.entry((a.year, 0)).or_default();
            }
        }
        let appropriation = |y: i32| {
            appropriations
                .iter()
                .find(|a| a.year == y)
                .map(|a| a.amount)
        };
        let mut rows = Vec::new();
        let (mut cum_due, mut cum_paid) = (Money::ZERO, Money::ZERO);
        if let (Some(&first), Some(&last)) = (periods.keys().next(), periods.keys().next_back()) {
            let mut k = first;
            while k <= last {
                let s = periods.get(&k).copied().unwrap_or_default();
                cum_due = add(cum_due, s.due);
                cum_paid = sub(add(cum_paid, s.paid), s.recovered);
                rows.push(CashRow {
                    period: by.label(k),
                    scheduled: s.due,
                    paid: s.paid,
                    recovered: s.recovered,
                    cumulative_scheduled: cum_due,
                    cumulative_paid: cum_paid,
                    appropriation: if by == Period::Year {
                        Some(appropriation(k.0).unwrap_or_default())
                    } else {
                        None
                    },
                });
                k = by.next(k);
            }
        }
        let warnings = years
            .into_iter()
            .filter_map(|(year, scheduled)| {
                let limit = appropriation(year).unwrap_or_default();
                (scheduled > limit).then(|| {
                    let over = sub(scheduled, limit);
                    OverAppropriation {
                        year,
                        scheduled,
                        appropriation: limit,
                        over,
                        message: Msg::new(
                            format!(
                                "{year} 年计划拨付 {}，超出该年度预算 {}，超出 {}",
                                scheduled.format_yuan(),
                                limit.format_yuan(),
                                over.format_yuan()
                            ),
                            format!(
                                "{year}: {} falls due against an appropriation of {}, {} over",
                                scheduled.format_yuan(),
                                limit.format_yuan(),
                                over.format_yuan()
                            ),
                        ),
                    }
                })
            })
            .collect();
        CashFlow {
            call,
            by,
            rows,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::Appropriation;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn y(n: i64) -> Money {
        Money::yuan(n).expect("m")
    }

    #[test]
    fn an_award_ledger_reconciles_and_flags_a_schedule_that_does_not() {
        let s = AwardSums {
            amount: y(1000),
            scheduled: y(1000),
            released: y(300),
            pending: y(0),
            paid: y(700),
            recovered: y(50),
            spent: y(600),
        };
        let a = AwardLedger::new("N".into(), "A".into(), AwardStatus::Terminated, s);
        assert_eq!((a.net_paid, a.outstanding), (y(650), y(0)));
        assert_eq!(a.balance, y(50), "650 in hand, 600 spent");
        assert!(a.balanced);
        let off = AwardLedger::new(
            "N".into(),
            "A".into(),
            AwardStatus::Active,
            AwardSums {
                scheduled: y(999),
                ..s
            },
        );
        assert!(!off.balanced);
    }

    #[test]
    fn a_call_ledger_is_its_awards_summed_and_balances_its_budget() {
        let a = AwardLedger::new(
            "1".into(),
            "A".into(),
            AwardStatus::Active,
            AwardSums {
                amount: y(400),
                scheduled: y(400),
                paid: y(160),
                pending: y(120),
                ..Default::default()
            },
        );
        let b = AwardLedger::new(
            "2".into(),
            "B".into(),
            AwardStatus::Terminated,
            AwardSums {
                amount: y(500),
                scheduled: y(500),
                paid: y(200),
                released: y(300),
                recovered: y(20),
                ..Default::default()
            },
        );
        let c = CallLedger::new("C".into(), y(1000), vec![a, b]);
        assert_eq!(c.awarded, y(900));
        assert_eq!(c.outstanding, y(240));
        assert_eq!(
            c.uncommitted,
            y(420),
            "100 never committed + 300 released + 20 recovered"
        );
        assert_eq!(c.net_paid, y(340));
        assert!(c.balanced);
    }

    #[test]
    fn the_plan_has_no_gaps_and_warns_of_a_year_over_its_appropriation() {
        let flows = [
            Flow::Due(d(2027, 1, 1), y(400)),
            Flow::Paid(d(2027, 1, 20), y(400)),
            Flow::Due(d(2028, 1, 1), y(300)),
            Flow::Due(d(2029, 3, 31), y(300)),
            Flow::Recovered(d(2027, 5, 2), y(10)),
        ];
        let apps = [
            Appropriation {
                year: 2027,
                amount: y(500),
            },
            Appropriation {
                year: 2028,
                amount: y(300),
            },
            Appropriation {
                year: 2029,
                amount: y(200),
            },
        ];
        let q = CashFlow::build("C".into(), Period::Quarter, &flows, &apps);
        let labels: Vec<&str> = q.rows.iter().map(|r| r.period.as_str()).collect();
        assert_eq!(labels.first(), Some(&"2027-Q1"));
        assert_eq!(labels.last(), Some(&"2029-Q1"));
        assert_eq!(labels.len(), 9, "every quarter, empty ones too");
        assert_eq!(q.rows[1].cumulative_paid, y(390));
        assert_eq!(q.rows[8].cumulative_scheduled, y(1000));
        assert_eq!(q.warnings.len(), 1);
        let w = &q.warnings[0];
        assert_eq!((w.year, w.over), (2029, y(100)));
        assert!(w.message.zh.contains("超出 ¥100.00"), "{}", w.message.zh);
        let by_year = CashFlow::build("C".into(), Period::Year, &flows, &apps);
        assert_eq!(by_year.rows.len(), 3);
        assert_eq!(by_year.rows[0].appropriation, Some(y(500)));
        let months = CashFlow::build("C".into(), Period::Month, &flows, &apps);
        assert_eq!(months.rows.len(), 27, "2027-01 to 2029-03");
        assert_eq!(months.rows[26].period, "2029-03");
    }
}
