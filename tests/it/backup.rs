//! Backup and restore against real files: a consistent copy while another connection writes,
//! refusals of what is not a sound GrantDesk database, restore with the old file kept aside,
//! and rolling daily backups.

use chrono::NaiveDate;
use grantdesk::Coded;
use grantdesk::backup;

use crate::support::{db, stamp};

async fn count(pool: &grantdesk::store::Pool, sql: &str) -> i64 {
    let (n,): (i64,) = grantdesk::db::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .expect("count");
    n
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy_taken_while_another_connection_writes() {
    if crate::support::on_server(
        "a_backup_is_a_consistent_copy_taken_while_another_connection_writes",
    ) {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let proposals = db.count("proposals").await;
    // Another connection (another window) is in the middle of a write transaction.
    let other = grantdesk::store::open(&db.path())
        .await
        .expect("second pool");
    let mut tx = grantdesk::store::begin_write(&other).await.expect("write");
    grantdesk::db::query("UPDATE proposals SET title = 'half-written' WHERE id = 1")
        .execute(&mut tx)
        .await
        .expect("update");
    let dest = db.dir.path().join("copies").join("copy.db");
    let info = backup::create(&db.pool, &dest).await.expect("backup");
    tx.commit().await.expect("commit");
    assert_eq!(info.proposals, proposals);
    assert_eq!(info.schema_version, backup::schema_version());
    assert!(info.schema_version >= 4);
    let verified = grantdesk::audit::verify(&db.pool).await.expect("verify");
    assert_eq!(info.audit_entries, verified.entries);
    // The copy holds what was committed when it was taken, not the write in progress.
    let copy = grantdesk::store::open(&dest).await.expect("open copy");
    assert_eq!(
        count(
            &copy,
            "SELECT COUNT(*) FROM proposals WHERE title = 'half-written'"
        )
        .await,
        0
    );
    // A backup never overwrites a file.
    let e = backup::create(&db.pool, &dest).await.expect_err("exists");
    assert_eq!(e.code(), "backup_exists");
}

#[tokio::test]
async fn only_a_sound_grantdesk_database_passes_the_check() {
    if crate::support::on_server("only_a_sound_grantdesk_database_passes_the_check") {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let dir = db.dir.path();

    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, b"this is not a database").expect("write");
    let e = backup::inspect(&garbage).await.expect_err("garbage");
    assert_eq!(e.code(), "backup_not_grantdesk");
    assert!(
        e.message(grantdesk::Lang::Zh)
            .contains("不是 SQLite 数据库文件")
    );

    let other = dir.join("other.db");
    {
        let p = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", other.display()))
            .await
            .expect("other");
        sqlx::query("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
            .execute(&p)
            .await
            .expect("table");
        p.close().await;
    }
    let e = backup::inspect(&other).await.expect_err("another schema");
    assert_eq!(e.code(), "backup_not_grantdesk");

    let newer = dir.join("newer.db");
    backup::create(&db.pool, &newer).await.expect("backup");
    {
        let p = sqlx::SqlitePool::connect(&format!("sqlite://{}", newer.display()))
            .await
            .expect("open");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99, 'future', 1, x'00', 0)",
        )
        .execute(&p)
        .await
        .expect("future step");
        p.close().await;
    }
    let e = backup::inspect(&newer).await.expect_err("newer");
    assert_eq!(e.code(), "backup_newer_schema");

    let tampered = dir.join("tampered.db");
    backup::create(&db.pool, &tampered).await.expect("backup");
    {
        let p = sqlx::SqlitePool::connect(&format!("sqlite://{}", tampered.display()))
            .await
            .expect("open");
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            .execute(&p)
            .await
            .expect("tamper");
        p.close().await;
    }
    let e = backup::inspect(&tampered).await.expect_err("tampered");
    assert_eq!(e.code(), "backup_audit_broken");
    assert!(
        e.message(grantdesk::Lang::En).contains("#3"),
        "{}",
        e.message(grantdesk::Lang::En)
    );

    // A refused restore changes nothing.
    let target = dir.join("live.db");
    let live = grantdesk::store::open(&target).await.expect("live");
    grantdesk::demo::load(&live, &stamp())
        .await
        .expect("sample");
    live.close().await;
    let before = std::fs::read(&target).expect("read");
    let e = backup::restore(&target, &tampered, &stamp(), true)
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "backup_audit_broken");
    assert_eq!(std::fs::read(&target).expect("read"), before);
}

#[tokio::test]
async fn a_restore_brings_the_backup_back_and_keeps_the_replaced_database_aside() {
    if crate::support::on_server(
        "a_restore_brings_the_backup_back_and_keeps_the_replaced_database_aside",
    ) {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let copy = db.dir.path().join("monday.db");
    let info = backup::create(&db.pool, &copy).await.expect("backup");
    // Later work that the restore will set aside.
    let mut form = grantdesk::demo::reference_call_form();
    form.code = "BJ-LATER-2027".into();
    grantdesk::call::create(&db.pool, &stamp(), &form)
        .await
        .expect("a later call");
    db.pool.close().await;

    let r = backup::restore(&db.path(), &copy, &stamp(), true)
        .await
        .expect("restore");
    assert_eq!(r.restored.audit_head, info.audit_head);
    let aside = std::path::PathBuf::from(r.kept_aside.expect("kept aside"));
    assert!(aside.exists(), "{}", aside.display());

    let restored = grantdesk::store::open(&db.path()).await.expect("open");
    assert!(
        grantdesk::call::find(&restored, "BJ-LATER-2027")
            .await
            .expect("find")
            .is_none()
    );
    assert_eq!(count(&restored, "SELECT COUNT(*) FROM proposals").await, 40);
    let v = grantdesk::audit::verify(&restored)
        .await
        .expect("chain intact");
    assert_eq!(v.entries, info.audit_entries + 1, "the restore is recorded");
    let last = grantdesk::audit::history(&restored, None, 1)
        .await
        .expect("log");
    assert_eq!(
        (last[0].entity.as_str(), last[0].action.as_str()),
        ("database", "restore")
    );

    let old = grantdesk::store::open(&aside)
        .await
        .expect("the replaced one opens");
    assert!(
        grantdesk::call::find(&old, "BJ-LATER-2027")
            .await
            .expect("find")
            .is_some()
    );
}

#[tokio::test]
async fn rolling_backups_are_daily_and_keep_the_last_seven() {
    if crate::support::on_server("rolling_backups_are_daily_and_keep_the_last_seven") {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    for d in 1..=9 {
        let made = backup::rolling(&db.pool, &db.path(), day(d), 7)
            .await
            .expect("rolling");
        assert!(made.is_some(), "day {d}");
    }
    assert!(
        backup::rolling(&db.pool, &db.path(), day(9), 7)
            .await
            .expect("again")
            .is_none(),
        "one a day"
    );
    let names: Vec<String> = backup::list(&backup::rolling_dir(&db.path()))
        .expect("list")
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names.len(), 7);
    assert_eq!(names[0], "grantdesk-2026-11-03.db");
    assert_eq!(names[6], "grantdesk-2026-11-09.db");
}

/// Issue #11, item 5: seven "back up now" in one day used to push every daily backup out.
#[tokio::test]
async fn backups_taken_by_hand_are_never_pruned_and_never_push_out_the_daily_ones() {
    if crate::support::on_server(
        "backups_taken_by_hand_are_never_pruned_and_never_push_out_the_daily_ones",
    ) {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let dir = backup::rolling_dir(&db.path());
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    for d in 1..=3 {
        backup::rolling(&db.pool, &db.path(), day(d), 7)
            .await
            .expect("daily");
    }
    for n in 0..8 {
        backup::create(
            &db.pool,
            &dir.join(format!("grantdesk-2026-11-03T1200{n:02}.db")),
        )
        .await
        .expect("by hand");
    }
    for d in 4..=12 {
        backup::rolling(&db.pool, &db.path(), day(d), 7)
            .await
            .expect("daily");
    }
    let names: Vec<String> = backup::list(&dir)
        .expect("list")
        .into_iter()
        .map(|b| b.name)
        .collect();
    let manual = names.iter().filter(|n| n.contains('T')).count();
    let daily: Vec<&String> = names.iter().filter(|n| !n.contains('T')).collect();
    assert_eq!(manual, 8, "every backup taken by hand is kept: {names:?}");
    assert_eq!(daily.len(), 7, "seven daily ones: {names:?}");
    assert_eq!(daily[0], "grantdesk-2026-11-06.db");
    assert_eq!(daily[6], "grantdesk-2026-11-12.db");
}

/// Issue #11, item 6: a restore needs the database to itself, asks before replacing it, and
/// never trusts the schema a file brings: one that drops a limit trigger, or adds its own, is
/// refused at the check.
#[tokio::test]
async fn a_restore_is_exclusive_confirmed_and_trusts_no_schema_but_its_own() {
    if crate::support::on_server(
        "a_restore_is_exclusive_confirmed_and_trusts_no_schema_but_its_own",
    ) {
        return;
    }
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let dir = db.dir.path().to_path_buf();
    let copy = dir.join("copy.db");
    backup::create(&db.pool, &copy).await.expect("backup");

    // Another connection (a window, a command) is open, idle: refused, nothing changed.
    let held = db.pool.read().await.expect("a connection");
    let e = backup::restore(&db.path(), &copy, &stamp(), true)
        .await
        .expect_err("in use");
    assert_eq!(e.code(), "database_in_use");
    assert!(e.message(grantdesk::Lang::Zh).contains("独占"));
    assert_eq!(count(&db.pool, "SELECT COUNT(*) FROM proposals").await, 40);
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".restoring-") || n.contains(".replaced-"))
        .collect();
    assert!(leftovers.is_empty(), "no staging left: {leftovers:?}");
    drop(held);
    db.pool.close().await;

    // Without confirmation, a database in place is not replaced.
    let e = backup::restore(&db.path(), &copy, &stamp(), false)
        .await
        .expect_err("not confirmed");
    assert_eq!(e.code(), "restore_needs_confirmation");

    // A copy whose limit trigger was dropped, and one with a trigger of its own.
    for (name, sql, says) in [
        (
            "dropped.db",
            "DROP TRIGGER decisions_within_limits_insert",
            "trigger decisions_within_limits_insert is missing",
        ),
        (
            "added.db",
            "CREATE TRIGGER wipe AFTER INSERT ON audit_log BEGIN DELETE FROM decisions; END",
            "trigger wipe is not GrantDesk's",
        ),
    ] {
        let crafted = dir.join(name);
        std::fs::copy(&copy, &crafted).expect("copy");
        let p = sqlx::SqlitePool::connect(&format!("sqlite://{}", crafted.display()))
            .await
            .expect("open");
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&p)
            .await
            .expect("craft");
        p.close().await;
        let e = backup::inspect(&crafted).await.expect_err("crafted");
        assert_eq!(e.code(), "backup_not_grantdesk");
        assert!(
            e.message(grantdesk::Lang::En).contains(says),
            "{}",
            e.message(grantdesk::Lang::En)
        );
        let e = backup::restore(&db.path(), &crafted, &stamp(), true)
            .await
            .expect_err("refused");
        assert_eq!(e.code(), "backup_not_grantdesk");
    }

    // Alone and confirmed: restored in place, the database file never renamed.
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(db.path()).expect("meta").ino()
    };
    backup::restore(&db.path(), &copy, &stamp(), true)
        .await
        .expect("restore");
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            std::fs::metadata(db.path()).expect("meta").ino(),
            inode,
            "the same file, its rows replaced in one transaction"
        );
    }
    let restored = grantdesk::store::open(&db.path()).await.expect("open");
    assert_eq!(count(&restored, "SELECT COUNT(*) FROM proposals").await, 40);
    grantdesk::audit::verify(&restored).await.expect("chain");
}

/// Issue #12: a backup taken by hand is named by the core, in the agency's local time.
#[tokio::test]
async fn a_backup_by_hand_is_named_in_the_agency_s_local_time() {
    if crate::support::on_server("a_backup_by_hand_is_named_in_the_agency_s_local_time") {
        return;
    }
    use chrono::TimeZone;
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let late = chrono::Utc
        .with_ymd_and_hms(2026, 4, 29, 23, 30, 5)
        .single()
        .expect("time");
    let info = backup::take_now(
        &db.pool,
        &db.path(),
        &grantdesk::store::Stamp::new("o", late),
    )
    .await
    .expect("backup");
    assert!(
        info.path
            .ends_with("backups/grantdesk-2026-04-30T073005.db"),
        "Beijing time in the name: {}",
        info.path
    );
}

/// A restore over a database with payments and adjustments (which are never deleted one by
/// one, and whose totals follow each payment): the triggers stand aside for the copy and are
/// all back afterwards, word for word, guarding as before; the database kept aside is itself
/// a sound backup.
#[tokio::test]
async fn a_restore_over_disbursements_puts_every_trigger_back() {
    if crate::support::on_server("a_restore_over_disbursements_puts_every_trigger_back") {
        return;
    }
    let db = db().await;
    grantdesk::demo::load_disbursing(&db.pool, &stamp())
        .await
        .expect("disbursing");
    let code = grantdesk::demo::CALL_CODE;
    let ledger = grantdesk::disbursement::ledger(&db.pool, code)
        .await
        .expect("ledger");
    let copy = db.dir.path().join("copy.db");
    backup::create(&db.pool, &copy).await.expect("backup");
    let triggers = |pool: grantdesk::store::Pool| async move {
        let t: Vec<(String, String)> = grantdesk::db::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .expect("triggers");
        t
    };
    let before = triggers(db.pool.clone()).await;
    assert!(before.len() >= 16, "{}", before.len());
    db.pool.close().await;
    let restored = backup::restore(&db.path(), &copy, &stamp(), true)
        .await
        .expect("restored over payments");
    let pool = grantdesk::store::open(&db.path()).await.expect("open");
    assert_eq!(triggers(pool.clone()).await, before, "every trigger back");
    assert_eq!(
        grantdesk::disbursement::ledger(&pool, code)
            .await
            .expect("ledger"),
        ledger
    );
    let refused = grantdesk::db::query("DELETE FROM payments")
        .execute(&pool)
        .await
        .expect_err("still never deleted");
    assert!(refused.to_string().contains("never deleted"), "{refused}");
    let aside = restored.kept_aside.expect("kept aside");
    let info = backup::inspect(std::path::Path::new(&aside))
        .await
        .expect("the replaced database is a sound backup");
    assert_eq!(info.proposals, 40);
}
