//! Disbursement against a real database: schedules made at issue, milestone gates, holds,
//! payments and clawbacks with every refusal in both languages, edits of the schedule,
//! termination, ledgers that reconcile, the cash-flow plan, the database's last line, and
//! two officers approving at once.

use chrono::{NaiveDate, TimeZone, Utc};
use grantdesk::decision::{self, Award, AwardStatus};
use grantdesk::disbursement::{
    self as d, ApproveForm, ClawbackForm, EditForm, OutcomeForm, PaidForm, Period,
};
use grantdesk::money::Money;
use grantdesk::store::Stamp;
use grantdesk::{Coded, Error, Lang};

use crate::support::{Db, db, stamp};

const CALL: &str = grantdesk::demo::CALL_CODE;

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("date")
}

/// A finance officer at 10:00 Beijing time on the given day.
fn on(y: i32, m: u32, dd: u32) -> Stamp {
    Stamp::new(
        "finance-officer",
        Utc.with_ymd_and_hms(y, m, dd, 2, 0, 0)
            .single()
            .expect("time"),
    )
}

fn yuan(s: &str) -> Money {
    Money::parse(s).expect("money")
}

/// The sample call with its awards issued (to start on 2027-01-01) and all accepted.
async fn awarded() -> (Db, Vec<Award>) {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = decision::awards(&db.pool, CALL).await.expect("awards");
    for a in awards.iter().filter(|a| a.status == AwardStatus::Offered) {
        decision::set_award_status(
            &db.pool,
            &on(2026, 12, 20),
            &a.number,
            AwardStatus::Accepted,
        )
        .await
        .expect("accept");
    }
    let awards = decision::awards(&db.pool, CALL).await.expect("awards");
    (db, awards)
}

fn approve_form(number: &str, tranche: u32, amount: &str) -> ApproveForm {
    ApproveForm {
        award: number.into(),
        tranche: tranche.to_string().into(),
        amount: amount.into(),
    }
}

fn paid_form(id: i64, on: &str, note: &str) -> PaidForm {
    PaidForm {
        payment: id.to_string().into(),
        on: on.into(),
        note: note.into(),
    }
}

fn outcome(number: &str, milestone: &str, outcome: &str, rectify_by: &str) -> OutcomeForm {
    OutcomeForm {
        award: number.into(),
        milestone: milestone.into(),
        outcome: outcome.into(),
        decided_on: "".into(),
        rectify_by: rectify_by.into(),
        note: "专家组意见".into(),
    }
}

fn report_form(number: &str, year: &str, lines: &[(&str, &str)]) -> d::ReportForm {
    d::ReportForm {
        award: number.into(),
        year: year.into(),
        r#final: "".into(),
        submitted_on: "".into(),
        note: "".into(),
        lines: lines
            .iter()
            .map(|(c, a)| d::LineForm {
                category: (*c).into(),
                amount: (*a).into(),
            })
            .collect(),
    }
}

/// Approves and pays a tranche in full.
async fn pay(db: &Db, s: &Stamp, number: &str, tranche: u32) -> d::Payment {
    let p = d::approve(&db.pool, s, &approve_form(number, tranche, ""))
        .await
        .expect("approve");
    d::paid(&db.pool, s, &paid_form(p.id, "", "BOC-20270105-001"))
        .await
        .expect("paid")
}

fn both(e: &Error) -> (String, String) {
    (e.message(Lang::Zh), e.message(Lang::En))
}

async fn ledger_balances(db: &Db) -> d::CallLedger {
    let l = d::ledger(&db.pool, CALL).await.expect("ledger");
    assert!(l.balanced, "{l:#?}");
    // The figures again, straight from the tables, independently of the ledger's own sums.
    let (paid, recovered, pending): (i64, i64, i64) = grantdesk::db::query_as(
        "SELECT COALESCE(CAST(SUM(CASE WHEN status = 'paid' AND amount_fen > 0 THEN amount_fen END) AS BIGINT), 0),
                COALESCE(-CAST(SUM(CASE WHEN status = 'paid' AND amount_fen < 0 THEN amount_fen END) AS BIGINT), 0),
                COALESCE(CAST(SUM(CASE WHEN status = 'approved' THEN amount_fen END) AS BIGINT), 0)
         FROM payments",
    )
    .fetch_one(&db.pool)
    .await
    .expect("sums");
    assert_eq!(
        (l.paid.fen(), l.recovered.fen(), l.pending.fen()),
        (paid, recovered, pending)
    );
    assert_eq!(
        l.budget.fen(),
        l.uncommitted.fen() + l.outstanding.fen() + l.paid.fen() - l.recovered.fen(),
        "budget = uncommitted + outstanding + paid − recovered"
    );
    // Award by award, the totals the database keeps agree with the payments themselves.
    let raw: Vec<(String, i64, i64, i64)> = grantdesk::db::query_as(
        "SELECT w.number,
                COALESCE(CAST(SUM(CASE WHEN p.status = 'paid' AND p.amount_fen > 0 THEN p.amount_fen END) AS BIGINT), 0),
                COALESCE(-CAST(SUM(CASE WHEN p.status = 'paid' AND p.amount_fen < 0 THEN p.amount_fen END) AS BIGINT), 0),
                COALESCE(CAST(SUM(CASE WHEN p.status = 'approved' THEN p.amount_fen END) AS BIGINT), 0)
         FROM awards w LEFT JOIN payments p ON p.award_id = w.id
         GROUP BY w.id ORDER BY w.number_year, w.number_seq",
    )
    .fetch_all(&db.pool)
    .await
    .expect("raw");
    let mine: Vec<(String, i64, i64, i64)> = l
        .awards
        .iter()
        .map(|a| {
            (
                a.number.clone(),
                a.paid.fen(),
                a.recovered.fen(),
                a.pending.fen(),
            )
        })
        .collect();
    assert_eq!(mine, raw);
    // And month by month, what the plan says was paid.
    let plan = d::cash_flow(&db.pool, CALL, Period::Month)
        .await
        .expect("plan");
    let (by_month,): (i64,) = grantdesk::db::query_as(
        "SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM payments WHERE status = 'paid'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("net");
    assert_eq!(
        plan.rows.last().map_or(0, |r| r.cumulative_paid.fen()),
        by_month
    );
    l
}

#[tokio::test]
async fn issuing_gives_every_award_its_milestones_and_a_schedule_that_sums_to_it() {
    let (db, awards) = awarded().await;
    assert!(awards.len() >= 6);
    for a in &awards {
        let f = d::award_finance(&db.pool, &a.number, day(2027, 1, 5))
            .await
            .expect("finance");
        let dues: Vec<NaiveDate> = f.milestones.iter().map(|m| m.due_on).collect();
        assert_eq!(dues, [day(2027, 1, 1), day(2028, 1, 1), day(2029, 3, 31)]);
        assert_eq!(f.tranches.len(), 3);
        let sum = Money::checked_sum(f.tranches.iter().map(|t| t.amount)).expect("sum");
        assert_eq!(sum, a.amount, "{}", a.number);
        // The call's 40% / 40% / 20%, each rounded down, the odd fen on the last.
        let fen = a.amount.fen();
        assert_eq!(f.tranches[0].amount.fen(), fen * 4000 / 10_000);
        assert_eq!(f.tranches[1].amount.fen(), fen * 4000 / 10_000);
        assert_eq!(f.tranches[2].amount.fen(), fen - 2 * (fen * 4000 / 10_000));
        assert_eq!(
            f.tranches[0].gate.as_ref().map(|g| g.title.en.as_str()),
            Some("signing of the task book")
        );
        assert_eq!(f.tranches[1].due_on, day(2028, 1, 1));
        assert!(
            f.milestones[0].passed(),
            "accepted: the task book is signed"
        );
        assert!(f.holds.is_empty(), "{:?}", f.holds);
    }
    let l = ledger_balances(&db).await;
    assert_eq!(l.outstanding, l.awarded);
    assert_eq!(l.uncommitted.fen(), l.budget.fen() - l.awarded.fen());
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'schedule' AND action = 'create'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("count");
    assert_eq!(n as usize, awards.len(), "one audited schedule per award");
}

#[tokio::test]
async fn a_gated_tranche_waits_for_its_milestone_and_the_first_payment_sets_the_award_going() {
    let (db, awards) = awarded().await;
    let a = &awards[1];
    let p = pay(&db, &on(2027, 1, 5), &a.number, 1).await;
    assert_eq!(p.paid_on, Some(day(2027, 1, 5)));
    let award = &decision::awards(&db.pool, CALL).await.expect("awards")[1];
    assert_eq!(
        award.status,
        AwardStatus::Active,
        "the first payment: 执行中"
    );

    let e = d::approve(&db.pool, &on(2027, 6, 1), &approve_form(&a.number, 2, ""))
        .await
        .expect_err("before the mid-term review");
    assert_eq!(e.code(), "gate_shut");
    let (zh, en) = both(&e);
    assert!(
        zh.contains("第 2 笔暂不能审批：须待中期检查通过后方可拨付（计划 2028-01-01）"),
        "{zh}"
    );
    assert!(
        en.contains("it is paid once the mid-term review has passed (due 2028-01-01)"),
        "{en}"
    );

    d::record_outcome(
        &db.pool,
        &on(2028, 1, 3),
        &outcome(&a.number, "midterm", "passed", ""),
    )
    .await
    .expect("mid-term passed");
    let p2 = d::approve(&db.pool, &on(2028, 1, 4), &approve_form(&a.number, 2, ""))
        .await
        .expect("now it may be approved");
    assert_eq!(p2.amount.fen(), a.amount.fen() * 4000 / 10_000);
    ledger_balances(&db).await;
}

#[tokio::test]
async fn never_more_is_approved_than_the_tranche_and_partial_payments_add_up() {
    let (db, awards) = awarded().await;
    let a = &awards[2];
    let s = on(2027, 1, 5);
    let first = d::award_finance(&db.pool, &a.number, s.today())
        .await
        .expect("finance")
        .tranches[0]
        .amount;
    let one_fen_over = first
        .checked_add(Money::from_fen(1).expect("m"))
        .expect("m");
    let e = d::approve(
        &db.pool,
        &s,
        &approve_form(&a.number, 1, &one_fen_over.to_string()),
    )
    .await
    .expect_err("over the tranche");
    assert_eq!(e.code(), "over_tranche");
    let (zh, en) = both(&e);
    assert!(
        zh.contains(&format!("尚可审批 {}", first.format_yuan())),
        "{zh}"
    );
    assert!(en.contains("never more is paid than awarded"), "{en}");

    let half = Money::from_fen(first.fen() / 2).expect("m");
    d::approve(&db.pool, &s, &approve_form(&a.number, 1, &half.to_string()))
        .await
        .expect("half");
    let rest = Money::from_fen(first.fen() - half.fen()).expect("m");
    let e = d::approve(
        &db.pool,
        &s,
        &approve_form(
            &a.number,
            1,
            &rest
                .checked_add(Money::from_fen(1).expect("m"))
                .expect("m")
                .to_string(),
        ),
    )
    .await
    .expect_err("the rest and a fen");
    assert_eq!(e.code(), "over_tranche");
    let p = d::approve(&db.pool, &s, &approve_form(&a.number, 1, ""))
        .await
        .expect("the rest");
    assert_eq!(p.amount, rest);
    let f = d::award_finance(&db.pool, &a.number, s.today())
        .await
        .expect("f");
    assert_eq!(f.tranches[0].pending, first);
    assert!(f.tranches[0].open.is_zero());
    assert_eq!(format!("{:?}", f.tranches[0].status), "Approved");
    ledger_balances(&db).await;
}

#[tokio::test]
async fn a_failed_milestone_suspends_the_award_and_termination_releases_the_rest() {
    let (db, awards) = awarded().await;
    let a = &awards[3];
    pay(&db, &on(2027, 1, 5), &a.number, 1).await;
    let before = ledger_balances(&db).await;
    let f = d::record_outcome(
        &db.pool,
        &on(2028, 1, 8),
        &outcome(&a.number, "中期检查", "failed", ""),
    )
    .await
    .expect("failed");
    assert!(f.suspended);
    let e = d::record_outcome(
        &db.pool,
        &on(2028, 1, 9),
        &outcome(&a.number, "midterm", "passed", ""),
    )
    .await
    .expect_err("failed is final");
    assert_eq!(e.code(), "milestone_decided");
    for tranche in [2, 3] {
        let e = d::approve(
            &db.pool,
            &on(2028, 2, 1),
            &approve_form(&a.number, tranche, ""),
        )
        .await
        .expect_err("suspended");
        assert_eq!(e.code(), "payments_held");
        let (zh, en) = both(&e);
        assert!(
            zh.contains("中期检查于 2028-01-08 未通过，资助已暂停"),
            "{zh}"
        );
        assert!(
            en.contains("the mid-term review failed on 2028-01-08: the award is suspended"),
            "{en}"
        );
    }
    decision::set_award_status(
        &db.pool,
        &on(2028, 2, 10),
        &a.number,
        AwardStatus::Terminated,
    )
    .await
    .expect("terminate");
    let after = ledger_balances(&db).await;
    let mine = after
        .awards
        .iter()
        .find(|x| x.number == a.number)
        .expect("award");
    let first = a.amount.fen() * 4000 / 10_000;
    assert_eq!(
        mine.released.fen(),
        a.amount.fen() - first,
        "the unpaid 60% goes back"
    );
    assert!(mine.outstanding.is_zero());
    assert_eq!(
        after.uncommitted.fen(),
        before.uncommitted.fen() + mine.released.fen()
    );
    let f = d::award_finance(&db.pool, &a.number, day(2028, 2, 10))
        .await
        .expect("f");
    assert!(
        f.tranches[1..]
            .iter()
            .all(|t| t.released_on == Some(day(2028, 2, 10)))
    );
    let e = d::approve(&db.pool, &on(2028, 2, 11), &approve_form(&a.number, 2, ""))
        .await
        .expect_err("closed");
    assert_eq!(e.code(), "payments_held");
}

#[tokio::test]
async fn an_overdue_milestone_holds_approvals_until_it_is_decided() {
    let (db, awards) = awarded().await;
    let a = &awards[4];
    let s = on(2027, 1, 5);
    let t1 = d::award_finance(&db.pool, &a.number, s.today())
        .await
        .expect("f")
        .tranches[0]
        .amount;
    let part = Money::from_fen(t1.fen() / 4).expect("m");
    d::approve(&db.pool, &s, &approve_form(&a.number, 1, &part.to_string()))
        .await
        .expect("a quarter now");
    let late = on(2028, 2, 1);
    let e = d::approve(&db.pool, &late, &approve_form(&a.number, 1, ""))
        .await
        .expect_err("the mid-term review is overdue");
    assert_eq!(e.code(), "payments_held");
    let (zh, en) = both(&e);
    assert!(zh.contains("中期检查应于 2028-01-01 完成，已逾期"), "{zh}");
    assert!(
        en.contains("the mid-term review was due on 2028-01-01 and is overdue"),
        "{en}"
    );
    // The first year's spending report is late too (due a month after the year): both named.
    assert!(
        zh.contains("第 1 年度经费使用情况报告应于 2028-01-31 提交，已逾期"),
        "{zh}"
    );
    let f = d::award_finance(&db.pool, &a.number, late.today())
        .await
        .expect("f");
    assert!(f.milestones[1].overdue);
    assert!(!f.tranches[0].blocked.is_empty());

    // Passed with conditions: the hold lifts, but the mid-term tranche waits for them.
    d::record_outcome(
        &db.pool,
        &on(2028, 2, 2),
        &outcome(&a.number, "midterm", "conditional", "2028-04-30"),
    )
    .await
    .expect("conditional");
    let e = d::approve(&db.pool, &on(2028, 2, 3), &approve_form(&a.number, 1, ""))
        .await
        .expect_err("the report is still late");
    assert_eq!(e.code(), "payments_held");
    d::report(
        &db.pool,
        &on(2028, 2, 3),
        &report_form(
            &a.number,
            "1",
            &[("equipment", "300000"), ("operations", "200000")],
        ),
    )
    .await
    .expect("report");
    d::approve(&db.pool, &on(2028, 2, 3), &approve_form(&a.number, 1, ""))
        .await
        .expect("the holds lifted");
    let e = d::record_outcome(
        &db.pool,
        &on(2028, 2, 3),
        &outcome(&a.number, "midterm", "conditional", "2028-09-30"),
    )
    .await
    .expect_err("no second deadline");
    assert_eq!(e.code(), "milestone_decided");
    let e = d::approve(&db.pool, &on(2028, 2, 3), &approve_form(&a.number, 2, ""))
        .await
        .expect_err("conditions open");
    assert_eq!(e.code(), "gate_shut");
    assert!(both(&e).0.contains("限期整改"), "{}", both(&e).0);
    let e = d::approve(&db.pool, &on(2028, 5, 2), &approve_form(&a.number, 2, ""))
        .await
        .expect_err("conditions late");
    assert!(
        both(&e)
            .1
            .contains("were due by 2028-04-30 and are not met"),
        "{}",
        both(&e).1
    );
    d::record_outcome(
        &db.pool,
        &on(2028, 5, 3),
        &outcome(&a.number, "midterm", "passed", ""),
    )
    .await
    .expect("conditions met");
    d::approve(&db.pool, &on(2028, 5, 3), &approve_form(&a.number, 2, ""))
        .await
        .expect("paid after the conditions");
}

#[tokio::test]
async fn the_schedule_reshapes_around_what_is_paid_and_always_sums_to_the_award() {
    let (db, awards) = awarded().await;
    let a = &awards[5];
    let s = on(2027, 1, 5);
    pay(&db, &s, &a.number, 1).await;
    let edit = |action: &str, tranche: &str| EditForm {
        award: a.number.as_str().into(),
        action: action.into(),
        tranche: tranche.into(),
        ..Default::default()
    };
    let e = d::edit_schedule(
        &db.pool,
        &s,
        &EditForm {
            due_on: "2027-03-01".into(),
            ..edit("move", "1")
        },
    )
    .await
    .expect_err("paid");
    assert_eq!(e.invalid_fields()[0].rule, "tranche_frozen");
    let (zh, en) = both(&e);
    assert!(zh.contains("第 1 笔拨款已审批或已支付，不能再调整"), "{zh}");
    assert!(en.contains("tranche 1 is approved or paid"), "{en}");

    // Add a tranche of ¥100,000 on an on-site inspection, taken out of the last one.
    d::add_milestone(
        &db.pool,
        &s,
        &d::MilestoneForm {
            award: a.number.as_str().into(),
            name: "现场核查".into(),
            due_on: "2027-07-01".into(),
        },
    )
    .await
    .expect("milestone");
    let f = d::edit_schedule(
        &db.pool,
        &s,
        &EditForm {
            amount: "10万".into(),
            due_on: "2027-07-15".into(),
            milestone: "现场核查".into(),
            ..edit("split", "3")
        },
    )
    .await
    .expect("split");
    assert_eq!(f.tranches.len(), 4);
    assert_eq!(
        f.tranches[1].amount,
        yuan("100000"),
        "in date order, second"
    );
    assert_eq!(
        f.tranches[1].gate.as_ref().map(|g| g.title.zh.as_str()),
        Some("现场核查")
    );
    let f = d::edit_schedule(
        &db.pool,
        &s,
        &EditForm {
            to: "2".into(),
            amount: "5万".into(),
            ..edit("transfer", "4")
        },
    )
    .await
    .expect("transfer");
    assert_eq!(f.tranches[1].amount, yuan("150000"));
    let f = d::edit_schedule(
        &db.pool,
        &s,
        &EditForm {
            to: "3".into(),
            ..edit("merge", "2")
        },
    )
    .await
    .expect("merge");
    assert_eq!(f.tranches.len(), 3);
    assert_eq!(
        Money::checked_sum(f.tranches.iter().map(|t| t.amount)),
        Some(a.amount)
    );
    let e = d::edit_schedule(
        &db.pool,
        &s,
        &EditForm {
            amount: a.amount.to_string().as_str().into(),
            ..edit("split", "2")
        },
    )
    .await
    .expect_err("more than the tranche");
    assert_eq!(e.invalid_fields()[0].field, "amount");
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'schedule' AND entity_id = $1
         AND action IN ('split', 'transfer', 'merge')",
    )
    .bind(&a.number)
    .fetch_one(&db.pool)
    .await
    .expect("count");
    assert_eq!(n, 3);
    ledger_balances(&db).await;
}

#[tokio::test]
async fn payments_fail_and_are_approved_again_are_never_rewritten_and_clawbacks_stay_within_paid() {
    let (db, awards) = awarded().await;
    let a = &awards[0];
    let s = on(2027, 1, 5);
    let p = d::approve(&db.pool, &s, &approve_form(&a.number, 1, ""))
        .await
        .expect("approve");
    let e = d::paid(&db.pool, &s, &paid_form(p.id, "", ""))
        .await
        .expect_err("no reference");
    assert_eq!(e.invalid_fields()[0].field, "note");
    let e = d::paid(&db.pool, &s, &paid_form(p.id, "2027-02-01", "X"))
        .await
        .expect_err("in the future");
    assert_eq!(e.invalid_fields()[0].rule, "date_in_future");
    d::failed(&db.pool, &s, &paid_form(p.id, "", "账户名称不符"))
        .await
        .expect("failed");
    let f = d::award_finance(&db.pool, &a.number, s.today())
        .await
        .expect("f");
    assert_eq!(
        f.tranches[0].open, f.tranches[0].amount,
        "a failed payment holds nothing"
    );
    d::again(&db.pool, &on(2027, 1, 8), &paid_form(p.id, "", ""))
        .await
        .expect("again");
    let paid = d::paid(
        &db.pool,
        &on(2027, 1, 9),
        &paid_form(p.id, "", "ICBC-0109-7"),
    )
    .await
    .expect("paid");
    assert_eq!(paid.bank_ref, "ICBC-0109-7");
    let e = d::failed(&db.pool, &on(2027, 1, 10), &paid_form(p.id, "", "退回"))
        .await
        .expect_err("paid is final");
    assert_eq!(e.code(), "illegal_payment_transition");
    assert!(
        both(&e).0.contains("已支付的记录只能以收回更正"),
        "{}",
        both(&e).0
    );

    let too_much = paid
        .amount
        .checked_add(Money::from_fen(1).expect("m"))
        .expect("m");
    let claw = |amount: &str, reason: &str| ClawbackForm {
        award: a.number.as_str().into(),
        amount: amount.into(),
        reason: reason.into(),
        on: "".into(),
    };
    let e = d::clawback(&db.pool, &s, &claw(&too_much.to_string(), "违规使用"))
        .await
        .expect_err("more than paid");
    assert_eq!(e.code(), "clawback_over_paid");
    let e = d::clawback(&db.pool, &s, &claw("1000", ""))
        .await
        .expect_err("no reason");
    assert_eq!(e.invalid_fields()[0].field, "reason");
    let c = d::clawback(
        &db.pool,
        &on(2027, 6, 1),
        &claw("12,345.67", "列支与项目无关的费用"),
    )
    .await
    .expect("clawback");
    assert_eq!(c.amount, yuan("12345.67"));
    let l = ledger_balances(&db).await;
    let mine = &l.awards[0];
    assert_eq!(mine.recovered, yuan("12345.67"));
    assert_eq!(mine.net_paid.fen(), paid.amount.fen() - 1_234_567);

    // The database's own last line: no deletion, no rewriting of a paid entry, no payment
    // over its tranche, whatever program tries.
    for sql in [
        format!("DELETE FROM payments WHERE id = {}", p.id),
        format!("UPDATE payments SET amount_fen = 1 WHERE id = {}", p.id),
        format!(
            "INSERT INTO payments (award_id, tranche_id, kind, amount_fen, status, approved_on,
                 approved_by, created_at, updated_at)
             SELECT award_id, id, 'payment', 1, 'approved', '2027-01-01', 'x', '', ''
             FROM tranches WHERE id = (SELECT tranche_id FROM payments WHERE id = {})",
            p.id
        ),
        format!(
            "UPDATE tranches SET amount_fen = amount_fen + 1 WHERE award_id = (SELECT award_id FROM payments WHERE id = {})",
            p.id
        ),
    ] {
        let r = grantdesk::db::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&db.pool)
            .await;
        assert!(r.is_err(), "the database refused: {sql}");
    }
    ledger_balances(&db).await;
}

#[tokio::test]
async fn two_officers_approving_what_fits_only_once_one_goes_through() {
    let (db, awards) = awarded().await;
    let a = &awards[1];
    let other = db.other().await;
    let (s1, s2) = (on(2027, 1, 5), on(2027, 1, 5));
    let f = approve_form(&a.number, 1, "");
    let (x, y) = tokio::join!(d::approve(&db.pool, &s1, &f), d::approve(&other, &s2, &f));
    assert!(x.is_ok() != y.is_ok(), "exactly one: {x:?} / {y:?}");
    assert_eq!(x.err().or(y.err()).map(|e| e.code()), Some("over_tranche"));
    let f = d::award_finance(&db.pool, &a.number, s1.today())
        .await
        .expect("f");
    assert_eq!(f.tranches[0].pending, f.tranches[0].amount);
}

#[tokio::test]
async fn the_cash_flow_plan_warns_of_a_year_over_its_appropriation() {
    let (db, awards) = awarded().await;
    pay(&db, &on(2027, 1, 5), &awards[0].number, 1).await;
    let total = Money::checked_sum(awards.iter().map(|a| a.amount)).expect("sum");
    let plan = d::cash_flow(&db.pool, CALL, Period::Year)
        .await
        .expect("plan");
    let years: Vec<&str> = plan.rows.iter().map(|r| r.period.as_str()).collect();
    assert_eq!(years, ["2027", "2028", "2029"]);
    let last = plan.rows.last().expect("row");
    assert_eq!(
        last.cumulative_scheduled, total,
        "the plan covers every award in full"
    );
    assert_eq!(
        plan.rows[0].paid,
        awards[0].amount.percent(
            grantdesk::percent::Percent::parse("40").expect("p"),
            grantdesk::money::Rounding::Down,
        )
    );
    // The final tranches fall due on acceptance in 2029, which has no appropriation.
    assert_eq!(plan.warnings.len(), 1);
    let w = &plan.warnings[0];
    assert_eq!((w.year, w.appropriation), (2029, Money::ZERO));
    assert_eq!(w.over, w.scheduled);
    assert!(
        w.message.zh.starts_with("2029 年计划拨付"),
        "{}",
        w.message.zh
    );
    let months = d::cash_flow(&db.pool, CALL, Period::Month)
        .await
        .expect("plan");
    assert_eq!(
        months.rows.first().map(|r| r.period.as_str()),
        Some("2027-01")
    );
    assert_eq!(
        months.rows.last().map(|r| r.period.as_str()),
        Some("2029-03")
    );
    assert_eq!(months.rows.len(), 27, "no gaps");
}

/// One step of an officer's random day, for the property below.
#[derive(Debug, Clone)]
enum Op {
    Approve {
        award: usize,
        tranche: u32,
        percent: u32,
    },
    Paid(usize),
    Fail(usize),
    Again(usize),
    Cancel(usize),
    Clawback {
        award: usize,
        percent: u32,
    },
    Midterm {
        award: usize,
        outcome: usize,
    },
    Split {
        award: usize,
        tranche: u32,
        percent: u32,
    },
    Terminate(usize),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (0usize..12, 1u32..4, 1u32..=110).prop_map(|(award, tranche, percent)| Op::Approve { award, tranche, percent }),
        6 => (0usize..40).prop_map(Op::Paid),
        1 => (0usize..40).prop_map(Op::Fail),
        1 => (0usize..40).prop_map(Op::Again),
        1 => (0usize..40).prop_map(Op::Cancel),
        2 => (0usize..12, 1u32..=120).prop_map(|(award, percent)| Op::Clawback { award, percent }),
        1 => (0usize..12, 0usize..3).prop_map(|(award, outcome)| Op::Midterm { award, outcome }),
        1 => (0usize..12, 1u32..5, 1u32..=100).prop_map(|(award, tranche, percent)| Op::Split { award, tranche, percent }),
        1 => (0usize..12).prop_map(Op::Terminate),
    ]
}

/// Checks straight from the tables, after every step: each award's schedule sums to it, no
/// tranche has more approved, paid and released than its amount, no award more paid than
/// awarded, no call more than its budget, and the ledger reconciles.
async fn invariants(db: &Db) {
    let bad: Vec<(String, i64, i64)> = grantdesk::db::query_as(
        "SELECT w.number, w.amount_fen, (SELECT CAST(SUM(amount_fen) AS BIGINT) FROM tranches t WHERE t.award_id = w.id)
         FROM awards w
         WHERE w.amount_fen IS DISTINCT FROM (SELECT CAST(SUM(amount_fen) AS BIGINT) FROM tranches t WHERE t.award_id = w.id)",
    )
    .fetch_all(&db.pool)
    .await
    .expect("schedules");
    assert!(bad.is_empty(), "schedules off their award: {bad:?}");
    let (over,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM tranches t WHERE t.released_fen + (SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0)
             FROM payments p WHERE p.tranche_id = t.id AND p.status IN ('approved', 'paid')) > t.amount_fen",
    )
    .fetch_one(&db.pool)
    .await
    .expect("tranches");
    assert_eq!(over, 0, "a tranche over its amount");
    let l = ledger_balances(db).await;
    assert!(l.paid <= l.budget && l.awarded <= l.budget);
    for a in &l.awards {
        assert!(a.paid.fen() + a.pending.fen() <= a.amount.fen(), "{a:?}");
        assert!(a.recovered <= a.paid, "{a:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// No sequence of approvals, payments, failures, cancellations, clawbacks, milestone
    /// outcomes, edits and terminations pays an award more than its amount or a call more
    /// than its budget, and the call's ledger is the sum of its awards' at every step.
    #[test]
    fn no_sequence_of_steps_pays_more_than_awarded_or_unbalances_a_ledger(
        ops in proptest::collection::vec((op(), 0u64..12), 1..60)
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async {
            let (db, awards) = awarded().await;
            let mut today = day(2027, 1, 4);
            for (op, gap) in &ops {
                today = today + chrono::Days::new(*gap);
                let s = Stamp::new(
                    "finance-officer",
                    Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).expect("t")),
                );
                let number = |i: usize| awards[i % awards.len()].number.clone();
                let pool = db.pool.clone();
                let payment = |k: usize| async move {
                    let ids: Vec<(i64,)> = grantdesk::db::query_as("SELECT id FROM payments WHERE kind = 'payment' ORDER BY id")
                        .fetch_all(&pool).await.expect("ids");
                    if ids.is_empty() { 0 } else { ids[k % ids.len()].0 }
                };
                let r: Result<(), Error> = match op.clone() {
                    Op::Approve { award, tranche, percent } => {
                        let n = number(award);
                        let f = d::award_finance(&db.pool, &n, today).await.expect("f");
                        let open = f.tranches.get(tranche as usize - 1).map(|t| t.open.fen()).unwrap_or(1);
                        let amount = Money::from_fen((open * i64::from(percent) / 100).max(1)).expect("m");
                        d::approve(&db.pool, &s, &approve_form(&n, tranche, &amount.to_string())).await.map(drop)
                    }
                    Op::Paid(k) => d::paid(&db.pool, &s, &paid_form(payment(k).await, "", "REF")).await.map(drop),
                    Op::Fail(k) => d::failed(&db.pool, &s, &paid_form(payment(k).await, "", "退回")).await.map(drop),
                    Op::Again(k) => d::again(&db.pool, &s, &paid_form(payment(k).await, "", "")).await.map(drop),
                    Op::Cancel(k) => d::cancel(&db.pool, &s, &paid_form(payment(k).await, "", "撤销")).await.map(drop),
                    Op::Clawback { award, percent } => {
                        let n = number(award);
                        let f = d::award_finance(&db.pool, &n, today).await.expect("f");
                        let amount = Money::from_fen((f.ledger.net_paid.fen() * i64::from(percent) / 100).max(1)).expect("m");
                        d::clawback(&db.pool, &s, &ClawbackForm {
                            award: n.as_str().into(), amount: amount.to_string().as_str().into(),
                            reason: "收回".into(), on: "".into(),
                        }).await.map(drop)
                    }
                    Op::Midterm { award, outcome: o } => {
                        let rectify = (today + chrono::Days::new(30)).to_string();
                        let (word, by) = [("passed", ""), ("conditional", rectify.as_str()), ("failed", "")][o];
                        d::record_outcome(&db.pool, &s, &outcome(&number(award), "midterm", word, by)).await.map(drop)
                    }
                    Op::Split { award, tranche, percent } => {
                        let n = number(award);
                        let f = d::award_finance(&db.pool, &n, today).await.expect("f");
                        let of = f.tranches.get(tranche as usize - 1).map(|t| t.amount.fen()).unwrap_or(2);
                        let amount = Money::from_fen((of * i64::from(percent) / 100).max(1)).expect("m");
                        d::edit_schedule(&db.pool, &s, &EditForm {
                            award: n.as_str().into(), action: "split".into(),
                            tranche: tranche.to_string().into(), amount: amount.to_string().as_str().into(),
                            ..Default::default()
                        }).await.map(drop)
                    }
                    Op::Terminate(award) => {
                        decision::set_award_status(&db.pool, &s, &number(award), AwardStatus::Terminated).await.map(drop)
                    }
                };
                if let Err(e) = r {
                    // A refusal is one of the core's own, never the database's last line.
                    assert!(!e.code().starts_with("store"), "{op:?}: {e:?}");
                }
                invariants(&db).await;
            }
        });
    }
}

#[tokio::test]
async fn awards_issued_before_disbursements_get_their_schedule_once() {
    let (db, awards) = awarded().await;
    // A database from before migration 0007 had awards and no schedules.
    grantdesk::db::query("DELETE FROM tranches")
        .execute(&db.pool)
        .await
        .expect("rm");
    grantdesk::db::query("DELETE FROM milestones")
        .execute(&db.pool)
        .await
        .expect("rm");
    // One of them had been terminated then.
    grantdesk::db::query("UPDATE awards SET status = 'terminated' WHERE number = $1")
        .bind(&awards[3].number)
        .execute(&db.pool)
        .await
        .expect("terminated");
    let s = on(2027, 2, 1);
    assert_eq!(
        d::backfill(&db.pool, &s).await.expect("backfill"),
        awards.len()
    );
    assert_eq!(
        d::backfill(&db.pool, &s).await.expect("again"),
        0,
        "only once"
    );
    let f = d::award_finance(&db.pool, &awards[1].number, s.today())
        .await
        .expect("f");
    assert_eq!(
        Money::checked_sum(f.tranches.iter().map(|t| t.amount)),
        Some(awards[1].amount)
    );
    assert_eq!(
        f.milestones[0].decided_on,
        Some(awards[1].decided_on),
        "an accepted award's task book counts as signed on the day it was decided"
    );
    grantdesk::audit::verify(&db.pool)
        .await
        .expect("the chain holds");
    let l = ledger_balances(&db).await;
    let ended = l
        .awards
        .iter()
        .find(|x| x.number == awards[3].number)
        .expect("award");
    assert!(
        ended.outstanding.is_zero() && ended.released == ended.amount,
        "an ended award owes nothing: {ended:?}"
    );
}

#[tokio::test]
async fn spending_is_read_against_the_approved_budget_and_flagged() {
    let (db, awards) = awarded().await;
    let a = &awards[1];
    let s = on(2028, 1, 20);
    let f = d::award_finance(&db.pool, &a.number, s.today())
        .await
        .expect("f");
    let line = |f: &d::AwardFinance, c: &str, y: u32| {
        f.spending
            .budget
            .iter()
            .find(|l| l.category.as_str() == c && l.year == y)
            .map(|l| l.amount)
            .unwrap_or_default()
    };
    assert_eq!(f.spending.version, 1);
    let ops1 = line(&f, "operations", 1);
    let ind1 = line(&f, "indirect", 1);
    // Operations 15% over the whole award's line, indirect one fen over.
    let ops_all: i64 = f
        .spending
        .budget
        .iter()
        .filter(|l| l.category.as_str() == "operations")
        .map(|l| l.amount.fen())
        .sum();
    let ind_all: i64 = f
        .spending
        .budget
        .iter()
        .filter(|l| l.category.as_str() == "indirect")
        .map(|l| l.amount.fen())
        .sum();
    let over_ops = Money::from_fen(ops_all * 115 / 100).expect("m");
    let over_ind = Money::from_fen(ind_all + 1).expect("m");
    assert!(!ops1.is_zero() && !ind1.is_zero());
    let f = d::report(
        &db.pool,
        &s,
        &report_form(
            &a.number,
            "1",
            &[
                ("operations", &over_ops.to_string()),
                ("indirect", &over_ind.to_string()),
            ],
        ),
    )
    .await
    .expect("report");
    let zh: Vec<&str> = f.spending.flags.iter().map(|m| m.zh.as_str()).collect();
    let en: Vec<&str> = f.spending.flags.iter().map(|m| m.en.as_str()).collect();
    assert_eq!(zh.len(), 2, "{zh:?}");
    assert!(
        zh[0].starts_with("业务费支出") && zh[0].ends_with("的 10% 容差"),
        "{zh:?}"
    );
    assert!(
        en[1].starts_with("indirect costs of") && en[1].ends_with("(they are never raised)"),
        "{en:?}"
    );
    let ops = f
        .spending
        .categories
        .iter()
        .find(|c| c.category.as_str() == "operations")
        .expect("ops");
    assert_eq!(ops.over.fen(), over_ops.fen() - ops_all);
    assert_eq!(
        f.spending.years[0].actual,
        over_ops.checked_add(over_ind).expect("m")
    );
    assert_eq!(f.ledger.spent, f.spending.spent);

    // A corrected report replaces the year's figures, and the audit log keeps both.
    let f = d::report(
        &db.pool,
        &s,
        &report_form(&a.number, "1", &[("operations", "1000")]),
    )
    .await
    .expect("corrected");
    assert!(f.spending.flags.is_empty());
    assert_eq!(f.spending.spent, yuan("1000"));
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND action IN ('submit', 'correct')
         AND before_json IS NOT NULL",
    )
    .fetch_one(&db.pool)
    .await
    .expect("n");
    assert_eq!(n, 1);
    let e = d::report(&db.pool, &s, &report_form(&a.number, "3", &[]))
        .await
        .expect_err("a 24-month award has two years");
    assert_eq!(e.invalid_fields()[0].rule, "year_out_of_range");
    ledger_balances(&db).await;
}

#[tokio::test]
async fn adjustments_never_raise_indirect_costs_and_some_wait_for_approval() {
    let (db, awards) = awarded().await;
    let a = &awards[2];
    let s = on(2027, 6, 1);
    let adjust = |from: &str, to: &str, amount: &str| d::AdjustForm {
        award: a.number.as_str().into(),
        year: "1".into(),
        from: from.into(),
        to: to.into(),
        amount: amount.into(),
        reason: "研究方案调整".into(),
    };
    let e = d::adjust(&db.pool, &s, &adjust("operations", "indirect", "1000"))
        .await
        .expect_err("indirect never raised");
    let i = &e.invalid_fields()[0];
    assert_eq!((i.field.as_str(), i.rule), ("to", "indirect_never_raised"));
    let (zh, en) = both(&e);
    assert!(zh.contains("间接费用不得调增"), "{zh}");
    assert!(en.contains("indirect costs may never be raised"), "{en}");

    // Operations → personnel: the institution's own decision, recorded and in force.
    let f = d::adjust(&db.pool, &s, &adjust("operations", "personnel", "20000"))
        .await
        .expect("recorded");
    assert_eq!(f.spending.version, 2);
    assert_eq!(f.spending.adjustments[0].status.as_str(), "recorded");
    let before: i64 = f.spending.original.iter().map(|l| l.amount.fen()).sum();
    let after: i64 = f.spending.budget.iter().map(|l| l.amount.fen()).sum();
    assert_eq!(before, after, "an adjustment moves money, never adds it");
    assert_eq!(before, a.amount.fen(), "the budget is the award");

    // Operations → equipment: the call wants the agency's approval.
    let f = d::adjust(&db.pool, &s, &adjust("operations", "equipment", "30000"))
        .await
        .expect("requested");
    let req = &f.spending.adjustments[0];
    assert_eq!((req.status.as_str(), req.version), ("requested", None));
    assert_eq!(f.spending.version, 2, "not in force until approved");
    let decide = |decision: &str, note: &str| d::AdjustDecisionForm {
        adjustment: req.id.to_string().into(),
        decision: decision.into(),
        note: note.into(),
    };
    let e = d::decide_adjustment(&db.pool, &s, &decide("refuse", ""))
        .await
        .expect_err("a refusal says why");
    assert_eq!(e.invalid_fields()[0].field, "note");
    let f = d::decide_adjustment(&db.pool, &on(2027, 6, 3), &decide("approve", "同意"))
        .await
        .expect("approved");
    assert_eq!(f.spending.version, 3);
    let e = d::decide_adjustment(&db.pool, &s, &decide("approve", ""))
        .await
        .expect_err("decided once");
    assert_eq!(e.invalid_fields()[0].rule, "already_decided");
    let e = d::adjust(
        &db.pool,
        &s,
        &adjust("operations", "personnel", "999999999"),
    )
    .await
    .expect_err("more than the line");
    assert_eq!(e.invalid_fields()[0].rule, "more_than_line");
    let (n,): (i64,) =
        grantdesk::db::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'adjustment'")
            .fetch_one(&db.pool)
            .await
            .expect("n");
    assert_eq!(n, 3, "recorded, requested, approved");
}

/// Pays an award through to its acceptance: first tranche, mid-term passed, second tranche,
/// both reports, acceptance passed, last tranche.
async fn carry_through(db: &Db, number: &str, spent_each_year: &str) {
    pay(db, &on(2027, 1, 5), number, 1).await;
    d::report(
        &db.pool,
        &on(2028, 1, 10),
        &report_form(number, "1", &[("operations", spent_each_year)]),
    )
    .await
    .expect("year 1");
    d::record_outcome(
        &db.pool,
        &on(2028, 1, 10),
        &outcome(number, "midterm", "passed", ""),
    )
    .await
    .expect("mid-term");
    pay(db, &on(2028, 1, 11), number, 2).await;
    d::report(
        &db.pool,
        &on(2029, 2, 1),
        &report_form(number, "2", &[("personnel", spent_each_year)]),
    )
    .await
    .expect("final");
    d::record_outcome(
        &db.pool,
        &on(2029, 3, 1),
        &outcome(number, "acceptance", "passed", ""),
    )
    .await
    .expect("acceptance");
}

#[tokio::test]
async fn close_out_keeps_a_passed_projects_balance_and_recovers_a_failed_ones() {
    let (db, awards) = awarded().await;
    let a = &awards[6];
    let e = d::closeout(
        &db.pool,
        &on(2027, 2, 1),
        &d::CloseoutForm {
            award: a.number.as_str().into(),
            note: "".into(),
        },
    )
    .await
    .expect_err("too early");
    assert_eq!(e.code(), "not_ready_to_complete");
    assert!(
        both(&e)
            .1
            .contains("its final acceptance has not been decided")
    );

    carry_through(&db, &a.number, "100000").await;
    let e = d::closeout(
        &db.pool,
        &on(2029, 3, 2),
        &d::CloseoutForm {
            award: a.number.as_str().into(),
            note: "".into(),
        },
    )
    .await
    .expect_err("the last tranche is still to pay");
    assert!(both(&e).1.contains("tranche 3 still has"), "{}", both(&e).1);
    pay(&db, &on(2029, 3, 2), &a.number, 3).await;
    let e =
        decision::set_award_status(&db.pool, &on(2029, 3, 3), &a.number, AwardStatus::Completed)
            .await
            .expect_err("completion is by close-out");
    assert!(both(&e).0.contains("结题请办理结题手续"), "{}", both(&e).0);
    let f = d::closeout(
        &db.pool,
        &on(2029, 3, 5),
        &d::CloseoutForm {
            award: a.number.as_str().into(),
            note: "验收通过".into(),
        },
    )
    .await
    .expect("closed out");
    let c = f.closeout.as_ref().expect("closeout");
    assert_eq!(f.status, AwardStatus::Completed);
    assert_eq!(c.spent, yuan("200000"));
    assert_eq!(c.balance.fen(), a.amount.fen() - 20_000_000);
    assert!(
        c.kept && c.clawback.is_none(),
        "a passed project keeps its balance"
    );
    assert!(f.ledger.outstanding.is_zero());
    assert!(
        f.holds.iter().any(|h| h.en.contains("completed")),
        "{:?}",
        f.holds
    );
    assert_eq!(
        d::unspent_words(c).zh,
        format!("结余资金 {} 留归承担单位使用", c.balance.format_yuan())
    );

    // A failed mid-term review: the award is suspended, its final report marked early, the
    // balance recovered and the rest released.
    let b = &awards[7];
    pay(&db, &on(2027, 1, 5), &b.number, 1).await;
    d::record_outcome(
        &db.pool,
        &on(2028, 1, 10),
        &outcome(&b.number, "midterm", "failed", ""),
    )
    .await
    .expect("failed");
    let e = d::closeout(
        &db.pool,
        &on(2028, 2, 1),
        &d::CloseoutForm {
            award: b.number.as_str().into(),
            note: "".into(),
        },
    )
    .await
    .expect_err("no final report");
    assert!(both(&e).0.contains("尚未提交决算报告"), "{}", both(&e).0);
    let mut last = report_form(&b.number, "1", &[("equipment", "500000.50")]);
    last.r#final = "true".into();
    d::report(&db.pool, &on(2028, 2, 1), &last)
        .await
        .expect("final report");
    let f = d::closeout(
        &db.pool,
        &on(2028, 2, 2),
        &d::CloseoutForm {
            award: b.number.as_str().into(),
            note: "中期检查未通过".into(),
        },
    )
    .await
    .expect("closed out");
    let c = f.closeout.as_ref().expect("closeout");
    assert_eq!(f.status, AwardStatus::Terminated);
    let paid = b.amount.fen() * 4000 / 10_000;
    assert_eq!(c.balance.fen(), paid - 50_000_050);
    assert!(!c.kept && c.clawback.is_some());
    assert_eq!(
        f.ledger.net_paid,
        yuan("500000.50"),
        "what is left with the grantee is what it spent"
    );
    assert_eq!(f.ledger.released.fen(), b.amount.fen() - paid);
    assert!(f.ledger.outstanding.is_zero() && f.ledger.balance.is_zero());
    let e = d::closeout(
        &db.pool,
        &on(2028, 2, 3),
        &d::CloseoutForm {
            award: b.number.as_str().into(),
            note: "".into(),
        },
    )
    .await
    .expect_err("once");
    assert_eq!(e.code(), "award_closed");
    let l = ledger_balances(&db).await;
    assert_eq!(l.spent, yuan("700000.50"));
}

#[tokio::test]
async fn the_sample_a_year_on_shows_every_kind_of_case_and_balances() {
    let db = db().await;
    let r = grantdesk::demo::load_disbursing(&db.pool, &stamp())
        .await
        .expect("disbursing");
    assert_eq!(r.suspended, 1);
    assert!(
        r.payments >= 21,
        "first tranches of 12, second of 9: {}",
        r.payments
    );
    let again = grantdesk::demo::load_disbursing(&db.pool, &stamp())
        .await
        .expect("again");
    assert_eq!(
        (again.payments, again.paid),
        (r.payments, r.paid),
        "idempotent"
    );
    let awards = decision::awards(&db.pool, CALL).await.expect("awards");
    assert!(awards.iter().all(|a| a.status == AwardStatus::Active));
    let day = day(2028, 2, 1);
    let mut flagged = 0;
    let mut conditional = 0;
    let mut failed_and_repaid = 0;
    let mut late_report = 0;
    for a in &awards {
        let f = d::award_finance(&db.pool, &a.number, day).await.expect("f");
        flagged += usize::from(!f.spending.flags.is_empty());
        conditional += usize::from(
            f.milestones
                .iter()
                .any(|m| m.outcome == Some(d::Outcome::Conditional)),
        );
        failed_and_repaid += usize::from(
            f.payments
                .iter()
                .any(|p| p.reason.contains("银行退回") || p.bank_ref == "BOC-20270115-0003"),
        );
        late_report += usize::from(f.holds.iter().any(|h| h.zh.contains("经费使用情况报告")));
    }
    assert_eq!(
        (flagged, conditional, failed_and_repaid, late_report),
        (1, 1, 1, 1)
    );
    let l = ledger_balances(&db).await;
    assert_eq!(l.recovered, yuan("30000"));
    grantdesk::audit::verify(&db.pool).await.expect("chain");

    // The call's page reads every award at once; each is what the award's own page says.
    let all = d::award_finances(&db.pool, CALL, day).await.expect("all");
    assert_eq!(all.len(), awards.len());
    for bulk in all {
        let mut one = d::award_finance(&db.pool, &bulk.number, day)
            .await
            .expect("one");
        one.payments.clear();
        // The schedule's version is read for one award's page (its edits carry it) only.
        assert!(one.schedule_version.is_some());
        one.schedule_version = None;
        assert_eq!(bulk, one, "{}", one.number);
    }
    let page = d::call_finance(&db.pool, CALL, Period::Quarter, day)
        .await
        .expect("page");
    assert!(
        page.attention[0].suspended,
        "the suspended award first: {:?}",
        page.attention[0]
    );
    assert!(page.attention[1].held, "then the held ones");
    assert!(page.attention.iter().any(|a| {
        a.items
            .iter()
            .any(|m| m.en.contains("adjustment #2 awaits approval"))
    }));
    assert_eq!(page.ledger, l);
    assert_eq!(page.monthly.rows.len(), 27);
    assert_eq!(page.cash.by, Period::Quarter);
}

#[tokio::test]
async fn a_payment_batch_goes_to_the_finance_office_and_is_paid_in_one_step() {
    let (db, awards) = awarded().await;
    let s = on(2027, 1, 6);
    let mut ids = Vec::new();
    for a in &awards[..4] {
        let p = d::approve(&db.pool, &s, &approve_form(&a.number, 1, ""))
            .await
            .expect("approve");
        ids.push(p.id);
    }
    let b = d::create_batch(
        &db.pool,
        &on(2027, 1, 7),
        &d::BatchForm {
            call: CALL.into(),
            from: "".into(),
            to: "".into(),
        },
    )
    .await
    .expect("batch");
    assert_eq!(b.reference, "BJ-AIXR-2026-ZF-20270107-01");
    assert_eq!(b.rows.len(), 4);
    let sum: i64 = awards[..4]
        .iter()
        .map(|a| a.amount.fen() * 4000 / 10_000)
        .sum();
    assert_eq!(b.total.fen(), sum);
    assert_eq!(b.total_capital, b.total.capital());
    assert!(b.total_capital.starts_with("人民币") && b.total_capital.ends_with('整'));
    assert!(
        b.rows[0].purpose.ends_with("第1笔科研经费（签订任务书）"),
        "{}",
        b.rows[0].purpose
    );
    assert_eq!(b.rows[0].credit_code.len(), 18);
    let sheet = d::sheets::batch_table(&b);
    assert_eq!(sheet.headers[6], "金额大写");
    assert_eq!(sheet.rows.len(), 5, "four payments and the total");
    let e = d::create_batch(
        &db.pool,
        &on(2027, 1, 7),
        &d::BatchForm {
            call: CALL.into(),
            from: "".into(),
            to: "".into(),
        },
    )
    .await
    .expect_err("all are in a batch already");
    assert_eq!(e.invalid_fields()[0].rule, "nothing_to_pay");

    // One transfer is returned before the batch is paid: the rest are paid together.
    d::failed(
        &db.pool,
        &on(2027, 1, 8),
        &paid_form(ids[1], "", "账号有误"),
    )
    .await
    .expect("failed");
    let paid = d::batch_paid(
        &db.pool,
        &on(2027, 1, 9),
        &d::BatchPaidForm {
            batch: b.reference.as_str().into(),
            on: "".into(),
            bank_ref: "ICBC-PL-0109".into(),
        },
    )
    .await
    .expect("paid");
    assert_eq!(paid.paid_on, Some(day(2027, 1, 9)));
    let statuses: Vec<&str> = paid.rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["paid", "paid", "paid"],
        "the returned one left the batch"
    );
    let (entries,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'payment' AND action = 'paid'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("n");
    assert_eq!(
        entries, 3,
        "each payment paid by the batch has its own entry"
    );
    assert_eq!(paid.rows[0].bank_ref, format!("ICBC-PL-0109/{}", ids[0]));
    let e = d::batch_paid(
        &db.pool,
        &on(2027, 1, 10),
        &d::BatchPaidForm {
            batch: b.reference.as_str().into(),
            on: "".into(),
            bank_ref: "X".into(),
        },
    )
    .await
    .expect_err("nothing left");
    assert_eq!(e.invalid_fields()[0].rule, "batch_settled");
    // Approved again, the returned payment goes into the next batch; a batch is not paid
    // before its latest approval.
    d::again(&db.pool, &on(2027, 1, 12), &paid_form(ids[1], "", ""))
        .await
        .expect("again");
    let b2 = d::create_batch(
        &db.pool,
        &on(2027, 1, 12),
        &d::BatchForm {
            call: CALL.into(),
            from: "".into(),
            to: "".into(),
        },
    )
    .await
    .expect("second batch");
    assert_eq!(
        b2.rows.iter().map(|r| r.payment).collect::<Vec<_>>(),
        [ids[1]]
    );
    let e = d::batch_paid(
        &db.pool,
        &on(2027, 1, 13),
        &d::BatchPaidForm {
            batch: b2.reference.as_str().into(),
            on: "2027-01-11".into(),
            bank_ref: "X".into(),
        },
    )
    .await
    .expect_err("before its approval");
    assert_eq!(e.invalid_fields()[0].rule, "paid_before_approved");
    let awards_now = decision::awards(&db.pool, CALL).await.expect("awards");
    assert_eq!(awards_now[0].status, AwardStatus::Active);
    assert_eq!(
        awards_now[1].status,
        AwardStatus::Accepted,
        "its payment failed"
    );
    let l = ledger_balances(&db).await;
    assert_eq!(l.paid.fen(), sum - awards[1].amount.fen() * 4000 / 10_000);

    // The ledger and the plan export like the other tables.
    let f = grantdesk::export::table_file(
        &db.pool,
        CALL,
        "ledger",
        &grantdesk::export::View::default(),
        grantdesk::export::Format::Csv,
    )
    .await
    .expect("ledger");
    let text = String::from_utf8(f.bytes[3..].to_vec()).expect("utf-8");
    assert!(
        text.starts_with("资助文号,承担单位,状态,资助金额（元）"),
        "{text}"
    );
    assert_eq!(f.rows, awards.len() + 1, "a row per award and the total");
    let f = grantdesk::export::table_file(
        &db.pool,
        CALL,
        "cashflow",
        &grantdesk::export::View::default(),
        grantdesk::export::Format::Xlsx,
    )
    .await
    .expect("plan");
    assert_eq!(f.name, "BJ-AIXR-2026-用款计划.xlsx");
    assert_eq!(&f.bytes[..2], b"PK");
}

#[tokio::test]
async fn a_rescheduled_review_takes_its_waiting_tranche_along() {
    let (db, awards) = awarded().await;
    let a = &awards[8];
    let s = on(2027, 11, 20);
    let mv = |milestone: &str, due: &str| d::MoveMilestoneForm {
        award: a.number.as_str().into(),
        milestone: milestone.into(),
        due_on: due.into(),
    };
    let f = d::move_milestone(&db.pool, &s, &mv("midterm", "2028-03-15"))
        .await
        .expect("moved");
    let mid = f
        .milestones
        .iter()
        .find(|m| m.kind == d::MilestoneKind::Midterm)
        .expect("mid");
    assert_eq!(mid.due_on, day(2028, 3, 15));
    assert_eq!(
        f.tranches[1].due_on,
        day(2028, 3, 15),
        "the tranche waiting for it follows"
    );
    assert_eq!(f.tranches[0].due_on, day(2027, 1, 1), "the others stay");
    // Not overdue on 2028-02-01 any more: no hold from it.
    let later = d::award_finance(&db.pool, &a.number, day(2028, 2, 1))
        .await
        .expect("f");
    assert!(
        !later.milestones.iter().any(|m| m.overdue),
        "{:?}",
        later.milestones
    );
    let e = d::move_milestone(&db.pool, &s, &mv("signing", "2027-02-01"))
        .await
        .expect_err("decided");
    assert_eq!(e.code(), "milestone_decided");
    let e = d::move_milestone(&db.pool, &s, &mv("midterm", "2026-06-01"))
        .await
        .expect_err("before the start");
    assert_eq!(e.invalid_fields()[0].rule, "due_before_start");
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'schedule' AND action = 'move_milestone'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("n");
    assert_eq!(n, 1);
}
