//! Use cases of disbursement and their SQL. Every write runs in one `BEGIN IMMEDIATE`
//! transaction that re-reads what it checks (the tranche's open amount, the milestones, the
//! holds), writes, and appends its audit entry; two officers approving at once are therefore
//! checked one after the other, and the database's triggers are the last line behind both.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;

use super::form::{ApproveForm, ClawbackForm, EditForm, MilestoneForm, OutcomeForm, PaidForm};
use super::ledger::{AwardLedger, AwardSums, CallLedger, CashFlow, Flow, Period};
use super::reports::Scope;
use super::schedule::{self, Edit, Slot};
use super::{
    DisbursementError, Gate, Milestone, MilestoneKind, Outcome, Payment, PaymentKind,
    PaymentStatus, Tranche, TrancheStatus, gate_shut, holds, milestone_due,
};
use crate::audit::{self, Change};
use crate::call::{self, Milestone as TemplateMilestone, TrancheShare, Unspent};
use crate::decision::AwardStatus;
use crate::error::{Error, Msg, StoreError};
use crate::lang::Lang;
use crate::money::Money;
use crate::percent::Percent;
use crate::proposal::Category;
use crate::store::{Pool, Stamp, begin_write, date_text, parse_date};

pub(super) fn corrupt(table: &'static str, id: i64, what: &str) -> Error {
    Error::Store(StoreError::Corrupt {
        table,
        id: id.to_string(),
        reason: format!("bad value {what}"),
    })
}

pub(super) fn money(table: &'static str, id: i64, fen: i64) -> Result<Money, Error> {
    Money::from_fen(fen).map_err(|_| corrupt(table, id, &fen.to_string()))
}

pub(super) fn day(table: &'static str, id: i64, s: &str) -> Result<NaiveDate, Error> {
    parse_date(s).ok_or_else(|| corrupt(table, id, s))
}

pub(super) fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap_or(a)
}

pub(super) fn sub(a: Money, b: Money) -> Money {
    a.checked_sub(b).unwrap_or(Money::ZERO)
}

// ---------------------------------------------------------------------------------------
// Reading an award's finances

#[derive(FromRow)]
pub(super) struct HeadRow {
    id: i64,
    number: String,
    call_id: i64,
    call: String,
    applicant: String,
    title: String,
    status: String,
    amount_fen: i64,
    decided_on: String,
    start_on: String,
    end_on: String,
    duration_months: i64,
    spend_tolerance_bp: i64,
    adjust_approval: String,
    unspent_policy: String,
}

/// The award as disbursement needs it.
pub(super) struct Head {
    pub(super) id: i64,
    pub(super) number: String,
    pub(super) call_id: i64,
    pub(super) call: String,
    pub(super) applicant: String,
    pub(super) title: String,
    pub(super) status: AwardStatus,
    pub(super) amount: Money,
    pub(super) decided_on: NaiveDate,
    pub(super) start_on: NaiveDate,
    pub(super) end_on: NaiveDate,
    pub(super) months: u32,
    pub(super) tolerance: Percent,
    pub(super) approval: Vec<Category>,
    pub(super) unspent: Unspent,
}

impl Head {
    /// Budget years of the award (a 24-month award has years 1 and 2).
    pub(super) fn years(&self) -> u32 {
        self.months.div_ceil(12).max(1)
    }

    /// The project year `day` falls in, within 1 ..= years.
    pub(super) fn year_of(&self, day: NaiveDate) -> u32 {
        let mut y = 1;
        while y < self.years()
            && self
                .start_on
                .checked_add_months(chrono::Months::new(12 * y))
                .is_some_and(|next| next <= day)
        {
            y += 1;
        }
        y
    }
}

pub(super) const HEAD_SELECT: &str =
    "SELECT w.id, w.number, w.call_id, c.code AS call, a.name AS applicant,
        p.title, w.status, w.amount_fen, w.decided_on, w.start_on, w.end_on, c.duration_months,
        c.spend_tolerance_bp, c.adjust_approval, c.unspent_policy
    FROM awards w JOIN proposals p ON p.id = w.proposal_id
    JOIN applicants a ON a.id = p.applicant_id JOIN calls c ON c.id = w.call_id";

pub(super) fn head_from(r: HeadRow) -> Result<Head, Error> {
    let t = "awards";
    Ok(Head {
        status: AwardStatus::parse(&r.status).ok_or_else(|| corrupt(t, r.id, &r.status))?,
        amount: money(t, r.id, r.amount_fen)?,
        decided_on: day(t, r.id, &r.decided_on)?,
        start_on: day(t, r.id, &r.start_on)?,
        end_on: day(t, r.id, &r.end_on)?,
        months: u32::try_from(r.duration_months).map_err(|_| corrupt(t, r.id, "duration"))?,
        tolerance: u32::try_from(r.spend_tolerance_bp)
            .ok()
            .and_then(|bp| Percent::from_basis_points(bp).ok())
            .ok_or_else(|| corrupt("calls", r.call_id, "spend_tolerance_bp"))?,
        approval: r
            .adjust_approval
            .split(',')
            .filter(|w| !w.is_empty())
            .map(|w| Category::parse(w).ok_or_else(|| corrupt("calls", r.call_id, w)))
            .collect::<Result<_, _>>()?,
        unspent: Unspent::parse(&r.unspent_policy)
            .ok_or_else(|| corrupt("calls", r.call_id, &r.unspent_policy))?,
        id: r.id,
        number: r.number,
        call_id: r.call_id,
        call: r.call,
        applicant: r.applicant,
        title: r.title,
    })
}

/// Every award of a call, in number order.
pub(super) async fn heads_of_call(
    conn: &mut crate::db::Tx,
    call_id: i64,
) -> Result<Vec<Head>, Error> {
    let rows: Vec<HeadRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{HEAD_SELECT} WHERE w.call_id = $1 ORDER BY w.number_year, w.number_seq"
    )))
    .bind(call_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(head_from).collect()
}

pub(super) async fn head(conn: &mut crate::db::Tx, number: &str) -> Result<Head, Error> {
    let row: Option<HeadRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{HEAD_SELECT} WHERE w.number = $1"
    )))
    .bind(number.trim())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => head_from(r),
        None => Err(DisbursementError::AwardNotFound(number.trim().to_string()).into()),
    }
}

#[derive(FromRow)]
pub(super) struct MilestoneRow {
    pub(super) award_id: i64,
    id: i64,
    kind: String,
    name: String,
    due_on: String,
    outcome: Option<String>,
    decided_on: Option<String>,
    rectify_by: Option<String>,
    note: String,
}

async fn milestones(
    conn: &mut crate::db::Tx,
    award: i64,
    today: NaiveDate,
) -> Result<Vec<Milestone>, Error> {
    Scope::one(award, milestone_rows(conn, Scope::Award(award)).await?)
        .into_iter()
        .map(|r| milestone_from(r, today))
        .collect()
}

pub(super) async fn milestone_rows(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Vec<MilestoneRow>>, Error> {
    let (cond, id) = scope.filter();
    let rows: Vec<MilestoneRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT m.award_id, m.id, m.kind, m.name, m.due_on, m.outcome, m.decided_on,
             m.rectify_by, m.note
         FROM milestones m JOIN awards w ON w.id = m.award_id WHERE {cond}
         ORDER BY m.award_id, m.due_on, m.id"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<MilestoneRow>> = HashMap::new();
    for r in rows {
        out.entry(r.award_id).or_default().push(r);
    }
    Ok(out)
}

pub(super) fn milestone_from(r: MilestoneRow, today: NaiveDate) -> Result<Milestone, Error> {
    let t = "milestones";
    let outcome = match &r.outcome {
        Some(o) => Some(Outcome::parse(o).ok_or_else(|| corrupt(t, r.id, o))?),
        None => None,
    };
    let opt = |s: &Option<String>| s.as_deref().map(|s| day(t, r.id, s)).transpose();
    let mut m = Milestone {
        id: r.id,
        kind: MilestoneKind::parse(&r.kind).ok_or_else(|| corrupt(t, r.id, &r.kind))?,
        name: r.name,
        due_on: day(t, r.id, &r.due_on)?,
        outcome,
        decided_on: opt(&r.decided_on)?,
        rectify_by: opt(&r.rectify_by)?,
        note: r.note,
        overdue: false,
        outcomes: Vec::new(),
    };
    m.overdue = m.overdue_on(today);
    if m.kind != MilestoneKind::Signing {
        m.outcomes = Outcome::next(m.outcome);
    }
    Ok(m)
}

#[derive(FromRow)]
pub(super) struct TrancheRow {
    pub(super) award_id: i64,
    id: i64,
    amount_fen: i64,
    due_on: String,
    milestone_id: Option<i64>,
    released_on: Option<String>,
    released_fen: i64,
    pending_fen: i64,
    paid_fen: i64,
    entries: i64,
}

pub(super) async fn tranche_rows(
    conn: &mut crate::db::Tx,
    award: i64,
) -> Result<Vec<TrancheRow>, Error> {
    Ok(Scope::one(
        award,
        tranche_rows_of(conn, Scope::Award(award)).await?,
    ))
}

/// The tranches with what is approved and paid of each, by award, in schedule order.
pub(super) async fn tranche_rows_of(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Vec<TrancheRow>>, Error> {
    let (cond, id) = scope.filter();
    let rows: Vec<TrancheRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.award_id, t.id, t.amount_fen, t.due_on, t.milestone_id, t.released_on,
             t.released_fen,
             COALESCE(CAST(SUM(CASE WHEN p.status = 'approved' THEN p.amount_fen END) AS BIGINT), 0) AS pending_fen,
             COALESCE(CAST(SUM(CASE WHEN p.status = 'paid' THEN p.amount_fen END) AS BIGINT), 0) AS paid_fen,
             COUNT(p.id) AS entries
         FROM tranches t JOIN awards w ON w.id = t.award_id
         LEFT JOIN payments p ON p.tranche_id = t.id
         WHERE {cond} GROUP BY t.id ORDER BY t.award_id, t.seq"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<TrancheRow>> = HashMap::new();
    for r in rows {
        out.entry(r.award_id).or_default().push(r);
    }
    Ok(out)
}

#[derive(FromRow)]
struct PaymentRow {
    id: i64,
    number: String,
    tranche_seq: Option<i64>,
    tranche_id: Option<i64>,
    kind: String,
    amount_fen: i64,
    status: String,
    approved_on: String,
    approved_by: String,
    paid_on: Option<String>,
    paid_by: Option<String>,
    bank_ref: String,
    reason: String,
}

const PAYMENT_SELECT: &str = "SELECT p.id, w.number, t.seq AS tranche_seq, p.tranche_id, p.kind,
        p.amount_fen, p.status, p.approved_on, p.approved_by, p.paid_on, p.paid_by, p.bank_ref,
        p.reason
    FROM payments p JOIN awards w ON w.id = p.award_id LEFT JOIN tranches t ON t.id = p.tranche_id";

fn payment_from(r: PaymentRow) -> Result<Payment, Error> {
    let t = "payments";
    let status = PaymentStatus::parse(&r.status).ok_or_else(|| corrupt(t, r.id, &r.status))?;
    Ok(Payment {
        kind: PaymentKind::parse(&r.kind).ok_or_else(|| corrupt(t, r.id, &r.kind))?,
        amount: money(t, r.id, r.amount_fen.abs())?,
        status,
        approved_on: day(t, r.id, &r.approved_on)?,
        paid_on: r.paid_on.as_deref().map(|s| day(t, r.id, s)).transpose()?,
        tranche: r.tranche_seq.and_then(|s| u32::try_from(s).ok()),
        next: if r.kind == "clawback" {
            Vec::new()
        } else {
            status.next()
        },
        id: r.id,
        award: r.number,
        approved_by: r.approved_by,
        paid_by: r.paid_by,
        bank_ref: r.bank_ref,
        reason: r.reason,
    })
}

async fn payments(conn: &mut crate::db::Tx, award: i64) -> Result<Vec<Payment>, Error> {
    let rows: Vec<PaymentRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{PAYMENT_SELECT} WHERE p.award_id = $1 ORDER BY p.id"
    )))
    .bind(award)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(payment_from).collect()
}

async fn payment_row(conn: &mut crate::db::Tx, id: i64) -> Result<PaymentRow, Error> {
    let row: Option<PaymentRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{PAYMENT_SELECT} WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| DisbursementError::PaymentNotFound(id).into())
}

/// An award's disbursement on a given day: milestones, schedule, payments, what holds it, and
/// its ledger. What a front end shows on the award's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardFinance {
    pub number: String,
    pub call: String,
    pub applicant: String,
    pub title: String,
    pub status: AwardStatus,
    pub amount: Money,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// The day the overdue flags and holds are judged on.
    pub today: NaiveDate,
    /// A milestone failed: later tranches are blocked; the award may be terminated.
    pub suspended: bool,
    /// Why no tranche may be approved now (empty when none holds the award).
    pub holds: Vec<Msg>,
    pub milestones: Vec<Milestone>,
    pub tranches: Vec<Tranche>,
    pub payments: Vec<Payment>,
    pub ledger: AwardLedger,
    /// The schedule may be reshaped (the award is open).
    pub can_edit: bool,
    pub spending: super::spending::Spending,
    /// What close-out settled, once it has.
    pub closeout: Option<super::spending::Closeout>,
    /// The schedule's version (its newest audit entry) when one award is read: a reshape
    /// carries it back and is refused if someone reshaped the schedule since. Not read for
    /// the call's overview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_version: Option<i64>,
}

pub(super) async fn finance(
    conn: &mut crate::db::Tx,
    h: &Head,
    today: NaiveDate,
) -> Result<AwardFinance, Error> {
    let ms = milestones(conn, h.id, today).await?;
    let spending = super::reports::spending(conn, h, &ms, today).await?;
    let closeout = super::reports::closeout_of(conn, h.id).await?;
    let rows = tranche_rows(conn, h.id).await?;
    let pays = payments(conn, h.id).await?;
    let recovered = pays
        .iter()
        .filter(|p| p.kind == PaymentKind::Clawback)
        .fold(Money::ZERO, |a, p| add(a, p.amount));
    let mut f = assemble(h, ms, rows, pays, recovered, spending, closeout, today)?;
    f.schedule_version = Some(crate::audit::version(&mut *conn, "schedule", &h.number).await?);
    Ok(f)
}

/// An award's page from what was read of it: the holds on `today`, each tranche's state and
/// what blocks it, the ledger. Shared by one award's read and the call's read of all.
#[allow(clippy::too_many_arguments)]
pub(super) fn assemble(
    h: &Head,
    ms: Vec<Milestone>,
    rows: Vec<TrancheRow>,
    pays: Vec<Payment>,
    recovered: Money,
    spending: super::spending::Spending,
    closeout: Option<super::spending::Closeout>,
    today: NaiveDate,
) -> Result<AwardFinance, Error> {
    // Once closed out, an award owes no more reports.
    let due: &[super::spending::ReportDue] = if closeout.is_some() {
        &[]
    } else {
        &spending.due
    };
    let held = holds(h.status, &ms, due, today);
    let hold_texts: Vec<Msg> = held.iter().map(|x| x.texts()).collect();
    let mut tranches = Vec::with_capacity(rows.len());
    let mut sums = AwardSums {
        amount: h.amount,
        spent: spending.spent,
        recovered,
        ..Default::default()
    };
    for (i, r) in rows.into_iter().enumerate() {
        let t = "tranches";
        let amount = money(t, r.id, r.amount_fen)?;
        let (pending, paid) = (money(t, r.id, r.pending_fen)?, money(t, r.id, r.paid_fen)?);
        let released = money(t, r.id, r.released_fen)?;
        let released_on = r
            .released_on
            .as_deref()
            .map(|s| day(t, r.id, s))
            .transpose()?;
        let open = sub(amount, add(add(pending, paid), released));
        let gate = match r.milestone_id {
            Some(id) => ms.iter().find(|m| m.id == id),
            None => None,
        };
        let status = if released_on.is_some() {
            TrancheStatus::Released
        } else if paid == amount {
            TrancheStatus::Paid
        } else if !pending.is_zero() {
            TrancheStatus::Approved
        } else if !paid.is_zero() {
            TrancheStatus::PartlyPaid
        } else {
            TrancheStatus::Scheduled
        };
        let mut blocked = Vec::new();
        if !open.is_zero() {
            blocked.extend(hold_texts.iter().cloned());
            if let Some(why) = gate.and_then(gate_shut) {
                blocked.push(why);
            }
        }
        let due_on = day(t, r.id, &r.due_on)?;
        sums.scheduled = add(sums.scheduled, amount);
        sums.pending = add(sums.pending, pending);
        sums.paid = add(sums.paid, paid);
        sums.released = add(sums.released, released);
        tranches.push(Tranche {
            id: r.id,
            seq: u32::try_from(i + 1).unwrap_or(u32::MAX),
            amount,
            due_on,
            gate: gate.map(|m| Gate {
                milestone: m.id,
                title: m.title(),
            }),
            released_on,
            pending,
            paid,
            open,
            overdue: due_on < today && !open.is_zero(),
            status,
            frozen: r.entries > 0,
            blocked,
        });
    }
    let suspended = ms.iter().any(|m| m.outcome == Some(Outcome::Failed))
        && !matches!(h.status, AwardStatus::Completed | AwardStatus::Terminated);
    Ok(AwardFinance {
        number: h.number.clone(),
        call: h.call.clone(),
        applicant: h.applicant.clone(),
        title: h.title.clone(),
        status: h.status,
        amount: h.amount,
        start_on: h.start_on,
        end_on: h.end_on,
        today,
        suspended,
        holds: hold_texts,
        milestones: ms,
        tranches,
        payments: pays,
        ledger: AwardLedger::new(h.number.clone(), h.applicant.clone(), h.status, sums),
        can_edit: !matches!(h.status, AwardStatus::Completed | AwardStatus::Terminated),
        spending,
        closeout,
        schedule_version: None,
    })
}

/// One award's disbursement as it stands on `today`.
pub async fn award_finance(
    pool: &Pool,
    number: &str,
    today: NaiveDate,
) -> Result<AwardFinance, Error> {
    let mut conn = pool.read().await?;
    let h = head(&mut conn, number).await?;
    finance(&mut conn, &h, today).await
}

/// One award's disbursement, refused unless the award is of the call named.
pub async fn award_finance_in_call(
    pool: &Pool,
    call: &str,
    number: &str,
    today: NaiveDate,
) -> Result<AwardFinance, Error> {
    let f = award_finance(pool, number, today).await?;
    if f.call != call.trim() {
        return Err(Error::invalid(
            "award",
            "not_in_call",
            format!("资助 {} 不属于资助计划 {}", f.number, call.trim()),
            format!("award {} is not of call {}", f.number, call.trim()),
        ));
    }
    Ok(f)
}

// ---------------------------------------------------------------------------------------
// Creating the schedule when an award is issued

/// What the audit log keeps of a schedule: its tranches and milestones, as stored.
#[derive(Serialize)]
struct ScheduleState {
    milestones: Vec<(String, String, NaiveDate)>,
    tranches: Vec<(u32, Money, NaiveDate, Option<String>)>,
}

async fn schedule_state(conn: &mut crate::db::Tx, award: i64) -> Result<ScheduleState, Error> {
    let ms: Vec<(i64, String, String, String)> = crate::db::query_as(
        "SELECT id, kind, name, due_on FROM milestones WHERE award_id = $1 ORDER BY due_on, id",
    )
    .bind(award)
    .fetch_all(&mut *conn)
    .await?;
    let name = |id: i64| {
        ms.iter().find(|m| m.0 == id).map(|m| {
            if m.2.is_empty() {
                m.1.clone()
            } else {
                m.2.clone()
            }
        })
    };
    let ts: Vec<(i64, i64, String, Option<i64>)> = crate::db::query_as(
        "SELECT id, amount_fen, due_on, milestone_id FROM tranches WHERE award_id = $1 ORDER BY seq",
    )
    .bind(award)
    .fetch_all(&mut *conn)
    .await?;
    let mut tranches = Vec::with_capacity(ts.len());
    for (i, (id, fen, due, gate)) in ts.iter().enumerate() {
        tranches.push((
            u32::try_from(i + 1).unwrap_or(u32::MAX),
            money("tranches", *id, *fen)?,
            day("tranches", *id, due)?,
            gate.and_then(name),
        ));
    }
    let mut milestones = Vec::with_capacity(ms.len());
    for (id, kind, n, due) in &ms {
        milestones.push((kind.clone(), n.clone(), day("milestones", *id, due)?));
    }
    Ok(ScheduleState {
        milestones,
        tranches,
    })
}

async fn template(conn: &mut crate::db::Tx, call_id: i64) -> Result<Vec<TrancheShare>, Error> {
    let rows: Vec<(String, i64)> = crate::db::query_as(
        "SELECT milestone, share_bp FROM call_tranches WHERE call_id = $1 ORDER BY seq",
    )
    .bind(call_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(m, bp)| {
            Ok(TrancheShare {
                milestone: TemplateMilestone::parse(&m)
                    .ok_or_else(|| corrupt("call_tranches", call_id, &m))?,
                share: u32::try_from(bp)
                    .ok()
                    .and_then(|bp| Percent::from_basis_points(bp).ok())
                    .ok_or_else(|| corrupt("call_tranches", call_id, &bp.to_string()))?,
            })
        })
        .collect()
}

/// Gives an issued award its three milestones and its schedule from the call's template, and
/// records it. Runs inside the issuing transaction.
pub(crate) async fn create_for_award(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    number: &str,
) -> Result<(), Error> {
    let h = head(conn, number).await?;
    let at = stamp.at_text();
    let mut ids: HashMap<MilestoneKind, (i64, NaiveDate)> = HashMap::new();
    for kind in [
        MilestoneKind::Signing,
        MilestoneKind::Midterm,
        MilestoneKind::Acceptance,
    ] {
        let due = milestone_due(kind, h.start_on, h.end_on, h.months);
        let (id,): (i64,) = crate::db::query_as(
            "INSERT INTO milestones (award_id, kind, due_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(h.id)
        .bind(kind.as_str())
        .bind(date_text(due))
        .bind(&at)
        .fetch_one(&mut *conn)
        .await?;
        ids.insert(kind, (id, due));
    }
    let gate = |k: MilestoneKind| ids.get(&k).copied().unwrap_or((0, h.start_on));
    let mut slots = schedule::plan(h.amount, &template(conn, h.call_id).await?, gate);
    if slots.is_empty() {
        // A call without a template pays the award whole on signing.
        let (id, due) = gate(MilestoneKind::Signing);
        slots.push(Slot {
            id: None,
            amount: h.amount,
            due_on: due,
            gate: Some(id),
            frozen: false,
        });
    }
    write_slots(conn, h.id, &[], &slots, &at).await?;
    let state = schedule_state(conn, h.id).await?;
    audit::record(
        conn,
        stamp,
        Change::new("schedule", &h.number, "create").after(&state)?,
    )
    .await?;
    Ok(())
}

/// Writes a schedule over the stored one: removes what the edit folded away, lowers amounts
/// before raising any (so the sum never passes the award midway), then adds new tranches.
async fn write_slots(
    conn: &mut crate::db::Tx,
    award: i64,
    old: &[Slot],
    new: &[Slot],
    at: &str,
) -> Result<(), Error> {
    for o in old {
        if let Some(id) = o.id
            && !new.iter().any(|n| n.id == Some(id))
        {
            crate::db::query("DELETE FROM tranches WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Only what changed (its place, amount, date or gate) is written.
    let mut kept: Vec<(usize, &Slot, i64)> = new
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let id = n.id?;
            let (j, was) = old.iter().enumerate().find(|(_, o)| o.id == Some(id))?;
            let same =
                i == j && was.amount == n.amount && was.due_on == n.due_on && was.gate == n.gate;
            (!same).then(|| (i, n, n.amount.fen() - was.amount.fen()))
        })
        .collect();
    kept.sort_by_key(|k| k.2);
    for (i, n, _) in kept {
        crate::db::query(
            "UPDATE tranches SET seq = $2, amount_fen = $3, due_on = $4, milestone_id = $5,
                 updated_at = $6
             WHERE id = $1",
        )
        .bind(n.id)
        .bind(i as i64 + 1)
        .bind(n.amount.fen())
        .bind(date_text(n.due_on))
        .bind(n.gate)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    for (i, n) in new.iter().enumerate().filter(|(_, n)| n.id.is_none()) {
        crate::db::query(
            "INSERT INTO tranches (award_id, seq, amount_fen, due_on, milestone_id, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(award)
        .bind(i as i64 + 1)
        .bind(n.amount.fen())
        .bind(date_text(n.due_on))
        .bind(n.gate)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Gives every award issued before disbursements existed its milestones and schedule, as if
/// they had been made at issue; an award already accepted has its signing passed on the day
/// it was decided. Returns how many awards it did; nothing to do costs one query.
pub async fn backfill(pool: &Pool, stamp: &Stamp) -> Result<usize, Error> {
    let missing: Vec<(String,)> = crate::db::query_as(
        "SELECT number FROM awards w
         WHERE NOT EXISTS (SELECT 1 FROM milestones m WHERE m.award_id = w.id) ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::store::begin_raw(pool).await?;
    let mut done = 0;
    for (number,) in &missing {
        let h = head(&mut tx, number).await?;
        let (exists,): (bool,) =
            crate::db::query_as("SELECT EXISTS (SELECT 1 FROM milestones WHERE award_id = $1)")
                .bind(h.id)
                .fetch_one(&mut tx)
                .await?;
        if exists {
            continue;
        }
        create_for_award(&mut tx, stamp, number).await?;
        if !matches!(h.status, AwardStatus::Offered | AwardStatus::Terminated) {
            pass_signing(&mut tx, stamp, &h, h.decided_on).await?;
        }
        // An award that ended before schedules existed owes nothing more: its schedule is
        // released at once, so the call's ledger does not count it as outstanding.
        if matches!(h.status, AwardStatus::Completed | AwardStatus::Terminated) {
            let why = Msg::new(
                "资助在拨付计划建立前已结束",
                "the award ended before schedules existed",
            );
            release(&mut tx, stamp, &h, &why).await?;
        }
        done += 1;
    }
    tx.commit().await?;
    Ok(done)
}

// ---------------------------------------------------------------------------------------
// The award's lifecycle: what accepting, completing and terminating do to its money

async fn pass_signing(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    h: &Head,
    on: NaiveDate,
) -> Result<(), Error> {
    let done = crate::db::query(
        "UPDATE milestones SET outcome = 'passed', decided_on = $2, updated_at = $3
         WHERE award_id = $1 AND kind = 'signing' AND outcome IS NULL",
    )
    .bind(h.id)
    .bind(date_text(on))
    .bind(stamp.at_text())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        audit::record(
            conn,
            stamp,
            Change::new("milestone", format!("{}/signing", h.number), "passed")
                .after(&(Outcome::Passed, on))?,
        )
        .await?;
    }
    Ok(())
}

/// Releases what an ending award leaves unpaid: approved or failed payments are cancelled
/// with `why`, each tranche's unpaid part goes back to the call.
pub(super) async fn release(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    h: &Head,
    why: &Msg,
) -> Result<(), Error> {
    let at = stamp.at_text();
    let open: Vec<(i64,)> = crate::db::query_as(
        "SELECT id FROM payments WHERE award_id = $1 AND status IN ('approved', 'failed') ORDER BY id",
    )
    .bind(h.id)
    .fetch_all(&mut *conn)
    .await?;
    for (id,) in open {
        let before = payment_from(payment_row(conn, id).await?)?;
        crate::db::query(
            "UPDATE payments SET status = 'cancelled', reason = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(format!("{} / {}", why.zh, why.en))
        .bind(&at)
        .execute(&mut *conn)
        .await?;
        let after = payment_from(payment_row(conn, id).await?)?;
        audit::record(
            conn,
            stamp,
            Change::new("payment", id, "cancel")
                .before(&before)?
                .after(&after)?,
        )
        .await?;
    }
    let rows = tranche_rows(conn, h.id).await?;
    let today = date_text(stamp.today());
    let mut released = Vec::new();
    for r in rows.iter().filter(|r| r.released_on.is_none()) {
        let unpaid = r.amount_fen - r.paid_fen;
        if unpaid > 0 {
            crate::db::query(
                "UPDATE tranches SET released_on = $2, released_fen = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(r.id)
            .bind(&today)
            .bind(unpaid)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
            released.push((r.id, money("tranches", r.id, unpaid)?));
        }
    }
    if !released.is_empty() {
        let total = released.iter().fold(Money::ZERO, |a, r| add(a, r.1));
        audit::record(
            conn,
            stamp,
            Change::new("schedule", &h.number, "release").after(&(total, released))?,
        )
        .await?;
    }
    Ok(())
}

/// The refusal of a plain move to completed: close-out reads the final report and decides
/// the unspent balance first.
pub(crate) fn completed_by_closeout(number: &str) -> Error {
    DisbursementError::NotReadyToComplete {
        award: number.to_string(),
        why: Msg::new(
            "结题请办理结题手续（核对决算报告、处理结余资金）",
            "an award is completed by its close-out (final report, unspent balance)",
        ),
    }
    .into()
}

/// What an award's move along its lifecycle does to its disbursement, in the same
/// transaction: accepting signs the task book (the signing milestone passes); terminating
/// cancels payments in flight and releases what is left unpaid; completing is refused here,
/// as it is done by close-out.
pub(crate) async fn on_award_status(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    number: &str,
    to: AwardStatus,
) -> Result<(), Error> {
    let h = head(conn, number).await?;
    match to {
        AwardStatus::Accepted => pass_signing(conn, stamp, &h, stamp.today()).await,
        // Completion settles the money: it goes through close-out.
        AwardStatus::Completed => Err(completed_by_closeout(&h.number)),
        AwardStatus::Terminated => {
            release(
                conn,
                stamp,
                &h,
                &Msg::new("资助终止", "the award was terminated"),
            )
            .await
        }
        AwardStatus::Offered | AwardStatus::Active => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Milestones

/// Finds a milestone by what an officer types: its kind (`midterm`, `中期检查`) or the name
/// of an added one.
fn find_milestone<'a>(
    ms: &'a [Milestone],
    award: &str,
    name: &str,
) -> Result<&'a Milestone, Error> {
    let name = name.trim();
    ms.iter()
        .find(|m| {
            if m.kind == MilestoneKind::Extra {
                m.name == name
            } else {
                m.kind.as_str() == name
                    || m.kind.label(Lang::Zh) == name
                    || m.kind.label(Lang::En) == name
                    || (m.kind == MilestoneKind::Acceptance && name == "验收")
            }
        })
        .ok_or_else(|| {
            DisbursementError::MilestoneNotFound {
                award: award.to_string(),
                name: name.to_string(),
            }
            .into()
        })
}

/// Nothing of an award falls due before it starts.
fn not_before_start(h: &Head, due: NaiveDate) -> Result<(), Error> {
    if due < h.start_on {
        return Err(Error::invalid(
            "due_on",
            "due_before_start",
            format!("计划日期 {due} 早于资助开始日 {}", h.start_on),
            format!(
                "the due date {due} is before the award starts on {}",
                h.start_on
            ),
        ));
    }
    Ok(())
}

pub(super) fn open_award(h: &Head) -> Result<(), Error> {
    if matches!(h.status, AwardStatus::Completed | AwardStatus::Terminated) {
        return Err(DisbursementError::AwardClosed {
            award: h.number.clone(),
            status: h.status,
        }
        .into());
    }
    Ok(())
}

/// Records the outcome of a milestone (mid-term review, acceptance, an added one). A failed
/// milestone suspends the award: every later approval is held until it is terminated.
pub async fn record_outcome(
    pool: &Pool,
    stamp: &Stamp,
    form: &OutcomeForm,
) -> Result<AwardFinance, Error> {
    let today = stamp.today();
    let d = form.check(today)?;
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    open_award(&h)?;
    let ms = milestones(&mut tx, h.id, today).await?;
    let m = find_milestone(&ms, &h.number, form.milestone.as_str())?.clone();
    if m.kind == MilestoneKind::Signing {
        return Err(DisbursementError::SigningByAcceptance(h.number).into());
    }
    if h.status == AwardStatus::Offered {
        return Err(DisbursementError::Held {
            award: h.number,
            holds: vec![super::Hold::NotSigned.texts()],
        }
        .into());
    }
    if let Some(prior) = m
        .outcome
        .filter(|_| !Outcome::next(m.outcome).contains(&d.outcome))
    {
        return Err(DisbursementError::Decided {
            award: h.number,
            milestone: m.title(),
            outcome: prior,
        }
        .into());
    }
    if let Some(prior) = m.decided_on.filter(|p| *p > d.on) {
        return Err(Error::invalid(
            "decided_on",
            "before_prior_outcome",
            format!("结论日期 {} 早于此前的结论日期 {prior}", d.on),
            format!("the date {} is before the earlier outcome of {prior}", d.on),
        ));
    }
    crate::db::query(
        "UPDATE milestones SET outcome = $2, decided_on = $3, rectify_by = $4, note = $5,
             updated_at = $6
         WHERE id = $1",
    )
    .bind(m.id)
    .bind(d.outcome.as_str())
    .bind(date_text(d.on))
    .bind(d.rectify_by.map(date_text))
    .bind(form.note.as_str())
    .bind(stamp.at_text())
    .execute(&mut tx)
    .await?;
    let after = finance(&mut tx, &h, today).await?;
    let label = if m.kind == MilestoneKind::Extra {
        m.name.clone()
    } else {
        m.kind.as_str().to_string()
    };
    let now = after.milestones.iter().find(|x| x.id == m.id);
    audit::record(
        &mut tx,
        stamp,
        Change::new(
            "milestone",
            format!("{}/{label}", h.number),
            d.outcome.as_str(),
        )
        .before(&m)?
        .after(&now)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Adds a milestone of the officer's own (an on-site inspection, an interim report).
pub async fn add_milestone(
    pool: &Pool,
    stamp: &Stamp,
    form: &MilestoneForm,
) -> Result<AwardFinance, Error> {
    let (name, due) = form.check()?;
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    open_award(&h)?;
    let ms = milestones(&mut tx, h.id, stamp.today()).await?;
    if ms.iter().any(|m| m.name == name) {
        return Err(Error::invalid(
            "name",
            "name_taken",
            format!("资助 {} 已有节点“{name}”", h.number),
            format!("award {} already has a milestone \"{name}\"", h.number),
        ));
    }
    not_before_start(&h, due)?;
    let at = stamp.at_text();
    crate::db::query(
        "INSERT INTO milestones (award_id, kind, name, due_on, created_at, updated_at)
         VALUES ($1, 'extra', $2, $3, $4, $4)",
    )
    .bind(h.id)
    .bind(&name)
    .bind(date_text(due))
    .bind(&at)
    .execute(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("milestone", format!("{}/{name}", h.number), "add").after(&(&name, due))?,
    )
    .await?;
    let after = finance(&mut tx, &h, stamp.today()).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves an undecided milestone to a new date; the tranches waiting for it that were due on
/// its old date, and hold no payment yet, move with it.
pub async fn move_milestone(
    pool: &Pool,
    stamp: &Stamp,
    form: &super::form::MoveMilestoneForm,
) -> Result<AwardFinance, Error> {
    let due = form.check()?;
    let today = stamp.today();
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    open_award(&h)?;
    let ms = milestones(&mut tx, h.id, today).await?;
    let m = find_milestone(&ms, &h.number, form.milestone.as_str())?.clone();
    if let Some(outcome) = m.outcome {
        return Err(DisbursementError::Decided {
            award: h.number,
            milestone: m.title(),
            outcome,
        }
        .into());
    }
    not_before_start(&h, due)?;
    let before = schedule_state(&mut tx, h.id).await?;
    let at = stamp.at_text();
    crate::db::query("UPDATE milestones SET due_on = $2, updated_at = $3 WHERE id = $1")
        .bind(m.id)
        .bind(date_text(due))
        .bind(&at)
        .execute(&mut tx)
        .await?;
    crate::db::query(
        "UPDATE tranches SET due_on = $3, updated_at = $4
         WHERE milestone_id = $1 AND due_on = $2 AND released_on IS NULL
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.tranche_id = tranches.id)",
    )
    .bind(m.id)
    .bind(date_text(m.due_on))
    .bind(date_text(due))
    .bind(&at)
    .execute(&mut tx)
    .await?;
    // Keep the schedule's numbering in date order.
    let rows = tranche_rows(&mut tx, h.id).await?;
    let mut order: Vec<(i64, String)> = rows.iter().map(|r| (r.id, r.due_on.clone())).collect();
    order.sort_by(|a, b| a.1.cmp(&b.1));
    for (i, (id, _)) in order.iter().enumerate() {
        crate::db::query("UPDATE tranches SET seq = $2 WHERE id = $1 AND seq <> $2")
            .bind(id)
            .bind(i as i64 + 1)
            .execute(&mut tx)
            .await?;
    }
    let after_state = schedule_state(&mut tx, h.id).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("schedule", &h.number, "move_milestone")
            .before(&before)?
            .after(&after_state)?,
    )
    .await?;
    let after = finance(&mut tx, &h, today).await?;
    tx.commit().await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------
// Reshaping the schedule

/// Applies one change to an award's schedule (split, move, re-gate, transfer, merge): the
/// sum stays the award, tranches with approvals or payments stay as they are.
pub async fn edit_schedule(
    pool: &Pool,
    stamp: &Stamp,
    form: &EditForm,
) -> Result<AwardFinance, Error> {
    let mut edit = form.check()?;
    let today = stamp.today();
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    crate::audit::unchanged_since(
        &mut tx,
        stamp,
        ("schedule", "资助的拨付计划 ", "the schedule of award"),
        &h.number,
        form.seen_version,
    )
    .await?;
    open_award(&h)?;
    let ms = milestones(&mut tx, h.id, today).await?;
    let gate = match form.milestone.as_str() {
        "" => None,
        "none" | "无" => Some(None),
        name => Some(Some(find_milestone(&ms, &h.number, name)?.id)),
    };
    match &mut edit {
        Edit::Split { gate: g, .. } => *g = gate,
        Edit::Regate { gate: g, .. } => *g = gate.flatten(),
        _ => {}
    }
    let rows = tranche_rows(&mut tx, h.id).await?;
    if rows.is_empty() {
        return Err(DisbursementError::NoSchedule(h.number).into());
    }
    let mut old = Vec::with_capacity(rows.len());
    for r in &rows {
        old.push(Slot {
            id: Some(r.id),
            amount: money("tranches", r.id, r.amount_fen)?,
            due_on: day("tranches", r.id, &r.due_on)?,
            gate: r.milestone_id,
            frozen: r.entries > 0 || r.released_on.is_some(),
        });
    }
    let new = schedule::apply(&old, &edit, h.start_on).map_err(DisbursementError::Invalid)?;
    if schedule::total(&new) != Some(h.amount) && schedule::total(&old) == Some(h.amount) {
        return Err(Error::Store(StoreError::Corrupt {
            table: "tranches",
            id: h.number.clone(),
            reason: "an edit changed the schedule's sum".into(),
        }));
    }
    let before = schedule_state(&mut tx, h.id).await?;
    write_slots(&mut tx, h.id, &old, &new, &stamp.at_text()).await?;
    let after_state = schedule_state(&mut tx, h.id).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("schedule", &h.number, form.action.as_str())
            .before(&before)?
            .after(&after_state)?,
    )
    .await?;
    let after = finance(&mut tx, &h, today).await?;
    tx.commit().await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------
// Payments

/// Approves (part of) a tranche for payment. Refused, naming the cause, while the award is
/// held (not signed, suspended, an overdue milestone, closed), while the tranche's milestone
/// has not passed, or above what is still open of the tranche.
pub async fn approve(pool: &Pool, stamp: &Stamp, form: &ApproveForm) -> Result<Payment, Error> {
    let (n, amount) = form.check()?;
    let today = stamp.today();
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Pay).await?;
    // The approver is the person signed in (on a server, its role).
    let signed = audit::signed_in(&mut tx, stamp).await?;
    let stamp = &signed;
    let h = head(&mut tx, form.award.as_str()).await?;
    let f = finance(&mut tx, &h, today).await?;
    let Some(t) = f.tranches.get(n as usize - 1) else {
        return Err(DisbursementError::TrancheNotFound {
            award: h.number,
            tranche: n,
            count: f.tranches.len(),
        }
        .into());
    };
    check_payable(&f, t)?;
    let amount = amount.unwrap_or(t.open);
    if amount > t.open || amount.is_zero() {
        return Err(DisbursementError::OverTranche {
            award: h.number,
            tranche: n,
            amount,
            open: t.open,
        }
        .into());
    }
    let at = stamp.at_text();
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO payments (award_id, tranche_id, kind, amount_fen, status, approved_on,
             approved_by, created_at, updated_at)
         VALUES ($1, $2, 'payment', $3, 'approved', $4, $5, $6, $6) RETURNING id",
    )
    .bind(h.id)
    .bind(t.id)
    .bind(amount.fen())
    .bind(date_text(today))
    .bind(&stamp.actor)
    .bind(&at)
    .fetch_one(&mut tx)
    .await?;
    let p = payment_from(payment_row(&mut tx, id).await?)?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("payment", id, "approve").after(&p)?,
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// The award's holds and the tranche's gate, as one refusal naming the causes.
fn check_payable(f: &AwardFinance, t: &Tranche) -> Result<(), Error> {
    if !f.holds.is_empty() {
        return Err(DisbursementError::Held {
            award: f.number.clone(),
            holds: f.holds.clone(),
        }
        .into());
    }
    if t.released_on.is_some() {
        return Err(DisbursementError::AwardClosed {
            award: f.number.clone(),
            status: f.status,
        }
        .into());
    }
    if let Some(why) = t.blocked.first() {
        return Err(DisbursementError::GateShut {
            award: f.number.clone(),
            tranche: t.seq,
            why: why.clone(),
        }
        .into());
    }
    Ok(())
}

async fn move_payment(
    pool: &Pool,
    stamp: &Stamp,
    form: &PaidForm,
    to: PaymentStatus,
) -> Result<Payment, Error> {
    let today = stamp.today();
    // Paid needs the bank's reference; failed and cancelled need the reason.
    let p = form.check(today, to != PaymentStatus::Approved)?;
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Pay).await?;
    let row = payment_row(&mut tx, p.id).await?;
    let tranche_id = row.tranche_id;
    let before = payment_from(row)?;
    if before.kind == PaymentKind::Clawback || !before.status.can_become(to) {
        return Err(DisbursementError::IllegalPayment {
            id: p.id,
            from: before.status,
            to,
        }
        .into());
    }
    let h = head(&mut tx, &before.award).await?;
    let at = stamp.at_text();
    // Approver and recorder are the people signed in (on a server, its roles).
    let signed = audit::signed_in(&mut tx, stamp).await?;
    let stamp = &signed;
    match to {
        PaymentStatus::Paid => {
            crate::officer::apart(&mut tx, p.id, &before.approved_by, &stamp.actor).await?;
            if p.on < before.approved_on {
                return Err(Error::invalid(
                    "on",
                    "paid_before_approved",
                    format!("支付日期 {} 早于审批日期 {}", p.on, before.approved_on),
                    format!(
                        "the payment date {} is before its approval on {}",
                        p.on, before.approved_on
                    ),
                ));
            }
            crate::db::query(
                "UPDATE payments SET status = 'paid', paid_on = $2, paid_by = $3, bank_ref = $4,
                     updated_at = $5 WHERE id = $1",
            )
            .bind(p.id)
            .bind(date_text(p.on))
            .bind(&stamp.actor)
            .bind(&p.note)
            .bind(&at)
            .execute(&mut tx)
            .await?;
        }
        PaymentStatus::Approved => {
            // Approved again after a failure: the award's holds apply as to a new approval,
            // and the tranche must still have room for it.
            let f = finance(&mut tx, &h, today).await?;
            let t = f
                .tranches
                .iter()
                .find(|t| Some(t.id) == tranche_id)
                .ok_or_else(|| corrupt("payments", p.id, "tranche"))?;
            check_payable(&f, t)?;
            if before.amount > t.open {
                return Err(DisbursementError::OverTranche {
                    award: h.number,
                    tranche: t.seq,
                    amount: before.amount,
                    open: t.open,
                }
                .into());
            }
            crate::db::query(
                "UPDATE payments SET status = 'approved', approved_on = $2, approved_by = $3,
                     updated_at = $4 WHERE id = $1",
            )
            .bind(p.id)
            .bind(date_text(today))
            .bind(&stamp.actor)
            .bind(&at)
            .execute(&mut tx)
            .await?;
        }
        PaymentStatus::Failed | PaymentStatus::Cancelled => {
            // Out of its batch: approved again, it goes into the next batch made.
            crate::db::query(
                "UPDATE payments SET status = $2, reason = $3, updated_at = $4, batch_id = NULL
                 WHERE id = $1",
            )
            .bind(p.id)
            .bind(to.as_str())
            .bind(&p.note)
            .bind(&at)
            .execute(&mut tx)
            .await?;
        }
    }
    let after = payment_from(payment_row(&mut tx, p.id).await?)?;
    let action = match to {
        PaymentStatus::Approved => "approve_again",
        PaymentStatus::Paid => "paid",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Cancelled => "cancel",
    };
    audit::record(
        &mut tx,
        stamp,
        Change::new("payment", p.id, action)
            .before(&before)?
            .after(&after)?,
    )
    .await?;
    if to == PaymentStatus::Paid && h.status == AwardStatus::Accepted {
        // The first money paid sets the project going (执行中).
        crate::db::query("UPDATE awards SET status = 'active', updated_at = $2 WHERE id = $1")
            .bind(h.id)
            .bind(&at)
            .execute(&mut tx)
            .await?;
        audit::record(
            &mut tx,
            stamp,
            Change::new("award", &h.number, "active")
                .before(&AwardStatus::Accepted)?
                .after(&AwardStatus::Active)?,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Records an approved payment as paid, with its date and the bank's reference.
pub async fn paid(pool: &Pool, stamp: &Stamp, form: &PaidForm) -> Result<Payment, Error> {
    move_payment(pool, stamp, form, PaymentStatus::Paid).await
}

/// Records that an approved payment failed (the bank returned it), with the reason.
pub async fn failed(pool: &Pool, stamp: &Stamp, form: &PaidForm) -> Result<Payment, Error> {
    move_payment(pool, stamp, form, PaymentStatus::Failed).await
}

/// Approves a failed payment again (e.g. with the account corrected).
pub async fn again(pool: &Pool, stamp: &Stamp, form: &PaidForm) -> Result<Payment, Error> {
    move_payment(pool, stamp, form, PaymentStatus::Approved).await
}

/// Cancels an approved or failed payment before it is paid, with the reason.
pub async fn cancel(pool: &Pool, stamp: &Stamp, form: &PaidForm) -> Result<Payment, Error> {
    move_payment(pool, stamp, form, PaymentStatus::Cancelled).await
}

/// Records money recovered from the grantee (收回) as a new negative entry with its reason;
/// never more than was paid (net) on the award.
pub async fn clawback(pool: &Pool, stamp: &Stamp, form: &ClawbackForm) -> Result<Payment, Error> {
    let today = stamp.today();
    let (amount, on, reason) = form.check(today)?;
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Pay).await?;
    // The approver is the person signed in (on a server, its role).
    let signed = audit::signed_in(&mut tx, stamp).await?;
    let stamp = &signed;
    let h = head(&mut tx, form.award.as_str()).await?;
    let f = finance(&mut tx, &h, today).await?;
    if amount > f.ledger.net_paid {
        return Err(DisbursementError::ClawbackOverPaid {
            award: h.number,
            amount,
            net_paid: f.ledger.net_paid,
        }
        .into());
    }
    let p = record_clawback(&mut tx, stamp, &h, amount, on, &reason).await?;
    tx.commit().await?;
    Ok(p)
}

/// Writes a clawback (a negative entry, received on `on`) with its audit entry.
pub(super) async fn record_clawback(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    h: &Head,
    amount: Money,
    on: NaiveDate,
    reason: &str,
) -> Result<Payment, Error> {
    let at = stamp.at_text();
    // Recorded by the person signed in (on a server, its role).
    let signed = audit::signed_in(conn, stamp).await?;
    let stamp = &signed;
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO payments (award_id, kind, amount_fen, status, approved_on, approved_by,
             paid_on, paid_by, reason, created_at, updated_at)
         VALUES ($1, 'clawback', $2, 'paid', $3, $4, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(h.id)
    .bind(-amount.fen())
    .bind(date_text(on))
    .bind(&stamp.actor)
    .bind(reason)
    .bind(&at)
    .fetch_one(&mut *conn)
    .await?;
    let p = payment_from(payment_row(conn, id).await?)?;
    audit::record(
        conn,
        stamp,
        Change::new("payment", id, "clawback").after(&p)?,
    )
    .await?;
    Ok(p)
}

// ---------------------------------------------------------------------------------------
// Ledgers and the cash-flow plan

#[derive(FromRow)]
struct LedgerRow {
    id: i64,
    number: String,
    applicant: String,
    status: String,
    amount_fen: i64,
}

/// The call's ledger with every award's: the awards, their schedules summed, and the payment
/// totals the database keeps per award.
pub async fn ledger(pool: &Pool, call_code: &str) -> Result<CallLedger, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let rows: Vec<LedgerRow> = crate::db::query_as(
        "SELECT w.id, w.number, a.name AS applicant, w.status, w.amount_fen
         FROM awards w JOIN proposals p ON p.id = w.proposal_id
         JOIN applicants a ON a.id = p.applicant_id
         WHERE w.call_id = $1 ORDER BY w.number_year, w.number_seq",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    let mut sums: HashMap<i64, AwardSums> = HashMap::with_capacity(rows.len());
    let tranches: Vec<(i64, i64, i64)> = crate::db::query_as(
        "SELECT t.award_id, CAST(SUM(t.amount_fen) AS BIGINT), CAST(SUM(t.released_fen) AS BIGINT)
         FROM tranches t JOIN awards w ON w.id = t.award_id
         WHERE w.call_id = $1 GROUP BY t.award_id",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    for (award, scheduled, released) in tranches {
        let s = sums.entry(award).or_default();
        s.scheduled = money("tranches", award, scheduled)?;
        s.released = money("tranches", award, released)?;
    }
    // The payment totals the database keeps as payments are written (migration 0008).
    let pays: Vec<(i64, i64, i64, i64)> = crate::db::query_as(
        "SELECT s.award_id, s.pending_fen, s.paid_fen, s.recovered_fen
         FROM award_totals s JOIN awards w ON w.id = s.award_id WHERE w.call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    for (award, pending, paid, recovered) in pays {
        let s = sums.entry(award).or_default();
        s.pending = money("award_totals", award, pending)?;
        s.paid = money("award_totals", award, paid)?;
        s.recovered = money("award_totals", award, recovered)?;
    }
    let spent: Vec<(i64, i64)> = crate::db::query_as(
        "SELECT r.award_id, CAST(SUM(l.amount_fen) AS BIGINT)
         FROM spending_reports r JOIN spending_lines l ON l.report_id = r.id
         JOIN awards w ON w.id = r.award_id
         WHERE w.call_id = $1 GROUP BY r.award_id",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    for (award, fen) in spent {
        sums.entry(award).or_default().spent = money("spending_lines", award, fen)?;
    }
    let mut awards = Vec::with_capacity(rows.len());
    for r in rows {
        let mut s = sums.remove(&r.id).unwrap_or_default();
        s.amount = money("awards", r.id, r.amount_fen)?;
        let status =
            AwardStatus::parse(&r.status).ok_or_else(|| corrupt("awards", r.id, &r.status))?;
        awards.push(AwardLedger::new(r.number, r.applicant, status, s));
    }
    Ok(CallLedger::new(
        call.spec.code.as_str().to_string(),
        call.spec.total_budget,
        awards,
    ))
}

/// The call's cash-flow plan by month, quarter or year: what falls due (the unreleased part
/// of every tranche, by due date) and what was paid and recovered, against the call's
/// appropriations by year.
pub async fn cash_flow(pool: &Pool, call_code: &str, by: Period) -> Result<CashFlow, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let due: Vec<(String, i64)> = crate::db::query_as(
        "SELECT substr(t.due_on, 1, 7) || '-01', CAST(SUM(t.amount_fen - t.released_fen) AS BIGINT)
         FROM tranches t JOIN awards w ON w.id = t.award_id
         WHERE w.call_id = $1 GROUP BY 1",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    let paid: Vec<(String, i64, i64)> = crate::db::query_as(
        "SELECT month || '-01', paid_fen, recovered_fen FROM paid_by_month WHERE call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&mut conn)
    .await?;
    let mut flows = Vec::with_capacity(due.len() + 2 * paid.len());
    for (month, fen) in due {
        let d = day("tranches", call.id, &month)?;
        if fen > 0 {
            flows.push(Flow::Due(d, money("tranches", call.id, fen)?));
        }
    }
    for (month, out, back) in paid {
        let d = day("payments", call.id, &month)?;
        if out > 0 {
            flows.push(Flow::Paid(d, money("payments", call.id, out)?));
        }
        if back > 0 {
            flows.push(Flow::Recovered(d, money("payments", call.id, back)?));
        }
    }
    Ok(CashFlow::build(
        call.spec.code.as_str().to_string(),
        by,
        &flows,
        &call.spec.appropriations,
    ))
}
