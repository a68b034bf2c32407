//! `grantdesk calls`, `grantdesk call …`: the calls and their lifecycle.

use crate::prelude::*;

#[derive(Subcommand)]
pub(crate) enum CallCmd {
    /// Show one call
    Show { code: String },
    /// Create a call (draft) from a TOML file (see `call template`)
    New {
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a call's definition from a TOML file
    Edit {
        code: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print a TOML file for `call new` or `call edit` (the sample call, or CODE's definition)
    Template { code: Option<String> },
    /// Open a draft call to proposals
    Open { code: String },
    /// Close an open call
    Close { code: String },
    /// Reopen a closed call (e.g. to extend its deadline)
    Reopen { code: String },
}

pub(crate) async fn run(pool: &Pool, stamp: &Stamp, c: CallCmd, out: &Out) -> Result<(), Error> {
    let moved = |call: &Call| {
        println!(
            "{} {}: {}",
            out.t("资助计划", "Call"),
            call.spec.code,
            call.status.label(out.lang)
        );
    };
    match c {
        CallCmd::Show { code } => show_call(pool, &code, out).await,
        CallCmd::New { file } => {
            let form: CallForm = read_toml(&file)?;
            let created = call::create(pool, stamp, &form).await?;
            out.show(&created, |created| {
                moved(created);
            })?;
            Ok(())
        }
        CallCmd::Edit { code, file } => {
            let form: CallForm = read_toml(&file)?;
            let updated = call::update(pool, stamp, &code, &form).await?;
            out.show(&updated, |updated| {
                moved(updated);
            })?;
            Ok(())
        }
        CallCmd::Template { code } => {
            let form = match code {
                Some(code) => CallForm::from(&call::get(pool, &code).await?.spec),
                None => demo::reference_call_form(),
            };
            print!("{}", toml::to_string(&form).unwrap_or_default());
            Ok(())
        }
        CallCmd::Open { code } => {
            out.show(
                &call::set_status(pool, stamp, &code, CallStatus::Open).await?,
                moved,
            )?;
            Ok(())
        }
        CallCmd::Close { code } => {
            out.show(
                &call::set_status(pool, stamp, &code, CallStatus::Closed).await?,
                moved,
            )?;
            Ok(())
        }
        CallCmd::Reopen { code } => {
            out.show(
                &call::set_status(pool, stamp, &code, CallStatus::Open).await?,
                moved,
            )?;
            Ok(())
        }
    }
}

pub(crate) async fn list_calls(pool: &Pool, out: &Out) -> Result<(), Error> {
    let calls = call::list(pool).await?;
    out.show(&calls, |calls| {
        let rows = calls
            .iter()
            .map(|c| {
                vec![
                    c.spec.code.to_string(),
                    out.lang
                        .pick(&c.spec.title_zh, &c.spec.title_en)
                        .to_string(),
                    c.status.label(out.lang).to_string(),
                    c.spec.total_budget.format_yuan(),
                    c.spec.max_awards.to_string(),
                    format!("{} – {}", c.spec.opens_on, c.spec.closes_on),
                ]
            })
            .collect();
        print_table(
            &[
                out.t("编号", "code"),
                out.t("名称", "title"),
                out.t("状态", "status"),
                out.t("总预算", "budget"),
                out.t("资助项数上限", "max awards"),
                out.t("受理期", "window"),
            ],
            rows,
        );
    })?;
    Ok(())
}

pub(crate) async fn show_call(pool: &Pool, code: &str, out: &Out) -> Result<(), Error> {
    // The dashboard's figures: the same totals as the window (withdrawn proposals left out).
    let d = grantdesk::dashboard::of_call(pool, code).await?;
    let c = &d.call;
    if out.json {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            call: &'a Call,
            proposals: u64,
            requested: grantdesk::Money,
        }
        return out.json(&Shown {
            call: c,
            proposals: d.proposals.count,
            requested: d.proposals.requested,
        });
    }
    let s = &c.spec;
    let l = out.lang;
    let kv = |k: &str, v: String| println!("  {k}: {v}");
    println!("{} — {}", s.code, l.pick(&s.title_zh, &s.title_en));
    println!("  {}", l.pick(&s.title_en, &s.title_zh));
    kv(out.t("状态", "Status"), c.status.label(l).to_string());
    kv(
        out.t("总预算", "Total budget"),
        format!(
            "{} ({})",
            s.total_budget.format_yuan(),
            s.total_budget.format_wan()
        ),
    );
    kv(out.t("大写", "In capitals"), s.total_budget.capital());
    kv(
        out.t("资助项数上限", "Maximum awards"),
        s.max_awards.to_string(),
    );
    kv(
        out.t("单项资助额度", "Award range"),
        format!(
            "{} – {}",
            s.award_floor.format_yuan(),
            s.award_ceiling.format_yuan()
        ),
    );
    kv(
        out.t("执行期", "Duration"),
        format!("{} {}", s.duration_months, out.t("个月", "months")),
    );
    kv(
        out.t("受理期", "Window"),
        format!("{} – {}", s.opens_on, s.closes_on),
    );
    kv(
        out.t("资助方式", "Funding mode"),
        s.funding_mode.label(l).to_string(),
    );
    kv(
        out.t("研究方向", "Topics"),
        s.topics
            .iter()
            .map(|t| format!("{} {}", t.code, l.pick(&t.name_zh, &t.name_en)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    kv(
        out.t("评审指标", "Rubric"),
        s.rubric
            .iter()
            .map(|r| format!("{} {}", l.pick(&r.name_zh, &r.name_en), r.weight))
            .collect::<Vec<_>>()
            .join(", "),
    );
    kv(
        out.t("间接费用上限", "Indirect-cost cap"),
        s.indirect_tiers
            .iter()
            .map(|t| match t.up_to {
                Some(u) => format!("{} ≤ {}", t.rate, u.format_wan()),
                None => format!("{} {}", t.rate, out.t("以上部分", "above")),
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    kv(
        out.t("拨付批次", "Tranches"),
        s.tranches
            .iter()
            .map(|t| format!("{} {}", t.milestone.as_str(), t.share))
            .collect::<Vec<_>>()
            .join(", "),
    );
    kv(
        out.t("年度预算", "Appropriations"),
        s.appropriations
            .iter()
            .map(|a| format!("{} {}", a.year, a.amount.format_yuan()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    kv(
        out.t("申请书（不含撤回）", "Proposals (not withdrawn)"),
        d.proposals.count.to_string(),
    );
    for st in &d.by_status {
        if st.tally.count > 0 {
            println!("    {:<8} {}", st.status.label(l), st.tally.count);
        }
    }
    kv(
        out.t("申请总额（不含撤回）", "Requested in total (not withdrawn)"),
        d.proposals.requested.format_yuan(),
    );
    Ok(())
}
