//! `grantdesk proposals`, `grantdesk proposal …`: registering, submitting, checking.

use crate::prelude::*;

#[derive(Args)]
pub(crate) struct ProposalsArgs {
    #[arg(long)]
    call: String,
    #[command(flatten)]
    view: TableView,
}

/// What a proposals table shows: the window's filter and sort, as options.
#[derive(Args)]
pub(crate) struct TableView {
    #[arg(long)]
    topic: Option<String>,
    /// draft, submitted, eligible, ineligible or withdrawn
    #[arg(long)]
    status: Option<String>,
    /// Text to find in the title, applicant, investigator or reference
    #[arg(long)]
    search: Option<String>,
    /// The column to sort by: reference (the default), title, applicant, pi_name, topic,
    /// requested or status (Chinese by pinyin, as the window sorts)
    #[arg(long)]
    sort: Option<String>,
    /// Sort descending
    #[arg(long)]
    desc: bool,
}

impl TableView {
    /// The filter and sort for `call`, checked by the core.
    pub(crate) fn read(self, call: String) -> Result<(Filter, proposal::table::Sort), Error> {
        let status = self
            .status
            .as_deref()
            .map(proposal::table::parse_status)
            .transpose()?;
        let sort = proposal::table::Sort::parse(self.sort.as_deref(), self.desc)?;
        let filter = Filter {
            call,
            topic: self.topic,
            status,
            search: self.search,
        };
        Ok((filter, sort))
    }
}

#[derive(Subcommand)]
pub(crate) enum ProposalCmd {
    /// Show one proposal with its budget and eligibility
    Show { call: String, reference: String },
    /// Register a proposal (draft) from a TOML file (see `proposal template`)
    New {
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a proposal's content from a TOML file
    Edit {
        call: String,
        reference: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print a TOML file for `proposal new` (a sample proposal, or REFERENCE's content)
    Template {
        call: Option<String>,
        reference: Option<String>,
    },
    /// Record the submission of a draft (date of receipt, default today)
    Submit {
        call: String,
        reference: String,
        #[arg(long)]
        on: Option<NaiveDate>,
    },
    /// Withdraw a draft or submitted proposal
    Withdraw { call: String, reference: String },
    /// Run the eligibility check (形式审查) on the submitted proposals of a call
    Check {
        #[arg(long)]
        call: String,
    },
}

pub(crate) async fn list(pool: &Pool, a: ProposalsArgs, out: &Out) -> Result<(), Error> {
    let (filter, sort) = a.view.read(a.call)?;
    let rows = proposal::table::lines(pool, &filter, sort).await?;
    out.show(&rows, |rows| {
        let table = rows
            .iter()
            .map(|r| {
                vec![
                    r.reference.clone(),
                    r.title.clone(),
                    r.applicant.clone(),
                    r.pi_name.clone(),
                    r.topic.clone(),
                    r.requested.format_yuan(),
                    r.status.label(out.lang).to_string(),
                    r.reasons
                        .iter()
                        .map(|c| proposal::reason_label(c, out.lang))
                        .collect::<Vec<_>>()
                        .join(out.t("、", ", ")),
                ]
            })
            .collect();
        print_table(
            &[
                out.t("编号", "reference"),
                out.t("项目名称", "title"),
                out.t("申请单位", "applicant"),
                out.t("负责人", "investigator"),
                out.t("方向", "topic"),
                out.t("申请金额", "requested"),
                out.t("状态", "status"),
                out.t("不合格原因", "reasons"),
            ],
            table,
        );
        println!("{} {}", rows.len(), out.t("份", "proposals"));
    })?;
    Ok(())
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    p: ProposalCmd,
    out: &Out,
) -> Result<(), Error> {
    let l = out.lang;
    match p {
        ProposalCmd::Show { call, reference } => {
            let p = proposal::get(pool, &call, &reference).await?;
            if out.json {
                return out.json(&p);
            }
            let c = &p.content;
            println!("{} — {}", c.reference, c.title);
            if !c.title_en.is_empty() {
                println!("  {}", c.title_en);
            }
            println!(
                "  {}: {} ({})",
                out.t("申请单位", "Applicant"),
                c.applicant.name,
                c.applicant.credit_code
            );
            println!(
                "  {}: {} {}",
                out.t("项目负责人", "Investigator"),
                c.pi_name,
                c.pi_title
            );
            println!("  {}: {}", out.t("研究方向", "Topic"), c.topic);
            println!(
                "  {}: {} ({})",
                out.t("申请金额", "Requested"),
                c.requested.format_yuan(),
                c.requested.capital()
            );
            println!("  {}: {}", out.t("状态", "Status"), p.status.label(l));
            if let Some(d) = p.submitted_on {
                println!("  {}: {d}", out.t("提交日期", "Submitted on"));
            }
            if !c.budget.is_empty() {
                let call = call::get(pool, &p.call).await?;
                let table = c.budget_table(call.years);
                let mut head = vec![out.t("科目", "category").to_string()];
                head.extend(table.years.iter().map(|y| match l {
                    Lang::Zh => format!("第{y}年"),
                    Lang::En => format!("year {y}"),
                }));
                head.push(out.t("合计", "total").to_string());
                let money = |m: &Option<grantdesk::Money>| {
                    m.map_or_else(|| "—".into(), |a| a.format_yuan())
                };
                let mut rows: Vec<Vec<String>> = table
                    .rows
                    .iter()
                    .map(|r| {
                        let mut row = vec![r.category.label(l).to_string()];
                        row.extend(r.amounts.iter().map(money));
                        row.push(r.total.format_yuan());
                        row
                    })
                    .collect();
                let mut total = vec![out.t("合计", "total").to_string()];
                total.extend(table.year_totals.iter().map(|m| m.format_yuan()));
                total.push(table.total.format_yuan());
                rows.push(total);
                let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
                print_table(&head_refs, rows);
            }
            match &p.eligibility {
                None => println!(
                    "  {}",
                    out.t("尚未形式审查", "Not yet checked for eligibility")
                ),
                Some(r) if r.is_empty() => {
                    println!("  {}", out.t("形式审查：合格", "Eligibility: eligible"))
                }
                Some(r) => {
                    println!("  {}", out.t("形式审查：不合格", "Eligibility: ineligible"));
                    for x in r {
                        println!("    [{}] {}", x.code, x.message.get(l));
                    }
                }
            }
            Ok(())
        }
        ProposalCmd::New { file } => {
            let form: ProposalForm = read_toml(&file)?;
            let p = proposal::create(pool, stamp, &form).await?;
            out.show(&p, |p| {
                println!(
                    "{} {} ({})",
                    out.t("已登记申请书", "Registered proposal"),
                    p.content.reference,
                    p.status.label(l)
                );
            })?;
            Ok(())
        }
        ProposalCmd::Edit {
            call,
            reference,
            file,
        } => {
            let form: ProposalForm = read_toml(&file)?;
            let p = proposal::update(pool, stamp, &call, &reference, &form).await?;
            out.show(&p, |p| {
                println!(
                    "{} {}",
                    out.t("已修改申请书", "Updated proposal"),
                    p.content.reference
                );
            })?;
            Ok(())
        }
        ProposalCmd::Template { call, reference } => {
            let form = match (call, reference) {
                (Some(c), Some(r)) => {
                    let p = proposal::get(pool, &c, &r).await?;
                    let mut f = ProposalForm::from(&p.content);
                    f.call = p.call.as_str().into();
                    f
                }
                _ => {
                    let mut f = demo::sample_proposals().swap_remove(0).0;
                    f.reference = "".into();
                    f
                }
            };
            print!("{}", toml::to_string(&form).unwrap_or_default());
            Ok(())
        }
        ProposalCmd::Submit {
            call,
            reference,
            on,
        } => {
            let p = proposal::submit(pool, stamp, &call, &reference, on).await?;
            println!(
                "{} {} ({})",
                p.content.reference,
                p.status.label(l),
                p.submitted_on.map(|d| d.to_string()).unwrap_or_default()
            );
            Ok(())
        }
        ProposalCmd::Withdraw { call, reference } => {
            let p = proposal::withdraw(pool, stamp, &call, &reference).await?;
            println!("{} {}", p.content.reference, p.status.label(l));
            Ok(())
        }
        ProposalCmd::Check { call } => {
            let r = proposal::check_eligibility(pool, stamp, &call).await?;
            out.show(&r, |r| {
                println!(
                    "{}: {} — {} {}, {} {}, {} {}",
                    out.t("形式审查", "Eligibility check"),
                    r.call,
                    r.checked,
                    out.t("份已审", "checked"),
                    r.eligible,
                    out.t("份合格", "eligible"),
                    r.ineligible,
                    out.t("份不合格", "ineligible"),
                );
            })?;
            Ok(())
        }
    }
}
