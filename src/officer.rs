//! Officers and their duties (岗位). On a PostgreSQL server each officer signs in as their own
//! role, a member of GrantDesk's group roles; what a role may do is checked here first, with a
//! message naming the duty, and again by the server (`migrations/postgres/0003_roles.sql`:
//! grants, and triggers for the duties that must be kept apart).
//!
//! Segregation of duties (不相容岗位分离): only a director issues awards and rules on them; only
//! finance approves payments and records them paid, and whoever approved a payment never
//! records it paid. An SQLite file is one officer's desk, opened by one operating-system
//! account: every duty is that account's, and the separation of two people cannot be checked
//! there.

use serde::Serialize;

use crate::audit::{self, Change};
use crate::db::{Backend, Pool, Tx};
use crate::error::{Coded, Error, Msg};
use crate::lang::Lang;
use crate::store::{Stamp, begin_raw};

/// A role an officer holds: a PostgreSQL group role `grantdesk_<key>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 查看: reads everything, changes nothing.
    Viewer,
    /// 项目主管: calls, proposals, review, proposed decisions, milestones and schedules.
    Programme,
    /// 财务: approves payments and records them paid.
    Finance,
    /// 审批: issues awards, rules on them, on adjustments and on close-out.
    Director,
    /// 管理员: the agency's settings and the officers.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Programme,
        Role::Finance,
        Role::Director,
        Role::Administrator,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Programme => "programme",
            Role::Finance => "finance",
            Role::Director => "director",
            Role::Administrator => "administrator",
        }
    }

    /// The server's group role.
    pub fn group(self) -> String {
        format!("grantdesk_{}", self.key())
    }

    pub fn name(self) -> Msg {
        Msg::new(self.label(Lang::Zh), self.label(Lang::En))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Role::Viewer => ("查看", "viewer"),
            Role::Programme => ("项目主管", "programme officer"),
            Role::Finance => ("财务", "finance"),
            Role::Director => ("审批", "director"),
            Role::Administrator => ("管理员", "administrator"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s || r.name().zh == s || (s == "officer" && *r == Role::Programme))
    }
}

/// What a use case needs of whoever runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Any change to calls, proposals, review, proposed decisions and schedules.
    Programme,
    /// Approving payments and recording them paid, failed, cancelled or recovered.
    Pay,
    /// Issuing awards and ruling on them.
    Decide,
    /// The agency's settings and its officers.
    Administer,
}

impl Duty {
    fn role(self) -> Role {
        match self {
            Duty::Programme => Role::Programme,
            Duty::Pay => Role::Finance,
            Duty::Decide => Role::Director,
            Duty::Administer => Role::Administrator,
        }
    }

    fn what(self) -> Msg {
        match self {
            Duty::Programme => Msg::new(
                "修改资助计划、申请书、评审和拨付计划",
                "change calls, proposals, review and schedules",
            ),
            Duty::Pay => Msg::new("批准和登记拨款", "approve and record payments"),
            Duty::Decide => Msg::new("下达资助和审批", "issue awards and rule on them"),
            Duty::Administer => Msg::new(
                "修改机构设置和人员",
                "change the agency's settings and officers",
            ),
        }
    }
}

/// Who is signed in, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Officer {
    pub name: String,
    pub roles: Vec<Role>,
    /// A server superuser (the IT department's account): every role, and no check can hold it.
    pub superuser: bool,
    /// Where: `sqlite` (one officer's file) or `postgres`.
    pub backend: &'static str,
}

/// Refusals of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficerError {
    /// The signed-in officer lacks the duty's role.
    NotAllowed {
        who: String,
        duty: Duty,
        roles: Vec<Role>,
    },
    /// The same person would approve a payment and record it paid.
    SameHands {
        who: String,
        payment: i64,
    },
    /// Officers are the server's roles: a file has one, its account.
    ServerOnly,
    /// A role name the server would not take.
    BadName {
        name: String,
    },
    UnknownRole {
        role: String,
    },
}

impl OfficerError {
    pub fn texts(&self) -> Msg {
        match self {
            OfficerError::NotAllowed { who, duty, roles } => {
                let held = |l: Lang| {
                    if roles.is_empty() {
                        return match l {
                            Lang::Zh => "无".to_string(),
                            Lang::En => "none".to_string(),
                        };
                    }
                    roles
                        .iter()
                        .map(|r| r.name().get(l).to_string())
                        .collect::<Vec<_>>()
                        .join(if l == Lang::Zh { "、" } else { ", " })
                };
                let need = duty.role().name();
                let what = duty.what();
                Msg::new(
                    format!(
                        "{who}（岗位：{}）不能{}：此项须由{}岗位办理",
                        held(Lang::Zh),
                        what.zh,
                        need.zh
                    ),
                    format!(
                        "{who} (roles: {}) may not {}: that is the {}'s duty",
                        held(Lang::En),
                        what.en,
                        need.en
                    ),
                )
            }
            OfficerError::SameHands { who, payment } => Msg::new(
                format!(
                    "拨款 #{payment} 由 {who} 批准，不能由同一人登记已付（不相容岗位分离）：请由另一位财务人员登记"
                ),
                format!(
                    "payment #{payment} was approved by {who}, who may not also record it paid (segregation of duties): another finance officer records it"
                ),
            ),
            OfficerError::ServerOnly => Msg::new(
                "人员和岗位属于共享的 PostgreSQL 数据库；单机数据库文件只有一位使用者（操作系统账户）",
                "officers and roles belong to a shared PostgreSQL database; a database file has one user, its operating-system account",
            ),
            OfficerError::BadName { name } => Msg::new(
                format!(
                    "“{name}”不能作为登录名：请用字母开头，只含小写字母、数字和下划线，最长 63 个字符"
                ),
                format!(
                    "\"{name}\" cannot be a sign-in name: start with a letter, use only lower-case letters, digits and underscores, at most 63 characters"
                ),
            ),
            OfficerError::UnknownRole { role } => Msg::new(
                format!(
                    "没有“{role}”岗位：可选 viewer（查看）、programme（项目主管）、finance（财务）、director（审批）、administrator（管理员）"
                ),
                format!(
                    "there is no role \"{role}\": choose viewer, programme, finance, director or administrator"
                ),
            ),
        }
    }
}

crate::error::bilingual_error!(OfficerError);

impl Coded for OfficerError {
    fn code(&self) -> &'static str {
        match self {
            OfficerError::NotAllowed { .. } => "duty_not_allowed",
            OfficerError::SameHands { .. } => "duties_kept_apart",
            OfficerError::ServerOnly => "officers_server_only",
            OfficerError::BadName { .. } => "officer_name_invalid",
            OfficerError::UnknownRole { .. } => "role_unknown",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// Who is signed in. On a file: its operating-system account, with every role.
pub async fn whoami(pool: &Pool) -> Result<Officer, Error> {
    match pool.backend() {
        Backend::Sqlite => Ok(Officer {
            name: crate::store::os_account(),
            roles: Role::ALL.to_vec(),
            superuser: false,
            backend: "sqlite",
        }),
        Backend::Postgres => {
            let mut tx = pool.read().await?;
            let who = signed_in(&mut tx).await?;
            Ok(who)
        }
    }
}

/// The signed-in officer of a server session (inside the caller's transaction).
async fn signed_in(tx: &mut Tx) -> Result<Officer, Error> {
    let (name, superuser): (String, bool) = crate::db::query_as(
        "SELECT session_user::text, rolsuper FROM pg_roles WHERE rolname = session_user",
    )
    .fetch_one(&mut *tx)
    .await?;
    let groups: Vec<(String,)> = crate::db::query_as(
        "SELECT rolname::text FROM pg_roles
         WHERE rolname LIKE 'grantdesk\\_%' AND pg_has_role(session_user, oid, 'MEMBER')",
    )
    .fetch_all(&mut *tx)
    .await?;
    let roles = Role::ALL
        .into_iter()
        .filter(|r| groups.iter().any(|(g,)| *g == r.group()))
        .collect();
    Ok(Officer {
        name,
        roles,
        superuser,
        backend: "postgres",
    })
}

/// Refuses, naming the duty and the roles held, unless the signed-in officer may do `duty`.
/// Always allowed on a file (one account holds every duty).
pub(crate) async fn require(tx: &mut Tx, duty: Duty) -> Result<(), Error> {
    if tx.backend() == Backend::Sqlite {
        return Ok(());
    }
    let who = signed_in(tx).await?;
    if who.superuser || who.roles.contains(&duty.role()) {
        return Ok(());
    }
    Err(Error::Officer(OfficerError::NotAllowed {
        who: who.name,
        duty,
        roles: who.roles,
    }))
}

/// A write transaction for `duty`: the write lock taken, then the duty checked.
pub(crate) async fn begin_for(pool: &Pool, duty: Duty) -> Result<Tx, Error> {
    let mut tx = begin_raw(pool).await?;
    require(&mut tx, duty).await?;
    Ok(tx)
}

/// Refuses to let the approver of `payment` record it paid (server only: on a file one
/// account does both).
pub(crate) async fn apart(
    tx: &mut Tx,
    payment: i64,
    approved_by: &str,
    recorder: &str,
) -> Result<(), Error> {
    if tx.backend() == Backend::Sqlite || approved_by != recorder {
        return Ok(());
    }
    if signed_in(tx).await?.superuser {
        return Ok(());
    }
    Err(Error::Officer(OfficerError::SameHands {
        who: recorder.to_string(),
        payment,
    }))
}

/// The officers of a server's database: every role in one of GrantDesk's groups.
pub async fn list(pool: &Pool) -> Result<Vec<Officer>, Error> {
    if pool.backend() == Backend::Sqlite {
        return Err(Error::Officer(OfficerError::ServerOnly));
    }
    let rows: Vec<(String, String)> = crate::db::query_as(
        "SELECT m.rolname::text, g.rolname::text
         FROM pg_auth_members a
         JOIN pg_roles g ON g.oid = a.roleid
         JOIN pg_roles m ON m.oid = a.member
         WHERE g.rolname LIKE 'grantdesk\\_%' AND m.rolname NOT LIKE 'grantdesk\\_%'
         ORDER BY m.rolname, g.rolname",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<Officer> = Vec::new();
    for (member, group) in rows {
        let Some(role) = Role::ALL.into_iter().find(|r| r.group() == group) else {
            continue;
        };
        match out.last_mut() {
            Some(o) if o.name == member => o.roles.push(role),
            _ => out.push(Officer {
                name: member,
                roles: vec![role],
                superuser: false,
                backend: "postgres",
            }),
        }
    }
    for o in &mut out {
        o.roles
            .sort_by_key(|r| Role::ALL.iter().position(|a| a == r));
    }
    Ok(out)
}

/// A server role name GrantDesk creates: a lower-case letter, then lower-case letters, digits
/// and underscores (no quoting surprises in the server's own tools).
fn valid_name(name: &str) -> bool {
    let mut c = name.chars();
    matches!(c.next(), Some('a'..='z'))
        && name.len() <= 63
        && c.all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        && !name.starts_with("grantdesk_")
        && !name.starts_with("pg_")
}

/// Adds an officer in `role` (an administrator's act, audited): creates the sign-in role when
/// the server has none of that name, or adds the role to an existing one. The password is the
/// server's business (`ALTER ROLE … PASSWORD`, or LDAP, Kerberos, certificates).
pub async fn add(pool: &Pool, stamp: &Stamp, name: &str, role: &str) -> Result<Officer, Error> {
    if pool.backend() == Backend::Sqlite {
        return Err(Error::Officer(OfficerError::ServerOnly));
    }
    let name = name.trim();
    if !valid_name(name) {
        return Err(Error::Officer(OfficerError::BadName {
            name: name.to_string(),
        }));
    }
    let Some(role) = Role::parse(role) else {
        return Err(Error::Officer(OfficerError::UnknownRole {
            role: role.trim().to_string(),
        }));
    };
    let mut tx = begin_for(pool, Duty::Administer).await?;
    let exists: Option<(String,)> =
        crate::db::query_as("SELECT rolname::text FROM pg_roles WHERE rolname = $1")
            .bind(name)
            .fetch_optional(&mut tx)
            .await?;
    // The name is checked above (letters, digits, underscores): safe to write into DDL.
    if exists.is_none() {
        let create = if role == Role::Administrator {
            format!("CREATE ROLE {name} LOGIN CREATEROLE")
        } else {
            format!("CREATE ROLE {name} LOGIN")
        };
        crate::db::query(sqlx::AssertSqlSafe(create))
            .execute(&mut tx)
            .await?;
    }
    crate::db::query(sqlx::AssertSqlSafe(format!(
        "GRANT {} TO {name}",
        role.group()
    )))
    .execute(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("officer", name, "add_role").after(&serde_json::json!({
            "role": role.key(),
            "created": exists.is_none(),
        }))?,
    )
    .await?;
    tx.commit().await?;
    let all = list(pool).await?;
    Ok(all.into_iter().find(|o| o.name == name).unwrap_or(Officer {
        name: name.to_string(),
        roles: vec![role],
        superuser: false,
        backend: "postgres",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_parse_in_both_languages_and_names_are_checked() {
        assert_eq!(Role::parse("finance"), Some(Role::Finance));
        assert_eq!(Role::parse("财务"), Some(Role::Finance));
        assert_eq!(Role::parse("Officer"), Some(Role::Programme));
        assert_eq!(Role::parse("boss"), None);
        assert!(valid_name("li_wei"));
        assert!(valid_name("wang2"));
        assert!(!valid_name("Li"));
        assert!(!valid_name("li wei"));
        assert!(!valid_name("x; DROP TABLE awards"));
        assert!(!valid_name("grantdesk_finance"));
        assert!(!valid_name("pg_read_all_data"));
        assert!(!valid_name(&"a".repeat(64)));
    }

    #[test]
    fn a_refusal_names_who_the_roles_held_and_the_duty_in_both_languages() {
        let e = OfficerError::NotAllowed {
            who: "zhang".into(),
            duty: Duty::Pay,
            roles: vec![Role::Programme],
        };
        assert!(
            e.texts()
                .zh
                .contains("zhang（岗位：项目主管）不能批准和登记拨款")
        );
        assert!(e.texts().zh.contains("财务"));
        assert!(
            e.texts()
                .en
                .contains("zhang (roles: programme officer) may not approve and record payments")
        );
        let same = OfficerError::SameHands {
            who: "li".into(),
            payment: 7,
        };
        assert!(same.texts().zh.contains("不相容岗位分离"));
        assert_eq!(same.code(), "duties_kept_apart");
    }
}
