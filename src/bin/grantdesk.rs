//! `grantdesk` — the command line of GrantDesk. It asks the core and shows the answers: every
//! rule lives in the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use grantdesk::call::{self, Call, CallForm, CallStatus};
use grantdesk::error::FileError;
use grantdesk::proposal::{self, Filter, ProposalForm, ProposalStatus};
use grantdesk::review::pool::{self, ConflictWith, Declared, ReviewerForm};
use grantdesk::review::ranking::Aggregate;
use grantdesk::review::{self, ReviewForm};
use grantdesk::store::{self, Pool, Stamp};
use grantdesk::{Coded, Error, Lang, audit, demo};

#[derive(Parser)]
#[command(
    name = "grantdesk",
    version,
    about = "GrantDesk 科研资助管理台 — research grant calls"
)]
struct Cli {
    /// Database file (default: $GRANTDESK_DB, else grantdesk.db in the user's data directory)
    #[arg(long, global = true)]
    db: Option<PathBuf>,
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
    Demo {
        /// How far to carry the sample: `proposals` (registered and checked), `reviewed`
        /// (reviewer pool, draw and scores) or `awarded` (decided, awards issued)
        #[arg(long, default_value = "proposals")]
        stage: String,
        /// Also fill the call BJ-SCALE-2026 with this many synthetic proposals (for trying
        /// the window at scale and measuring)
        #[arg(long)]
        scale: Option<usize>,
    },
    /// List all calls
    Calls,
    /// Show, create, edit and move calls
    #[command(subcommand)]
    Call(CallCmd),
    /// List the proposals of a call
    Proposals(ProposalsArgs),
    /// Show, register, edit, submit and check proposals
    #[command(subcommand)]
    Proposal(ProposalCmd),
    /// Verify or read the audit log
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Print where the database is
    Where,
    /// Keep the reviewer pool
    #[command(subcommand)]
    Reviewer(ReviewerCmd),
    /// Declare a reviewer's conflict of interest with an organisation or a proposal
    Conflict(ConflictArgs),
    /// Draw, add and remove reviewers; enter reviews
    #[command(subcommand)]
    Review(ReviewCmd),
    /// Import score sheets (CSV: one row per reviewer × proposal, a column per criterion)
    #[command(subcommand)]
    Scores(ScoresCmd),
    /// The ranking of a call's reviewed proposals
    Ranking {
        #[arg(long)]
        call: String,
        /// mean, trimmed or calibrated
        #[arg(long, default_value = "mean")]
        by: String,
    },
    /// Decide the awards of a closed call: board, suggestion, apply, propose, issue
    #[command(subcommand)]
    Decide(DecideCmd),
    /// The awards of a call
    Awards {
        #[arg(long)]
        call: String,
    },
    /// Move an award along its lifecycle (accept, activate, complete, terminate)
    Award {
        /// accept, activate, complete or terminate
        action: String,
        /// The award number (文号)
        number: String,
    },
    /// Export a table to a spreadsheet: CSV (UTF-8 with BOM) or XLSX, by the file's extension
    Export {
        /// proposals, ranking or awards
        what: String,
        #[arg(long)]
        call: String,
        #[arg(long)]
        out: PathBuf,
        /// For the ranking: mean, trimmed or calibrated
        #[arg(long, default_value = "mean")]
        by: String,
        /// Replace the file if it exists (never the database)
        #[arg(long)]
        force: bool,
    },
    /// Import from a spreadsheet (CSV in UTF-8 or GB18030/GBK, or XLSX)
    #[command(subcommand)]
    Import(ImportCmd),
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
    /// Rerunnable benchmarks, printing figures
    #[command(subcommand)]
    Bench(BenchCmd),
}

#[derive(Subcommand)]
enum ImportCmd {
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

#[derive(Args)]
struct SuggestArgs {
    #[arg(long)]
    call: String,
    /// exact (the best set, proved) or strict (down the ranking)
    #[arg(long, default_value = "exact")]
    mode: String,
    /// The ranking figure: mean, trimmed or calibrated
    #[arg(long, default_value = "mean")]
    by: String,
    /// A uniform cut of every award, in percent (e.g. 10)
    #[arg(long, default_value = "")]
    cut: String,
    /// Topic quota, repeatable: AI=2.. (at least 2), VR=..3 (at most 3), AR=2..4
    #[arg(long)]
    quota: Vec<String>,
}

impl SuggestArgs {
    fn form(&self) -> grantdesk::decision::SuggestForm {
        use grantdesk::decision::QuotaForm;
        let quotas = self
            .quota
            .iter()
            .map(|q| {
                let (topic, range) = q.split_once('=').unwrap_or((q.as_str(), ""));
                let (min, max) = range.split_once("..").unwrap_or((range, range));
                QuotaForm {
                    topic: topic.into(),
                    min: min.into(),
                    max: max.into(),
                }
            })
            .collect();
        grantdesk::decision::SuggestForm {
            call: self.call.as_str().into(),
            mode: self.mode.as_str().into(),
            order: self.by.as_str().into(),
            cut: self.cut.as_str().into(),
            quotas,
        }
    }
}

#[derive(Subcommand)]
enum DecideCmd {
    /// The decision board: the ranking with the proposed awards and the running totals
    Board {
        #[arg(long)]
        call: String,
        #[arg(long, default_value = "mean")]
        by: String,
    },
    /// The optimiser's suggestion, with the reasons near the funding line
    Suggest(SuggestArgs),
    /// Replace the proposed awards by the optimiser's suggestion
    Apply(SuggestArgs),
    /// Propose an award (or change its amount); a cut needs --reason
    Propose {
        #[arg(long)]
        call: String,
        /// Proposal reference
        reference: String,
        /// The award (default: the amount requested)
        #[arg(long, default_value = "")]
        amount: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Take a proposal off the proposed awards
    Withdraw {
        #[arg(long)]
        call: String,
        reference: String,
    },
    /// Seeded bootstrap of the reviews: how often each proposal would be funded
    Robustness {
        #[command(flatten)]
        s: SuggestArgs,
        /// How many times the reviews are drawn again (default 1000, at most 10000)
        #[arg(long)]
        draws: Option<u32>,
        /// The seed of the draws (default 2026)
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Issue the proposed awards (numbers, dates, approved budgets); the call becomes decided
    Award {
        #[arg(long)]
        call: String,
        /// Start date of the awards (YYYY-MM-DD)
        #[arg(long)]
        start: String,
        /// Date of the decision (default: today); its year goes into the award numbers
        #[arg(long, default_value = "")]
        decided_on: String,
    },
    /// Export the public-notice list (and, in XLSX, the proposals not funded)
    Notice {
        #[arg(long)]
        call: String,
        /// A .csv or .xlsx file
        #[arg(long)]
        out: PathBuf,
        /// CSV only: write the list of proposals not funded instead
        #[arg(long)]
        unfunded: bool,
        /// Replace the file if it exists (never the database)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ScoresCmd {
    /// All rows or none; refused rows are listed by number
    Import {
        file: PathBuf,
        #[arg(long)]
        call: String,
        /// Check every row and report, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum ReviewerCmd {
    /// Add reviewers from a CSV or XLSX list (name, affiliation, affiliation_code, email, phone, topics), all or none
    Import {
        file: PathBuf,
        /// Check every row and report, writing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Add a reviewer from a TOML file (name, affiliation, affiliation_code, email, phone, topics)
    Add {
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a reviewer's details from a TOML file
    Edit {
        id: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// List the pool
    List,
    /// Stop drawing this reviewer
    Deactivate { id: String },
    /// Draw this reviewer again
    Activate { id: String },
}

#[derive(Args)]
struct ConflictArgs {
    #[arg(long)]
    reviewer: String,
    /// The organisation's unified social credit code
    #[arg(long, conflicts_with = "proposal")]
    org: Option<String>,
    /// The proposal's reference (with --call)
    #[arg(long, requires = "call")]
    proposal: Option<String>,
    #[arg(long)]
    call: Option<String>,
    #[arg(long)]
    reason: String,
    /// Date of the declaration (default today)
    #[arg(long)]
    on: Option<NaiveDate>,
}

#[derive(Subcommand)]
enum ReviewCmd {
    /// Draw reviewers for every eligible proposal of a closed call
    Assign {
        #[arg(long)]
        call: String,
        /// Seed of the draw (recorded; the same seed gives the same draw)
        #[arg(long)]
        seed: Option<u64>,
        /// Most proposals per reviewer in this call
        #[arg(long, default_value_t = review::DEFAULT_DRAW_CAP)]
        cap: u32,
    },
    /// Add a reviewer to a proposal by hand
    Add {
        #[arg(long)]
        call: String,
        reference: String,
        #[arg(long)]
        reviewer: String,
    },
    /// Take a reviewer off a proposal (--declined when the reviewer declined)
    Remove {
        #[arg(long)]
        call: String,
        reference: String,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        declined: bool,
    },
    /// Enter a review from a TOML file (call, reference, reviewer, [scores], comment, recommendation)
    Enter {
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// The exact award optimiser: candidates, cap 12, ¥60m, at least two awards per topic
    Decide {
        #[arg(long, default_value_t = 1000)]
        candidates: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A hard instance: scores within two points, requests of ¥4.9–5.1m
        #[arg(long)]
        tight: bool,
    },
    /// Importing proposals from a CSV file, against a plain bulk insert of the same rows
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Work in this new directory and keep the CSV and both databases there, to inspect
        /// (default: a temporary directory, removed afterwards)
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// The reviewer draw and the ranking at scale (pure computation, no database)
    Review {
        #[arg(long, default_value_t = 10_000)]
        proposals: usize,
        #[arg(long, default_value_t = 600)]
        reviewers: usize,
        #[arg(long, default_value_t = 5)]
        reviews: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum CallCmd {
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

#[derive(Args)]
struct ProposalsArgs {
    #[arg(long)]
    call: String,
    #[arg(long)]
    topic: Option<String>,
    #[arg(long)]
    status: Option<String>,
    /// Text to find in the title, applicant or investigator
    #[arg(long)]
    search: Option<String>,
}

#[derive(Subcommand)]
enum ProposalCmd {
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

#[derive(Subcommand)]
enum AuditCmd {
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

struct Out {
    lang: Lang,
    json: bool,
}

impl Out {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    fn json<T: Serialize>(&self, v: &T) -> Result<(), Error> {
        let text =
            serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        println!("{text}");
        Ok(())
    }
}

/// Output into a pipe whose reader has gone (`grantdesk … | head`) ends the program quietly,
/// with the status a shell gives a program stopped by SIGPIPE, instead of a panic message.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
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

fn report(e: &Error, out: &Out) {
    if out.json {
        let f = grantdesk::error::Wire::of(e, out.lang);
        eprintln!("{}", serde_json::to_string_pretty(&f).unwrap_or_default());
    } else {
        eprintln!("{}{}", out.t("错误：", "error: "), e.message(out.lang));
    }
}

async fn run(cli: Cli, out: &Out) -> Result<(), Error> {
    let path = store::resolve_path(cli.db, std::env::var(store::DB_ENV).ok())?;
    if let Command::Where = cli.command {
        println!("{}", path.display());
        return Ok(());
    }
    if let Command::Bench(BenchCmd::Decide {
        candidates,
        seed,
        tight,
    }) = cli.command
    {
        let (choice, took) = grantdesk::decision::optimiser::bench(candidates, seed, tight);
        match choice {
            Some(c) => println!(
                "decide bench: {candidates} candidates → {} awards, {} of ¥60,000,000.00, score {}; {:.1} ms, {} branches{}",
                c.chosen.len(),
                grantdesk::Money::from_fen(c.cost)
                    .map(|m| m.format_yuan())
                    .unwrap_or_default(),
                c.value,
                ms(took),
                c.nodes,
                if c.complete {
                    ", proved best"
                } else {
                    ", STOPPED (best found, not proved)"
                }
            ),
            None => println!("decide bench: no feasible set; {:.1} ms", ms(took)),
        }
        return Ok(());
    }
    if let Command::Bench(BenchCmd::Import { rows, keep }) = cli.command {
        let dir = keep.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("grantdesk-bench-{}", std::process::id()))
        });
        if keep.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        } else if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
            return Err(FileError::Unwritable {
                path: dir.display().to_string(),
                reason: "the directory is not empty".into(),
            }
            .into());
        }
        std::fs::create_dir_all(&dir).map_err(|e| FileError::Unwritable {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let f = grantdesk::import::bench::run(&dir, rows, &Stamp::now_for_os_user()).await;
        if keep.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let f = f?;
        let total = f.read + f.import;
        println!(
            "import bench: {} proposals from a {:.1} MB CSV (GB-free UTF-8, 3 budget lines each)",
            f.rows,
            f.bytes as f64 / 1e6
        );
        println!("  read + map:  {:>9.1} ms", ms(f.read));
        println!(
            "  check + write (one transaction, audit included): {:>9.1} ms",
            ms(f.import)
        );
        println!("  total:       {:>9.1} ms", ms(total));
        println!(
            "  plain bulk insert of the same rows: {:>9.1} ms  (import / plain = {:.1})",
            ms(f.plain),
            total.as_secs_f64() / f.plain.as_secs_f64().max(1e-9)
        );
        return Ok(());
    }
    if let Command::Bench(BenchCmd::Review {
        proposals,
        reviewers,
        reviews,
        seed,
    }) = cli.command
    {
        let f = grantdesk::review::bench::run(proposals, reviewers.max(1), reviews, seed);
        println!(
            "review bench: {} proposals, {} reviewers, {} reviews each",
            f.proposals, f.reviewers, f.need
        );
        println!(
            "  draw:      {:>9.1} ms  ({} assigned, {} proposals short)",
            ms(f.draw),
            f.assigned,
            f.short
        );
        println!(
            "  weighting: {:>9.1} ms  ({} reviews, 4 criteria)",
            ms(f.weighting),
            f.reviews
        );
        println!(
            "  ranking:   {:>9.1} ms  ({} proposals, mean, trimmed, calibrated)",
            ms(f.rank),
            f.ranked
        );
        return Ok(());
    }
    if let Command::Restore { file, check, force } = &cli.command {
        if *check {
            let info = grantdesk::backup::inspect(file).await?;
            return if out.json {
                out.json(&info)
            } else {
                print_backup(&info, out);
                Ok(())
            };
        }
        let r = grantdesk::backup::restore(&path, file, &Stamp::now_for_os_user(), *force).await?;
        if out.json {
            return out.json(&r);
        }
        println!("{} {}", out.t("已恢复到", "Restored into"), path.display());
        print_backup(&r.restored, out);
        if let Some(aside) = &r.kept_aside {
            println!(
                "{} {aside}",
                out.t("原数据库已另存为", "The replaced database is kept as")
            );
        }
        return Ok(());
    }
    if let Command::Backups = cli.command {
        let dir = grantdesk::backup::rolling_dir(&path);
        let list = grantdesk::backup::list(&dir)?;
        if out.json {
            return out.json(&list);
        }
        println!("{}", dir.display());
        for b in &list {
            println!("  {}  {} KB", b.name, b.bytes / 1024);
        }
        return Ok(());
    }
    if let Command::Call(CallCmd::Template { code: None }) = &cli.command {
        print!(
            "{}",
            toml::to_string(&demo::reference_call_form()).unwrap_or_default()
        );
        return Ok(());
    }
    // Only a command that starts something new may create the database; any other needs it
    // to be there (a mistyped --db says so instead of showing empty tables).
    let creates = matches!(
        &cli.command,
        Command::Demo { .. }
            | Command::Call(CallCmd::New { .. })
            | Command::Reviewer(ReviewerCmd::Add { .. } | ReviewerCmd::Import { .. })
    );
    let pool = if creates {
        store::open(&path).await?
    } else {
        store::open_existing(&path).await?
    };
    let stamp = Stamp::now(&pool).await?;
    match cli.command {
        Command::Backup { file } => {
            let info = match file {
                Some(dest) => grantdesk::backup::create(&pool, &dest).await?,
                None => grantdesk::backup::take_now(&pool, &path, &stamp).await?,
            };
            if out.json {
                return out.json(&info);
            }
            println!("{} {}", out.t("已备份到", "Backed up to"), info.path);
            print_backup(&info, out);
            Ok(())
        }
        Command::Restore { .. } | Command::Backups => Ok(()),
        Command::Where | Command::Bench(_) => Ok(()),
        Command::Reviewer(c) => reviewer_cmd(&pool, &stamp, c, out).await,
        Command::Conflict(a) => {
            let reviewer = reviewer_id(&a.reviewer)?;
            let with = match (a.org, a.proposal, a.call) {
                (Some(code), _, _) => {
                    ConflictWith::Organisation(grantdesk::credit_code::CreditCode::parse(&code)?)
                }
                (None, Some(reference), Some(call)) => ConflictWith::Proposal { call, reference },
                _ => {
                    return Err(invalid(
                        "org",
                        "required",
                        "须指定 --org 或 --proposal 与 --call",
                        "give --org, or --proposal with --call",
                    ));
                }
            };
            let recused = pool::declare(
                &pool,
                &stamp,
                &Declared {
                    reviewer,
                    with,
                    reason: a.reason,
                    declared_on: a.on,
                },
            )
            .await?;
            if recused > 0 {
                println!(
                    "{}",
                    out.t(
                        &format!("已登记回避；{recused} 项已有的评审分配改为回避，其评审意见不再计分"),
                        &format!(
                            "Conflict declared; {recused} existing assignments recused, their reviews no longer count"
                        )
                    )
                );
            } else {
                println!("{}", out.t("已登记回避", "Conflict declared"));
            }
            Ok(())
        }
        Command::Review(c) => review_cmd(&pool, &stamp, c, out).await,
        Command::Scores(ScoresCmd::Import {
            file,
            call,
            dry_run,
        }) => {
            let c = call::get(&pool, &call).await?;
            let sheet = grantdesk::import::read(&file)?;
            let rows = review::sheet::score_sheet(&sheet, c.spec.code.as_str(), &c.spec)?;
            let n = review::import_reviews(&pool, &stamp, &rows, dry_run).await?;
            print_imported(out, n, dry_run, ("评审意见", "Reviews", "reviews"));
            Ok(())
        }
        Command::Decide(c) => decide_cmd(&pool, &stamp, c, out, &path).await,
        Command::Export {
            what,
            call,
            out: file,
            by,
            force,
        } => {
            let format = grantdesk::export::Format::of_path(&file);
            let order = Aggregate::parse(&by).unwrap_or_default();
            let made = grantdesk::export::table_file(&pool, &call, &what, order, format).await?;
            grantdesk::export::write(&file, &made.bytes, force, &path)?;
            println!(
                "{} {} ({} {})",
                out.t("已导出", "Written:"),
                file.display(),
                made.rows,
                out.t("行", "rows")
            );
            Ok(())
        }
        Command::Import(ImportCmd::Proposals {
            file,
            call,
            dry_run,
            map,
        }) => {
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
                grantdesk::import::dry_run(&pool, &sheet, &request).await
            } else {
                grantdesk::import::import(&pool, &stamp, &sheet, &request).await
            };
            let report = match result {
                Ok(r) => r,
                Err(Error::Import(grantdesk::import::ImportError::Refused(r))) if out.json => {
                    out.json(&r)?;
                    return Err(Error::Import(grantdesk::import::ImportError::Refused(r)));
                }
                Err(e) => return Err(e),
            };
            if out.json {
                return out.json(&report);
            }
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
            Ok(())
        }
        Command::Awards { call } => {
            let awards = grantdesk::decision::awards(&pool, &call).await?;
            if out.json {
                return out.json(&awards);
            }
            print_awards(&awards, out);
            Ok(())
        }
        Command::Award { action, number } => {
            use grantdesk::decision::AwardStatus;
            let to = match action.as_str() {
                "accept" => AwardStatus::Accepted,
                "activate" => AwardStatus::Active,
                "complete" => AwardStatus::Completed,
                "terminate" => AwardStatus::Terminated,
                _ => {
                    return Err(invalid(
                        "action",
                        "action_unknown",
                        "操作应为 accept、activate、complete 或 terminate",
                        "the action must be accept, activate, complete or terminate",
                    ));
                }
            };
            let a = grantdesk::decision::set_award_status(&pool, &stamp, &number, to).await?;
            if out.json {
                return out.json(&a);
            }
            println!("{} {}", a.number, a.status.label(out.lang));
            Ok(())
        }
        Command::Ranking { call, by } => {
            let order = Aggregate::parse(&by).ok_or_else(|| {
                invalid(
                    "by",
                    "aggregate_unknown",
                    "排序依据应为 mean、trimmed 或 calibrated",
                    "--by must be mean, trimmed or calibrated",
                )
            })?;
            let rows = review::rank_call(&pool, &call, order).await?;
            if out.json {
                return out.json(&rows);
            }
            let table = rows
                .iter()
                .map(|r| {
                    let f = &r.figures;
                    vec![
                        format!("{}{}", f.rank, if f.tied { "=" } else { "" }),
                        r.reference.clone(),
                        r.title.clone(),
                        r.topic.clone(),
                        f.reviews.to_string(),
                        format!("{:.2}", f.mean),
                        format!("{:.2}", f.trimmed_mean),
                        format!("{:+.3}", f.calibrated),
                        format!("{:.2}{}", f.std_dev, if f.disagreement { " ⚠" } else { "" }),
                    ]
                })
                .collect();
            print_table(
                &[
                    out.t("名次", "rank"),
                    out.t("编号", "reference"),
                    out.t("项目名称", "title"),
                    out.t("方向", "topic"),
                    out.t("评审数", "reviews"),
                    out.t("均分", "mean"),
                    out.t("截尾均分", "trimmed"),
                    out.t("校准分", "calibrated"),
                    out.t("标准差", "std dev"),
                ],
                table,
            );
            Ok(())
        }
        Command::Demo { scale: Some(n), .. } => {
            let loaded = demo::load_scaled(&pool, &stamp, n).await?;
            if out.json {
                return out.json(&loaded);
            }
            println!(
                "{} {}: {} {}",
                out.t("规模测试资助计划", "Scale test call"),
                loaded.call,
                loaded.proposals_total,
                out.t("份申请书", "proposals")
            );
            Ok(())
        }
        Command::Demo { scale: None, stage } if stage == "reviewed" => {
            let r = demo::load_reviewed(&pool, &stamp).await?;
            if out.json {
                return out.json(&r);
            }
            match out.lang {
                Lang::Zh => println!(
                    "示例资助计划 {} 已完成评审：{} 位评审专家，{} 人次分配，{} 份评审意见",
                    r.loaded.call, r.reviewers, r.assignments, r.reviews
                ),
                Lang::En => println!(
                    "Sample call {} reviewed: {} reviewers, {} assignments, {} reviews",
                    r.loaded.call, r.reviewers, r.assignments, r.reviews
                ),
            }
            Ok(())
        }
        Command::Demo { scale: None, stage } if stage == "awarded" => {
            let r = demo::load_awarded(&pool, &stamp).await?;
            if out.json {
                return out.json(&r);
            }
            match out.lang {
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
            }
            Ok(())
        }
        Command::Demo { scale: None, stage } if stage != "proposals" => Err(invalid(
            "stage",
            "stage_unknown",
            "--stage 应为 proposals、reviewed 或 awarded",
            "--stage must be proposals, reviewed or awarded",
        )),
        Command::Demo { scale: None, .. } => {
            let loaded = demo::load(&pool, &stamp).await?;
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
            show_call(&pool, demo::CALL_CODE, out).await
        }
        Command::Calls => list_calls(&pool, out).await,
        Command::Call(c) => call_cmd(&pool, &stamp, c, out).await,
        Command::Proposals(a) => list_proposals(&pool, a, out).await,
        Command::Proposal(p) => proposal_cmd(&pool, &stamp, p, out).await,
        Command::Audit(AuditCmd::Verify) => {
            let v = audit::verify(&pool).await?;
            if out.json {
                return out.json(&v);
            }
            println!(
                "OK — {} {}; {}: {}",
                v.entries,
                out.t("条审计记录，哈希链完整", "audit entries, hash chain intact"),
                out.t("链头", "head"),
                v.head
            );
            Ok(())
        }
        Command::Audit(AuditCmd::Log { limit, entity, id }) => {
            let filter = entity.as_deref().zip(id.as_deref());
            let entries = audit::history(&pool, filter, limit).await?;
            if out.json {
                return out.json(&entries);
            }
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
            Ok(())
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn invalid(field: &str, rule: &'static str, zh: &str, en: &str) -> Error {
    Error::Review(grantdesk::review::ReviewError::Invalid(vec![
        grantdesk::error::Invalid::new(field, rule, zh, en),
    ]))
}

/// `R12` or `12`.
fn reviewer_id(s: &str) -> Result<i64, Error> {
    s.trim()
        .trim_start_matches(['R', 'r'])
        .parse()
        .map_err(|_| {
            invalid(
                "reviewer",
                "reviewer_unknown",
                &format!("“{s}”不是评审专家编号"),
                &format!("\"{s}\" is not a reviewer number"),
            )
        })
}

/// "Reviewers imported: 3", or after a dry run "Checked, nothing written; reviewers that would
/// be imported: 3"; `what` names the rows: Chinese, English as a heading, English in a sentence.
fn print_imported(out: &Out, n: usize, dry_run: bool, (zh, heading, en): (&str, &str, &str)) {
    match (dry_run, out.lang) {
        (true, Lang::Zh) => println!("检查通过，未写入；可导入的{zh}：{n}"),
        (true, Lang::En) => println!("Checked, nothing written; {en} that would be imported: {n}"),
        (false, Lang::Zh) => println!("已导入{zh} {n}"),
        (false, Lang::En) => println!("{heading} imported: {n}"),
    }
}

async fn reviewer_cmd(pool_: &Pool, stamp: &Stamp, c: ReviewerCmd, out: &Out) -> Result<(), Error> {
    match c {
        ReviewerCmd::Import { file, dry_run } => {
            let rows = review::sheet::reviewer_list(&grantdesk::import::read(&file)?)?;
            let n = pool::import(pool_, stamp, &rows, dry_run).await?;
            print_imported(out, n, dry_run, ("评审专家", "Reviewers", "reviewers"));
            Ok(())
        }
        ReviewerCmd::Add { file } => {
            let form: ReviewerForm = read_toml(&file)?;
            let r = pool::create(pool_, stamp, &form).await?;
            if out.json {
                return out.json(&r);
            }
            println!("R{} {}", r.id, r.name);
            Ok(())
        }
        ReviewerCmd::Edit { id, file } => {
            let form: ReviewerForm = read_toml(&file)?;
            let r = pool::update(pool_, stamp, reviewer_id(&id)?, &form).await?;
            if out.json {
                return out.json(&r);
            }
            println!("R{} {}", r.id, r.name);
            Ok(())
        }
        ReviewerCmd::List => {
            let all = pool::list(pool_).await?;
            if out.json {
                return out.json(&all);
            }
            let rows = all
                .iter()
                .map(|r| {
                    vec![
                        format!("R{}", r.id),
                        r.name.clone(),
                        r.affiliation.clone(),
                        r.topics.join(","),
                        r.email.clone(),
                        out.t(
                            if r.active { "在库" } else { "停用" },
                            if r.active { "active" } else { "inactive" },
                        )
                        .to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    out.t("编号", "id"),
                    out.t("姓名", "name"),
                    out.t("单位", "affiliation"),
                    out.t("方向", "topics"),
                    out.t("邮箱", "e-mail"),
                    out.t("状态", "status"),
                ],
                rows,
            );
            Ok(())
        }
        ReviewerCmd::Deactivate { id } => {
            let r = pool::set_active(pool_, stamp, reviewer_id(&id)?, false).await?;
            println!("R{} {} {}", r.id, r.name, out.t("已停用", "deactivated"));
            Ok(())
        }
        ReviewerCmd::Activate { id } => {
            let r = pool::set_active(pool_, stamp, reviewer_id(&id)?, true).await?;
            println!("R{} {} {}", r.id, r.name, out.t("已启用", "active"));
            Ok(())
        }
    }
}

async fn review_cmd(pool_: &Pool, stamp: &Stamp, c: ReviewCmd, out: &Out) -> Result<(), Error> {
    match c {
        ReviewCmd::Assign { call, seed, cap } => {
            let r = review::assign(pool_, stamp, &call, seed, cap).await?;
            if out.json {
                return out.json(&r);
            }
            match out.lang {
                Lang::Zh => println!(
                    "抽取 #{}（种子 {}）：分配 {} 人次，每份 {} 位专家，每位专家至多 {} 份；回避 {} 人次",
                    r.draw, r.seed, r.assigned, r.need, r.cap, r.recusals
                ),
                Lang::En => println!(
                    "Draw #{} (seed {}): {} assignments, {} reviewers per proposal, at most {} per reviewer; {} recusals",
                    r.draw, r.seed, r.assigned, r.need, r.cap, r.recusals
                ),
            }
            for s in &r.short {
                println!(
                    "  {} −{}: {}",
                    s.reference,
                    s.missing,
                    s.message.get(out.lang)
                );
            }
            Ok(())
        }
        ReviewCmd::Add {
            call,
            reference,
            reviewer,
        } => {
            review::add_reviewer(pool_, stamp, &call, &reference, reviewer_id(&reviewer)?).await?;
            println!("{} ← {reviewer}", reference);
            Ok(())
        }
        ReviewCmd::Remove {
            call,
            reference,
            reviewer,
            declined,
        } => {
            review::release_reviewer(
                pool_,
                stamp,
                &call,
                &reference,
                reviewer_id(&reviewer)?,
                declined,
            )
            .await?;
            println!("{} ✕ {reviewer}", reference);
            Ok(())
        }
        ReviewCmd::Enter { file } => {
            let form: ReviewForm = read_toml(&file)?;
            review::enter_review(pool_, stamp, &form).await?;
            println!("{}", out.t("已录入评审意见", "Review entered"));
            Ok(())
        }
    }
}

/// A text file in UTF-8 (with or without a BOM) or GB18030/GBK.
fn read_text(file: &PathBuf) -> Result<String, Error> {
    let bytes = std::fs::read(file).map_err(|e| FileError::Unreadable {
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(grantdesk::import::sheet::decode(&bytes).0)
}

fn read_toml<T: serde::de::DeserializeOwned>(file: &PathBuf) -> Result<T, Error> {
    let path = file.display().to_string();
    let text = read_text(file)?;
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let reason = match line {
            Some(n) => format!("line {n}: {}", e.message()),
            None => e.message().to_string(),
        };
        Error::File(FileError::Malformed { path, reason })
    })
}

async fn call_cmd(pool: &Pool, stamp: &Stamp, c: CallCmd, out: &Out) -> Result<(), Error> {
    let moved = |call: Call| {
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
            if out.json {
                return out.json(&created);
            }
            moved(created);
            Ok(())
        }
        CallCmd::Edit { code, file } => {
            let form: CallForm = read_toml(&file)?;
            let updated = call::update(pool, stamp, &code, &form).await?;
            if out.json {
                return out.json(&updated);
            }
            moved(updated);
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
            moved(call::set_status(pool, stamp, &code, CallStatus::Open).await?);
            Ok(())
        }
        CallCmd::Close { code } => {
            moved(call::set_status(pool, stamp, &code, CallStatus::Closed).await?);
            Ok(())
        }
        CallCmd::Reopen { code } => {
            moved(call::set_status(pool, stamp, &code, CallStatus::Open).await?);
            Ok(())
        }
    }
}

async fn list_calls(pool: &Pool, out: &Out) -> Result<(), Error> {
    let calls = call::list(pool).await?;
    if out.json {
        return out.json(&calls);
    }
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
    Ok(())
}

async fn show_call(pool: &Pool, code: &str, out: &Out) -> Result<(), Error> {
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

async fn list_proposals(pool: &Pool, a: ProposalsArgs, out: &Out) -> Result<(), Error> {
    let status = match a.status.as_deref() {
        None => None,
        Some(s) => Some(ProposalStatus::parse(s).ok_or_else(|| {
            Error::Proposal(proposal::ProposalError::Invalid(vec![grantdesk::error::Invalid::new(
                "status",
                "status_unknown",
                format!("“{s}”不是申请书状态（draft、submitted、eligible、ineligible、withdrawn）"),
                format!("\"{s}\" is not a proposal status (draft, submitted, eligible, ineligible, withdrawn)"),
            )]))
        })?),
    };
    let rows = proposal::list(
        pool,
        &Filter {
            call: a.call,
            topic: a.topic,
            status,
            search: a.search,
        },
    )
    .await?;
    if out.json {
        return out.json(&rows);
    }
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
    Ok(())
}

async fn proposal_cmd(pool: &Pool, stamp: &Stamp, p: ProposalCmd, out: &Out) -> Result<(), Error> {
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
            if out.json {
                return out.json(&p);
            }
            println!(
                "{} {} ({})",
                out.t("已登记申请书", "Registered proposal"),
                p.content.reference,
                p.status.label(l)
            );
            Ok(())
        }
        ProposalCmd::Edit {
            call,
            reference,
            file,
        } => {
            let form: ProposalForm = read_toml(&file)?;
            let p = proposal::update(pool, stamp, &call, &reference, &form).await?;
            if out.json {
                return out.json(&p);
            }
            println!(
                "{} {}",
                out.t("已修改申请书", "Updated proposal"),
                p.content.reference
            );
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
            if out.json {
                return out.json(&r);
            }
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
            Ok(())
        }
    }
}

/// Columns a character takes on a terminal: CJK and full-width forms take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u);
            if wide { 2 } else { 1 }
        })
        .sum()
}

fn print_table(head: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(c));
            }
        }
    }
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let line = |w: &mut std::io::StdoutLock<'_>, cells: &[&str]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i].saturating_sub(width(c)) + 2));
            }
        }
        let _ = writeln!(w, "{}", s.trim_end());
    };
    line(&mut w, head);
    let rule: Vec<String> = widths.iter().map(|n| "─".repeat(*n)).collect();
    line(&mut w, &rule.iter().map(String::as_str).collect::<Vec<_>>());
    for r in &rows {
        line(&mut w, &r.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

fn print_awards(awards: &[grantdesk::decision::Award], out: &Out) {
    let rows = awards
        .iter()
        .map(|a| {
            vec![
                a.number.clone(),
                a.reference.clone(),
                a.title.clone(),
                a.applicant.clone(),
                a.topic.clone(),
                a.amount.format_yuan(),
                format!("{} – {}", a.start_on, a.end_on),
                a.status.label(out.lang).to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("文号", "number"),
            out.t("编号", "reference"),
            out.t("项目名称", "title"),
            out.t("承担单位", "applicant"),
            out.t("方向", "topic"),
            out.t("资助金额", "award"),
            out.t("执行期", "period"),
            out.t("状态", "status"),
        ],
        rows,
    );
}

fn print_board(b: &grantdesk::decision::Board, out: &Out) {
    let rows = b
        .rows
        .iter()
        .map(|r| {
            vec![
                format!("{}{}", r.rank, if r.tied { "=" } else { "" }),
                r.reference.clone(),
                r.title.clone(),
                r.topic.clone(),
                format!("{:.2}", r.score),
                r.requested.format_yuan(),
                r.proposed
                    .as_ref()
                    .map(|p| p.amount.format_yuan())
                    .unwrap_or_default(),
                r.proposed
                    .as_ref()
                    .map(|p| p.reason.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    print_table(
        &[
            out.t("名次", "rank"),
            out.t("编号", "reference"),
            out.t("项目名称", "title"),
            out.t("方向", "topic"),
            out.t("得分", "score"),
            out.t("申请金额", "requested"),
            out.t("拟资助", "proposed"),
            out.t("核减理由", "cut reason"),
        ],
        rows,
    );
    println!(
        "{}: {} / {}  {}: {}  {}: {} / {}",
        out.t("已安排", "committed"),
        b.committed.format_yuan(),
        b.budget.format_yuan(),
        out.t("剩余", "remaining"),
        b.remaining.format_yuan(),
        out.t("资助项数", "awards"),
        b.awards,
        b.max_awards
    );
    for t in &b.topics {
        println!(
            "  {} {}: {} {}, {}",
            t.code,
            out.lang.pick(&t.name_zh, &t.name_en),
            t.awards,
            out.t("项", "awards"),
            t.committed.format_yuan()
        );
    }
}

async fn decide_cmd(
    pool: &Pool,
    stamp: &Stamp,
    c: DecideCmd,
    out: &Out,
    db: &std::path::Path,
) -> Result<(), Error> {
    use grantdesk::decision;
    match c {
        DecideCmd::Board { call, by } => {
            let order = Aggregate::parse(&by).unwrap_or_default();
            let b = decision::board(pool, &call, order).await?;
            if out.json {
                return out.json(&b);
            }
            print_board(&b, out);
        }
        DecideCmd::Suggest(a) => {
            let s = decision::suggest(pool, &a.form()).await?;
            if out.json {
                return out.json(&s);
            }
            let exact = if s.proved_best {
                out.t(
                    "最优方案（已穷尽证明：没有总分更高的可行组合）",
                    "The best set (proved: no feasible set scores higher)",
                )
            } else {
                out.t("严格按排名依次资助", "Strict rank order")
            };
            println!("{exact}");
            for x in &s.chosen {
                println!("  ✓ {}  {}", x.reference, x.amount.format_yuan());
            }
            println!(
                "{}: {} ({} {}), {}: {}, {}: {:.2}",
                out.t("合计", "total"),
                s.total.format_yuan(),
                s.chosen.len(),
                out.t("项", "awards"),
                out.t("剩余", "remaining"),
                s.remaining.format_yuan(),
                out.t("总分", "score"),
                s.score
            );
            for w in &s.warnings {
                println!("⚠ {}", w.get(out.lang));
            }
            println!("{}", out.t("临界项目说明：", "Near the funding line:"));
            for x in &s.explanations {
                println!(
                    "  {} {:>3}  {}  {}",
                    if x.funded { "✓" } else { "✗" },
                    x.rank,
                    x.reference,
                    x.message.get(out.lang)
                );
            }
        }
        DecideCmd::Apply(a) => {
            let b = decision::apply(pool, stamp, &a.form()).await?;
            if out.json {
                return out.json(&b);
            }
            print_board(&b, out);
        }
        DecideCmd::Propose {
            call,
            reference,
            amount,
            reason,
        } => {
            let f = decision::DecisionForm {
                call: call.into(),
                reference: reference.into(),
                amount: amount.into(),
                reason: reason.into(),
            };
            let b = decision::propose(pool, stamp, &f).await?;
            if out.json {
                return out.json(&b);
            }
            print_board(&b, out);
        }
        DecideCmd::Withdraw { call, reference } => {
            let b = decision::withdraw(pool, stamp, &call, &reference).await?;
            if out.json {
                return out.json(&b);
            }
            print_board(&b, out);
        }
        DecideCmd::Robustness { s, draws, seed } => {
            let t = std::time::Instant::now();
            let r = decision::robustness(pool, &s.form(), draws, seed).await?;
            let took = t.elapsed();
            if out.json {
                return out.json(&r);
            }
            let rows = r
                .rows
                .iter()
                .map(|x| {
                    vec![
                        x.rank.to_string(),
                        x.reference.clone(),
                        if x.funded_now { "✓" } else { "" }.to_string(),
                        format!("{:.1}%", f64::from(x.per_mille) / 10.0),
                        match x.verdict {
                            "stable_in" => out.t("稳定入选", "stable in"),
                            "stable_out" => out.t("稳定落选", "stable out"),
                            _ => out.t("不确定，建议复议", "uncertain: send to the panel"),
                        }
                        .to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    out.t("名次", "rank"),
                    out.t("编号", "reference"),
                    out.t("现入选", "funded now"),
                    out.t("入选比例", "funded in"),
                    out.t("判断", "verdict"),
                ],
                rows,
            );
            println!(
                "{} {} {}, seed {}: {:.0} ms",
                out.t("自助重抽样", "bootstrap"),
                r.draws,
                out.t("次", "draws"),
                r.seed,
                ms(took)
            );
        }
        DecideCmd::Award {
            call,
            start,
            decided_on,
        } => {
            let f = decision::IssueForm {
                call: call.into(),
                start_on: start.into(),
                decided_on: decided_on.into(),
            };
            let awards = decision::issue(pool, stamp, &f).await?;
            if out.json {
                return out.json(&awards);
            }
            print_awards(&awards, out);
        }
        DecideCmd::Notice {
            call,
            out: file,
            unfunded,
            force,
        } => {
            let format = grantdesk::export::Format::of_path(&file);
            let (n, made) = decision::notice_file(pool, &call, format, unfunded).await?;
            grantdesk::export::write(&file, &made.bytes, force, db)?;
            if out.json {
                return out.json(&n);
            }
            println!(
                "{} {} ({} {}, {} {})",
                out.t("已导出", "Written:"),
                file.display(),
                n.funded,
                out.t("项资助", "funded"),
                n.unfunded,
                out.t("项未获资助", "not funded")
            );
        }
    }
    Ok(())
}

fn print_backup(b: &grantdesk::backup::BackupInfo, out: &Out) {
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
