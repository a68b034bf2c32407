//! The proposals table at national scale (`grantdesk bench table`): a call of many proposals
//! ordered by each column, searched and filtered, and windows of lines read at its top, middle
//! and end — what the window asks of the core as an officer sorts, types and scrolls. Beside
//! it, what the page did before the core sorted: every line of the call read at once.

use std::time::{Duration, Instant};

use super::table::{self, Column, Sort};
use super::{Filter, ProposalStatus};
use crate::disbursement::bench::{Timing, timing};
use crate::error::Error;
use crate::store::{Pool, Stamp};

pub struct Figures {
    pub proposals: u64,
    /// Time to write the call (zero when an existing database was used).
    pub fill: Duration,
    /// (what, the fastest and the median of five, rows it gave)
    pub steps: Vec<(String, Timing, usize)>,
}

/// A window's worth of lines: about two screens and the reading ahead the page does.
const WINDOW: usize = 120;

/// Times the table's requests on `pool`, first filling the scale call up to `proposals` when
/// it has fewer; `reviewed`: carried through review, and the ranking table timed too.
pub async fn run(
    pool: &Pool,
    proposals: usize,
    reviewed: bool,
    stamp: &Stamp,
) -> Result<Figures, Error> {
    let t = Instant::now();
    let loaded = if reviewed {
        let r = crate::demo::load_scaled_reviewed(pool, stamp, proposals).await?;
        r.loaded.proposals_created + r.reviews_entered
    } else {
        crate::demo::load_scaled(pool, stamp, proposals)
            .await?
            .proposals_created
    };
    let fill = if loaded > 0 {
        t.elapsed()
    } else {
        Duration::ZERO
    };
    let base = Filter {
        call: crate::demo::SCALE_CODE.into(),
        ..Default::default()
    };
    let mut steps = Vec::new();
    let columns = [
        ("reference", Column::Reference),
        ("title", Column::Title),
        ("applicant", Column::Applicant),
        ("investigator", Column::PiName),
        ("topic", Column::Topic),
        ("amount", Column::Requested),
        ("status", Column::Status),
    ];
    for (name, column) in columns {
        for descending in [false, true] {
            let sort = Sort { column, descending };
            let (took, n) = timed(|| table::order(pool, &base, sort)).await?;
            let way = if descending {
                "descending"
            } else {
                "ascending"
            };
            steps.push((format!("order by {name}, {way}"), took, n));
        }
    }
    let searches = [
        ("search “（9999）” (one title)", "（9999）"),
        ("search “智能” (a word of many titles)", "智能"),
        ("search “zz” (nothing)", "zz"),
    ];
    for (what, needle) in searches {
        let filter = Filter {
            search: Some(needle.into()),
            ..base.clone()
        };
        let sort = Sort {
            column: Column::Title,
            descending: false,
        };
        let (took, n) = timed(|| table::order(pool, &filter, sort)).await?;
        steps.push((format!("{what}, by title"), took, n));
    }
    let filter = Filter {
        topic: Some("AR".into()),
        status: Some(ProposalStatus::Submitted),
        ..base.clone()
    };
    let sort = Sort {
        column: Column::Requested,
        descending: true,
    };
    let (took, n) = timed(|| table::order(pool, &filter, sort)).await?;
    steps.push(("topic AR, submitted, by amount".into(), took, n));

    let order = table::order(pool, &base, Sort::default()).await?;
    let len = order.rows.len();
    for (what, at) in [
        ("top", 0),
        ("middle", len / 2),
        ("end", len.saturating_sub(WINDOW)),
    ] {
        let ids = &order.rows[at.min(len)..(at + WINDOW).min(len)];
        let took = timing(|| async {
            table::rows(pool, &base.call, ids).await?;
            Ok(())
        })
        .await?;
        steps.push((
            format!("{} lines read at the {what}", ids.len()),
            took,
            ids.len(),
        ));
    }
    let (took, n) = timed(|| super::list(pool, &base)).await?;
    steps.push(("every line read (the page's load before)".into(), took, n));
    if reviewed {
        steps.extend(crate::review::bench::table(pool, crate::demo::SCALE_CODE).await?);
    }
    Ok(Figures {
        proposals: order.total,
        fill,
        steps,
    })
}

/// The fastest and the median of five runs of `f`, and how many rows it gave.
async fn timed<F, Fut, T>(mut f: F) -> Result<(Timing, usize), Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
    T: Counted,
{
    let n = std::cell::Cell::new(0);
    let count = &n;
    let took = timing(|| {
        let run = f();
        async move {
            count.set(run.await?.count());
            Ok(())
        }
    })
    .await?;
    Ok((took, n.get()))
}

trait Counted {
    fn count(&self) -> usize;
}

impl Counted for table::Order {
    fn count(&self) -> usize {
        self.rows.len()
    }
}

impl<T> Counted for Vec<T> {
    fn count(&self) -> usize {
        self.len()
    }
}
