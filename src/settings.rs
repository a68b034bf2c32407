//! The agency's settings kept in the database: for now its time zone, which makes "today"
//! the agency's date in every front end: the CLI, the window and the tests agree on it.

use chrono_tz::Tz;

use crate::audit::{self, Change};
use crate::error::{Error, Invalid, StoreError};
use crate::store::{Pool, Stamp, begin_write};

/// Where the reference agency is: Beijing.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// An IANA time-zone name (`Asia/Shanghai`), or a refusal naming the field.
pub fn parse_time_zone(name: &str) -> Result<Tz, Invalid> {
    name.trim().parse::<Tz>().map_err(|_| {
        Invalid::new(
            "time_zone",
            "time_zone_unknown",
            format!("“{}”不是时区名称（例如 Asia/Shanghai）", name.trim()),
            format!(
                "\"{}\" is not a time-zone name (such as Asia/Shanghai)",
                name.trim()
            ),
        )
    })
}

/// The agency's time zone.
pub async fn time_zone(pool: &Pool) -> Result<Tz, Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'time_zone'")
            .fetch_optional(pool)
            .await?;
    match row {
        None => Ok(DEFAULT_TIME_ZONE),
        Some((v,)) => v.parse::<Tz>().map_err(|_| {
            StoreError::Corrupt {
                table: "settings",
                id: "time_zone".into(),
                reason: format!("{v} is not a time zone"),
            }
            .into()
        }),
    }
}

/// Sets the agency's time zone, audited.
pub async fn set_time_zone(pool: &Pool, stamp: &Stamp, name: &str) -> Result<Tz, Error> {
    let zone = parse_time_zone(name).map_err(|i| Error::Invalid(vec![i]))?;
    let mut tx = begin_write(pool).await?;
    let before: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'time_zone'")
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', $1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(zone.name())
    .bind(stamp.at_text())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("settings", "time_zone", "update")
            .before(&before.map(|b| b.0))?
            .after(&zone.name())?,
    )
    .await?;
    tx.commit().await?;
    Ok(zone)
}
