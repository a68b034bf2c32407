//! Live collaboration on a server: a window hears of every change another officer commits
//! (PostgreSQL's LISTEN/NOTIFY, sent by the audit log's trigger in
//! `migrations/postgres/0004_live.sql`) and refreshes what it shows. A window's own changes
//! are skipped: each pool signs in under an application name of its own.

use serde::{Deserialize, Serialize};

use crate::db::Pool;
use crate::error::Error;

/// The channel the server notifies on.
pub const CHANNEL: &str = "grantdesk_changes";

/// A change another officer committed: the newest audit entry of the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub actor: String,
    /// The call it belongs to, when the entity names one (`call`, or `CODE/…` ids).
    #[serde(default)]
    pub call: Option<String>,
}

#[derive(Deserialize)]
struct Payload {
    seq: i64,
    entity: String,
    entity_id: String,
    action: String,
    actor: String,
    #[serde(default)]
    app: Option<String>,
}

/// A subscription to the server's changes.
pub struct Listener {
    inner: sqlx::postgres::PgListener,
    /// The application name of the pool listened for: its own changes are skipped.
    own: Option<String>,
}

/// Listens to the changes of the server's database `pool` is on; none for a file.
pub async fn listen(pool: &Pool) -> Result<Option<Listener>, Error> {
    let Some(pg) = pool.postgres() else {
        return Ok(None);
    };
    let mut inner = sqlx::postgres::PgListener::connect_with(pg).await?;
    inner.listen(CHANNEL).await?;
    let own = pg
        .connect_options()
        .get_application_name()
        .map(str::to_string);
    Ok(Some(Listener { inner, own }))
}

impl Listener {
    /// The next change made by another process (this one's are skipped). After a dropped
    /// connection it reconnects by itself; a window then refreshes anyway (it may have missed
    /// some).
    pub async fn next(&mut self) -> Result<Changed, Error> {
        loop {
            let n = self.inner.recv().await?;
            let Ok(p) = serde_json::from_str::<Payload>(n.payload()) else {
                continue;
            };
            if p.app.is_some() && p.app == self.own {
                continue;
            }
            let call = call_of(&p.entity, &p.entity_id);
            return Ok(Changed {
                seq: p.seq,
                entity: p.entity,
                entity_id: p.entity_id,
                action: p.action,
                actor: p.actor,
                call,
            });
        }
    }
}

/// The call an audit entity belongs to: a call's own code, or the `CODE/…` of its parts.
fn call_of(entity: &str, id: &str) -> Option<String> {
    match entity {
        "call" => Some(id.to_string()),
        // The whole board at once (the suggestion applied) is named by the call's code.
        "decision" if !id.contains('/') => Some(id.to_string()),
        _ => id
            .split_once('/')
            .map(|(c, _)| c.to_string())
            .filter(|c| !c.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_of_a_change_is_read_from_its_entity() {
        assert_eq!(
            call_of("call", "BJ-AIXR-2026").as_deref(),
            Some("BJ-AIXR-2026")
        );
        assert_eq!(
            call_of("proposal", "BJ-AIXR-2026/BJ-AIXR-2026-0001").as_deref(),
            Some("BJ-AIXR-2026")
        );
        assert_eq!(call_of("settings", "time_zone"), None);
        assert_eq!(
            call_of("decision", "BJ-AIXR-2026").as_deref(),
            Some("BJ-AIXR-2026")
        );
    }
}
