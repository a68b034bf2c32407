//! Errors shared by every area: a stable `code` the front ends branch on, and a message in
//! both languages. Each area has its own `thiserror` enum; [`Error`] gathers them for the use
//! cases that cross areas.

use serde::Serialize;

use crate::lang::Lang;

/// An error that front ends can show: a stable machine code and a message per language.
pub trait Coded {
    fn code(&self) -> &'static str;
    fn message(&self, lang: Lang) -> String;
}

/// A text in both languages, built where the facts are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// For an error type with a `texts()` giving its message in both languages: `Display` shows
/// the English, `std::error::Error` is implemented, and `Coded::message` picks the language
/// (the code stays the type's own).
macro_rules! bilingual_error {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.texts().en)
            }
        }

        impl std::error::Error for $t {}
    };
}
pub(crate) use bilingual_error;

/// One broken rule on one field of an input: what a form shows next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invalid {
    /// The input field, as named in files and forms (`total_budget`, `applicant.credit_code`).
    pub field: String,
    /// Stable code of the rule (`required`, `floor_above_ceiling`, …).
    pub rule: &'static str,
    pub message: Msg,
}

impl Invalid {
    pub fn new(
        field: impl Into<String>,
        rule: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Invalid {
        Invalid {
            field: field.into(),
            rule,
            message: Msg::new(zh, en),
        }
    }

    /// "field: message" in one language.
    pub fn describe(&self, lang: Lang) -> String {
        format!("{}: {}", self.field, self.message.get(lang))
    }
}

/// Joins the messages of a list of broken rules, one per line.
pub(crate) fn describe_all(list: &[Invalid], lang: Lang) -> String {
    list.iter()
        .map(|i| i.describe(lang))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects broken rules while an input is checked, so a form can show all of them at once.
#[derive(Debug, Default)]
pub(crate) struct Checks(pub Vec<Invalid>);

impl Checks {
    pub fn push(&mut self, i: Invalid) {
        self.0.push(i);
    }

    /// Records the error of a parse under `field` and returns the parsed value, if any.
    pub fn take<T, E: Coded>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(Invalid {
                    field: field.to_string(),
                    rule: e.code(),
                    message: Msg::new(e.message(Lang::Zh), e.message(Lang::En)),
                });
                None
            }
        }
    }

    pub fn require_text(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(required(field));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(crate) fn required(field: &str) -> Invalid {
    Invalid::new(
        field,
        "required",
        "必填项不能为空",
        "is required and may not be empty",
    )
}

/// An error as every front end hands it on — the window's IPC reply and the command line's
/// `--json` alike: a `code` to branch on, the `message` in the chosen language, and `fields`
/// naming which input broke which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Wire {
    pub code: String,
    pub message: String,
    pub fields: Vec<WireField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WireField {
    pub field: String,
    pub rule: String,
    pub message: String,
}

impl Wire {
    pub fn of(e: &Error, lang: Lang) -> Wire {
        Wire {
            code: e.code().to_string(),
            message: e.message(lang),
            fields: e
                .invalid_fields()
                .iter()
                .map(|i| WireField {
                    field: i.field.clone(),
                    rule: i.rule.to_string(),
                    message: i.message.get(lang).to_string(),
                })
                .collect(),
        }
    }
}

/// Failures of the store itself, not of the business rules, with the Chinese and English
/// text side by side in [`StoreError::texts`].
#[derive(Debug)]
pub enum StoreError {
    Database(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
    Corrupt {
        table: &'static str,
        id: String,
        reason: String,
    },
    Path {
        path: String,
        reason: String,
    },
    Missing(Msg),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(e)
    }
}

impl StoreError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        match self {
            StoreError::Database(e) if is_busy(e) => Msg::new(
                "数据库正被另一操作占用，请稍后重试",
                format!("database error: {e}"),
            ),
            StoreError::Database(e) => {
                Msg::new(format!("数据库错误：{e}"), format!("database error: {e}"))
            }
            StoreError::Migrate(e) => Msg::new(
                format!("数据库结构升级失败：{e}"),
                format!("database migration failed: {e}"),
            ),
            StoreError::Corrupt { table, id, reason } => Msg::new(
                format!("数据库中的记录 {table}#{id} 无效：{reason}"),
                format!("stored row {table}#{id} is not valid: {reason}"),
            ),
            StoreError::Path { path, reason } => Msg::new(
                format!("无法使用数据库文件 {path}：{reason}"),
                format!("cannot use database file {path}: {reason}"),
            ),
            StoreError::Missing(m) => m.clone(),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.texts().en)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Database(e) => Some(e),
            StoreError::Migrate(e) => Some(e),
            _ => None,
        }
    }
}

impl Coded for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Database(e) if is_busy(e) => "store_busy",
            StoreError::Database(_) => "store_error",
            StoreError::Migrate(_) => "store_migration",
            StoreError::Corrupt { .. } => "store_corrupt",
            StoreError::Path { .. } => "store_path",
            StoreError::Missing(_) => "store_missing",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let m = d.message();
            m.contains("database is locked") || m.contains("database is busy")
        }
        _ => false,
    }
}

/// Files that cannot be read or written (forms, spreadsheets, exports), each with its Chinese
/// and English text side by side in [`FileError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Unreadable { path: String, reason: String },
    Malformed { path: String, reason: String },
    Unwritable { path: String, reason: String },
    TooLarge { path: String, limit: Msg },
    Exists { path: String },
    IsDatabase { path: String },
}

impl FileError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use FileError::*;
        match self {
            Unreadable { path, reason } => Msg::new(
                format!("无法读取 {path}：{reason}"),
                format!("cannot read {path}: {reason}"),
            ),
            Malformed { path, reason } => Msg::new(
                format!("{path} 格式有误：{reason}"),
                format!("{path} is not a valid file: {reason}"),
            ),
            Unwritable { path, reason } => Msg::new(
                format!("无法写入 {path}：{reason}"),
                format!("cannot write {path}: {reason}"),
            ),
            TooLarge { path, limit } => Msg::new(
                format!("{path} 过大：{}", limit.zh),
                format!("{path} is too large: {}", limit.en),
            ),
            Exists { path } => Msg::new(
                format!("{path} 已存在：请换一个文件名，或确认覆盖（--force）"),
                format!(
                    "{path} already exists: choose another name, or confirm replacing it (--force)"
                ),
            ),
            IsDatabase { path } => Msg::new(
                format!("{path} 是正在使用的数据库，任何导出都不会写入它"),
                format!("{path} is the database in use: nothing is ever written over it"),
            ),
        }
    }
}

crate::error::bilingual_error!(FileError);

impl Coded for FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Unreadable { .. } => "file_unreadable",
            FileError::Malformed { .. } => "file_malformed",
            FileError::Unwritable { .. } => "file_unwritable",
            FileError::TooLarge { .. } => "file_too_large",
            FileError::Exists { .. } => "file_exists",
            FileError::IsDatabase { .. } => "file_is_database",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// Any error of the core, for use cases that span areas.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Money(#[from] crate::money::MoneyError),
    #[error(transparent)]
    CreditCode(#[from] crate::credit_code::CreditCodeError),
    #[error(transparent)]
    Call(#[from] crate::call::CallError),
    #[error(transparent)]
    Proposal(#[from] crate::proposal::ProposalError),
    #[error(transparent)]
    Review(#[from] crate::review::ReviewError),
    #[error(transparent)]
    Decision(#[from] crate::decision::DecisionError),
    #[error(transparent)]
    Disbursement(#[from] crate::disbursement::DisbursementError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(transparent)]
    Officer(#[from] crate::officer::OfficerError),
    #[error(transparent)]
    Migrate(#[from] crate::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    File(#[from] FileError),
    /// A request a front end passed on that the core refuses field by field: a date, a name,
    /// a choice it does not know. Area forms keep their own `Invalid` variants.
    #[error("the input is not valid:\n{}", describe_all(.0, Lang::En))]
    Invalid(Vec<Invalid>),
}

impl Error {
    /// One refused field of a request.
    pub fn invalid(
        field: impl Into<String>,
        rule: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Error {
        Error::Invalid(vec![Invalid::new(field, rule, zh, en)])
    }

    /// A date typed as text (`YYYY-MM-DD`), or a refusal naming the field.
    pub fn parse_date(field: &str, text: &str) -> Result<chrono::NaiveDate, Error> {
        crate::store::parse_date(text).ok_or_else(|| {
            Error::invalid(
                field,
                "date_format",
                format!("“{}”不是有效日期（格式 YYYY-MM-DD）", text.trim()),
                format!("\"{}\" is not a valid date (YYYY-MM-DD)", text.trim()),
            )
        })
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Store(StoreError::Database(e))
    }
}

impl Error {
    /// The broken rules, when the error is a refused input.
    pub fn invalid_fields(&self) -> &[Invalid] {
        match self {
            Error::Call(crate::call::CallError::Invalid(v)) => v,
            Error::Proposal(crate::proposal::ProposalError::Invalid(v)) => v,
            Error::Review(crate::review::ReviewError::Invalid(v)) => v,
            Error::Decision(crate::decision::DecisionError::Invalid(v)) => v,
            Error::Disbursement(crate::disbursement::DisbursementError::Invalid(v)) => v,
            Error::Invalid(v) => v,
            _ => &[],
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Money(e) => e.code(),
            Error::CreditCode(e) => e.code(),
            Error::Call(e) => e.code(),
            Error::Proposal(e) => e.code(),
            Error::Review(e) => e.code(),
            Error::Decision(e) => e.code(),
            Error::Disbursement(e) => e.code(),
            Error::Audit(e) => e.code(),
            Error::Backup(e) => e.code(),
            Error::Import(e) => e.code(),
            Error::Officer(e) => e.code(),
            Error::Migrate(e) => e.code(),
            Error::Store(e) => e.code(),
            Error::File(e) => e.code(),
            Error::Invalid(_) => "invalid_input",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Error::Money(e) => e.message(lang),
            Error::CreditCode(e) => e.message(lang),
            Error::Call(e) => e.message(lang),
            Error::Proposal(e) => e.message(lang),
            Error::Review(e) => e.message(lang),
            Error::Decision(e) => e.message(lang),
            Error::Disbursement(e) => e.message(lang),
            Error::Audit(e) => e.message(lang),
            Error::Backup(e) => e.message(lang),
            Error::Import(e) => e.message(lang),
            Error::Officer(e) => e.message(lang),
            Error::Migrate(e) => e.message(lang),
            Error::Store(e) => e.message(lang),
            Error::File(e) => e.message(lang),
            Error::Invalid(list) => match lang {
                Lang::Zh => format!("填写有误：\n{}", describe_all(list, Lang::Zh)),
                Lang::En => self.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod texts_tests {
    use super::*;

    fn cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every refusal is written in both languages, side by side: the Chinese has Chinese in
    /// it, the English is what `Display` shows, and the front ends pick by language.
    #[test]
    fn every_area_error_speaks_both_languages() {
        use crate::call::{CallError, CallStatus};
        let errors: Vec<Error> = vec![
            CallError::NotFound("X-1".into()).into(),
            CallError::NotEditable {
                code: "X-1".into(),
                status: CallStatus::Decided,
            }
            .into(),
            crate::proposal::ProposalError::NotFound {
                call: "X-1".into(),
                reference: "X-1-0001".into(),
            }
            .into(),
            crate::review::ReviewError::ReviewerNotFound(3).into(),
            crate::decision::DecisionError::CapReached { cap: 12 }.into(),
            crate::disbursement::DisbursementError::PaymentNotFound(3).into(),
            crate::backup::BackupError::InUse {
                path: "g.db".into(),
            }
            .into(),
            crate::audit::AuditError::Truncated {
                expected: 9,
                found: 7,
            }
            .into(),
            FileError::Exists {
                path: "a.csv".into(),
            }
            .into(),
            Error::invalid("on", "date_format", "日期有误", "not a date"),
        ];
        for e in &errors {
            let (zh, en) = (e.message(Lang::Zh), e.message(Lang::En));
            assert!(cjk(&zh), "{}: {zh}", e.code());
            assert!(
                !en.is_empty() && !cjk(&en.replace("形式审查", "")),
                "{}: {en}",
                e.code()
            );
            assert_eq!(e.to_string(), en, "Display is the English text");
        }
    }
}
