//! Use cases of spending: reports from the grantee, budget adjustments and their approval,
//! and close-out (结题). Each write is one transaction with its audit entry.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::FromRow;

use super::form::{AdjustDecisionForm, AdjustForm, CloseoutForm, ReportForm};
use super::spending::{
    Adjustment, AdjustmentStatus, Closeout, Report, Spending, analyse, check_adjustment,
    current_budget, reports_due,
};
use super::store::{
    AwardFinance, Head, add, corrupt, day, finance, head, money, open_award, record_clawback,
    release, sub,
};
use super::{DisbursementError, Milestone, MilestoneKind, Outcome};
use crate::audit::{self, Change};
use crate::call::Unspent;
use crate::decision::AwardStatus;
use crate::error::{Error, Msg};
use crate::money::Money;
use crate::proposal::{BudgetLine, Category};
use crate::store::{Pool, Stamp, begin_write, date_text};

fn category(table: &'static str, id: i64, s: &str) -> Result<Category, Error> {
    Category::parse(s).ok_or_else(|| corrupt(table, id, s))
}

/// Whose rows a read takes: one award's, or every award's of a call (for the call's page).
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope {
    Award(i64),
    Call(i64),
}

impl Scope {
    /// The condition on `awards w`, with its one parameter.
    pub(super) fn filter(self) -> (&'static str, i64) {
        match self {
            Scope::Award(id) => ("w.id = $1", id),
            Scope::Call(id) => ("w.call_id = $1", id),
        }
    }

    /// One award's rows out of a read by award.
    pub(super) fn one<T>(award: i64, mut by: HashMap<i64, Vec<T>>) -> Vec<T> {
        by.remove(&award).unwrap_or_default()
    }
}

pub(super) async fn budgets(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Vec<BudgetLine>>, Error> {
    let (cond, id) = scope.filter();
    let rows: Vec<(i64, String, i64, i64)> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT l.award_id, l.category, l.year, l.amount_fen FROM award_budget_lines l
         JOIN awards w ON w.id = l.award_id WHERE {cond} ORDER BY l.award_id, l.year, l.category"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<BudgetLine>> = HashMap::new();
    let t = "award_budget_lines";
    for (award, c, y, f) in rows {
        out.entry(award).or_default().push(BudgetLine {
            category: category(t, award, &c)?,
            year: u32::try_from(y).map_err(|_| corrupt(t, award, "year"))?,
            amount: money(t, award, f)?,
        });
    }
    Ok(out)
}

#[derive(FromRow)]
struct AdjustmentRow {
    award_id: i64,
    id: i64,
    year: i64,
    from_category: String,
    to_category: String,
    amount_fen: i64,
    reason: String,
    status: String,
    requested_on: String,
    requested_by: String,
    decided_on: Option<String>,
    decided_by: Option<String>,
    decision_note: String,
}

pub(super) async fn adjustments(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Vec<Adjustment>>, Error> {
    let (cond, id) = scope.filter();
    let rows: Vec<AdjustmentRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT b.award_id, b.id, b.year, b.from_category, b.to_category, b.amount_fen, b.reason,
             b.status, b.requested_on, b.requested_by, b.decided_on, b.decided_by, b.decision_note
         FROM budget_adjustments b JOIN awards w ON w.id = b.award_id WHERE {cond}
         ORDER BY COALESCE(b.decided_on, b.requested_on), b.id"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let t = "budget_adjustments";
    let mut out: HashMap<i64, Vec<Adjustment>> = HashMap::new();
    for r in rows {
        out.entry(r.award_id).or_default().push(Adjustment {
            year: u32::try_from(r.year).map_err(|_| corrupt(t, r.id, "year"))?,
            from: category(t, r.id, &r.from_category)?,
            to: category(t, r.id, &r.to_category)?,
            amount: money(t, r.id, r.amount_fen)?,
            status: AdjustmentStatus::parse(&r.status)
                .ok_or_else(|| corrupt(t, r.id, &r.status))?,
            requested_on: day(t, r.id, &r.requested_on)?,
            decided_on: r
                .decided_on
                .as_deref()
                .map(|s| day(t, r.id, s))
                .transpose()?,
            id: r.id,
            reason: r.reason,
            requested_by: r.requested_by,
            decided_by: r.decided_by,
            decision_note: r.decision_note,
            version: None,
        });
    }
    Ok(out)
}

#[derive(FromRow)]
struct ReportRow {
    award_id: i64,
    id: i64,
    year: i64,
    is_final: i64,
    submitted_on: String,
    note: String,
}

pub(super) async fn reports(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Vec<Report>>, Error> {
    let (cond, id) = scope.filter();
    let heads: Vec<ReportRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.award_id, r.id, r.year, r.is_final, r.submitted_on, r.note
         FROM spending_reports r JOIN awards w ON w.id = r.award_id WHERE {cond}
         ORDER BY r.award_id, r.year"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<(i64, String, i64)> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT l.report_id, l.category, l.amount_fen FROM spending_lines l
         JOIN spending_reports r ON r.id = l.report_id JOIN awards w ON w.id = r.award_id
         WHERE {cond}"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let t = "spending_reports";
    let mut by_report: HashMap<i64, Vec<(Category, Money)>> = HashMap::new();
    for (report, c, f) in lines {
        by_report
            .entry(report)
            .or_default()
            .push((category(t, report, &c)?, money(t, report, f)?));
    }
    let mut out: HashMap<i64, Vec<Report>> = HashMap::new();
    for r in heads {
        let mut mine = by_report.remove(&r.id).unwrap_or_default();
        mine.sort_by_key(|l| Category::ALL.iter().position(|c| *c == l.0));
        out.entry(r.award_id).or_default().push(Report {
            year: u32::try_from(r.year).map_err(|_| corrupt(t, r.id, "year"))?,
            is_final: r.is_final != 0,
            submitted_on: day(t, r.id, &r.submitted_on)?,
            id: r.id,
            note: r.note,
            lines: mine,
        });
    }
    Ok(out)
}

/// An award's spending: its budget as approved and as adjusted, its reports against it, the
/// flags, and the reports it owes on `today`.
pub(super) async fn spending(
    conn: &mut crate::db::Tx,
    h: &Head,
    milestones: &[Milestone],
    today: NaiveDate,
) -> Result<Spending, Error> {
    let scope = Scope::Award(h.id);
    let original = Scope::one(h.id, budgets(conn, scope).await?);
    let adjs = Scope::one(h.id, adjustments(conn, scope).await?);
    let reps = Scope::one(h.id, reports(conn, scope).await?);
    Ok(spending_from(h, milestones, original, adjs, reps, today))
}

/// The spending of an award from what was read of it.
pub(super) fn spending_from(
    h: &Head,
    milestones: &[Milestone],
    original: Vec<BudgetLine>,
    mut adjs: Vec<Adjustment>,
    reps: Vec<Report>,
    today: NaiveDate,
) -> Spending {
    let budget = current_budget(&original, &mut adjs);
    let version = adjs.iter().filter_map(|a| a.version).max().unwrap_or(1);
    let (categories, years, flags) = analyse(&budget, &reps, h.tolerance);
    let final_due = milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::Acceptance)
        .map_or(h.end_on, |m| m.due_on);
    let submitted: Vec<u32> = reps.iter().map(|r| r.year).collect();
    // A final report marked early (an award ending early) settles every later year too.
    let final_year = reps.iter().filter(|r| r.is_final).map(|r| r.year).min();
    let mut due = reports_due(h.start_on, h.years(), final_due, &submitted, today);
    if let Some(fy) = final_year {
        due.retain(|d| d.year <= fy);
    }
    let spent = reps.iter().fold(Money::ZERO, |a, r| add(a, r.total()));
    adjs.reverse();
    Spending {
        version,
        original,
        budget,
        categories,
        years,
        flags: flags.iter().map(|f| f.texts()).collect(),
        reports: reps,
        due,
        adjustments: adjs,
        spent,
        tolerance: h.tolerance,
        needs_approval: h.approval.clone(),
    }
}

#[derive(FromRow)]
struct CloseoutRow {
    award_id: i64,
    closed_on: String,
    outcome: String,
    spent_fen: i64,
    balance_fen: i64,
    kept: i64,
    clawback_id: Option<i64>,
    note: String,
}

pub(super) async fn closeouts(
    conn: &mut crate::db::Tx,
    scope: Scope,
) -> Result<HashMap<i64, Closeout>, Error> {
    let (cond, id) = scope.filter();
    let rows: Vec<CloseoutRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.award_id, c.closed_on, c.outcome, c.spent_fen, c.balance_fen, c.kept,
             c.clawback_id, c.note
         FROM closeouts c JOIN awards w ON w.id = c.award_id WHERE {cond}"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let t = "closeouts";
    let mut out = HashMap::new();
    for r in rows {
        let award = r.award_id;
        out.insert(
            award,
            Closeout {
                closed_on: day(t, award, &r.closed_on)?,
                outcome: AwardStatus::parse(&r.outcome)
                    .ok_or_else(|| corrupt(t, award, &r.outcome))?,
                spent: money(t, award, r.spent_fen)?,
                balance: money(t, award, r.balance_fen)?,
                kept: r.kept != 0,
                clawback: r.clawback_id,
                note: r.note,
            },
        );
    }
    Ok(out)
}

pub(super) async fn closeout_of(
    conn: &mut crate::db::Tx,
    award: i64,
) -> Result<Option<Closeout>, Error> {
    Ok(closeouts(conn, Scope::Award(award)).await?.remove(&award))
}

fn not_closed_out(f: &AwardFinance) -> Result<(), Error> {
    if f.closeout.is_some() {
        return Err(DisbursementError::AwardClosed {
            award: f.number.clone(),
            status: f.status,
        }
        .into());
    }
    Ok(())
}

/// Records (or corrects) the spending report of a project year. The last year's report is the
/// final one (决算); an earlier one may be marked final when the award ends early.
pub async fn report(pool: &Pool, stamp: &Stamp, form: &ReportForm) -> Result<AwardFinance, Error> {
    let today = stamp.today();
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    let input = form.check(today, h.years())?;
    let before = finance(&mut tx, &h, today).await?;
    not_closed_out(&before)?;
    if h.status == AwardStatus::Offered {
        return Err(DisbursementError::Held {
            award: h.number,
            holds: vec![super::Hold::NotSigned.texts()],
        }
        .into());
    }
    if input.submitted_on < h.start_on {
        return Err(Error::invalid(
            "submitted_on",
            "before_start",
            format!(
                "提交日期 {} 早于资助开始日 {}",
                input.submitted_on, h.start_on
            ),
            format!(
                "the date {} is before the award starts on {}",
                input.submitted_on, h.start_on
            ),
        ));
    }
    let prior = before
        .spending
        .reports
        .iter()
        .find(|r| r.year == input.year)
        .cloned();
    let at = stamp.at_text();
    let id = match &prior {
        Some(r) => {
            crate::db::query("DELETE FROM spending_lines WHERE report_id = $1")
                .bind(r.id)
                .execute(&mut tx)
                .await?;
            crate::db::query(
                "UPDATE spending_reports SET is_final = $2, submitted_on = $3, note = $4 WHERE id = $1",
            )
            .bind(r.id)
            .bind(input.is_final)
            .bind(date_text(input.submitted_on))
            .bind(form.note.as_str())
            .execute(&mut tx)
            .await?;
            r.id
        }
        None => {
            let (id,): (i64,) = crate::db::query_as(
                "INSERT INTO spending_reports (award_id, year, is_final, submitted_on, note, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(h.id)
            .bind(i64::from(input.year))
            .bind(input.is_final)
            .bind(date_text(input.submitted_on))
            .bind(form.note.as_str())
            .bind(&at)
            .fetch_one(&mut tx)
            .await?;
            id
        }
    };
    for (c, m) in &input.lines {
        crate::db::query(
            "INSERT INTO spending_lines (report_id, category, amount_fen) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(c.as_str())
        .bind(m.fen())
        .execute(&mut tx)
        .await?;
    }
    let after = finance(&mut tx, &h, today).await?;
    let now = after.spending.reports.iter().find(|r| r.id == id);
    let mut change = Change::new(
        "report",
        format!("{}/{}", h.number, input.year),
        if prior.is_some() { "correct" } else { "submit" },
    );
    if let Some(p) = &prior {
        change = change.before(p)?;
    }
    audit::record(&mut tx, stamp, change.after(&now)?).await?;
    tx.commit().await?;
    Ok(after)
}

/// Records a budget adjustment (预算调剂). Raising indirect costs is refused; an increase of a
/// category the call names needs the agency's approval and waits for it; any other is the
/// institution's own decision and takes effect as recorded, as a new budget version.
pub async fn adjust(pool: &Pool, stamp: &Stamp, form: &AdjustForm) -> Result<AwardFinance, Error> {
    let today = stamp.today();
    let mut tx = begin_write(pool).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    let a = form.check(h.years(), h.year_of(today))?;
    open_award(&h)?;
    let before = finance(&mut tx, &h, today).await?;
    not_closed_out(&before)?;
    check_adjustment(
        &before.spending.budget,
        h.years(),
        a.year,
        a.from,
        a.to,
        a.amount,
    )
    .map_err(DisbursementError::Invalid)?;
    let status = if h.approval.contains(&a.to) {
        AdjustmentStatus::Requested
    } else {
        AdjustmentStatus::Recorded
    };
    let at = stamp.at_text();
    let (id,): (i64,) = crate::db::query_as(
        "INSERT INTO budget_adjustments (award_id, year, from_category, to_category, amount_fen,
             reason, status, requested_on, requested_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(h.id)
    .bind(i64::from(a.year))
    .bind(a.from.as_str())
    .bind(a.to.as_str())
    .bind(a.amount.fen())
    .bind(&a.reason)
    .bind(status.as_str())
    .bind(date_text(today))
    .bind(&stamp.actor)
    .bind(&at)
    .fetch_one(&mut tx)
    .await?;
    let after = finance(&mut tx, &h, today).await?;
    let made = after.spending.adjustments.iter().find(|x| x.id == id);
    audit::record(
        &mut tx,
        stamp,
        Change::new("adjustment", id, status.as_str()).after(&made)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The agency approves or refuses an adjustment that waits for it. An approval is checked
/// against the budget as it stands then (another adjustment may have used the line since).
pub async fn decide_adjustment(
    pool: &Pool,
    stamp: &Stamp,
    form: &AdjustDecisionForm,
) -> Result<AwardFinance, Error> {
    let (id, approve) = form.check()?;
    let today = stamp.today();
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Decide).await?;
    let number: Option<(String,)> = crate::db::query_as(
        "SELECT w.number FROM budget_adjustments b JOIN awards w ON w.id = b.award_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut tx)
    .await?;
    let Some((number,)) = number else {
        return Err(Error::invalid(
            "adjustment",
            "not_found",
            format!("没有编号为 #{id} 的调剂申请"),
            format!("there is no adjustment #{id}"),
        ));
    };
    let h = head(&mut tx, &number).await?;
    open_award(&h)?;
    let before = finance(&mut tx, &h, today).await?;
    let Some(adj) = before
        .spending
        .adjustments
        .iter()
        .find(|a| a.id == id)
        .cloned()
    else {
        return Err(corrupt("budget_adjustments", id, "award"));
    };
    if adj.status != AdjustmentStatus::Requested {
        return Err(Error::invalid(
            "adjustment",
            "already_decided",
            format!(
                "调剂申请 #{id} 为“{}”，无需审批",
                adj.status.label(crate::Lang::Zh)
            ),
            format!(
                "adjustment #{id} is {}: there is nothing to decide",
                adj.status.label(crate::Lang::En)
            ),
        ));
    }
    if approve {
        check_adjustment(
            &before.spending.budget,
            h.years(),
            adj.year,
            adj.from,
            adj.to,
            adj.amount,
        )
        .map_err(DisbursementError::Invalid)?;
    }
    let to = if approve {
        AdjustmentStatus::Approved
    } else {
        AdjustmentStatus::Refused
    };
    crate::db::query(
        "UPDATE budget_adjustments SET status = $2, decided_on = $3, decided_by = $4,
             decision_note = $5, updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(to.as_str())
    .bind(date_text(today))
    .bind(&stamp.actor)
    .bind(form.note.as_str())
    .bind(stamp.at_text())
    .execute(&mut tx)
    .await?;
    let after = finance(&mut tx, &h, today).await?;
    let now = after.spending.adjustments.iter().find(|x| x.id == id);
    audit::record(
        &mut tx,
        stamp,
        Change::new("adjustment", id, if approve { "approve" } else { "refuse" })
            .before(&adj)?
            .after(&now)?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Close-out (结题): once the final acceptance is decided (or the award is suspended or
/// terminated) and the final report is in, the unspent balance (net paid less spent) is left
/// with the institution (passed, where the call keeps it) or recovered by a clawback; what
/// is unpaid of the schedule is released; the award completes (passed) or ends terminated,
/// and its ledger closes at zero outstanding.
pub async fn closeout(
    pool: &Pool,
    stamp: &Stamp,
    form: &CloseoutForm,
) -> Result<AwardFinance, Error> {
    let today = stamp.today();
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Decide).await?;
    let h = head(&mut tx, form.award.as_str()).await?;
    let f = finance(&mut tx, &h, today).await?;
    not_closed_out(&f)?;
    let not_ready = |why: Msg| -> Error {
        DisbursementError::NotReadyToComplete {
            award: h.number.clone(),
            why,
        }
        .into()
    };
    let acceptance = f
        .milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::Acceptance)
        .and_then(|m| m.outcome);
    let outcome = match (h.status, acceptance, f.suspended) {
        (AwardStatus::Terminated, _, _) => AwardStatus::Terminated,
        (AwardStatus::Offered, _, _) => {
            return Err(not_ready(Msg::new(
                "资助尚未接受，可直接终止",
                "the award is only offered: terminate it instead",
            )));
        }
        (AwardStatus::Completed, _, _) => {
            return Err(DisbursementError::AwardClosed {
                award: h.number.clone(),
                status: h.status,
            }
            .into());
        }
        (_, Some(Outcome::Passed), false) => AwardStatus::Completed,
        (_, Some(Outcome::Failed), _) | (_, _, true) => AwardStatus::Terminated,
        _ => {
            return Err(not_ready(Msg::new(
                "结题验收尚无结论",
                "its final acceptance has not been decided",
            )));
        }
    };
    if outcome == AwardStatus::Completed
        && let Some(t) = f
            .tranches
            .iter()
            .find(|t| !t.open.is_zero() && t.blocked.is_empty() && t.released_on.is_none())
    {
        return Err(not_ready(Msg::new(
            format!(
                "第 {} 笔尚有 {} 可拨付：验收通过的项目请先拨付",
                t.seq,
                t.open.format_yuan()
            ),
            format!(
                "tranche {} still has {} to pay: a project that passed is paid before it is closed out",
                t.seq,
                t.open.format_yuan()
            ),
        )));
    }
    let Some(last) = f.spending.reports.iter().find(|r| r.is_final) else {
        return Err(not_ready(Msg::new(
            "尚未提交决算报告（最后一年度的经费使用情况报告）",
            "the final spending report has not been submitted",
        )));
    };
    let in_flight = f
        .payments
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                super::PaymentStatus::Approved | super::PaymentStatus::Failed
            )
        })
        .count();
    if in_flight > 0 {
        return Err(not_ready(Msg::new(
            format!("尚有 {in_flight} 笔已审批未完成的拨款，请先支付或撤销"),
            format!("{in_flight} approved payments are not yet paid or cancelled"),
        )));
    }
    let spent = f.spending.spent;
    let balance = sub(f.ledger.net_paid, spent);
    let kept = outcome == AwardStatus::Completed && h.unspent == Unspent::KeepIfPassed;
    let at = stamp.at_text();
    let mut clawback = None;
    if !kept && !balance.is_zero() {
        let reason = "结余资金收回 / unspent balance recovered at close-out";
        let p = record_clawback(&mut tx, stamp, &h, balance, today, reason).await?;
        clawback = Some(p.id);
    }
    release(
        &mut tx,
        stamp,
        &h,
        &Msg::new(
            "结题，未拨部分释放",
            "closed out: the unpaid part is released",
        ),
    )
    .await?;
    if h.status != outcome {
        crate::db::query("UPDATE awards SET status = $2, updated_at = $3 WHERE id = $1")
            .bind(h.id)
            .bind(outcome.as_str())
            .bind(&at)
            .execute(&mut tx)
            .await?;
        audit::record(
            &mut tx,
            stamp,
            Change::new("award", &h.number, outcome.as_str())
                .before(&h.status)?
                .after(&outcome)?,
        )
        .await?;
    }
    crate::db::query(
        "INSERT INTO closeouts (award_id, closed_on, outcome, spent_fen, balance_fen, kept,
             clawback_id, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(h.id)
    .bind(date_text(today))
    .bind(outcome.as_str())
    .bind(spent.fen())
    .bind(balance.fen())
    .bind(kept)
    .bind(clawback)
    .bind(form.note.as_str())
    .bind(&at)
    .execute(&mut tx)
    .await?;
    let h = head(&mut tx, &h.number).await?;
    let after = finance(&mut tx, &h, today).await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("award", &h.number, "closeout").after(&(
            &after.closeout,
            &after.ledger,
            last.year,
        ))?,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// What the unspent balance of a closed award became, in words.
pub fn unspent_words(c: &Closeout) -> Msg {
    if c.kept {
        Msg::new(
            format!("结余资金 {} 留归承担单位使用", c.balance.format_yuan()),
            format!(
                "the unspent {} stays with the institution",
                c.balance.format_yuan()
            ),
        )
    } else {
        Msg::new(
            format!("结余资金 {} 已收回", c.balance.format_yuan()),
            format!("the unspent {} was recovered", c.balance.format_yuan()),
        )
    }
}
