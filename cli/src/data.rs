//! `grantdesk import …`, `export …`: spreadsheets in and out.

use crate::prelude::*;

#[derive(Subcommand)]
pub(crate) enum ImportCmd {
    /// Proposals with their applicants: all rows or none; --dry-run shows what would happen
    Proposals {
        file: PathBuf,
        #[arg(long)]
        call: String,
        /// Report row by row what would be created, updated or refused; write nothing
        #[arg(long)]
        dry_run: bool,
        /// A column the automatic mapping gets wrong: 'Header=field' ('Header=' leaves it out)
        #[arg(long)]
        map: Vec<String>,
    },
}

/// Export a table to a spreadsheet: CSV (UTF-8 with BOM) or XLSX, by the file's extension.
#[derive(Args)]
pub(crate) struct ExportArgs {
    /// proposals, ranking, awards, ledger or cashflow
    what: String,
    #[arg(long)]
    call: String,
    #[arg(long)]
    out: PathBuf,
    /// For the proposals: the table's filter and sort, as `proposals` takes them
    #[command(flatten)]
    view: crate::proposals::TableView,
    /// For the ranking: mean, trimmed or calibrated
    #[arg(long, default_value = "mean", value_parser = aggregate)]
    by: Aggregate,
    /// Replace the file if it exists (never the database)
    #[arg(long)]
    force: bool,
}

pub(crate) async fn export(
    pool: &Pool,
    path: &Path,
    a: ExportArgs,
    out: &Out,
) -> Result<(), Error> {
    let ExportArgs {
        what,
        call,
        out: file,
        view,
        by,
        force,
    } = a;
    let format = grantdesk::export::Format::of_path(&file);
    let (filter, sort) = view.read(call.clone())?;
    let view = grantdesk::export::View {
        order: by,
        topic: filter.topic,
        status: filter.status,
        search: filter.search,
        sort,
    };
    let made = grantdesk::export::table_file(pool, &call, &what, &view, format).await?;
    grantdesk::export::write(&file, &made.bytes, force, path)?;
    println!(
        "{} {} ({} {})",
        out.t("已导出", "Written:"),
        file.display(),
        made.rows,
        out.t("行", "rows")
    );
    Ok(())
}

pub(crate) async fn import(
    pool: &Pool,
    stamp: &Stamp,
    c: ImportCmd,
    out: &Out,
) -> Result<(), Error> {
    let ImportCmd::Proposals {
        file,
        call,
        dry_run,
        map,
    } = c;
    let sheet = grantdesk::import::read(&file)?;
    let request = grantdesk::import::ImportRequest {
        call,
        overrides: map
            .iter()
            .map(|m| {
                let (h, f) = m.split_once('=').unwrap_or((m.as_str(), ""));
                (h.trim().to_string(), f.trim().to_string())
            })
            .collect(),
    };
    let result = if dry_run {
        grantdesk::import::dry_run(pool, &sheet, &request).await
    } else {
        grantdesk::import::import(pool, stamp, &sheet, &request).await
    };
    let report = match result {
        Ok(r) => r,
        Err(Error::Import(grantdesk::import::ImportError::Refused(r))) if out.json => {
            out.json(&r)?;
            return Err(Error::Import(grantdesk::import::ImportError::Refused(r)));
        }
        Err(e) => return Err(e),
    };
    out.show(&report, |report| {
        println!("{}", report.describe(out.lang));
        if dry_run {
            println!(
                "{}",
                out.t(
                    "（试运行：未写入任何数据）",
                    "(dry run: nothing was written)"
                )
            );
        }
    })?;
    Ok(())
}
