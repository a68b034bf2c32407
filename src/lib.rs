//! GrantDesk core: the domain, money, storage and audit of research grant calls.
//! No front end lives here; the CLI and the desktop shell call these functions.

pub(crate) mod capital;
pub mod credit_code;
pub mod error;
pub mod lang;
pub mod money;
pub mod percent;
