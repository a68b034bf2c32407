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

mod restore;
mod rolling;

pub use restore::{Restored, restore};
pub use rolling::{Listed, dated_name, in_rolling_dir, list, rolling, rolling_dir, take_now};

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
