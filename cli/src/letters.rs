//! `grantdesk letter`: an award's letter (立项通知书) as PDF, and the register that tells a
//! genuine one from an edited one.

use grantdesk::letter::{self, Agency, font::LetterFont};

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
    let font = match &a.font {
        Some(p) => LetterFont::load(p),
        None => LetterFont::find(),
    }
    .map_err(|m| Error::invalid("font", "font_unavailable", m.zh, m.en))?;
    let lang = if out.chosen { out.lang } else { Lang::Zh };
    let issued = letter::write(
        pool,
        stamp,
        number,
        &Agency::sample(),
        lang,
        &font,
        &file,
        a.force,
        db,
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
