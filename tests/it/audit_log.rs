use grantdesk::audit;
use grantdesk::call::{self, CallStatus};
use grantdesk::{Coded, demo};

use crate::support::{Db, stamp};

async fn with_history() -> Db {
    let db = crate::support::open_call().await;
    for i in 0..3 {
        let (form, _) = demo::sample_proposals().swap_remove(i);
        grantdesk::proposal::create(&db.pool, &stamp(), &form)
            .await
            .expect("proposal");
    }
    db
}

async fn exec(db: &Db, sql: &'static str) {
    grantdesk::db::query(sql)
        .execute(&db.pool)
        .await
        .expect("tamper");
}

#[tokio::test]
async fn every_change_is_recorded_with_actor_time_and_states() {
    let db = with_history().await;
    // call create, call open, then per proposal: applicant create + proposal create.
    let v = audit::verify(&db.pool).await.expect("intact");
    assert_eq!(v.entries, 8);
    let newest = audit::history(&db.pool, None, 100).await.expect("history");
    assert_eq!(newest.len(), 8);
    let open = newest
        .iter()
        .find(|e| e.action == "open")
        .expect("open entry");
    assert_eq!(open.actor, crate::support::actor());
    assert_eq!(open.at, "2026-05-06T09:30:00.000000Z");
    assert_eq!(open.before_json.as_deref(), Some("\"draft\""));
    assert_eq!(open.after_json.as_deref(), Some("\"open\""));
    let create = newest
        .iter()
        .find(|e| e.entity == "call" && e.action == "create")
        .expect("create");
    assert!(create.before_json.is_none());
    assert!(
        create
            .after_json
            .as_deref()
            .is_some_and(|j| j.contains("\"total_budget\":\"60000000.00\""))
    );
}

#[tokio::test]
async fn altering_an_entry_is_detected_and_named() {
    let db = with_history().await;
    exec(&db, "UPDATE audit_log SET actor = 'intruder' WHERE seq = 3").await;
    let err = audit::verify(&db.pool).await.expect_err("tampered");
    assert_eq!(err.code(), "audit_tampered");
    assert!(err.to_string().contains("#3"), "{err}");
}

#[tokio::test]
async fn altering_the_recorded_states_is_detected() {
    let db = with_history().await;
    exec(&db, "UPDATE audit_log SET after_json = replace(after_json, '60000000.00', '90000000.00') WHERE seq = 1").await;
    assert!(
        audit::verify(&db.pool)
            .await
            .expect_err("tampered")
            .to_string()
            .contains("#1")
    );
}

#[tokio::test]
async fn deleting_an_entry_in_the_middle_is_detected() {
    let db = with_history().await;
    exec(&db, "DELETE FROM audit_log WHERE seq = 4").await;
    let err = audit::verify(&db.pool).await.expect_err("gap");
    assert!(err.to_string().contains("#4"), "{err}");
}

#[tokio::test]
async fn deleting_the_newest_entries_is_detected() {
    let db = with_history().await;
    exec(&db, "DELETE FROM audit_log WHERE seq >= 7").await;
    let err = audit::verify(&db.pool).await.expect_err("truncated");
    assert_eq!(err.code(), "audit_truncated");
}

#[tokio::test]
async fn reordering_entries_is_detected() {
    let db = with_history().await;
    // Swap the contents of entries 5 and 6, hashes included, keeping the numbering.
    exec(&db, "UPDATE audit_log SET seq = -5 WHERE seq = 5").await;
    exec(&db, "UPDATE audit_log SET seq = 5 WHERE seq = 6").await;
    exec(&db, "UPDATE audit_log SET seq = 6 WHERE seq = -5").await;
    let err = audit::verify(&db.pool).await.expect_err("reordered");
    assert!(err.to_string().contains("#5"), "{err}");
}

#[tokio::test]
async fn a_failed_operation_leaves_no_entry() {
    let db = with_history().await;
    let before = audit::verify(&db.pool).await.expect("intact");
    let mut bad = demo::sample_proposals().swap_remove(5).0;
    bad.budget[0].year = "9".into();
    assert!(
        grantdesk::proposal::create(&db.pool, &stamp(), &bad)
            .await
            .is_err()
    );
    assert!(
        call::set_status(&db.pool, &stamp(), demo::CALL_CODE, CallStatus::Draft)
            .await
            .is_err()
    );
    assert_eq!(audit::verify(&db.pool).await.expect("intact"), before);
}

#[tokio::test]
async fn two_connections_writing_at_once_keep_one_unbroken_chain() {
    let db = crate::support::open_call().await;
    // A second pool on the same file stands for a second officer's desktop.
    let other = db.other().await;
    let forms = demo::sample_proposals();
    let (a, b): (Vec<_>, Vec<_>) = forms.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let run = |pool: grantdesk::store::Pool,
               items: Vec<(
        usize,
        (grantdesk::proposal::ProposalForm, chrono::NaiveDate),
    )>| {
        tokio::spawn(async move {
            for (_, (f, _)) in items {
                grantdesk::proposal::create(&pool, &stamp(), &f)
                    .await
                    .expect("concurrent create");
            }
        })
    };
    let (ra, rb) = tokio::join!(run(db.pool.clone(), a), run(other, b));
    ra.expect("task a");
    rb.expect("task b");
    assert_eq!(db.count("proposals").await, 40);
    assert_eq!(
        audit::verify(&db.pool).await.expect("intact").entries,
        2 + 80
    );
}

/// Issue #11, item 8: what the window checks at start — the chain, named by its first bad
/// entry, and the daily backup — comes back to be shown, in both languages.
#[tokio::test]
async fn the_start_check_names_the_first_bad_entry_and_a_failed_backup() {
    let db = with_history().await;
    let clean = grantdesk::startup::check(&db.pool, &db.path(), &stamp()).await;
    assert!(clean.is_empty(), "{clean:?}");

    exec(&db, "UPDATE audit_log SET actor = 'intruder' WHERE seq = 5").await;
    let tomorrow = grantdesk::store::Stamp::new("officer", stamp().at + chrono::Duration::days(1));
    // What the window waits for does not read the log; what it runs once open does.
    assert!(
        grantdesk::startup::prepare(&db.pool, &tomorrow)
            .await
            .is_empty()
    );
    let found = grantdesk::startup::check(&db.pool, &db.path(), &tomorrow).await;
    assert_eq!(found[0].code, "audit_tampered");
    assert!(
        found[0].message.en.contains("#5"),
        "{}",
        found[0].message.en
    );
    assert!(found[0].message.zh.contains("审计日志校验失败"));
    if crate::support::server().is_some() {
        // A server's database is backed up by the server's tools, not at the window's start.
        assert_eq!(found.len(), 1, "{found:?}");
        return;
    }
    // The day's backup checks its copy's chain too, so it fails and says so.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[1]
            .message
            .en
            .starts_with("today's automatic backup failed")
    );
}

/// Issue #16, item 4: on a server the audit entry's actor is the role the session signed in
/// as — whatever name the caller passed, and a plain INSERT naming someone else is refused by
/// the server itself. On a file it is the stamp's (the operating-system account).
#[tokio::test]
async fn on_a_server_the_actor_is_the_signed_in_role_and_cannot_be_forged() {
    let db = with_history().await;
    let someone = grantdesk::store::Stamp::new("someone-else", stamp().at);
    call::set_status(&db.pool, &someone, demo::CALL_CODE, CallStatus::Closed)
        .await
        .expect("close");
    let newest = audit::history(&db.pool, None, 1).await.expect("history");
    let Some(server) = crate::support::server() else {
        assert_eq!(newest[0].actor, "someone-else");
        return;
    };
    assert_ne!(newest[0].actor, "someone-else", "{server}");
    assert_eq!(newest[0].actor, crate::support::actor());
    let forged = grantdesk::db::query(
        "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, prev_hash, hash)
         VALUES (100, 'x', 'director', 'call', 'x', 'x', 'x', 'x')",
    )
    .execute(&db.pool)
    .await
    .expect_err("a forged actor");
    assert!(
        forged.to_string().contains("names the role signed in"),
        "{forged}"
    );
    assert!(audit::verify(&db.pool).await.is_ok());
}

/// The walk reads the log a page at a time and hashes each page while it reads the next: over
/// several pages it still counts every entry, and names the first bad one wherever it lies,
/// the earliest when two pages each hold one.
#[tokio::test]
async fn a_log_of_several_pages_is_walked_whole_and_its_first_bad_entry_named() {
    let db = crate::support::db().await;
    grantdesk::import::bench::open_call(&db.pool, &stamp())
        .await
        .expect("call");
    let path = db.dir.path().join("rows.csv");
    std::fs::write(&path, grantdesk::import::bench::synthetic_csv(1_600)).expect("write");
    let sheet = grantdesk::import::read(&path).expect("read");
    let request = grantdesk::import::ImportRequest {
        call: grantdesk::import::bench::CODE.into(),
        ..Default::default()
    };
    grantdesk::import::import(&db.pool, &stamp(), &sheet, &request)
        .await
        .expect("import");
    let entries = db.count("audit_log").await;
    assert!(entries > 3_200, "{entries}");
    assert_eq!(
        audit::verify(&db.pool).await.expect("intact").entries,
        entries
    );

    exec(
        &db,
        "UPDATE audit_log SET actor = 'intruder' WHERE seq = 2950",
    )
    .await;
    let err = audit::verify(&db.pool).await.expect_err("tampered");
    assert!(err.to_string().contains("#2950"), "{err}");
    exec(
        &db,
        "UPDATE audit_log SET actor = 'intruder' WHERE seq = 1500",
    )
    .await;
    let err = audit::verify(&db.pool).await.expect_err("tampered");
    assert!(err.to_string().contains("#1500"), "{err}");
}
