use grantdesk::call::{self, CallError, CallStatus};
use grantdesk::{Coded, Error, Lang, Money, demo};

use crate::support::{db, stamp};

#[tokio::test]
async fn the_database_uses_wal_and_foreign_keys() {
    if crate::support::on_server("the_database_uses_wal_and_foreign_keys") {
        return;
    }
    let db = db().await;
    let (mode,): (String,) = grantdesk::db::query_as("PRAGMA journal_mode")
        .fetch_one(&db.pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let (fk,): (i64,) = grantdesk::db::query_as("PRAGMA foreign_keys")
        .fetch_one(&db.pool)
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
    assert!(db.path().exists());
}

#[tokio::test]
async fn a_created_call_reads_back_exactly_as_validated() {
    let db = db().await;
    let spec = demo::reference_call_form().validate().expect("valid");
    let created = call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect("create");
    assert_eq!(created.status, CallStatus::Draft);
    let read = call::get(&db.pool, "bj-aixr-2026")
        .await
        .expect("get by code, any case");
    assert_eq!(read.spec, spec);
    assert_eq!(
        read.spec.total_budget,
        Money::parse("6000万").expect("amount")
    );
    assert_eq!(call::list(&db.pool).await.expect("list").len(), 1);
}

#[tokio::test]
async fn a_duplicate_code_is_refused_and_nothing_is_written() {
    let db = db().await;
    call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect("create");
    let audit_before = db.count("audit_log").await;
    let err = call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect_err("duplicate");
    assert_eq!(err.code(), "call_duplicate_code");
    assert_eq!(db.count("calls").await, 1);
    assert_eq!(db.count("audit_log").await, audit_before);
}

#[tokio::test]
async fn an_invalid_call_changes_nothing_and_says_why_in_both_languages() {
    let db = db().await;
    let mut form = demo::reference_call_form();
    form.award_floor = "900万".into();
    let err = call::create(&db.pool, &stamp(), &form)
        .await
        .expect_err("floor above ceiling");
    assert_eq!(err.code(), "call_invalid");
    assert_eq!(err.invalid_fields()[0].field, "award_floor");
    assert!(
        err.message(Lang::Zh)
            .contains("单项资助下限 ¥9,000,000.00 高于上限 ¥8,000,000.00")
    );
    assert!(
        err.message(Lang::En)
            .contains("award floor ¥9,000,000.00 is above the award ceiling")
    );
    assert_eq!(db.count("calls").await, 0);
    assert_eq!(db.count("audit_log").await, 0);
}

#[tokio::test]
async fn the_lifecycle_refuses_illegal_moves_naming_both_states() {
    let db = db().await;
    call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect("create");
    let err = call::set_status(&db.pool, &stamp(), demo::CALL_CODE, CallStatus::Closed)
        .await
        .expect_err("draft cannot close");
    assert!(matches!(
        err,
        Error::Call(CallError::IllegalTransition {
            from: CallStatus::Draft,
            to: CallStatus::Closed,
            ..
        })
    ));
    assert!(err.message(Lang::Zh).contains("草稿") && err.message(Lang::Zh).contains("已截止"));
    for to in [
        CallStatus::Open,
        CallStatus::Closed,
        CallStatus::Open,
        CallStatus::Closed,
    ] {
        let c = call::set_status(&db.pool, &stamp(), demo::CALL_CODE, to)
            .await
            .expect("legal move");
        assert_eq!(c.status, to);
    }
}

#[tokio::test]
async fn a_call_can_be_edited_while_draft_or_open_but_not_once_closed() {
    let db = db().await;
    call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect("create");
    let mut form = demo::reference_call_form();
    form.closes_on = "2026-05-15".into();
    let c = call::update(&db.pool, &stamp(), demo::CALL_CODE, &form)
        .await
        .expect("edit draft");
    assert_eq!(c.spec.closes_on.to_string(), "2026-05-15");
    call::set_status(&db.pool, &stamp(), demo::CALL_CODE, CallStatus::Open)
        .await
        .expect("open");
    call::set_status(&db.pool, &stamp(), demo::CALL_CODE, CallStatus::Closed)
        .await
        .expect("close");
    let err = call::update(&db.pool, &stamp(), demo::CALL_CODE, &form)
        .await
        .expect_err("closed");
    assert_eq!(err.code(), "call_not_editable");
}

#[tokio::test]
async fn the_code_cannot_change_and_topics_in_use_cannot_be_removed() {
    let db = crate::support::open_call().await;
    let (form, _) = demo::sample_proposals().swap_remove(9); // an AR proposal
    grantdesk::proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect("proposal");
    let mut edit = demo::reference_call_form();
    edit.code = "OTHER-CODE".into();
    edit.topics.retain(|t| t.code.as_str() != "AR");
    let err = call::update(&db.pool, &stamp(), demo::CALL_CODE, &edit)
        .await
        .expect_err("refused");
    let rules: Vec<_> = err.invalid_fields().iter().map(|i| i.rule).collect();
    assert_eq!(rules, vec!["code_immutable", "topic_in_use"]);
    assert_eq!(
        call::get(&db.pool, demo::CALL_CODE)
            .await
            .expect("get")
            .spec
            .topics
            .len(),
        3
    );
}

#[tokio::test]
async fn an_unknown_call_is_reported_by_code() {
    let db = db().await;
    let err = call::get(&db.pool, "NOPE-1").await.expect_err("missing");
    assert_eq!(err.code(), "call_not_found");
    assert!(err.message(Lang::En).contains("NOPE-1"));
}

/// Issue #16, item 6: an edit made on a copy someone changed since it was loaded is refused,
/// naming who changed it and when, rather than overwriting their change; a fresh copy saves.
#[tokio::test]
async fn an_edit_on_a_stale_copy_is_refused_naming_who_changed_it_and_when() {
    let db = crate::support::open_call().await;
    let code = demo::CALL_CODE;
    let loaded = grantdesk::audit::version(&db.pool, "call", code)
        .await
        .expect("version");
    assert!(loaded > 0);
    // Two officers open the same call to edit it.
    let mut first = call::edit_form(&db.pool, code).await.expect("form");
    assert_eq!(first.seen_version, Some(loaded));
    let mut second = first.clone();
    first.title_en = "Changed by the first officer".into();
    call::update(&db.pool, &stamp(), code, &first)
        .await
        .expect("the first edit");
    second.title_zh = "第二位的修改".into();
    let e = call::update(&db.pool, &stamp(), code, &second)
        .await
        .expect_err("stale");
    assert_eq!(e.code(), "changed_by_another");
    let who = crate::support::actor();
    assert_eq!(
        e.message(Lang::En),
        format!(
            "call {code} was changed by another officer ({who}) at 2026-05-06 17:30 since you opened it — reload, then edit"
        )
    );
    assert!(
        e.message(Lang::Zh).contains("请重新载入"),
        "{}",
        e.message(Lang::Zh)
    );
    let now = call::get(&db.pool, code).await.expect("call");
    assert_eq!(now.spec.title_en, "Changed by the first officer");
    assert_ne!(now.spec.title_zh, "第二位的修改", "nothing overwritten");
    // Reloaded, the same edit saves.
    second.seen_version = call::edit_form(&db.pool, code)
        .await
        .expect("form")
        .seen_version;
    second.title_en = now.spec.title_en.clone().into();
    call::update(&db.pool, &stamp(), code, &second)
        .await
        .expect("on a fresh copy");
}
