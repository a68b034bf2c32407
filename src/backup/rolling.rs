//! The backups folder beside the database: one backup a day (the last few kept), and those
//! taken by hand.

use super::*;

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
