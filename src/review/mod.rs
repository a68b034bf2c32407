//! Expert review (专家评审): the reviewer pool, conflicts of interest (回避), the reviewer
//! draw, score entry and the ranking of proposals from their reviews.

pub mod assignment;
pub mod bench;
pub mod pool;
pub mod ranking;
mod score;
pub mod sheet;
mod store;
mod view;

pub(crate) use store::{disagreement_threshold, review_inputs_on};

pub use score::{Recommendation, ReviewForm};
pub use store::{
    add_reviewer, assign, decline, enter_review, import_reviews, matrix, panel,
    ranking as rank_call, release_reviewer,
};
pub use view::{
    Candidate, Cell, DrawReport, EnteredReview, Matrix, Panel, PanelMember, RankRow, Recusal, Short,
};

use crate::call::CallStatus;

/// The most proposals a reviewer is given in one call's draw unless the officer says otherwise.
pub const DEFAULT_DRAW_CAP: u32 = 15;
use crate::error::{Coded, Invalid, Msg, describe_all};
use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the input is not valid:\n{}", describe_all(.0, Lang::En))]
    Invalid(Vec<Invalid>),
    #[error("no reviewer R{0}")]
    ReviewerNotFound(i64),
    #[error("a reviewer with e-mail {0} is already in the pool")]
    DuplicateEmail(String),
    #[error("reviewer {0} is inactive")]
    Inactive(String),
    #[error("call {call} is {} : review starts once it is closed", .status.label(Lang::En))]
    CallNotClosed { call: String, status: CallStatus },
    #[error(
        "proposal {reference} of call {call} is not under review (only eligible proposals are)"
    )]
    NotUnderReview { call: String, reference: String },
    #[error("{reviewer} may not review {reference}: {}", .reason.en)]
    Conflicted {
        reviewer: String,
        reference: String,
        reason: Msg,
    },
    #[error("{reviewer} is already assigned to {reference}")]
    AlreadyAssigned { reviewer: String, reference: String },
    #[error("reviewer R{reviewer} is not assigned to {reference}")]
    NotAssigned { reviewer: i64, reference: String },
    #[error("reviewer R{reviewer} has already reviewed {reference}")]
    AlreadyReviewed { reviewer: i64, reference: String },
    #[error("nothing was imported; refused rows:\n{}", rows_text(.0, Lang::En))]
    Rows(Vec<(usize, Msg)>),
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
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (ReviewError::Invalid(list), Lang::Zh) => {
                format!("填写有误：\n{}", describe_all(list, Lang::Zh))
            }
            (ReviewError::ReviewerNotFound(id), Lang::Zh) => format!("找不到评审专家 R{id}"),
            (ReviewError::DuplicateEmail(e), Lang::Zh) => {
                format!("专家库中已有电子邮箱为 {e} 的专家")
            }
            (ReviewError::Inactive(n), Lang::Zh) => format!("评审专家 {n} 已停用"),
            (ReviewError::CallNotClosed { call, status }, Lang::Zh) => {
                format!(
                    "资助计划 {call} 当前为“{}”，截止受理后才能开始评审",
                    status.label(Lang::Zh)
                )
            }
            (ReviewError::NotUnderReview { call, reference }, Lang::Zh) => {
                format!(
                    "资助计划 {call} 的申请书 {reference} 不在评审中（仅形式审查合格的申请书参加评审）"
                )
            }
            (
                ReviewError::Conflicted {
                    reviewer,
                    reference,
                    reason,
                },
                Lang::Zh,
            ) => {
                format!("{reviewer} 须回避申请书 {reference}：{}", reason.zh)
            }
            (
                ReviewError::AlreadyAssigned {
                    reviewer,
                    reference,
                },
                Lang::Zh,
            ) => {
                format!("{reviewer} 已分配评审申请书 {reference}")
            }
            (
                ReviewError::NotAssigned {
                    reviewer,
                    reference,
                },
                Lang::Zh,
            ) => {
                format!("评审专家 R{reviewer} 未分配评审申请书 {reference}")
            }
            (
                ReviewError::AlreadyReviewed {
                    reviewer,
                    reference,
                },
                Lang::Zh,
            ) => {
                format!("评审专家 R{reviewer} 已提交申请书 {reference} 的评审意见")
            }
            (ReviewError::Rows(rows), Lang::Zh) => {
                format!(
                    "未导入任何数据；以下行被拒绝：\n{}",
                    rows_text(rows, Lang::Zh)
                )
            }
        }
    }
}
