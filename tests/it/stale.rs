//! Issue #16, item 6, beyond the call: a proposal, a reviewer or an award's schedule edited on
//! a copy someone changed since it was read is refused, naming who and when, and nothing is
//! overwritten; a copy read again saves. (The call's own test is in `calls.rs`.)

use chrono::NaiveDate;
use grantdesk::decision;
use grantdesk::disbursement::{self as d, EditForm};
use grantdesk::proposal;
use grantdesk::review::pool::{self, ReviewerForm};
use grantdesk::{Coded, Error, Lang, demo};

use crate::support::{actor, db, open_call, stamp};

/// The refusal names the thing, who changed it and when, in both languages.
fn assert_stale(e: &Error, en_thing: &str) {
    assert_eq!(e.code(), "changed_by_another", "{e:?}");
    let who = actor();
    assert_eq!(
        e.message(Lang::En),
        format!(
            "{en_thing} was changed by another officer ({who}) at 2026-05-06 17:30 since you opened it — reload, then edit"
        )
    );
    let zh = e.message(Lang::Zh);
    assert!(zh.contains(&who) && zh.contains("请重新载入"), "{zh}");
}

#[tokio::test]
async fn a_proposal_edited_on_a_stale_copy_is_refused() {
    let db = open_call().await;
    let form = demo::sample_proposals().swap_remove(0).0;
    let p = proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect("create");
    let reference = p.content.reference.clone();
    let code = demo::CALL_CODE;
    let mut first = proposal::edit_form(&db.pool, code, &reference)
        .await
        .expect("form");
    assert!(first.seen_version.is_some_and(|v| v > 0));
    let mut second = first.clone();
    first.title = "第一位主管改的题目".into();
    proposal::update(&db.pool, &stamp(), code, &reference, &first)
        .await
        .expect("the first edit");
    second.pi_name = "第二位".into();
    let e = proposal::update(&db.pool, &stamp(), code, &reference, &second)
        .await
        .expect_err("stale");
    assert_stale(&e, &format!("proposal {code}/{reference}"));
    let now = proposal::get(&db.pool, code, &reference)
        .await
        .expect("get");
    assert_eq!(now.content.title, "第一位主管改的题目");
    assert_ne!(now.content.pi_name, "第二位", "nothing overwritten");
    // Read again, the same edit saves; a file (no version) is not compared.
    let mut again = proposal::edit_form(&db.pool, code, &reference)
        .await
        .expect("form");
    assert!(again.seen_version > first.seen_version);
    again.pi_name = "第二位".into();
    proposal::update(&db.pool, &stamp(), code, &reference, &again)
        .await
        .expect("on a fresh copy");
    again.seen_version = None;
    again.pi_title = "研究员".into();
    proposal::update(&db.pool, &stamp(), code, &reference, &again)
        .await
        .expect("without a version");
}

#[tokio::test]
async fn a_reviewer_edited_on_a_stale_copy_is_refused() {
    let db = db().await;
    let r = pool::create(
        &db.pool,
        &stamp(),
        &ReviewerForm {
            name: "王磊".into(),
            affiliation: "清华大学".into(),
            email: "wang.lei@review.example.cn".into(),
            phone: "010-62780000".into(),
            topics: vec!["AI, VR".into()],
            ..Default::default()
        },
    )
    .await
    .expect("reviewer");
    let mut first = pool::edit_form(&db.pool, r.id).await.expect("form");
    assert_eq!(first.name.as_str(), "王磊");
    assert_eq!(first.topics.len(), 1);
    assert_eq!(first.topics[0].as_str(), "AI, VR");
    let mut second = first.clone();
    first.phone = "010-62780001".into();
    pool::update(&db.pool, &stamp(), r.id, &first)
        .await
        .expect("the first edit");
    second.affiliation = "北京大学".into();
    let e = pool::update(&db.pool, &stamp(), r.id, &second)
        .await
        .expect_err("stale");
    assert_stale(&e, &format!("reviewer {}", r.id));
    let now = pool::edit_form(&db.pool, r.id).await.expect("form");
    assert_eq!(now.phone.as_str(), "010-62780001");
    assert_eq!(now.affiliation.as_str(), "清华大学", "nothing overwritten");
    let mut again = now;
    again.affiliation = "北京大学".into();
    pool::update(&db.pool, &stamp(), r.id, &again)
        .await
        .expect("on a fresh copy");
}

/// Tranche numbers move when a schedule is split or merged: a change made on the page as it
/// was is refused, since "tranche 2" may no longer be the tranche the officer saw.
#[tokio::test]
async fn a_schedule_reshaped_on_a_stale_page_is_refused() {
    let db = db().await;
    demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = decision::awards(&db.pool, demo::CALL_CODE)
        .await
        .expect("awards");
    let number = awards[0].number.clone();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
    let page = d::award_finance(&db.pool, &number, today)
        .await
        .expect("page");
    let seen = page.schedule_version;
    assert!(seen.is_some_and(|v| v > 0), "{seen:?}");
    let split = EditForm {
        award: number.as_str().into(),
        action: "split".into(),
        tranche: "2".into(),
        amount: "10000".into(),
        due_on: "2027-09-01".into(),
        seen_version: seen,
        ..Default::default()
    };
    let after = d::edit_schedule(&db.pool, &stamp(), &split)
        .await
        .expect("the first officer's split");
    assert_eq!(after.tranches.len(), page.tranches.len() + 1);
    assert!(after.schedule_version > seen);
    let moved = EditForm {
        action: "move".into(),
        amount: "".into(),
        due_on: "2027-10-01".into(),
        ..split.clone()
    };
    let e = d::edit_schedule(&db.pool, &stamp(), &moved)
        .await
        .expect_err("stale");
    assert_stale(&e, &format!("the schedule of award {number}"));
    let now = d::award_finance(&db.pool, &number, today)
        .await
        .expect("page");
    assert_eq!(now.tranches, after.tranches, "nothing changed");
    d::edit_schedule(
        &db.pool,
        &stamp(),
        &EditForm {
            seen_version: now.schedule_version,
            ..moved
        },
    )
    .await
    .expect("on the page read again");
}
