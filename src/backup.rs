//! Backups (备份) and restore (恢复). A backup is a consistent copy taken while the app runs
//! (`VACUUM INTO`, a snapshot of one read transaction). A file is restored only once it is
//! known to be a GrantDesk database of a schema this build knows and its audit chain
//! verifies; the database it replaces is kept aside, never deleted. Rolling backups keep the
//! last few days in the data directory.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::audit::{self, Change};
use crate::error::{Coded, Error, Msg};
use crate::lang::Lang;
use crate::store::Stamp;

/// The file database's own pool: backups are copies of an SQLite file.
type Pool = sqlx::SqlitePool;

/// The refusals of backups and restores, each with its Chinese and English text side by side
/// in [`BackupError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    Exists {
        path: String,
    },
    NotGrantDesk {
        path: String,
        reason: Msg,
    },
    NewerSchema {
        path: String,
        version: i64,
        known: i64,
    },
    AuditBroken {
        path: String,
        reason: Msg,
    },
    Io {
        path: String,
        reason: String,
    },
    InUse {
        path: String,
    },
    WouldReplace {
        path: String,
    },
    /// The database is a PostgreSQL server's: its own tools back it up and restore it.
    ServerMode {
        dump: String,
        restore: String,
    },
}

impl BackupError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use BackupError::*;
        match self {
            Exists { path } => Msg::new(
                format!("{path} 已存在，请换一个文件名"),
                format!("{path} already exists: choose another file name"),
            ),
            NotGrantDesk { path, reason } => Msg::new(
                format!("{path} 不是本系统的数据库：{}", reason.zh),
                format!("{path} is not a GrantDesk database: {}", reason.en),
            ),
            NewerSchema {
                path,
                version,
                known,
            } => Msg::new(
                format!(
                    "{path} 由更新版本的系统写入（数据结构版本 {version}），本版本最高支持 {known}"
                ),
                format!(
                    "{path} was written by a newer GrantDesk (schema version {version}); this one knows up to {known}"
                ),
            ),
            AuditBroken { path, reason } => Msg::new(
                format!("{path} 不能恢复：其审计日志校验失败（{}）", reason.zh),
                format!(
                    "{path} cannot be restored: its audit log does not verify ({})",
                    reason.en
                ),
            ),
            Io { path, reason } => Msg::new(
                format!("无法使用 {path}：{reason}"),
                format!("cannot use {path}: {reason}"),
            ),
            InUse { path } => Msg::new(
                format!(
                    "{path} 正被另一个窗口或命令使用：请全部关闭后再恢复（恢复需要独占数据库）"
                ),
                format!(
                    "{path} is open in another window or command: close them all, then restore (a restore needs the database to itself)"
                ),
            ),
            WouldReplace { path } => Msg::new(
                format!("恢复将替换数据库 {path}（原数据库另存，不会删除）：请确认（--force）"),
                format!(
                    "restoring replaces the database {path} (it is kept aside, never deleted): confirm it (--force)"
                ),
            ),
            ServerMode { dump, restore } => Msg::new(
                format!(
                    "数据库在 PostgreSQL 服务器上，由服务器自己的工具备份和恢复（通常由信息部门按计划执行）。备份：{dump}；恢复到一个新的空数据库：{restore}"
                ),
                format!(
                    "the database is on a PostgreSQL server, which backs it up and restores it with its own tools (usually on the IT department's schedule). Back up: {dump}; restore into a new, empty database: {restore}"
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(BackupError);

impl Coded for BackupError {
    fn code(&self) -> &'static str {
        match self {
            BackupError::Exists { .. } => "backup_exists",
            BackupError::NotGrantDesk { .. } => "backup_not_grantdesk",
            BackupError::NewerSchema { .. } => "backup_newer_schema",
            BackupError::AuditBroken { .. } => "backup_audit_broken",
            BackupError::Io { .. } => "backup_io",
            BackupError::InUse { .. } => "database_in_use",
            BackupError::WouldReplace { .. } => "restore_needs_confirmation",
            BackupError::ServerMode { .. } => "backup_server_mode",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// On a server's database, what to do instead of GrantDesk's backup or restore; on a file,
/// none.
pub fn server_way(pool: &crate::db::Pool) -> Option<Error> {
    file_pool(pool).err().map(Error::from)
}

/// The SQLite pool of a file database, or the server's way of doing it.
fn file_pool(pool: &crate::db::Pool) -> Result<&Pool, BackupError> {
    match pool {
        crate::db::Pool::Sqlite(p) => Ok(p),
        crate::db::Pool::Postgres(p) => Err(server_mode(&p.connect_options())),
    }
}

/// What to run instead of a backup or a restore on a server: `pg_dump` in its custom format,
/// and `pg_restore` into a new, empty database (the password is asked for, never printed).
pub fn server_mode(o: &sqlx::postgres::PgConnectOptions) -> BackupError {
    let db = o.get_database().unwrap_or("grantdesk");
    let target = format!(
        "-h {} -p {} -U {}",
        o.get_host(),
        o.get_port(),
        o.get_username()
    );
    BackupError::ServerMode {
        dump: format!("pg_dump {target} -Fc -f {db}-$(date +%Y%m%d-%H%M).dump {db}"),
        restore: format!("pg_restore {target} --no-owner -d NEW_DATABASE {db}-….dump"),
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// What a backup file holds, once checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    pub schema_version: i64,
    pub calls: i64,
    pub proposals: i64,
    pub audit_entries: i64,
    /// The head of the audit chain: record it elsewhere to anchor the copy.
    pub audit_head: String,
}

fn known_migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/sqlite")
}

/// The newest schema version this build knows (its last migration).
pub fn schema_version() -> i64 {
    known_migrations()
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Checks that `path` is a GrantDesk database of a known schema whose audit chain verifies,
/// without changing it.
pub async fn inspect(path: &Path) -> Result<BackupInfo, Error> {
    let not_ours = |zh: &str, en: &str| BackupError::NotGrantDesk {
        path: path.display().to_string(),
        reason: Msg::new(zh, en),
    };
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| io(path, e))?;
        if f.read_exact(&mut head).is_err() || &head != b"SQLite format 3\0" {
            return Err(not_ours("不是 SQLite 数据库文件", "not an SQLite database file").into());
        }
    }
    // A crafted file's schema is not trusted: its views and triggers may call no function
    // with side effects while it is read.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .pragma("trusted_schema", "OFF");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| not_ours(&format!("无法打开：{e}"), &format!("cannot open it: {e}")))?;
    let result = check(path, &pool).await;
    pool.close().await;
    result
}

async fn check(path: &Path, pool: &Pool) -> Result<BackupInfo, Error> {
    let not_ours = |zh: String, en: String| BackupError::NotGrantDesk {
        path: path.display().to_string(),
        reason: Msg::new(zh, en),
    };
    let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success = 1 ORDER BY version",
    )
    .fetch_all(pool)
    .await
    .map_err(|_| {
        not_ours(
            "没有本系统的数据结构记录".into(),
            "it has no GrantDesk schema history".into(),
        )
    })?;
    let migrator = known_migrations();
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    for (version, checksum) in &applied {
        match migrator.iter().find(|m| m.version == *version) {
            None if *version > known => {
                return Err(BackupError::NewerSchema {
                    path: path.display().to_string(),
                    version: *version,
                    known,
                }
                .into());
            }
            Some(m) if m.checksum.as_ref() == checksum.as_slice() => {}
            _ => {
                return Err(not_ours(
                    format!("数据结构第 {version} 步不是本系统的"),
                    format!("schema step {version} is not GrantDesk's"),
                )
                .into());
            }
        }
    }
    let version = applied.last().map_or(0, |a| a.0);
    if version == 0 {
        return Err(not_ours(
            "没有本系统的数据结构".into(),
            "it has no GrantDesk schema".into(),
        )
        .into());
    }
    let (integrity,): (String,) = sqlx::query_as("PRAGMA quick_check").fetch_one(pool).await?;
    if integrity != "ok" {
        return Err(not_ours(
            format!("文件已损坏：{integrity}"),
            format!("the file is damaged: {integrity}"),
        )
        .into());
    }
    let differences = schema_differences(pool, version).await?;
    if let Some(first) = differences.first() {
        return Err(not_ours(
            format!(
                "其数据结构与本系统第 {version} 版不同（{} 处），例如：{}",
                differences.len(),
                first.zh
            ),
            format!(
                "its schema differs from GrantDesk's version {version} in {} places, e.g. {}",
                differences.len(),
                first.en
            ),
        )
        .into());
    }
    let verified = audit::verify(&crate::db::Pool::Sqlite(pool.clone()))
        .await
        .map_err(|e| BackupError::AuditBroken {
            path: path.display().to_string(),
            reason: Msg::new(e.message(Lang::Zh), e.message(Lang::En)),
        })?;
    let count = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await?;
        Ok::<i64, Error>(n)
    };
    Ok(BackupInfo {
        path: path.display().to_string(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        schema_version: version,
        calls: count("SELECT COUNT(*) FROM calls").await?,
        proposals: count("SELECT COUNT(*) FROM proposals").await?,
        audit_entries: verified.entries,
        audit_head: verified.head,
    })
}

type SchemaItem = (String, String, Option<String>);

async fn schema_of(
    conn: impl sqlx::Executor<'_, Database = sqlx::Sqlite>,
) -> Result<Vec<SchemaItem>, Error> {
    Ok(sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .fetch_all(conn)
    .await?)
}

/// How the schema of `pool` differs from a fresh database migrated to `version`: every
/// table, index, trigger and view must be GrantDesk's own, word for word (a crafted file could
/// drop the triggers that repeat the limits, or add its own).
async fn schema_differences(pool: &Pool, version: i64) -> Result<Vec<Msg>, Error> {
    let fresh = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().in_memory(true))
        .await?;
    known_migrations()
        .run_to(version, &fresh)
        .await
        .map_err(crate::error::StoreError::from)?;
    let expected = schema_of(&fresh).await?;
    fresh.close().await;
    let found = schema_of(pool).await?;
    let mut out = Vec::new();
    for (kind, name, sql) in &expected {
        match found.iter().find(|(k, n, _)| k == kind && n == name) {
            None => out.push(Msg::new(
                format!("缺少 {kind} {name}"),
                format!("{kind} {name} is missing"),
            )),
            Some((_, _, s)) if s != sql => out.push(Msg::new(
                format!("{kind} {name} 的定义被改动"),
                format!("{kind} {name} is defined otherwise"),
            )),
            Some(_) => {}
        }
    }
    for (kind, name, _) in &found {
        if !expected.iter().any(|(k, n, _)| k == kind && n == name) {
            out.push(Msg::new(
                format!("多出 {kind} {name}"),
                format!("{kind} {name} is not GrantDesk's"),
            ));
        }
    }
    Ok(out)
}

/// Writes a consistent copy of the open database to `dest` (which must not exist), while
/// other connections go on working, then checks the copy.
pub async fn create(pool: &crate::db::Pool, dest: &Path) -> Result<BackupInfo, Error> {
    let pool = file_pool(pool)?;
    if dest.exists() {
        return Err(BackupError::Exists {
            path: dest.display().to_string(),
        }
        .into());
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let partial = partial_name(dest);
    let _ = std::fs::remove_file(&partial);
    sqlx::query("VACUUM INTO $1")
        .bind(partial.display().to_string())
        .execute(pool)
        .await?;
    let checked = inspect(&partial).await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, dest).map_err(|e| io(dest, e))?;
    inspect(dest).await
}

fn partial_name(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    pub restored: BackupInfo,
    /// Where the database it replaced was moved (absent when there was none).
    pub kept_aside: Option<String>,
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut n = db.file_name().unwrap_or_default().to_os_string();
    n.push(suffix);
    db.with_file_name(n)
}

/// A connection of its own to a file in rollback-journal mode, migrated to this build's
/// schema: the staging copy of a backup, or the file the replaced data is kept in.
async fn migrated_file(path: &Path, create: bool) -> Result<sqlx::SqliteConnection, Error> {
    use sqlx::ConnectOptions;
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .foreign_keys(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
        .connect()
        .await?;
    known_migrations()
        .run_direct(None, &mut conn, false)
        .await
        .map_err(crate::error::StoreError::from)?;
    Ok(conn)
}

/// Replaces the data of the database at `db` by that of the backup `from`, once `from` is
/// checked, and only with `replace` when a database is there. The restore needs the
/// database to itself: it is refused while any other connection (another window, a command)
/// has it open, and holds an exclusive lock until it is done. It never renames the database
/// or trusts the backup's schema: the backup is migrated in a staging copy, and its rows are
/// copied into the database in use in one transaction (all or nothing, the limit triggers
/// checking every row), after the rows it replaces are copied into a fresh file kept aside
/// (`grantdesk.db.replaced-20261127T190000`). The restore is recorded in the audit log.
pub async fn restore(
    db: &Path,
    from: &Path,
    stamp: &Stamp,
    replace: bool,
) -> Result<Restored, Error> {
    use sqlx::{ConnectOptions, Connection};
    let info = inspect(from).await?;
    let existed = db.exists();
    if existed && !replace {
        return Err(BackupError::WouldReplace {
            path: db.display().to_string(),
        }
        .into());
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let time = stamp.at.format("%Y%m%dT%H%M%S").to_string();
    let staging = beside(db, &format!(".restoring-{time}"));
    let aside = beside(db, &format!(".replaced-{time}"));
    std::fs::copy(from, &staging).map_err(|e| io(&staging, e))?;
    let result = async {
        migrated_file(&staging, false).await?.close().await?;
        if !existed {
            crate::store::connect(db).await?.close().await;
        }
        let mut conn = SqliteConnectOptions::new()
            .filename(db)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(2))
            .connect()
            .await?;
        // Leaving WAL mode is possible only for the one connection to a database: anyone else
        // holding it open makes it fail, which is the check that we are alone.
        let mode: Result<(String,), sqlx::Error> = sqlx::query_as("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut conn)
            .await;
        if !matches!(&mode, Ok((m,)) if m.eq_ignore_ascii_case("delete")) {
            conn.close().await?;
            return Err(BackupError::InUse {
                path: db.display().to_string(),
            }
            .into());
        }
        // From the next lock on, nobody else may read or write until this connection closes.
        sqlx::query("PRAGMA locking_mode = EXCLUSIVE")
            .execute(&mut conn)
            .await?;
        known_migrations()
            .run_direct(None, &mut conn, false)
            .await
            .map_err(crate::error::StoreError::from)?;
        migrated_file(&aside, true).await?.close().await?;
        for (file, name) in [(&staging, "incoming"), (&aside, "aside")] {
            sqlx::query(sqlx::AssertSqlSafe(format!("ATTACH DATABASE $1 AS {name}")))
                .bind(file.display().to_string())
                .execute(&mut conn)
                .await?;
        }
        let mut tx = conn.begin_with("BEGIN EXCLUSIVE").await?;
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY rowid",
        )
        .fetch_all(&mut *tx)
        .await?;
        // Each table's columns as the database in use has them (the staging copy and the
        // aside file were migrated to the same schema), in order.
        let mut lists = Vec::with_capacity(tables.len());
        for (table,) in &tables {
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&mut *tx)
                    .await?;
            let list = columns
                .iter()
                .map(|(c,)| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            lists.push((table, list));
        }
        let copy = |from: &str, to: &str, table: &str, list: &str| {
            format!("INSERT INTO {to}.\"{table}\" ({list}) SELECT {list} FROM {from}.\"{table}\"")
        };
        // The triggers stand aside while rows are moved: they guard changes made one at a
        // time (payments and adjustments are never deleted, totals follow each payment), not
        // a whole database replaced by a checked copy of itself. Each is put back, word for
        // word, in the same exclusive transaction.
        let mut triggers: Vec<(&str, String, String)> = Vec::new();
        for schema in ["main", "aside"] {
            let found: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'trigger' ORDER BY rowid"
            )))
            .fetch_all(&mut *tx)
            .await?;
            for (name, sql) in found {
                triggers.push((schema, name, sql));
            }
        }
        let mut steps = Vec::new();
        for (schema, name, _) in &triggers {
            steps.push(format!("DROP TRIGGER {schema}.\"{name}\""));
        }
        for (table, list) in &lists {
            steps.push(format!("DELETE FROM aside.\"{table}\""));
            steps.push(copy("main", "aside", table, list));
        }
        for (table, _) in lists.iter().rev() {
            steps.push(format!("DELETE FROM main.\"{table}\""));
        }
        for (table, list) in &lists {
            steps.push(copy("incoming", "main", table, list));
        }
        // SQLite keeps a trigger's text without its schema: named again in it, it is the same.
        for (schema, _, sql) in &triggers {
            steps.push(sql.replacen("CREATE TRIGGER ", &format!("CREATE TRIGGER {schema}."), 1));
        }
        for sql in steps {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut *tx,
            stamp,
            Change::new("database", "restore", "restore").after(&serde_json::json!({
                "from": info.path,
                "audit_head_of_backup": info.audit_head,
                "kept_aside": existed.then(|| aside.display().to_string()),
            }))?,
        )
        .await?;
        tx.commit().await?;
        for name in ["incoming", "aside"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DETACH DATABASE {name}")))
                .execute(&mut conn)
                .await?;
        }
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok::<(), Error>(())
    }
    .await;
    let _ = std::fs::remove_file(&staging);
    if result.is_err() || !existed {
        let _ = std::fs::remove_file(&aside);
    }
    result?;
    Ok(Restored {
        restored: info,
        kept_aside: existed.then(|| aside.display().to_string()),
    })
}

/// A backup taken by hand ("back up now", `grantdesk backup`): `backups/grantdesk-<agency's
/// local date and time>.db` beside the database, never pruned by the daily rotation.
pub async fn take_now(
    pool: &crate::db::Pool,
    db: &Path,
    stamp: &Stamp,
) -> Result<BackupInfo, Error> {
    let dest = rolling_dir(db).join(dated_name(stamp));
    create(pool, &dest).await
}

/// The name of a backup taken by hand: `grantdesk-<agency's local date and time>.db`.
pub fn dated_name(stamp: &Stamp) -> String {
    format!("grantdesk-{}.db", stamp.local().format("%Y-%m-%dT%H%M%S"))
}

/// A backup of the backups folder, by its file name only: a front end that lists them can
/// reach no other file through it.
pub fn in_rolling_dir(db: &Path, name: &str) -> Result<PathBuf, Error> {
    let plain = !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != ".."
        && name.starts_with("grantdesk-")
        && name.ends_with(".db");
    if !plain {
        return Err(Error::invalid(
            "name",
            "backup_name",
            format!("“{name}”不是备份文件夹中的备份"),
            format!("\"{name}\" is not a backup of the backups folder"),
        ));
    }
    Ok(rolling_dir(db).join(name))
}

/// The rolling backups of a database: `backups/` beside it.
pub fn rolling_dir(db: &Path) -> PathBuf {
    db.parent()
        .map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"))
}

/// One backup a day: writes `backups/grantdesk-YYYY-MM-DD.db` unless today's exists, then
/// keeps the newest `keep`. Returns the new backup, if one was written.
pub async fn rolling(
    pool: &crate::db::Pool,
    db: &Path,
    today: NaiveDate,
    keep: usize,
) -> Result<Option<BackupInfo>, Error> {
    let dir = rolling_dir(db);
    let dest = dir.join(format!("grantdesk-{}.db", today.format("%Y-%m-%d")));
    if dest.exists() {
        return Ok(None);
    }
    let info = create(pool, &dest).await?;
    // Only the daily backups rotate: one taken by hand ("back up now", `grantdesk backup`)
    // is the officer's to remove.
    let mut all: Vec<Listed> = list(&dir)?
        .into_iter()
        .filter(|b| is_daily(&b.name))
        .collect();
    // Newest first; the names sort by date.
    all.sort_by(|a, b| b.name.cmp(&a.name));
    for old in all.iter().skip(keep.max(1)) {
        let _ = std::fs::remove_file(dir.join(&old.name));
    }
    Ok(Some(info))
}

/// `grantdesk-YYYY-MM-DD.db`: a backup the daily rotation wrote.
fn is_daily(name: &str) -> bool {
    name.strip_prefix("grantdesk-")
        .and_then(|r| r.strip_suffix(".db"))
        .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.len() == 10)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub name: String,
    pub bytes: u64,
}

/// The rolling backups in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<Listed>, Error> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(dir, e).into()),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("grantdesk-") && name.ends_with(".db") {
            out.push(Listed {
                bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
                name,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
