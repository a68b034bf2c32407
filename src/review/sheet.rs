//! Spreadsheets of the review stage, as CSV (UTF-8, with or without BOM): score sheets (one
//! row per reviewer × proposal, a column per criterion) and reviewer lists. Headers may be
//! English or Chinese; criteria are named by key or by their Chinese or English name.

use std::collections::BTreeMap;

use super::ReviewForm;
use super::pool::ReviewerForm;
use crate::call::CallSpec;
use crate::error::FileError;
use crate::form::Text;

fn malformed(path: &str, reason: String) -> FileError {
    FileError::Malformed {
        path: path.to_string(),
        reason,
    }
}

/// A data row with its number as a spreadsheet shows it (the header is row 1).
type Row = (usize, Vec<String>);

fn records(path: &str, text: &str) -> Result<(Vec<String>, Vec<Row>), FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(path, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|e| malformed(path, format!("row {}: {e}", i + 2)))?;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Row numbers as a spreadsheet shows them: the header is row 1.
        rows.push((i + 2, r.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok((headers, rows))
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
    path: &str,
    text: &str,
    call_code: &str,
    call: &CallSpec,
) -> Result<Vec<(usize, ReviewForm)>, FileError> {
    let (headers, rows) = records(path, text)?;
    let need = |names: &[&str], what: &str| {
        column(&headers, names)
            .ok_or_else(|| malformed(path, format!("no column \"{}\" ({what})", names[0])))
    };
    let reference = need(REFERENCE, "申请书编号")?;
    let reviewer = need(REVIEWER, "专家编号")?;
    let comment = column(&headers, COMMENT);
    let recommendation = need(RECOMMENDATION, "评审建议")?;
    let mut criteria = Vec::new();
    for c in &call.rubric {
        let names = [c.key.as_str(), c.name_zh.as_str(), c.name_en.as_str()];
        let i = column(&headers, &names).ok_or_else(|| {
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
pub fn reviewer_list(path: &str, text: &str) -> Result<Vec<(usize, ReviewerForm)>, FileError> {
    let (headers, rows) = records(path, text)?;
    let need = |names: &[&str]| {
        column(&headers, names)
            .ok_or_else(|| malformed(path, format!("no column \"{}\"", names[0])))
    };
    let name = need(&["name", "姓名"])?;
    let affiliation = need(&["affiliation", "工作单位", "单位"])?;
    let code = column(
        &headers,
        &[
            "affiliation_code",
            "单位统一社会信用代码",
            "统一社会信用代码",
        ],
    );
    let email = need(&["email", "电子邮箱", "邮箱"])?;
    let phone = column(&headers, &["phone", "电话", "联系电话"]);
    let topics = need(&["topics", "擅长方向", "研究方向"])?;
    Ok(rows
        .into_iter()
        .map(|(n, r)| {
            let get = |i: usize| Text(r.get(i).cloned().unwrap_or_default());
            (
                n,
                ReviewerForm {
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

    #[test]
    fn chinese_headers_and_criterion_names_are_understood() {
        let call = crate::demo::reference_call_form().validate().expect("call");
        let text = "\u{feff}申请书编号,专家编号,创新性,可行性,团队,应用前景,评审建议,评审意见\nBJ-AIXR-2026-0001,R3,8,7,n/a,9,建议资助,好\n,,,,,,,\n";
        let rows = score_sheet("s.csv", text, "BJ-AIXR-2026", &call).expect("sheet");
        assert_eq!(rows.len(), 1, "blank rows are skipped");
        let (n, f) = &rows[0];
        assert_eq!(*n, 2);
        assert_eq!(f.reviewer.as_str(), "R3");
        assert_eq!(f.scores.get("team").map(Text::as_str), Some("n/a"));
        assert_eq!(f.recommendation.as_str(), "建议资助");
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let call = crate::demo::reference_call_form().validate().expect("call");
        let e = score_sheet(
            "s.csv",
            "reference,reviewer,innovation,feasibility,team,recommendation\n",
            "X",
            &call,
        )
        .expect_err("no impact");
        assert!(e.to_string().contains("criterion impact"), "{e}");
        let e = score_sheet(
            "s.csv",
            "reference,reviewer,innovation,feasibility,team,impact,recommendation,colour\n",
            "X",
            &call,
        )
        .expect_err("extra");
        assert!(e.to_string().contains("unknown column \"colour\""), "{e}");
        let e = reviewer_list("r.csv", "姓名,邮箱\n").expect_err("no affiliation");
        assert!(e.to_string().contains("affiliation"), "{e}");
    }
}
