//! Spreadsheets in: CSV in UTF-8 (with or without a BOM) or GB18030/GBK (detected: what is
//! not valid UTF-8 is read as GB18030, which contains GBK), and XLSX (the first sheet).
//! Every cell becomes text, as typed: numbers in their shortest exact decimal form, so that a
//! money cell with three decimals is refused later, never rounded here.

use std::path::Path;

use serde::Serialize;

use crate::error::FileError;

/// One data row: its number in the file (the header is row 1) and its cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sheet {
    /// The file's name, as reports show it.
    pub source: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `GB18030` or `XLSX`.
    pub encoding: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Sheet {
    /// The cell of `row` under column `col`, trimmed; empty when the row is short.
    pub fn cell<'a>(&self, row: &'a Row, col: usize) -> &'a str {
        row.cells.get(col).map_or("", |c| c.trim())
    }
}

fn malformed(source: &str, reason: impl Into<String>) -> FileError {
    FileError::Malformed {
        path: source.to_string(),
        reason: reason.into(),
    }
}

/// Reads a `.csv` or `.xlsx` file.
pub fn read(path: &Path) -> Result<Sheet, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    read_named(&path.display().to_string(), &bytes)
}

/// Reads table bytes by the file's name: an `.xlsx` workbook's first sheet, else CSV.
pub fn read_named(name: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    if name.to_ascii_lowercase().ends_with(".xlsx") {
        read_xlsx(name, bytes)
    } else {
        read_csv(name, bytes)
    }
}

/// Decodes CSV bytes: UTF-8 with a BOM, plain UTF-8, else GB18030.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

pub fn read_csv(source: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    let (text, encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|c| c.trim().to_string()).collect(),
        Some(Err(e)) => return Err(malformed(source, e.to_string())),
        None => return Err(malformed(source, "the file is empty / 文件为空")),
    };
    let mut rows = Vec::new();
    // The line each record starts on in the file, as an editor shows it (blank lines count;
    // CRLF or LF): newlines counted up to the record's first byte, incrementally.
    let bytes = text.as_bytes();
    let (mut seen, mut newlines) = (0usize, 0usize);
    for (i, r) in records.enumerate() {
        let r = r.map_err(|e| malformed(source, format!("row {}: {e}", i + 2)))?;
        let mut start = r
            .position()
            .map_or(seen, |p| usize::try_from(p.byte()).unwrap_or(seen))
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > seen {
            newlines += bytes[seen..start].iter().filter(|&&b| b == b'\n').count();
            seen = start;
        }
        let line = newlines + 1;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            line,
            cells: r.iter().map(str::to_string).collect(),
        });
    }
    Ok(Sheet {
        source: source.to_string(),
        encoding,
        headers,
        rows,
    })
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints the shortest text that reads back as the same number: 5000000.5, not
        // 5000000.50000001.
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

pub fn read_xlsx(source: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| malformed(source, format!("not a readable XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| malformed(source, "the workbook has no sheet / 工作簿中没有工作表"))?
        .map_err(|e| malformed(source, e.to_string()))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut it = range.rows();
    let headers: Vec<String> = match it.next() {
        Some(h) => h.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => return Err(malformed(source, "the sheet is empty / 工作表为空")),
    };
    let mut rows = Vec::new();
    for (i, r) in it.enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            line: first_row as usize + i + 2,
            cells,
        });
    }
    Ok(Sheet {
        source: source.to_string(),
        encoding: "XLSX",
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gb18030_bom_and_plain_utf8_are_told_apart() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("项目名称,申请金额\n沉浸式文旅,500万\n");
        let s = read_csv("gbk.csv", &gbk).expect("gbk");
        assert_eq!((s.encoding, s.headers[0].as_str()), ("GB18030", "项目名称"));
        assert_eq!(s.rows[0].cells, ["沉浸式文旅", "500万"]);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("项目名称\n量子\n".as_bytes());
        let s = read_csv("bom.csv", &bom).expect("bom");
        assert_eq!(
            (s.encoding, s.headers[0].as_str()),
            ("UTF-8 (BOM)", "项目名称")
        );
        let s = read_csv("plain.csv", "title\nx\n\n,\ny\n".as_bytes()).expect("utf-8");
        assert_eq!(s.encoding, "UTF-8");
        assert_eq!(s.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
        let s = read_csv(
            "crlf.csv",
            "title\r\nx\r\n\r\n\"a\r\nb\"\r\ny\r\n".as_bytes(),
        )
        .expect("crlf");
        assert_eq!(s.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 6]);
    }

    #[test]
    fn an_xlsx_sheet_keeps_the_row_numbers_the_spreadsheet_shows() {
        let table = crate::export::Table {
            name: "专家".into(),
            headers: vec!["姓名".into(), "工作单位".into()],
            rows: vec![
                vec![
                    crate::export::Cell::text("王立新"),
                    crate::export::Cell::text("北京理工大学, 计算机学院"),
                ],
                vec![crate::export::Cell::text(""), crate::export::Cell::text("")],
                vec![
                    crate::export::Cell::text("赵敏"),
                    crate::export::Cell::text("清华大学"),
                ],
            ],
        };
        let bytes = crate::export::xlsx(&[table]).expect("xlsx");
        let sheet = read_named("r.XLSX", &bytes).expect("sheet");
        assert_eq!(sheet.encoding, "XLSX");
        let lines: Vec<(usize, &str)> = sheet
            .rows
            .iter()
            .map(|r| (r.line, r.cells[1].as_str()))
            .collect();
        assert_eq!(
            lines,
            [(2, "北京理工大学, 计算机学院"), (4, "清华大学")],
            "the blank row 3 is skipped but still counted"
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("姓名\n\n王立新\n");
        let sheet = read_named("r.csv", &gbk).expect("csv");
        assert_eq!((sheet.encoding, sheet.rows[0].line), ("GB18030", 3));
    }

    #[test]
    fn an_empty_file_or_a_broken_workbook_is_a_clear_error() {
        assert!(matches!(
            read_csv("e.csv", b""),
            Err(FileError::Malformed { .. })
        ));
        assert!(matches!(
            read_xlsx("x.xlsx", b"PK\x03\x04 not really"),
            Err(FileError::Malformed { .. })
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_csv("fuzz.csv", &bytes);
            let _ = read_xlsx("fuzz.xlsx", &bytes);
        }
    }
}
