//! `grantdesk audit verify|log`: the hash-chained audit log.

use crate::prelude::*;

#[derive(Subcommand)]
pub(crate) enum AuditCmd {
    /// Walk the hash chain: OK with the entry count, or the first entry that was altered
    Verify,
    /// Show the newest entries
    Log {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// Entity kind (call, proposal, applicant) and id, e.g. --entity call --id BJ-AIXR-2026
        #[arg(long, requires = "id")]
        entity: Option<String>,
        #[arg(long)]
        id: Option<String>,
    },
}

pub(crate) async fn run(pool: &Pool, c: AuditCmd, out: &Out) -> Result<(), Error> {
    match c {
        AuditCmd::Verify => {
            let v = audit::verify(pool).await?;
            out.show(&v, |v| {
                println!(
                    "OK — {} {}; {}: {}",
                    v.entries,
                    out.t("条审计记录，哈希链完整", "audit entries, hash chain intact"),
                    out.t("链头", "head"),
                    v.head
                );
            })?;
            Ok(())
        }
        AuditCmd::Log { limit, entity, id } => {
            let filter = entity.as_deref().zip(id.as_deref());
            let entries = audit::history(pool, filter, limit).await?;
            out.show(&entries, |entries| {
                let rows = entries
                    .iter()
                    .map(|e| {
                        vec![
                            e.seq.to_string(),
                            e.at.clone(),
                            e.actor.clone(),
                            e.entity.clone(),
                            e.entity_id.clone(),
                            e.action.clone(),
                        ]
                    })
                    .collect();
                print_table(
                    &[
                        out.t("序号", "#"),
                        out.t("时间 (UTC)", "time (UTC)"),
                        out.t("操作人", "actor"),
                        out.t("对象", "entity"),
                        out.t("标识", "id"),
                        out.t("操作", "action"),
                    ],
                    rows,
                );
            })?;
            Ok(())
        }
    }
}
