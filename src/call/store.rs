//! Storage and use cases of calls. Rows are raw columns; `TryFrom` turns them into domain
//! values and refuses rows that break a rule (a database edited behind the core's back).

use sqlx::FromRow;

use super::{
    Appropriation, Call, CallError, CallForm, CallSpec, CallStatus, Committed, Criterion,
    FundingMode, IndirectTier, Milestone, Topic, TrancheShare,
};
use crate::audit::{self, Change};
use crate::error::{Error, Invalid, StoreError};
use crate::money::Money;
use crate::percent::Percent;
use crate::store::{Pool, Stamp, begin_write, date_text, parse_date};

#[derive(Debug, FromRow)]
struct CallRow {
    id: i64,
    code: String,
    title_zh: String,
    title_en: String,
    total_budget_fen: i64,
    max_awards: i64,
    award_floor_fen: i64,
    award_ceiling_fen: i64,
    duration_months: i64,
    opens_on: String,
    closes_on: String,
    funding_mode: String,
    min_reviewers: i64,
    max_proposals_per_applicant: i64,
    disagreement_threshold_cp: i64,
    award_number_pattern: String,
    spend_tolerance_bp: i64,
    adjust_approval: String,
    unspent_policy: String,
    letter_lang: String,
    status: String,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, FromRow)]
struct TopicRow {
    code: String,
    name_zh: String,
    name_en: String,
}

#[derive(Debug, FromRow)]
struct CriterionRow {
    key: String,
    name_zh: String,
    name_en: String,
    weight_bp: i64,
    max_score: i64,
}

#[derive(Debug, FromRow)]
struct TierRow {
    up_to_fen: Option<i64>,
    rate_bp: i64,
}

#[derive(Debug, FromRow)]
struct TrancheRow {
    milestone: String,
    share_bp: i64,
}

#[derive(Debug, FromRow)]
struct AppropriationRow {
    year: i64,
    amount_fen: i64,
}

struct CallRows {
    call: CallRow,
    topics: Vec<TopicRow>,
    criteria: Vec<CriterionRow>,
    tiers: Vec<TierRow>,
    tranches: Vec<TrancheRow>,
    appropriations: Vec<AppropriationRow>,
}

fn corrupt(id: i64, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table: "calls",
        id: id.to_string(),
        reason: reason.into(),
    }
}

fn money(id: i64, fen: i64) -> Result<Money, StoreError> {
    Money::from_fen(fen).map_err(|e| corrupt(id, e.to_string()))
}

fn percent(id: i64, bp: i64) -> Result<Percent, StoreError> {
    u32::try_from(bp)
        .ok()
        .and_then(|bp| Percent::from_basis_points(bp).ok())
        .ok_or_else(|| corrupt(id, format!("{bp} is not a percentage in basis points")))
}

fn count(id: i64, v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt(id, format!("{v} is not a count")))
}

impl TryFrom<CallRows> for Call {
    type Error = StoreError;

    fn try_from(r: CallRows) -> Result<Call, StoreError> {
        let id = r.call.id;
        let c = r.call;
        let spec = CallSpec {
            code: super::CallCode::parse(&c.code).map_err(|i| corrupt(id, i.message.en))?,
            title_zh: c.title_zh,
            title_en: c.title_en,
            topics: r
                .topics
                .into_iter()
                .map(|t| Topic {
                    code: t.code,
                    name_zh: t.name_zh,
                    name_en: t.name_en,
                })
                .collect(),
            total_budget: money(id, c.total_budget_fen)?,
            max_awards: count(id, c.max_awards)?,
            award_floor: money(id, c.award_floor_fen)?,
            award_ceiling: money(id, c.award_ceiling_fen)?,
            duration_months: count(id, c.duration_months)?,
            opens_on: parse_date(&c.opens_on).ok_or_else(|| corrupt(id, "opens_on"))?,
            closes_on: parse_date(&c.closes_on).ok_or_else(|| corrupt(id, "closes_on"))?,
            funding_mode: FundingMode::parse(&c.funding_mode)
                .ok_or_else(|| corrupt(id, "funding_mode"))?,
            min_reviewers: count(id, c.min_reviewers)?,
            max_proposals_per_applicant: count(id, c.max_proposals_per_applicant)?,
            disagreement_threshold: percent(id, c.disagreement_threshold_cp)?,
            award_number_pattern: c.award_number_pattern,
            spend_tolerance: percent(id, c.spend_tolerance_bp)?,
            adjust_approval: c
                .adjust_approval
                .split(',')
                .filter(|w| !w.is_empty())
                .map(|w| {
                    crate::proposal::Category::parse(w)
                        .ok_or_else(|| corrupt(id, "adjust_approval"))
                })
                .collect::<Result<_, _>>()?,
            unspent: super::Unspent::parse(&c.unspent_policy)
                .ok_or_else(|| corrupt(id, "unspent_policy"))?,
            letter_lang: crate::lang::Lang::parse(&c.letter_lang)
                .ok_or_else(|| corrupt(id, "letter_lang"))?,
            rubric: r
                .criteria
                .into_iter()
                .map(|k| {
                    Ok(Criterion {
                        key: k.key,
                        name_zh: k.name_zh,
                        name_en: k.name_en,
                        weight: percent(id, k.weight_bp)?,
                        max_score: count(id, k.max_score)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            indirect_tiers: r
                .tiers
                .into_iter()
                .map(|t| {
                    Ok(IndirectTier {
                        up_to: t.up_to_fen.map(|f| money(id, f)).transpose()?,
                        rate: percent(id, t.rate_bp)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            tranches: r
                .tranches
                .into_iter()
                .map(|t| {
                    Ok(TrancheShare {
                        milestone: Milestone::parse(&t.milestone)
                            .ok_or_else(|| corrupt(id, "milestone"))?,
                        share: percent(id, t.share_bp)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            appropriations: r
                .appropriations
                .into_iter()
                .map(|a| {
                    Ok(Appropriation {
                        year: i32::try_from(a.year).map_err(|_| corrupt(id, "year"))?,
                        amount: money(id, a.amount_fen)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        };
        let status = CallStatus::parse(&c.status).ok_or_else(|| corrupt(id, "status"))?;
        Ok(Call {
            id,
            status,
            actions: super::CallActions::of(status),
            years: spec.years(),
            spec,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
    }
}

async fn load(conn: &mut crate::db::Tx, call: CallRow) -> Result<Call, Error> {
    let id = call.id;
    let topics = crate::db::query_as(
        "SELECT code, name_zh, name_en FROM call_topics WHERE call_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let criteria = crate::db::query_as(
        "SELECT key, name_zh, name_en, weight_bp, max_score FROM call_criteria WHERE call_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let tiers = crate::db::query_as(
        "SELECT up_to_fen, rate_bp FROM call_indirect_tiers WHERE call_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let tranches = crate::db::query_as(
        "SELECT milestone, share_bp FROM call_tranches WHERE call_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let appropriations = crate::db::query_as(
        "SELECT year, amount_fen FROM call_appropriations WHERE call_id = $1 ORDER BY year",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Call::try_from(CallRows {
        call,
        topics,
        criteria,
        tiers,
        tranches,
        appropriations,
    })?)
}

/// The call with this code, if any, read on the given connection (inside a transaction when
/// the caller is about to write).
pub(crate) async fn find_on(conn: &mut crate::db::Tx, code: &str) -> Result<Option<Call>, Error> {
    let code = code.trim().to_ascii_uppercase();
    let row: Option<CallRow> = crate::db::query_as("SELECT * FROM calls WHERE code = $1")
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => Ok(Some(load(conn, r).await?)),
        None => Ok(None),
    }
}

pub(crate) async fn get_on(conn: &mut crate::db::Tx, code: &str) -> Result<Call, Error> {
    find_on(conn, code)
        .await?
        .ok_or_else(|| CallError::NotFound(code.trim().to_ascii_uppercase()).into())
}

pub async fn find(pool: &Pool, code: &str) -> Result<Option<Call>, Error> {
    let mut conn = pool.read().await?;
    find_on(&mut conn, code).await
}

pub async fn get(pool: &Pool, code: &str) -> Result<Call, Error> {
    let mut conn = pool.read().await?;
    get_on(&mut conn, code).await
}

/// All calls, newest opening date first.
pub async fn list(pool: &Pool) -> Result<Vec<Call>, Error> {
    let mut conn = pool.read().await?;
    let rows: Vec<CallRow> =
        crate::db::query_as("SELECT * FROM calls ORDER BY opens_on DESC, code")
            .fetch_all(&mut conn)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(load(&mut conn, r).await?);
    }
    Ok(out)
}

async fn write_children(conn: &mut crate::db::Tx, id: i64, s: &CallSpec) -> Result<(), Error> {
    for table in [
        "DELETE FROM call_criteria WHERE call_id = $1",
        "DELETE FROM call_indirect_tiers WHERE call_id = $1",
        "DELETE FROM call_tranches WHERE call_id = $1",
        "DELETE FROM call_appropriations WHERE call_id = $1",
    ] {
        crate::db::query(table).bind(id).execute(&mut *conn).await?;
    }
    // Topics are upserted, not deleted: proposals refer to them.
    crate::db::query("DELETE FROM call_topics WHERE call_id = $1 AND code NOT IN (SELECT topic FROM proposals WHERE call_id = $1)")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (seq, t) in s.topics.iter().enumerate() {
        crate::db::query(
            "INSERT INTO call_topics (call_id, code, name_zh, name_en, seq) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (call_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, seq = excluded.seq",
        )
        .bind(id)
        .bind(&t.code)
        .bind(&t.name_zh)
        .bind(&t.name_en)
        .bind(seq as i64)
        .execute(&mut *conn)
        .await?;
    }
    for (seq, c) in s.rubric.iter().enumerate() {
        crate::db::query(
            "INSERT INTO call_criteria (call_id, key, name_zh, name_en, weight_bp, max_score, seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&c.key)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .bind(i64::from(c.weight.basis_points()))
        .bind(i64::from(c.max_score))
        .bind(seq as i64)
        .execute(&mut *conn)
        .await?;
    }
    for (seq, t) in s.indirect_tiers.iter().enumerate() {
        crate::db::query("INSERT INTO call_indirect_tiers (call_id, seq, up_to_fen, rate_bp) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(seq as i64)
            .bind(t.up_to.map(Money::fen))
            .bind(i64::from(t.rate.basis_points()))
            .execute(&mut *conn)
            .await?;
    }
    for (seq, t) in s.tranches.iter().enumerate() {
        crate::db::query(
            "INSERT INTO call_tranches (call_id, seq, milestone, share_bp) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(seq as i64)
        .bind(t.milestone.as_str())
        .bind(i64::from(t.share.basis_points()))
        .execute(&mut *conn)
        .await?;
    }
    for a in &s.appropriations {
        crate::db::query(
            "INSERT INTO call_appropriations (call_id, year, amount_fen) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(i64::from(a.year))
        .bind(a.amount.fen())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Creates a call in draft from a form. All rules are checked first; nothing is written if
/// any is broken.
pub async fn create(pool: &Pool, stamp: &Stamp, form: &CallForm) -> Result<Call, Error> {
    let spec = form.validate()?;
    let mut tx = begin_write(pool).await?;
    if find_on(&mut tx, spec.code.as_str()).await?.is_some() {
        return Err(CallError::DuplicateCode(spec.code.to_string()).into());
    }
    let now = stamp.at_text();
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO calls (code, title_zh, title_en, total_budget_fen, max_awards, award_floor_fen,
            award_ceiling_fen, duration_months, opens_on, closes_on, funding_mode, min_reviewers,
            max_proposals_per_applicant, disagreement_threshold_cp, award_number_pattern, status,
            created_at, updated_at, spend_tolerance_bp, adjust_approval, unspent_policy, letter_lang)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $15, $16, 'draft', $14, $14,
            $17, $18, $19, $20)
         RETURNING id",
    )
    .bind(spec.code.as_str())
    .bind(&spec.title_zh)
    .bind(&spec.title_en)
    .bind(spec.total_budget.fen())
    .bind(i64::from(spec.max_awards))
    .bind(spec.award_floor.fen())
    .bind(spec.award_ceiling.fen())
    .bind(i64::from(spec.duration_months))
    .bind(date_text(spec.opens_on))
    .bind(date_text(spec.closes_on))
    .bind(spec.funding_mode.as_str())
    .bind(i64::from(spec.min_reviewers))
    .bind(i64::from(spec.max_proposals_per_applicant))
    .bind(&now)
    .bind(i64::from(spec.disagreement_threshold.basis_points()))
    .bind(&spec.award_number_pattern)
    .bind(i64::from(spec.spend_tolerance.basis_points()))
    .bind(approval_text(&spec))
    .bind(spec.unspent.as_str())
    .bind(spec.letter_lang.pick("zh", "en"))
    .fetch_one(&mut tx)
    .await?;
    write_children(&mut tx, id, &spec).await?;
    let call = get_on(&mut tx, spec.code.as_str()).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("call", &call.spec.code, "create").after(&call)?,
    )
    .await?;
    tx.commit().await?;
    Ok(call)
}

/// What a call has committed: its proposed awards, or its issued ones if there are more
/// (read inside the caller's transaction).
pub(crate) async fn committed_on(
    conn: &mut crate::db::Tx,
    call_id: i64,
) -> Result<Committed, Error> {
    let (d_sum, d_n, a_sum, a_n): (i64, i64, i64, i64) = crate::db::query_as(
        "SELECT (SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM decisions WHERE call_id = $1),
                (SELECT COUNT(*) FROM decisions WHERE call_id = $1),
                (SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM awards WHERE call_id = $1),
                (SELECT COUNT(*) FROM awards WHERE call_id = $1)",
    )
    .bind(call_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Committed {
        amount: money(call_id, d_sum.max(a_sum))?,
        awards: count(call_id, d_n.max(a_n))? as usize,
    })
}

/// Replaces a call's definition while it is still a draft or open. The code cannot change;
/// the funding mode and topics in use cannot change once proposals exist.
/// The form to edit call `code` with: its definition and the version it was read at, so that
/// saving it is refused if someone changes the call in between ([`update`]).
pub async fn edit_form(pool: &Pool, code: &str) -> Result<CallForm, Error> {
    let version = audit::version(pool, "call", code.trim()).await?;
    let call = get(pool, code).await?;
    let mut form = CallForm::from(&call.spec);
    form.seen_version = Some(version);
    Ok(form)
}

pub async fn update(
    pool: &Pool,
    stamp: &Stamp,
    code: &str,
    form: &CallForm,
) -> Result<Call, Error> {
    let spec = form.validate()?;
    let mut tx = begin_write(pool).await?;
    let before = get_on(&mut tx, code).await?;
    audit::unchanged_since(
        &mut tx,
        stamp,
        ("call", "资助计划 ", "call"),
        before.spec.code.as_str(),
        form.seen_version,
    )
    .await?;
    if !before.status.is_editable() {
        return Err(CallError::NotEditable {
            code: before.spec.code.to_string(),
            status: before.status,
        }
        .into());
    }
    let mut refused = Vec::new();
    if spec.code != before.spec.code {
        refused.push(Invalid::new(
            "code",
            "code_immutable",
            format!("资助计划编号 {} 不能修改", before.spec.code),
            format!("the code of call {} cannot be changed", before.spec.code),
        ));
    }
    let used: Vec<(String, i64)> = crate::db::query_as(
        "SELECT topic, COUNT(*) FROM proposals WHERE call_id = $1 GROUP BY topic ORDER BY topic",
    )
    .bind(before.id)
    .fetch_all(&mut tx)
    .await?;
    for (topic, n) in &used {
        if spec.topic(topic).is_none() {
            refused.push(Invalid::new(
                "topics",
                "topic_in_use",
                format!("研究方向 {topic} 已有 {n} 份申请书，不能删除"),
                format!("topic {topic} has {n} proposals and cannot be removed"),
            ));
        }
    }
    if !used.is_empty() && spec.funding_mode != before.spec.funding_mode {
        refused.push(Invalid::new(
            "funding_mode",
            "funding_mode_in_use",
            "已有申请书，不能更改资助方式",
            "proposals exist: the funding mode can no longer change",
        ));
    }
    refused.extend(spec.covers(committed_on(&mut tx, before.id).await?));
    if !refused.is_empty() {
        return Err(CallError::Invalid(refused).into());
    }
    crate::db::query(
        "UPDATE calls SET title_zh = $2, title_en = $3, total_budget_fen = $4, max_awards = $5,
            award_floor_fen = $6, award_ceiling_fen = $7, duration_months = $8, opens_on = $9,
            closes_on = $10, funding_mode = $11, min_reviewers = $12,
            max_proposals_per_applicant = $13, updated_at = $14, disagreement_threshold_cp = $15,
            award_number_pattern = $16, spend_tolerance_bp = $17, adjust_approval = $18,
            unspent_policy = $19, letter_lang = $20
         WHERE id = $1",
    )
    .bind(before.id)
    .bind(&spec.title_zh)
    .bind(&spec.title_en)
    .bind(spec.total_budget.fen())
    .bind(i64::from(spec.max_awards))
    .bind(spec.award_floor.fen())
    .bind(spec.award_ceiling.fen())
    .bind(i64::from(spec.duration_months))
    .bind(date_text(spec.opens_on))
    .bind(date_text(spec.closes_on))
    .bind(spec.funding_mode.as_str())
    .bind(i64::from(spec.min_reviewers))
    .bind(i64::from(spec.max_proposals_per_applicant))
    .bind(stamp.at_text())
    .bind(i64::from(spec.disagreement_threshold.basis_points()))
    .bind(&spec.award_number_pattern)
    .bind(i64::from(spec.spend_tolerance.basis_points()))
    .bind(approval_text(&spec))
    .bind(spec.unspent.as_str())
    .bind(spec.letter_lang.pick("zh", "en"))
    .execute(&mut tx)
    .await?;
    write_children(&mut tx, before.id, &spec).await?;
    let after = get_on(&mut tx, code).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("call", &after.spec.code, "update")
            .before(&before)?
            .after(&after)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a call along its lifecycle; an illegal move names both states.
pub async fn set_status(
    pool: &Pool,
    stamp: &Stamp,
    code: &str,
    to: CallStatus,
) -> Result<Call, Error> {
    let mut tx = begin_write(pool).await?;
    let before = get_on(&mut tx, code).await?;
    // Decided is reached by issuing the awards (which numbers and records them), never by hand.
    if !before.status.moves_by_hand().contains(&to) {
        return Err(CallError::IllegalTransition {
            code: before.spec.code.to_string(),
            from: before.status,
            to,
        }
        .into());
    }
    crate::db::query("UPDATE calls SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(before.id)
        .bind(to.as_str())
        .bind(stamp.at_text())
        .execute(&mut tx)
        .await?;
    let after = get_on(&mut tx, code).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("call", &after.spec.code, to.as_str())
            .before(&before.status)?
            .after(&after.status)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The categories whose increase needs approval, as stored: comma-separated codes.
fn approval_text(spec: &CallSpec) -> String {
    spec.adjust_approval
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
