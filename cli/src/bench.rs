//! `grantdesk bench …`: rerunnable benchmarks that print figures.

use crate::prelude::*;
use grantdesk::scratch::Scratch;

#[derive(Subcommand)]
pub(crate) enum BenchCmd {
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
        /// Also on a PostgreSQL server, beside the SQLite file: fresh databases are created
        /// there (the role may create databases) and dropped afterwards
        #[arg(long, value_name = "postgres://…")]
        server: Option<String>,
        /// Work in this new directory and keep the CSV and both databases there, to inspect
        /// (default: a temporary directory, removed afterwards)
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// The ledgers and the cash-flow plan of a call read from the database: awards ×
    /// tranches × payment entries per tranche
    Ledger {
        #[arg(long, default_value_t = 1000)]
        awards: usize,
        /// Tranches per award
        #[arg(long, default_value_t = 5)]
        tranches: usize,
        /// Payment entries per tranche
        #[arg(long, default_value_t = 20)]
        payments: usize,
        /// Also on a PostgreSQL server, beside the SQLite file: fresh databases are created
        /// there (the role may create databases) and dropped afterwards
        #[arg(long, value_name = "postgres://…")]
        server: Option<String>,
        /// Work in this new directory and keep the database there (default: a temporary one)
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Award letters as PDF: the awarded sample's letters repeated up to `count`, on one
    /// core and on all, then registered and written
    Letters {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Work in this new directory and keep the database and the letters there
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// The officers' workflow through the core: the sample call registered, reviewed, decided,
    /// issued and a year disbursed, stage by stage, then the pages officers read
    Workflow {
        /// Also on a PostgreSQL server, beside the SQLite file: a fresh database is created
        /// there (the role may create databases) and dropped afterwards
        #[arg(long, value_name = "postgres://…")]
        server: Option<String>,
    },
    /// The proposals table of a national call: ordered by each column, searched, filtered,
    /// and windows of lines read, as the window asks the core
    Table {
        #[arg(long, default_value_t = 100_000)]
        proposals: usize,
        /// Use this SQLite file (its scale call filled up to `proposals` if it has fewer)
        /// instead of a fresh one: `grantdesk --db FILE demo --scale N` makes one to keep
        #[arg(long, value_name = "FILE")]
        database: Option<PathBuf>,
        /// Carry the call through review (`demo --scale N --stage reviewed`) and time the
        /// ranking table too
        #[arg(long)]
        reviewed: bool,
        /// Also on a PostgreSQL server, beside the SQLite file: a fresh database is created
        /// there (the role may create databases) and dropped afterwards
        #[arg(long, value_name = "postgres://…")]
        server: Option<String>,
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
        /// Each reviewer's cap over the average load (0: tight caps)
        #[arg(long, default_value_t = 10)]
        headroom: u32,
    },
}

pub(crate) async fn run(c: BenchCmd) -> Result<(), Error> {
    match c {
        BenchCmd::Decide {
            candidates,
            seed,
            tight,
        } => {
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
            Ok(())
        }
        BenchCmd::Import { rows, keep, server } => {
            for server in places(server) {
                let keep = kept_in(keep.as_ref(), server.is_some());
                let dir = work_dir(keep.as_ref())?;
                let mut place = Scratch::new(&dir, server, keep.is_some());
                let f = grantdesk::import::bench::run(
                    &dir,
                    &mut place,
                    rows,
                    &Stamp::now_for_os_user(),
                )
                .await;
                let on = tidy(place, &dir, keep.is_some()).await?;
                let f = f?;
                let total = f.read + f.import;
                println!(
                    "import bench on a {on}: {} proposals from a {:.1} MB CSV (GB-free UTF-8, 3 budget lines each); {} rounds, plain insert and import in turns; times: the fastest of each",
                    f.rows,
                    f.bytes as f64 / 1e6,
                    f.rounds
                );
                println!("  read + map:  {:>9.1} ms", ms(f.read));
                println!(
                    "  check + write (one transaction, audit included): {:>9.1} ms",
                    ms(f.import)
                );
                println!("  total:       {:>9.1} ms", ms(total));
                println!(
                    "  plain bulk insert of the same rows: {:>9.1} ms",
                    ms(f.plain)
                );
                let rounds: Vec<String> = f.ratios.iter().map(|r| format!("{r:.2}")).collect();
                println!(
                    "  import / plain, round by round: {} (median {:.2})",
                    rounds.join(", "),
                    f.median_ratio()
                );
            }
            Ok(())
        }
        BenchCmd::Ledger {
            awards,
            tranches,
            payments,
            keep,
            server,
        } => {
            for server in places(server) {
                let keep = kept_in(keep.as_ref(), server.is_some());
                let dir = work_dir(keep.as_ref())?;
                let mut place = Scratch::new(&dir, server, keep.is_some());
                let f = grantdesk::disbursement::bench::run(
                    &mut place,
                    awards,
                    tranches.max(1),
                    payments,
                    &Stamp::now_for_os_user(),
                )
                .await;
                let on = tidy(place, &dir, keep.is_some()).await?;
                let f = f?;
                println!(
                    "ledger bench on a {on}: {} awards, {} tranches, {} payment entries (filled in {:.0} ms)",
                    f.awards,
                    f.tranches,
                    f.payments,
                    ms(f.fill)
                );
                println!(
                    "  call ledger (every award's):  {:>7.1} ms  (paid {}, balanced: {})",
                    ms(f.ledger),
                    f.paid.format_yuan(),
                    f.balanced
                );
                println!(
                    "  cash-flow plan by month:      {:>7.1} ms",
                    ms(f.cash_by_month)
                );
                println!(
                    "  cash-flow plan by year:       {:>7.1} ms",
                    ms(f.cash_by_year)
                );
                println!("  one award's page:             {:>7.1} ms", ms(f.award));
                println!(
                    "  the call's finance page:      {:>7.1} ms  (every award looked at for attention)",
                    ms(f.page)
                );
                println!(
                    "  ledger + plan by month:       {:>7.1} ms  (target < 50 ms)",
                    ms(f.ledger + f.cash_by_month)
                );
            }
            Ok(())
        }
        BenchCmd::Table {
            proposals,
            database,
            reviewed,
            server,
        } => {
            let stamp = Stamp::now_for_os_user();
            let mut runs = Vec::new();
            if let Some(path) = database {
                let pool = grantdesk::store::open(&path).await?;
                let f = grantdesk::proposal::bench::run(&pool, proposals, reviewed, &stamp).await;
                pool.close().await;
                runs.push(("SQLite file given", f?));
            }
            // A fresh SQLite file unless a file was given; the server's run when one is named.
            let fresh_file = runs.is_empty();
            for server in places(server)
                .into_iter()
                .filter(|s| s.is_some() || fresh_file)
            {
                let dir = work_dir(None)?;
                let mut place = Scratch::new(&dir, server, false);
                let f = match place.fresh("table").await {
                    Ok(pool) => {
                        grantdesk::proposal::bench::run(&pool, proposals, reviewed, &stamp).await
                    }
                    Err(e) => Err(e),
                };
                runs.push((tidy(place, &dir, false).await?, f?));
            }
            for (on, f) in runs {
                println!(
                    "table bench on a {on}: {} proposals in the call{}; times: the fastest and the median of five",
                    f.proposals,
                    if f.fill.is_zero() {
                        String::new()
                    } else {
                        format!(" (written in {:.1} s)", f.fill.as_secs_f64())
                    }
                );
                println!("  {:<48} {:>11} {:>11}", "", "fastest", "median");
                for (what, took, n) in &f.steps {
                    println!(
                        "  {what:<48} {:>8.1} ms {:>8.1} ms  {n:>7} rows",
                        ms(took.fastest),
                        ms(took.median)
                    );
                }
            }
            Ok(())
        }
        BenchCmd::Workflow { server } => {
            for server in places(server) {
                let dir = work_dir(None)?;
                let mut place = Scratch::new(&dir, server, false);
                let f = grantdesk::demo::bench::run(&mut place, &Stamp::now_for_os_user()).await;
                let on = tidy(place, &dir, false).await?;
                let f = f?;
                println!("workflow bench on a {on}: the sample call through the core");
                for (stage, acts, took) in &f.stages {
                    println!(
                        "  {stage:<40} {:>8.1} ms  ({acts} audited acts, {:.2} ms each)",
                        ms(*took),
                        ms(*took) / (*acts).max(1) as f64
                    );
                }
                for (page, took) in &f.reads {
                    println!("  read: {page:<34} {:>8.1} ms", ms(*took));
                }
            }
            Ok(())
        }
        BenchCmd::Letters { count, keep } => {
            let dir = work_dir(keep.as_ref())?;
            let f = grantdesk::letter::bench::run(&dir, count, &Stamp::now_for_os_user()).await;
            if keep.is_none() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            let f = f?;
            let rate = |d: std::time::Duration| f.letters as f64 / d.as_secs_f64().max(1e-9);
            println!(
                "letters bench: {} letters ({} pages), font {}",
                f.letters, f.pages, f.font
            );
            println!("  parse the face (once):        {:>8.1} ms", ms(f.parse));
            println!(
                "  the batch's subset (once):    {:>8.1} ms  (each letter then {})",
                ms(f.press),
                if f.cuts {
                    "cuts its own from it"
                } else {
                    "is subset by printpdf"
                }
            );
            let per = |d: std::time::Duration| ms(d) / f.letters.max(1) as f64;
            println!("  per letter, one thread:");
            println!("    layout                      {:>8.3} ms", per(f.layout));
            println!(
                "    printpdf builds the PDF     {:>8.3} ms",
                per(f.steps.build)
            );
            println!(
                "    the font program cut        {:>8.3} ms",
                per(f.steps.cut)
            );
            println!(
                "    streams compressed          {:>8.3} ms",
                per(f.steps.compress)
            );
            println!(
                "    file bytes written out      {:>8.3} ms",
                per(f.steps.save)
            );
            println!(
                "  one core:   {:>8.1} ms  = {:>6.0} letters/s  (target >= 300)",
                ms(f.one_core),
                rate(f.one_core)
            );
            println!(
                "  {} threads: {:>8.1} ms  = {:>6.0} letters/s",
                f.threads,
                ms(f.all_cores),
                rate(f.all_cores)
            );
            println!(
                "  size: {:.1} KB mean, {:.1} KB largest  (target < 60 KB)",
                f.bytes_mean as f64 / 1024.0,
                f.bytes_max as f64 / 1024.0
            );
            println!(
                "  registered (audit entry, SHA-256) and written to files: {:.1} ms = {:.0} letters/s",
                ms(f.register),
                rate(f.register)
            );
            println!(
                "  printpdf as documented (subset + optimise per file): {:.0} letters/s, {:.1} KB each ({} letters)",
                f.documented_n as f64 / f.documented.as_secs_f64().max(1e-9),
                f.documented_bytes as f64 / 1024.0,
                f.documented_n
            );
            Ok(())
        }
        BenchCmd::Review {
            proposals,
            reviewers,
            reviews,
            seed,
            headroom,
        } => {
            let f = grantdesk::review::bench::run(
                proposals.max(1),
                reviewers.max(1),
                reviews.max(1),
                seed,
                headroom,
            );
            println!(
                "review bench: {} proposals, {} reviewers, {} reviews each, cap {}",
                f.proposals, f.reviewers, f.need, f.cap
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
            Ok(())
        }
    }
}

/// The benchmark's directory: `keep` (which must be new or empty), else a fresh temporary one.
/// After a run: the server's scratch databases dropped (unless kept), the work directory
/// removed (unless kept); says what the run was on.
async fn tidy(place: Scratch, dir: &std::path::Path, keep: bool) -> Result<&'static str, Error> {
    let on = place.describe();
    place.finish().await?;
    if !keep {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(on)
}

/// Where a kept run keeps its files: the directory named, its `server/` for the server's run.
fn kept_in(keep: Option<&PathBuf>, server: bool) -> Option<PathBuf> {
    keep.map(|k| if server { k.join("server") } else { k.clone() })
}

/// The SQLite file always; then the server when one is named.
fn places(server: Option<String>) -> Vec<Option<String>> {
    std::iter::once(None).chain(server.map(Some)).collect()
}

fn work_dir(keep: Option<&PathBuf>) -> Result<PathBuf, Error> {
    let dir = keep.cloned().unwrap_or_else(|| {
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
    Ok(dir)
}
