//! A rerunnable benchmark of the review stage's pure work at the scale: the draw and
//! the ranking for 10,000 proposals, 600 reviewers, 5 reviews each, 4 criteria. `grantdesk
//! bench review` prints the figures.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::assignment::{self, Expert, Slot};
use super::ranking::{self, Aggregate, ReviewInput};
use crate::disbursement::bench::Timing;

pub struct Figures {
    pub proposals: usize,
    pub cap: u32,
    pub reviewers: usize,
    pub need: u32,
    pub assigned: usize,
    pub short: usize,
    pub reviews: usize,
    pub ranked: usize,
    pub draw: Duration,
    pub weighting: Duration,
    pub rank: Duration,
}

/// Runs the draw and the ranking once on generated data (deterministic from `seed`). Each
/// reviewer's cap is the average load plus `headroom` (0: the caps are tight, and the draw's
/// augmenting paths do much of the work).
pub fn run(proposals: usize, reviewers: usize, need: u32, seed: u64, headroom: u32) -> Figures {
    let topics = ["AI", "AR", "VR"];
    let slots: Vec<Slot> = (0..proposals)
        .map(|p| Slot {
            proposal: p as i64,
            topic: topics[p % 3].to_string(),
            existing: Vec::new(),
        })
        .collect();
    // Each reviewer knows one or two topics; about one in fifty pairs is a conflict.
    let experts: Vec<Expert> = (0..reviewers)
        .map(|r| Expert {
            reviewer: 100_000 + r as i64,
            topics: if r % 4 == 0 {
                vec![topics[r % 3].to_string(), topics[(r + 1) % 3].to_string()]
            } else {
                vec![topics[r % 3].to_string()]
            },
            load: 0,
        })
        .collect();
    let conflicted: HashSet<(i64, i64)> = (0..proposals)
        .flat_map(|p| {
            (0..3).map(move |k| (100_000 + ((p * 7 + k * 13) % reviewers) as i64, p as i64))
        })
        .collect();
    let cap = (proposals as u32 * need).div_ceil(reviewers as u32) + headroom;
    let t = Instant::now();
    let d = assignment::draw(&slots, &experts, &conflicted, need, cap, seed);
    let draw = t.elapsed();

    let rubric = [(3000, 10), (2500, 10), (2000, 10), (2500, 10)];
    let t = Instant::now();
    let inputs: Vec<ReviewInput> = d
        .assigned
        .iter()
        .enumerate()
        .filter_map(|(i, &(p, r))| {
            let base = (p * 31 + r * 17 + i as i64) as u64;
            let scores: Vec<Option<u32>> = (0..4)
                .map(|k| {
                    if (base + k).is_multiple_of(23) {
                        None
                    } else {
                        Some(((base >> k) % 11) as u32)
                    }
                })
                .collect();
            ranking::weighted_score(&rubric, &scores).map(|weighted| ReviewInput {
                proposal: p,
                reviewer: r,
                weighted,
            })
        })
        .collect();
    let weighting = t.elapsed();
    let t = Instant::now();
    let ranked = ranking::rank(&inputs, 15.0, Aggregate::Calibrated).len();
    let rank = t.elapsed();
    Figures {
        cap,
        ranked,
        reviews: inputs.len(),
        proposals,
        reviewers,
        need,
        assigned: d.assigned.len(),
        short: d.short.len(),
        draw,
        weighting,
        rank,
    }
}

/// The ranking table of a reviewed call as the window asks for it (`grantdesk bench table
/// --reviewed`): (what, the fastest and the median of five, rows it gave). Beside it, what
/// the page did before: the whole ranking read at once, at each visit and each change of
/// order.
pub async fn table(
    pool: &crate::store::Pool,
    call_code: &str,
) -> Result<Vec<(String, Timing, usize)>, crate::error::Error> {
    use super::table::Rankings;
    use crate::disbursement::bench::timing;

    let mut steps = Vec::new();
    let n = std::cell::Cell::new(0);
    let took = timing(|| async {
        n.set(
            super::rank_call(pool, call_code, Aggregate::Mean)
                .await?
                .len(),
        );
        Ok(())
    })
    .await?;
    steps.push((
        "ranking read whole (the page's load before)".into(),
        took,
        n.get(),
    ));
    for (name, by) in [
        ("mean", Aggregate::Mean),
        ("trimmed mean", Aggregate::TrimmedMean),
        ("calibrated", Aggregate::Calibrated),
    ] {
        let took = timing(|| async {
            n.set(Rankings::new().order(pool, call_code, by).await?.rows.len());
            Ok(())
        })
        .await?;
        steps.push((
            format!("ranking ordered by {name}, ranked afresh"),
            took,
            n.get(),
        ));
    }
    let kept = Rankings::new();
    let order = kept.order(pool, call_code, Aggregate::Mean).await?;
    let took = timing(|| async {
        n.set(
            kept.order(pool, call_code, Aggregate::Mean)
                .await?
                .rows
                .len(),
        );
        Ok(())
    })
    .await?;
    steps.push((
        "ranking ordered again, nothing changed".into(),
        took,
        n.get(),
    ));
    let len = order.rows.len();
    for (what, at) in [
        ("top", 0),
        ("middle", len / 2),
        ("end", len.saturating_sub(120)),
    ] {
        let ids = &order.rows[at.min(len)..(at + 120).min(len)];
        let took = timing(|| async {
            kept.rows(pool, call_code, Aggregate::Mean, &order.version, ids)
                .await?;
            Ok(())
        })
        .await?;
        steps.push((
            format!("{} ranking lines read at the {what}", ids.len()),
            took,
            ids.len(),
        ));
    }
    // Another order of the kept reviews: a sort, not a read (each run alternates, so that
    // none finds its order made already).
    let flip = std::cell::Cell::new(false);
    let took = timing(|| async {
        let by = if flip.replace(!flip.get()) {
            Aggregate::Mean
        } else {
            Aggregate::Calibrated
        };
        n.set(kept.order(pool, call_code, by).await?.rows.len());
        Ok(())
    })
    .await?;
    steps.push((
        "ranking put in another order, nothing changed".into(),
        took,
        n.get(),
    ));
    debug_assert_eq!(
        kept.reads(),
        1,
        "every request after the first used the kept reviews"
    );
    steps.extend(decision_acts(pool, call_code).await?);
    Ok(steps)
}

/// The decision board of the reviewed call as the window asks for it (the first
/// [`BOARD_PAGE`](crate::decision::BOARD_PAGE) rows), and an award proposed then withdrawn on
/// it: (what, the fastest and the median of five, rows of the board).
async fn decision_acts(
    pool: &crate::store::Pool,
    call_code: &str,
) -> Result<Vec<(String, Timing, usize)>, crate::error::Error> {
    use super::table::Rankings;
    use crate::decision::{self, BOARD_PAGE, DecisionForm};
    use crate::disbursement::bench::timing;

    let page = decision::Rows::first(BOARD_PAGE);
    let mut steps = Vec::new();
    let n = std::cell::Cell::new(0);
    let kept = Rankings::new();
    let board = decision::board(pool, &kept, call_code, Aggregate::Mean, page).await?;
    for (what, rows, keep) in [
        (
            "decision board whole, read afresh".to_string(),
            decision::Rows::ALL,
            false,
        ),
        (
            format!("decision board, first {BOARD_PAGE} rows, read afresh"),
            page,
            false,
        ),
        (
            format!("decision board, first {BOARD_PAGE} rows, nothing changed"),
            page,
            true,
        ),
    ] {
        let took = timing(|| async {
            let fresh = Rankings::new();
            let by = if keep { &kept } else { &fresh };
            let b = decision::board(pool, by, call_code, Aggregate::Mean, rows).await?;
            n.set(b.rows.len());
            Ok(())
        })
        .await?;
        steps.push((what, took, n.get()));
    }
    // An award proposed on a proposal without one, and withdrawn: the record grows by two
    // entries a run, the decisions stay as they were.
    let Some(free) = board
        .rows
        .iter()
        .find(|r| r.reviewed && r.proposed.is_none() && r.requested <= board.remaining)
    else {
        return Ok(steps);
    };
    let stamp = crate::store::Stamp::now_for_os_user();
    let m = std::cell::Cell::new(0);
    let form = DecisionForm {
        call: call_code.into(),
        reference: free.reference.as_str().into(),
        ..Default::default()
    };
    let (proposing, withdrawing) = (
        std::cell::RefCell::new(Vec::new()),
        std::cell::RefCell::new(Vec::new()),
    );
    timing(|| async {
        let t = std::time::Instant::now();
        let b = decision::propose(pool, &kept, &stamp, &form, page).await?;
        proposing.borrow_mut().push(t.elapsed());
        m.set(b.rows.len());
        let t = std::time::Instant::now();
        let b = decision::withdraw(pool, &kept, &stamp, call_code, &free.reference, page).await?;
        withdrawing.borrow_mut().push(t.elapsed());
        n.set(b.rows.len());
        Ok(())
    })
    .await?;
    steps.push((
        "an award proposed, the board after it".into(),
        Timing::of(proposing.borrow().get(1..).unwrap_or(&[])),
        m.get(),
    ));
    steps.push((
        "that award withdrawn, the board after it".into(),
        Timing::of(withdrawing.borrow().get(1..).unwrap_or(&[])),
        n.get(),
    ));
    debug_assert_eq!(kept.reads(), 1, "the acts used the kept reviews");
    Ok(steps)
}
