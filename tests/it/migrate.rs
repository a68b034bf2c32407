//! Issue #16, item 7: an agency's file moved to a server (`grantdesk migrate --to …`), its
//! chain and every total checked on both sides; the server's database then works on.

use grantdesk::{Coded, migrate};

use crate::support::stamp;

#[tokio::test]
async fn the_disbursing_sample_moves_to_a_server_with_its_chain_and_every_total() {
    let Some(admin) = crate::support::server() else {
        eprintln!("migrating needs a server: run by make it-postgres");
        return;
    };
    // The source is a file whatever the suite's backend.
    let dir = tempfile::tempdir().expect("dir");
    let file = grantdesk::store::open(&dir.path().join("agency.db"))
        .await
        .expect("file");
    grantdesk::demo::load_disbursing(&file, &stamp())
        .await
        .expect("disbursing sample");
    let url = crate::support::fresh_server_db(&admin).await;
    let server = grantdesk::store::connect_server(&url)
        .await
        .expect("server");

    let done = migrate::to_server(&file, &server).await.expect("migrated");
    let source = grantdesk::audit::verify(&file).await.expect("file chain");
    assert_eq!(
        (done.audit_entries, done.audit_head.as_str()),
        (source.entries, source.head.as_str())
    );
    assert!(done.audit_entries > 100, "{}", done.audit_entries);
    let payments = done
        .tables
        .iter()
        .find(|t| t.table == "payments")
        .expect("payments copied");
    assert!(payments.rows > 0);
    assert!(
        payments
            .totals
            .iter()
            .any(|(c, t)| c == "amount_fen" && *t > 0)
    );
    assert_eq!(done.tables.len(), 33, "every table");

    // The same figures through the core on both sides.
    let code = grantdesk::demo::CALL_CODE;
    assert_eq!(
        grantdesk::disbursement::ledger(&server, code)
            .await
            .expect("ledger"),
        grantdesk::disbursement::ledger(&file, code)
            .await
            .expect("ledger")
    );
    assert_eq!(
        grantdesk::dashboard::of_call(&server, code)
            .await
            .expect("dashboard"),
        grantdesk::dashboard::of_call(&file, code)
            .await
            .expect("dashboard")
    );
    assert_eq!(
        grantdesk::decision::awards(&server, code)
            .await
            .expect("awards"),
        grantdesk::decision::awards(&file, code)
            .await
            .expect("awards")
    );

    // The server's database works on from there: the chain grows and verifies.
    grantdesk::settings::set_time_zone(&server, &stamp(), "Asia/Urumqi")
        .await
        .expect("a change on the server");
    let after = grantdesk::audit::verify(&server).await.expect("chain");
    assert_eq!(after.entries, source.entries + 1);

    // Never into a database that already holds an agency's data; nothing changes there.
    let again = migrate::to_server(&file, &server)
        .await
        .expect_err("not empty");
    assert_eq!(again.code(), "migrate_target_not_empty");
    assert_eq!(
        grantdesk::audit::verify(&server)
            .await
            .expect("chain")
            .entries,
        after.entries
    );
    // Nor from a server, nor to a file.
    let wrong = migrate::to_server(&server, &file)
        .await
        .expect_err("direction");
    assert_eq!(wrong.code(), "migrate_direction");
}
