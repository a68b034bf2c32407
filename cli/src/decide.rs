//! `grantdesk decide …`, `awards`, `award …`: the decision board, the optimiser, issuing the
//! awards and their lifecycle.

use crate::prelude::*;
use grantdesk::decision::Rows;
use grantdesk::review::table::Rankings;

#[derive(Args)]
pub(crate) struct SuggestArgs {
    #[arg(long)]
    call: String,
    /// exact (the best set, proved) or strict (down the ranking)
    #[arg(long, default_value = "exact")]
    mode: String,
    /// The ranking figure: mean, trimmed or calibrated
    #[arg(long, default_value = "mean")]
    by: String,
    /// A uniform cut of every award, in percent (e.g. 10)
    #[arg(long, default_value = "")]
    cut: String,
    /// Topic quota, repeatable: AI=2.. (at least 2), VR=..3 (at most 3), AR=2..4
    #[arg(long)]
    quota: Vec<String>,
}

impl SuggestArgs {
    fn form(&self) -> grantdesk::decision::SuggestForm {
        use grantdesk::decision::QuotaForm;
        let quotas = self
            .quota
            .iter()
            .map(|q| {
                let (topic, range) = q.split_once('=').unwrap_or((q.as_str(), ""));
                let (min, max) = range.split_once("..").unwrap_or((range, range));
                QuotaForm {
                    topic: topic.into(),
                    min: min.into(),
                    max: max.into(),
                }
            })
            .collect();
        grantdesk::decision::SuggestForm {
            call: self.call.as_str().into(),
            mode: self.mode.as_str().into(),
            order: self.by.as_str().into(),
            cut: self.cut.as_str().into(),
            quotas,
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum DecideCmd {
    /// The decision board: the ranking with the proposed awards and the running totals
    Board {
        #[arg(long)]
        call: String,
        /// The ranking figure: mean, trimmed or calibrated
        #[arg(long, default_value = "mean", value_parser = aggregate)]
        by: Aggregate,
    },
    /// The optimiser's suggestion, with the reasons near the funding line
    Suggest(SuggestArgs),
    /// Replace the proposed awards by the optimiser's suggestion
    Apply(SuggestArgs),
    /// Propose an award (or change its amount); a cut needs --reason
    Propose {
        #[arg(long)]
        call: String,
        /// Proposal reference
        reference: String,
        /// The award (default: the amount requested)
        #[arg(long, default_value = "")]
        amount: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Take a proposal off the proposed awards
    Withdraw {
        #[arg(long)]
        call: String,
        reference: String,
    },
    /// Seeded bootstrap of the reviews: how often each proposal would be funded
    Robustness {
        #[command(flatten)]
        s: SuggestArgs,
        /// How many times the reviews are drawn again (default 1000, at most 10000)
        #[arg(long)]
        draws: Option<u32>,
        /// The seed of the draws (default 2026)
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Issue the proposed awards (numbers, dates, approved budgets); the call becomes decided
    Award {
        #[arg(long)]
        call: String,
        /// Start date of the awards (YYYY-MM-DD)
        #[arg(long)]
        start: String,
        /// Date of the decision (default: today); its year goes into the award numbers
        #[arg(long, default_value = "")]
        decided_on: String,
    },
    /// Export the public-notice list (and, in XLSX, the proposals not funded)
    Notice {
        #[arg(long)]
        call: String,
        /// A .csv or .xlsx file
        #[arg(long)]
        out: PathBuf,
        /// CSV only: write the list of proposals not funded instead
        #[arg(long)]
        unfunded: bool,
        /// Replace the file if it exists (never the database)
        #[arg(long)]
        force: bool,
    },
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    c: DecideCmd,
    out: &Out,
    db: &std::path::Path,
) -> Result<(), Error> {
    use grantdesk::decision;
    match c {
        DecideCmd::Board { call, by } => {
            let b = decision::board(pool, &Rankings::new(), &call, by, Rows::ALL).await?;
            out.show(&b, |b| {
                print_board(b, out);
            })?;
        }
        DecideCmd::Suggest(a) => {
            let s = decision::suggest(pool, &Rankings::new(), &a.form()).await?;
            out.show(&s, |s| {
                let exact = if s.proved_best {
                    out.t(
                        "最优方案（已穷尽证明：没有总分更高的可行组合）",
                        "The best set (proved: no feasible set scores higher)",
                    )
                } else {
                    out.t("严格按排名依次资助", "Strict rank order")
                };
                println!("{exact}");
                for x in &s.chosen {
                    println!("  ✓ {}  {}", x.reference, x.amount.format_yuan());
                }
                println!(
                    "{}: {} ({} {}), {}: {}, {}: {:.2}",
                    out.t("合计", "total"),
                    s.total.format_yuan(),
                    s.chosen.len(),
                    out.t("项", "awards"),
                    out.t("剩余", "remaining"),
                    s.remaining.format_yuan(),
                    out.t("总分", "score"),
                    s.score
                );
                for w in &s.warnings {
                    println!("⚠ {}", w.get(out.lang));
                }
                println!("{}", out.t("临界项目说明：", "Near the funding line:"));
                for x in &s.explanations {
                    println!(
                        "  {} {:>3}  {}  {}",
                        if x.funded { "✓" } else { "✗" },
                        x.rank,
                        x.reference,
                        x.message.get(out.lang)
                    );
                }
            })?;
        }
        DecideCmd::Apply(a) => {
            let b = decision::apply(pool, &Rankings::new(), stamp, &a.form(), Rows::ALL).await?;
            out.show(&b, |b| {
                print_board(b, out);
            })?;
        }
        DecideCmd::Propose {
            call,
            reference,
            amount,
            reason,
        } => {
            let f = decision::DecisionForm {
                call: call.into(),
                reference: reference.into(),
                amount: amount.into(),
                reason: reason.into(),
            };
            let b = decision::propose(pool, &Rankings::new(), stamp, &f, Rows::ALL).await?;
            out.show(&b, |b| {
                print_board(b, out);
            })?;
        }
        DecideCmd::Withdraw { call, reference } => {
            let b = decision::withdraw(pool, &Rankings::new(), stamp, &call, &reference, Rows::ALL)
                .await?;
            out.show(&b, |b| {
                print_board(b, out);
            })?;
        }
        DecideCmd::Robustness { s, draws, seed } => {
            let t = std::time::Instant::now();
            let r = decision::robustness(pool, &Rankings::new(), &s.form(), draws, seed).await?;
            let took = t.elapsed();
            out.show(&r, |r| {
                let rows = r
                    .rows
                    .iter()
                    .map(|x| {
                        vec![
                            x.rank.to_string(),
                            x.reference.clone(),
                            if x.funded_now { "✓" } else { "" }.to_string(),
                            format!("{:.1}%", f64::from(x.per_mille) / 10.0),
                            match x.verdict {
                                "stable_in" => out.t("稳定入选", "stable in"),
                                "stable_out" => out.t("稳定落选", "stable out"),
                                _ => out.t("不确定，建议复议", "uncertain: send to the panel"),
                            }
                            .to_string(),
                        ]
                    })
                    .collect();
                print_table(
                    &[
                        out.t("名次", "rank"),
                        out.t("编号", "reference"),
                        out.t("现入选", "funded now"),
                        out.t("入选比例", "funded in"),
                        out.t("判断", "verdict"),
                    ],
                    rows,
                );
                if r.never_funded > 0 {
                    println!(
                        "{}",
                        out.t(
                            &format!(
                                "另有 {} 份申请书在任何一次重抽样中都未入选（稳定落选）",
                                r.never_funded
                            ),
                            &format!(
                                "{} more proposals were funded in no draw (stable out)",
                                r.never_funded
                            ),
                        )
                    );
                }
                println!(
                    "{} {} {}, seed {}: {:.0} ms",
                    out.t("自助重抽样", "bootstrap"),
                    r.draws,
                    out.t("次", "draws"),
                    r.seed,
                    ms(took)
                );
            })?;
        }
        DecideCmd::Award {
            call,
            start,
            decided_on,
        } => {
            let f = decision::IssueForm {
                call: call.into(),
                start_on: start.into(),
                decided_on: decided_on.into(),
            };
            let awards = decision::issue(pool, stamp, &f).await?;
            out.show(&awards, |awards| {
                print_awards(awards, out);
            })?;
        }
        DecideCmd::Notice {
            call,
            out: file,
            unfunded,
            force,
        } => {
            let format = grantdesk::export::Format::of_path(&file);
            let (n, made) = decision::notice_file(pool, &call, format, unfunded).await?;
            grantdesk::export::write(&file, &made.bytes, force, db)?;
            out.show(&n, |n| {
                println!(
                    "{} {} ({} {}, {} {})",
                    out.t("已导出", "Written:"),
                    file.display(),
                    n.funded,
                    out.t("项资助", "funded"),
                    n.unfunded,
                    out.t("项未获资助", "not funded")
                );
            })?;
        }
    }
    Ok(())
}

pub(crate) fn print_awards(awards: &[grantdesk::decision::Award], out: &Out) {
    let rows = awards
        .iter()
        .map(|a| {
            vec![
                a.number.clone(),
                a.reference.clone(),
                a.title.clone(),
                a.applicant.clone(),
                a.topic.clone(),
                a.amount.format_yuan(),
                format!("{} – {}", a.start_on, a.end_on),
                a.status.label(out.lang).to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("文号", "number"),
            out.t("编号", "reference"),
            out.t("项目名称", "title"),
            out.t("承担单位", "applicant"),
            out.t("方向", "topic"),
            out.t("资助金额", "award"),
            out.t("执行期", "period"),
            out.t("状态", "status"),
        ],
        rows,
    );
}

pub(crate) fn print_board(b: &grantdesk::decision::Board, out: &Out) {
    let rows = b
        .rows
        .iter()
        .map(|r| {
            vec![
                format!("{}{}", r.rank, if r.tied { "=" } else { "" }),
                r.reference.clone(),
                r.title.clone(),
                r.topic.clone(),
                format!("{:.2}", r.score),
                r.requested.format_yuan(),
                r.proposed
                    .as_ref()
                    .map(|p| p.amount.format_yuan())
                    .unwrap_or_default(),
                r.proposed
                    .as_ref()
                    .map(|p| p.reason.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("名次", "rank"),
            out.t("编号", "reference"),
            out.t("项目名称", "title"),
            out.t("方向", "topic"),
            out.t("得分", "score"),
            out.t("申请金额", "requested"),
            out.t("拟资助", "proposed"),
            out.t("核减理由", "cut reason"),
        ],
        rows,
    );
    println!(
        "{}: {} / {}  {}: {}  {}: {} / {}",
        out.t("已安排", "committed"),
        b.committed.format_yuan(),
        b.budget.format_yuan(),
        out.t("剩余", "remaining"),
        b.remaining.format_yuan(),
        out.t("资助项数", "awards"),
        b.awards,
        b.max_awards
    );
    for t in &b.topics {
        println!(
            "  {} {}: {} {}, {}",
            t.code,
            out.lang.pick(&t.name_zh, &t.name_en),
            t.awards,
            out.t("项", "awards"),
            t.committed.format_yuan()
        );
    }
}

pub(crate) async fn awards(pool: &Pool, call: String, out: &Out) -> Result<(), Error> {
    let awards = grantdesk::decision::awards(pool, &call).await?;
    out.show(&awards, |awards| {
        print_awards(awards, out);
    })?;
    Ok(())
}

/// What `grantdesk award` does to an award: the move along its lifecycle.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum AwardAction {
    Accept,
    Activate,
    Complete,
    Terminate,
}

impl From<AwardAction> for grantdesk::decision::AwardStatus {
    fn from(a: AwardAction) -> Self {
        use grantdesk::decision::AwardStatus;
        match a {
            AwardAction::Accept => AwardStatus::Accepted,
            AwardAction::Activate => AwardStatus::Active,
            AwardAction::Complete => AwardStatus::Completed,
            AwardAction::Terminate => AwardStatus::Terminated,
        }
    }
}

pub(crate) async fn award(
    pool: &Pool,
    stamp: &Stamp,
    action: AwardAction,
    number: String,
    out: &Out,
) -> Result<(), Error> {
    let a = grantdesk::decision::set_award_status(pool, stamp, &number, action.into()).await?;
    out.show(&a, |a| {
        println!("{} {}", a.number, a.status.label(out.lang));
    })?;
    Ok(())
}
