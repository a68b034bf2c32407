//! Restoring a backup: checked, migrated in a staging copy, its rows copied in one
//! transaction; the replaced data kept aside.

use super::*;

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
