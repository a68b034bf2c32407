//! The sample carried a year into its awards (stage `disbursing`): every award accepted and
//! its first tranche paid (one payment failed and paid again), budget adjustments (one
//! recorded, one waiting for approval), the mid-term reviews held in January 2028 (one passed
//! with conditions, one failed and the award suspended), the first year's spending reports
//! (one over the call's tolerance, one award late with it), the second tranches paid where
//! the review passed, and one clawback. Every step is dated on its own day, as an officer
//! would have done it, whatever the clock says.

use chrono::{NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::{Awarded, CALL_CODE, load_awarded, t};
use crate::decision::{self, AwardStatus};
use crate::disbursement::{
    self as d, AdjustForm, ApproveForm, ClawbackForm, LineForm, OutcomeForm, PaidForm, ReportForm,
};
use crate::error::Error;
use crate::form::Text;
use crate::money::Money;
use crate::store::{Pool, Stamp};

/// What loading the disbursing stage did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disbursing {
    #[serde(flatten)]
    pub awarded: Awarded,
    pub paid: Money,
    pub payments: usize,
    pub suspended: usize,
}

/// The officer's act on a given day (10:00 in Beijing).
fn on(stamp: &Stamp, y: i32, m: u32, day: u32) -> Stamp {
    let at = NaiveDate::from_ymd_opt(y, m, day)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
        .unwrap_or(stamp.at);
    Stamp {
        at,
        ..stamp.clone()
    }
}

fn paid_form(id: i64, note: &str) -> PaidForm {
    PaidForm {
        payment: t(&id.to_string()),
        on: t(""),
        note: t(note),
    }
}

async fn pay(
    pool: &Pool,
    s: &Stamp,
    number: &str,
    tranche: u32,
    bank_ref: &str,
) -> Result<i64, Error> {
    let p = d::approve(
        pool,
        s,
        &ApproveForm {
            award: t(number),
            tranche: t(&tranche.to_string()),
            amount: t(""),
        },
    )
    .await?;
    d::paid(pool, s, &paid_form(p.id, bank_ref)).await?;
    Ok(p.id)
}

fn report(number: &str, lines: &[(&str, Money)]) -> ReportForm {
    ReportForm {
        award: t(number),
        year: t("1"),
        r#final: t(""),
        submitted_on: t(""),
        note: t("第一年度经费使用情况"),
        lines: lines
            .iter()
            .map(|(c, m)| LineForm {
                category: t(c),
                amount: Text(m.to_string()),
            })
            .collect(),
    }
}

/// Carries the awarded sample a year on. Idempotent: a sample with payments is left alone.
pub async fn load_disbursing(pool: &Pool, stamp: &Stamp) -> Result<Disbursing, Error> {
    let awarded = load_awarded(pool, stamp).await?;
    let (entries,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM payments p JOIN awards w ON w.id = p.award_id
         JOIN calls c ON c.id = w.call_id WHERE c.code = $1",
    )
    .bind(CALL_CODE)
    .fetch_one(pool)
    .await?;
    if entries == 0 {
        carry(pool, stamp).await?;
    }
    let l = d::ledger(pool, CALL_CODE).await?;
    let (payments,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM payments p JOIN awards w ON w.id = p.award_id
         JOIN calls c ON c.id = w.call_id WHERE c.code = $1",
    )
    .bind(CALL_CODE)
    .fetch_one(pool)
    .await?;
    let (suspended,): (i64,) = crate::db::query_as(
        "SELECT COUNT(DISTINCT m.award_id) FROM milestones m JOIN awards w ON w.id = m.award_id
         JOIN calls c ON c.id = w.call_id
         WHERE c.code = $1 AND m.outcome = 'failed' AND w.status IN ('accepted', 'active')",
    )
    .bind(CALL_CODE)
    .fetch_one(pool)
    .await?;
    Ok(Disbursing {
        awarded,
        paid: l.paid,
        payments: usize::try_from(payments).unwrap_or_default(),
        suspended: usize::try_from(suspended).unwrap_or_default(),
    })
}

async fn carry(pool: &Pool, stamp: &Stamp) -> Result<(), Error> {
    let awards = decision::awards(pool, CALL_CODE).await?;
    let numbers: Vec<String> = awards.iter().map(|a| a.number.clone()).collect();
    // Award i by position (the sample has 12); the roles below need at least 8.
    let n = |i: usize| {
        numbers
            .get(i % numbers.len().max(1))
            .cloned()
            .unwrap_or_default()
    };
    if numbers.len() < 8 {
        return Ok(());
    }
    let s = on(stamp, 2026, 12, 20);
    for a in awards.iter().filter(|a| a.status == AwardStatus::Offered) {
        decision::set_award_status(pool, &s, &a.number, AwardStatus::Accepted).await?;
    }
    // The first tranches, on signing. One bank transfer is returned and made again.
    let s = on(stamp, 2027, 1, 8);
    for (i, number) in numbers.iter().enumerate() {
        if i == 2 {
            let p = d::approve(
                pool,
                &s,
                &ApproveForm {
                    award: t(number),
                    tranche: t("1"),
                    amount: t(""),
                },
            )
            .await?;
            d::failed(
                pool,
                &s,
                &paid_form(p.id, "收款账户名称与单位名称不一致，银行退回"),
            )
            .await?;
            let later = on(stamp, 2027, 1, 15);
            d::again(pool, &later, &paid_form(p.id, "")).await?;
            d::paid(pool, &later, &paid_form(p.id, "BOC-20270115-0003")).await?;
        } else {
            pay(pool, &s, number, 1, &format!("BOC-20270108-{:04}", i + 1)).await?;
        }
    }
    // Budget adjustments in mid-year: one the institution decides, one for the agency.
    let s = on(stamp, 2027, 6, 30);
    let adjust = |number: String, from: &str, to: &str, amount: &str, reason: &str| AdjustForm {
        award: Text(number),
        year: t("1"),
        from: t(from),
        to: t(to),
        amount: t(amount),
        reason: t(reason),
    };
    d::adjust(
        pool,
        &s,
        &adjust(n(4), "operations", "personnel", "50000", "增加博士后劳务"),
    )
    .await?;
    d::adjust(
        pool,
        &s,
        &adjust(n(5), "operations", "equipment", "80000", "增购动作捕捉设备"),
    )
    .await?;
    // The mid-term reviews: one passed with conditions, one failed (suspended), the rest
    // passed.
    let s = on(stamp, 2028, 1, 10);
    for (i, number) in numbers.iter().enumerate() {
        let (outcome, rectify_by, note) = match i {
            1 => (
                "conditional",
                "2028-03-31",
                "专家组要求补充用户测试数据，限期整改",
            ),
            3 => ("failed", "", "关键指标未完成，专家组建议终止"),
            _ => ("passed", "", "同意通过中期检查"),
        };
        d::record_outcome(
            pool,
            &s,
            &OutcomeForm {
                award: t(number),
                milestone: t("midterm"),
                outcome: t(outcome),
                decided_on: t(""),
                rectify_by: t(rectify_by),
                note: t(note),
            },
        )
        .await?;
    }
    // The first year's spending reports, mid-January; one award over its operations line,
    // one (n(7)) late with its report.
    let s = on(stamp, 2028, 1, 12);
    for (i, a) in awards.iter().enumerate().filter(|(i, _)| *i != 7) {
        let f = d::award_finance(pool, &a.number, s.today()).await?;
        let line = |c: &str| {
            f.spending
                .budget
                .iter()
                .filter(|l| l.category.as_str() == c && l.year == 1)
                .fold(Money::ZERO, |acc, l| {
                    acc.checked_add(l.amount).unwrap_or(acc)
                })
        };
        let whole = |c: &str| {
            f.spending
                .budget
                .iter()
                .filter(|l| l.category.as_str() == c)
                .fold(Money::ZERO, |acc, l| {
                    acc.checked_add(l.amount).unwrap_or(acc)
                })
        };
        let share = |m: Money, pct: u32| {
            m.percent(
                crate::percent::Percent::from_basis_points(pct * 100).unwrap_or_default(),
                crate::money::Rounding::Down,
            )
        };
        let lines = if i == 6 {
            vec![
                ("equipment", share(line("equipment"), 90)),
                // A quarter over the whole award's operations line, in the first year.
                (
                    "operations",
                    whole("operations")
                        .checked_add(share(whole("operations"), 25))
                        .unwrap_or_default(),
                ),
                ("indirect", share(line("indirect"), 80)),
            ]
        } else {
            vec![
                ("equipment", share(line("equipment"), 85)),
                ("operations", share(line("operations"), 70)),
                ("personnel", share(line("personnel"), 60)),
                ("indirect", share(line("indirect"), 75)),
            ]
        };
        let lines: Vec<(&str, Money)> = lines.into_iter().filter(|l| !l.1.is_zero()).collect();
        d::report(pool, &s, &report(&a.number, &lines)).await?;
    }
    // The second tranches, where the review passed and the report is in.
    let s = on(stamp, 2028, 1, 20);
    for (i, number) in numbers.iter().enumerate() {
        if ![1, 3, 7].contains(&i) {
            pay(pool, &s, number, 2, &format!("BOC-20280120-{:04}", i + 1)).await?;
        }
    }
    // Money spent on a meeting unrelated to the project, recovered.
    let s = on(stamp, 2028, 1, 25);
    d::clawback(
        pool,
        &s,
        &ClawbackForm {
            award: Text(n(6)),
            amount: t("30000"),
            reason: t("列支与项目无关的会议费，予以收回"),
            on: t(""),
        },
    )
    .await?;
    Ok(())
}
