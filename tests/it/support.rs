use chrono::{TimeZone, Utc};
use grantdesk::store::{self, Pool, Stamp};
use tempfile::TempDir;

/// A fresh database file in its own temporary directory (removed on drop).
pub struct Db {
    pub pool: Pool,
    pub dir: TempDir,
}

impl Db {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("grantdesk.db")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let sql = match table {
            "calls" => "SELECT COUNT(*) FROM calls",
            "proposals" => "SELECT COUNT(*) FROM proposals",
            "applicants" => "SELECT COUNT(*) FROM applicants",
            "budget_lines" => "SELECT COUNT(*) FROM budget_lines",
            "audit_log" => "SELECT COUNT(*) FROM audit_log",
            other => panic!("no count for {other}"),
        };
        let (n,): (i64,) = grantdesk::db::query_as(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count");
        n
    }
}

pub async fn db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = store::open(&dir.path().join("grantdesk.db"))
        .await
        .expect("open database");
    Db { pool, dir }
}

/// A database holding the reference call, open to proposals.
pub async fn open_call() -> Db {
    let db = db().await;
    grantdesk::call::create(&db.pool, &stamp(), &grantdesk::demo::reference_call_form())
        .await
        .expect("create");
    grantdesk::call::set_status(
        &db.pool,
        &stamp(),
        grantdesk::demo::CALL_CODE,
        grantdesk::call::CallStatus::Open,
    )
    .await
    .expect("open");
    db
}

pub fn stamp() -> Stamp {
    Stamp::new(
        "test-officer",
        Utc.with_ymd_and_hms(2026, 5, 6, 9, 30, 0)
            .single()
            .expect("time"),
    )
}
