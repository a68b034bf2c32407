//! The reviewer pool (评审专家库) and declared conflicts of interest (回避).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::ReviewError;
use crate::audit::{self, Change};
use crate::credit_code::CreditCode;
use crate::error::{Checks, Error, Invalid, StoreError, required};
use crate::form::Text;
use crate::store::{Pool, Stamp, begin_write, date_text};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    pub id: i64,
    pub name: String,
    pub affiliation: String,
    pub affiliation_code: Option<CreditCode>,
    pub email: String,
    pub phone: String,
    pub topics: Vec<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewerForm {
    pub name: Text,
    pub affiliation: Text,
    /// Credit code of the affiliation, if it is a registered organisation.
    pub affiliation_code: Text,
    pub email: Text,
    pub phone: Text,
    /// Topic codes the reviewer knows (AI, AR, VR…), as a list or one comma-separated text.
    pub topics: Vec<Text>,
    /// The version it was loaded at ([`crate::audit::version`]): saving is refused when
    /// someone changed it since. Absent in files and scripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_version: Option<i64>,
}

struct ReviewerSpec {
    name: String,
    affiliation: String,
    affiliation_code: Option<CreditCode>,
    email: String,
    phone: String,
    topics: Vec<String>,
}

impl ReviewerForm {
    fn validate(&self) -> Result<ReviewerSpec, ReviewError> {
        let mut c = Checks::default();
        c.require_text("name", self.name.as_str());
        c.require_text("affiliation", self.affiliation.as_str());
        let affiliation_code = match self.affiliation_code.as_str() {
            "" => None,
            code => c.take("affiliation_code", CreditCode::parse(code)),
        };
        let email = self.email.as_str().to_string();
        if email.is_empty() {
            c.push(required("email"));
        } else if !email
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
        {
            c.push(Invalid::new(
                "email",
                "email_format",
                format!("“{email}”不是有效的电子邮箱"),
                format!("\"{email}\" is not an e-mail address"),
            ));
        }
        let mut topics: Vec<String> = self
            .topics
            .iter()
            .flat_map(|t| {
                t.as_str()
                    .split([',', '，', ';', '、', ' '])
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .map(|t| t.trim().to_ascii_uppercase())
            .filter(|t| !t.is_empty())
            .collect();
        topics.sort();
        topics.dedup();
        if topics.is_empty() {
            c.push(Invalid::new(
                "topics",
                "required",
                "至少填写一个擅长的研究方向",
                "at least one topic of expertise is required",
            ));
        }
        if !c.is_empty() {
            return Err(ReviewError::Invalid(c.0));
        }
        Ok(ReviewerSpec {
            name: self.name.as_str().to_string(),
            affiliation: self.affiliation.as_str().to_string(),
            affiliation_code,
            email,
            phone: self.phone.as_str().to_string(),
            topics,
        })
    }
}

#[derive(FromRow)]
struct ReviewerRow {
    id: i64,
    name: String,
    affiliation: String,
    affiliation_code: Option<String>,
    email: String,
    phone: String,
    active: i64,
}

fn corrupt(id: i64, reason: String) -> StoreError {
    StoreError::Corrupt {
        table: "reviewers",
        id: id.to_string(),
        reason,
    }
}

pub(crate) async fn all_on(conn: &mut crate::db::Tx) -> Result<Vec<Reviewer>, Error> {
    let rows: Vec<ReviewerRow> = crate::db::query_as(
        "SELECT id, name, affiliation, affiliation_code, email, phone, active FROM reviewers ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let topics: Vec<(i64, String)> = crate::db::query_as(
        "SELECT reviewer_id, topic FROM reviewer_topics ORDER BY reviewer_id, topic",
    )
    .fetch_all(&mut *conn)
    .await?;
    assemble(rows, topics)
}

/// One reviewer: the pool of a national call holds thousands, and each review entered looks its
/// reviewer up.
pub(crate) async fn get_on(conn: &mut crate::db::Tx, id: i64) -> Result<Reviewer, Error> {
    let rows: Vec<ReviewerRow> = crate::db::query_as(
        "SELECT id, name, affiliation, affiliation_code, email, phone, active FROM reviewers WHERE id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let topics: Vec<(i64, String)> = crate::db::query_as(
        "SELECT reviewer_id, topic FROM reviewer_topics WHERE reviewer_id = $1 ORDER BY topic",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    assemble(rows, topics)?
        .pop()
        .ok_or_else(|| ReviewError::ReviewerNotFound(id).into())
}

/// Reviewers from their rows and their (reviewer, topic) rows, the topics in the order given.
fn assemble(rows: Vec<ReviewerRow>, topics: Vec<(i64, String)>) -> Result<Vec<Reviewer>, Error> {
    let mut by_id: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for (id, t) in topics {
        by_id.entry(id).or_default().push(t);
    }
    rows.into_iter()
        .map(|r| {
            let affiliation_code = r
                .affiliation_code
                .as_deref()
                .map(CreditCode::parse)
                .transpose()
                .map_err(|e| corrupt(r.id, e.to_string()))?;
            Ok(Reviewer {
                topics: by_id.remove(&r.id).unwrap_or_default(),
                id: r.id,
                name: r.name,
                affiliation: r.affiliation,
                affiliation_code,
                email: r.email,
                phone: r.phone,
                active: r.active == 1,
            })
        })
        .collect()
}

pub async fn list(pool: &Pool) -> Result<Vec<Reviewer>, Error> {
    let mut conn = pool.read().await?;
    all_on(&mut conn).await
}

async fn write_topics(conn: &mut crate::db::Tx, id: i64, topics: &[String]) -> Result<(), Error> {
    crate::db::query("DELETE FROM reviewer_topics WHERE reviewer_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for t in topics {
        crate::db::query("INSERT INTO reviewer_topics (reviewer_id, topic) VALUES ($1, $2)")
            .bind(id)
            .bind(t)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn email_taken(
    conn: &mut crate::db::Tx,
    email: &str,
    other_than: i64,
) -> Result<bool, Error> {
    let (n,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM reviewers WHERE lower(email) = lower($1) AND id <> $2",
    )
    .bind(email)
    .bind(other_than)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

pub async fn create(pool: &Pool, stamp: &Stamp, form: &ReviewerForm) -> Result<Reviewer, Error> {
    let mut tx = begin_write(pool).await?;
    let r = create_on(&mut tx, stamp, form).await?;
    tx.commit().await?;
    Ok(r)
}

async fn create_on(
    tx: &mut crate::db::Tx,
    stamp: &Stamp,
    form: &ReviewerForm,
) -> Result<Reviewer, Error> {
    let spec = form.validate()?;
    if email_taken(tx, &spec.email, 0).await? {
        return Err(ReviewError::DuplicateEmail(spec.email).into());
    }
    let at = stamp.at_text();
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO reviewers (name, affiliation, affiliation_code, email, phone, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
    )
    .bind(&spec.name)
    .bind(&spec.affiliation)
    .bind(spec.affiliation_code.as_ref().map(CreditCode::as_str))
    .bind(&spec.email)
    .bind(&spec.phone)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    write_topics(tx, id, &spec.topics).await?;
    let r = get_on(tx, id).await?;
    audit::record(tx, stamp, Change::new("reviewer", id, "create").after(&r)?).await?;
    Ok(r)
}

/// A reviewer list read from CSV or XLSX, all rows or none (see [`import`]). What both front
/// ends call.
pub async fn import_sheet(
    pool: &Pool,
    stamp: &Stamp,
    sheet: &crate::import::Sheet,
    dry_run: bool,
) -> Result<usize, Error> {
    let rows = super::sheet::reviewer_list(sheet)?;
    import(pool, stamp, &rows, dry_run).await
}

/// Adds reviewers from a list, all or nothing: every refused row is reported by number. A dry
/// run checks every row the same way, inside a transaction it then rolls back.
pub async fn import(
    pool: &Pool,
    stamp: &Stamp,
    rows: &[(usize, ReviewerForm)],
    dry_run: bool,
) -> Result<usize, Error> {
    let mut tx = begin_write(pool).await?;
    let mut refused = Vec::new();
    for (n, form) in rows {
        if let Err(e) = create_on(&mut tx, stamp, form).await {
            refused.push((
                *n,
                crate::error::Msg::new(
                    crate::error::Coded::message(&e, crate::lang::Lang::Zh),
                    crate::error::Coded::message(&e, crate::lang::Lang::En),
                ),
            ));
        }
    }
    if !refused.is_empty() {
        return Err(ReviewError::Rows(refused).into());
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(rows.len())
}

/// The form to edit reviewer `id` with, and the version it was read at (one snapshot):
/// saving it is refused if someone changes the reviewer in between ([`update`]).
pub async fn edit_form(pool: &Pool, id: i64) -> Result<ReviewerForm, Error> {
    let mut conn = pool.read().await?;
    let r = get_on(&mut conn, id).await?;
    Ok(ReviewerForm {
        name: r.name.as_str().into(),
        affiliation: r.affiliation.as_str().into(),
        affiliation_code: r
            .affiliation_code
            .as_ref()
            .map(CreditCode::as_str)
            .unwrap_or_default()
            .into(),
        email: r.email.as_str().into(),
        phone: r.phone.as_str().into(),
        topics: vec![r.topics.join(", ").into()],
        seen_version: Some(crate::audit::version(&mut conn, "reviewer", &id.to_string()).await?),
    })
}

pub async fn update(
    pool: &Pool,
    stamp: &Stamp,
    id: i64,
    form: &ReviewerForm,
) -> Result<Reviewer, Error> {
    let spec = form.validate()?;
    let mut tx = begin_write(pool).await?;
    let before = get_on(&mut tx, id).await?;
    crate::audit::unchanged_since(
        &mut tx,
        stamp,
        ("reviewer", "评审专家 ", "reviewer"),
        &id.to_string(),
        form.seen_version,
    )
    .await?;
    if email_taken(&mut tx, &spec.email, id).await? {
        return Err(ReviewError::DuplicateEmail(spec.email).into());
    }
    crate::db::query(
        "UPDATE reviewers SET name = $2, affiliation = $3, affiliation_code = $4, email = $5, phone = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(&spec.name)
    .bind(&spec.affiliation)
    .bind(spec.affiliation_code.as_ref().map(CreditCode::as_str))
    .bind(&spec.email)
    .bind(&spec.phone)
    .bind(stamp.at_text())
    .execute(&mut tx)
    .await?;
    write_topics(&mut tx, id, &spec.topics).await?;
    let after = get_on(&mut tx, id).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("reviewer", id, "update")
            .before(&before)?
            .after(&after)?,
    )
    .await?;
    // A new affiliation may put the reviewer in an applicant's organisation.
    super::store::recuse_conflicted(&mut tx, stamp, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deactivates (or reactivates) a reviewer: an inactive reviewer is never drawn.
pub async fn set_active(
    pool: &Pool,
    stamp: &Stamp,
    id: i64,
    active: bool,
) -> Result<Reviewer, Error> {
    let mut tx = begin_write(pool).await?;
    let before = get_on(&mut tx, id).await?;
    crate::db::query("UPDATE reviewers SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(active))
        .bind(stamp.at_text())
        .execute(&mut tx)
        .await?;
    let after = get_on(&mut tx, id).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(
        &mut tx,
        stamp,
        Change::new("reviewer", id, action)
            .before(&before.active)?
            .after(&after.active)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// What a declared conflict is with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictWith {
    Organisation(CreditCode),
    /// The organisation that submitted this proposal (every proposal it submits).
    ApplicantOf {
        call: String,
        reference: String,
    },
    Proposal {
        call: String,
        reference: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declared {
    pub reviewer: i64,
    pub with: ConflictWith,
    pub reason: String,
    /// The date of the declaration; by default the agency's today.
    pub declared_on: Option<NaiveDate>,
}

/// Records a declared conflict of interest. Any current assignment it forbids is recused in
/// the same transaction (its review, if any, no longer counts); returns how many.
pub async fn declare(pool: &Pool, stamp: &Stamp, d: &Declared) -> Result<usize, Error> {
    if d.reason.trim().is_empty() {
        return Err(ReviewError::Invalid(vec![required("reason")]).into());
    }
    let mut tx = begin_write(pool).await?;
    get_on(&mut tx, d.reviewer).await?;
    let (code, proposal_id) = match &d.with {
        ConflictWith::Organisation(c) => (Some(c.as_str().to_string()), None),
        ConflictWith::ApplicantOf { call, reference } => {
            (Some(proposal_of(&mut tx, call, reference).await?.1), None)
        }
        ConflictWith::Proposal { call, reference } => {
            (None, Some(proposal_of(&mut tx, call, reference).await?.0))
        }
    };
    // What is recorded: the organisation resolved, the date the agency's today by default.
    let d = &Declared {
        reviewer: d.reviewer,
        with: match (&d.with, &code) {
            (ConflictWith::ApplicantOf { .. }, Some(c)) => {
                ConflictWith::Organisation(CreditCode::parse(c)?)
            }
            (w, _) => w.clone(),
        },
        reason: d.reason.clone(),
        declared_on: Some(d.declared_on.unwrap_or_else(|| stamp.today())),
    };
    crate::db::query(
        "INSERT INTO conflicts (reviewer_id, credit_code, proposal_id, reason, declared_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.reviewer)
    .bind(code)
    .bind(proposal_id)
    .bind(d.reason.trim())
    .bind(date_text(d.declared_on.unwrap_or_else(|| stamp.today())))
    .bind(stamp.at_text())
    .execute(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("conflict", d.reviewer, "declare").after(d)?,
    )
    .await?;
    let recused = super::store::recuse_conflicted(&mut tx, stamp, d.reviewer).await?;
    tx.commit().await?;
    Ok(recused)
}

/// A proposal's id and its applicant's credit code.
async fn proposal_of(
    conn: &mut crate::db::Tx,
    call: &str,
    reference: &str,
) -> Result<(i64, String), Error> {
    let row: Option<(i64, String)> = crate::db::query_as(
        "SELECT p.id, a.credit_code FROM proposals p JOIN calls c ON c.id = p.call_id
         JOIN applicants a ON a.id = p.applicant_id WHERE c.code = $1 AND p.reference = $2",
    )
    .bind(call.trim().to_ascii_uppercase())
    .bind(reference.trim())
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| {
        crate::proposal::ProposalError::NotFound {
            call: call.to_string(),
            reference: reference.to_string(),
        }
        .into()
    })
}

/// A stored declared conflict: with an organisation (credit code) or with one proposal.
#[derive(Debug, FromRow)]
pub(crate) struct DeclaredRow {
    pub reviewer_id: i64,
    pub credit_code: Option<String>,
    pub proposal_id: Option<i64>,
    pub reason: String,
}

pub(crate) async fn declared_all(conn: &mut crate::db::Tx) -> Result<Vec<DeclaredRow>, Error> {
    Ok(crate::db::query_as(
        "SELECT reviewer_id, credit_code, proposal_id, reason FROM conflicts ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?)
}
