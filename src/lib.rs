//! GrantDesk core: the domain, money, storage and audit of research grant calls.
//! No front end lives here; the CLI and the desktop shell call these functions.

pub mod audit;
pub mod backup;
pub mod call;
pub(crate) mod capital;
pub mod collate;
pub mod credit_code;
pub mod dashboard;
pub mod db;
pub mod decision;
pub mod demo;
pub mod disbursement;
pub mod error;
pub mod export;
pub mod form;
pub mod import;
pub mod lang;
pub mod letter;
pub mod live;
pub mod migrate;
pub mod money;
pub mod officer;
pub mod percent;
pub mod proposal;
pub mod review;
pub mod scratch;
pub mod settings;
pub mod startup;
pub mod store;
pub mod vocabulary;

pub use error::{Coded, Error};
pub use lang::Lang;
pub use money::Money;
