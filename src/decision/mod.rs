//! Award decisions (立项决定). For now the exact optimiser the decision board will use; the
//! board, awards and the public-notice list come with the decisions issue.

pub mod optimiser;
