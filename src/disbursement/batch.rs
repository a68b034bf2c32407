//! Payment batches (支付清单): the payments of a call approved in a period, listed for the
//! finance office with payee, credit code, bank, account, amount in figures and in capitals,
//! award number and purpose; marking a batch paid records every payment in it in one
//! transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::PaymentStatus;
use super::store::{corrupt, day, money};
use crate::audit::{self, Change};
use crate::error::{Checks, Error, Invalid};
use crate::form::Text;
use crate::money::Money;
use crate::store::{Pool, Stamp, date_text, parse_date};

/// One payment of a batch, as the bank needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRow {
    pub payment: i64,
    pub payee: String,
    pub credit_code: String,
    pub bank: String,
    pub account: String,
    pub amount: Money,
    /// 大写
    pub capital: String,
    pub award: String,
    pub tranche: u32,
    /// 用途, in Chinese as the bank prints it.
    pub purpose: String,
    pub status: PaymentStatus,
    pub bank_ref: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub reference: String,
    pub call: String,
    pub from_on: NaiveDate,
    pub to_on: NaiveDate,
    pub created_on: NaiveDate,
    pub created_by: String,
    pub paid_on: Option<NaiveDate>,
    pub paid_by: Option<String>,
    pub rows: Vec<BatchRow>,
    /// The payments still to be paid (approved) and their sum.
    pub open: usize,
    pub total: Money,
    pub total_capital: String,
}

/// The batches of a call, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    pub reference: String,
    pub from_on: NaiveDate,
    pub to_on: NaiveDate,
    pub payments: usize,
    pub total: Money,
    pub paid_on: Option<NaiveDate>,
}

/// A new batch: the call's approved payments approved between two dates (both included)
/// and in no batch yet.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BatchForm {
    pub call: Text,
    /// Default: the earliest approval.
    #[serde(default)]
    pub from: Text,
    /// Default: today.
    #[serde(default)]
    pub to: Text,
}

/// A batch paid: its reference, the day, and the bank's reference of the batch.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BatchPaidForm {
    pub batch: Text,
    #[serde(default)]
    pub on: Text,
    pub bank_ref: Text,
}

#[derive(FromRow)]
struct HeadRow {
    id: i64,
    reference: String,
    call: String,
    from_on: String,
    to_on: String,
    created_on: String,
    created_by: String,
    paid_on: Option<String>,
    paid_by: Option<String>,
}

#[derive(FromRow)]
struct Row {
    payment: i64,
    payee: String,
    credit_code: String,
    bank: String,
    account: String,
    amount_fen: i64,
    award: String,
    tranche: i64,
    milestone: Option<String>,
    milestone_name: Option<String>,
    status: String,
    bank_ref: String,
}

async fn load(conn: &mut crate::db::Tx, reference: &str) -> Result<(i64, Batch), Error> {
    let h: Option<HeadRow> = crate::db::query_as(
        "SELECT b.id, b.reference, c.code AS call, b.from_on, b.to_on, b.created_on, b.created_by,
             b.paid_on, b.paid_by
         FROM payment_batches b JOIN calls c ON c.id = b.call_id WHERE b.reference = $1",
    )
    .bind(reference.trim())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(h) = h else {
        return Err(Error::invalid(
            "batch",
            "batch_not_found",
            format!("没有编号为 {} 的支付清单", reference.trim()),
            format!("there is no payment batch {}", reference.trim()),
        ));
    };
    let rows: Vec<Row> = crate::db::query_as(
        "SELECT p.id AS payment, a.name AS payee, a.credit_code, a.bank_name AS bank,
             a.bank_account AS account, p.amount_fen, w.number AS award, t.seq AS tranche,
             m.kind AS milestone, m.name AS milestone_name, p.status, p.bank_ref
         FROM payments p JOIN awards w ON w.id = p.award_id
         JOIN proposals r ON r.id = w.proposal_id JOIN applicants a ON a.id = r.applicant_id
         JOIN tranches t ON t.id = p.tranche_id LEFT JOIN milestones m ON m.id = t.milestone_id
         WHERE p.batch_id = $1 ORDER BY w.number_year, w.number_seq, p.id",
    )
    .bind(h.id)
    .fetch_all(&mut *conn)
    .await?;
    let t = "payment_batches";
    let mut out = Vec::with_capacity(rows.len());
    let mut total = Money::ZERO;
    let mut open = 0;
    for r in rows {
        let amount = money("payments", r.payment, r.amount_fen)?;
        let status = PaymentStatus::parse(&r.status)
            .ok_or_else(|| corrupt("payments", r.payment, &r.status))?;
        if status.holds_money() {
            total = total.checked_add(amount).unwrap_or(total);
        }
        open += usize::from(status == PaymentStatus::Approved);
        let gate = match (r.milestone.as_deref(), r.milestone_name.as_deref()) {
            (Some("extra"), Some(name)) => name.to_string(),
            (Some(kind), _) => super::MilestoneKind::parse(kind)
                .map(|k| k.label(crate::Lang::Zh).to_string())
                .unwrap_or_default(),
            _ => String::new(),
        };
        let purpose = if gate.is_empty() {
            format!("{} 第{}笔科研经费", r.award, r.tranche)
        } else {
            format!("{} 第{}笔科研经费（{}）", r.award, r.tranche, gate)
        };
        out.push(BatchRow {
            payment: r.payment,
            payee: r.payee,
            credit_code: r.credit_code,
            bank: r.bank,
            account: r.account,
            capital: amount.capital(),
            amount,
            award: r.award,
            tranche: u32::try_from(r.tranche).unwrap_or_default(),
            purpose,
            status,
            bank_ref: r.bank_ref,
        });
    }
    let batch = Batch {
        from_on: day(t, h.id, &h.from_on)?,
        to_on: day(t, h.id, &h.to_on)?,
        created_on: day(t, h.id, &h.created_on)?,
        paid_on: h.paid_on.as_deref().map(|s| day(t, h.id, s)).transpose()?,
        reference: h.reference,
        call: h.call,
        created_by: h.created_by,
        paid_by: h.paid_by,
        rows: out,
        open,
        total_capital: total.capital(),
        total,
    };
    Ok((h.id, batch))
}

/// A batch as it stands.
pub async fn batch(pool: &Pool, reference: &str) -> Result<Batch, Error> {
    let mut conn = pool.read().await?;
    Ok(load(&mut conn, reference).await?.1)
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    reference: String,
    from_on: String,
    to_on: String,
    payments: i64,
    total_fen: i64,
    paid_on: Option<String>,
}

/// The batches of a call.
pub async fn batches(pool: &Pool, call_code: &str) -> Result<Vec<BatchSummary>, Error> {
    let mut conn = pool.read().await?;
    let call = crate::call::store_get_on(&mut conn, call_code).await?;
    let rows: Vec<SummaryRow> = crate::db::query_as(
        "SELECT b.id, b.reference, b.from_on, b.to_on, COUNT(p.id) AS payments,
             COALESCE(CAST(SUM(CASE WHEN p.status IN ('approved', 'paid') THEN p.amount_fen END) AS BIGINT), 0)
                 AS total_fen,
             b.paid_on
         FROM payment_batches b LEFT JOIN payments p ON p.batch_id = b.id
         WHERE b.call_id = $1 GROUP BY b.id ORDER BY b.id DESC",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    let t = "payment_batches";
    rows.into_iter()
        .map(|r| {
            Ok(BatchSummary {
                from_on: day(t, r.id, &r.from_on)?,
                to_on: day(t, r.id, &r.to_on)?,
                payments: usize::try_from(r.payments).unwrap_or_default(),
                total: money(t, r.id, r.total_fen)?,
                paid_on: r.paid_on.as_deref().map(|s| day(t, r.id, s)).transpose()?,
                reference: r.reference,
            })
        })
        .collect()
}

fn date_field(c: &mut Checks, field: &str, t: &Text) -> Option<Option<NaiveDate>> {
    if t.as_str().is_empty() {
        return Some(None);
    }
    match parse_date(t.as_str()) {
        Some(d) => Some(Some(d)),
        None => {
            c.push(Invalid::new(
                field,
                "date_format",
                format!("“{}”不是有效日期（格式 YYYY-MM-DD）", t.as_str()),
                format!("\"{}\" is not a valid date (YYYY-MM-DD)", t.as_str()),
            ));
            None
        }
    }
}

/// Gathers the call's approved payments of the period that are in no batch into a new one.
pub async fn create_batch(pool: &Pool, stamp: &Stamp, form: &BatchForm) -> Result<Batch, Error> {
    let today = stamp.today();
    let mut c = Checks::default();
    let from = date_field(&mut c, "from", &form.from);
    let to = date_field(&mut c, "to", &form.to);
    if !c.is_empty() {
        return Err(Error::Invalid(c.0));
    }
    let from = from.flatten().unwrap_or(NaiveDate::MIN);
    let to = to.flatten().unwrap_or(today);
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Pay).await?;
    let call = crate::call::store_get_on(&mut tx, form.call.as_str()).await?;
    let ids: Vec<(i64, String)> = crate::db::query_as(
        "SELECT p.id, p.approved_on FROM payments p JOIN awards w ON w.id = p.award_id
         WHERE w.call_id = $1 AND p.status = 'approved' AND p.batch_id IS NULL
           AND p.approved_on BETWEEN $2 AND $3
         ORDER BY p.id",
    )
    .bind(call.id)
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(&mut tx)
    .await?;
    if ids.is_empty() {
        return Err(Error::invalid(
            "to",
            "nothing_to_pay",
            format!(
                "{} 至 {to} 没有待支付的已审批拨款",
                if from == NaiveDate::MIN {
                    "开始".to_string()
                } else {
                    from.to_string()
                }
            ),
            format!(
                "no approved payment waits to be paid {}up to {to}",
                if from == NaiveDate::MIN {
                    String::new()
                } else {
                    format!("from {from} ")
                }
            ),
        ));
    }
    let first = ids
        .iter()
        .filter_map(|(_, d)| parse_date(d))
        .min()
        .unwrap_or(to);
    let from = from.max(first);
    let stem = format!("{}-ZF-{}", call.spec.code.as_str(), today.format("%Y%m%d"));
    let (n,): (i64,) =
        crate::db::query_as("SELECT COUNT(*) FROM payment_batches WHERE reference LIKE $1 || '-%'")
            .bind(&stem)
            .fetch_one(&mut tx)
            .await?;
    let reference = format!("{stem}-{:02}", n + 1);
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO payment_batches (call_id, reference, from_on, to_on, created_on, created_by,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(call.id)
    .bind(&reference)
    .bind(date_text(from))
    .bind(date_text(to))
    .bind(date_text(today))
    .bind(&stamp.actor)
    .bind(stamp.at_text())
    .fetch_one(&mut tx)
    .await?;
    for (p, _) in &ids {
        crate::db::query("UPDATE payments SET batch_id = $2, updated_at = $3 WHERE id = $1")
            .bind(p)
            .bind(id)
            .bind(stamp.at_text())
            .execute(&mut tx)
            .await?;
    }
    let (_, b) = load(&mut tx, &reference).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("payment_batch", &reference, "create").after(&b)?,
    )
    .await?;
    tx.commit().await?;
    Ok(b)
}

/// Marks every payment of the batch still approved as paid on the day, with the bank's
/// reference of the batch and the payment's own number, in one transaction. Payments that
/// failed or were cancelled since stay as they are.
pub async fn batch_paid(pool: &Pool, stamp: &Stamp, form: &BatchPaidForm) -> Result<Batch, Error> {
    let today = stamp.today();
    let mut c = Checks::default();
    c.require_text("bank_ref", form.bank_ref.as_str());
    let on = date_field(&mut c, "on", &form.on).map(|d| d.unwrap_or(today));
    if let Some(d) = on.filter(|d| *d > today) {
        c.push(Invalid::new(
            "on",
            "date_in_future",
            format!("日期 {d} 晚于今天 {today}：只能记录已发生的事"),
            format!("{d} is after today ({today}): only what has happened is recorded"),
        ));
    }
    let (Some(on), true) = (on, c.is_empty()) else {
        return Err(Error::Invalid(c.0));
    };
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Pay).await?;
    let (id, before) = load(&mut tx, form.batch.as_str()).await?;
    if before.open == 0 {
        return Err(Error::invalid(
            "batch",
            "batch_settled",
            format!("支付清单 {} 中没有待支付的拨款", before.reference),
            format!("batch {} has no payment left to pay", before.reference),
        ));
    }
    if before.paid_on.is_some() {
        return Err(Error::invalid(
            "batch",
            "batch_settled",
            format!("支付清单 {} 已标记支付", before.reference),
            format!("batch {} is already marked paid", before.reference),
        ));
    }
    // Never paid before it was approved: the latest approval of the batch bounds the date.
    let (latest,): (Option<String>,) = crate::db::query_as(
        "SELECT MAX(approved_on) FROM payments WHERE batch_id = $1 AND status = 'approved'",
    )
    .bind(id)
    .fetch_one(&mut tx)
    .await?;
    if let Some(latest) = latest.filter(|l| parse_date(l).is_some_and(|a| on < a)) {
        return Err(Error::invalid(
            "on",
            "paid_before_approved",
            format!("支付日期 {on} 早于清单中的审批日期 {latest}"),
            format!("the payment date {on} is before an approval in the batch on {latest}"),
        ));
    }
    let at = stamp.at_text();
    let signed = audit::signed_in(&mut tx, stamp).await?;
    let stamp = &signed;
    let mut awards = Vec::new();
    for r in before
        .rows
        .iter()
        .filter(|r| r.status == PaymentStatus::Approved)
    {
        let (approved_by,): (String,) =
            crate::db::query_as("SELECT approved_by FROM payments WHERE id = $1")
                .bind(r.payment)
                .fetch_one(&mut tx)
                .await?;
        crate::officer::apart(&mut tx, r.payment, &approved_by, &stamp.actor).await?;
        crate::db::query(
            "UPDATE payments SET status = 'paid', paid_on = $2, paid_by = $3, bank_ref = $4,
                 updated_at = $5 WHERE id = $1",
        )
        .bind(r.payment)
        .bind(date_text(on))
        .bind(&stamp.actor)
        .bind(format!("{}/{}", form.bank_ref.as_str(), r.payment))
        .bind(&at)
        .execute(&mut tx)
        .await?;
        audit::record(
            &mut tx,
            stamp,
            Change::new("payment", r.payment, "paid")
                .before(&PaymentStatus::Approved)?
                .after(&(PaymentStatus::Paid, on, &before.reference))?,
        )
        .await?;
        awards.push(r.award.clone());
    }
    crate::db::query("UPDATE payment_batches SET paid_on = $2, paid_by = $3 WHERE id = $1")
        .bind(id)
        .bind(date_text(on))
        .bind(&stamp.actor)
        .execute(&mut tx)
        .await?;
    // The first money paid sets an accepted award going (执行中).
    awards.dedup();
    for number in &awards {
        let done = crate::db::query(
            "UPDATE awards SET status = 'active', updated_at = $2 WHERE number = $1 AND status = 'accepted'",
        )
        .bind(number)
        .bind(&at)
        .execute(&mut tx)
        .await?;
        if done.rows_affected() > 0 {
            audit::record(
                &mut tx,
                stamp,
                Change::new("award", number, "active")
                    .before(&crate::decision::AwardStatus::Accepted)?
                    .after(&crate::decision::AwardStatus::Active)?,
            )
            .await?;
        }
    }
    let (_, after) = load(&mut tx, &before.reference).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("payment_batch", &before.reference, "paid")
            .before(&before)?
            .after(&after)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A batch as a spreadsheet file named by its reference (`<reference>.csv` or `.xlsx`).
pub async fn batch_file(
    pool: &Pool,
    reference: &str,
    format: crate::export::Format,
) -> Result<crate::export::File, Error> {
    let b = batch(pool, reference).await?;
    let table = super::sheets::batch_table(&b);
    Ok(crate::export::File {
        name: format!("{}.{}", b.reference, format.extension()),
        bytes: format.write(&table)?,
        rows: b.rows.len(),
    })
}
