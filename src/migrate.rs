//! Moving an agency from its SQLite file to a PostgreSQL server (`grantdesk migrate --to
//! postgres://…`): every table copied row for row, the audit chain included, in one server
//! transaction, then checked on both sides — the chain walked and its head compared, every
//! table's row count and every money column's total compared — before anything is committed.
//! The file is only read.
//!
//! The server's database must be empty (created for it, its schema made by GrantDesk's first
//! connection) and the migrating role must own its tables: the copy is of history, made by
//! others at other times, so the server's checks of who may act now (the signed-in actor, the
//! duties) are suspended for the copy alone (`ALTER TABLE … DISABLE TRIGGER USER`, undone in
//! the same transaction), and the limits are checked again afterwards by comparing totals.

use serde::Serialize;
use sqlx::{Column, Row, TypeInfo, ValueRef};

use crate::db::{Arg, Pool, Tx};
use crate::error::{Coded, Error, Msg};
use crate::lang::Lang;

/// One table as copied: its rows and the totals of its money columns on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCopied {
    pub table: String,
    pub rows: i64,
    /// `(column, total in fen)` for every `…_fen` column, equal on both sides.
    pub totals: Vec<(String, i64)>,
}

/// What `migrate` did and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migrated {
    pub tables: Vec<TableCopied>,
    pub audit_entries: i64,
    pub audit_head: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateError {
    /// The source is not a file, or the target not a server.
    Direction,
    /// The server's database already holds an agency's data.
    NotEmpty { table: String, rows: i64 },
    /// A figure differs after the copy: nothing was committed.
    Differs {
        what: String,
        file: String,
        server: String,
    },
}

impl MigrateError {
    pub fn texts(&self) -> Msg {
        match self {
            MigrateError::Direction => Msg::new(
                "迁移把单机数据库文件（--db）复制到一个 PostgreSQL 数据库（--to postgres://…）",
                "migrate copies a database file (--db) to a PostgreSQL database (--to postgres://…)",
            ),
            MigrateError::NotEmpty { table, rows } => Msg::new(
                format!(
                    "服务器上的数据库不是空的（{table} 有 {rows} 行）：请迁移到一个新建的空数据库"
                ),
                format!(
                    "the server's database is not empty ({table} has {rows} rows): migrate into a new, empty database"
                ),
            ),
            MigrateError::Differs { what, file, server } => Msg::new(
                format!(
                    "复制后核对不符，未提交任何数据：{what} 在文件中为 {file}，在服务器上为 {server}"
                ),
                format!(
                    "the copy does not check out, nothing was committed: {what} is {file} in the file and {server} on the server"
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(MigrateError);

impl Coded for MigrateError {
    fn code(&self) -> &'static str {
        match self {
            MigrateError::Direction => "migrate_direction",
            MigrateError::NotEmpty { .. } => "migrate_target_not_empty",
            MigrateError::Differs { .. } => "migrate_differs",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

fn fail(e: MigrateError) -> Error {
    Error::Migrate(e)
}

/// The tables of the file, each after the tables it refers to, with their columns.
async fn tables(file: &sqlx::SqlitePool) -> Result<Vec<(String, Vec<String>)>, Error> {
    let all: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY rowid",
    )
    .fetch_all(file)
    .await?;
    let mut refers = Vec::new();
    for (name,) in &all {
        let parents: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(name)
                .fetch_all(file)
                .await?;
        refers.push((
            name.clone(),
            parents
                .into_iter()
                .map(|(p,)| p)
                .filter(|p| p != name)
                .collect::<Vec<_>>(),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    while names.len() < refers.len() {
        let before = names.len();
        for (name, parents) in &refers {
            if !names.contains(name) && parents.iter().all(|p| names.contains(p)) {
                names.push(name.clone());
            }
        }
        if names.len() == before {
            // A cycle (none in GrantDesk's schema): the rest in creation order.
            for (name, _) in &refers {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        let cols: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(file)
                .await?;
        out.push((name, cols.into_iter().map(|(c,)| c).collect()));
    }
    Ok(out)
}

fn quoted(cols: &[String]) -> String {
    cols.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One SQLite value as a bound argument of the same kind.
fn arg_of(row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Arg, Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        // The column's declared type decides which kind of NULL the server is given.
        return Ok(match row.columns()[i].type_info().name() {
            "INTEGER" => Arg::Int(None),
            "BLOB" => Arg::Bytes(None),
            _ => Arg::Text(None),
        });
    }
    let kind = raw.type_info().name().to_string();
    Ok(match kind.as_str() {
        "INTEGER" => Arg::Int(Some(row.try_get::<i64, _>(i)?)),
        "BLOB" => Arg::Bytes(Some(row.try_get::<Vec<u8>, _>(i)?)),
        _ => Arg::Text(Some(row.try_get::<String, _>(i)?)),
    })
}

/// Row count and money totals of `table` on either side, as numbers both read alike.
async fn figures<'c>(
    on: impl crate::db::Exec<'c>,
    table: &str,
    cols: &[String],
) -> Result<(i64, Vec<(String, i64)>), Error> {
    let fen: Vec<&String> = cols.iter().filter(|c| c.ends_with("_fen")).collect();
    let mut sql = String::from("SELECT COUNT(*)");
    for c in &fen {
        sql.push_str(&format!(", CAST(COALESCE(SUM(\"{c}\"), 0) AS TEXT)"));
    }
    sql.push_str(&format!(" FROM \"{table}\""));
    // Table and column names come from the file's own schema, which the checks of a
    // GrantDesk database vouch for (backup::inspect compares it with this build's).
    let q = crate::db::query_as::<FiguresRow>(sqlx::AssertSqlSafe(sql));
    let r = q.fetch_one(on).await?;
    let totals = fen
        .iter()
        .zip(r.totals)
        .map(|(c, t)| (c.to_string(), t.parse::<i64>().unwrap_or(i64::MIN)))
        .collect();
    Ok((r.count, totals))
}

/// A count and any number of totals as text (a sum of BIGINT is NUMERIC on the server).
struct FiguresRow {
    count: i64,
    totals: Vec<String>,
}

impl<'r, R: Row> sqlx::FromRow<'r, R> for FiguresRow
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let count = row.try_get::<i64, _>(0)?;
        let mut totals = Vec::new();
        for i in 1..row.len() {
            totals.push(row.try_get::<String, _>(i)?);
        }
        Ok(FiguresRow { count, totals })
    }
}

/// Copies the file database `from` into the server database `to` and checks the copy.
pub async fn to_server(from: &Pool, to: &Pool) -> Result<Migrated, Error> {
    let (Some(file), Some(_)) = (from.sqlite(), to.postgres()) else {
        return Err(fail(MigrateError::Direction));
    };
    // The file's own chain first: a broken one is not carried over.
    let source = crate::audit::verify(from).await?;
    let tables = tables(file).await?;

    let mut tx = crate::store::begin_raw(to).await?;
    for (table, _) in &tables {
        let (n,): (i64,) = crate::db::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(&mut tx)
        .await?;
        // The schema's own seed rows (the empty chain's head, the default time zone) are
        // replaced by the file's.
        let seeded = matches!(table.as_str(), "audit_head" | "settings");
        if n > 0 && !seeded {
            return Err(fail(MigrateError::NotEmpty {
                table: table.clone(),
                rows: n,
            }));
        }
    }
    for (table, _) in &tables {
        crate::db::query(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE \"{table}\" DISABLE TRIGGER USER"
        )))
        .execute(&mut tx)
        .await?;
    }
    for table in ["audit_head", "settings"] {
        crate::db::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut tx)
            .await?;
    }
    for (table, cols) in &tables {
        copy_table(file, &mut tx, table, cols).await?;
    }
    for (table, _) in &tables {
        crate::db::query(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE \"{table}\" ENABLE TRIGGER USER"
        )))
        .execute(&mut tx)
        .await?;
    }
    // Every figure on both sides, inside the transaction: a difference commits nothing.
    let mut copied = Vec::new();
    for (table, cols) in &tables {
        let (n_file, t_file) = figures(from, table, cols).await?;
        let (n_server, t_server) = figures(&mut tx, table, cols).await?;
        if n_file != n_server {
            return Err(fail(MigrateError::Differs {
                what: format!("{table} rows"),
                file: n_file.to_string(),
                server: n_server.to_string(),
            }));
        }
        for ((c, a), (_, b)) in t_file.iter().zip(&t_server) {
            if a != b {
                return Err(fail(MigrateError::Differs {
                    what: format!("{table}.{c}"),
                    file: a.to_string(),
                    server: b.to_string(),
                }));
            }
        }
        copied.push(TableCopied {
            table: table.clone(),
            rows: n_server,
            totals: t_server,
        });
    }
    tx.commit().await?;
    let landed = crate::audit::verify(to).await?;
    if landed != source {
        return Err(fail(MigrateError::Differs {
            what: "audit chain".into(),
            file: format!("{} / {}", source.entries, source.head),
            server: format!("{} / {}", landed.entries, landed.head),
        }));
    }
    Ok(Migrated {
        tables: copied,
        audit_entries: landed.entries,
        audit_head: landed.head,
    })
}

/// One table's rows, a few thousand values per statement.
async fn copy_table(
    file: &sqlx::SqlitePool,
    tx: &mut Tx,
    table: &str,
    cols: &[String],
) -> Result<(), Error> {
    let per = (20_000 / cols.len().max(1)).max(1);
    let select = format!("SELECT {} FROM \"{table}\"", quoted(cols));
    let rows: Vec<sqlx::sqlite::SqliteRow> = sqlx::query(sqlx::AssertSqlSafe(select))
        .fetch_all(file)
        .await?;
    let head = format!("INSERT INTO \"{table}\" ({})", quoted(cols));
    for chunk in rows.chunks(tx.rows_per_write(per)) {
        let mut batch = Vec::with_capacity(chunk.len());
        for r in chunk {
            let mut values = Vec::with_capacity(cols.len());
            for i in 0..cols.len() {
                values.push(arg_of(r, i)?);
            }
            batch.push(values);
        }
        crate::db::insert_rows(tx, &head, batch).await?;
    }
    Ok(())
}
