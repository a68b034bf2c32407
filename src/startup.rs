//! What the window checks when it starts, and shows until it is dealt with: the audit chain
//! (an auditor relies on it: a broken chain is named by its first bad entry) and the daily
//! backup (a failed one is not left to a terminal nobody reads).

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Coded, Msg};
use crate::lang::Lang;
use crate::store::Pool;

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

/// Verifies the audit chain, then takes the day's backup (the last `keep` daily ones kept).
/// Neither stops the start: what fails is returned to be shown.
pub async fn check(pool: &Pool, db: &Path, today: NaiveDate, keep: usize) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Err(e) = crate::audit::verify(pool).await {
        out.push(warning(
            &e,
            "审计日志校验失败，记录可能被改动：",
            "the audit log does not verify, the record may have been altered: ",
        ));
    }
    if let Err(e) = crate::backup::rolling(pool, db, today, keep).await {
        out.push(warning(
            &e,
            "今天的自动备份失败：",
            "today's automatic backup failed: ",
        ));
    }
    out
}
