//! `grantdesk` — the command line of GrantDesk. It parses, asks the core and shows the
//! answers: every rule lives in the library. One module per area, as in the core.

mod audit;
mod backup;
mod bench;
mod calls;
mod data;
mod decide;
mod demo;
mod disburse;
mod finance;
mod letters;
mod officers;
mod out;
mod proposals;
mod review;
mod settings;
mod spending;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use grantdesk::store::{self, Stamp};
use grantdesk::{Error, Lang};

use out::{Out, quiet_on_closed_pipe, report};

/// What every area module uses.
mod prelude {
    pub(crate) use std::io::Write;
    pub(crate) use std::path::{Path, PathBuf};

    pub(crate) use chrono::NaiveDate;
    pub(crate) use clap::{Args, Subcommand};
    pub(crate) use serde::Serialize;

    pub(crate) use grantdesk::call::{self, Call, CallForm, CallStatus};
    pub(crate) use grantdesk::error::FileError;
    pub(crate) use grantdesk::proposal::{self, Filter, ProposalForm};
    pub(crate) use grantdesk::review::pool::{self, ConflictWith, Declared, ReviewerForm};
    pub(crate) use grantdesk::review::ranking::Aggregate;
    pub(crate) use grantdesk::review::{self, ReviewForm};
    pub(crate) use grantdesk::store::{Pool, Stamp};
    pub(crate) use grantdesk::{Coded, Error, Lang, audit, demo};

    pub(crate) use crate::out::{
        Out, aggregate, invalid, ms, print_imported, print_table, read_toml,
    };
}

#[derive(Parser)]
#[command(
    name = "grantdesk",
    version,
    about = "GrantDesk 科研资助管理台 — research grant calls"
)]
struct Cli {
    /// Database file, or a PostgreSQL server's database as postgres://USER@HOST:PORT/DB
    /// (default: $GRANTDESK_DB, else grantdesk.db in the user's data directory)
    #[arg(long, global = true)]
    db: Option<String>,
    /// Language of tables and messages (default: from the locale)
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    /// Print JSON for scripts instead of tables
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

#[derive(Subcommand)]
enum Command {
    /// Load (or complete) the sample call with its 40 proposals
    Demo(demo::DemoArgs),
    /// List all calls
    Calls,
    /// Show, create, edit and move calls
    #[command(subcommand)]
    Call(calls::CallCmd),
    /// List the proposals of a call
    Proposals(proposals::ProposalsArgs),
    /// Show, register, edit, submit and check proposals
    #[command(subcommand)]
    Proposal(proposals::ProposalCmd),
    /// Verify or read the audit log
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Print where the database is
    Where,
    /// Who is signed in, and their roles
    Whoami,
    /// Copy this database file to an empty PostgreSQL database, audit chain included, and
    /// check the chain and every total on both sides before it is committed
    Migrate {
        /// The server's database: postgres://USER@HOST:PORT/DB
        #[arg(long)]
        to: String,
    },
    /// The officers of a server's database and their roles
    #[command(subcommand)]
    Officer(officers::OfficerCmd),
    /// Keep the reviewer pool
    #[command(subcommand)]
    Reviewer(review::ReviewerCmd),
    /// Declare a reviewer's conflict of interest with an organisation or a proposal
    Conflict(review::ConflictArgs),
    /// Draw, add and remove reviewers; enter reviews
    #[command(subcommand)]
    Review(review::ReviewCmd),
    /// Import score sheets (CSV: one row per reviewer × proposal, a column per criterion)
    #[command(subcommand)]
    Scores(review::ScoresCmd),
    /// The ranking of a call's reviewed proposals
    Ranking(review::RankingArgs),
    /// Decide the awards of a closed call: board, suggestion, apply, propose, issue
    #[command(subcommand)]
    Decide(decide::DecideCmd),
    /// The awards of a call
    Awards {
        #[arg(long)]
        call: String,
    },
    /// Move an award along its lifecycle (accept, activate, complete, terminate)
    Award {
        action: decide::AwardAction,
        /// The award number (文号)
        number: String,
    },
    /// An award's milestones, tranches and payments; or reshape its schedule
    Schedule(disburse::ScheduleArgs),
    /// Record a milestone's outcome, or add a milestone
    #[command(subcommand)]
    Milestone(disburse::MilestoneCmd),
    /// Approve, pay, fail, approve again or cancel a payment; record a clawback
    #[command(subcommand)]
    Pay(disburse::PayCmd),
    /// Payment batches for the finance office (支付清单): gather, list, show or export, mark paid
    #[command(subcommand)]
    Payments(finance::PaymentsCmd),
    /// Record (or correct) an award's spending report for a project year
    Report(spending::ReportArgs),
    /// Request a budget adjustment, or approve or refuse one
    #[command(subcommand)]
    Adjust(spending::AdjustCmd),
    /// Close out an award (结题): final report, unspent balance kept or recovered
    Closeout {
        number: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The ledger of a call (budget, awarded, paid, recovered, outstanding) or of one award
    Ledger(finance::LedgerArgs),
    /// The cash-flow plan of a call by month, quarter or year, against its appropriations
    Cashflow(finance::CashflowArgs),
    /// Write an award's letter (立项通知书) as PDF: `letter NUMBER --out FILE`; or check that a
    /// file is a letter GrantDesk issued: `letter verify FILE`
    Letter(letters::LetterArgs),
    /// Write the letters of every issued award of a call into a folder, one PDF each (and,
    /// with --merged, one PDF of them all), each entered in the register
    Letters(letters::LettersArgs),
    /// Export a table to a spreadsheet: CSV (UTF-8 with BOM) or XLSX, by the file's extension
    Export(data::ExportArgs),
    /// Import from a spreadsheet (CSV in UTF-8 or GB18030/GBK, or XLSX)
    #[command(subcommand)]
    Import(data::ImportCmd),
    /// Take a consistent copy of the database (the window may keep running)
    Backup {
        /// The copy to write (default: backups/grantdesk-<date>T<time>.db beside the database)
        file: Option<PathBuf>,
    },
    /// Replace the database by a backup, once it is checked; the replaced one is kept aside
    Restore {
        file: PathBuf,
        /// Only check the file (GrantDesk schema, audit chain); change nothing
        #[arg(long)]
        check: bool,
        /// Confirm replacing the database in use (it is kept aside, never deleted)
        #[arg(long)]
        force: bool,
    },
    /// List the rolling backups beside the database
    Backups,
    /// Show or set the agency's settings: its time zone (the day every act is dated) and the
    /// agency that issues the letters (names, letterhead, standard conditions, fonts)
    Settings(settings::SettingsArgs),
    /// Rerunnable benchmarks, printing figures
    #[command(subcommand)]
    Bench(bench::BenchCmd),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let lang = match cli.lang {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_locale(&[
            std::env::var("LC_ALL").ok(),
            std::env::var("LC_MESSAGES").ok(),
            std::env::var("LANG").ok(),
        ]),
    };
    let out = Out {
        lang,
        json: cli.json,
        chosen: cli.lang.is_some(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, &out);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, out: &Out) -> Result<(), Error> {
    let location = store::Location::resolve(cli.db, std::env::var(store::DB_ENV).ok())?;
    let path = location.anchor();
    // What needs no database, or must not open it first.
    match cli.command {
        Command::Where => {
            println!("{}", location.describe());
            return Ok(());
        }
        Command::Bench(c) => return bench::run(c).await,
        Command::Restore { .. } | Command::Backups
            if matches!(location, store::Location::Server(_)) =>
        {
            // The server's own tools back it up and restore it: say which, and how.
            let pool = location.open(false).await?;
            let way = grantdesk::backup::server_way(&pool);
            pool.close().await;
            return way.map_or(Ok(()), Err);
        }
        Command::Restore { file, check, force } => {
            return backup::restore(&path, &file, check, force, out).await;
        }
        Command::Backups => return backup::list(&path, out),
        Command::Migrate { to } => return officers::migrate(&location, &to, out).await,
        Command::Call(calls::CallCmd::Template { code: None }) => {
            print!(
                "{}",
                toml::to_string(&grantdesk::demo::reference_call_form()).unwrap_or_default()
            );
            return Ok(());
        }
        _ => {}
    }
    // Only a command that starts something new may create the database; any other needs it
    // to be there (a mistyped --db says so instead of showing empty tables).
    let creates = matches!(
        &cli.command,
        Command::Demo(_)
            | Command::Call(calls::CallCmd::New { .. })
            | Command::Reviewer(
                review::ReviewerCmd::Add { .. } | review::ReviewerCmd::Import { .. }
            )
    );
    let pool = location.open(creates).await?;
    let stamp = Stamp::now(&pool).await?;
    // Awards issued before disbursements existed get their milestones and schedule once.
    grantdesk::disbursement::backfill(&pool, &stamp).await?;
    let done = act(cli.command, &pool, &stamp, &path, out).await;
    // Closing checkpoints the write-ahead log: no -wal file is left beside the database.
    pool.close().await;
    done
}

async fn act(
    command: Command,
    pool: &grantdesk::store::Pool,
    stamp: &Stamp,
    path: &std::path::Path,
    out: &Out,
) -> Result<(), Error> {
    let path = path.to_path_buf();
    match command {
        Command::Where
        | Command::Bench(_)
        | Command::Restore { .. }
        | Command::Backups
        | Command::Migrate { .. } => Ok(()),
        Command::Backup { file } => backup::take(pool, stamp, &path, file, out).await,
        Command::Demo(a) => demo::run(pool, stamp, &path, a, out).await,
        Command::Calls => calls::list_calls(pool, out).await,
        Command::Call(c) => calls::run(pool, stamp, c, out).await,
        Command::Proposals(a) => proposals::list(pool, a, out).await,
        Command::Proposal(p) => proposals::run(pool, stamp, p, out).await,
        Command::Audit(c) => audit::run(pool, c, out).await,
        Command::Whoami => officers::whoami(pool, out).await,
        Command::Officer(c) => officers::run(pool, stamp, c, out).await,
        Command::Reviewer(c) => review::reviewers(pool, stamp, c, out).await,
        Command::Conflict(a) => review::conflict(pool, stamp, a, out).await,
        Command::Review(c) => review::run(pool, stamp, c, out).await,
        Command::Scores(c) => review::scores(pool, stamp, c, out).await,
        Command::Ranking(a) => review::ranking(pool, a, out).await,
        Command::Decide(c) => decide::run(pool, stamp, c, out, &path).await,
        Command::Awards { call } => decide::awards(pool, call, out).await,
        Command::Award { action, number } => decide::award(pool, stamp, action, number, out).await,
        Command::Schedule(a) => disburse::schedule(pool, stamp, a, out).await,
        Command::Milestone(c) => disburse::milestone(pool, stamp, c, out).await,
        Command::Pay(c) => disburse::pay(pool, stamp, c, out).await,
        Command::Payments(c) => finance::payments(pool, stamp, &path, c, out).await,
        Command::Report(a) => spending::report(pool, stamp, a, out).await,
        Command::Adjust(c) => spending::adjust(pool, stamp, c, out).await,
        Command::Closeout { number, note } => {
            spending::closeout(pool, stamp, number, note, out).await
        }
        Command::Ledger(a) => finance::ledger(pool, stamp, a, out).await,
        Command::Cashflow(a) => finance::cashflow(pool, a, out).await,
        Command::Letter(a) => letters::run(pool, stamp, &path, a, out).await,
        Command::Letters(a) => letters::run_call(pool, stamp, &path, a, out).await,
        Command::Export(a) => data::export(pool, &path, a, out).await,
        Command::Import(c) => data::import(pool, stamp, c, out).await,
        Command::Settings(a) => settings::run(pool, stamp, a, out).await,
    }
}
