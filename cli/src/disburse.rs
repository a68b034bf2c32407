//! `grantdesk schedule`, `milestone`, `pay`: the disbursement of
//! awards over their two years.

use grantdesk::disbursement::{
    self as d, ApproveForm, AwardFinance, ClawbackForm, EditForm, MilestoneForm, OutcomeForm,
    PaidForm, Payment, PaymentKind,
};
use grantdesk::error::Msg;

use crate::prelude::*;

/// The day overdue items and holds are judged on: `--on`, else the agency's today.
fn day(on: &str, stamp: &Stamp) -> Result<NaiveDate, Error> {
    if on.trim().is_empty() {
        Ok(stamp.today())
    } else {
        Error::parse_date("on", on)
    }
}

#[derive(Args)]
pub(crate) struct ScheduleArgs {
    /// The award number (文号)
    number: String,
    /// A change: split (a new tranche out of one), move, gate, transfer, merge; none to show
    action: Option<String>,
    /// The tranche changed (its position, from 1)
    #[arg(long, default_value = "")]
    tranche: String,
    /// The other tranche of a transfer or merge
    #[arg(long, default_value = "")]
    to: String,
    #[arg(long, default_value = "")]
    amount: String,
    /// The new due date (YYYY-MM-DD)
    #[arg(long, default_value = "")]
    due: String,
    /// The gate: signing, midterm, acceptance, an added milestone's name, or none
    #[arg(long, default_value = "")]
    milestone: String,
    /// Judge overdue items on this day (default: today)
    #[arg(long, default_value = "")]
    on: String,
}

pub(crate) async fn schedule(
    pool: &Pool,
    stamp: &Stamp,
    a: ScheduleArgs,
    out: &Out,
) -> Result<(), Error> {
    let f = match a.action {
        None => d::award_finance(pool, &a.number, day(&a.on, stamp)?).await?,
        Some(action) => {
            let form = EditForm {
                award: a.number.into(),
                action: action.into(),
                tranche: a.tranche.into(),
                to: a.to.into(),
                amount: a.amount.into(),
                due_on: a.due.into(),
                milestone: a.milestone.into(),
                seen_version: None,
            };
            d::edit_schedule(pool, stamp, &form).await?
        }
    };
    out.show(&f, |f| print_finance(f, out))
}

#[derive(Subcommand)]
pub(crate) enum MilestoneCmd {
    /// Record an outcome: passed, conditional (限期整改, with --rectify-by) or failed
    Record {
        number: String,
        /// midterm, acceptance, or an added milestone's name
        milestone: String,
        outcome: String,
        /// The date of the decision (default: today)
        #[arg(long, default_value = "")]
        on: String,
        /// For a conditional pass: the date the conditions are due
        #[arg(long, default_value = "")]
        rectify_by: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Reschedule an undecided milestone; the tranches waiting for it on its old date follow
    Move {
        number: String,
        /// midterm, acceptance, or an added milestone's name
        milestone: String,
        #[arg(long)]
        due: String,
    },
    /// Add a milestone of your own (e.g. an on-site inspection)
    Add {
        number: String,
        name: String,
        #[arg(long)]
        due: String,
    },
}

pub(crate) async fn milestone(
    pool: &Pool,
    stamp: &Stamp,
    c: MilestoneCmd,
    out: &Out,
) -> Result<(), Error> {
    let f = match c {
        MilestoneCmd::Record {
            number,
            milestone,
            outcome,
            on,
            rectify_by,
            note,
        } => {
            let form = OutcomeForm {
                award: number.into(),
                milestone: milestone.into(),
                outcome: outcome.into(),
                decided_on: on.into(),
                rectify_by: rectify_by.into(),
                note: note.into(),
            };
            d::record_outcome(pool, stamp, &form).await?
        }
        MilestoneCmd::Move {
            number,
            milestone,
            due,
        } => {
            let form = d::MoveMilestoneForm {
                award: number.into(),
                milestone: milestone.into(),
                due_on: due.into(),
            };
            d::move_milestone(pool, stamp, &form).await?
        }
        MilestoneCmd::Add { number, name, due } => {
            let form = MilestoneForm {
                award: number.into(),
                name: name.into(),
                due_on: due.into(),
            };
            d::add_milestone(pool, stamp, &form).await?
        }
    };
    out.show(&f, |f| print_finance(f, out))
}

#[derive(Subcommand)]
pub(crate) enum PayCmd {
    /// Approve a tranche for payment (all that is open of it, or --amount)
    Approve {
        number: String,
        #[arg(long)]
        tranche: String,
        #[arg(long, default_value = "")]
        amount: String,
    },
    /// Record an approved payment as paid, with the bank's reference
    Paid {
        /// The payment's number (#)
        payment: String,
        #[arg(long = "ref")]
        bank_ref: String,
        /// The date paid (default: today)
        #[arg(long, default_value = "")]
        on: String,
    },
    /// Record that a payment failed (the bank returned it)
    Failed {
        payment: String,
        #[arg(long)]
        reason: String,
    },
    /// Approve a failed payment again
    Again { payment: String },
    /// Cancel an approved or failed payment before it is paid
    Cancel {
        payment: String,
        #[arg(long)]
        reason: String,
    },
    /// Record money recovered from the grantee (收回)
    Clawback {
        number: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        on: String,
    },
}

pub(crate) async fn pay(pool: &Pool, stamp: &Stamp, c: PayCmd, out: &Out) -> Result<(), Error> {
    let form = |payment: String, on: String, note: String| PaidForm {
        payment: payment.into(),
        on: on.into(),
        note: note.into(),
    };
    let p = match c {
        PayCmd::Approve {
            number,
            tranche,
            amount,
        } => {
            let f = ApproveForm {
                award: number.into(),
                tranche: tranche.into(),
                amount: amount.into(),
            };
            d::approve(pool, stamp, &f).await?
        }
        PayCmd::Paid {
            payment,
            bank_ref,
            on,
        } => d::paid(pool, stamp, &form(payment, on, bank_ref)).await?,
        PayCmd::Failed { payment, reason } => {
            d::failed(pool, stamp, &form(payment, String::new(), reason)).await?
        }
        PayCmd::Again { payment } => {
            d::again(pool, stamp, &form(payment, String::new(), String::new())).await?
        }
        PayCmd::Cancel { payment, reason } => {
            d::cancel(pool, stamp, &form(payment, String::new(), reason)).await?
        }
        PayCmd::Clawback {
            number,
            amount,
            reason,
            on,
        } => {
            let f = ClawbackForm {
                award: number.into(),
                amount: amount.into(),
                reason: reason.into(),
                on: on.into(),
            };
            d::clawback(pool, stamp, &f).await?
        }
    };
    out.show(&p, |p| print_payments(std::slice::from_ref(p), out))
}

pub(crate) fn text(m: &Msg, out: &Out) -> String {
    m.get(out.lang).to_string()
}

pub(crate) fn print_finance(f: &AwardFinance, out: &Out) {
    println!("{}  {}  {}", f.number, f.applicant, f.title);
    println!(
        "{} {}  {} – {}  {}{}",
        out.t("资助金额", "award"),
        f.amount.format_yuan(),
        f.start_on,
        f.end_on,
        f.status.label(out.lang),
        if f.suspended {
            out.t("（暂停）", " (suspended)")
        } else {
            ""
        }
    );
    for h in &f.holds {
        println!("⚠ {}", text(h, out));
    }
    println!();
    let rows = f
        .milestones
        .iter()
        .map(|m| {
            vec![
                text(&m.title(), out),
                m.due_on.to_string(),
                m.outcome
                    .map(|o| o.label(out.lang).to_string())
                    .unwrap_or_default(),
                m.decided_on.map(|x| x.to_string()).unwrap_or_default(),
                m.rectify_by.map(|x| x.to_string()).unwrap_or_default(),
                if m.overdue {
                    out.t("逾期", "overdue").to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    print_table(
        &[
            out.t("节点", "milestone"),
            out.t("计划日期", "due"),
            out.t("结论", "outcome"),
            out.t("结论日期", "decided"),
            out.t("整改期限", "conditions by"),
            "",
        ],
        rows,
    );
    println!();
    let rows = f
        .tranches
        .iter()
        .map(|t| {
            vec![
                t.seq.to_string(),
                t.amount.format_yuan(),
                t.due_on.to_string(),
                t.gate
                    .as_ref()
                    .map(|g| text(&g.title, out))
                    .unwrap_or_default(),
                t.status.label(out.lang).to_string(),
                t.paid.format_yuan(),
                t.open.format_yuan(),
                match (t.overdue, t.blocked.first()) {
                    (_, Some(why)) => text(why, out),
                    (true, None) => out.t("已到期", "due").to_string(),
                    _ => String::new(),
                },
            ]
        })
        .collect();
    print_table(
        &[
            out.t("批次", "tranche"),
            out.t("金额", "amount"),
            out.t("计划日期", "due"),
            out.t("拨付条件", "after"),
            out.t("状态", "status"),
            out.t("已拨付", "paid"),
            out.t("可审批", "open"),
            "",
        ],
        rows,
    );
    if !f.payments.is_empty() {
        println!();
        print_payments(&f.payments, out);
    }
    print_spending(f, out);
    let l = &f.ledger;
    println!();
    println!(
        "{} {}  {} {}  {} {}  {} {}  {} {}",
        out.t("已拨付", "paid"),
        l.paid.format_yuan(),
        out.t("已收回", "recovered"),
        l.recovered.format_yuan(),
        out.t("已释放", "released"),
        l.released.format_yuan(),
        out.t("待审批支付", "approved, unpaid"),
        l.pending.format_yuan(),
        out.t("待拨付", "outstanding"),
        l.outstanding.format_yuan(),
    );
}

fn print_spending(f: &AwardFinance, out: &Out) {
    let sp = &f.spending;
    if sp.categories.is_empty() && sp.reports.is_empty() {
        return;
    }
    println!();
    println!(
        "{} v{}",
        out.t("批复预算与支出", "Approved budget and spending"),
        sp.version
    );
    let rows = sp
        .categories
        .iter()
        .map(|c| {
            vec![
                c.category.label(out.lang).to_string(),
                c.approved.format_yuan(),
                c.spent.format_yuan(),
                c.remaining.format_yuan(),
                if c.over.is_zero() {
                    String::new()
                } else {
                    c.over.format_yuan()
                },
            ]
        })
        .collect();
    print_table(
        &[
            out.t("科目", "category"),
            out.t("批复", "approved"),
            out.t("已支出", "spent"),
            out.t("结余", "remaining"),
            out.t("超支", "over"),
        ],
        rows,
    );
    for flag in &sp.flags {
        println!("⚠ {}", text(flag, out));
    }
    for r in sp.due.iter().filter(|r| !r.submitted) {
        println!(
            "{} {} {}{}",
            if r.overdue { "⚠" } else { "·" },
            if r.is_final {
                out.t("决算报告", "final report").to_string()
            } else {
                format!("{} {}", out.t("年度报告", "report for year"), r.year)
            },
            r.due_on,
            if r.overdue {
                out.t("（逾期）", " (overdue)")
            } else {
                ""
            }
        );
    }
    for a in &sp.adjustments {
        println!(
            "#{} {} {} → {} {} {}  {}",
            a.id,
            a.year,
            a.from.label(out.lang),
            a.to.label(out.lang),
            a.amount.format_yuan(),
            a.status.label(out.lang),
            a.reason
        );
    }
    if let Some(c) = &f.closeout {
        println!(
            "{} {}: {}",
            out.t("已结题", "closed out on"),
            c.closed_on,
            d::unspent_words(c).get(out.lang)
        );
    }
}

fn print_payments(ps: &[Payment], out: &Out) {
    let rows = ps
        .iter()
        .map(|p| {
            let clawback = p.kind == PaymentKind::Clawback;
            vec![
                format!("#{}", p.id),
                p.award.clone(),
                p.tranche.map(|t| t.to_string()).unwrap_or_default(),
                if clawback {
                    format!("-{}", p.amount.format_yuan())
                } else {
                    p.amount.format_yuan()
                },
                if clawback {
                    out.t("收回", "clawback").to_string()
                } else {
                    p.status.label(out.lang).to_string()
                },
                p.approved_on.to_string(),
                p.paid_on.map(|x| x.to_string()).unwrap_or_default(),
                if p.bank_ref.is_empty() {
                    p.reason.clone()
                } else {
                    p.bank_ref.clone()
                },
            ]
        })
        .collect();
    print_table(
        &[
            out.t("记录", "entry"),
            out.t("资助编号", "award"),
            out.t("批次", "tranche"),
            out.t("金额", "amount"),
            out.t("状态", "status"),
            out.t("审批日期", "approved"),
            out.t("支付日期", "paid"),
            out.t("银行流水号/原因", "bank ref / reason"),
        ],
        rows,
    );
}
