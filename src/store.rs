//! The store: one SQLite file (WAL, foreign keys, busy timeout), migrated at start-up.
//!
//! Use cases own their transactions: they open one with [`begin_write`], call the write
//! functions of each area with `&mut *tx`, append the audit entries in the same transaction,
//! and commit. A failed use case drops the transaction and nothing is written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::error::StoreError;

pub type Pool = SqlitePool;
pub type Tx = Transaction<'static, Sqlite>;

/// The environment variable that names the database file.
pub const DB_ENV: &str = "GRANTDESK_DB";

/// Who makes a change and when: passed into every use case that writes, never read inside.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl Stamp {
    pub fn new(actor: impl Into<String>, at: DateTime<Utc>) -> Stamp {
        Stamp {
            actor: actor.into(),
            at,
        }
    }

    /// The current OS user at the current time: what front ends pass.
    pub fn now_for_os_user() -> Stamp {
        let actor = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "officer".to_string());
        Stamp::new(actor, Utc::now())
    }

    pub fn at_text(&self) -> String {
        timestamp(self.at)
    }
}

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The database file: `--db`, else `GRANTDESK_DB`, else `grantdesk.db` in the user's data
/// directory (`~/.local/share/grantdesk` on Linux, per the XDG convention).
pub fn resolve_path(flag: Option<PathBuf>, env: Option<String>) -> Result<PathBuf, StoreError> {
    if let Some(p) = flag {
        return Ok(p);
    }
    if let Some(e) = env.filter(|e| !e.trim().is_empty()) {
        return Ok(PathBuf::from(e));
    }
    let dirs = directories::ProjectDirs::from("cn", "GrantDesk", "grantdesk").ok_or_else(|| {
        StoreError::Path {
            path: "~".into(),
            reason: "no home directory to hold the data directory".into(),
        }
    })?;
    Ok(dirs.data_dir().join("grantdesk.db"))
}

/// Opens (creating if needed) and migrates the database at `path`.
pub async fn open(path: &Path) -> Result<Pool, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Path {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed decision survives a power cut, not only a crash of the app.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30))
        // Up to 64 MiB of page cache per connection (SQLite's default is 2 MiB): a bulk import
        // writes its transaction without spilling pages to the log midway.
        .pragma("cache_size", "-65536")
        .pragma("temp_store", "memory");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so that
/// reads made inside it (remaining budget, the audit head) cannot be overtaken by another writer.
pub async fn begin_write(pool: &Pool) -> Result<Tx, StoreError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_over_the_environment_and_both_over_the_default() {
        let flag = Some(PathBuf::from("/tmp/a.db"));
        assert_eq!(
            resolve_path(flag, Some("/tmp/b.db".into())).ok(),
            Some(PathBuf::from("/tmp/a.db"))
        );
        assert_eq!(
            resolve_path(None, Some("/tmp/b.db".into())).ok(),
            Some(PathBuf::from("/tmp/b.db"))
        );
        let default = resolve_path(None, Some("  ".into())).expect("a home directory");
        assert!(default.ends_with("grantdesk.db"), "{}", default.display());
    }
}
