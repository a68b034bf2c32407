//! `grantdesk ledger`, `cashflow`, `payments`: a call's ledger, its cash-flow plan and the
//! payment batches for the finance office.

use grantdesk::disbursement::{self as d, CallLedger, CashFlow, Period};

use crate::disburse::{print_finance, text};
use crate::prelude::*;

#[derive(Subcommand)]
pub(crate) enum PaymentsCmd {
    /// Gather a call's approved payments of a period into a payment batch (支付清单)
    Batch {
        #[arg(long)]
        call: String,
        /// Approved from this day (default: the earliest)
        #[arg(long, default_value = "")]
        from: String,
        /// Approved up to this day (default: today)
        #[arg(long, default_value = "")]
        to: String,
        /// Also write it to this .csv or .xlsx file
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the file if it exists (never the database)
        #[arg(long)]
        force: bool,
    },
    /// The batches of a call
    List {
        #[arg(long)]
        call: String,
    },
    /// Show a batch, or write it to a .csv or .xlsx file
    Show {
        reference: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        force: bool,
    },
    /// Record a whole batch paid, with the bank's reference of the batch
    Paid {
        reference: String,
        #[arg(long = "ref")]
        bank_ref: String,
        #[arg(long, default_value = "")]
        on: String,
    },
}

pub(crate) async fn payments(
    pool: &Pool,
    stamp: &Stamp,
    db: &Path,
    c: PaymentsCmd,
    out: &Out,
) -> Result<(), Error> {
    let (b, file, force) = match c {
        PaymentsCmd::List { call } => {
            let list = d::batches(pool, &call).await?;
            return out.show(&list, |list| {
                let rows = list
                    .iter()
                    .map(|b| {
                        vec![
                            b.reference.clone(),
                            format!("{} – {}", b.from_on, b.to_on),
                            b.payments.to_string(),
                            b.total.format_yuan(),
                            b.paid_on.map(|d| d.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect();
                print_table(
                    &[
                        out.t("支付清单", "batch"),
                        out.t("审批期间", "approved"),
                        out.t("笔数", "payments"),
                        out.t("金额", "total"),
                        out.t("支付日期", "paid on"),
                    ],
                    rows,
                );
            });
        }
        PaymentsCmd::Batch {
            call,
            from,
            to,
            out: file,
            force,
        } => {
            let form = d::BatchForm {
                call: call.into(),
                from: from.into(),
                to: to.into(),
            };
            (d::create_batch(pool, stamp, &form).await?, file, force)
        }
        PaymentsCmd::Show {
            reference,
            out: file,
            force,
        } => (d::batch(pool, &reference).await?, file, force),
        PaymentsCmd::Paid {
            reference,
            bank_ref,
            on,
        } => {
            let form = d::BatchPaidForm {
                batch: reference.into(),
                on: on.into(),
                bank_ref: bank_ref.into(),
            };
            (d::batch_paid(pool, stamp, &form).await?, None, false)
        }
    };
    if let Some(file) = file {
        let table = d::sheets::batch_table(&b);
        let bytes = grantdesk::export::Format::of_path(&file).write(&table)?;
        grantdesk::export::write(&file, &bytes, force, db)?;
        eprintln!("{} {}", out.t("已导出", "Written:"), file.display());
    }
    out.show(&b, |b| print_batch(b, out))
}

fn print_batch(b: &d::Batch, out: &Out) {
    println!(
        "{}  {}  {} – {}{}",
        b.reference,
        b.call,
        b.from_on,
        b.to_on,
        b.paid_on
            .map(|d| format!("  {} {d}", out.t("已支付", "paid on")))
            .unwrap_or_default()
    );
    let rows = b
        .rows
        .iter()
        .map(|r| {
            vec![
                format!("#{}", r.payment),
                r.payee.clone(),
                r.bank.clone(),
                r.account.clone(),
                r.amount.format_yuan(),
                r.purpose.clone(),
                r.status.label(out.lang).to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("记录", "entry"),
            out.t("收款单位", "payee"),
            out.t("开户银行", "bank"),
            out.t("账号", "account"),
            out.t("金额", "amount"),
            out.t("用途", "purpose"),
            out.t("状态", "status"),
        ],
        rows,
    );
    println!(
        "{} {}  {}",
        out.t("合计", "total"),
        b.total.format_yuan(),
        b.total_capital
    );
}

#[derive(Args)]
pub(crate) struct LedgerArgs {
    #[arg(long)]
    call: String,
    /// One award's ledger, with its schedule and payments
    #[arg(long)]
    award: Option<String>,
}

pub(crate) async fn ledger(
    pool: &Pool,
    stamp: &Stamp,
    a: LedgerArgs,
    out: &Out,
) -> Result<(), Error> {
    if let Some(number) = a.award {
        let f = d::award_finance_in_call(pool, &a.call, &number, stamp.today()).await?;
        return out.show(&f, |f| print_finance(f, out));
    }
    let l = d::ledger(pool, &a.call).await?;
    out.show(&l, |l| print_ledger(l, out))
}

#[derive(Args)]
pub(crate) struct CashflowArgs {
    #[arg(long)]
    call: String,
    /// month, quarter or year
    #[arg(long, default_value = "month")]
    by: String,
}

pub(crate) async fn cashflow(pool: &Pool, a: CashflowArgs, out: &Out) -> Result<(), Error> {
    let by = Period::of(&a.by)?;
    let c = d::cash_flow(pool, &a.call, by).await?;
    out.show(&c, |c| print_cashflow(c, out))
}

fn print_ledger(l: &CallLedger, out: &Out) {
    let rows = l
        .awards
        .iter()
        .map(|a| {
            vec![
                a.number.clone(),
                a.applicant.clone(),
                a.status.label(out.lang).to_string(),
                a.amount.format_yuan(),
                a.paid.format_yuan(),
                a.recovered.format_yuan(),
                a.released.format_yuan(),
                a.outstanding.format_yuan(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("资助编号", "award"),
            out.t("承担单位", "grantee"),
            out.t("状态", "status"),
            out.t("资助金额", "awarded"),
            out.t("已拨付", "paid"),
            out.t("已收回", "recovered"),
            out.t("已释放", "released"),
            out.t("待拨付", "outstanding"),
        ],
        rows,
    );
    println!();
    for (label, m) in [
        (out.t("总预算", "budget"), l.budget),
        (out.t("已立项", "awarded"), l.awarded),
        (out.t("已拨付", "paid"), l.paid),
        (out.t("已收回", "recovered"), l.recovered),
        (out.t("已释放", "released"), l.released),
        (out.t("待拨付", "outstanding"), l.outstanding),
        (out.t("未使用", "uncommitted"), l.uncommitted),
    ] {
        println!("{label:<12} {:>20}", m.format_yuan());
    }
    if !l.balanced {
        println!(
            "⚠ {}",
            out.t(
                "台账不平衡，请核查",
                "the ledger does not balance: check it"
            )
        );
    }
}

fn print_cashflow(c: &CashFlow, out: &Out) {
    let rows = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.period.clone(),
                r.scheduled.format_yuan(),
                r.paid.format_yuan(),
                r.recovered.format_yuan(),
                r.cumulative_scheduled.format_yuan(),
                r.cumulative_paid.format_yuan(),
                r.appropriation.map(|a| a.format_yuan()).unwrap_or_default(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("期间", "period"),
            out.t("计划拨付", "scheduled"),
            out.t("已拨付", "paid"),
            out.t("已收回", "recovered"),
            out.t("累计计划", "cum. scheduled"),
            out.t("累计实拨", "cum. paid"),
            out.t("年度预算", "appropriation"),
        ],
        rows,
    );
    for w in &c.warnings {
        println!("⚠ {}", text(&w.message, out));
    }
}
