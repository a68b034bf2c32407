//! The officers' workflow benchmark: the sample call carried through the core stage by stage
//! (registration and eligibility; the reviewer pool, the draw and 200 scores; the decision
//! applied and the awards issued; a year of payments, reports and reviews), then the pages an
//! officer reads — dashboard, ranking, decision board, finance page — each the fastest of
//! five. Every act is one of the core's own transactions with its audit entries, so on a
//! server it measures what the network and the server add to an officer's every click.

use std::time::{Duration, Instant};

use crate::disbursement::bench::fastest;
use crate::error::Error;
use crate::review::ranking::Aggregate;
use crate::scratch::Scratch;
use crate::store::Stamp;

pub struct Figures {
    /// (stage, acts it made — audit entries —, time)
    pub stages: Vec<(&'static str, i64, Duration)>,
    /// (page, fastest of five)
    pub reads: Vec<(&'static str, Duration)>,
}

async fn entries(pool: &crate::store::Pool) -> Result<i64, Error> {
    let (n,): (i64,) = crate::db::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(pool)
        .await?;
    Ok(n)
}

pub async fn run(place: &mut Scratch, stamp: &Stamp) -> Result<Figures, Error> {
    let pool = place.fresh("workflow").await?;
    let code = super::CALL_CODE;
    // (stage, audit entries after it, time)
    let mut done: Vec<(&'static str, i64, Duration)> = Vec::new();
    let start = entries(&pool).await?;
    macro_rules! stage {
        ($name:expr, $act:expr) => {{
            let t = Instant::now();
            $act.await?;
            let took = t.elapsed();
            done.push(($name, entries(&pool).await?, took));
        }};
    }
    stage!(
        "40 proposals registered and checked",
        super::load(&pool, stamp)
    );
    stage!(
        "reviewer pool, draw, scores",
        super::load_reviewed(&pool, stamp)
    );
    stage!(
        "decision applied, awards issued",
        super::load_awarded(&pool, stamp)
    );
    stage!(
        "a year of payments and reports",
        super::load_disbursing(&pool, stamp)
    );
    let stages = done
        .iter()
        .scan(start, |before, &(name, after, took)| {
            let acts = after - *before;
            *before = after;
            Some((name, acts, took))
        })
        .collect();
    let day = stamp.today();
    let reads = vec![
        (
            "call dashboard",
            fastest(|| async { crate::dashboard::of_call(&pool, code).await.map(drop) }).await?,
        ),
        (
            "ranking",
            fastest(|| async {
                crate::review::rank_call(&pool, code, Aggregate::Mean)
                    .await
                    .map(drop)
            })
            .await?,
        ),
        (
            "decision board",
            fastest(|| async {
                crate::decision::board(
                    &pool,
                    &crate::review::table::Rankings::new(),
                    code,
                    Aggregate::Mean,
                    crate::decision::Rows::ALL,
                )
                .await
                .map(drop)
            })
            .await?,
        ),
        (
            "finance page",
            fastest(|| async {
                crate::disbursement::call_finance(
                    &pool,
                    code,
                    crate::disbursement::Period::Month,
                    day,
                )
                .await
                .map(drop)
            })
            .await?,
        ),
    ];
    pool.close().await;
    Ok(Figures { stages, reads })
}
