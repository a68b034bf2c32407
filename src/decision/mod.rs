//! Award decisions (立项决定): the decision board with its hard limits, the optimiser's
//! suggestion and its robustness, awards (资助) with their numbers (文号) and approved
//! budgets, and the public-notice list (公示名单).

pub mod award;
mod board;
mod error;
mod form;
mod limits;
pub mod notice;
pub mod number;
pub mod optimiser;
pub mod robustness;
mod store;
pub mod suggest;

pub use award::{Award, AwardStatus};
pub use board::{BOARD_PAGE, Board, BoardRow, Proposed, Rows, TopicTotal};
pub use error::DecisionError;
pub use form::{DecisionForm, IssueForm, QuotaForm, SuggestForm};
pub use notice::{Notice, notice, notice_file};
pub use store::{
    apply, awards, board, issue, propose, robustness, set_award_status, suggest, withdraw,
};
