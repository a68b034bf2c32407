//! The decision board (立项决策) as front ends show it: the ranking with the proposed awards,
//! the running totals per call and per topic.

use serde::Serialize;

use crate::call::CallStatus;
use crate::money::Money;
use crate::review::ranking::Aggregate;

/// A proposed award on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposed {
    pub amount: Money,
    /// 核减: how much below the request.
    pub cut: Money,
    pub reason: String,
}

/// One reviewed proposal on the decision board, in rank order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardRow {
    pub reference: String,
    pub title: String,
    pub title_en: String,
    pub applicant: String,
    pub pi_name: String,
    pub topic: String,
    pub requested: Money,
    pub rank: usize,
    pub tied: bool,
    /// The ranking figure on the board's aggregate.
    pub score: f64,
    pub reviews: usize,
    pub disagreement: bool,
    /// Has the call's minimum number of complete reviews: may be funded.
    pub reviewed: bool,
    pub proposed: Option<Proposed>,
    pub award_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicTotal {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub awards: usize,
    pub committed: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    pub call: String,
    pub title_zh: String,
    pub title_en: String,
    pub status: CallStatus,
    /// What may be done with the call: the board is changed only while `review` holds.
    pub actions: crate::call::CallActions,
    pub order: Aggregate,
    pub budget: Money,
    pub max_awards: u32,
    pub floor: Money,
    pub ceiling: Money,
    pub committed: Money,
    pub remaining: Money,
    /// Committed as tenths of a percent of the budget (for the gauge).
    pub committed_permille: u32,
    pub awards: usize,
    pub topics: Vec<TopicTotal>,
    pub rows: Vec<BoardRow>,
    /// The reviewed proposals ranked: `rows` holds them all unless the board was asked for
    /// its first rows only (and the decisions below them).
    pub ranked: usize,
    /// Eligible proposals without any complete review: not on the board.
    pub unreviewed: usize,
    pub award_number_pattern: String,
}

/// How many board rows the window shows at first, and adds at a time.
pub const BOARD_PAGE: usize = 200;

/// Which rows of the board to give: the first of the ranking, every decision below them (no
/// decision is ever out of sight), and proposals asked for by reference wherever they rank.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rows<'a> {
    /// How many rows from the top; `None`: every row.
    pub first: Option<usize>,
    /// References shown wherever they rank: the suggestion's, while it is on screen.
    pub also: &'a [String],
}

impl Rows<'static> {
    /// Every row: what the command line and the exports give.
    pub const ALL: Rows<'static> = Rows {
        first: None,
        also: &[],
    };

    /// The first `n` rows and the decisions below them.
    pub fn first(n: usize) -> Rows<'static> {
        Rows {
            first: Some(n),
            also: &[],
        }
    }
}
