//! What the window checks when it starts, and shows until it is dealt with: the audit chain
//! (an auditor relies on it: a broken chain is named by its first bad entry) and the daily
//! backup (a failed one is not left to a terminal nobody reads).

use std::path::Path;

use serde::Serialize;

use crate::error::{Coded, Msg};
use crate::lang::Lang;
use crate::store::{Pool, Stamp};

/// A problem found at start, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: String,
    pub message: Msg,
}

fn warning(e: &crate::Error, zh: &str, en: &str) -> Warning {
    Warning {
        code: e.code().to_string(),
        message: Msg::new(
            format!("{zh}{}", e.message(Lang::Zh)),
            format!("{en}{}", e.message(Lang::En)),
        ),
    }
}

/// How many daily backups are kept.
pub const DAILY_BACKUPS_KEPT: usize = 7;

/// Everything the start checks, in order ([`prepare`], then [`check_record`]): for the command
/// line and the tests; the window runs the second while the officer already works.
pub async fn check(pool: &Pool, db: &Path, stamp: &Stamp) -> Vec<Warning> {
    let mut out = prepare(pool, stamp).await;
    out.extend(check_record(pool, db, stamp).await);
    out
}

/// What must be done before an officer acts: awards issued before disbursements existed get
/// their schedules (once). Quick when there is nothing to do; what fails is returned.
pub async fn prepare(pool: &Pool, stamp: &Stamp) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Err(e) = crate::disbursement::backfill(pool, stamp).await {
        out.push(warning(
            &e,
            "未能为早前下达的资助生成拨付计划：",
            "the schedules of awards issued earlier could not be made: ",
        ));
    }
    out
}

/// Verifies the audit chain, then takes the agency's day's backup (the last
/// [`DAILY_BACKUPS_KEPT`] daily ones kept) of a file database; a server's database is backed
/// up by the server's own tools. Both read one snapshot each, so officers may write meanwhile:
/// on a national programme's database (300,000 entries, 400 MB) they take seconds, which the
/// window no longer waits for. What fails is returned.
pub async fn check_record(pool: &Pool, db: &Path, stamp: &Stamp) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Err(e) = crate::audit::verify(pool).await {
        out.push(warning(
            &e,
            "审计日志校验失败，记录可能被改动：",
            "the audit log does not verify, the record may have been altered: ",
        ));
    }
    if pool.backend() == crate::db::Backend::Postgres {
        return out;
    }
    if let Err(e) = crate::backup::rolling(pool, db, stamp.today(), DAILY_BACKUPS_KEPT).await {
        out.push(warning(
            &e,
            "今天的自动备份失败：",
            "today's automatic backup failed: ",
        ));
    }
    out
}
