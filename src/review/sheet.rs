//! Spreadsheets of the review stage, read by [`crate::import::sheet`] (CSV in UTF-8 or
//! GB18030, or XLSX): score sheets (one row per reviewer × proposal, a column per criterion)
//! and reviewer lists. Headers may be
//! English or Chinese; criteria are named by key or by their Chinese or English name.

use std::collections::BTreeMap;

use super::ReviewForm;
use super::pool::ReviewerForm;
use crate::call::CallSpec;
use crate::error::FileError;
use crate::form::Text;
use crate::import::Sheet;

fn malformed(path: &str, reason: String) -> FileError {
    FileError::Malformed {
        path: path.to_string(),
        reason,
    }
}

/// A data row with its number as the spreadsheet shows it (the header is row 1; blank rows
/// are skipped but counted) and its cells, trimmed.
type Row = (usize, Vec<String>);

fn records(sheet: &Sheet) -> (&[String], Vec<Row>) {
    let rows = sheet
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.cells.iter().map(|c| c.trim().to_string()).collect(),
            )
        })
        .collect();
    (&sheet.headers, rows)
}

fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
}

const REFERENCE: &[&str] = &["reference", "申请书编号", "项目编号", "编号"];
const REVIEWER: &[&str] = &["reviewer", "专家编号", "评审专家编号"];
const COMMENT: &[&str] = &["comment", "评审意见"];
const RECOMMENDATION: &[&str] = &["recommendation", "评审建议"];

/// Reads a score sheet for a call into review forms, with their row numbers.
pub fn score_sheet(
    sheet: &Sheet,
    call_code: &str,
    call: &CallSpec,
) -> Result<Vec<(usize, ReviewForm)>, FileError> {
    let path = sheet.source.as_str();
    let (headers, rows) = records(sheet);
    let need = |names: &[&str], what: &str| {
        column(headers, names)
            .ok_or_else(|| malformed(path, format!("no column \"{}\" ({what})", names[0])))
    };
    let reference = need(REFERENCE, "申请书编号")?;
    let reviewer = need(REVIEWER, "专家编号")?;
    let comment = column(headers, COMMENT);
    let recommendation = need(RECOMMENDATION, "评审建议")?;
    let mut criteria = Vec::new();
    for c in &call.rubric {
        let names = [c.key.as_str(), c.name_zh.as_str(), c.name_en.as_str()];
        let i = column(headers, &names).ok_or_else(|| {
            malformed(
                path,
                format!("no column for criterion {} ({})", c.key, c.name_zh),
            )
        })?;
        criteria.push((c.key.clone(), i));
    }
    let known: Vec<usize> = [
        Some(reference),
        Some(reviewer),
        comment,
        Some(recommendation),
    ]
    .into_iter()
    .flatten()
    .chain(criteria.iter().map(|(_, i)| *i))
    .collect();
    if let Some((_, h)) = headers.iter().enumerate().find(|(i, _)| !known.contains(i)) {
        return Err(malformed(path, format!("unknown column \"{h}\"")));
    }
    Ok(rows
        .into_iter()
        .map(|(n, r)| {
            let get = |i: usize| Text(r.get(i).cloned().unwrap_or_default());
            let scores: BTreeMap<String, Text> =
                criteria.iter().map(|(k, i)| (k.clone(), get(*i))).collect();
            (
                n,
                ReviewForm {
                    call: Text::from(call_code),
                    reference: get(reference),
                    reviewer: get(reviewer),
                    scores,
                    comment: comment.map(get).unwrap_or_default(),
                    recommendation: get(recommendation),
                },
            )
        })
        .collect())
}

/// Reads a list of reviewers.
pub fn reviewer_list(sheet: &Sheet) -> Result<Vec<(usize, ReviewerForm)>, FileError> {
    let path = sheet.source.as_str();
    let (headers, rows) = records(sheet);
    let need = |names: &[&str]| {
        column(headers, names).ok_or_else(|| malformed(path, format!("no column \"{}\"", names[0])))
    };
    let name = need(&["name", "姓名"])?;
    let affiliation = need(&["affiliation", "工作单位", "单位"])?;
    let code = column(
        headers,
        &[
            "affiliation_code",
            "单位统一社会信用代码",
            "统一社会信用代码",
        ],
    );
    let email = need(&["email", "电子邮箱", "邮箱"])?;
    let phone = column(headers, &["phone", "电话", "联系电话"]);
    let topics = need(&["topics", "擅长方向", "研究方向"])?;
    Ok(rows
        .into_iter()
        .map(|(n, r)| {
            let get = |i: usize| Text(r.get(i).cloned().unwrap_or_default());
            (
                n,
                ReviewerForm {
                    seen_version: None,
                    name: get(name),
                    affiliation: get(affiliation),
                    affiliation_code: code.map(get).unwrap_or_default(),
                    email: get(email),
                    phone: phone.map(get).unwrap_or_default(),
                    topics: vec![get(topics)],
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Sheet {
        crate::import::sheet::read_csv("s.csv", text.as_bytes()).expect("csv")
    }

    #[test]
    fn chinese_headers_and_criterion_names_are_understood() {
        let call = crate::demo::reference_call_form().validate().expect("call");
        let text = "\u{feff}申请书编号,专家编号,创新性,可行性,团队,应用前景,评审建议,评审意见\n,,,,,,,\nBJ-AIXR-2026-0001,R3, 8 ,7,n/a,9,建议资助,好\n";
        let rows = score_sheet(&sheet(text), "BJ-AIXR-2026", &call).expect("sheet");
        assert_eq!(rows.len(), 1, "blank rows are skipped");
        let (n, f) = &rows[0];
        assert_eq!(*n, 3, "but counted");
        assert_eq!(f.scores.get("innovation").map(Text::as_str), Some("8"));
        assert_eq!(f.reviewer.as_str(), "R3");
        assert_eq!(f.scores.get("team").map(Text::as_str), Some("n/a"));
        assert_eq!(f.recommendation.as_str(), "建议资助");
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let call = crate::demo::reference_call_form().validate().expect("call");
        let e = score_sheet(
            &sheet("reference,reviewer,innovation,feasibility,team,recommendation\n"),
            "X",
            &call,
        )
        .expect_err("no impact");
        assert!(e.to_string().contains("criterion impact"), "{e}");
        let e = score_sheet(
            &sheet("reference,reviewer,innovation,feasibility,team,impact,recommendation,colour\n"),
            "X",
            &call,
        )
        .expect_err("extra");
        assert!(e.to_string().contains("unknown column \"colour\""), "{e}");
        let e = reviewer_list(&sheet("姓名,邮箱\n")).expect_err("no affiliation");
        assert!(e.to_string().contains("affiliation"), "{e}");
    }
}
