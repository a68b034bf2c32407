//! `grantdesk whoami`, `grantdesk officer add|list`: who is signed in, and the officers of a
//! server's database with their roles (岗位).

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
