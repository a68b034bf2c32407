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
    Money(Money),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// As the CSV shows it: money as `5000000.00`, dates as `2027-01-01`.
    fn plain(&self) -> String {
        match self {
            Cell::Text(s) => escape_formula(s),
            Cell::Int(i) => i.to_string(),
            Cell::Money(m) => m.as_decimal().to_string(),
            Cell::Date(d) => crate::store::date_text(*d),
        }
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

/// Writes bytes to a file, naming the file when it fails.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    std::fs::write(path, bytes).map_err(|e| FileError::Unwritable {
        path: path.display().to_string(),
        reason: e.to_string(),
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
