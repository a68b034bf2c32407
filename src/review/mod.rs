//! Expert review (专家评审): the reviewer draw and the ranking of proposals from their reviews.
//! This part is pure: storage, conflicts of interest and score entry build on it.

pub mod assignment;
pub mod ranking;
