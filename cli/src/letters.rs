//! `grantdesk letter`: an award's letter (立项通知书) as PDF, and the register that tells a
//! genuine one from an edited one.

use grantdesk::letter::font::{Fonts, LetterFont};
use grantdesk::letter::{self, Agency};

use crate::prelude::*;

#[derive(Args)]
pub(crate) struct LetterArgs {
    /// The award number (文号); or `verify` and a PDF file
    #[arg(required = true, num_args = 1..=2)]
    args: Vec<String>,
    /// The PDF to write
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the file if it exists (never the database)
    #[arg(long)]
    force: bool,
    /// The font file (default: a Simplified Chinese font found on this machine)
    #[arg(long)]
    font: Option<PathBuf>,
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    db: &Path,
    a: LetterArgs,
    out: &Out,
) -> Result<(), Error> {
    if a.args[0] == "verify" {
        let Some(file) = a.args.get(1) else {
            return Err(invalid(
                "file",
                "required",
                "请给出要核验的 PDF 文件",
                "name the PDF file to verify",
            ));
        };
        let bytes = std::fs::read(file).map_err(|e| FileError::Unreadable {
            path: file.clone(),
            reason: e.to_string(),
        })?;
        let v = letter::verify(pool, &bytes).await?;
        return out.show(&v, |v| match &v.issued {
            Some(i) => println!(
                "{} {} {} v{}{}  (SHA-256 {})",
                out.t(
                    "真实：本系统出具的立项通知书",
                    "Genuine: a letter GrantDesk issued for"
                ),
                i.number,
                out.t("版本", "version"),
                i.version,
                if v.superseded {
                    out.t("，已被新版本取代", ", superseded by a later version")
                } else {
                    ""
                },
                v.sha256
            ),
            None if v.merged.is_some() => {
                let m = v
                    .merged
                    .as_ref()
                    .map(|m| (m.call.as_str(), m.letters.len()));
                let (call, n) = m.unwrap_or_default();
                println!(
                    "{} {call} ({n} {})  (SHA-256 {})",
                    out.t(
                        "真实：本系统出具的合并通知书文件，项目指南",
                        "Genuine: the merged letters GrantDesk wrote for call"
                    ),
                    out.t("份", "letters"),
                    v.sha256
                );
            }
            None => println!(
                "{}  (SHA-256 {})",
                out.t(
                    "不符：此文件与本系统出具的任何通知书都不一致",
                    "No match: this file is not a letter GrantDesk issued (or it was altered)"
                ),
                v.sha256
            ),
        });
    }
    let number = &a.args[0];
    let Some(file) = a.out else {
        return Err(invalid(
            "out",
            "required",
            "请用 --out 指定 PDF 文件",
            "name the PDF file with --out",
        ));
    };
    let (agency, fonts) = agency(pool, a.font.as_deref()).await?;
    let lang = out.chosen.then_some(out.lang);
    let issued = letter::write(
        pool, stamp, number, &agency, lang, &fonts, &file, a.force, db,
    )
    .await?;
    out.show(&issued, |i| {
        println!(
            "{} {} ({} v{}, {} {}, {} KB, SHA-256 {})",
            out.t("已写出", "Written:"),
            i.path,
            i.number,
            i.version,
            i.pages,
            out.t("页", "pages"),
            i.bytes / 1024,
            i.sha256
        );
    })
}

/// The agency (from the settings) and its fonts, or the font file named on the command line
/// for everything.
async fn agency(pool: &Pool, path: Option<&Path>) -> Result<(Agency, Fonts), Error> {
    let agency = grantdesk::settings::agency(pool).await?;
    match path {
        Some(p) => LetterFont::load(p).map(|body| Fonts { body, title: None }),
        None => Fonts::of(&agency),
    }
    .map(|f| (agency, f))
    .map_err(|m| Error::invalid("font", "font_unavailable", m.zh, m.en))
}

#[derive(Args)]
pub(crate) struct LettersArgs {
    /// The call whose issued awards get their letters
    #[arg(long)]
    call: String,
    /// The folder to write them into (created if missing); files are named by award number
    #[arg(long)]
    out: PathBuf,
    /// Also one PDF holding every letter, to print
    #[arg(long)]
    merged: Option<PathBuf>,
    /// Replace files that exist (never the database)
    #[arg(long)]
    force: bool,
    /// The font file (default: a Simplified Chinese font found on this machine)
    #[arg(long)]
    font: Option<PathBuf>,
}

/// `letters --call CODE --out DIR`: with a progress bar on a terminal's standard error,
/// nothing when it is not a terminal (piped, or under a test).
pub(crate) async fn run_call(
    pool: &Pool,
    stamp: &Stamp,
    db: &Path,
    a: LettersArgs,
    out: &Out,
) -> Result<(), Error> {
    use std::io::{IsTerminal, Write};
    let (agency, fonts) = agency(pool, a.font.as_deref()).await?;
    let lang = out.chosen.then_some(out.lang);
    let tty = std::io::stderr().is_terminal();
    let bar = |done: usize, total: usize| {
        if tty {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!(
                "\r{} [{}{}] {done}/{total}",
                out.t("通知书", "Letters"),
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                eprintln!();
            }
            let _ = std::io::stderr().flush();
        }
        true
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let batch = letter::write_call(
        pool,
        stamp,
        &a.call,
        &agency,
        lang,
        &fonts,
        &a.out,
        a.merged.as_deref(),
        a.force,
        db,
        threads,
        &bar,
    )
    .await?;
    out.show(&batch, |b| {
        let bytes: usize = b.issued.iter().map(|i| i.bytes).sum();
        println!(
            "{} {} {} {}  ({} KB {})",
            out.t("已写出", "Written:"),
            b.issued.len(),
            out.t("份通知书到", "letters into"),
            b.dir,
            bytes / 1024 / b.issued.len().max(1),
            out.t("每份", "each on average")
        );
        if let Some(m) = &b.merged {
            println!(
                "{} {} ({} {})",
                out.t("合并文件", "Merged file:"),
                m.path,
                m.pages,
                out.t("页", "pages")
            );
        }
    })
}
