//! Award decisions (立项决定): the decision board with its hard limits, the optimiser's
//! suggestion and its robustness, awards (资助) with their numbers (文号) and approved
//! budgets, and the public-notice list (公示名单).

pub mod number;
pub mod optimiser;
pub mod robustness;
pub mod suggest;
