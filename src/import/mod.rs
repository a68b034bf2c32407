//! Data in: spreadsheets (CSV in UTF-8 or GB18030, XLSX) read into sheets, columns mapped to
//! fields, and proposals imported all-or-nothing with a row-by-row report.

pub mod bench;
pub mod mapping;
pub mod proposals;
pub mod sheet;

pub use proposals::{Action, ImportError, ImportRequest, Issue, Report, RowPlan, dry_run, import};
pub use sheet::{Sheet, read};
