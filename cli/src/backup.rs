//! `grantdesk backup`, `restore`, `backups`: copies of the database and bringing one back.

use crate::prelude::*;

pub(crate) async fn take(
    pool: &Pool,
    stamp: &Stamp,
    path: &Path,
    file: Option<PathBuf>,
    out: &Out,
) -> Result<(), Error> {
    let info = match file {
        Some(dest) => grantdesk::backup::create(pool, &dest).await?,
        None => grantdesk::backup::take_now(pool, path, stamp).await?,
    };
    out.show(&info, |info| {
        println!("{} {}", out.t("已备份到", "Backed up to"), info.path);
        print_backup(info, out);
    })?;
    Ok(())
}

/// Checks a backup, or replaces the database's data with it (never while it is in use).
pub(crate) async fn restore(
    path: &Path,
    file: &Path,
    check: bool,
    force: bool,
    out: &Out,
) -> Result<(), Error> {
    if check {
        let info = grantdesk::backup::inspect(file).await?;
        return out.show(&info, |info| print_backup(info, out));
    }
    let r = grantdesk::backup::restore(path, file, &Stamp::now_for_os_user(), force).await?;
    out.show(&r, |r| {
        println!("{} {}", out.t("已恢复到", "Restored into"), path.display());
        print_backup(&r.restored, out);
        if let Some(aside) = &r.kept_aside {
            println!(
                "{} {aside}",
                out.t("原数据库已另存为", "The replaced database is kept as")
            );
        }
    })?;
    Ok(())
}

/// The rolling backups beside the database.
pub(crate) fn list(path: &Path, out: &Out) -> Result<(), Error> {
    let dir = grantdesk::backup::rolling_dir(path);
    let list = grantdesk::backup::list(&dir)?;
    out.show(&list, |list| {
        println!("{}", dir.display());
        for b in list {
            println!("  {}  {} KB", b.name, b.bytes / 1024);
        }
    })?;
    Ok(())
}

pub(crate) fn print_backup(b: &grantdesk::backup::BackupInfo, out: &Out) {
    println!(
        "  {} {}, {} {}, {} {} ({} {}), {} KB",
        out.t("数据结构版本", "schema version"),
        b.schema_version,
        b.calls,
        out.t("个资助计划", "calls"),
        b.proposals,
        out.t("份申请书", "proposals"),
        b.audit_entries,
        out.t("条审计记录，哈希链完整", "audit entries, chain intact"),
        b.bytes / 1024
    );
    println!("  {}: {}", out.t("审计链头", "audit head"), b.audit_head);
}
