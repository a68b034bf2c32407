//! Disbursement's tables for spreadsheets (CSV and XLSX, like the other exports): the call's
//! ledger, its cash-flow plan and a payment batch. Headers in Chinese, as the finance office
//! files them; money as numbers with two decimals.

use super::batch::Batch;
use super::ledger::{CallLedger, CashFlow};
use crate::export::{Cell, Table};
use crate::lang::Lang;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The call's ledger: a row per award and the call's totals.
pub fn ledger_table(l: &CallLedger) -> Table {
    let mut rows: Vec<Vec<Cell>> = l
        .awards
        .iter()
        .map(|a| {
            vec![
                Cell::text(&a.number),
                Cell::text(&a.applicant),
                Cell::text(a.status.label(Lang::Zh)),
                Cell::Money(a.amount),
                Cell::Money(a.pending),
                Cell::Money(a.paid),
                Cell::Money(a.recovered),
                Cell::Money(a.net_paid),
                Cell::Money(a.released),
                Cell::Money(a.outstanding),
                Cell::Money(a.spent),
                Cell::Money(a.balance),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text("合计"),
        Cell::text(format!(
            "总预算 {}，未使用 {}",
            l.budget.format_yuan(),
            l.uncommitted.format_yuan()
        )),
        Cell::text(""),
        Cell::Money(l.awarded),
        Cell::Money(l.pending),
        Cell::Money(l.paid),
        Cell::Money(l.recovered),
        Cell::Money(l.net_paid),
        Cell::Money(l.released),
        Cell::Money(l.outstanding),
        Cell::Money(l.spent),
        Cell::text(""),
    ]);
    Table {
        name: "经费台账".into(),
        headers: headers(&[
            "资助文号",
            "承担单位",
            "状态",
            "资助金额（元）",
            "已审批待支付（元）",
            "已拨付（元）",
            "已收回（元）",
            "实拨（元）",
            "已释放（元）",
            "待拨付（元）",
            "已支出（元）",
            "结余（元）",
        ]),
        rows,
    }
}

/// The cash-flow plan in one grouping, with the year's warnings under it.
pub fn cash_table(c: &CashFlow) -> Table {
    let name = match c.by {
        super::Period::Month => "用款计划（月）",
        super::Period::Quarter => "用款计划（季度）",
        super::Period::Year => "用款计划（年度）",
    };
    let mut rows: Vec<Vec<Cell>> = c
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.period),
                Cell::Money(r.scheduled),
                Cell::Money(r.paid),
                Cell::Money(r.recovered),
                Cell::Money(r.cumulative_scheduled),
                Cell::Money(r.cumulative_paid),
                r.appropriation.map_or(Cell::text(""), Cell::Money),
            ]
        })
        .collect();
    for w in &c.warnings {
        rows.push(vec![Cell::text(format!("⚠ {}", w.message.zh))]);
    }
    Table {
        name: name.into(),
        headers: headers(&[
            "期间",
            "计划拨付（元）",
            "已拨付（元）",
            "已收回（元）",
            "累计计划（元）",
            "累计实拨（元）",
            "年度预算（元）",
        ]),
        rows,
    }
}

/// The batch as the finance office's sheet: a row per payment and the total in figures and
/// in capitals.
pub fn batch_table(b: &Batch) -> Table {
    let mut rows: Vec<Vec<Cell>> = b
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::Int(r.payment),
                Cell::text(&r.payee),
                Cell::text(&r.credit_code),
                Cell::text(&r.bank),
                Cell::text(&r.account),
                Cell::Money(r.amount),
                Cell::text(&r.capital),
                Cell::text(&r.award),
                Cell::text(&r.purpose),
                Cell::text(r.status.label(Lang::Zh)),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text(""),
        Cell::text("合计"),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::Money(b.total),
        Cell::text(&b.total_capital),
        Cell::text(""),
        Cell::text(&b.reference),
        Cell::text(""),
    ]);
    Table {
        name: "支付清单".into(),
        headers: [
            "记录号",
            "收款单位",
            "统一社会信用代码",
            "开户银行",
            "银行账号",
            "金额（元）",
            "金额大写",
            "资助文号",
            "用途",
            "状态",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    }
}
