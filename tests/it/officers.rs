//! Issue #16, item 5: officers' roles and the segregation of duties (不相容岗位分离), tried
//! through GrantDesk (a refusal naming the duty) and through plain SQL on the officer's own
//! connection (the server's grants and triggers), on a server; and what a file says instead.

use chrono::{TimeZone, Utc};
use grantdesk::decision::Rows;
use grantdesk::decision::{self, AwardStatus, IssueForm, QuotaForm, SuggestForm};
use grantdesk::disbursement as d;
use grantdesk::officer::{self, Role};
use grantdesk::review::table::Rankings;
use grantdesk::store::{Pool, Stamp};
use grantdesk::{Coded, Lang};

use crate::support::{Db, db, stamp};

const CALL: &str = grantdesk::demo::CALL_CODE;

fn on(y: i32, m: u32, dd: u32) -> Stamp {
    Stamp::new(
        "whoever-the-client-says",
        Utc.with_ymd_and_hms(y, m, dd, 2, 0, 0)
            .single()
            .expect("time"),
    )
}

/// A connection of `name`'s own to the test database.
async fn signed_in_as(db: &Db, name: &str) -> Pool {
    let url = db.url.as_deref().expect("a server database");
    let (scheme, rest) = url.split_once("://").expect("url");
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    grantdesk::store::connect_server(&format!("{scheme}://{name}@{host}"))
        .await
        .expect("sign in")
}

async fn sql(pool: &Pool, text: &'static str) -> Result<u64, String> {
    grantdesk::db::query(text)
        .execute(pool)
        .await
        .map(|d| d.rows_affected())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn on_a_file_its_account_holds_every_duty_and_officers_are_the_server_s() {
    if crate::support::server().is_some() {
        return;
    }
    let db = db().await;
    let me = officer::whoami(&db.pool).await.expect("whoami");
    assert_eq!(me.name, grantdesk::store::os_account());
    assert_eq!(me.roles, Role::ALL.to_vec());
    assert_eq!(me.backend, "sqlite");
    let e = officer::list(&db.pool).await.expect_err("server only");
    assert_eq!(e.code(), "officers_server_only");
    let e = officer::add(&db.pool, &stamp(), "li_wei", "finance")
        .await
        .expect_err("server only");
    assert!(e.message(Lang::Zh).contains("PostgreSQL"));
}

#[tokio::test]
async fn each_role_does_its_own_duty_and_no_other_through_grantdesk_or_plain_sql() {
    if crate::support::server().is_none() {
        eprintln!("roles are a server's: run by make it-postgres");
        return;
    }
    let db = db().await;
    grantdesk::demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("sample reviewed");
    let id = std::process::id();
    let name = |n: &str| format!("{n}_{id}");
    let (view, prog, fin1, fin2, dir) = (
        name("kan"),
        name("li"),
        name("zhao"),
        name("qian"),
        name("sun"),
    );
    for (who, role) in [
        (&view, "viewer"),
        (&prog, "programme"),
        (&fin1, "finance"),
        (&fin2, "财务"),
        (&dir, "director"),
    ] {
        let o = officer::add(&db.pool, &stamp(), who, role)
            .await
            .expect("add officer");
        assert!(o.roles.contains(&Role::parse(role).expect("role")));
    }
    let e = officer::add(&db.pool, &stamp(), "x; DROP TABLE awards", "finance")
        .await
        .expect_err("bad name");
    assert_eq!(e.code(), "officer_name_invalid");
    let listed = officer::list(&db.pool).await.expect("list");
    let fin = listed.iter().find(|o| o.name == fin2).expect("listed");
    assert_eq!(fin.roles, vec![Role::Finance]);

    let viewer = signed_in_as(&db, &view).await;
    let programme = signed_in_as(&db, &prog).await;
    let finance1 = signed_in_as(&db, &fin1).await;
    let finance2 = signed_in_as(&db, &fin2).await;
    let director = signed_in_as(&db, &dir).await;
    let me = officer::whoami(&finance1).await.expect("whoami");
    assert_eq!((me.name.as_str(), me.superuser), (fin1.as_str(), false));
    assert_eq!(me.roles, vec![Role::Viewer, Role::Finance]);

    // The programme officer proposes the awards; a viewer cannot, nor write in plain SQL.
    let suggestion = SuggestForm {
        call: CALL.into(),
        mode: "exact".into(),
        order: "mean".into(),
        cut: "".into(),
        quotas: ["AI", "AR", "VR"]
            .iter()
            .map(|t| QuotaForm {
                topic: (*t).into(),
                min: "2".into(),
                max: "".into(),
            })
            .collect(),
    };
    let e = decision::apply(&viewer, &Rankings::new(), &stamp(), &suggestion, Rows::ALL)
        .await
        .expect_err("a viewer");
    assert_eq!(e.code(), "duty_not_allowed");
    assert!(
        e.message(Lang::Zh).contains("查看"),
        "{}",
        e.message(Lang::Zh)
    );
    assert!(
        e.message(Lang::En).contains("programme officer's duty"),
        "{}",
        e.message(Lang::En)
    );
    let denied = sql(&viewer, "UPDATE calls SET title_en = 'changed'").await;
    assert!(
        denied
            .as_ref()
            .is_err_and(|e| e.contains("permission denied")),
        "{denied:?}"
    );
    decision::apply(
        &programme,
        &Rankings::new(),
        &stamp(),
        &suggestion,
        Rows::ALL,
    )
    .await
    .expect("proposed by the programme officer");

    // Only a director issues them.
    let issue = IssueForm {
        call: CALL.into(),
        start_on: "2027-01-01".into(),
        decided_on: "2026-12-01".into(),
    };
    let e = decision::issue(&programme, &stamp(), &issue)
        .await
        .expect_err("not a director");
    assert_eq!(e.code(), "duty_not_allowed");
    assert!(e.message(Lang::Zh).contains("审批"));
    let forged = sql(
        &programme,
        "INSERT INTO awards (call_id, proposal_id, number, number_year, number_seq, amount_fen,
             requested_fen, decided_on, start_on, end_on, status, created_at, updated_at)
         SELECT call_id, id, 'X-1', 2026, 999, 100000000, 100000000, '2026-12-01',
             '2027-01-01', '2028-12-31', 'offered', 'x', 'x' FROM proposals LIMIT 1",
    )
    .await;
    assert!(
        forged
            .as_ref()
            .is_err_and(|e| e.contains("only a director")),
        "{forged:?}"
    );
    let awards = decision::issue(&director, &stamp(), &issue)
        .await
        .expect("issued by the director");
    for a in &awards {
        decision::set_award_status(
            &director,
            &on(2026, 12, 20),
            &a.number,
            AwardStatus::Accepted,
        )
        .await
        .expect("accept");
    }
    let number = awards[0].number.clone();

    // Only finance approves; whoever approved never records it paid.
    let approve = d::ApproveForm {
        award: number.as_str().into(),
        tranche: "1".into(),
        amount: "".into(),
    };
    let e = d::approve(&programme, &on(2027, 1, 5), &approve)
        .await
        .expect_err("not finance");
    assert_eq!(e.code(), "duty_not_allowed");
    let p = d::approve(&finance1, &on(2027, 1, 5), &approve)
        .await
        .expect("approved by finance");
    assert_eq!(
        p.approved_by, fin1,
        "the signed-in role, not the stamp's name"
    );
    let paid = d::PaidForm {
        payment: p.id.to_string().into(),
        on: "".into(),
        note: "BOC-20270106-001".into(),
    };
    let e = d::paid(&finance1, &on(2027, 1, 6), &paid)
        .await
        .expect_err("the same hands");
    assert_eq!(e.code(), "duties_kept_apart");
    assert!(e.message(Lang::Zh).contains("不相容岗位分离"));
    let same_hands = format!(
        "UPDATE payments SET status = 'paid', paid_on = '2027-01-06', paid_by = '{fin1}' WHERE id = {}",
        p.id
    );
    let refused = grantdesk::db::query(sqlx::AssertSqlSafe(same_hands))
        .execute(&finance1)
        .await
        .expect_err("refused by the server");
    assert!(
        refused.to_string().contains("never records it paid"),
        "{refused}"
    );
    let by_programme = sql(
        &programme,
        "UPDATE payments SET status = 'paid', paid_on = '2027-01-06', paid_by = 'x'",
    )
    .await;
    assert!(
        by_programme
            .as_ref()
            .is_err_and(|e| e.contains("only finance")),
        "{by_programme:?}"
    );
    let done = d::paid(&finance2, &on(2027, 1, 6), &paid)
        .await
        .expect("recorded by another finance officer");
    assert_eq!(done.paid_by.as_deref(), Some(fin2.as_str()));

    // The agency's settings are the administrator's.
    let e = grantdesk::settings::set_time_zone(&programme, &stamp(), "Asia/Urumqi")
        .await
        .expect_err("not an administrator");
    assert_eq!(e.code(), "duty_not_allowed");
    let settings = sql(&director, "UPDATE settings SET value = 'UTC'").await;
    assert!(
        settings
            .as_ref()
            .is_err_and(|e| e.contains("permission denied")),
        "{settings:?}"
    );
    let audit_rewrite = sql(&finance2, "UPDATE audit_log SET actor = 'nobody'").await;
    assert!(
        audit_rewrite
            .as_ref()
            .is_err_and(|e| e.contains("permission denied")),
        "{audit_rewrite:?}"
    );

    // The log names each officer as the server knows them, and still verifies.
    let log = grantdesk::audit::history(&db.pool, None, 1000)
        .await
        .expect("history");
    for who in [&prog, &dir, &fin1, &fin2] {
        assert!(log.iter().any(|e| &e.actor == who), "{who} in the log");
    }
    assert!(!log.iter().any(|e| e.actor == "whoever-the-client-says"));
    grantdesk::audit::verify(&db.pool).await.expect("intact");
}
