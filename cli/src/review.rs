//! `grantdesk reviewer …`, `conflict`, `review …`, `scores import`, `ranking`: the reviewer
//! pool, conflicts of interest, the draw, reviews and the ranking.

use crate::prelude::*;

#[derive(Subcommand)]
pub(crate) enum ScoresCmd {
    /// All rows or none; refused rows are listed by number
    Import {
        file: PathBuf,
        #[arg(long)]
        call: String,
        /// Check every row and report, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum ReviewerCmd {
    /// Add reviewers from a CSV or XLSX list (name, affiliation, affiliation_code, email, phone, topics), all or none
    Import {
        file: PathBuf,
        /// Check every row and report, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Add a reviewer from a TOML file (name, affiliation, affiliation_code, email, phone, topics)
    Add {
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a reviewer's details from a TOML file
    Edit {
        id: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// List the pool
    List,
    /// Stop drawing this reviewer
    Deactivate { id: String },
    /// Draw this reviewer again
    Activate { id: String },
}

#[derive(Args)]
pub(crate) struct ConflictArgs {
    #[arg(long)]
    reviewer: String,
    /// The organisation's unified social credit code
    #[arg(long, conflicts_with = "proposal")]
    org: Option<String>,
    /// The proposal's reference (with --call)
    #[arg(long, requires = "call")]
    proposal: Option<String>,
    #[arg(long)]
    call: Option<String>,
    #[arg(long)]
    reason: String,
    /// Date of the declaration (default today)
    #[arg(long)]
    on: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub(crate) enum ReviewCmd {
    /// Draw reviewers for every eligible proposal of a closed call
    Assign {
        #[arg(long)]
        call: String,
        /// Seed of the draw (recorded; the same seed gives the same draw)
        #[arg(long)]
        seed: Option<u64>,
        /// Most proposals per reviewer in this call
        #[arg(long, default_value_t = review::DEFAULT_DRAW_CAP)]
        cap: u32,
    },
    /// Add a reviewer to a proposal by hand
    Add {
        #[arg(long)]
        call: String,
        reference: String,
        #[arg(long)]
        reviewer: String,
    },
    /// Take a reviewer off a proposal (--declined when the reviewer declined)
    Remove {
        #[arg(long)]
        call: String,
        reference: String,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        declined: bool,
    },
    /// Enter a review from a TOML file (call, reference, reviewer, [scores], comment, recommendation)
    Enter {
        #[arg(long)]
        file: PathBuf,
    },
}

/// The ranking of a call's reviewed proposals.
#[derive(Args)]
pub(crate) struct RankingArgs {
    #[arg(long)]
    call: String,
    /// mean, trimmed or calibrated
    #[arg(long, default_value = "mean", value_parser = aggregate)]
    by: Aggregate,
}

/// `R12` or `12`.
pub(crate) fn reviewer_id(s: &str) -> Result<i64, Error> {
    s.trim()
        .trim_start_matches(['R', 'r'])
        .parse()
        .map_err(|_| {
            invalid(
                "reviewer",
                "reviewer_unknown",
                &format!("“{s}”不是评审专家编号"),
                &format!("\"{s}\" is not a reviewer number"),
            )
        })
}

pub(crate) async fn reviewers(
    pool_: &Pool,
    stamp: &Stamp,
    c: ReviewerCmd,
    out: &Out,
) -> Result<(), Error> {
    match c {
        ReviewerCmd::Import { file, dry_run } => {
            let sheet = grantdesk::import::read(&file)?;
            let n = pool::import_sheet(pool_, stamp, &sheet, dry_run).await?;
            print_imported(out, n, dry_run, ("评审专家", "Reviewers", "reviewers"));
            Ok(())
        }
        ReviewerCmd::Add { file } => {
            let form: ReviewerForm = read_toml(&file)?;
            let r = pool::create(pool_, stamp, &form).await?;
            out.show(&r, |r| {
                println!("R{} {}", r.id, r.name);
            })?;
            Ok(())
        }
        ReviewerCmd::Edit { id, file } => {
            let form: ReviewerForm = read_toml(&file)?;
            let r = pool::update(pool_, stamp, reviewer_id(&id)?, &form).await?;
            out.show(&r, |r| {
                println!("R{} {}", r.id, r.name);
            })?;
            Ok(())
        }
        ReviewerCmd::List => {
            let all = pool::list(pool_).await?;
            out.show(&all, |all| {
                let rows = all
                    .iter()
                    .map(|r| {
                        vec![
                            format!("R{}", r.id),
                            r.name.clone(),
                            r.affiliation.clone(),
                            r.topics.join(","),
                            r.email.clone(),
                            out.t(
                                if r.active { "在库" } else { "停用" },
                                if r.active { "active" } else { "inactive" },
                            )
                            .to_string(),
                        ]
                    })
                    .collect();
                print_table(
                    &[
                        out.t("编号", "id"),
                        out.t("姓名", "name"),
                        out.t("单位", "affiliation"),
                        out.t("方向", "topics"),
                        out.t("邮箱", "e-mail"),
                        out.t("状态", "status"),
                    ],
                    rows,
                );
            })?;
            Ok(())
        }
        ReviewerCmd::Deactivate { id } => {
            let r = pool::set_active(pool_, stamp, reviewer_id(&id)?, false).await?;
            println!("R{} {} {}", r.id, r.name, out.t("已停用", "deactivated"));
            Ok(())
        }
        ReviewerCmd::Activate { id } => {
            let r = pool::set_active(pool_, stamp, reviewer_id(&id)?, true).await?;
            println!("R{} {} {}", r.id, r.name, out.t("已启用", "active"));
            Ok(())
        }
    }
}

pub(crate) async fn run(pool_: &Pool, stamp: &Stamp, c: ReviewCmd, out: &Out) -> Result<(), Error> {
    match c {
        ReviewCmd::Assign { call, seed, cap } => {
            let r = review::assign(pool_, stamp, &call, seed, cap).await?;
            out.show(&r, |r| {
                match out.lang {
                    Lang::Zh => println!(
                        "抽取 #{}（种子 {}）：分配 {} 人次，每份 {} 位专家，每位专家至多 {} 份；回避 {} 人次",
                        r.draw, r.seed, r.assigned, r.need, r.cap, r.recusals
                    ),
                    Lang::En => println!(
                        "Draw #{} (seed {}): {} assignments, {} reviewers per proposal, at most {} per reviewer; {} recusals",
                        r.draw, r.seed, r.assigned, r.need, r.cap, r.recusals
                    ),
                }
                for s in &r.short {
                    println!(
                        "  {} −{}: {}",
                        s.reference,
                        s.missing,
                        s.message.get(out.lang)
                    );
                }
            })?;
            Ok(())
        }
        ReviewCmd::Add {
            call,
            reference,
            reviewer,
        } => {
            review::add_reviewer(pool_, stamp, &call, &reference, reviewer_id(&reviewer)?).await?;
            println!("{} ← {reviewer}", reference);
            Ok(())
        }
        ReviewCmd::Remove {
            call,
            reference,
            reviewer,
            declined,
        } => {
            review::release_reviewer(
                pool_,
                stamp,
                &call,
                &reference,
                reviewer_id(&reviewer)?,
                declined,
            )
            .await?;
            println!("{} ✕ {reviewer}", reference);
            Ok(())
        }
        ReviewCmd::Enter { file } => {
            let form: ReviewForm = read_toml(&file)?;
            review::enter_review(pool_, stamp, &form).await?;
            println!("{}", out.t("已录入评审意见", "Review entered"));
            Ok(())
        }
    }
}

pub(crate) async fn conflict(
    pool: &Pool,
    stamp: &Stamp,
    a: ConflictArgs,
    out: &Out,
) -> Result<(), Error> {
    let reviewer = reviewer_id(&a.reviewer)?;
    let with = match (a.org, a.proposal, a.call) {
        (Some(code), _, _) => {
            ConflictWith::Organisation(grantdesk::credit_code::CreditCode::parse(&code)?)
        }
        (None, Some(reference), Some(call)) => ConflictWith::Proposal { call, reference },
        _ => {
            return Err(invalid(
                "org",
                "required",
                "须指定 --org 或 --proposal 与 --call",
                "give --org, or --proposal with --call",
            ));
        }
    };
    let recused = pool::declare(
        pool,
        stamp,
        &Declared {
            reviewer,
            with,
            reason: a.reason,
            declared_on: a.on,
        },
    )
    .await?;
    if recused > 0 {
        println!(
                "{}",
                out.t(
                    &format!("已登记回避；{recused} 项已有的评审分配改为回避，其评审意见不再计分"),
                    &format!(
                        "Conflict declared; {recused} existing assignments recused, their reviews no longer count"
                    )
                )
            );
    } else {
        println!("{}", out.t("已登记回避", "Conflict declared"));
    }
    Ok(())
}

pub(crate) async fn scores(
    pool: &Pool,
    stamp: &Stamp,
    c: ScoresCmd,
    out: &Out,
) -> Result<(), Error> {
    let ScoresCmd::Import {
        file,
        call,
        dry_run,
    } = c;
    let sheet = grantdesk::import::read(&file)?;
    let n = review::import_score_sheet(pool, stamp, &call, &sheet, dry_run).await?;
    print_imported(out, n, dry_run, ("评审意见", "Reviews", "reviews"));
    Ok(())
}

pub(crate) async fn ranking(pool: &Pool, a: RankingArgs, out: &Out) -> Result<(), Error> {
    let RankingArgs { call, by } = a;
    let order = by;
    let rows = review::rank_call(pool, &call, order).await?;
    out.show(&rows, |rows| {
        let table = rows
            .iter()
            .map(|r| {
                let f = &r.figures;
                vec![
                    format!("{}{}", f.rank, if f.tied { "=" } else { "" }),
                    r.reference.clone(),
                    r.title.clone(),
                    r.topic.clone(),
                    f.reviews.to_string(),
                    format!("{:.2}", f.mean),
                    format!("{:.2}", f.trimmed_mean),
                    format!("{:+.3}", f.calibrated),
                    format!("{:.2}{}", f.std_dev, if f.disagreement { " ⚠" } else { "" }),
                ]
            })
            .collect();
        print_table(
            &[
                out.t("名次", "rank"),
                out.t("编号", "reference"),
                out.t("项目名称", "title"),
                out.t("方向", "topic"),
                out.t("评审数", "reviews"),
                out.t("均分", "mean"),
                out.t("截尾均分", "trimmed"),
                out.t("校准分", "calibrated"),
                out.t("标准差", "std dev"),
            ],
            table,
        );
    })?;
    Ok(())
}
