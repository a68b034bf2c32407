//! The two backends behind one small query interface: the embedded SQLite file (the default)
//! and a shared PostgreSQL server.
//!
//! The areas write their SQL once, with `$1`-style parameters, which both dialects accept, and
//! run it through [`query`] and [`query_as`] on a [`Pool`] or a [`Tx`]: the same shape as
//! sqlx's own functions, each run dispatched to the backend's own driver with its own types
//! and prepared-statement cache. Where the dialects differ, an area gives both texts
//! ([`Sql::per_backend`]). There is no `Any` driver here: it cannot read PostgreSQL's own
//! types and loses each driver's checks.
//!
//! Values cross as `i64`, `bool`, text and bytes: money is integer fen on both sides, dates and
//! times are ISO text on both (see `migrations/postgres`).

use std::borrow::Cow;

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

/// Which kind of database a pool reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to one database of either kind.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on either kind of database. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Pool {
    /// Whether the pool was closed (a restore replaced the database it reached).
    pub fn is_closed(&self) -> bool {
        match self {
            Pool::Sqlite(p) => p.is_closed(),
            Pool::Postgres(p) => p.is_closed(),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite pool, for what only a file database does (its backups, its checks).
    pub fn sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Pool::Sqlite(p) => Some(p),
            Pool::Postgres(_) => None,
        }
    }

    pub fn postgres(&self) -> Option<&PgPool> {
        match self {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite(_) => None,
        }
    }

    /// A transaction for reading several things as of one moment (one snapshot on both
    /// backends). It writes nothing; dropping it ends it.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// SQLite's page cache per connection, in KiB (SQLite's own default is 2,000). A connection
/// keeps the pages it cached until it closes, and the pool keeps up to four. At 64 MiB each,
/// verifying the audit log of a national programme's database (100,000 proposals, 300,000
/// entries) left the window holding 68 MiB more than on the sample call, and the day's backup
/// as much again; at 8 MiB, 14 MiB more than at 2. Reads come from the system's file cache anyway:
/// `grantdesk bench ledger` reads the same at 2 and 8 MiB (within its noise).
pub const PAGE_CACHE_KIB: u32 = 2 * 1024;

/// The page cache a bulk write may use inside its transaction ([`Tx::widen_cache`]): an
/// import of 100,000 proposals writes ≈ 200 MB, and with a small cache SQLite would write
/// pages to the log midway and again at the end.
pub const BULK_PAGE_CACHE_KIB: u32 = 64 * 1024;

/// A number only: nothing from outside reaches this text.
fn cache_size_sql(kib: u32) -> String {
    format!("PRAGMA cache_size = -{kib}")
}

/// Gives a connection its usual page cache back ([`PAGE_CACHE_KIB`]) and lets go of the pages
/// beyond it: run by the file's pool on every connection it takes back, so a bulk write's
/// connection returns narrow whether its transaction committed or failed.
pub async fn narrow_cache(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(cache_size_sql(PAGE_CACHE_KIB)))
        .execute(conn)
        .await?;
    Ok(())
}

impl Tx {
    /// Lets this transaction's connection cache up to [`BULK_PAGE_CACHE_KIB`] of pages for a
    /// bulk write (SQLite; nothing on a server). The pool narrows it again when it takes the
    /// connection back ([`narrow_cache`]), committed or not.
    pub async fn widen_cache(&mut self) -> Result<(), sqlx::Error> {
        if let Tx::Sqlite(t) = self {
            sqlx::query(sqlx::AssertSqlSafe(cache_size_sql(BULK_PAGE_CACHE_KIB)))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many rows to give [`insert_rows`] at a time: `on_file` on SQLite (a statement's
    /// parameters are capped), many more on a server, where each call is one `COPY` and each
    /// `COPY` waits about 40 ms on the network (its end is a small packet the kernel holds
    /// until the data is acknowledged): 500 small ones cost 20 s where a few large ones cost
    /// nothing.
    pub fn rows_per_write(&self, on_file: usize) -> usize {
        match self {
            Tx::Sqlite(_) => on_file,
            Tx::Postgres(_) => 50_000,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Where a query runs: a pool (a connection of its own) or an open transaction.
pub enum Target<'c> {
    Pool(&'c Pool),
    Tx(&'c mut Tx),
    /// One SQLite connection of its own (a restore works on one).
    SqliteConn(&'c mut sqlx::SqliteConnection),
}

/// What a query can run on.
pub trait Exec<'c> {
    fn target(self) -> Target<'c>;
}

impl<'c> Exec<'c> for &'c Pool {
    fn target(self) -> Target<'c> {
        Target::Pool(self)
    }
}

impl<'c> Exec<'c> for &'c mut Tx {
    fn target(self) -> Target<'c> {
        Target::Tx(self)
    }
}

impl<'c> Exec<'c> for &'c mut sqlx::SqliteConnection {
    fn target(self) -> Target<'c> {
        Target::SqliteConn(self)
    }
}

impl<'c, 'd: 'c> Exec<'c> for &'c mut &'d mut Tx {
    fn target(self) -> Target<'c> {
        Target::Tx(self)
    }
}

/// A statement's text: one for both backends, or one for each where the dialects differ.
#[derive(Debug, Clone)]
pub enum Sql {
    Both(Cow<'static, str>),
    PerBackend {
        sqlite: Cow<'static, str>,
        postgres: Cow<'static, str>,
    },
}

impl Sql {
    pub fn per_backend(
        sqlite: impl Into<Cow<'static, str>>,
        postgres: impl Into<Cow<'static, str>>,
    ) -> Sql {
        Sql::PerBackend {
            sqlite: sqlite.into(),
            postgres: postgres.into(),
        }
    }

    fn text(self, backend: Backend) -> sqlx::SqlStr {
        use sqlx::SqlSafeStr;
        let text = match (self, backend) {
            (Sql::Both(t), _) => t,
            (Sql::PerBackend { sqlite, .. }, Backend::Sqlite) => sqlite,
            (Sql::PerBackend { postgres, .. }, Backend::Postgres) => postgres,
        };
        match text {
            Cow::Borrowed(s) => s.into_sql_str(),
            // Built by the caller from its own fixed pieces (column lists, clauses), never
            // from input: the values are bound.
            Cow::Owned(s) => sqlx::AssertSqlSafe(s).into_sql_str(),
        }
    }
}

impl From<&'static str> for Sql {
    fn from(s: &'static str) -> Sql {
        Sql::Both(Cow::Borrowed(s))
    }
}

impl From<sqlx::AssertSqlSafe<String>> for Sql {
    fn from(s: sqlx::AssertSqlSafe<String>) -> Sql {
        Sql::Both(Cow::Owned(s.0))
    }
}

/// One bound value.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($variant:ident: $($t:ty => $f:expr),* $(,)?) => {
        $(
            impl From<$t> for Arg {
                fn from(v: $t) -> Arg {
                    #[allow(clippy::redundant_closure_call)]
                    Arg::$variant(($f)(v))
                }
            }
        )*
    };
}

arg_from!(Int:
    i64 => Some,
    &i64 => |v: &i64| Some(*v),
    i32 => |v: i32| Some(i64::from(v)),
    u32 => |v: u32| Some(i64::from(v)),
    u8 => |v: u8| Some(i64::from(v)),
    Option<i64> => |v| v,
    &Option<i64> => |v: &Option<i64>| *v,
);
// Flags are integers 0 and 1 in both schemas (SQLite has no boolean type).
arg_from!(Int:
    bool => |v: bool| Some(i64::from(v)),
    Option<bool> => |v: Option<bool>| v.map(i64::from),
);
arg_from!(Text:
    String => Some,
    &String => |v: &String| Some(v.clone()),
    &str => |v: &str| Some(v.to_string()),
    &&str => |v: &&str| Some((*v).to_string()),
    Option<String> => |v| v,
    &Option<String> => |v: &Option<String>| v.clone(),
    Option<&str> => |v: Option<&str>| v.map(str::to_string),
    Option<&String> => |v: Option<&String>| v.cloned(),
    Cow<'_, str> => |v: Cow<'_, str>| Some(v.into_owned()),
);
arg_from!(Bytes:
    Vec<u8> => Some,
    &Vec<u8> => |v: &Vec<u8>| Some(v.clone()),
    &[u8] => |v: &[u8]| Some(v.to_vec()),
    Option<Vec<u8>> => |v| v,
);

/// A statement that returns no rows to read: an insert, an update, a delete.
#[must_use = "a query does nothing until it is run"]
pub struct Query {
    sql: Sql,
    args: Vec<Arg>,
}

/// A statement whose rows are read as `T` (a `FromRow` struct or a tuple).
#[must_use = "a query does nothing until it is run"]
pub struct QueryAs<T> {
    sql: Sql,
    args: Vec<Arg>,
    out: std::marker::PhantomData<fn() -> T>,
}

pub fn query(sql: impl Into<Sql>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

pub fn query_as<T>(sql: impl Into<Sql>) -> QueryAs<T> {
    QueryAs {
        sql: sql.into(),
        args: Vec::new(),
        out: std::marker::PhantomData,
    }
}

/// How many rows a statement changed.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

type LiteArgs = <Sqlite as sqlx::Database>::Arguments;
type PgArgs = <Postgres as sqlx::Database>::Arguments;

fn lite_args(args: Vec<Arg>) -> Result<LiteArgs, sqlx::Error> {
    use sqlx::Arguments;
    let mut a = LiteArgs::default();
    for v in args {
        match v {
            Arg::Int(v) => a.add(v),
            Arg::Text(v) => a.add(v),
            Arg::Bytes(v) => a.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

fn pg_args(args: Vec<Arg>) -> Result<PgArgs, sqlx::Error> {
    use sqlx::Arguments;
    let mut a = PgArgs::default();
    for v in args {
        match v {
            Arg::Int(v) => a.add(v),
            Arg::Text(v) => a.add(v),
            Arg::Bytes(v) => a.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

impl Query {
    pub fn bind(mut self, v: impl Into<Arg>) -> Query {
        self.args.push(v.into());
        self
    }

    pub async fn execute<'c>(self, on: impl Exec<'c>) -> Result<Done, sqlx::Error> {
        let rows = match on.target() {
            Target::Pool(Pool::Sqlite(p)) => {
                let q = sqlx::query_with(self.sql.text(Backend::Sqlite), lite_args(self.args)?);
                q.execute(p).await?.rows_affected()
            }
            Target::Tx(Tx::Sqlite(t)) => {
                let q = sqlx::query_with(self.sql.text(Backend::Sqlite), lite_args(self.args)?);
                q.execute(&mut **t).await?.rows_affected()
            }
            Target::SqliteConn(c) => {
                let q = sqlx::query_with(self.sql.text(Backend::Sqlite), lite_args(self.args)?);
                q.execute(c).await?.rows_affected()
            }
            Target::Pool(Pool::Postgres(p)) => {
                let q = sqlx::query_with(self.sql.text(Backend::Postgres), pg_args(self.args)?);
                q.execute(p).await?.rows_affected()
            }
            Target::Tx(Tx::Postgres(t)) => {
                let q = sqlx::query_with(self.sql.text(Backend::Postgres), pg_args(self.args)?);
                q.execute(&mut **t).await?.rows_affected()
            }
        };
        Ok(Done { rows })
    }
}

/// What both backends can read a row into.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

macro_rules! fetch {
    ($self:ident, $on:ident, $how:ident) => {
        match $on.target() {
            Target::Pool(Pool::Sqlite(p)) => {
                sqlx::query_as_with::<Sqlite, T, _>(
                    $self.sql.text(Backend::Sqlite),
                    lite_args($self.args)?,
                )
                .$how(p)
                .await
            }
            Target::Tx(Tx::Sqlite(t)) => {
                sqlx::query_as_with::<Sqlite, T, _>(
                    $self.sql.text(Backend::Sqlite),
                    lite_args($self.args)?,
                )
                .$how(&mut **t)
                .await
            }
            Target::SqliteConn(c) => {
                sqlx::query_as_with::<Sqlite, T, _>(
                    $self.sql.text(Backend::Sqlite),
                    lite_args($self.args)?,
                )
                .$how(c)
                .await
            }
            Target::Pool(Pool::Postgres(p)) => {
                sqlx::query_as_with::<Postgres, T, _>(
                    $self.sql.text(Backend::Postgres),
                    pg_args($self.args)?,
                )
                .$how(p)
                .await
            }
            Target::Tx(Tx::Postgres(t)) => {
                sqlx::query_as_with::<Postgres, T, _>(
                    $self.sql.text(Backend::Postgres),
                    pg_args($self.args)?,
                )
                .$how(&mut **t)
                .await
            }
        }
    };
}

impl<T: Row> QueryAs<T> {
    pub fn bind(mut self, v: impl Into<Arg>) -> QueryAs<T> {
        self.args.push(v.into());
        self
    }

    pub async fn fetch_one<'c>(self, on: impl Exec<'c>) -> Result<T, sqlx::Error> {
        fetch!(self, on, fetch_one)
    }

    pub async fn fetch_optional<'c>(self, on: impl Exec<'c>) -> Result<Option<T>, sqlx::Error> {
        fetch!(self, on, fetch_optional)
    }

    pub async fn fetch_all<'c>(self, on: impl Exec<'c>) -> Result<Vec<T>, sqlx::Error> {
        fetch!(self, on, fetch_all)
    }
}

/// Many rows into one table: `head` is `INSERT INTO table (columns) `. On SQLite one
/// multi-row `INSERT … VALUES (…), (…)` statement (the caller keeps the rows of one call under
/// its cap on the parameters of one statement, 32,766); on PostgreSQL the rows stream in
/// through `COPY … FROM STDIN` (text format), which fires the same triggers and checks the same
/// constraints as an insert, at a fraction of its cost.
pub async fn insert_rows(on: &mut Tx, head: &str, rows: Vec<Vec<Arg>>) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    if let (Tx::Postgres(tx), Some(copy)) = (&mut *on, copy_statement(head)) {
        let mut data = Vec::with_capacity(rows.len() * 64);
        for row in rows {
            copy_line(&mut data, row);
        }
        let mut sink = tx.copy_in_raw(&copy).await?;
        sink.send(data).await?;
        sink.finish().await?;
        return Ok(());
    }
    {
        // Plain `?` placeholders, bound in order: SQLite takes `$1` for a *named* parameter and
        // looks each name up among those before it, which made a statement of 4,000 of them
        // quadratic (80% of an import's time went there). The server numbers them.
        let numbered = matches!(on, Tx::Postgres(_));
        let mut sql = String::from(head);
        sql.push_str(" VALUES ");
        let mut args = Vec::new();
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (j, a) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                args.push(a);
                if numbered {
                    sql.push('$');
                    sql.push_str(&args.len().to_string());
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        Query {
            sql: Sql::Both(Cow::Owned(sql)),
            args,
        }
        .execute(&mut *on)
        .await?;
    }
    Ok(())
}

/// `INSERT INTO t (a, b) ` → `COPY t (a, b) FROM STDIN`; `None` for any other shape.
fn copy_statement(head: &str) -> Option<String> {
    let rest = head.trim().strip_prefix("INSERT INTO ")?;
    let (table, columns) = rest.split_once('(')?;
    let columns = columns.trim_end().strip_suffix(')')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_,\"".contains(c) || c.is_whitespace())
    };
    (plain(table.trim()) && plain(columns))
        .then(|| format!("COPY {} ({columns}) FROM STDIN", table.trim()))
}

/// One row in COPY's text format: fields by tabs, `\N` for NULL, backslash escapes for the
/// backslash, tab, newline and carriage return; bytes as `bytea` hex.
fn copy_line(out: &mut Vec<u8>, row: Vec<Arg>) {
    for (i, a) in row.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match a {
            Arg::Int(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
            Arg::Text(Some(t)) => {
                for b in t.bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b => out.push(b),
                    }
                }
            }
            Arg::Bytes(Some(bytes)) => {
                // `\\x…`: the doubled backslash is COPY's escape of bytea's `\x`.
                out.extend_from_slice(b"\\\\x");
                for b in bytes {
                    out.extend_from_slice(format!("{b:02x}").as_bytes());
                }
            }
            Arg::Int(None) | Arg::Text(None) | Arg::Bytes(None) => out.extend_from_slice(b"\\N"),
        }
    }
    out.push(b'\n');
}

/// `n` numbered parameters from `$first` on, for an `IN (…)` list: `$2, $3, $4`.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of a JSON aggregate (`json_group_array(json_array(…))` on SQLite,
/// `CAST(json_agg(json_build_array(…)) AS TEXT)` on PostgreSQL), read from its text: `None`
/// (PostgreSQL's aggregate of no rows) is no rows. A large read comes back as one value this
/// way: read one by one, rows cost the driver ≈ 2 µs each, more than the database's own scan.
/// Text fields may borrow from `json`. A text that does not parse is named as corrupt
/// `table` data about `id`.
pub fn json_rows<'a, T: serde::Deserialize<'a>>(
    json: Option<&'a str>,
    table: &'static str,
    id: &str,
) -> Result<Vec<T>, crate::error::StoreError> {
    let mut rows = Vec::new();
    json_each(json, table, id, |row| rows.push(row))?;
    Ok(rows)
}

/// [`json_rows`] one row at a time, none kept: for reads of millions of small rows, which
/// the caller folds as they come.
pub fn json_each<'a, T: serde::Deserialize<'a>>(
    json: Option<&'a str>,
    table: &'static str,
    id: &str,
    each: impl FnMut(T),
) -> Result<(), crate::error::StoreError> {
    use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

    struct Each<F, T>(F, std::marker::PhantomData<T>);
    impl<'de, F: FnMut(T), T: serde::Deserialize<'de>> Visitor<'de> for Each<F, T> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of rows")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(row) = seq.next_element::<T>()? {
                (self.0)(row);
            }
            Ok(())
        }
    }
    impl<'de, F: FnMut(T), T: serde::Deserialize<'de>> DeserializeSeed<'de> for Each<F, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    let Some(json) = json else {
        return Ok(());
    };
    let mut de = serde_json::Deserializer::from_str(json);
    Each(each, std::marker::PhantomData)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| crate::error::StoreError::Corrupt {
            table,
            id: id.to_string(),
            reason: format!("a read of many rows could not be parsed: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_head_becomes_a_copy_and_nothing_else_does() {
        assert_eq!(
            copy_statement("INSERT INTO audit_log (seq, at, actor) ").as_deref(),
            Some("COPY audit_log (seq, at, actor) FROM STDIN")
        );
        assert_eq!(
            copy_statement("INSERT INTO \"calls\" (\"id\", \"code\")").as_deref(),
            Some("COPY \"calls\" (\"id\", \"code\") FROM STDIN")
        );
        assert_eq!(copy_statement("INSERT OR IGNORE INTO t (a) "), None);
        assert_eq!(copy_statement("INSERT INTO t (a); DROP TABLE t; (b)"), None);
        assert_eq!(copy_statement("INSERT INTO t "), None);
    }

    #[test]
    fn copy_lines_escape_what_the_text_format_reads_specially() {
        let mut out = Vec::new();
        copy_line(
            &mut out,
            vec![
                Arg::from(-7_i64),
                Arg::from("a\tb\nc\\N\r"),
                Arg::Text(None),
                Arg::Bytes(Some(vec![0, 0xab])),
            ],
        );
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "-7\ta\\tb\\nc\\\\N\\r\t\\N\t\\\\x00ab\n"
        );
    }

    #[test]
    fn a_json_aggregate_is_read_row_by_row_and_a_broken_one_is_named() {
        let json = r#"[[1,7,"innovation",9],[1,7,"team",null],[2,8,"a\"b",0]]"#;
        #[derive(serde::Deserialize)]
        struct Row<'a>(i64, i64, #[serde(borrow)] Cow<'a, str>, Option<i64>);
        let rows: Vec<Row> = json_rows(Some(json), "review_scores", "BJ").expect("rows");
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[2].0, rows[2].1), (2, 8));
        assert_eq!((rows[1].2.as_ref(), rows[1].3), ("team", None));
        assert_eq!(rows[2].2, "a\"b", "an escaped text is unescaped");
        assert!(
            matches!(rows[0].2, Cow::Borrowed(_)),
            "a plain text is borrowed"
        );
        let mut sum = 0;
        json_each(
            Some(json),
            "review_scores",
            "BJ",
            |(_, _, _, s): (i64, i64, String, Option<i64>)| sum += s.unwrap_or(0),
        )
        .expect("each");
        assert_eq!(sum, 9);
        // PostgreSQL's aggregate of no rows is NULL: no rows.
        assert!(
            json_rows::<(i64,)>(None, "t", "x")
                .expect("none")
                .is_empty()
        );
        for broken in [r#"[[1,"x"]]"#, "[[1]] trailing", "{}"] {
            match json_rows::<(i64, i64)>(Some(broken), "review_scores", "BJ") {
                Err(crate::error::StoreError::Corrupt { table, id, .. }) => {
                    assert_eq!((table, id.as_str()), ("review_scores", "BJ"), "{broken}")
                }
                other => panic!("{broken}: {other:?}"),
            }
        }
    }
}
