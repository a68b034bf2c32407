//! The pure rules of disbursement: holds, gates and the payment lifecycle.

use chrono::NaiveDate;

use super::*;
use crate::decision::AwardStatus;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn milestone(kind: MilestoneKind, due_on: NaiveDate) -> Milestone {
    Milestone {
        id: 1,
        kind,
        name: String::new(),
        due_on,
        outcome: None,
        decided_on: None,
        rectify_by: None,
        note: String::new(),
        overdue: false,
        outcomes: Vec::new(),
    }
}

#[test]
fn milestones_fall_due_at_the_start_halfway_and_three_months_after_the_end() {
    let (start, end) = (d(2027, 1, 1), d(2028, 12, 31));
    assert_eq!(milestone_due(MilestoneKind::Signing, start, end, 24), start);
    assert_eq!(
        milestone_due(MilestoneKind::Midterm, start, end, 24),
        d(2028, 1, 1)
    );
    assert_eq!(
        milestone_due(MilestoneKind::Acceptance, start, end, 24),
        d(2029, 3, 31)
    );
}

#[test]
fn an_overdue_milestone_holds_payments_and_the_hold_lifts_when_it_is_decided() {
    let mut m = milestone(MilestoneKind::Midterm, d(2028, 1, 1));
    let ms = [m.clone()];
    assert!(
        holds(AwardStatus::Active, &ms, &[], d(2028, 1, 1)).is_empty(),
        "due today is not late"
    );
    let h = holds(AwardStatus::Active, &ms, &[], d(2028, 1, 2));
    assert_eq!(
        h,
        [Hold::OverdueMilestone {
            milestone: m.title(),
            due_on: d(2028, 1, 1)
        }]
    );
    assert!(
        h[0].texts()
            .zh
            .contains("中期检查应于 2028-01-01 完成，已逾期")
    );
    m.outcome = Some(Outcome::Passed);
    m.decided_on = Some(d(2028, 1, 5));
    assert!(holds(AwardStatus::Active, &[m], &[], d(2028, 3, 1)).is_empty());
}

#[test]
fn a_conditional_pass_keeps_the_gate_shut_and_holds_once_its_date_passes() {
    let mut m = milestone(MilestoneKind::Midterm, d(2028, 1, 1));
    m.outcome = Some(Outcome::Conditional);
    m.decided_on = Some(d(2028, 1, 3));
    m.rectify_by = Some(d(2028, 3, 31));
    let why = gate_shut(&m).expect("shut");
    assert!(
        why.zh.contains("限期整改") && why.en.contains("conditions"),
        "{why:?}"
    );
    assert!(
        holds(
            AwardStatus::Active,
            std::slice::from_ref(&m),
            &[],
            d(2028, 3, 31)
        )
        .is_empty()
    );
    let h = holds(
        AwardStatus::Active,
        std::slice::from_ref(&m),
        &[],
        d(2028, 4, 1),
    );
    assert!(matches!(h[..], [Hold::OverdueConditions { .. }]), "{h:?}");
    assert!(
        Outcome::may_follow(m.outcome),
        "the conditions are met or not later"
    );
    m.outcome = Some(Outcome::Passed);
    assert!(gate_shut(&m).is_none());
    assert!(!Outcome::may_follow(m.outcome), "passed is final");
}

#[test]
fn a_failed_milestone_suspends_and_status_holds_name_themselves() {
    let mut m = milestone(MilestoneKind::Midterm, d(2028, 1, 1));
    m.outcome = Some(Outcome::Failed);
    m.decided_on = Some(d(2028, 1, 10));
    let h = holds(AwardStatus::Active, &[m], &[], d(2028, 1, 11));
    assert!(matches!(h[..], [Hold::Suspended { .. }]));
    assert!(h[0].texts().zh.contains("资助已暂停"), "{:?}", h[0].texts());
    assert_eq!(
        holds(AwardStatus::Offered, &[], &[], d(2027, 1, 1)),
        [Hold::NotSigned]
    );
    let closed = holds(AwardStatus::Terminated, &[], &[], d(2027, 1, 1));
    assert_eq!(closed[0].texts().zh, "资助已终止");
    assert_eq!(closed[0].texts().en, "the award is terminated");
}

#[test]
fn a_paid_entry_never_changes_and_a_failed_one_is_approved_again() {
    use PaymentStatus::*;
    assert_eq!(Approved.next(), [Paid, Failed, Cancelled]);
    assert_eq!(Failed.next(), [Approved, Cancelled]);
    assert!(Paid.next().is_empty() && Cancelled.next().is_empty());
    assert!(Approved.holds_money() && Paid.holds_money());
    assert!(!Failed.holds_money() && !Cancelled.holds_money());
}

#[test]
fn an_overdue_report_holds_payments_until_it_is_submitted() {
    let due = spending::reports_due(d(2027, 1, 1), 2, d(2029, 3, 31), &[], d(2028, 2, 1));
    let h = holds(AwardStatus::Active, &[], &due, d(2028, 2, 1));
    assert_eq!(h.len(), 1);
    assert_eq!(
        h[0].texts().zh,
        "第 1 年度经费使用情况报告应于 2028-01-31 提交，已逾期"
    );
    let due = spending::reports_due(d(2027, 1, 1), 2, d(2029, 3, 31), &[1], d(2028, 2, 1));
    assert!(holds(AwardStatus::Active, &[], &due, d(2028, 2, 1)).is_empty());
    let due = spending::reports_due(d(2027, 1, 1), 2, d(2029, 3, 31), &[1], d(2029, 4, 1));
    let h = holds(AwardStatus::Active, &[], &due, d(2029, 4, 1));
    assert_eq!(
        h[0].texts().en,
        "the final spending report was due on 2029-03-31 and is overdue"
    );
}

#[test]
fn month_ends_stay_month_ends_and_other_days_keep_their_place() {
    assert_eq!(add_months(d(2029, 2, 28), 3), Some(d(2029, 5, 31)));
    assert_eq!(add_months(d(2028, 12, 31), 3), Some(d(2029, 3, 31)));
    assert_eq!(add_months(d(2028, 3, 30), 1), Some(d(2028, 4, 30)));
    assert_eq!(add_months(d(2027, 1, 15), 1), Some(d(2027, 2, 15)));
    // A project starting on 2027-03-31: its first year ends 2028-03-30, the report is due
    // a month later, 2028-04-30 (not a day early).
    let due = spending::reports_due(d(2027, 3, 31), 2, d(2029, 6, 30), &[], d(2028, 4, 30));
    assert_eq!(due[0].due_on, d(2028, 4, 30));
    assert!(!due[0].overdue);
    assert_eq!(
        milestone_due(MilestoneKind::Acceptance, d(2027, 3, 1), d(2029, 2, 28), 24),
        d(2029, 5, 31)
    );
}

#[test]
fn after_a_conditional_pass_only_met_or_not_may_follow() {
    assert_eq!(Outcome::next(None), Outcome::ALL);
    assert_eq!(
        Outcome::next(Some(Outcome::Conditional)),
        [Outcome::Passed, Outcome::Failed]
    );
    assert!(Outcome::next(Some(Outcome::Passed)).is_empty());
}
