//! Expert review (专家评审): the reviewer pool, conflicts of interest (回避), the reviewer
//! draw, score entry and the ranking of proposals from their reviews.

pub mod assignment;
pub mod bench;
mod draw;
mod panel;
pub mod pool;
pub mod ranking;
mod score;
pub mod sheet;
mod store;
pub mod table;
mod view;

pub use draw::{assign, decline};
pub use panel::{MATRIX_PAGE_MAX, matrix, panel};
pub use score::{Recommendation, ReviewForm};
pub use store::{
    add_reviewer, enter_review, import_reviews, import_score_sheet, ranking as rank_call,
    release_reviewer,
};
pub use view::{
    Candidate, Cell, DrawReport, EnteredReview, Matrix, Panel, PanelMember, RankRow, Recusal, Short,
};

use crate::call::CallStatus;
use crate::error::{Coded, Invalid, Msg, describe_all};
use crate::lang::Lang;

/// How many proposals a page of the assignment matrix shows unless asked otherwise.
pub const MATRIX_PAGE: usize = 50;

/// The most proposals a reviewer is given in one call's draw unless the officer says otherwise.
pub const DEFAULT_DRAW_CAP: u32 = 15;

/// The refusals of the review stage, each with its Chinese and English text side by side in
/// [`ReviewError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    Invalid(Vec<Invalid>),
    ReviewerNotFound(i64),
    DuplicateEmail(String),
    Inactive(String),
    CallNotClosed {
        call: String,
        status: CallStatus,
    },
    NotUnderReview {
        call: String,
        reference: String,
    },
    Conflicted {
        reviewer: String,
        reference: String,
        reason: Msg,
    },
    AlreadyAssigned {
        reviewer: String,
        reference: String,
    },
    NotAssigned {
        reviewer: i64,
        reference: String,
    },
    AlreadyReviewed {
        reviewer: i64,
        reference: String,
    },
    Rows(Vec<(usize, Msg)>),
    /// The ranking changed (a review, a draw, a call's rubric…) since the order the lines were
    /// asked for: the order is to be asked for again.
    RankingChanged,
}

fn rows_text(rows: &[(usize, Msg)], lang: Lang) -> String {
    rows.iter()
        .map(|(n, m)| match lang {
            Lang::Zh => format!("第 {n} 行：{}", m.zh),
            Lang::En => format!("row {n}: {}", m.en),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ReviewError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use ReviewError::*;
        match self {
            Invalid(list) => Msg::new(
                format!("填写有误：\n{}", describe_all(list, Lang::Zh)),
                format!("the input is not valid:\n{}", describe_all(list, Lang::En)),
            ),
            ReviewerNotFound(id) => Msg::new(
                format!("找不到评审专家 R{id}"),
                format!("no reviewer R{id}"),
            ),
            DuplicateEmail(e) => Msg::new(
                format!("专家库中已有电子邮箱为 {e} 的专家"),
                format!("a reviewer with e-mail {e} is already in the pool"),
            ),
            Inactive(n) => Msg::new(
                format!("评审专家 {n} 已停用"),
                format!("reviewer {n} is inactive"),
            ),
            CallNotClosed { call, status } => Msg::new(
                format!(
                    "资助计划 {call} 当前为“{}”，截止受理后才能开始评审",
                    status.label(Lang::Zh)
                ),
                format!(
                    "call {call} is {} : review starts once it is closed",
                    status.label(Lang::En)
                ),
            ),
            NotUnderReview { call, reference } => Msg::new(
                format!(
                    "资助计划 {call} 的申请书 {reference} 不在评审中（仅形式审查合格的申请书参加评审）"
                ),
                format!(
                    "proposal {reference} of call {call} is not under review (only eligible proposals are)"
                ),
            ),
            Conflicted {
                reviewer,
                reference,
                reason,
            } => Msg::new(
                format!("{reviewer} 须回避申请书 {reference}：{}", reason.zh),
                format!("{reviewer} may not review {reference}: {}", reason.en),
            ),
            AlreadyAssigned {
                reviewer,
                reference,
            } => Msg::new(
                format!("{reviewer} 已分配评审申请书 {reference}"),
                format!("{reviewer} is already assigned to {reference}"),
            ),
            NotAssigned {
                reviewer,
                reference,
            } => Msg::new(
                format!("评审专家 R{reviewer} 未分配评审申请书 {reference}"),
                format!("reviewer R{reviewer} is not assigned to {reference}"),
            ),
            AlreadyReviewed {
                reviewer,
                reference,
            } => Msg::new(
                format!("评审专家 R{reviewer} 已提交申请书 {reference} 的评审意见"),
                format!("reviewer R{reviewer} has already reviewed {reference}"),
            ),
            RankingChanged => Msg::new(
                "评审排序已有变动，请重新加载排序",
                "the ranking has changed since it was shown: load it again",
            ),
            Rows(rows) => Msg::new(
                format!(
                    "未导入任何数据；以下行被拒绝：\n{}",
                    rows_text(rows, Lang::Zh)
                ),
                format!(
                    "nothing was imported; refused rows:\n{}",
                    rows_text(rows, Lang::En)
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(ReviewError);

impl Coded for ReviewError {
    fn code(&self) -> &'static str {
        match self {
            ReviewError::Invalid(_) => "review_invalid",
            ReviewError::ReviewerNotFound(_) => "reviewer_not_found",
            ReviewError::DuplicateEmail(_) => "reviewer_duplicate_email",
            ReviewError::Inactive(_) => "reviewer_inactive",
            ReviewError::CallNotClosed { .. } => "call_not_closed",
            ReviewError::NotUnderReview { .. } => "proposal_not_under_review",
            ReviewError::Conflicted { .. } => "conflict_of_interest",
            ReviewError::AlreadyAssigned { .. } => "already_assigned",
            ReviewError::NotAssigned { .. } => "not_assigned",
            ReviewError::AlreadyReviewed { .. } => "already_reviewed",
            ReviewError::Rows(_) => "import_refused",
            ReviewError::RankingChanged => "ranking_changed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}
