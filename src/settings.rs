//! The agency's settings kept in the database: its time zone, which makes "today" the
//! agency's date in every front end (the CLI, the window and the tests agree on it), and the
//! agency that issues the letters (names, letterhead, standard conditions, fonts).

use chrono_tz::Tz;

use crate::audit::{self, Change};
use crate::error::{Error, Invalid, StoreError};
use crate::letter::Agency;
use crate::store::{Pool, Stamp};

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
        crate::db::query_as("SELECT value FROM settings WHERE key = 'time_zone'")
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

/// Writes a setting in the transaction given (the caller audits it); returns its value
/// before.
async fn put(
    tx: &mut crate::store::Tx,
    key: &str,
    value: &str,
    stamp: &Stamp,
) -> Result<Option<String>, Error> {
    let before: Option<(String,)> =
        crate::db::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    crate::db::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(stamp.at_text())
    .execute(&mut *tx)
    .await?;
    Ok(before.map(|(v,)| v))
}

/// Sets the agency's time zone, audited.
pub async fn set_time_zone(pool: &Pool, stamp: &Stamp, name: &str) -> Result<Tz, Error> {
    let zone = parse_time_zone(name).map_err(|i| Error::Invalid(vec![i]))?;
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Administer).await?;
    put_time_zone(&mut tx, stamp, zone).await?;
    tx.commit().await?;
    Ok(zone)
}

/// What an officer enters for the agency: names, letterhead, the standard conditions of its
/// letters (one paragraph a line) and, optionally, the font files of titles and body text.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AgencyForm {
    pub name_zh: String,
    pub name_en: String,
    pub letterhead_zh: String,
    pub letterhead_en: String,
    pub conditions_zh: String,
    pub conditions_en: String,
    #[serde(default)]
    pub title_font: String,
    #[serde(default)]
    pub body_font: String,
}

impl AgencyForm {
    /// The form as the agency stands (to edit it).
    pub fn of(a: &Agency) -> AgencyForm {
        AgencyForm {
            name_zh: a.name.zh.clone(),
            name_en: a.name.en.clone(),
            letterhead_zh: a.letterhead.zh.clone(),
            letterhead_en: a.letterhead.en.clone(),
            conditions_zh: a.conditions_zh.join("\n"),
            conditions_en: a.conditions_en.join("\n"),
            title_font: a.title_font.clone().unwrap_or_default(),
            body_font: a.body_font.clone().unwrap_or_default(),
        }
    }

    /// The agency, or every field that breaks a rule, named.
    pub fn parse(&self) -> Result<Agency, Vec<Invalid>> {
        let mut bad = Vec::new();
        let mut text = |field: &str, label: (&str, &str), v: &str, max: usize| -> String {
            let v = v.trim();
            if v.is_empty() {
                bad.push(Invalid::new(
                    field,
                    "required",
                    format!("请填写{}", label.0),
                    format!("enter the {}", label.1),
                ));
            } else if v.chars().count() > max {
                bad.push(Invalid::new(
                    field,
                    "too_long",
                    format!("{}最多 {max} 个字符", label.0),
                    format!("the {} is at most {max} characters", label.1),
                ));
            }
            v.to_string()
        };
        let name_zh = text(
            "name_zh",
            ("机构中文名称", "agency's Chinese name"),
            &self.name_zh,
            60,
        );
        let name_en = text(
            "name_en",
            ("机构英文名称", "agency's English name"),
            &self.name_en,
            120,
        );
        let head_zh = text(
            "letterhead_zh",
            ("发文机关标志（中文）", "Chinese letterhead"),
            &self.letterhead_zh,
            30,
        );
        let head_en = text(
            "letterhead_en",
            ("发文机关标志（英文）", "English letterhead"),
            &self.letterhead_en,
            80,
        );
        let mut paragraphs = |field: &str, label: (&str, &str), v: &str| -> Vec<String> {
            let list: Vec<String> = v
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect();
            if list.is_empty() || list.len() > 10 {
                bad.push(Invalid::new(
                    field,
                    "paragraphs",
                    format!("{}应为 1 至 10 段，每行一段", label.0),
                    format!("the {} are 1 to 10 paragraphs, one a line", label.1),
                ));
            }
            if list.iter().any(|l| l.chars().count() > 400) {
                bad.push(Invalid::new(
                    field,
                    "too_long",
                    format!("{}每段最多 400 个字符", label.0),
                    format!(
                        "each paragraph of the {} is at most 400 characters",
                        label.1
                    ),
                ));
            }
            list
        };
        let conditions_zh = paragraphs(
            "conditions_zh",
            ("通知书中文条款", "Chinese conditions"),
            &self.conditions_zh,
        );
        let conditions_en = paragraphs(
            "conditions_en",
            ("通知书英文条款", "English conditions"),
            &self.conditions_en,
        );
        let mut font = |field: &str, label: (&str, &str), v: &str| -> Option<String> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            match crate::letter::font::LetterFont::load(std::path::Path::new(v)) {
                Ok(f) if f.missing(&['中', '国']).is_empty() => Some(v.to_string()),
                Ok(f) => {
                    bad.push(Invalid::new(
                        field,
                        "font_not_chinese",
                        format!("{}“{}”不是中文字体", label.0, f.family),
                        format!("the {} \"{}\" is not a Chinese font", label.1, f.family),
                    ));
                    None
                }
                Err(m) => {
                    bad.push(Invalid::new(field, "font_unreadable", m.zh, m.en));
                    None
                }
            }
        };
        let title_font = font("title_font", ("标题字体", "title font"), &self.title_font);
        let body_font = font("body_font", ("正文字体", "body font"), &self.body_font);
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(Agency {
            name: crate::error::Msg::new(name_zh, name_en),
            letterhead: crate::error::Msg::new(head_zh, head_en),
            conditions_zh,
            conditions_en,
            title_font,
            body_font,
        })
    }
}

/// The agency that issues the letters, as kept in the settings; until it is set, the
/// sample's fictional agency (the window's first run asks for the real one: `first_run`).
pub async fn agency(pool: &Pool) -> Result<Agency, Error> {
    let row: Option<(String,)> =
        crate::db::query_as("SELECT value FROM settings WHERE key = 'agency'")
            .fetch_optional(pool)
            .await?;
    match row {
        None => Ok(Agency::sample()),
        Some((v,)) => serde_json::from_str(&v).map_err(|e| {
            StoreError::Corrupt {
                table: "settings",
                id: "agency".into(),
                reason: e.to_string(),
            }
            .into()
        }),
    }
}

/// Whether the agency has been set (the first-run questions are asked until it is).
pub async fn agency_is_set(pool: &Pool) -> Result<bool, Error> {
    let row: Option<(String,)> =
        crate::db::query_as("SELECT key FROM settings WHERE key = 'agency'")
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some())
}

/// Writes the agency in the transaction given, audited.
async fn put_agency(
    tx: &mut crate::store::Tx,
    stamp: &Stamp,
    agency: &Agency,
) -> Result<(), Error> {
    let value = serde_json::to_string(agency).map_err(|e| StoreError::Corrupt {
        table: "settings",
        id: "agency".into(),
        reason: e.to_string(),
    })?;
    let before = put(tx, "agency", &value, stamp).await?;
    let before: Option<Agency> = before.and_then(|v| serde_json::from_str(&v).ok());
    audit::record(
        tx,
        stamp,
        Change::new("settings", "agency", "update")
            .before(&before)?
            .after(agency)?,
    )
    .await
}

/// Writes the time zone in the transaction given, audited.
async fn put_time_zone(tx: &mut crate::store::Tx, stamp: &Stamp, zone: Tz) -> Result<(), Error> {
    let before = put(tx, "time_zone", zone.name(), stamp).await?;
    audit::record(
        tx,
        stamp,
        Change::new("settings", "time_zone", "update")
            .before(&before)?
            .after(&zone.name())?,
    )
    .await
}

/// Sets the agency, audited; bad input changes nothing.
pub async fn set_agency(pool: &Pool, stamp: &Stamp, form: &AgencyForm) -> Result<Agency, Error> {
    let agency = form.parse().map_err(Error::Invalid)?;
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Administer).await?;
    put_agency(&mut tx, stamp, &agency).await?;
    tx.commit().await?;
    Ok(agency)
}

/// What the first run asks: who the agency is, where it is, and the letterhead of its
/// letters. The standard conditions and fonts stay as they are (the sample's conditions at
/// first), to be changed on the settings page.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FirstRunForm {
    pub name_zh: String,
    pub name_en: String,
    pub letterhead_zh: String,
    pub letterhead_en: String,
    pub time_zone: String,
}

/// The first run's answers, kept together: the agency and its time zone in one transaction,
/// each audited; every field that breaks a rule is named and nothing is written.
pub async fn first_run(
    pool: &Pool,
    stamp: &Stamp,
    form: &FirstRunForm,
) -> Result<(Agency, Tz), Error> {
    let mut whole = AgencyForm::of(&agency(pool).await?);
    whole.name_zh.clone_from(&form.name_zh);
    whole.name_en.clone_from(&form.name_en);
    whole.letterhead_zh.clone_from(&form.letterhead_zh);
    whole.letterhead_en.clone_from(&form.letterhead_en);
    let parsed = whole.parse();
    let zone = parse_time_zone(&form.time_zone);
    let (agency, zone) = match (parsed, zone) {
        (Ok(a), Ok(z)) => (a, z),
        (a, z) => {
            let mut bad = a.err().unwrap_or_default();
            bad.extend(z.err());
            return Err(Error::Invalid(bad));
        }
    };
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Administer).await?;
    put_agency(&mut tx, stamp, &agency).await?;
    put_time_zone(&mut tx, stamp, zone).await?;
    tx.commit().await?;
    Ok((agency, zone))
}
