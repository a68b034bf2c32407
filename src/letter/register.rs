//! Letters laid out, checked against their fonts, rendered, written and entered in the
//! register (the audit log); one award's or a whole call's; and the register's verdict on a
//! file.

use serde::Serialize;

use super::{Agency, Letter, font, layout, of_award, of_call, pdf};
use crate::lang::Lang;

/// A letter written and entered in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issued {
    pub number: String,
    /// 1 for the first letter of the award, one more for each reissue.
    pub version: u32,
    /// SHA-256 of the exact bytes of the file, as the register keeps it.
    pub sha256: String,
    pub lang: Lang,
    pub pages: usize,
    pub bytes: usize,
    pub path: String,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses, before anything is written, letters the font cannot print: the characters,
/// the font and (in a batch) the awards are named.
pub fn check_font(letters: &[Laid], fonts: &font::Fonts) -> Result<(), crate::Error> {
    let faces: &[Option<layout::Face>] = if fonts.title.is_some() {
        &[Some(layout::Face::Body), Some(layout::Face::Title)]
    } else {
        &[None]
    };
    for face in faces {
        let font = fonts.face(face.unwrap_or(layout::Face::Body));
        lacks(letters, font, *face)?;
    }
    Ok(())
}

fn lacks(
    letters: &[Laid],
    font: &font::LetterFont,
    face: Option<layout::Face>,
) -> Result<(), crate::Error> {
    let mut missing: Vec<char> = Vec::new();
    let mut awards: Vec<&str> = Vec::new();
    for l in letters {
        let m = font.missing(&printed(std::slice::from_ref(l), face));
        if !m.is_empty() {
            awards.push(&l.number);
            missing.extend(m);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    missing.sort_unstable();
    missing.dedup();
    let list = missing
        .iter()
        .map(|c| format!("“{c}”"))
        .collect::<Vec<_>>()
        .join("、");
    let shown = awards
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let more = awards.len().saturating_sub(5);
    let (of_zh, of_en) = if letters.len() > 1 {
        (
            format!(
                "（资助 {shown}{}）",
                if more > 0 {
                    format!(" 等 {} 项", awards.len())
                } else {
                    String::new()
                }
            ),
            format!(
                " (award {shown}{})",
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        )
    } else {
        (String::new(), String::new())
    };
    Err(crate::Error::invalid(
        "font",
        "font_lacks_characters",
        format!(
            "字体 {}（{}）缺少通知书中的字符 {list}{of_zh}，未生成通知书：请在设置中选择包含这些字符的字体",
            font.family,
            font.path.display()
        ),
        format!(
            "the font {} ({}) has no glyph for {list} in the letter{of_en}; nothing was written: choose a font that has them in the settings",
            font.family,
            font.path.display()
        ),
    ))
}

/// A letter laid out on its pages: what is printed, numbering and page numbers included.
pub struct Laid {
    pub number: String,
    pub lang: Lang,
    pub title: String,
    pub pages: Vec<layout::Page>,
}

/// Lays letters out with the fonts' measures.
pub fn lay_out(letters: &[Letter], fonts: &font::Fonts) -> Vec<Laid> {
    let title = fonts.face(layout::Face::Title);
    letters
        .iter()
        .map(|l| Laid {
            number: l.number.clone(),
            lang: l.lang,
            title: l.title.clone(),
            pages: layout::layout_faces(l, &|t, s| fonts.body.measure(t, s), &|t, s| {
                title.measure(t, s)
            }),
        })
        .collect()
}

/// Every character the pages print in a face (or in any), spaces included, once each: what
/// the font must have, and what the batch's subset of it holds.
pub fn printed(letters: &[Laid], face: Option<layout::Face>) -> Vec<char> {
    let mut all: Vec<char> = letters
        .iter()
        .flat_map(|l| &l.pages)
        .flat_map(|p| &p.runs)
        .filter(|r| face.is_none_or(|f| r.face == f))
        .flat_map(|r| r.text.chars())
        .filter(|c| !c.is_control())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// A letter as PDF, not yet written or registered.
pub struct Made {
    pub number: String,
    pub lang: Lang,
    pub pages: usize,
    pub bytes: Vec<u8>,
}

/// Renders laid-out letters with a press made for them, on `threads` threads.
pub fn make(
    letters: &[Laid],
    press: &pdf::Press,
    at: i64,
    threads: usize,
) -> Result<Vec<Made>, crate::Error> {
    let one = |l: &Laid| -> Result<Made, crate::Error> {
        let bytes = press
            .render(&l.title, &l.pages, at)
            .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
        Ok(Made {
            number: l.number.clone(),
            lang: l.lang,
            pages: l.pages.len(),
            bytes,
        })
    };
    let threads = threads.clamp(1, letters.len().max(1));
    if threads == 1 {
        return letters.iter().map(one).collect();
    }
    let chunk = letters.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = letters
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Result<Vec<_>, _>>()))
            .collect();
        let mut out = Vec::with_capacity(letters.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part?),
                Err(_) => {
                    return Err(crate::Error::invalid(
                        "letter",
                        "pdf_failed",
                        "生成 PDF 时出错",
                        "the PDF could not be made",
                    ));
                }
            }
        }
        Ok(out)
    })
}

/// Enters a made letter in the register (the audit log) with its version and the SHA-256 of
/// its bytes, and writes the file, in the transaction given: the caller commits, or removes
/// the file if the commit fails.
pub(crate) async fn enter(
    tx: &mut crate::store::Tx,
    stamp: &crate::store::Stamp,
    made: &Made,
    out: &std::path::Path,
    replace: bool,
    db: &std::path::Path,
) -> Result<Issued, crate::Error> {
    let (earlier,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'letter' AND entity_id = $1 AND action = 'issue'",
    )
    .bind(&made.number)
    .fetch_one(&mut *tx)
    .await?;
    let issued = Issued {
        number: made.number.clone(),
        version: u32::try_from(earlier + 1).unwrap_or(u32::MAX),
        sha256: sha256(&made.bytes),
        lang: made.lang,
        pages: made.pages,
        bytes: made.bytes.len(),
        path: out.display().to_string(),
    };
    crate::audit::record(
        tx,
        stamp,
        crate::audit::Change::new("letter", &made.number, "issue").after(&issued)?,
    )
    .await?;
    crate::export::write(out, &made.bytes, replace, db)?;
    Ok(issued)
}

/// Writes an award's letter to `out` and enters it in the register (the audit log) with its
/// version and the SHA-256 of its bytes, in one transaction: a letter that could not be
/// written is not registered, and a file is left only if it is. Refused before anything is
/// written if the font lacks a character of the letter (the characters and the font named).
#[allow(clippy::too_many_arguments)]
pub async fn write(
    pool: &crate::store::Pool,
    stamp: &crate::store::Stamp,
    number: &str,
    agency: &Agency,
    lang: Option<Lang>,
    fonts: &font::Fonts,
    out: &std::path::Path,
    replace: bool,
    db: &std::path::Path,
) -> Result<Issued, crate::Error> {
    let content = of_award(pool, number, agency, lang).await?;
    let letters = lay_out(&[content], fonts);
    check_font(&letters, fonts)?;
    let press = pdf::Press::new(fonts, &letters)
        .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
    let made = make(&letters, &press, stamp.at.timestamp(), 1)?;
    let mut tx = crate::store::begin_write(pool).await?;
    let issued = enter(&mut tx, stamp, &made[0], out, replace, db).await?;
    if let Err(e) = tx.commit().await {
        let _ = std::fs::remove_file(out);
        return Err(e.into());
    }
    Ok(issued)
}

/// A file name made from an award number that any file system takes: the characters
/// Windows refuses (`\ / : * ? " < > |`) and control characters become `_`, trailing dots
/// and spaces go, and a device name (`CON`, `NUL`, `COM1`…) gets a `_` in front.
pub fn file_name(number: &str, lang: Lang) -> String {
    let mut name: String = number
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "\\/:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.ends_with(['.', ' ']) {
        name.pop();
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem[3..].chars().all(|c| c.is_ascii_digit()));
    if name.is_empty() || device {
        name.insert(0, '_');
    }
    match lang {
        Lang::Zh => format!("{name}.pdf"),
        Lang::En => format!("{name}-en.pdf"),
    }
}

/// The merged file of a call's letters: `BJ-AIXR-2026-合并.pdf`, `BJ-AIXR-2026-all-en.pdf`.
pub fn merged_file_name(call: &str, lang: Lang) -> String {
    let safe = file_name(call, Lang::Zh);
    let stem = safe.trim_end_matches(".pdf");
    match lang {
        Lang::Zh => format!("{stem}-合并.pdf"),
        Lang::En => format!("{stem}-all-en.pdf"),
    }
}

/// How far a batch has come: letters written of the total. The callback returns `false`
/// to stop (the letters written so far stay written and registered).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) -> bool + Sync);

/// What a batch wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub call: String,
    pub dir: String,
    pub issued: Vec<Issued>,
    /// The merged file, if one was asked for and the batch ran to the end.
    pub merged: Option<Issued>,
    /// Stopped before the end (by the officer).
    pub cancelled: bool,
    pub total: usize,
}

/// How many letters are rendered and registered in one transaction.
pub(crate) const CHUNK: usize = 50;

/// Writes the letters of every issued award of a call into `dir` (named by
/// [`file_name`]), each entered in the register; with `merged`, one more PDF holding them
/// all, registered as a bundle. Checked first (the font covers every letter, each adds
/// up); then written in chunks of [`CHUNK`], each chunk in one transaction, the progress
/// told after each chunk. Existing files are refused unless `replace`.
#[allow(clippy::too_many_arguments)]
pub async fn write_call(
    pool: &crate::store::Pool,
    stamp: &crate::store::Stamp,
    call: &str,
    agency: &Agency,
    lang: Option<Lang>,
    fonts: &font::Fonts,
    dir: &std::path::Path,
    merged: Option<&std::path::Path>,
    replace: bool,
    db: &std::path::Path,
    threads: usize,
    progress: Progress<'_>,
) -> Result<Batch, crate::Error> {
    let letters = of_call(pool, call, None, agency, lang).await?;
    let lang = letters.first().map_or(Lang::Zh, |l| l.lang);
    if letters.is_empty() {
        return Err(crate::Error::invalid(
            "call",
            "no_awards_issued",
            format!("项目指南 {call} 还没有已下达的资助，没有通知书可出具"),
            format!("call {call} has no issued awards: there is no letter to write"),
        ));
    }
    let letters = lay_out(&letters, fonts);
    check_font(&letters, fonts)?;
    std::fs::create_dir_all(dir).map_err(|e| crate::error::FileError::Unwritable {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    if !replace {
        // Refused before any is written: a batch never stops half way on a name taken.
        for l in &letters {
            let p = dir.join(file_name(&l.number, lang));
            if p.exists() {
                return Err(crate::error::FileError::Exists {
                    path: p.display().to_string(),
                }
                .into());
            }
        }
    }
    let press = pdf::Press::new(fonts, &letters)
        .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
    let at = stamp.at.timestamp();
    let total = letters.len();
    let mut batch = Batch {
        call: call.to_string(),
        dir: dir.display().to_string(),
        issued: Vec::with_capacity(total),
        merged: None,
        cancelled: false,
        total,
    };
    for part in letters.chunks(CHUNK) {
        if !progress(batch.issued.len(), total) {
            batch.cancelled = true;
            return Ok(batch);
        }
        let made = make(part, &press, at, threads)?;
        let mut tx = crate::store::begin_write(pool).await?;
        let mut written = Vec::with_capacity(made.len());
        for m in &made {
            let path = dir.join(file_name(&m.number, lang));
            match enter(&mut tx, stamp, m, &path, replace, db).await {
                Ok(i) => written.push(i),
                Err(e) => {
                    for w in &written {
                        let _ = std::fs::remove_file(&w.path);
                    }
                    return Err(e);
                }
            }
        }
        if let Err(e) = tx.commit().await {
            for w in &written {
                let _ = std::fs::remove_file(&w.path);
            }
            return Err(e.into());
        }
        batch.issued.extend(written);
    }
    progress(total, total);
    if let Some(file) = merged {
        let pages: Vec<layout::Page> = letters
            .iter()
            .flat_map(|l| l.pages.iter().cloned())
            .collect();
        let title = match lang {
            Lang::Zh => format!("{call} 立项通知书"),
            Lang::En => format!("{call} award letters"),
        };
        let bytes = press
            .render(&title, &pages, at)
            .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
        let made = Made {
            number: call.to_string(),
            lang,
            pages: pages.len(),
            bytes,
        };
        let issued = Issued {
            number: call.to_string(),
            version: 0,
            sha256: sha256(&made.bytes),
            lang,
            pages: made.pages,
            bytes: made.bytes.len(),
            path: file.display().to_string(),
        };
        #[derive(Serialize)]
        struct Bundle<'a> {
            #[serde(flatten)]
            file: &'a Issued,
            letters: Vec<(&'a str, u32)>,
        }
        let mut tx = crate::store::begin_write(pool).await?;
        crate::audit::record(
            &mut tx,
            stamp,
            crate::audit::Change::new("letters", call, "merge").after(&Bundle {
                file: &issued,
                letters: batch
                    .issued
                    .iter()
                    .map(|i| (i.number.as_str(), i.version))
                    .collect(),
            })?,
        )
        .await?;
        crate::export::write(file, &made.bytes, replace, db)?;
        if let Err(e) = tx.commit().await {
            let _ = std::fs::remove_file(file);
            return Err(e.into());
        }
        batch.merged = Some(issued);
    }
    Ok(batch)
}

/// What the register says of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The letter it is, if GrantDesk issued these exact bytes.
    pub issued: Option<Issued>,
    /// A later version of the same award's letter exists.
    pub superseded: bool,
    /// The merged file of a call's letters it is (the call, and each letter's number and
    /// version), if GrantDesk wrote these exact bytes as one.
    pub merged: Option<Merged>,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub call: String,
    pub letters: Vec<(String, u32)>,
    pub path: String,
}

/// Whether a file is a letter GrantDesk issued: its SHA-256 looked up in the register.
pub async fn verify(pool: &crate::store::Pool, bytes: &[u8]) -> Result<Verdict, crate::Error> {
    let digest = sha256(bytes);
    let rows: Vec<(String, String, Option<String>)> = crate::db::query_as(
        "SELECT entity, entity_id, after_json FROM audit_log
         WHERE (entity = 'letter' AND action = 'issue') OR (entity = 'letters' AND action = 'merge')
         ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    #[derive(serde::Deserialize)]
    struct Entry {
        version: u32,
        sha256: String,
        lang: Lang,
        pages: usize,
        bytes: usize,
        path: String,
        #[serde(default)]
        letters: Vec<(String, u32)>,
    }
    let mut found: Option<Issued> = None;
    let mut merged: Option<Merged> = None;
    let mut latest: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (entity, number, json) in rows {
        let Some(e) = json.and_then(|j| serde_json::from_str::<Entry>(&j).ok()) else {
            continue;
        };
        if entity == "letters" {
            if e.sha256 == digest {
                merged = Some(Merged {
                    call: number,
                    letters: e.letters,
                    path: e.path,
                });
            }
            continue;
        }
        latest.insert(number.clone(), e.version);
        if e.sha256 == digest {
            found = Some(Issued {
                number,
                version: e.version,
                sha256: e.sha256,
                lang: e.lang,
                pages: e.pages,
                bytes: e.bytes,
                path: e.path,
            });
        }
    }
    let superseded = found
        .as_ref()
        .is_some_and(|f| latest.get(&f.number).is_some_and(|v| *v > f.version));
    Ok(Verdict {
        issued: found,
        superseded,
        merged,
        sha256: digest,
    })
}
