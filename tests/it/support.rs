use chrono::{TimeZone, Utc};
use grantdesk::store::{self, Pool, Stamp};
use tempfile::TempDir;

/// A fresh database file in its own temporary directory (removed on drop).
pub struct Db {
    pub pool: Pool,
    pub dir: TempDir,
    /// The server database's URL, when the suite runs against a server.
    pub url: Option<String>,
}

impl Db {
    /// A second pool on the same database: a second officer's desktop.
    pub async fn other(&self) -> Pool {
        match &self.url {
            Some(url) => store::connect_server(url).await.expect("second pool"),
            None => store::open(&self.path()).await.expect("second pool"),
        }
    }

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

/// The server the suite runs against instead of SQLite files, when `.ci/pg` started one
/// (`GRANTDESK_TEST_PG`, the superuser's URL).
pub fn server() -> Option<String> {
    std::env::var("GRANTDESK_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Whether this run is against a server: a test of what only a file has (its backups, its
/// pragmas) says so and stops there.
pub fn on_server(test: &str) -> bool {
    let yes = server().is_some();
    if yes {
        eprintln!("{test}: a test of the SQLite file, not run against a server");
    }
    yes
}

/// A fresh database: a new file in its own temporary directory (removed on drop), or, against
/// a server, a new database of its own there (the cluster goes at the end of the run).
pub async fn db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match server() {
        Some(admin) => Some(fresh_server_db(&admin).await),
        None => None,
    };
    let pool = match &url {
        Some(url) => store::connect_server(url)
            .await
            .expect("connect to the test server"),
        None => store::open(&dir.path().join("grantdesk.db"))
            .await
            .expect("open database"),
    };
    Db { pool, dir, url }
}

/// Who the audit log names for a change made with [`stamp`]: its actor on a file, the role the
/// session signed in as on a server.
pub fn actor() -> String {
    match server() {
        Some(url) => url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['@', ':']).next())
            .unwrap_or_default()
            .to_string(),
        None => stamp().actor,
    }
}

/// Creates an empty database on the test server and returns its URL.
pub async fn fresh_server_db(url: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_subsec_nanos()
    );
    let admin = store::connect_server_plain(url)
        .await
        .expect("the test server");
    grantdesk::db::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    match url.rfind('/') {
        Some(i) => format!("{}/{name}", &url[..i]),
        None => panic!("no database in {url}"),
    }
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
