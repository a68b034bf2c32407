//! The public-notice list (公示名单) of a call and the list of proposals not funded, as
//! tables to export. Before the awards are issued the list shows the proposed awards (拟资助).

use std::collections::HashMap;

use serde::Serialize;

use super::store;
use crate::error::Error;
use crate::export::{Cell, Table};
use crate::proposal::ProposalStatus;
use crate::review::ranking::Aggregate;
use crate::store::Pool;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub call: String,
    /// True once the awards are issued; before, the list is of proposed awards.
    pub issued: bool,
    pub funded: usize,
    pub unfunded: usize,
    #[serde(skip)]
    pub tables: Vec<Table>,
}

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

pub async fn notice(pool: &Pool, call_code: &str) -> Result<Notice, Error> {
    let board = store::board(
        pool,
        &crate::review::table::Rankings::new(),
        call_code,
        Aggregate::Mean,
        super::Rows::ALL,
    )
    .await?;
    let awards = store::awards(pool, call_code).await?;
    let issued = !awards.is_empty();
    let call = crate::call::get(pool, call_code).await?;
    let topic = |code: &str| {
        call.spec
            .topic(code)
            .map_or(code.to_string(), |t| t.name_zh.clone())
    };
    let mut funded = Vec::new();
    if issued {
        for (i, a) in awards.iter().enumerate() {
            funded.push(vec![
                Cell::Int(i as i64 + 1),
                Cell::text(&a.number),
                Cell::text(&a.reference),
                Cell::text(&a.title),
                Cell::text(&a.applicant),
                Cell::text(&a.pi_name),
                Cell::text(topic(&a.topic)),
                Cell::Money(a.requested),
                Cell::Money(a.amount),
                Cell::Date(a.start_on),
                Cell::Date(a.end_on),
            ]);
        }
    } else {
        for (i, (r, p)) in board
            .rows
            .iter()
            .filter_map(|r| r.proposed.as_ref().map(|p| (r, p)))
            .enumerate()
        {
            funded.push(vec![
                Cell::Int(i as i64 + 1),
                Cell::text(""),
                Cell::text(&r.reference),
                Cell::text(&r.title),
                Cell::text(&r.applicant),
                Cell::text(&r.pi_name),
                Cell::text(topic(&r.topic)),
                Cell::Money(r.requested),
                Cell::Money(p.amount),
            ]);
        }
    }
    let mut funded_headers = headers(&[
        "序号",
        "资助文号",
        "申请编号",
        "项目名称",
        "承担单位",
        "项目负责人",
        "研究领域",
        "申请金额（元）",
        "资助金额（元）",
    ]);
    if issued {
        funded_headers.extend(headers(&["开始日期", "结束日期"]));
    }

    // Not funded: every submitted proposal that is not on the list, with the outcome.
    let on_board: HashMap<&str, &super::BoardRow> = board
        .rows
        .iter()
        .map(|r| (r.reference.as_str(), r))
        .collect();
    let summaries = crate::proposal::list(
        pool,
        &crate::proposal::Filter {
            call: call_code.to_string(),
            ..Default::default()
        },
    )
    .await?;
    let mut unfunded = Vec::new();
    for s in summaries.iter().filter(|s| {
        matches!(
            s.status,
            ProposalStatus::Eligible | ProposalStatus::Ineligible
        ) && on_board
            .get(s.reference.as_str())
            .is_none_or(|r| r.proposed.is_none())
    }) {
        let outcome = match (s.status, on_board.get(s.reference.as_str())) {
            (ProposalStatus::Ineligible, _) => "未通过形式审查".to_string(),
            (_, Some(r)) => format!("评审排名第 {} 位，未获资助", r.rank),
            _ => "未完成评审".to_string(),
        };
        unfunded.push(vec![
            Cell::Int(unfunded.len() as i64 + 1),
            Cell::text(&s.reference),
            Cell::text(&s.title),
            Cell::text(&s.applicant),
            Cell::text(&s.pi_name),
            Cell::text(topic(&s.topic)),
            Cell::Money(s.requested),
            Cell::text(outcome),
        ]);
    }
    let (nf, nu) = (funded.len(), unfunded.len());
    Ok(Notice {
        call: board.call,
        issued,
        funded: nf,
        unfunded: nu,
        tables: vec![
            Table {
                name: if issued {
                    "立项公示名单"
                } else {
                    "拟资助公示名单"
                }
                .into(),
                headers: funded_headers,
                rows: funded,
            },
            Table {
                name: "未获资助项目".into(),
                headers: headers(&[
                    "序号",
                    "申请编号",
                    "项目名称",
                    "申请单位",
                    "项目负责人",
                    "研究领域",
                    "申请金额（元）",
                    "结果",
                ]),
                rows: unfunded,
            },
        ],
    })
}

/// The public-notice list as a file: XLSX with both lists (funded and not funded), or CSV
/// with one (`unfunded` for the proposals not funded), named `<call>-公示名单.<ext>` or
/// `<call>-未获资助项目.csv`.
pub async fn notice_file(
    pool: &Pool,
    call_code: &str,
    format: crate::export::Format,
    unfunded: bool,
) -> Result<(Notice, crate::export::File), Error> {
    use crate::export::{File, Format};
    let n = notice(pool, call_code).await?;
    let code = n.call.clone();
    let (name, bytes, rows) = match (format, unfunded) {
        (Format::Xlsx, _) => (
            format!("{code}-公示名单.xlsx"),
            crate::export::xlsx(&n.tables)?,
            n.funded + n.unfunded,
        ),
        (Format::Csv, true) => (
            format!("{code}-未获资助项目.csv"),
            crate::export::csv(&n.tables[1])?,
            n.unfunded,
        ),
        (Format::Csv, false) => (
            format!("{code}-公示名单.csv"),
            crate::export::csv(&n.tables[0])?,
            n.funded,
        ),
    };
    Ok((n, File { name, bytes, rows }))
}
