//! Storage and use cases of applicants and proposals.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;

use super::eligibility::{Candidate, Reason, assess};
use super::{
    Applicant, BudgetLine, Category, Proposal, ProposalContent, ProposalError, ProposalForm,
    ProposalStatus,
};
use crate::audit::{self, Change};
use crate::call::{self, Call, CallStatus};
use crate::credit_code::CreditCode;
use crate::error::{Error, Invalid, StoreError};
use crate::money::Money;
use crate::store::{Pool, Stamp, begin_write, date_text, parse_date};

#[derive(Debug, FromRow)]
struct ProposalDbRow {
    id: i64,
    call_code: String,
    reference: String,
    title: String,
    title_en: String,
    summary: String,
    pi_name: String,
    pi_title: String,
    pi_email: String,
    pi_phone: String,
    topic: String,
    requested_fen: i64,
    status: String,
    submitted_on: Option<String>,
    eligibility: Option<String>,
    created_at: String,
    updated_at: String,
    credit_code: String,
    applicant_name: String,
    bank_name: String,
    bank_account: String,
    contact_name: String,
    contact_phone: String,
    contact_email: String,
}

#[derive(Debug, FromRow)]
struct LineRow {
    proposal_id: i64,
    category: String,
    year: i64,
    amount_fen: i64,
}

fn corrupt(id: i64, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        table: "proposals",
        id: id.to_string(),
        reason: reason.into(),
    }
}

impl TryFrom<(ProposalDbRow, Vec<LineRow>)> for Proposal {
    type Error = StoreError;

    fn try_from((r, lines): (ProposalDbRow, Vec<LineRow>)) -> Result<Proposal, StoreError> {
        let id = r.id;
        let budget = lines
            .into_iter()
            .map(|l| {
                Ok(BudgetLine {
                    category: Category::parse(&l.category)
                        .ok_or_else(|| corrupt(id, "category"))?,
                    year: u32::try_from(l.year).map_err(|_| corrupt(id, "year"))?,
                    amount: Money::from_fen(l.amount_fen)
                        .map_err(|e| corrupt(id, e.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let eligibility = r
            .eligibility
            .as_deref()
            .map(serde_json::from_str::<Vec<Reason>>)
            .transpose()
            .map_err(|e| corrupt(id, e.to_string()))?;
        Ok(Proposal {
            id,
            call: r.call_code,
            status: ProposalStatus::parse(&r.status).ok_or_else(|| corrupt(id, "status"))?,
            content: ProposalContent {
                reference: r.reference,
                title: r.title,
                title_en: r.title_en,
                summary: r.summary,
                applicant: Applicant {
                    credit_code: CreditCode::parse(&r.credit_code)
                        .map_err(|e| corrupt(id, e.to_string()))?,
                    name: r.applicant_name,
                    bank_name: r.bank_name,
                    bank_account: r.bank_account,
                    contact_name: r.contact_name,
                    contact_phone: r.contact_phone,
                    contact_email: r.contact_email,
                },
                pi_name: r.pi_name,
                pi_title: r.pi_title,
                pi_email: r.pi_email,
                pi_phone: r.pi_phone,
                topic: r.topic,
                requested: Money::from_fen(r.requested_fen)
                    .map_err(|e| corrupt(id, e.to_string()))?,
                budget,
            },
            submitted_on: r
                .submitted_on
                .as_deref()
                .map(|d| parse_date(d).ok_or_else(|| corrupt(id, "submitted_on")))
                .transpose()?,
            eligibility,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The columns of a full proposal row, for the two statements below.
macro_rules! select_proposals {
    ($where:literal) => {
        concat!(
            "SELECT p.id, c.code AS call_code, p.reference, p.title, p.title_en, p.summary,
                p.pi_name, p.pi_title, p.pi_email, p.pi_phone, p.topic, p.requested_fen, p.status,
                p.submitted_on, p.eligibility, p.created_at, p.updated_at,
                a.credit_code, a.name AS applicant_name, a.bank_name, a.bank_account,
                a.contact_name, a.contact_phone, a.contact_email
             FROM proposals p JOIN calls c ON c.id = p.call_id
             JOIN applicants a ON a.id = p.applicant_id ",
            $where
        )
    };
}

const SELECT_ALL: &str = select_proposals!("WHERE p.call_id = $1 ORDER BY p.reference");
// One reference: its own statement, so that SQLite uses the unique index.
const SELECT_ONE: &str = select_proposals!("WHERE p.call_id = $1 AND p.reference = $2");

/// Full proposals of a call (one, when `reference` is given), with their budget lines.
async fn load(
    conn: &mut crate::db::Tx,
    call_id: i64,
    reference: Option<&str>,
) -> Result<Vec<Proposal>, Error> {
    let (rows, lines): (Vec<ProposalDbRow>, Vec<LineRow>) = match reference {
        Some(r) => {
            let rows: Vec<ProposalDbRow> = crate::db::query_as(SELECT_ONE)
                .bind(call_id)
                .bind(r)
                .fetch_all(&mut *conn)
                .await?;
            let lines = match rows.first() {
                Some(p) => {
                    crate::db::query_as(
                        "SELECT proposal_id, category, year, amount_fen FROM budget_lines
                         WHERE proposal_id = $1",
                    )
                    .bind(p.id)
                    .fetch_all(&mut *conn)
                    .await?
                }
                None => Vec::new(),
            };
            (rows, lines)
        }
        None => {
            let rows = crate::db::query_as(SELECT_ALL)
                .bind(call_id)
                .fetch_all(&mut *conn)
                .await?;
            let lines = crate::db::query_as(
                "SELECT l.proposal_id, l.category, l.year, l.amount_fen FROM budget_lines l
                 JOIN proposals p ON p.id = l.proposal_id
                 WHERE p.call_id = $1",
            )
            .bind(call_id)
            .fetch_all(&mut *conn)
            .await?;
            (rows, lines)
        }
    };
    let mut by_proposal: HashMap<i64, Vec<LineRow>> = HashMap::new();
    for l in lines {
        by_proposal.entry(l.proposal_id).or_default().push(l);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut l = by_proposal.remove(&r.id).unwrap_or_default();
        l.sort_by_key(|x| (x.year, Category::parse(&x.category)));
        out.push(Proposal::try_from((r, l))?);
    }
    Ok(out)
}

/// Every proposal of a call, with its budget lines.
pub(crate) async fn load_all_on(
    conn: &mut crate::db::Tx,
    call_id: i64,
) -> Result<Vec<Proposal>, Error> {
    load(conn, call_id, None).await
}

pub(crate) async fn get_on(
    conn: &mut crate::db::Tx,
    call: &Call,
    reference: &str,
) -> Result<Proposal, Error> {
    load(conn, call.id, Some(reference.trim()))
        .await?
        .pop()
        .ok_or_else(|| {
            ProposalError::NotFound {
                call: call.spec.code.to_string(),
                reference: reference.trim().to_string(),
            }
            .into()
        })
}

pub async fn get(pool: &Pool, call_code: &str, reference: &str) -> Result<Proposal, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    get_on(&mut conn, &call, reference).await
}

/// Creates or updates the applicant with this credit code; returns its id.
pub(crate) async fn upsert_applicant(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    a: &Applicant,
) -> Result<i64, Error> {
    #[derive(FromRow)]
    struct Row {
        id: i64,
        name: String,
        bank_name: String,
        bank_account: String,
        contact_name: String,
        contact_phone: String,
        contact_email: String,
    }
    let existing: Option<Row> = crate::db::query_as(
        "SELECT id, name, bank_name, bank_account, contact_name, contact_phone, contact_email
         FROM applicants WHERE credit_code = $1",
    )
    .bind(a.credit_code.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let at = stamp.at_text();
    match existing {
        None => {
            let (id,): (i64,) = crate::db::query_as(
                "INSERT INTO applicants (credit_code, name, bank_name, bank_account, contact_name,
                    contact_phone, contact_email, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(a.credit_code.as_str())
            .bind(&a.name)
            .bind(&a.bank_name)
            .bind(&a.bank_account)
            .bind(&a.contact_name)
            .bind(&a.contact_phone)
            .bind(&a.contact_email)
            .bind(&at)
            .fetch_one(&mut *conn)
            .await?;
            audit::record(
                conn,
                stamp,
                Change::new("applicant", &a.credit_code, "create").after(a)?,
            )
            .await?;
            Ok(id)
        }
        Some(row) => {
            let before = Applicant {
                credit_code: a.credit_code.clone(),
                name: row.name,
                bank_name: row.bank_name,
                bank_account: row.bank_account,
                contact_name: row.contact_name,
                contact_phone: row.contact_phone,
                contact_email: row.contact_email,
            };
            if &before != a {
                crate::db::query(
                    "UPDATE applicants SET name = $2, bank_name = $3, bank_account = $4,
                        contact_name = $5, contact_phone = $6, contact_email = $7, updated_at = $8
                     WHERE id = $1",
                )
                .bind(row.id)
                .bind(&a.name)
                .bind(&a.bank_name)
                .bind(&a.bank_account)
                .bind(&a.contact_name)
                .bind(&a.contact_phone)
                .bind(&a.contact_email)
                .bind(&at)
                .execute(&mut *conn)
                .await?;
                audit::record(
                    conn,
                    stamp,
                    Change::new("applicant", &a.credit_code, "update")
                        .before(&before)?
                        .after(a)?,
                )
                .await?;
            }
            Ok(row.id)
        }
    }
}

pub(crate) async fn write_lines(
    conn: &mut crate::db::Tx,
    id: i64,
    lines: &[BudgetLine],
) -> Result<(), Error> {
    crate::db::query("DELETE FROM budget_lines WHERE proposal_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for l in lines {
        crate::db::query("INSERT INTO budget_lines (proposal_id, category, year, amount_fen) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(l.category.as_str())
            .bind(i64::from(l.year))
            .bind(l.amount.fen())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn accepting(call: &Call) -> Result<(), ProposalError> {
    match call.status {
        CallStatus::Open | CallStatus::Closed => Ok(()),
        other => Err(ProposalError::CallNotAccepting {
            call: call.spec.code.to_string(),
            status: other.as_str().to_string(),
        }),
    }
}

async fn next_reference(conn: &mut crate::db::Tx, call: &Call) -> Result<String, Error> {
    let (n,): (i64,) = crate::db::query_as("SELECT COUNT(*) FROM proposals WHERE call_id = $1")
        .bind(call.id)
        .fetch_one(&mut *conn)
        .await?;
    let mut k = n + 1;
    loop {
        let candidate = super::numbered_reference(call.spec.code.as_str(), k);
        let (taken,): (i64,) = crate::db::query_as(
            "SELECT COUNT(*) FROM proposals WHERE call_id = $1 AND reference = $2",
        )
        .bind(call.id)
        .bind(&candidate)
        .fetch_one(&mut *conn)
        .await?;
        if taken == 0 {
            return Ok(candidate);
        }
        k += 1;
    }
}

/// Registers a proposal (status draft) in the call named by the form. The applicant is
/// created, or updated, by its credit code.
pub async fn create(pool: &Pool, stamp: &Stamp, form: &ProposalForm) -> Result<Proposal, Error> {
    let mut tx = begin_write(pool).await?;
    let proposal = create_on(&mut tx, stamp, form).await?;
    tx.commit().await?;
    Ok(proposal)
}

pub(crate) async fn create_on(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    form: &ProposalForm,
) -> Result<Proposal, Error> {
    if form.call.as_str().is_empty() {
        return Err(ProposalError::Invalid(vec![crate::error::required("call")]).into());
    }
    let call = call::store_get_on(conn, form.call.as_str()).await?;
    accepting(&call)?;
    let mut content = form.validate(&call.spec)?;
    if content.reference.is_empty() {
        content.reference = next_reference(conn, &call).await?;
    } else if !load(conn, call.id, Some(&content.reference))
        .await?
        .is_empty()
    {
        return Err(ProposalError::DuplicateReference {
            call: call.spec.code.to_string(),
            reference: content.reference,
        }
        .into());
    }
    let applicant_id = upsert_applicant(conn, stamp, &content.applicant).await?;
    let at = stamp.at_text();
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO proposals (call_id, reference, title, title_en, summary, applicant_id, pi_name,
            pi_title, pi_email, pi_phone, topic, requested_fen, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13, $13) RETURNING id",
    )
    .bind(call.id)
    .bind(&content.reference)
    .bind(&content.title)
    .bind(&content.title_en)
    .bind(&content.summary)
    .bind(applicant_id)
    .bind(&content.pi_name)
    .bind(&content.pi_title)
    .bind(&content.pi_email)
    .bind(&content.pi_phone)
    .bind(&content.topic)
    .bind(content.requested.fen())
    .bind(&at)
    .fetch_one(&mut *conn)
    .await?;
    write_lines(conn, id, &content.budget).await?;
    let proposal = get_on(conn, &call, &content.reference).await?;
    audit::record(
        conn,
        stamp,
        Change::new("proposal", audit_id(&proposal), "create").after(&proposal)?,
    )
    .await?;
    Ok(proposal)
}

pub(crate) fn audit_id(p: &Proposal) -> String {
    format!("{}/{}", p.call, p.content.reference)
}

/// Writes a proposal's new content (applicant created or updated by its credit code, budget
/// lines replaced). The caller checks that it may change and records the audit entry.
pub(crate) async fn replace_content_on(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    id: i64,
    content: &ProposalContent,
) -> Result<(), Error> {
    let applicant_id = upsert_applicant(conn, stamp, &content.applicant).await?;
    crate::db::query(
        "UPDATE proposals SET title = $2, title_en = $3, summary = $4, applicant_id = $5,
            pi_name = $6, pi_title = $7, pi_email = $8, pi_phone = $9, topic = $10,
            requested_fen = $11, updated_at = $12
         WHERE id = $1",
    )
    .bind(id)
    .bind(&content.title)
    .bind(&content.title_en)
    .bind(&content.summary)
    .bind(applicant_id)
    .bind(&content.pi_name)
    .bind(&content.pi_title)
    .bind(&content.pi_email)
    .bind(&content.pi_phone)
    .bind(&content.topic)
    .bind(content.requested.fen())
    .bind(stamp.at_text())
    .execute(&mut *conn)
    .await?;
    write_lines(conn, id, &content.budget).await
}

/// The form to edit a proposal with: its content and the version it was read at (one
/// snapshot), so that saving is refused if someone changes the proposal in between.
pub async fn edit_form(
    pool: &Pool,
    call_code: &str,
    reference: &str,
) -> Result<ProposalForm, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    let p = get_on(&mut conn, &call, reference).await?;
    let mut form = ProposalForm::from(&p.content);
    form.call = call.spec.code.as_str().into();
    form.seen_version = Some(audit::version(&mut conn, "proposal", &audit_id(&p)).await?);
    Ok(form)
}

/// Replaces a proposal's content while it is a draft or submitted.
pub async fn update(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    form: &ProposalForm,
) -> Result<Proposal, Error> {
    let mut tx = begin_write(pool).await?;
    let call = call::store_get_on(&mut tx, call_code).await?;
    accepting(&call)?;
    let before = get_on(&mut tx, &call, reference).await?;
    audit::unchanged_since(
        &mut tx,
        stamp,
        ("proposal", "申请书 ", "proposal"),
        &audit_id(&before),
        form.seen_version,
    )
    .await?;
    if !before.status.is_editable() {
        return Err(ProposalError::NotEditable {
            reference: before.content.reference,
            status: before.status,
        }
        .into());
    }
    let mut content = form.validate(&call.spec)?;
    if content.reference.is_empty() {
        content.reference = before.content.reference.clone();
    } else if content.reference != before.content.reference {
        return Err(ProposalError::Invalid(vec![Invalid::new(
            "reference",
            "reference_immutable",
            format!("申请书编号 {} 不能修改", before.content.reference),
            format!(
                "the reference {} cannot be changed",
                before.content.reference
            ),
        )])
        .into());
    }
    replace_content_on(&mut tx, stamp, before.id, &content).await?;
    let after = get_on(&mut tx, &call, reference).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("proposal", audit_id(&after), "update")
            .before(&before)?
            .after(&after)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn transition(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    to: ProposalStatus,
    submitted_on: Option<NaiveDate>,
) -> Result<Proposal, Error> {
    let mut tx = begin_write(pool).await?;
    let after = transition_on(&mut tx, stamp, call_code, reference, to, submitted_on).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn transition_on(
    tx: &mut crate::db::Tx,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    to: ProposalStatus,
    submitted_on: Option<NaiveDate>,
) -> Result<Proposal, Error> {
    let tx = &mut *tx;
    let call = call::store_get_on(tx, call_code).await?;
    accepting(&call)?;
    let before = get_on(tx, &call, reference).await?;
    if !before.status.can_become(to) {
        return Err(ProposalError::IllegalTransition {
            reference: before.content.reference,
            from: before.status,
            to,
        }
        .into());
    }
    crate::db::query(
        "UPDATE proposals SET status = $2, submitted_on = COALESCE($3, submitted_on), updated_at = $4 WHERE id = $1",
    )
    .bind(before.id)
    .bind(to.as_str())
    .bind(submitted_on.map(date_text))
    .bind(stamp.at_text())
    .execute(&mut *tx)
    .await?;
    let after = get_on(tx, &call, reference).await?;
    #[derive(Serialize)]
    struct State {
        status: ProposalStatus,
        submitted_on: Option<NaiveDate>,
    }
    audit::record(
        tx,
        stamp,
        Change::new("proposal", audit_id(&after), to.as_str())
            .before(&State {
                status: before.status,
                submitted_on: before.submitted_on,
            })?
            .after(&State {
                status: after.status,
                submitted_on: after.submitted_on,
            })?,
    )
    .await?;
    Ok(after)
}

/// Records the submission of a draft on the given date of receipt (which may be after the
/// closing date: the eligibility check then rules it late); by default the agency's today.
pub async fn submit(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    on: Option<NaiveDate>,
) -> Result<Proposal, Error> {
    transition(
        pool,
        stamp,
        call_code,
        reference,
        ProposalStatus::Submitted,
        Some(on.unwrap_or_else(|| stamp.today())),
    )
    .await
}

pub async fn withdraw(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
) -> Result<Proposal, Error> {
    transition(
        pool,
        stamp,
        call_code,
        reference,
        ProposalStatus::Withdrawn,
        None,
    )
    .await
}

/// What an eligibility run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub call: String,
    pub checked: usize,
    pub eligible: usize,
    pub ineligible: usize,
    /// References whose result changed in this run.
    pub changed: Vec<String>,
}

/// Runs the eligibility check (形式审查) on every submitted or already checked proposal of a
/// call, in one transaction, recording each changed result in the audit log.
pub async fn check_eligibility(
    pool: &Pool,
    stamp: &Stamp,
    call_code: &str,
) -> Result<CheckReport, Error> {
    let mut tx = begin_write(pool).await?;
    let call = call::store_get_on(&mut tx, call_code).await?;
    accepting(&call)?;
    let proposals: Vec<Proposal> = load(&mut tx, call.id, None)
        .await?
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                ProposalStatus::Submitted | ProposalStatus::Eligible | ProposalStatus::Ineligible
            )
        })
        .collect();
    let candidates: Vec<Candidate<'_>> = proposals
        .iter()
        .map(|p| Candidate {
            reference: &p.content.reference,
            submitted_on: p.submitted_on,
            content: &p.content,
        })
        .collect();
    let results = assess(&call.spec, &candidates);
    let mut report = CheckReport {
        call: call.spec.code.to_string(),
        checked: proposals.len(),
        eligible: 0,
        ineligible: 0,
        changed: Vec::new(),
    };
    let at = stamp.at_text();
    for (p, reasons) in proposals.iter().zip(results) {
        let to = if reasons.is_empty() {
            report.eligible += 1;
            ProposalStatus::Eligible
        } else {
            report.ineligible += 1;
            ProposalStatus::Ineligible
        };
        if p.status == to && p.eligibility.as_ref() == Some(&reasons) {
            continue;
        }
        let json = serde_json::to_string(&reasons).map_err(|e| corrupt(p.id, e.to_string()))?;
        crate::db::query("UPDATE proposals SET status = $2, eligibility = $3, checked_at = $4, updated_at = $4 WHERE id = $1")
            .bind(p.id)
            .bind(to.as_str())
            .bind(&json)
            .bind(&at)
            .execute(&mut tx)
            .await?;
        #[derive(Serialize)]
        struct State<'a> {
            status: ProposalStatus,
            eligibility: Option<&'a Vec<Reason>>,
        }
        audit::record(
            &mut tx,
            stamp,
            Change::new("proposal", audit_id(p), "check")
                .before(&State {
                    status: p.status,
                    eligibility: p.eligibility.as_ref(),
                })?
                .after(&State {
                    status: to,
                    eligibility: Some(&reasons),
                })?,
        )
        .await?;
        report.changed.push(p.content.reference.clone());
    }
    tx.commit().await?;
    Ok(report)
}

/// Which proposals a table shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub call: String,
    pub topic: Option<String>,
    pub status: Option<ProposalStatus>,
    /// Matches title, applicant, investigator or reference (case-insensitive for Latin
    /// letters).
    pub search: Option<String>,
}

impl Filter {
    /// Binds the call and the filter's criteria to the parameters of [`filter_clause`].
    pub(super) fn bind<T: crate::db::Row>(
        &self,
        q: crate::db::QueryAs<T>,
        call_id: i64,
    ) -> crate::db::QueryAs<T> {
        q.bind(call_id)
            .bind(
                self.topic
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_ascii_uppercase),
            )
            .bind(self.status.map(ProposalStatus::as_str))
            .bind(
                self.search
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
            )
    }
}

/// `FROM … WHERE …` of the proposals a [`Filter`] matches, with its parameters `$1` to `$4`
/// (see [`Filter::bind`]); the proposals are `p`, their applicants `a`.
pub(super) fn filter_clause() -> &'static str {
    " FROM proposals p JOIN applicants a ON a.id = p.applicant_id
     WHERE p.call_id = $1
       AND ($2 IS NULL OR p.topic = $2)
       AND ($3 IS NULL OR p.status = $3)
       AND ($4 IS NULL OR instr(lower(p.title), lower($4)) > 0
            OR instr(lower(a.name), lower($4)) > 0 OR instr(lower(p.pi_name), lower($4)) > 0
            OR instr(lower(p.reference), lower($4)) > 0)"
}

/// A statement using [`filter_clause`], for either backend: SQLite finds a substring with
/// instr(), PostgreSQL with strpos() (same arguments).
pub(super) fn filter_sql(sql: String) -> crate::db::Sql {
    let postgres = sql.replace("instr(", "strpos(");
    crate::db::Sql::per_backend(sql, postgres)
}

/// One line of a proposals table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalSummary {
    pub reference: String,
    pub title: String,
    pub applicant: String,
    pub credit_code: String,
    pub pi_name: String,
    pub topic: String,
    pub requested: Money,
    pub status: ProposalStatus,
    pub submitted_on: Option<String>,
    /// Codes of the eligibility reasons (empty when eligible or not yet checked).
    pub reasons: Vec<String>,
}

#[derive(FromRow)]
pub(super) struct SummaryRow {
    pub(super) id: i64,
    reference: String,
    title: String,
    applicant: String,
    credit_code: String,
    pi_name: String,
    topic: String,
    requested_fen: i64,
    status: String,
    submitted_on: Option<String>,
    eligibility: Option<String>,
}

impl TryFrom<SummaryRow> for ProposalSummary {
    type Error = StoreError;
    fn try_from(r: SummaryRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt {
            table: "proposals",
            id: r.reference.clone(),
            reason: what.to_string(),
        };
        let reasons: Vec<Reason> = match r.eligibility.as_deref() {
            Some(j) => serde_json::from_str(j).map_err(|_| bad("eligibility"))?,
            None => Vec::new(),
        };
        Ok(ProposalSummary {
            requested: Money::from_fen(r.requested_fen).map_err(|_| bad("requested_fen"))?,
            status: ProposalStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            reasons: reasons.into_iter().map(|x| x.code).collect(),
            reference: r.reference,
            title: r.title,
            applicant: r.applicant,
            credit_code: r.credit_code,
            pi_name: r.pi_name,
            topic: r.topic,
            submitted_on: r.submitted_on,
        })
    }
}

/// Every proposal a filter matches, by reference in the officers' order (as the table's
/// first view shows them): for exports and the command line. A window reads
/// [`super::table::order`] and [`super::table::rows`] instead.
pub async fn list(pool: &Pool, filter: &Filter) -> Result<Vec<ProposalSummary>, Error> {
    let call = call::get(pool, &filter.call).await?;
    let sql = format!(
        "SELECT p.id, p.reference, p.title, a.name AS applicant, a.credit_code, p.pi_name,
            p.topic, p.requested_fen, p.status, p.submitted_on, p.eligibility{}",
        filter_clause()
    );
    let rows: Vec<SummaryRow> = filter
        .bind(crate::db::query_as(filter_sql(sql)), call.id)
        .fetch_all(pool)
        .await?;
    let mut keyed = rows
        .into_iter()
        .map(|r| {
            let key = (crate::collate::sort_key(&r.reference), r.id);
            ProposalSummary::try_from(r).map(|s| (key, s))
        })
        .collect::<Result<Vec<_>, _>>()?;
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, s)| s).collect())
}
