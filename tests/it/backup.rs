//! Backup and restore against real files: a consistent copy while another connection writes,
//! refusals of what is not a sound GrantDesk database, restore with the old file kept aside,
//! and rolling daily backups.

use chrono::NaiveDate;
use grantdesk::Coded;
use grantdesk::backup;

use crate::support::{db, stamp};

async fn count(pool: &grantdesk::store::Pool, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .expect("count");
    n
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy_taken_while_another_connection_writes() {
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
    sqlx::query("UPDATE proposals SET title = 'half-written' WHERE id = 1")
        .execute(&mut *tx)
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
    let e = backup::restore(&target, &tampered, &stamp())
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "backup_audit_broken");
    assert_eq!(std::fs::read(&target).expect("read"), before);
}

#[tokio::test]
async fn a_restore_brings_the_backup_back_and_keeps_the_replaced_database_aside() {
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

    let r = backup::restore(&db.path(), &copy, &stamp())
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
