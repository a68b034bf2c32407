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

/// The largest spreadsheet file read (64 MiB): a 100,000-row CSV of proposals is about 16 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most an XLSX file may hold once inflated (all its parts together), checked by
/// inflating each part into a counter before any of it is parsed: a small workbook can
/// otherwise expand to gigabytes.
pub const MAX_INFLATED_BYTES: u64 = 512 * 1024 * 1024;
/// The widest sheet read: no import has more than a few dozen columns.
pub const MAX_COLUMNS: u32 = 256;
/// The most cells a sheet may hold (each row counted up to its last filled cell).
pub const MAX_CELLS: usize = 10_000_000;

fn too_large(source: &str, zh: String, en: String) -> FileError {
    FileError::TooLarge {
        path: source.to_string(),
        limit: crate::error::Msg::new(zh, en),
    }
}

fn too_many_cells(source: &str) -> FileError {
    too_large(
        source,
        format!("工作表超过 {MAX_CELLS} 个单元格，请拆分后分批导入"),
        format!("the sheet has more than {MAX_CELLS} cells: split it and import the parts"),
    )
}

/// Refuses a file above [`MAX_FILE_BYTES`] before it is read.
pub fn check_size(source: &str, bytes: u64) -> Result<(), FileError> {
    if bytes > MAX_FILE_BYTES {
        let mb = |b: u64| b.div_ceil(1024 * 1024);
        return Err(too_large(
            source,
            format!(
                "文件有 {} MB，超过 {} MB 的上限；请拆分后分批导入",
                mb(bytes),
                mb(MAX_FILE_BYTES)
            ),
            format!(
                "the file is {} MB, above the limit of {} MB: split it and import the parts",
                mb(bytes),
                mb(MAX_FILE_BYTES)
            ),
        ));
    }
    Ok(())
}

fn malformed(source: &str, reason: impl Into<String>) -> FileError {
    FileError::Malformed {
        path: source.to_string(),
        reason: reason.into(),
    }
}

/// Reads a `.csv` or `.xlsx` file.
pub fn read(path: &Path) -> Result<Sheet, FileError> {
    let unreadable = |e: std::io::Error| FileError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    check_size(&path.display().to_string(), size)?;
    let bytes = std::fs::read(path).map_err(unreadable)?;
    read_named(&path.display().to_string(), &bytes)
}

/// Reads table bytes by the file's name: an `.xlsx` workbook's first sheet, else CSV.
pub fn read_named(name: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    check_size(name, bytes.len() as u64)?;
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

/// Inflates every part of the workbook into a counter: refuses it when the parts together
/// hold more than [`MAX_INFLATED_BYTES`], whatever their headers declare.
fn check_inflated(source: &str, bytes: &[u8], limit: u64) -> Result<(), FileError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| malformed(source, format!("not a readable XLSX workbook: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index(i)
            .map_err(|e| malformed(source, format!("not a readable XLSX workbook: {e}")))?;
        let left = limit - total;
        let mut limited = std::io::Read::take(part, left + 1);
        total += std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|e| malformed(source, format!("not a readable XLSX workbook: {e}")))?;
        if total > limit {
            let mb = limit / 1024 / 1024;
            return Err(too_large(
                source,
                format!("工作簿解压后超过 {mb} MB，不予读取"),
                format!("the workbook inflates to more than {mb} MB and is not read"),
            ));
        }
    }
    Ok(())
}

/// The column letters of a 0-based column index (0 → A, 16383 → XFD).
fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads the first sheet cell by cell, never allocating the sheet's declared grid: a cell
/// beyond column [`MAX_COLUMNS`] or more than [`MAX_CELLS`] cells is refused as it is met.
pub fn read_xlsx(source: &str, bytes: &[u8]) -> Result<Sheet, FileError> {
    use calamine::Reader;
    check_inflated(source, bytes, MAX_INFLATED_BYTES)?;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| malformed(source, format!("not a readable XLSX workbook: {e}")))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| malformed(source, "the workbook has no sheet / 工作簿中没有工作表"))?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| malformed(source, e.to_string()))?;
    // (row, column, text) of every filled cell, in the file's order.
    let mut filled: Vec<(u32, u32, String)> = Vec::new();
    let mut widths: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
    let mut slots: usize = 0;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| malformed(source, e.to_string()))?
    {
        let (row, col) = cell.get_position();
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
        if text.trim().is_empty() {
            continue;
        }
        if col >= MAX_COLUMNS {
            let at = format!("{}{}", column_name(col), u64::from(row) + 1);
            return Err(too_large(
                source,
                format!(
                    "单元格 {at} 超出可读取的范围：最多读取 {MAX_COLUMNS} 列（至 {} 列）",
                    column_name(MAX_COLUMNS - 1)
                ),
                format!(
                    "cell {at} is beyond what is read: at most {MAX_COLUMNS} columns (up to column {})",
                    column_name(MAX_COLUMNS - 1)
                ),
            ));
        }
        let width = widths.entry(row).or_insert(0);
        if col + 1 > *width {
            slots += (col + 1 - *width) as usize;
            *width = col + 1;
        }
        if slots > MAX_CELLS {
            return Err(too_many_cells(source));
        }
        filled.push((row, col, text));
    }
    let Some(&header_row) = widths.keys().next() else {
        return Err(malformed(source, "the sheet is empty / 工作表为空"));
    };
    // Columns count from the first filled one, as the sheet's used range does; every row is
    // at least as wide as the header row (within the same cell limit).
    let first_col = filled.iter().map(|c| c.1).min().unwrap_or(0);
    let header_width = widths.get(&header_row).copied().unwrap_or(0);
    let padded: usize = widths.values().map(|&w| w.max(header_width) as usize).sum();
    if padded > MAX_CELLS {
        return Err(too_many_cells(source));
    }
    let mut grid: std::collections::BTreeMap<u32, Vec<String>> = widths
        .iter()
        .map(|(&r, &w)| {
            (
                r,
                vec![String::new(); (w.max(header_width) - first_col) as usize],
            )
        })
        .collect();
    for (r, c, text) in filled {
        if let Some(cells) = grid.get_mut(&r) {
            cells[(c - first_col) as usize] = text;
        }
    }
    let mut rows = grid.into_iter();
    let headers = rows
        .next()
        .map(|(_, h)| h.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let rows = rows
        .filter(|(r, _)| *r > header_row)
        .map(|(r, cells)| Row {
            line: r as usize + 1,
            cells,
        })
        .collect();
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

    /// Issue #11, item 3: a sheet with cells in A1 and XFD1048576 (a few KB) used to make
    /// the reader allocate the whole grid and abort the process.
    #[test]
    fn a_tiny_workbook_that_spans_the_whole_grid_is_refused_without_allocating_it() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目名称").expect("A1");
        sheet
            .write_string(1_048_575, 16_383, "x")
            .expect("XFD1048576");
        let bytes = book.save_to_buffer().expect("xlsx");
        assert!(bytes.len() < 10_000, "a small file: {} bytes", bytes.len());
        let e = read_named("grid.xlsx", &bytes).expect_err("refused");
        assert!(matches!(e, FileError::TooLarge { .. }), "{e:?}");
        let en = e.to_string();
        assert!(
            en.contains("cell XFD1048576") && en.contains("256 columns"),
            "{en}"
        );
        use crate::error::Coded;
        assert_eq!(e.code(), "file_too_large");
        assert!(
            e.message(crate::lang::Lang::Zh)
                .contains("单元格 XFD1048576")
        );

        // Far down but within the columns: read, with the row number the sheet shows.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 1, "项目名称").expect("B1");
        sheet.write_string(1_048_575, 2, "far").expect("C1048576");
        let s = read_named("far.xlsx", &book.save_to_buffer().expect("xlsx")).expect("read");
        assert_eq!(s.headers, ["项目名称"]);
        assert_eq!(s.rows.len(), 1);
        assert_eq!(
            (s.rows[0].line, s.rows[0].cells.as_slice()),
            (1_048_576, ["".to_string(), "far".to_string()].as_slice())
        );
    }

    #[test]
    fn a_workbook_that_inflates_past_the_limit_is_refused_before_parsing() {
        use std::io::Write;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/sharedStrings.xml", options)
            .expect("part");
        out.write_all(&vec![b' '; 3 * 1024 * 1024]).expect("write");
        let bytes = out.finish().expect("zip").into_inner();
        assert!(bytes.len() < 64 * 1024, "compresses well: {}", bytes.len());
        let e = check_inflated("bomb.xlsx", &bytes, 2 * 1024 * 1024).expect_err("refused");
        assert!(matches!(e, FileError::TooLarge { .. }), "{e:?}");
        check_inflated("bomb.xlsx", &bytes, 4 * 1024 * 1024).expect("under a higher limit");
    }

    #[test]
    fn a_file_above_the_size_limit_is_refused_before_it_is_read() {
        assert!(check_size("big.csv", MAX_FILE_BYTES).is_ok());
        let e = check_size("big.csv", MAX_FILE_BYTES + 1).expect_err("too big");
        assert!(e.to_string().contains("above the limit of 64 MB"), "{e}");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
    }

    proptest! {
        #[test]
        fn any_bytes_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_csv("fuzz.csv", &bytes);
            let _ = read_xlsx("fuzz.xlsx", &bytes);
        }
    }
}
