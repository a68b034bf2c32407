//! `grantdesk demo`: the sample call, carried as far as asked.

use crate::prelude::*;

/// How far the sample is carried.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Stage {
    Proposals,
    Reviewed,
    Awarded,
    Disbursing,
}

/// Load (or complete) the sample call with its 40 proposals.
#[derive(Args)]
pub(crate) struct DemoArgs {
    /// How far to carry the sample: `proposals` (registered and checked), `reviewed`
    /// (reviewer pool, draw and scores), `awarded` (decided, awards issued) or `disbursing`
    /// (a year into the awards: paid, reviewed at mid-term, reported, one suspended)
    #[arg(long, value_enum, default_value_t = Stage::Proposals)]
    stage: Stage,
    /// Instead, fill the call BJ-SCALE-2026 with this many synthetic proposals (for trying
    /// the window at scale and measuring); with `--stage reviewed`, also close it, check it,
    /// make a pool of one reviewer per 20 proposals, draw five a proposal and score them all
    #[arg(long)]
    scale: Option<usize>,
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    path: &Path,
    a: DemoArgs,
    out: &Out,
) -> Result<(), Error> {
    match (a.scale, a.stage) {
        (Some(n), Stage::Reviewed) => {
            let r = demo::load_scaled_reviewed(pool, stamp, n).await?;
            out.show(&r, |r| match out.lang {
                Lang::Zh => println!(
                    "规模测试资助计划 {} 已完成评审：{} 份申请书（形式审查合格 {} 份），{} 位评审专家，{} 人次分配，{} 份评审意见",
                    r.loaded.call, r.loaded.proposals_total, r.loaded.eligible, r.reviewers, r.assignments, r.reviews
                ),
                Lang::En => println!(
                    "Scale test call {} reviewed: {} proposals ({} eligible), {} reviewers, {} assignments, {} reviews",
                    r.loaded.call, r.loaded.proposals_total, r.loaded.eligible, r.reviewers, r.assignments, r.reviews
                ),
            })?;
            Ok(())
        }
        (Some(_), Stage::Awarded | Stage::Disbursing) => Err(Error::invalid(
            "stage",
            "scale_stage",
            "规模测试资助计划只能加载到 proposals 或 reviewed 阶段",
            "the scale call goes as far as `proposals` or `reviewed`",
        )),
        (Some(n), Stage::Proposals) => {
            let loaded = demo::load_scaled(pool, stamp, n).await?;
            out.show(&loaded, |loaded| {
                println!(
                    "{} {}: {} {}",
                    out.t("规模测试资助计划", "Scale test call"),
                    loaded.call,
                    loaded.proposals_total,
                    out.t("份申请书", "proposals")
                );
            })?;
            Ok(())
        }
        (None, Stage::Reviewed) => {
            let r = demo::load_reviewed(pool, stamp).await?;
            out.show(&r, |r| match out.lang {
                Lang::Zh => println!(
                    "示例资助计划 {} 已完成评审：{} 位评审专家，{} 人次分配，{} 份评审意见",
                    r.loaded.call, r.reviewers, r.assignments, r.reviews
                ),
                Lang::En => println!(
                    "Sample call {} reviewed: {} reviewers, {} assignments, {} reviews",
                    r.loaded.call, r.reviewers, r.assignments, r.reviews
                ),
            })?;
            Ok(())
        }
        (None, Stage::Awarded) => {
            let r = demo::load_awarded(pool, stamp).await?;
            out.show(&r, |r| match out.lang {
                Lang::Zh => println!(
                    "示例资助计划 {} 已立项：{} 项资助，合计 {}",
                    r.reviewed.loaded.call,
                    r.awards,
                    r.committed.format_yuan()
                ),
                Lang::En => println!(
                    "Sample call {} decided: {} awards, {} in all",
                    r.reviewed.loaded.call,
                    r.awards,
                    r.committed.format_yuan()
                ),
            })?;
            Ok(())
        }
        (None, Stage::Disbursing) => {
            let r = demo::load_disbursing(pool, stamp).await?;
            out.show(&r, |r| match out.lang {
                Lang::Zh => println!(
                    "示例资助计划 {} 执行一年：{} 项资助，已拨付 {}（{} 条拨款记录），{} 项暂停",
                    r.awarded.reviewed.loaded.call,
                    r.awarded.awards,
                    r.paid.format_yuan(),
                    r.payments,
                    r.suspended
                ),
                Lang::En => println!(
                    "Sample call {} a year on: {} awards, {} paid ({} entries), {} suspended",
                    r.awarded.reviewed.loaded.call,
                    r.awarded.awards,
                    r.paid.format_yuan(),
                    r.payments,
                    r.suspended
                ),
            })?;
            Ok(())
        }
        (None, Stage::Proposals) => {
            let loaded = demo::load(pool, stamp).await?;
            if out.json {
                return out.json(&loaded);
            }
            let (call, total, new) = (
                &loaded.call,
                loaded.proposals_total,
                loaded.proposals_created,
            );
            let (ok, bad) = (loaded.eligible, loaded.ineligible);
            match out.lang {
                Lang::Zh => println!(
                    "示例资助计划 {call} — {total} 份申请书，本次新建 {new} 份（形式审查合格 {ok} 份，不合格 {bad} 份）"
                ),
                Lang::En => println!(
                    "Sample call {call} — {total} proposals, {new} created now ({ok} eligible, {bad} ineligible)"
                ),
            }
            println!("{}: {}", out.t("数据库", "Database"), path.display());
            crate::calls::show_call(pool, demo::CALL_CODE, out).await
        }
    }
}
