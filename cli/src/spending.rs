//! `grantdesk report`, `adjust`, `closeout`: an award's spending against its approved
//! budget, budget adjustments and close-out.

use grantdesk::disbursement as d;

use crate::disburse::print_finance;
use crate::prelude::*;

#[derive(Args)]
pub(crate) struct ReportArgs {
    /// The award number (文号)
    number: String,
    /// The project year reported (1, 2 …)
    #[arg(long)]
    year: String,
    /// Spent in a category, repeatable: operations=120000 (equipment, operations,
    /// personnel, indirect)
    #[arg(long = "line")]
    lines: Vec<String>,
    /// The final report (决算) of an award ending early; the last year's always is
    #[arg(long = "final")]
    is_final: bool,
    /// The date it was submitted (default: today)
    #[arg(long, default_value = "")]
    on: String,
    #[arg(long, default_value = "")]
    note: String,
}

pub(crate) async fn report(
    pool: &Pool,
    stamp: &Stamp,
    a: ReportArgs,
    out: &Out,
) -> Result<(), Error> {
    let lines = a
        .lines
        .iter()
        .map(|l| {
            let (c, m) = l.split_once('=').unwrap_or((l.as_str(), ""));
            d::LineForm {
                category: c.into(),
                amount: m.into(),
            }
        })
        .collect();
    let form = d::ReportForm {
        award: a.number.into(),
        year: a.year.into(),
        r#final: if a.is_final { "true" } else { "" }.into(),
        submitted_on: a.on.into(),
        note: a.note.into(),
        lines,
    };
    let f = d::report(pool, stamp, &form).await?;
    out.show(&f, |f| print_finance(f, out))
}

#[derive(Subcommand)]
pub(crate) enum AdjustCmd {
    /// Move an amount from one budget category to another (预算调剂)
    Request {
        number: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
        /// The budget year (default: the project year of today)
        #[arg(long, default_value = "")]
        year: String,
    },
    /// Approve or refuse an adjustment that waits for the agency (a refusal needs --note)
    Decide {
        /// The adjustment's number (#)
        adjustment: String,
        /// approve or refuse
        decision: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub(crate) async fn adjust(
    pool: &Pool,
    stamp: &Stamp,
    c: AdjustCmd,
    out: &Out,
) -> Result<(), Error> {
    let f = match c {
        AdjustCmd::Request {
            number,
            from,
            to,
            amount,
            reason,
            year,
        } => {
            let form = d::AdjustForm {
                award: number.into(),
                year: year.into(),
                from: from.into(),
                to: to.into(),
                amount: amount.into(),
                reason: reason.into(),
            };
            d::adjust(pool, stamp, &form).await?
        }
        AdjustCmd::Decide {
            adjustment,
            decision,
            note,
        } => {
            let form = d::AdjustDecisionForm {
                adjustment: adjustment.into(),
                decision: decision.into(),
                note: note.into(),
            };
            d::decide_adjustment(pool, stamp, &form).await?
        }
    };
    out.show(&f, |f| print_finance(f, out))
}

pub(crate) async fn closeout(
    pool: &Pool,
    stamp: &Stamp,
    number: String,
    note: String,
    out: &Out,
) -> Result<(), Error> {
    let form = d::CloseoutForm {
        award: number.into(),
        note: note.into(),
    };
    let f = d::closeout(pool, stamp, &form).await?;
    out.show(&f, |f| print_finance(f, out))
}
