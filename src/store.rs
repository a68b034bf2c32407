//! The store: one SQLite file (WAL, foreign keys, busy timeout), migrated at start-up.
//!
//! Use cases own their transactions: they open one with [`begin_write`], call the write
//! functions of each area with `&mut *tx`, append the audit entries in the same transaction,
//! and commit. A failed use case drops the transaction and nothing is written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::StoreError;

pub use crate::db::{Pool, Tx};

/// The environment variable that names the database file.
pub const DB_ENV: &str = "GRANTDESK_DB";

/// The environment variable that fixes "now" (RFC 3339, e.g. `2026-04-29T23:30:00Z`), for
/// tests and demonstrations that must give the same dates on any day.
pub const NOW_ENV: &str = "GRANTDESK_NOW";

/// Who makes a change and when, and in which time zone the agency's "today" falls: passed
/// into every use case that writes, never read inside.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<Utc>,
    pub zone: chrono_tz::Tz,
}

impl Stamp {
    /// A stamp in the default agency time zone (Beijing).
    pub fn new(actor: impl Into<String>, at: DateTime<Utc>) -> Stamp {
        Stamp {
            actor: actor.into(),
            at,
            zone: crate::settings::DEFAULT_TIME_ZONE,
        }
    }

    /// The same act seen from another time zone.
    pub fn in_zone(mut self, zone: chrono_tz::Tz) -> Stamp {
        self.zone = zone;
        self
    }

    /// The current OS user now (or at `GRANTDESK_NOW`), in the default time zone.
    pub fn now_for_os_user() -> Stamp {
        Stamp::new(os_account(), now())
    }

    /// What front ends pass: the OS user now, in the agency's time zone (a setting).
    pub async fn now(pool: &Pool) -> Result<Stamp, crate::Error> {
        Ok(Stamp::now_for_os_user().in_zone(crate::settings::time_zone(pool).await?))
    }

    /// The agency's date of this act: at 23:30 UTC it is already tomorrow in Beijing.
    pub fn today(&self) -> NaiveDate {
        self.at.with_timezone(&self.zone).date_naive()
    }

    /// The agency's local time of this act, for names such as a backup's.
    pub fn local(&self) -> chrono::NaiveDateTime {
        self.at.with_timezone(&self.zone).naive_local()
    }

    pub fn at_text(&self) -> String {
        timestamp(self.at)
    }
}

/// The operating-system account this process runs as, from its user id (not `$USER`, which
/// anyone can set): the name the account database gives that id, else `uid 1000`.
#[cfg(unix)]
pub fn os_account() -> String {
    use std::os::unix::fs::MetadataExt;
    static ACCOUNT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ACCOUNT
        .get_or_init(|| {
            // /proc/self belongs to the process's effective user id.
            let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
                return "officer".to_string();
            };
            account_name(uid).unwrap_or_else(|| format!("uid {uid}"))
        })
        .clone()
}

#[cfg(unix)]
fn account_name(uid: u32) -> Option<String> {
    let by_uid = |text: &str| {
        text.lines().find_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let id = f.nth(1)?;
            (id.parse::<u32>().ok()? == uid && !name.is_empty()).then(|| name.to_string())
        })
    };
    if let Some(n) = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|t| by_uid(&t))
    {
        return Some(n);
    }
    // Directory accounts (LDAP, AD) are not in /etc/passwd: ask the system's resolver.
    let out = std::process::Command::new("getent")
        .args(["passwd", &uid.to_string()])
        .output()
        .ok()?;
    by_uid(&String::from_utf8_lossy(&out.stdout))
}

#[cfg(not(unix))]
pub fn os_account() -> String {
    std::env::var("USERNAME").unwrap_or_else(|_| "officer".to_string())
}

/// Now, or the moment `GRANTDESK_NOW` fixes.
pub fn now() -> DateTime<Utc> {
    std::env::var(NOW_ENV)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
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

/// Where the agency's data is: an SQLite file, or a PostgreSQL server's database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Server(String),
}

impl Location {
    /// `--db`, else `GRANTDESK_DB`, else the file in the user's data directory; a
    /// `postgres://` URL in either names a server's database.
    pub fn resolve(flag: Option<String>, env: Option<String>) -> Result<Location, StoreError> {
        let given = flag.or(env.filter(|e| !e.trim().is_empty()));
        match given {
            Some(u) if is_server_url(&u) => Ok(Location::Server(u.trim().to_string())),
            other => resolve_path(other.map(PathBuf::from), None).map(Location::File),
        }
    }

    /// The file, or for a server a folder of this user's own named after the database: what
    /// is written on this machine (exports) goes beside it.
    pub fn anchor(&self) -> PathBuf {
        match self {
            Location::File(p) => p.clone(),
            Location::Server(url) => {
                let name: String = server_name(url)
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let base = resolve_path(None, None)
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .unwrap_or_else(std::env::temp_dir);
                base.join("servers").join(name).join("server.db")
            }
        }
    }

    /// For people: the file's path, or the server's database without any password.
    pub fn describe(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Server(url) => format!("postgres://{}", server_name(url)),
        }
    }

    /// Opens it: a file is created (and migrated) when `create`, else it must exist; a
    /// server's database must exist (the IT department creates it) and is migrated when the
    /// role may.
    pub async fn open(&self, create: bool) -> Result<Pool, StoreError> {
        match self {
            Location::File(p) if create => open(p).await,
            Location::File(p) => open_existing(p).await,
            Location::Server(url) => connect_server(url).await,
        }
    }
}

/// Whether a server URL carries a password (`postgres://user:secret@host/…`).
pub fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    rest.rsplit_once('@')
        .is_some_and(|(user, _)| user.contains(':'))
}

/// `user@host:port/database` of a server URL, without its password or options.
fn server_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    match rest.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or(user);
            format!("{user}@{host}")
        }
        None => rest.to_string(),
    }
}

/// What is left beside a database file that is not there — backups of it, a replaced copy,
/// its write-ahead log — said in both languages. A database was expected there, so none is
/// created in its place.
fn traces_of(path: &Path) -> Option<crate::error::Msg> {
    let backups = crate::backup::rolling_dir(path);
    let has_backup = std::fs::read_dir(&backups).is_ok_and(|d| {
        d.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("grantdesk-") && n.ends_with(".db")
        })
    });
    if has_backup {
        let b = backups.display();
        return Some(crate::error::Msg::new(
            format!("{b} 中有它的备份"),
            format!("{b} holds backups of one"),
        ));
    }
    let name = path.file_name()?.to_string_lossy().to_string();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let n = e.file_name().to_string_lossy().to_string();
        let left = e.path().display().to_string();
        (n.starts_with(&format!("{name}.replaced-")) || n == format!("{name}-wal")).then(|| {
            crate::error::Msg::new(
                format!("{left} 是它留下的文件"),
                format!("{left} is left of one"),
            )
        })
    })
}

/// Opens the database at `path`, which must exist: a command that only reads or changes
/// what is there never creates an empty one (a mistyped `--db` would otherwise show empty
/// tables).
pub async fn open_existing(path: &Path) -> Result<Pool, StoreError> {
    if !path.exists() {
        let p = path.display();
        return Err(StoreError::Missing(match traces_of(path) {
            Some(t) => crate::error::Msg::new(
                format!(
                    "{p} 处没有数据库，但{}：请恢复一份备份（grantdesk restore 文件），而不是从空库开始",
                    t.zh
                ),
                format!(
                    "there is no database at {p}, but {}: restore a backup (grantdesk restore FILE) rather than start empty",
                    t.en
                ),
            ),
            None => crate::error::Msg::new(
                format!(
                    "{p} 处没有数据库：请检查 --db 或 GRANTDESK_DB；grantdesk demo 或 grantdesk call new 会新建数据库"
                ),
                format!(
                    "there is no database at {p}: check --db or GRANTDESK_DB; grantdesk demo or grantdesk call new creates one"
                ),
            ),
        }));
    }
    open(path).await
}

/// Opens and migrates the database at `path`, creating it when there is none, unless traces
/// beside it (backups, a replaced copy) show that one was expected there.
pub async fn open(path: &Path) -> Result<Pool, StoreError> {
    if !path.exists()
        && let Some(t) = traces_of(path)
    {
        let p = path.display();
        return Err(StoreError::Missing(crate::error::Msg::new(
            format!(
                "{p} 处没有数据库，但{}：请恢复一份备份（grantdesk restore 文件），或把这些文件移走后再新建",
                t.zh
            ),
            format!(
                "there is no database at {p}, but {}: restore a backup (grantdesk restore FILE), or move those files away to start anew",
                t.en
            ),
        )));
    }
    connect(path).await
}

/// Opens and migrates the database at `path`, creating it if needed, whatever lies beside
/// it: for a restore, which fills it at once.
pub(crate) async fn connect(path: &Path) -> Result<Pool, StoreError> {
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
        // A bounded page cache per connection; a bulk write widens its own (db::Tx::widen_cache).
        .pragma("cache_size", format!("-{}", crate::db::PAGE_CACHE_KIB))
        .pragma("temp_store", "memory");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        // A bulk write's wider cache (db::Tx::widen_cache) ends with its transaction.
        .after_release(|conn, _| {
            Box::pin(async move { crate::db::narrow_cache(conn).await.map(|()| true) })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(Pool::Sqlite(pool))
}

/// Whether `--db` or `GRANTDESK_DB` names a PostgreSQL server's database rather than a file.
pub fn is_server_url(s: &str) -> bool {
    let s = s.trim_start();
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// The URL of database `name` on the server of `url` (user, host, port and options kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, options) = match url.trim().split_once('?') {
        Some((b, o)) => (b, format!("?{o}")),
        None => (url.trim(), String::new()),
    };
    let host_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    format!("{}/{name}{options}", &base[..host_end])
}

/// Connects to a PostgreSQL server's database (`postgres://officer@host:5432/grantdesk`; the
/// password from the URL, `PGPASSWORD` or `~/.pgpass`; TLS whenever the server offers it,
/// `sslmode=require` or `verify-full` in the URL to insist) and brings its schema up to date
/// when the signed-in role may (the database's owner); any other role finds it current or is
/// told to ask an administrator.
pub async fn connect_server(url: &str) -> Result<Pool, StoreError> {
    connect_server_as(url, None).await
}

/// [`connect_server`] with a password given apart from the URL (the window's, from the
/// system keyring).
pub async fn connect_server_as(url: &str, password: Option<&str>) -> Result<Pool, StoreError> {
    let pool = connect_pg(url, password, Duration::from_secs(30)).await?;
    migrate_server(&pool).await?;
    Ok(pool)
}

/// Signs in to a server's database to see that the address and the password are right, not
/// waiting longer than 8 seconds for an answer; the schema is left alone.
pub async fn sign_in_once(url: &str, password: Option<&str>) -> Result<Pool, StoreError> {
    connect_pg(url, password, Duration::from_secs(8)).await
}

/// Connects to a server's database without touching its schema (an administrator's
/// connection to the server's own `postgres` database, for example).
pub async fn connect_server_plain(url: &str) -> Result<Pool, StoreError> {
    connect_pg(url, None, Duration::from_secs(30)).await
}

async fn connect_pg(url: &str, password: Option<&str>, wait: Duration) -> Result<Pool, StoreError> {
    use std::str::FromStr;
    let mut options = sqlx::postgres::PgConnectOptions::from_str(url.trim())?;
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        options = options.password(p);
    }
    let options = options
        .application_name(&application_name())
        // Statements of this application are short: one waiting on a lock this long is stuck.
        .options([("lock_timeout", "30s"), ("TimeZone", "UTC")]);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(wait)
        .connect_with(options)
        .await?;
    Ok(Pool::Postgres(pool))
}

/// A name of its own for each pool this process opens on a server (`grantdesk/<pid>/<n>`):
/// what the server's notifications carry, so that a window skips the changes it made itself.
fn application_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "grantdesk/{}/{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

static SERVER_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Applies the migrations a server's database lacks, or (for a role that may not change the
/// schema) says who must.
async fn migrate_server(pool: &Pool) -> Result<(), StoreError> {
    let Some(pg) = pool.postgres() else {
        return Ok(());
    };
    let applied: Result<Vec<(i64,)>, sqlx::Error> =
        crate::db::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await;
    if let Ok(applied) = &applied {
        let have: std::collections::HashSet<i64> = applied.iter().map(|(v,)| *v).collect();
        if SERVER_MIGRATIONS.iter().all(|m| have.contains(&m.version)) {
            return Ok(());
        }
    }
    SERVER_MIGRATIONS.run(pg).await?;
    Ok(())
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so that
/// reads made inside it (remaining budget, the audit head) cannot be overtaken by another writer.
///
/// On PostgreSQL the same: every write of the agency's data takes one transaction-scoped lock
/// first, so writers run one at a time (each appends to the one audit chain) while readers
/// read their snapshots undisturbed.
///
/// On a server the signed-in officer must hold the programme officer's role (项目主管): the
/// other duties open theirs with [`crate::officer::begin_for`].
pub async fn begin_write(pool: &Pool) -> Result<Tx, crate::Error> {
    crate::officer::begin_for(pool, crate::officer::Duty::Programme).await
}

/// [`begin_write`] without a duty: for upkeep any officer's start may do (the schedules of
/// awards issued before disbursements existed), and under each duty's own check.
pub async fn begin_raw(pool: &Pool) -> Result<Tx, StoreError> {
    Ok(match pool {
        Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
        Pool::Postgres(p) => {
            let mut tx = Tx::Postgres(p.begin().await?);
            crate::db::query("SELECT pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(&mut tx)
                .await?;
            tx
        }
    })
}

/// The PostgreSQL advisory lock every writer takes ("GrantDsk" in ASCII).
pub const WRITE_LOCK: i64 = 0x4772_616e_7444_736b;

#[cfg(test)]
mod tests {
    #[test]
    fn another_database_on_the_same_server_keeps_user_host_and_options() {
        use super::with_database as w;
        assert_eq!(
            w(
                "postgres://dba:pw@db.agency:5433/postgres?sslmode=require",
                "b1"
            ),
            "postgres://dba:pw@db.agency:5433/b1?sslmode=require"
        );
        assert_eq!(
            w("postgresql://dba@localhost", "b2"),
            "postgresql://dba@localhost/b2"
        );
        assert_eq!(w(" postgres://h/x ", "b3"), "postgres://h/b3");
    }

    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_actor_is_the_account_of_the_user_id_whatever_user_says() {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .expect("uid");
        let expected = account_name(uid).unwrap_or_else(|| format!("uid {uid}"));
        assert_eq!(os_account(), expected);
        assert_ne!(os_account(), "", "never empty");
        if uid == 0 {
            assert_eq!(os_account(), "root");
        }
    }

    /// The bundled SQLite is built without `SQLITE_ENABLE_MEMORY_MANAGEMENT`
    /// (`.cargo/config.toml`): with it, the pool's connections share one page cache, which
    /// thrashed on a national call's ranking read (3.3 s instead of 0.85, two reads in three).
    #[tokio::test]
    async fn each_connection_keeps_its_own_page_cache() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = connect(&dir.path().join("c.db")).await.expect("open");
        let options: Vec<(String,)> = crate::db::query_as("PRAGMA compile_options")
            .fetch_all(&pool)
            .await
            .expect("options");
        let options: Vec<String> = options.into_iter().map(|(o,)| o).collect();
        assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
        assert!(
            !options
                .iter()
                .any(|o| o.starts_with("ENABLE_MEMORY_MANAGEMENT")),
            "{options:?}"
        );
        let (size,): (i64,) = crate::db::query_as("PRAGMA cache_size")
            .fetch_one(&pool)
            .await
            .expect("cache");
        assert_eq!(size, -i64::from(crate::db::PAGE_CACHE_KIB));
        pool.close().await;
    }

    #[test]
    fn today_is_the_agency_date_in_its_time_zone() {
        use chrono::TimeZone;
        let late = Utc
            .with_ymd_and_hms(2026, 4, 29, 23, 30, 0)
            .single()
            .expect("time");
        let beijing = Stamp::new("officer", late);
        assert_eq!(
            beijing.today().to_string(),
            "2026-04-30",
            "07:30 in Beijing"
        );
        let london = Stamp::new("officer", late).in_zone(chrono_tz::Europe::London);
        assert_eq!(london.today().to_string(), "2026-04-30", "00:30 BST");
        let utc = Stamp::new("officer", late).in_zone(chrono_tz::UTC);
        assert_eq!(utc.today().to_string(), "2026-04-29");
        assert_eq!(beijing.local().to_string(), "2026-04-30 07:30:00");
    }

    #[test]
    fn a_postgres_url_names_a_server_and_its_password_is_never_shown() {
        let l = Location::resolve(
            Some("postgres://li:s3cret@db.agency.cn:5433/grantdesk?sslmode=require".into()),
            Some("/tmp/b.db".into()),
        )
        .expect("location");
        assert!(matches!(l, Location::Server(_)));
        assert_eq!(l.describe(), "postgres://li@db.agency.cn:5433/grantdesk");
        assert!(!l.anchor().display().to_string().contains("s3cret"));
        assert!(
            l.anchor()
                .ends_with("li_db_agency_cn_5433_grantdesk/server.db")
        );
        let f = Location::resolve(None, Some("/tmp/b.db".into())).expect("file");
        assert_eq!(f, Location::File(PathBuf::from("/tmp/b.db")));
        let env = Location::resolve(None, Some("postgresql://x@h/d".into())).expect("env");
        assert_eq!(env.describe(), "postgres://x@h/d");
    }

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
