//! The figures of a call's dashboard: budget against requests, proposals by status and by
//! topic. Sums are taken in SQL over integer fen, so they are exact.

use serde::Serialize;
use sqlx::FromRow;

use crate::call::{self, Call};
use crate::error::{Error, StoreError};
use crate::money::Money;
use crate::proposal::ProposalStatus;
use crate::store::Pool;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub count: u64,
    pub requested: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusTally {
    pub status: ProposalStatus,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicTally {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(flatten)]
    pub all: Tally,
    pub eligible: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub call: Call,
    /// All proposals except withdrawn ones.
    pub proposals: Tally,
    pub eligible: Tally,
    pub ineligible: Tally,
    /// Every status, in lifecycle order, including those with no proposal.
    pub by_status: Vec<StatusTally>,
    /// Every topic of the call, in the call's order.
    pub by_topic: Vec<TopicTally>,
    /// Requested (all, not withdrawn) and eligible requests as a share of the total budget,
    /// in tenths of a percent (1000 = the whole budget), for drawing the budget bar.
    pub requested_permille: u64,
    pub eligible_permille: u64,
    /// The per-reviewer cap a draw starts from (the core's default).
    pub draw_cap: u32,
    /// What may be done with the call now.
    pub actions: crate::call::CallActions,
}

#[derive(FromRow)]
struct Group {
    topic: String,
    status: String,
    n: i64,
    fen: i64,
}

fn tally(
    groups: &[(String, ProposalStatus, u64, i64)],
    keep: impl Fn(&str, ProposalStatus) -> bool,
) -> Result<Tally, Error> {
    let mut count = 0;
    let mut fen: i64 = 0;
    for (topic, status, n, f) in groups {
        if keep(topic, *status) {
            count += n;
            fen = fen.saturating_add(*f);
        }
    }
    Ok(Tally {
        count,
        requested: Money::from_fen(fen)?,
    })
}

fn permille(part: Money, whole: Money) -> u64 {
    if whole.is_zero() {
        return 0;
    }
    // Integer division on fen: exact, rounded down.
    (i128::from(part.fen()) * 1000 / i128::from(whole.fen())) as u64
}

pub async fn of_call(pool: &Pool, code: &str) -> Result<Dashboard, Error> {
    let call = call::get(pool, code).await?;
    let rows: Vec<Group> = crate::db::query_as(
        "SELECT topic, status, COUNT(*) AS n, COALESCE(CAST(SUM(requested_fen) AS BIGINT), 0) AS fen
         FROM proposals WHERE call_id = $1 GROUP BY topic, status",
    )
    .bind(call.id)
    .fetch_all(pool)
    .await?;
    let groups = rows
        .into_iter()
        .map(|g| {
            let status = ProposalStatus::parse(&g.status).ok_or_else(|| StoreError::Corrupt {
                table: "proposals",
                id: g.topic.clone(),
                reason: format!("status {}", g.status),
            })?;
            Ok((g.topic, status, g.n.max(0) as u64, g.fen))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let live = |s: ProposalStatus| s != ProposalStatus::Withdrawn;
    let proposals = tally(&groups, |_, s| live(s))?;
    let eligible = tally(&groups, |_, s| s == ProposalStatus::Eligible)?;
    let ineligible = tally(&groups, |_, s| s == ProposalStatus::Ineligible)?;
    let by_status = ProposalStatus::ALL
        .into_iter()
        .map(|st| {
            Ok(StatusTally {
                status: st,
                tally: tally(&groups, |_, s| s == st)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let by_topic = call
        .spec
        .topics
        .iter()
        .map(|t| {
            Ok(TopicTally {
                code: t.code.clone(),
                name_zh: t.name_zh.clone(),
                name_en: t.name_en.clone(),
                all: tally(&groups, |topic, s| topic == t.code && live(s))?,
                eligible: tally(&groups, |topic, s| {
                    topic == t.code && s == ProposalStatus::Eligible
                })?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let budget = call.spec.total_budget;
    Ok(Dashboard {
        requested_permille: permille(proposals.requested, budget),
        eligible_permille: permille(eligible.requested, budget),
        draw_cap: crate::review::DEFAULT_DRAW_CAP,
        actions: crate::call::CallActions::of(call.status),
        call,
        proposals,
        eligible,
        ineligible,
        by_status,
        by_topic,
    })
}
