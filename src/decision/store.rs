//! Use cases of the decision stage: the board, proposing and withdrawing awards under the
//! hard limits, applying the optimiser's suggestion, the robustness view, and issuing awards.
//! Every write runs in one `BEGIN IMMEDIATE` transaction that re-reads the totals it checks,
//! so two officers deciding at once can never jointly pass a limit.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::FromRow;

use super::DecisionError;
use super::award::{self, Award, AwardStatus};
use super::board::{Board, BoardRow, Proposed, Rows, TopicTotal};
use super::form::{DecisionForm, IssueForm, SuggestForm};
use super::limits::{self, deciding, rules_of};
use super::number::NumberPattern;
use super::robustness::{self, Robustness};
use super::suggest::{self, Entry, Suggestion};
use crate::audit::{self, Change};
use crate::call::{self, Call, CallStatus};
use crate::error::{Checks, Error, Invalid, StoreError};
use crate::money::Money;
use crate::proposal::{BudgetLine, Category};
use crate::review::ranking::{self, Aggregate};
use crate::review::table::Rankings;
use crate::store::{Pool, Stamp, begin_write, date_text, parse_date};

/// What the board shows of a proposal beyond what is kept with its reviews: read for the rows
/// shown only.
#[derive(Debug, Clone, FromRow)]
struct Shown {
    id: i64,
    title: String,
    title_en: String,
    applicant: String,
    pi_name: String,
}

/// Up to this many rows shown (a page that asked for more rows a few times), their texts are
/// read by id, [`MAX_ROWS`](crate::proposal::table::MAX_ROWS) at a time; beyond (the whole
/// board of a large call), the call's at once.
const SHOWN_BY_ID: usize = 5_000;

async fn shown(conn: &mut crate::db::Tx, call: &Call, ids: &[i64]) -> Result<Vec<Shown>, Error> {
    const SELECT: &str = "SELECT p.id, p.title, p.title_en, a.name AS applicant, p.pi_name
         FROM proposals p JOIN applicants a ON a.id = p.applicant_id WHERE p.call_id = $1";
    if ids.len() > SHOWN_BY_ID {
        return Ok(crate::db::query_as(SELECT)
            .bind(call.id)
            .fetch_all(&mut *conn)
            .await?);
    }
    let mut texts = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::proposal::table::MAX_ROWS) {
        let sql = format!(
            "{SELECT} AND p.id IN ({})",
            crate::db::placeholders(2, chunk.len())
        );
        let mut q = crate::db::query_as::<Shown>(sqlx::AssertSqlSafe(sql)).bind(call.id);
        for id in chunk {
            q = q.bind(*id);
        }
        texts.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(texts)
}

#[derive(Debug, Clone, FromRow)]
struct DecisionRow {
    proposal_id: i64,
    amount_fen: i64,
    reason: String,
    /// The proposal's topic and status (it may have left the board since).
    topic: String,
    status: String,
}

async fn decisions(
    conn: &mut crate::db::Tx,
    call: &Call,
) -> Result<HashMap<i64, DecisionRow>, Error> {
    let rows: Vec<DecisionRow> = crate::db::query_as(
        "SELECT d.proposal_id, d.amount_fen, d.reason, p.topic, p.status
         FROM decisions d JOIN proposals p ON p.id = d.proposal_id WHERE d.call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.proposal_id, r)).collect())
}

fn fen(fen: i64) -> Result<Money, Error> {
    Ok(Money::from_fen(fen)?)
}

struct Context {
    call: Call,
    /// The board with every ranked proposal's row, their texts not read yet (see
    /// [`Context::board`]).
    board: Board,
    /// The proposal of each row of `board`.
    row_ids: Vec<i64>,
    /// The fundable proposals, in rank order, as the optimiser sees them.
    entries: Vec<Entry>,
    /// The reviews ranked (kept between requests, see [`Rankings`]).
    reviews: std::sync::Arc<Vec<crate::review::ranking::ReviewInput>>,
    /// The head of the audit chain the context was read at.
    head: (i64, String),
}

/// Reads what the decision acts decide on, inside the caller's transaction: the call, its
/// proposals, decisions and awards, and its reviews (the kept ones when nothing changed since
/// they were read) ranked by `order`.
async fn context(
    conn: &mut crate::db::Tx,
    kept: &Rankings,
    call_code: &str,
    order: Aggregate,
) -> Result<Context, Error> {
    let call = call::store_get_on(conn, call_code).await?;
    let head = audit::head(conn).await?;
    let chosen = decisions(conn, &call).await?;
    let awarded: HashMap<i64, String> = crate::db::query_as::<(i64, String)>(
        "SELECT proposal_id, number FROM awards WHERE call_id = $1",
    )
    .bind(call.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let reviewed = kept.reviewed(conn, &call, &head, order).await?;
    let (by_id, ranking) = (&reviewed.eligible, &reviewed.ranking);
    let need = call.spec.min_reviewers as usize;

    let mut rows = Vec::with_capacity(ranking.ranked.len());
    let mut row_ids = Vec::with_capacity(ranking.ranked.len());
    let mut entries = Vec::new();
    for r in &ranking.ranked {
        let Some(p) = by_id.get(&r.proposal) else {
            continue;
        };
        let id = r.proposal;
        let score = match order {
            Aggregate::Mean => r.mean,
            Aggregate::TrimmedMean => r.trimmed_mean,
            Aggregate::Calibrated => r.calibrated,
        };
        let requested = fen(p.requested_fen)?;
        let proposed = match chosen.get(&id) {
            Some(d) => {
                let amount = fen(d.amount_fen)?;
                Some(Proposed {
                    amount,
                    cut: requested.checked_sub(amount).unwrap_or_default(),
                    reason: d.reason.clone(),
                })
            }
            None => None,
        };
        let reviewed = r.reviews >= need;
        if reviewed {
            entries.push(Entry {
                id,
                reference: p.reference.clone(),
                topic: p.topic.clone(),
                rank: r.rank,
                figure: score,
                requested,
            });
        }
        row_ids.push(id);
        rows.push(BoardRow {
            reference: p.reference.clone(),
            title: String::new(),
            title_en: String::new(),
            applicant: String::new(),
            pi_name: String::new(),
            topic: p.topic.clone(),
            requested,
            rank: r.rank,
            tied: r.tied,
            score,
            reviews: r.reviews,
            disagreement: r.disagreement,
            reviewed,
            proposed,
            award_number: awarded.get(&id).cloned(),
        });
    }
    // The eligible proposals without a complete review are not ranked.
    let unreviewed = by_id.len().saturating_sub(ranking.ranked.len());

    let mut committed = Money::ZERO;
    let mut topics: Vec<TopicTotal> = call
        .spec
        .topics
        .iter()
        .map(|t| TopicTotal {
            code: t.code.clone(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
            awards: 0,
            committed: Money::ZERO,
        })
        .collect();
    for d in chosen.values() {
        let amount = fen(d.amount_fen)?;
        committed = committed
            .checked_add(amount)
            .ok_or(crate::money::MoneyError::Overflow("Σ decisions".into()))?;
        // A topic counts the decisions on proposals still under decision (as the committed
        // sum counts them all, until such a decision is taken off).
        let deciding = matches!(d.status.as_str(), "submitted" | "eligible" | "ineligible");
        if let Some(t) = topics.iter_mut().find(|t| deciding && t.code == d.topic) {
            t.awards += 1;
            t.committed = t.committed.checked_add(amount).unwrap_or(t.committed);
        }
    }
    let budget = call.spec.total_budget;
    let board = Board {
        call: call.spec.code.to_string(),
        title_zh: call.spec.title_zh.clone(),
        title_en: call.spec.title_en.clone(),
        status: call.status,
        actions: crate::call::CallActions::of(call.status),
        order,
        budget,
        max_awards: call.spec.max_awards,
        floor: call.spec.award_floor,
        ceiling: call.spec.award_ceiling,
        committed,
        remaining: budget.checked_sub(committed).unwrap_or_default(),
        committed_permille: u32::try_from(
            i128::from(committed.fen()) * 1000 / i128::from(budget.fen().max(1)),
        )
        .unwrap_or(u32::MAX),
        awards: chosen.len(),
        topics,
        ranked: rows.len(),
        rows,
        unreviewed,
        award_number_pattern: call.spec.award_number_pattern.clone(),
    };
    Ok(Context {
        call,
        board,
        row_ids,
        entries,
        reviews: reviewed.reviews,
        head,
    })
}

impl Context {
    /// The board with the rows `rows` asks for, in rank order, with their texts; `ranked`
    /// still counts them all.
    async fn board(self, conn: &mut crate::db::Tx, rows: Rows<'_>) -> Result<Board, Error> {
        let Context {
            call,
            mut board,
            row_ids,
            ..
        } = self;
        let first = rows.first.unwrap_or(usize::MAX);
        let also: std::collections::HashSet<&str> = rows.also.iter().map(String::as_str).collect();
        let (rows, ids): (Vec<BoardRow>, Vec<i64>) = board
            .rows
            .into_iter()
            .zip(row_ids)
            .enumerate()
            .filter(|(i, (r, _))| {
                *i < first
                    || r.proposed.is_some()
                    || r.award_number.is_some()
                    || also.contains(r.reference.as_str())
            })
            .map(|(_, row)| row)
            .unzip();
        let mut texts: HashMap<i64, Shown> = shown(conn, &call, &ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        board.rows = rows
            .into_iter()
            .zip(&ids)
            .map(|(mut r, id)| {
                if let Some(s) = texts.remove(id) {
                    (r.title, r.title_en, r.applicant, r.pi_name) =
                        (s.title, s.title_en, s.applicant, s.pi_name);
                }
                r
            })
            .collect();
        Ok(board)
    }
}

/// The decision board of a call, ranked by `order`, with the rows `rows` asks for. `kept`
/// keeps the call's reviews for the next request.
pub async fn board(
    pool: &Pool,
    kept: &Rankings,
    call_code: &str,
    order: Aggregate,
    rows: Rows<'_>,
) -> Result<Board, Error> {
    let mut conn = pool.read().await?;
    context(&mut conn, kept, call_code, order)
        .await?
        .board(&mut conn, rows)
        .await
}

/// The board after the caller's act, which wrote one audit entry and changed no review (the
/// reviews kept before it hold after it), before the commit.
async fn board_after(
    conn: &mut crate::db::Tx,
    kept: &Rankings,
    before: &Context,
    order: Aggregate,
    rows: Rows<'_>,
) -> Result<Board, Error> {
    let code = before.call.spec.code.as_str();
    kept.carry(code, &before.head, &audit::head(conn).await?)
        .await;
    context(conn, kept, code, order)
        .await?
        .board(conn, rows)
        .await
}

#[derive(Serialize)]
struct DecisionState<'a> {
    amount: Money,
    reason: &'a str,
}

/// Puts a proposal on the proposed award list, or changes its amount, inside every hard
/// limit: the call is closed; the proposal is eligible and has the call's minimum number of
/// reviews; the amount is within the floor and the ceiling and never above the request (a cut
/// needs a reason); the award count stays within the cap and the sum within the budget. The
/// board after it as [`board`] gives it.
pub async fn propose(
    pool: &Pool,
    kept: &Rankings,
    stamp: &Stamp,
    form: &DecisionForm,
    rows: Rows<'_>,
) -> Result<Board, Error> {
    let mut tx = begin_write(pool).await?;
    let ctx = context(&mut tx, kept, form.call.as_str(), Aggregate::Mean).await?;
    deciding(&ctx.call)?;
    let reference = form.reference.as_str();
    let row = ctx.board.rows.iter().find(|r| r.reference == reference);
    let found: Option<(i64, String)> = crate::db::query_as(
        "SELECT id, status FROM proposals WHERE call_id = $1 AND reference = $2
             AND status IN ('submitted', 'eligible', 'ineligible')",
    )
    .bind(ctx.call.id)
    .bind(reference)
    .fetch_optional(&mut tx)
    .await?;
    let Some((pid, status)) = found else {
        return Err(crate::proposal::ProposalError::NotFound {
            call: ctx.board.call.clone(),
            reference: reference.to_string(),
        }
        .into());
    };
    if status != "eligible" {
        return Err(DecisionError::NotEligible {
            reference: reference.to_string(),
        }
        .into());
    }
    let need = ctx.call.spec.min_reviewers;
    let Some(row) = row.filter(|r| r.reviewed) else {
        return Err(DecisionError::NotReviewed {
            reference: reference.to_string(),
            have: row.map_or(0, |r| r.reviews),
            need,
        }
        .into());
    };

    let mut c = Checks::default();
    let amount = match form.amount.as_str() {
        "" => Some(row.requested),
        s => c.take("amount", Money::parse(s)),
    };
    let reason = form.reason.as_str().to_string();
    if let Some(a) = amount {
        c.0.extend(limits::award_amount(
            &ctx.call.spec,
            row.requested,
            a,
            &reason,
        ));
    }
    let amount = match amount {
        Some(a) if c.is_empty() => a,
        _ => return Err(DecisionError::Invalid(c.0).into()),
    };

    let before = row.proposed.clone();
    if before.is_none() && ctx.board.awards >= ctx.call.spec.max_awards as usize {
        return Err(DecisionError::CapReached {
            cap: ctx.call.spec.max_awards,
        }
        .into());
    }
    let others = ctx
        .board
        .committed
        .checked_sub(before.as_ref().map_or(Money::ZERO, |p| p.amount))
        .unwrap_or_default();
    let budget = ctx.call.spec.total_budget;
    let remaining = budget.checked_sub(others).unwrap_or_default();
    if amount > remaining {
        return Err(DecisionError::OverBudget {
            over: amount.checked_sub(remaining).unwrap_or_default(),
            remaining,
            budget,
        }
        .into());
    }
    let at = stamp.at_text();
    crate::db::query(
        "INSERT INTO decisions (proposal_id, call_id, amount_fen, reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (proposal_id) DO UPDATE SET amount_fen = excluded.amount_fen,
             reason = excluded.reason, updated_at = excluded.updated_at",
    )
    .bind(pid)
    .bind(ctx.call.id)
    .bind(amount.fen())
    .bind(&reason)
    .bind(&at)
    .execute(&mut tx)
    .await?;
    let mut change = Change::new(
        "decision",
        format!("{}/{reference}", ctx.board.call),
        if before.is_some() {
            "change"
        } else {
            "propose"
        },
    )
    .after(&DecisionState {
        amount,
        reason: &reason,
    })?;
    if let Some(b) = &before {
        change = change.before(&DecisionState {
            amount: b.amount,
            reason: &b.reason,
        })?;
    }
    audit::record(&mut tx, stamp, change).await?;
    let board = board_after(&mut tx, kept, &ctx, Aggregate::Mean, rows).await?;
    tx.commit().await?;
    Ok(board)
}

/// Takes a proposal off the proposed award list; the board after it as [`board`] gives it.
pub async fn withdraw(
    pool: &Pool,
    kept: &Rankings,
    stamp: &Stamp,
    call_code: &str,
    reference: &str,
    rows: Rows<'_>,
) -> Result<Board, Error> {
    let mut tx = begin_write(pool).await?;
    let ctx = context(&mut tx, kept, call_code, Aggregate::Mean).await?;
    deciding(&ctx.call)?;
    // Any proposed award of the call, even of a proposal that has since left the board.
    let row: Option<(i64, i64, String)> = crate::db::query_as(
        "SELECT d.proposal_id, d.amount_fen, d.reason FROM decisions d
         JOIN proposals p ON p.id = d.proposal_id
         WHERE d.call_id = $1 AND p.reference = $2",
    )
    .bind(ctx.call.id)
    .bind(reference)
    .fetch_optional(&mut tx)
    .await?;
    let Some((pid, amount_fen, reason)) = row else {
        return Err(DecisionError::NotProposed {
            reference: reference.to_string(),
        }
        .into());
    };
    crate::db::query("DELETE FROM decisions WHERE proposal_id = $1")
        .bind(pid)
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new(
            "decision",
            format!("{}/{reference}", ctx.board.call),
            "withdraw",
        )
        .before(&DecisionState {
            amount: fen(amount_fen)?,
            reason: &reason,
        })?,
    )
    .await?;
    let board = board_after(&mut tx, kept, &ctx, Aggregate::Mean, rows).await?;
    tx.commit().await?;
    Ok(board)
}

/// The optimiser's suggestion for a call, beside the current board.
pub async fn suggest(
    pool: &Pool,
    kept: &Rankings,
    form: &SuggestForm,
) -> Result<Suggestion, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, form.call.as_str()).await?;
    let options = form.options(&call)?;
    let ctx = context(&mut conn, kept, form.call.as_str(), options.order).await?;
    Ok(suggest::suggest(
        &ctx.entries,
        &rules_of(&ctx.call),
        &options,
    ))
}

#[derive(Serialize)]
struct Listed<'a> {
    reference: &'a str,
    amount: Money,
}

/// Replaces the proposed award list by the optimiser's suggestion, in one transaction (the
/// officer adjusts afterwards). Refused when no set meets the limits. The board after it as
/// [`board`] gives it.
pub async fn apply(
    pool: &Pool,
    kept: &Rankings,
    stamp: &Stamp,
    form: &SuggestForm,
    rows: Rows<'_>,
) -> Result<Board, Error> {
    let mut tx = begin_write(pool).await?;
    let call = call::store_get_on(&mut tx, form.call.as_str()).await?;
    deciding(&call)?;
    let options = form.options(&call)?;
    let ctx = context(&mut tx, kept, form.call.as_str(), options.order).await?;
    let s = suggest::suggest(&ctx.entries, &rules_of(&ctx.call), &options);
    if !s.feasible {
        let mut why = s.warnings.clone();
        if why.is_empty() {
            why.push(crate::error::Msg::new(
                "各领域的最少资助数无法同时满足",
                "the topic minimums cannot all be met",
            ));
        }
        return Err(DecisionError::Infeasible(why).into());
    }
    // Every decision it replaces, those on proposals that have left the board included.
    let replaced: Vec<(String, i64, String)> = crate::db::query_as(
        "SELECT p.reference, d.amount_fen, d.reason FROM decisions d
         JOIN proposals p ON p.id = d.proposal_id WHERE d.call_id = $1 ORDER BY p.reference",
    )
    .bind(ctx.call.id)
    .fetch_all(&mut tx)
    .await?;
    #[derive(Serialize)]
    struct Replaced<'a> {
        reference: &'a str,
        amount: Money,
        reason: &'a str,
    }
    let before = replaced
        .iter()
        .map(|(reference, f, reason)| {
            Ok(Replaced {
                reference,
                amount: fen(*f)?,
                reason,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    crate::db::query("DELETE FROM decisions WHERE call_id = $1")
        .bind(ctx.call.id)
        .execute(&mut tx)
        .await?;
    let at = stamp.at_text();
    let ids: HashMap<&str, i64> = ctx
        .entries
        .iter()
        .map(|e| (e.reference.as_str(), e.id))
        .collect();
    for c in &s.chosen {
        let requested = ctx
            .entries
            .iter()
            .find(|e| e.reference == c.reference)
            .map_or(c.amount, |e| e.requested);
        let reason = match options.cut {
            Some(p) if c.amount < requested => format!("统一核减 {p}% / uniform cut of {p}%"),
            _ if c.amount < requested => "按资助上限核定 / set to the ceiling".to_string(),
            _ => String::new(),
        };
        crate::db::query(
            "INSERT INTO decisions (proposal_id, call_id, amount_fen, reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(ids.get(c.reference.as_str()).copied().unwrap_or_default())
        .bind(ctx.call.id)
        .bind(c.amount.fen())
        .bind(reason)
        .bind(&at)
        .execute(&mut tx)
        .await?;
    }
    let after: Vec<Listed> = s
        .chosen
        .iter()
        .map(|c| Listed {
            reference: &c.reference,
            amount: c.amount,
        })
        .collect();
    audit::record(
        &mut tx,
        stamp,
        Change::new("decision", &ctx.board.call, "apply_suggestion")
            .before(&before)?
            .after(&serde_json::json!({ "options": options, "awards": after }))?,
    )
    .await?;
    let board = board_after(&mut tx, kept, &ctx, options.order, rows).await?;
    tx.commit().await?;
    Ok(board)
}

/// The seeded bootstrap of the suggestion: how often each proposal would be funded if the
/// reviews were drawn again. By default [`robustness::DEFAULT_DRAWS`] draws with seed
/// [`robustness::DEFAULT_SEED`]; more than [`robustness::MAX_DRAWS`] is refused.
pub async fn robustness(
    pool: &Pool,
    kept: &Rankings,
    form: &SuggestForm,
    draws: Option<u32>,
    seed: Option<u64>,
) -> Result<Robustness, Error> {
    let draws = draws.unwrap_or(robustness::DEFAULT_DRAWS);
    if draws == 0 || draws > robustness::MAX_DRAWS {
        return Err(DecisionError::Invalid(vec![Invalid::new(
            "draws",
            "out_of_range",
            format!("重抽次数须在 1 到 {} 之间", robustness::MAX_DRAWS),
            format!("the draws must be from 1 to {}", robustness::MAX_DRAWS),
        )])
        .into());
    }
    let seed = seed.unwrap_or(robustness::DEFAULT_SEED);
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, form.call.as_str()).await?;
    let options = form.options(&call)?;
    let ctx = context(&mut conn, kept, form.call.as_str(), options.order).await?;
    let values = ranking::review_values(&ctx.reviews, options.order);
    let rules = rules_of(&ctx.call);
    // Seconds of work on every core at national scale: off the async workers.
    tokio::task::spawn_blocking(move || {
        robustness::bootstrap(&ctx.entries, &values, &rules, &options, draws, seed)
    })
    .await
    .map_err(|e| {
        Error::Store(StoreError::Corrupt {
            table: "review_scores",
            id: form.call.to_string(),
            reason: format!("the robustness draws stopped: {e}"),
        })
    })
}

#[derive(Debug, Clone, FromRow)]
struct AwardRow {
    id: i64,
    number: String,
    reference: String,
    title: String,
    title_en: String,
    applicant: String,
    pi_name: String,
    topic: String,
    requested_fen: i64,
    amount_fen: i64,
    reason: String,
    decided_on: String,
    start_on: String,
    end_on: String,
    status: String,
    call: String,
}

const AWARD_SELECT: &str =
    "SELECT w.id, w.number, p.reference, p.title, p.title_en, a.name AS applicant,
        p.pi_name, p.topic, w.requested_fen, w.amount_fen, w.reason, w.decided_on, w.start_on,
        w.end_on, w.status, c.code AS call
    FROM awards w JOIN proposals p ON p.id = w.proposal_id
    JOIN applicants a ON a.id = p.applicant_id JOIN calls c ON c.id = w.call_id";

async fn award_lines(conn: &mut crate::db::Tx, id: i64) -> Result<Vec<BudgetLine>, Error> {
    let rows: Vec<(String, i64, i64)> = crate::db::query_as(
        "SELECT category, year, amount_fen FROM award_budget_lines WHERE award_id = $1
         ORDER BY year, CASE category WHEN 'equipment' THEN 1 WHEN 'operations' THEN 2
                  WHEN 'personnel' THEN 3 ELSE 4 END",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(c, y, f)| {
            Ok(BudgetLine {
                category: Category::parse(&c).ok_or_else(|| corrupt(id, &c))?,
                year: u32::try_from(y).map_err(|_| corrupt(id, "year"))?,
                amount: fen(f)?,
            })
        })
        .collect()
}

fn corrupt(id: i64, what: &str) -> Error {
    Error::Store(StoreError::Corrupt {
        table: "awards",
        id: id.to_string(),
        reason: format!("bad value {what}"),
    })
}

async fn award_from(conn: &mut crate::db::Tx, r: AwardRow) -> Result<Award, Error> {
    let date = |s: &str| parse_date(s).ok_or_else(|| corrupt(r.id, s));
    Ok(Award {
        budget: award_lines(conn, r.id).await?,
        id: r.id,
        decided_on: date(&r.decided_on)?,
        start_on: date(&r.start_on)?,
        end_on: date(&r.end_on)?,
        status: AwardStatus::parse(&r.status).ok_or_else(|| corrupt(r.id, &r.status))?,
        next: AwardStatus::parse(&r.status)
            .map(AwardStatus::next)
            .unwrap_or_default(),
        requested: fen(r.requested_fen)?,
        amount: fen(r.amount_fen)?,
        number: r.number,
        call: r.call,
        reference: r.reference,
        title: r.title,
        title_en: r.title_en,
        applicant: r.applicant,
        pi_name: r.pi_name,
        topic: r.topic,
        reason: r.reason,
    })
}

async fn awards_on(conn: &mut crate::db::Tx, call: &Call) -> Result<Vec<Award>, Error> {
    let rows: Vec<AwardRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{AWARD_SELECT} WHERE w.call_id = $1 ORDER BY w.number_year, w.number_seq"
    )))
    .bind(call.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(award_from(conn, r).await?);
    }
    Ok(out)
}

/// The awards of a call, in number order.
pub async fn awards(pool: &Pool, call_code: &str) -> Result<Vec<Award>, Error> {
    let mut conn = pool.read().await?;
    let call = call::store_get_on(&mut conn, call_code).await?;
    awards_on(&mut conn, &call).await
}

/// Issues the proposed awards of a closed call: each gets the next number of the year from
/// the call's pattern (in rank order), its dates (end = start + the call's duration), its
/// approved budget (the request's lines scaled fen-exactly), its milestones and its schedule
/// of tranches; status offered. The call becomes decided. All in one transaction.
pub async fn issue(pool: &Pool, stamp: &Stamp, form: &IssueForm) -> Result<Vec<Award>, Error> {
    let dates = form.dates(stamp.today());
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Decide).await?;
    let ctx = context(
        &mut tx,
        &Rankings::new(),
        form.call.as_str(),
        Aggregate::Mean,
    )
    .await?;
    deciding(&ctx.call)?;
    let pattern = NumberPattern::parse(&ctx.board.award_number_pattern)
        .map_err(|e| DecisionError::Invalid(vec![e]))?;
    let (start, decided) = dates.map_err(DecisionError::Invalid)?;
    let Some(end) = award::end_date(start, ctx.call.spec.duration_months) else {
        return Err(DecisionError::Invalid(vec![Invalid::new(
            "start_on",
            "out_of_range",
            "开始日期超出范围",
            "the start date is out of range",
        )])
        .into());
    };
    let (chosen, pids): (Vec<&BoardRow>, Vec<i64>) = ctx
        .board
        .rows
        .iter()
        .zip(&ctx.row_ids)
        .filter(|(r, _)| r.proposed.is_some())
        .unzip();
    // Every proposed award must still hold: the proposal eligible and reviewed (it could
    // have been re-checked or reopened since), the amount within the limits and the request.
    let mut stale = Vec::new();
    if chosen.len() < ctx.board.awards {
        let listed: Vec<(String,)> = crate::db::query_as(
            "SELECT p.reference FROM decisions d JOIN proposals p ON p.id = d.proposal_id
             WHERE d.call_id = $1 ORDER BY p.reference",
        )
        .bind(ctx.call.id)
        .fetch_all(&mut tx)
        .await?;
        for (reference,) in listed {
            if !chosen.iter().any(|r| r.reference == reference) {
                stale.push(Invalid::new(
                    reference.clone(),
                    "no_longer_fundable",
                    format!(
                        "申请书 {reference} 已不是形式审查合格且完成评审的申请书，请移出拟资助名单"
                    ),
                    format!("{reference} is no longer eligible and reviewed: take it off the list"),
                ));
            }
        }
    }
    let spec = &ctx.call.spec;
    for r in &chosen {
        if let Some(p) = &r.proposed
            && (!r.reviewed
                || !limits::award_amount(spec, r.requested, p.amount, &p.reason).is_empty())
        {
            stale.push(Invalid::new(
                r.reference.clone(),
                "no_longer_within_limits",
                format!(
                    "申请书 {} 的拟资助金额 {} 已不符合限制（申请 {}，资助额度 {} – {}），请重新确定",
                    r.reference,
                    p.amount.format_yuan(),
                    r.requested.format_yuan(),
                    spec.award_floor.format_yuan(),
                    spec.award_ceiling.format_yuan()
                ),
                format!(
                    "the proposed {} for {} no longer fits (request {}, range {} – {}): decide it again",
                    p.amount.format_yuan(),
                    r.reference,
                    r.requested.format_yuan(),
                    spec.award_floor.format_yuan(),
                    spec.award_ceiling.format_yuan()
                ),
            ));
        }
    }
    // The list as a whole must still fit the call as it is now (its budget or cap may have
    // been lowered since the awards were proposed).
    stale.extend(spec.covers(call::Committed {
        amount: ctx.board.committed,
        awards: ctx.board.awards,
    }));
    if !stale.is_empty() {
        return Err(DecisionError::Invalid(stale).into());
    }
    if chosen.is_empty() {
        return Err(DecisionError::NothingToAward {
            call: ctx.board.call.clone(),
        }
        .into());
    }
    let year = chrono::Datelike::year(&decided);
    let (last,): (i64,) = crate::db::query_as(
        "SELECT COALESCE(MAX(number_seq), 0) FROM awards WHERE number_year = $1",
    )
    .bind(i64::from(year))
    .fetch_one(&mut tx)
    .await?;
    let at = stamp.at_text();
    let mut ids = Vec::new();
    for (i, (row, &pid)) in chosen.iter().zip(&pids).enumerate() {
        let Some(p) = &row.proposed else { continue };
        let seq = last + 1 + i as i64;
        let number = pattern.render(year, u32::try_from(seq).unwrap_or(u32::MAX));
        let (id,): (i64,) = crate::db::query_as(
            "INSERT INTO awards (call_id, proposal_id, number, number_year, number_seq, amount_fen,
                 requested_fen, reason, decided_on, start_on, end_on, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'offered', $12, $12) RETURNING id",
        )
        .bind(ctx.call.id)
        .bind(pid)
        .bind(&number)
        .bind(i64::from(year))
        .bind(seq)
        .bind(p.amount.fen())
        .bind(row.requested.fen())
        .bind(&p.reason)
        .bind(date_text(decided))
        .bind(date_text(start))
        .bind(date_text(end))
        .bind(&at)
        .fetch_one(&mut tx)
        .await?;
        let lines: Vec<(String, i64, i64)> = crate::db::query_as(
            "SELECT category, year, amount_fen FROM budget_lines WHERE proposal_id = $1
             ORDER BY year, category",
        )
        .bind(pid)
        .fetch_all(&mut tx)
        .await?;
        let lines: Vec<BudgetLine> = lines
            .into_iter()
            .filter_map(|(c, y, f)| {
                Some(BudgetLine {
                    category: Category::parse(&c)?,
                    year: u32::try_from(y).ok()?,
                    amount: Money::from_fen(f).ok()?,
                })
            })
            .collect();
        for l in award::scale_budget(&lines, p.amount)? {
            crate::db::query(
                "INSERT INTO award_budget_lines (award_id, category, year, amount_fen) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(l.category.as_str())
            .bind(i64::from(l.year))
            .bind(l.amount.fen())
            .execute(&mut tx)
            .await?;
        }
        ids.push(id);
    }
    crate::db::query("UPDATE calls SET status = 'decided', updated_at = $2 WHERE id = $1")
        .bind(ctx.call.id)
        .bind(&at)
        .execute(&mut tx)
        .await?;
    let issued = awards_on(&mut tx, &ctx.call).await?;
    for a in issued.iter().filter(|a| ids.contains(&a.id)) {
        audit::record(
            &mut tx,
            stamp,
            Change::new("award", &a.number, "issue").after(a)?,
        )
        .await?;
        // Its milestones and its schedule of tranches, from the call's template.
        crate::disbursement::store::create_for_award(&mut tx, stamp, &a.number).await?;
    }
    audit::record(
        &mut tx,
        stamp,
        Change::new("call", &ctx.board.call, "decided")
            .before(&ctx.call.status)?
            .after(&CallStatus::Decided)?,
    )
    .await?;
    tx.commit().await?;
    Ok(issued)
}

/// Moves an award along its lifecycle (offered → accepted → active …).
pub async fn set_award_status(
    pool: &Pool,
    stamp: &Stamp,
    number: &str,
    to: AwardStatus,
) -> Result<Award, Error> {
    let mut tx = crate::officer::begin_for(pool, crate::officer::Duty::Decide).await?;
    let row: Option<AwardRow> = crate::db::query_as(sqlx::AssertSqlSafe(format!(
        "{AWARD_SELECT} WHERE w.number = $1"
    )))
    .bind(number.trim())
    .fetch_optional(&mut tx)
    .await?;
    let Some(row) = row else {
        return Err(DecisionError::AwardNotFound(number.trim().to_string()).into());
    };
    let before = award_from(&mut tx, row).await?;
    if to == AwardStatus::Completed && before.status.can_become(AwardStatus::Completed) {
        return Err(crate::disbursement::store::completed_by_closeout(
            &before.number,
        ));
    }
    if !before.status.can_become(to) {
        return Err(DecisionError::IllegalTransition {
            number: before.number,
            from: before.status,
            to,
        }
        .into());
    }
    crate::db::query("UPDATE awards SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(before.id)
        .bind(to.as_str())
        .bind(stamp.at_text())
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("award", &before.number, to.as_str())
            .before(&before.status)?
            .after(&to)?,
    )
    .await?;
    // What the move does to its money: signing on acceptance, releasing what is unpaid when
    // it ends (and refusing completion before its final acceptance has passed).
    crate::disbursement::store::on_award_status(&mut tx, stamp, &before.number, to).await?;
    let mut after = before;
    after.status = to;
    after.next = to.next();
    tx.commit().await?;
    Ok(after)
}
