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
use crate::store::{Pool, Stamp, begin_write};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error("{path} already exists: choose another file name")]
    Exists { path: String },
    #[error("{path} is not a GrantDesk database: {}", .reason.en)]
    NotGrantDesk { path: String, reason: Msg },
    #[error(
        "{path} was written by a newer GrantDesk (schema version {version}); this one knows up to {known}"
    )]
    NewerSchema {
        path: String,
        version: i64,
        known: i64,
    },
    #[error("{path} cannot be restored: its audit log does not verify ({})", .reason.en)]
    AuditBroken { path: String, reason: Msg },
    #[error("cannot use {path}: {reason}")]
    Io { path: String, reason: String },
}

impl Coded for BackupError {
    fn code(&self) -> &'static str {
        match self {
            BackupError::Exists { .. } => "backup_exists",
            BackupError::NotGrantDesk { .. } => "backup_not_grantdesk",
            BackupError::NewerSchema { .. } => "backup_newer_schema",
            BackupError::AuditBroken { .. } => "backup_audit_broken",
            BackupError::Io { .. } => "backup_io",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (BackupError::Exists { path }, Lang::Zh) => {
                format!("{path} 已存在，请换一个文件名")
            }
            (BackupError::NotGrantDesk { path, reason }, Lang::Zh) => {
                format!("{path} 不是本系统的数据库：{}", reason.zh)
            }
            (
                BackupError::NewerSchema {
                    path,
                    version,
                    known,
                },
                Lang::Zh,
            ) => format!(
                "{path} 由更新版本的系统写入（数据结构版本 {version}），本版本最高支持 {known}"
            ),
            (BackupError::AuditBroken { path, reason }, Lang::Zh) => {
                format!("{path} 不能恢复：其审计日志校验失败（{}）", reason.zh)
            }
            (BackupError::Io { path, reason }, Lang::Zh) => format!("无法使用 {path}：{reason}"),
        }
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
    sqlx::migrate!("./migrations")
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
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
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
    let verified = audit::verify(pool)
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

/// Writes a consistent copy of the open database to `dest` (which must not exist), while
/// other connections go on working, then checks the copy.
pub async fn create(pool: &Pool, dest: &Path) -> Result<BackupInfo, Error> {
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

/// Replaces the database at `db` by the backup `from`, once `from` is checked. The replaced
/// files are moved aside (`grantdesk.db.replaced-20261127T190000`), never deleted. No pool may
/// be open on `db`. The restored database is migrated to this build's schema and records
/// the restore in its own audit log.
pub async fn restore(db: &Path, from: &Path, stamp: &Stamp) -> Result<Restored, Error> {
    let info = inspect(from).await?;
    let incoming = partial_name(db);
    std::fs::copy(from, &incoming).map_err(|e| io(&incoming, e))?;
    let mut kept_aside = None;
    if db.exists() {
        let suffix = format!("replaced-{}", stamp.at.format("%Y%m%dT%H%M%S"));
        let aside = |p: &Path| {
            let mut n = p.file_name().unwrap_or_default().to_os_string();
            n.push(format!(".{suffix}"));
            p.with_file_name(n)
        };
        for ext in ["", "-wal", "-shm"] {
            let mut n = db.file_name().unwrap_or_default().to_os_string();
            n.push(ext);
            let file = db.with_file_name(n);
            if file.exists() {
                std::fs::rename(&file, aside(&file)).map_err(|e| io(&file, e))?;
            }
        }
        kept_aside = Some(aside(db).display().to_string());
    }
    std::fs::rename(&incoming, db).map_err(|e| io(db, e))?;
    let pool = crate::store::open(db).await?;
    let mut tx = begin_write(&pool).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("database", "restore", "restore").after(&serde_json::json!({
            "from": info.path,
            "audit_head_of_backup": info.audit_head,
            "kept_aside": kept_aside,
        }))?,
    )
    .await?;
    tx.commit().await?;
    pool.close().await;
    Ok(Restored {
        restored: info,
        kept_aside,
    })
}

/// The rolling backups of a database: `backups/` beside it.
pub fn rolling_dir(db: &Path) -> PathBuf {
    db.parent()
        .map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"))
}

/// One backup a day: writes `backups/grantdesk-YYYY-MM-DD.db` unless today's exists, then
/// keeps the newest `keep`. Returns the new backup, if one was written.
pub async fn rolling(
    pool: &Pool,
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
    let mut all = list(&dir)?;
    // Newest first; the names sort by date.
    all.sort_by(|a, b| b.name.cmp(&a.name));
    for old in all.iter().skip(keep.max(1)) {
        let _ = std::fs::remove_file(dir.join(&old.name));
    }
    Ok(Some(info))
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
