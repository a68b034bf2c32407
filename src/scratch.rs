//! Where a benchmark makes its databases: fresh files in a directory (SQLite), or fresh
//! databases on a PostgreSQL server, created beside the one a URL names and dropped after.
//! The same benchmark code then measures either backend.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::store::{self, Pool};

pub enum Scratch {
    /// New files in this directory.
    Dir(PathBuf),
    /// New databases on this server (the URL's role must may create databases); `keep`
    /// leaves them for inspection.
    Server {
        url: String,
        keep: bool,
        made: Vec<String>,
    },
}

impl Scratch {
    /// On the server of `url` when given, else in `dir`.
    pub fn new(dir: &Path, server: Option<String>, keep: bool) -> Scratch {
        match server {
            Some(url) => Scratch::Server {
                url,
                keep,
                made: Vec::new(),
            },
            None => Scratch::Dir(dir.to_path_buf()),
        }
    }

    /// What the figures were measured on.
    pub fn describe(&self) -> &'static str {
        match self {
            Scratch::Dir(_) => "SQLite file",
            Scratch::Server { .. } => "PostgreSQL server",
        }
    }

    /// A new, empty, migrated database called `name` (a file `name.db`, or a server database
    /// `grantdesk_bench_<pid>_<name>`).
    pub async fn fresh(&mut self, name: &str) -> Result<Pool, Error> {
        match self {
            Scratch::Dir(dir) => Ok(store::open(&dir.join(format!("{name}.db"))).await?),
            Scratch::Server { url, made, .. } => {
                let db = format!("grantdesk_bench_{}_{name}", std::process::id());
                let admin = store::connect_server_plain(url).await?;
                let create = async {
                    crate::db::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
                        .execute(&admin)
                        .await?;
                    crate::db::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                        .execute(&admin)
                        .await
                };
                let done = create.await;
                admin.close().await;
                done?;
                made.push(db.clone());
                Ok(store::connect_server(&store::with_database(url, &db)).await?)
            }
        }
    }

    /// Removes the file of the database `name` (closed by then), to keep a benchmark's disk
    /// use to one round; a server's are dropped by [`Scratch::finish`].
    pub fn discard(&self, name: &str) {
        if let Scratch::Dir(dir) = self {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("{name}.db{ext}")));
            }
        }
    }

    /// Drops the server databases made (unless kept); files go with their directory.
    pub async fn finish(self) -> Result<(), Error> {
        if let Scratch::Server {
            url,
            keep: false,
            made,
        } = self
        {
            let admin = store::connect_server_plain(&url).await?;
            for db in made {
                crate::db::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                )))
                .execute(&admin)
                .await?;
            }
            admin.close().await;
        }
        Ok(())
    }
}
