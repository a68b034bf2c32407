//! `grantdesk whoami`, `grantdesk officer add|list`: who is signed in, and the officers of a
//! server's database with their roles (岗位); `grantdesk migrate --to`: a file moved to one.

use crate::prelude::*;
use grantdesk::officer::{self, Officer};

#[derive(Subcommand)]
pub(crate) enum OfficerCmd {
    /// Give an officer a role (an administrator's act): creates their sign-in role on the
    /// server when there is none; the password is the server's (ALTER ROLE … PASSWORD, LDAP…)
    Add {
        /// Sign-in name: lower-case letters, digits, underscores (e.g. li_wei)
        name: String,
        /// viewer (查看), programme (项目主管), finance (财务), director (审批),
        /// administrator (管理员)
        #[arg(long)]
        role: String,
    },
    /// The officers and their roles
    List,
}

fn roles(o: &Officer, out: &Out) -> String {
    o.roles
        .iter()
        .map(|r| r.name().get(out.lang).to_string())
        .collect::<Vec<_>>()
        .join(out.t("、", ", "))
}

pub(crate) async fn whoami(pool: &Pool, out: &Out) -> Result<(), Error> {
    let me = officer::whoami(pool).await?;
    out.show(&me, |me| {
        let place = if me.backend == "sqlite" {
            out.t(
                "（单机数据库文件：此账户承担全部岗位）",
                " (a database file: this account holds every role)",
            )
        } else if me.superuser {
            out.t("（服务器超级用户）", " (a server superuser)")
        } else {
            ""
        };
        println!("{} — {}{place}", me.name, roles(me, out));
    })
}

pub(crate) async fn run(pool: &Pool, stamp: &Stamp, c: OfficerCmd, out: &Out) -> Result<(), Error> {
    match c {
        OfficerCmd::Add { name, role } => {
            let o = officer::add(pool, stamp, &name, &role).await?;
            out.show(&o, |o| {
                println!("{} — {}", o.name, roles(o, out));
            })
        }
        OfficerCmd::List => {
            let all = officer::list(pool).await?;
            out.show(&all, |all| {
                let rows = all
                    .iter()
                    .map(|o| vec![o.name.clone(), roles(o, out)])
                    .collect();
                print_table(&[out.t("登录名", "sign-in"), out.t("岗位", "roles")], rows);
            })
        }
    }
}

pub(crate) async fn migrate(
    from: &grantdesk::store::Location,
    to: &str,
    out: &Out,
) -> Result<(), Error> {
    let target = grantdesk::store::Location::resolve(Some(to.to_string()), None)?;
    let (grantdesk::store::Location::File(_), grantdesk::store::Location::Server(_)) =
        (from, &target)
    else {
        return Err(grantdesk::migrate::MigrateError::Direction.into());
    };
    let file = from.open(false).await?;
    let server = target.open(false).await?;
    let done = grantdesk::migrate::to_server(&file, &server).await;
    file.close().await;
    server.close().await;
    let done = done?;
    out.show(&done, |d| {
        let rows = d
            .tables
            .iter()
            .map(|t| {
                let totals = t
                    .totals
                    .iter()
                    .map(|(c, fen)| match grantdesk::Money::from_fen(*fen) {
                        Ok(m) => format!("{c} {}", m.format_yuan()),
                        Err(_) => format!("{c} {fen} fen"),
                    })
                    .collect::<Vec<_>>()
                    .join(out.t("；", "; "));
                vec![t.table.clone(), t.rows.to_string(), totals]
            })
            .collect();
        print_table(
            &[
                out.t("表", "table"),
                out.t("行数", "rows"),
                out.t("金额合计（两边一致）", "totals (equal on both sides)"),
            ],
            rows,
        );
        println!(
            "OK — {} {} {}; {}: {}",
            target.describe(),
            d.audit_entries,
            out.t("条审计记录，哈希链完整", "audit entries, hash chain intact"),
            out.t("链头", "head"),
            d.audit_head
        );
    })
}
