//! What the review stage shows: a draw's report, the ranking table, a proposal's panel and
//! the assignment matrix. Views only: the use cases in `store.rs` fill them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::assignment::ShortReason;
use super::ranking;
use super::score::Recommendation;
use crate::error::Msg;
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Short {
    pub reference: String,
    pub missing: u32,
    pub reason: ShortReason,
    pub message: Msg,
}

pub(crate) fn short_message(reason: ShortReason, topic: &str) -> Msg {
    match reason {
        ShortReason::NoExpertise => Msg::new(
            format!("专家库中没有研究方向为 {topic} 的在库专家"),
            format!("no active reviewer in the pool knows {topic}"),
        ),
        ShortReason::AllConflicted => Msg::new(
            format!("研究方向 {topic} 的专家均需回避或已分配"),
            format!("every reviewer for {topic} is conflicted or already assigned"),
        ),
        ShortReason::CapsReached => Msg::new(
            format!("研究方向 {topic} 的可用专家已达评审上限"),
            format!("the eligible reviewers for {topic} have reached their cap"),
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrawReport {
    pub call: String,
    pub draw: i64,
    /// The seed to give again to reproduce this draw.
    pub seed: u64,
    pub need: u32,
    pub cap: u32,
    pub assigned: usize,
    /// Topic reviewers left out of a proposal because of a conflict of interest.
    pub recusals: usize,
    pub short: Vec<Short>,
}

/// One line of the ranking table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRow {
    pub reference: String,
    pub title: String,
    pub topic: String,
    pub requested: Money,
    #[serde(flatten)]
    pub figures: ranking::Ranked,
}

/// A reviewer's entered review, as the proposal page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnteredReview {
    pub scores: BTreeMap<String, Option<u32>>,
    /// The weighted score (0–100) of this review.
    pub weighted: Option<f64>,
    pub recommendation: Recommendation,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelMember {
    pub reviewer: i64,
    pub name: String,
    pub affiliation: String,
    pub review: Option<EnteredReview>,
    /// Recused after being assigned (a conflict found late), with the reason: the review,
    /// if any, is shown but never counts.
    pub recused: Option<Msg>,
}

/// A reviewer of the pool as a choice for this proposal; conflicted ones say why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub reviewer: i64,
    pub name: String,
    pub affiliation: String,
    pub knows_topic: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recusal {
    pub reviewer: i64,
    pub name: String,
    pub reason: Msg,
}

/// Who reviews a proposal, what they gave, whom else it could have, and who must recuse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub reference: String,
    pub need: u32,
    /// Members who count (not recused): below `need`, the draw's top-up finds the rest.
    pub serving: usize,
    pub members: Vec<PanelMember>,
    /// Active reviewers who may be added: never a conflicted one.
    pub candidates: Vec<Candidate>,
    pub recused: Vec<Recusal>,
}

/// One cell of the assignment matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Assigned,
    Reviewed,
    Declined,
    Conflict,
}

/// Proposals × reviewers of a call: who is assigned, who has reviewed, who declined, and
/// who must recuse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    /// The call's eligible proposals, on every page.
    pub total: usize,
    /// The position of this page's first proposal among them (0-based).
    pub from: usize,
    /// This page's proposals: (reference, topic).
    pub proposals: Vec<(String, String)>,
    pub reviewers: Vec<(i64, String, Vec<String>)>,
    /// (proposal index, reviewer index, cell)
    pub cells: Vec<(usize, usize, Cell)>,
}
