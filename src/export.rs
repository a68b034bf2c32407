//! Tables out to spreadsheets: CSV (UTF-8 with a BOM, so that Excel and WPS open it as
//! Unicode) and XLSX with typed cells (money as numbers with two decimals, dates as dates).
//! Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is escaped.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;

use crate::error::FileError;
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A statistic (a score), shown with `decimals` places. Never money.
    Score(i64, u32),
    Money(Money),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A score rounded to `decimals` places (kept as an integer so that cells compare exactly).
    pub fn score(v: f64, decimals: u32) -> Cell {
        Cell::Score((v * 10f64.powi(decimals as i32)).round() as i64, decimals)
    }

    /// As the CSV shows it: money as `5000000.00`, dates as `2027-01-01`.
    fn plain(&self) -> String {
        match self {
            Cell::Text(s) => escape_formula(s),
            Cell::Int(i) => i.to_string(),
            Cell::Score(v, d) => score_text(*v, *d),
            Cell::Money(m) => m.as_decimal().to_string(),
            Cell::Date(d) => crate::store::date_text(*d),
        }
    }
}

fn score_text(v: i64, d: u32) -> String {
    let scale = 10i64.pow(d);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.abs();
    if d == 0 {
        format!("{sign}{a}")
    } else {
        format!("{sign}{}.{:0w$}", a / scale, a % scale, w = d as usize)
    }
}

/// A sheet: a name, headers and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Text that starts like a formula gets a leading apostrophe, so no spreadsheet evaluates it.
pub fn escape_formula(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

pub fn csv(table: &Table) -> Result<Vec<u8>, FileError> {
    let bad = |e: csv::Error| FileError::Unwritable {
        path: table.name.clone(),
        reason: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(&table.headers).map_err(bad)?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::plain)).map_err(bad)?;
    }
    w.into_inner().map_err(|e| FileError::Unwritable {
        path: table.name.clone(),
        reason: e.to_string(),
    })
}

pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let bad = |e: rust_xlsxwriter::XlsxError| FileError::Unwritable {
        path: "xlsx".into(),
        reason: e.to_string(),
    };
    let mut book = Workbook::new();
    let head = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let score = Format::new().set_num_format("0.00");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&table.name).map_err(bad)?;
        for (c, h) in table.headers.iter().enumerate() {
            let col = c as u16;
            sheet
                .write_string_with_format(0, col, h, &head)
                .map_err(bad)?;
            let width = table
                .rows
                .iter()
                .map(|r| r.get(c).map_or(0, |x| x.plain().chars().count()))
                .chain([h.chars().count() * 2])
                .max()
                .unwrap_or(8)
                .clamp(6, 50);
            sheet
                .set_column_width(col, width as f64 * 1.2)
                .map_err(bad)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let rn = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    // Written as text, never as a formula.
                    Cell::Text(s) => sheet.write_string(rn, col, s.as_str()).map(|_| ()),
                    Cell::Int(i) => sheet.write_number(rn, col, *i as f64).map(|_| ()),
                    Cell::Score(v, d) => sheet
                        .write_number_with_format(
                            rn,
                            col,
                            *v as f64 / 10f64.powi(*d as i32),
                            &score,
                        )
                        .map(|_| ()),
                    // A spreadsheet number is a binary double: the export boundary is the one
                    // place money leaves Decimal. Amounts below 2^53 fen read back exactly at
                    // two decimals.
                    Cell::Money(m) => sheet
                        .write_number_with_format(
                            rn,
                            col,
                            m.as_decimal().to_f64().unwrap_or_default(),
                            &money,
                        )
                        .map(|_| ()),
                    Cell::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .map_err(bad)?;
                        sheet
                            .write_datetime_with_format(rn, col, &dt, &date)
                            .map(|_| ())
                    }
                }
                .map_err(bad)?;
            }
        }
    }
    book.save_to_buffer().map_err(bad)
}

/// Whether `path` names the database file `db` (or its journal files), however spelled:
/// through `..`, a symbolic link or a hard link.
pub fn is_database(path: &Path, db: &Path) -> bool {
    let canonical = |p: &Path| -> Option<std::path::PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        let dir = match p.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(d) => d.canonicalize().ok()?,
            None => std::env::current_dir().ok()?,
        };
        Some(dir.join(p.file_name()?))
    };
    let Some(target) = canonical(path) else {
        return false;
    };
    ["", "-wal", "-shm", "-journal"].iter().any(|ext| {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(ext);
        let file = db.with_file_name(name);
        canonical(&file).is_some_and(|c| c == target) || same_inode(path, &file)
    })
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// Writes bytes to a new file, naming the file when it fails. An existing file is replaced
/// only when `replace` says so, and the database `db` never: the bytes go to a temporary file
/// beside the target first, renamed over it once complete.
pub fn write(path: &Path, bytes: &[u8], replace: bool, db: &Path) -> Result<(), FileError> {
    if is_database(path, db) {
        return Err(FileError::IsDatabase {
            path: path.display().to_string(),
        });
    }
    let exists = || FileError::Exists {
        path: path.display().to_string(),
    };
    let unwritable = |e: std::io::Error| FileError::Unwritable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut partial = path.file_name().unwrap_or_default().to_os_string();
    partial.push(".partial");
    let partial = path.with_file_name(partial);
    // Written whole beside it first: a crash or a full disk never leaves a partial file
    // under the real name.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&partial).map_err(unwritable)?;
        if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
            let _ = std::fs::remove_file(&partial);
            return Err(unwritable(e));
        }
    }
    if !replace {
        // Linked under its name only if the name is free, atomically: no file that appears
        // meanwhile is clobbered. (Where the file system has no hard links, checked first.)
        let linked = match std::fs::hard_link(&partial, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            Err(_) if path.exists() => Err(exists()),
            Err(_) => std::fs::rename(&partial, path).map_err(unwritable),
        };
        let _ = std::fs::remove_file(&partial);
        return linked;
    }
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        unwritable(e)
    })
}

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// The spreadsheet formats written: CSV (UTF-8 with a BOM) or XLSX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// By the file's extension: `.xlsx` (any case) is XLSX, anything else CSV.
    pub fn of_path(path: &Path) -> Format {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// One table in this format (XLSX may hold several sheets: see [`xlsx`]).
    pub fn write(self, table: &Table) -> Result<Vec<u8>, FileError> {
        match self {
            Format::Csv => csv(table),
            Format::Xlsx => xlsx(std::slice::from_ref(table)),
        }
    }
}

/// An export ready to be written: its usual file name, its bytes and how many rows it holds.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// What an export of a call's table shows: for the ranking, its order; for the proposals,
/// the table's filter and sort as the window shows them (every proposal, by reference, when
/// left out). Read from the window's request as it is, each part optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct View {
    pub order: crate::review::ranking::Aggregate,
    pub topic: Option<String>,
    pub status: Option<crate::proposal::ProposalStatus>,
    pub search: Option<String>,
    pub sort: crate::proposal::table::Sort,
}

impl View {
    /// The ranking in `order`; the other tables whole.
    pub fn ranked(order: crate::review::ranking::Aggregate) -> View {
        View {
            order,
            ..View::default()
        }
    }
}

/// The tables a call can be exported as.
pub const TABLES: [&str; 5] = ["proposals", "ranking", "awards", "ledger", "cashflow"];

/// A call's table (`proposals`, `ranking` in the given order, `awards`, the `ledger`, or the
/// `cashflow` plan: by month in a CSV, by month, quarter and year on three sheets of an XLSX)
/// as a file named `<call>-<table>.<ext>`; any other name is refused.
pub async fn table_file(
    pool: &crate::store::Pool,
    call: &str,
    what: &str,
    view: &View,
    format: Format,
) -> Result<File, crate::Error> {
    let table = match what.trim() {
        "proposals" => {
            let filter = crate::proposal::Filter {
                call: call.to_string(),
                topic: view.topic.clone(),
                status: view.status,
                search: view.search.clone(),
            };
            proposals(pool, &filter, view.sort).await?
        }
        "ranking" => ranking(pool, call, view.order).await?,
        "awards" => awards(pool, call).await?,
        "ledger" => crate::disbursement::sheets::ledger_table(
            &crate::disbursement::ledger(pool, call).await?,
        ),
        "cashflow" => {
            use crate::disbursement::{Period, cash_flow, sheets::cash_table};
            let mut sheets = Vec::new();
            for by in [Period::Month, Period::Quarter, Period::Year] {
                sheets.push(cash_table(&cash_flow(pool, call, by).await?));
            }
            let rows = sheets[0].rows.len();
            let bytes = match format {
                Format::Csv => csv(&sheets[0])?,
                Format::Xlsx => xlsx(&sheets)?,
            };
            return Ok(File {
                name: format!(
                    "{}-用款计划.{}",
                    call.trim().to_ascii_uppercase(),
                    format.extension()
                ),
                bytes,
                rows,
            });
        }
        other => {
            return Err(crate::Error::invalid(
                "what",
                "export_unknown",
                format!("没有名为“{other}”的表；可导出 {}", TABLES.join("、")),
                format!(
                    "there is no table \"{other}\": export {}",
                    TABLES.join(", ")
                ),
            ));
        }
    };
    Ok(File {
        name: format!(
            "{}-{}.{}",
            call.trim().to_ascii_uppercase(),
            table.name,
            format.extension()
        ),
        bytes: format.write(&table)?,
        rows: table.rows.len(),
    })
}

/// The folder exports go to when no file was chosen: `exports/` beside the database.
pub fn dir_beside(db: &Path) -> std::path::PathBuf {
    db.parent().map_or_else(
        || std::path::PathBuf::from("exports"),
        |p| p.join("exports"),
    )
}

/// Writes an export into `exports/` beside the database, replacing an earlier export of the
/// same name (the folder is the application's own); returns where it went.
pub fn write_beside(db: &Path, file: &File) -> Result<std::path::PathBuf, FileError> {
    let dir = dir_beside(db);
    std::fs::create_dir_all(&dir).map_err(|e| FileError::Unwritable {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let path = dir.join(&file.name);
    write(&path, &file.bytes, true, db)?;
    Ok(path)
}

/// The proposals of a call a filter matches, in the order the proposals table shows them.
pub async fn proposals(
    pool: &crate::store::Pool,
    filter: &crate::proposal::Filter,
    sort: crate::proposal::table::Sort,
) -> Result<Table, crate::Error> {
    use crate::lang::Lang;
    let list = crate::proposal::table::lines(pool, filter, sort).await?;
    let rows = list
        .iter()
        .map(|p| {
            vec![
                Cell::text(&p.reference),
                Cell::text(&p.title),
                Cell::text(&p.applicant),
                Cell::text(&p.credit_code),
                Cell::text(&p.pi_name),
                Cell::text(&p.topic),
                Cell::Money(p.requested),
                Cell::text(p.status.label(Lang::Zh)),
                p.submitted_on
                    .as_deref()
                    .and_then(crate::store::parse_date)
                    .map_or_else(|| Cell::text(""), Cell::Date),
                Cell::text(
                    p.reasons
                        .iter()
                        .map(|r| crate::proposal::reason_label(r, Lang::Zh))
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            ]
        })
        .collect();
    Ok(Table {
        name: "申请书".into(),
        headers: headers(&[
            "申请编号",
            "项目名称",
            "申请单位",
            "统一社会信用代码",
            "项目负责人",
            "研究方向",
            "申请金额（元）",
            "状态",
            "提交日期",
            "形式审查意见",
        ]),
        rows,
    })
}

/// The ranking of a call by `order`.
pub async fn ranking(
    pool: &crate::store::Pool,
    call: &str,
    order: crate::review::ranking::Aggregate,
) -> Result<Table, crate::Error> {
    let list = crate::review::rank_call(pool, call, order).await?;
    let rows = list
        .iter()
        .map(|r| {
            let f = &r.figures;
            vec![
                Cell::text(format!("{}{}", f.rank, if f.tied { "=" } else { "" })),
                Cell::text(&r.reference),
                Cell::text(&r.title),
                Cell::text(&r.topic),
                Cell::Money(r.requested),
                Cell::Int(f.reviews as i64),
                Cell::score(f.mean, 2),
                Cell::score(f.trimmed_mean, 2),
                Cell::score(f.calibrated, 3),
                Cell::score(f.std_dev, 2),
                Cell::text(if f.disagreement { "是" } else { "" }),
            ]
        })
        .collect();
    Ok(Table {
        name: "评审排序".into(),
        headers: headers(&[
            "名次",
            "申请编号",
            "项目名称",
            "研究方向",
            "申请金额（元）",
            "评审数",
            "均分",
            "截尾均分",
            "校准分",
            "标准差",
            "意见分歧",
        ]),
        rows,
    })
}

/// The awards of a call.
pub async fn awards(pool: &crate::store::Pool, call: &str) -> Result<Table, crate::Error> {
    use crate::lang::Lang;
    let list = crate::decision::awards(pool, call).await?;
    let rows = list
        .iter()
        .map(|a| {
            vec![
                Cell::text(&a.number),
                Cell::text(&a.reference),
                Cell::text(&a.title),
                Cell::text(&a.applicant),
                Cell::text(&a.pi_name),
                Cell::text(&a.topic),
                Cell::Money(a.requested),
                Cell::Money(a.amount),
                Cell::text(&a.reason),
                Cell::Date(a.decided_on),
                Cell::Date(a.start_on),
                Cell::Date(a.end_on),
                Cell::text(a.status.label(Lang::Zh)),
            ]
        })
        .collect();
    Ok(Table {
        name: "资助项目".into(),
        headers: headers(&[
            "资助文号",
            "申请编号",
            "项目名称",
            "承担单位",
            "项目负责人",
            "研究方向",
            "申请金额（元）",
            "资助金额（元）",
            "核减理由",
            "立项日期",
            "开始日期",
            "结束日期",
            "状态",
        ]),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "公示名单".into(),
            headers: vec![
                "项目名称".into(),
                "资助金额（元）".into(),
                "开始日期".into(),
            ],
            rows: vec![
                vec![
                    Cell::text("=HYPERLINK(\"http://x\",\"点我\")"),
                    Cell::Money(Money::parse("5000000.5").expect("m")),
                    Cell::Date(NaiveDate::from_ymd_opt(2027, 1, 1).expect("d")),
                ],
                vec![
                    Cell::text("沉浸式,\"文旅\""),
                    Cell::Money(Money::ZERO),
                    Cell::Int(3),
                ],
            ],
        }
    }

    #[test]
    fn csv_has_a_bom_chinese_headers_two_decimals_and_no_live_formulas() {
        let bytes = csv(&table()).expect("csv");
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "项目名称,资助金额（元）,开始日期");
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",5000000.50,2027-01-01"
        );
        assert_eq!(lines[2], "\"沉浸式,\"\"文旅\"\"\",0.00,3");
    }

    #[test]
    fn xlsx_is_a_workbook_with_the_named_sheet() {
        let bytes = xlsx(&[table()]).expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
    }
}
