//! Award letters, their content and their layout, on the awarded sample. (The PDF itself,
//! its fonts and the register come next: issue #14.)

use grantdesk::Lang;
use grantdesk::letter::{self, Agency, layout};

use crate::support::{db, stamp};

const CALL: &str = grantdesk::demo::CALL_CODE;

/// A monospace stand-in for the font: a Chinese character one em, anything else half.
fn fake(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum::<f32>()
        * size
        * layout::MM_PER_PT
}

fn fen(s: &str) -> i64 {
    s.replace([',', '.'], "").parse().expect("amount")
}

#[tokio::test]
async fn every_award_letter_adds_up_and_stays_on_its_pages() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let agency = Agency::sample();
    for a in &awards {
        for lang in [Lang::Zh, Lang::En] {
            let l = letter::of_award(&db.pool, &a.number, &agency, Some(lang))
                .await
                .expect("letter");
            assert_eq!(l.number, a.number);
            // The schedule's rows add up to its total, which is the award.
            let rows: i64 = l.schedule.rows.iter().map(|r| fen(&r[3])).sum();
            assert_eq!(rows, a.amount.fen(), "{}", a.number);
            assert_eq!(fen(&l.schedule.total[3]), a.amount.fen());
            // So does the budget, column by column and in all.
            let b = l.budget.as_ref().expect("itemised");
            let last = b.headers.len() - 1;
            let by_rows: i64 = b.rows.iter().map(|r| fen(&r[last])).sum();
            assert_eq!(by_rows, a.amount.fen());
            for col in 1..last {
                let down: i64 = b.rows.iter().map(|r| fen(&r[col])).sum();
                assert_eq!(down, fen(&b.total[col]), "column {col} of {}", a.number);
            }
            let text = l.body.join("");
            if lang == Lang::Zh {
                assert!(
                    text.contains(a.amount.capital().trim_start_matches("人民币")),
                    "{text}"
                );
                assert!(l.addressee.contains("统一社会信用代码") && l.addressee.ends_with('：'));
                assert!(l.date_text().ends_with('日'));
            } else {
                assert!(text.contains(&a.amount.capital()), "{text}");
            }
            let pages = layout::layout(&l, &fake);
            assert!(
                !pages.is_empty() && pages.len() <= 3,
                "{} pages",
                pages.len()
            );
            for p in &pages {
                for r in &p.runs {
                    assert!(r.x >= 10.0 && r.x + fake(&r.text, r.size) <= 200.0, "{r:?}");
                    assert!(r.baseline > 20.0 && r.baseline < 290.0, "{r:?}");
                }
            }
            let all: Vec<&str> = pages
                .iter()
                .flat_map(|p| p.runs.iter().map(|r| r.text.as_str()))
                .collect();
            assert!(all.contains(&"— 1 —"));
            assert!(all.contains(&l.number.as_str()));
            assert!(
                all.iter().any(|t| t.contains(&l.schedule.total[3])),
                "the total is printed"
            );
        }
    }
}

#[tokio::test]
async fn a_long_title_wraps_and_a_table_split_over_pages_repeats_its_header() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let mut l = letter::of_award(
        &db.pool,
        &awards[0].number,
        &Agency::sample(),
        Some(Lang::Zh),
    )
    .await
    .expect("letter");
    l.title = format!("关于“{}”项目立项的通知", "面向沉浸式文旅的".repeat(60));
    // Many tranches push the schedule over a page break.
    let row = l.schedule.rows[0].clone();
    for _ in 0..30 {
        l.schedule.rows.insert(0, row.clone());
    }
    let pages = layout::layout(&l, &fake);
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let title_lines = pages[0].runs.iter().filter(|r| r.size == 22.0).count();
    assert!(
        title_lines >= 10,
        "the title wrapped onto {title_lines} lines"
    );
    let headers = pages
        .iter()
        .filter(|p| p.runs.iter().any(|r| r.text == l.schedule.headers[1]))
        .count();
    assert!(headers >= 2, "the header is repeated on the next page");
    for (i, p) in pages.iter().enumerate() {
        assert!(p.runs.iter().any(|r| r.text == format!("— {} —", i + 1)));
        assert!(p.runs.iter().all(|r| r.baseline < 290.0));
    }
}

/// The first-column text of the table row just above a total row, on its page.
fn above_total(p: &layout::Page, total: &str, size: f32) -> Option<String> {
    let t = p.runs.iter().find(|r| r.text == total && r.size == size)?;
    p.runs
        .iter()
        .filter(|r| r.size == size && (r.x - t.x).abs() < 0.01 && r.baseline < t.baseline)
        .max_by(|a, b| a.baseline.total_cmp(&b.baseline))
        .map(|r| r.text.clone())
}

#[tokio::test]
async fn a_total_row_never_stands_alone_under_a_repeated_header() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let base = letter::of_award(
        &db.pool,
        &awards[0].number,
        &Agency::sample(),
        Some(Lang::Zh),
    )
    .await
    .expect("letter");
    // Titles of every length from one to four lines move the tables over every point of
    // the page break; some put a total row first on the next page without the rule.
    let mut checked = 0;
    for k in 0..80 {
        let mut l = base.clone();
        l.title = format!("关于“{}”项目立项的通知", "研".repeat(k));
        for p in layout::layout(&l, &fake) {
            for header in [
                &l.schedule.headers[0],
                &l.budget.as_ref().expect("budget").headers[0],
            ] {
                if let Some(above) = above_total(&p, "合计", 12.0) {
                    checked += 1;
                    assert_ne!(
                        &above, header,
                        "title of {k}: a total alone under its header"
                    );
                }
            }
        }
    }
    assert!(checked > 0);
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils; `make test` installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[tokio::test]
async fn a_letter_is_written_as_pdf_registered_and_verified() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let a = &awards[0];
    let font = letter::font::Fonts::found().expect("a Chinese font (fonts-noto-cjk)");
    let out = db.dir.path().join("letter.pdf");
    let issued = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &out,
        false,
        &db.path(),
    )
    .await
    .expect("written");
    assert_eq!(issued.version, 1);
    let bytes = std::fs::read(&out).expect("pdf");
    assert_eq!(bytes.len(), issued.bytes);
    assert!(
        bytes.len() < 100_000,
        "{} bytes: the font is subset",
        bytes.len()
    );

    // What a reader extracts: the number, the grantee, the title, the amount in figures and
    // in capitals, every tranche and the budget's total.
    let text = tool("pdftotext", &[out.to_str().expect("path"), "-"]);
    let flat: String = text.split_whitespace().collect();
    for needle in [
        a.number.as_str(),
        a.applicant.as_str(),
        a.amount.capital().trim_start_matches("人民币"),
        "北京市科研资助管理中心文件",
        "— 1 —",
    ] {
        let n: String = needle.split_whitespace().collect();
        assert!(flat.contains(&n), "{needle} not in:\n{text}");
    }
    let f = grantdesk::disbursement::award_finance(&db.pool, &a.number, a.decided_on)
        .await
        .expect("f");
    for t in &f.tranches {
        let shown = t.amount.format_yuan().trim_start_matches('¥').to_string();
        assert!(
            flat.contains(&shown),
            "tranche {} ({shown}) not in the letter",
            t.seq
        );
    }
    let fonts = tool("pdffonts", &[out.to_str().expect("path")]);
    let line = fonts.lines().nth(2).expect("one font");
    assert!(
        line.contains("CID Type 0C") && line.contains("yes yes yes"),
        "embedded, subset, with a ToUnicode map: {fonts}"
    );
    assert!(
        line.split('+').next().is_some_and(|tag| tag.len() == 6),
        "a subset tag: {line}"
    );

    // The register tells the genuine file from an altered one, and a reissue supersedes it.
    let v = letter::verify(&db.pool, &bytes).await.expect("verify");
    let found = v.issued.expect("genuine");
    assert_eq!(
        (found.number.as_str(), found.version, v.superseded),
        (a.number.as_str(), 1, false)
    );
    let mut altered = bytes.clone();
    let last = altered.len() - 10;
    altered[last] ^= 1;
    assert!(
        letter::verify(&db.pool, &altered)
            .await
            .expect("verify")
            .issued
            .is_none()
    );
    let again = db.dir.path().join("letter-v2.pdf");
    let v2 = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::En),
        &font,
        &again,
        false,
        &db.path(),
    )
    .await
    .expect("reissued in English");
    assert_eq!(v2.version, 2);
    let v = letter::verify(&db.pool, &bytes).await.expect("verify");
    assert!(v.superseded, "the first letter is superseded by the second");
    let en = tool("pdftotext", &[again.to_str().expect("path"), "-"]);
    assert!(
        en.contains("Beijing Research Funding Centre") && en.contains("Total"),
        "{en}"
    );

    // An existing file is not replaced unasked, and nothing is registered then.
    let e = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &out,
        false,
        &db.path(),
    )
    .await
    .expect_err("exists");
    assert_eq!(grantdesk::Coded::code(&e), "file_exists");
    assert!(
        !out.with_file_name("letter.pdf.partial").exists(),
        "the temporary file is gone"
    );
    assert_eq!(
        std::fs::read(&out).expect("kept"),
        bytes,
        "the existing file untouched"
    );
    let (n,): (i64,) =
        grantdesk::db::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'letter'")
            .fetch_one(&db.pool)
            .await
            .expect("n");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_character_the_font_lacks_is_named_and_nothing_is_written() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let a = &awards[1];
    let font = letter::font::Fonts::found().expect("a Chinese font");
    // A rare name (outside the basic plane) and a private-use character no font has.
    grantdesk::db::query("UPDATE proposals SET pi_name = '吉𠮷龘\u{E000}' WHERE reference = $1")
        .bind(&a.reference)
        .execute(&db.pool)
        .await
        .expect("name");
    let out = db.dir.path().join("refused.pdf");
    let e = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &out,
        false,
        &db.path(),
    )
    .await
    .expect_err("the font lacks a character");
    let (zh, en) = (
        grantdesk::Coded::message(&e, Lang::Zh),
        grantdesk::Coded::message(&e, Lang::En),
    );
    assert!(
        zh.contains("缺少通知书中的字符")
            && zh.contains('\u{E000}')
            && zh.contains(&font.body.family),
        "{zh}"
    );
    assert!(en.contains("has no glyph for"), "{en}");
    assert!(!out.exists(), "nothing written");
    let (n,): (i64,) =
        grantdesk::db::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'letter'")
            .fetch_one(&db.pool)
            .await
            .expect("n");
    assert_eq!(n, 0, "nothing registered");
    // Without the private-use character the rare name prints, if the font has it.
    grantdesk::db::query("UPDATE proposals SET pi_name = '吉𠮷龘' WHERE reference = $1")
        .bind(&a.reference)
        .execute(&db.pool)
        .await
        .expect("name");
    let lacks = font.body.missing(&['𠮷', '龘']);
    let r = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &out,
        false,
        &db.path(),
    )
    .await;
    if lacks.is_empty() {
        r.expect("written");
        let text = tool("pdftotext", &[out.to_str().expect("path"), "-"]);
        assert!(text.contains("吉𠮷龘"), "{text}");
    } else {
        assert!(r.is_err() && !out.exists());
    }
    // A field the letter prints left empty (altered outside GrantDesk): named, nothing written.
    grantdesk::db::query("UPDATE proposals SET pi_name = ' ' WHERE reference = $1")
        .bind(&a.reference)
        .execute(&db.pool)
        .await
        .expect("name");
    let empty = db.dir.path().join("empty-name.pdf");
    let e = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::En),
        &font,
        &empty,
        false,
        &db.path(),
    )
    .await
    .expect_err("no principal investigator");
    match &e {
        grantdesk::Error::Invalid(list) => assert_eq!(list[0].field, "pi_name"),
        other => panic!("{other:?}"),
    }
    assert!(
        grantdesk::Coded::message(&e, Lang::En).contains("has no principal investigator (pi_name)")
    );
    assert!(!empty.exists());
    grantdesk::db::query("UPDATE proposals SET pi_name = '黄海燕' WHERE reference = $1")
        .bind(&a.reference)
        .execute(&db.pool)
        .await
        .expect("name");
    // An unwritable folder: a clear error, no file, nothing registered.
    let e = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        std::path::Path::new("/nonexistent-dir/x.pdf"),
        false,
        &db.path(),
    )
    .await
    .expect_err("unwritable");
    assert_eq!(grantdesk::Coded::code(&e), "file_unwritable");
}

/// The pages as pixels (PPM at 40 dpi), page by page.
fn pixels(pdf: &std::path::Path, dir: &std::path::Path, name: &str) -> Vec<Vec<u8>> {
    let prefix = dir.join(name);
    tool(
        "pdftoppm",
        &[
            "-r",
            "40",
            pdf.to_str().expect("p"),
            prefix.to_str().expect("p"),
        ],
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}-")) && n.ends_with(".ppm"))
        })
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| std::fs::read(p).expect("ppm"))
        .collect()
}

#[tokio::test]
async fn each_letter_carries_its_own_small_font_and_draws_as_printpdf_alone_would() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let font = letter::font::Fonts::found().expect("a Chinese font (fonts-noto-cjk)");
    let zh = letter::of_call(&db.pool, CALL, None, &Agency::sample(), Some(Lang::Zh))
        .await
        .expect("letters");
    let en = letter::of_call(&db.pool, CALL, None, &Agency::sample(), Some(Lang::En))
        .await
        .expect("letters");
    assert_eq!(zh.len(), 12);
    // Unless asked, a call's letters are in its letter language.
    assert!(zh.iter().all(|l| l.lang == Lang::Zh));
    grantdesk::db::query("UPDATE calls SET letter_lang = 'en' WHERE code = $1")
        .bind(CALL)
        .execute(&db.pool)
        .await
        .expect("en");
    let default = letter::of_call(&db.pool, CALL, None, &Agency::sample(), None)
        .await
        .expect("letters");
    assert!(default.iter().all(|l| l.lang == Lang::En));
    assert_eq!(default, en);
    // The bulk read gives each award the letter it gets on its own.
    for l in [&zh[0], &zh[11]] {
        let one = letter::of_award(&db.pool, &l.number, &Agency::sample(), Some(Lang::Zh))
            .await
            .expect("one");
        assert_eq!(&one, l);
    }
    let laid = letter::lay_out(&zh, &font);
    let press = letter::pdf::Press::new(&font, &laid).expect("press");
    if font.body.path.extension().is_some_and(|e| e == "ttc") {
        assert!(
            press.cuts(),
            "Noto CJK is CID-keyed CFF: each letter cuts its own subset"
        );
    }
    let dir = db.dir.path();
    for (i, l) in [&zh[0], &zh[5], &zh[11]].into_iter().enumerate() {
        let pages = layout::layout(l, &|t, s| font.body.measure(t, s));
        let ours = press.render(&l.title, &pages, 0).expect("press");
        assert!(
            ours.len() < 60 * 1024,
            "{}: {} bytes, over 60 KB",
            l.number,
            ours.len()
        );
        let theirs = letter::pdf::documented(&l.title, &pages, &font.body).expect("printpdf");
        let (a, b) = (
            dir.join(format!("ours{i}.pdf")),
            dir.join(format!("theirs{i}.pdf")),
        );
        std::fs::write(&a, &ours).expect("w");
        std::fs::write(&b, &theirs).expect("w");
        let (pa, pb) = (
            pixels(&a, dir, &format!("ours{i}")),
            pixels(&b, dir, &format!("theirs{i}")),
        );
        assert_eq!(pa.len(), pages.len());
        assert!(
            pa == pb,
            "{}: the pages differ from printpdf's own",
            l.number
        );
        assert_eq!(
            tool("pdftotext", &[a.to_str().expect("p"), "-"]),
            tool("pdftotext", &[b.to_str().expect("p"), "-"]),
            "the same text extracted"
        );
    }
    // An English letter in a press made for the Chinese ones' characters and its own.
    let mut both = zh.clone();
    both.push(en[3].clone());
    let press = letter::pdf::Press::new(&font, &letter::lay_out(&both, &font)).expect("press");
    let pages = layout::layout(&en[3], &|t, s| font.body.measure(t, s));
    let ours = dir.join("en.pdf");
    std::fs::write(&ours, press.render(&en[3].title, &pages, 0).expect("r")).expect("w");
    let theirs = dir.join("en-theirs.pdf");
    std::fs::write(
        &theirs,
        letter::pdf::documented(&en[3].title, &pages, &font.body).expect("p"),
    )
    .expect("w");
    assert!(pixels(&ours, dir, "en") == pixels(&theirs, dir, "en-theirs"));
}

#[tokio::test]
async fn a_call_s_letters_are_written_together_with_a_merged_file() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let font = letter::font::Fonts::found().expect("a Chinese font");
    let dir = db.dir.path().join("letters");
    let merged = db.dir.path().join("all.pdf");
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |done: usize, total: usize| {
        seen.lock().expect("lock").push((done, total));
        true
    };
    let batch = letter::write_call(
        &db.pool,
        &stamp(),
        CALL,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &dir,
        Some(&merged),
        false,
        &db.path(),
        2,
        &progress,
    )
    .await
    .expect("written");
    assert_eq!(
        (batch.issued.len(), batch.total, batch.cancelled),
        (12, 12, false)
    );
    assert_eq!(seen.lock().expect("lock").last(), Some(&(12, 12)));
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let mut pages = 0;
    for a in &awards {
        let path = dir.join(letter::file_name(&a.number, Lang::Zh));
        let bytes = std::fs::read(&path).expect("a file per award, named by its number");
        let v = letter::verify(&db.pool, &bytes).await.expect("verify");
        let i = v.issued.expect("genuine");
        assert_eq!((i.number.as_str(), i.version), (a.number.as_str(), 1));
        pages += i.pages;
        let text: String = tool("pdftotext", &[path.to_str().expect("p"), "-"])
            .split_whitespace()
            .collect();
        assert!(text.contains(&a.number) && text.contains(&a.applicant));
    }
    let m = batch.merged.expect("merged");
    assert_eq!(m.pages, pages);
    let v = letter::verify(&db.pool, &std::fs::read(&merged).expect("merged"))
        .await
        .expect("verify");
    let bundle = v.merged.expect("the merged file is registered");
    assert_eq!(bundle.call, CALL);
    assert_eq!(bundle.letters.len(), 12);
    assert!(v.issued.is_none());
    let info = tool("pdfinfo", &[merged.to_str().expect("p")]);
    let shown = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    assert_eq!(shown, Some(pages), "{info}");

    // Again without replacing: refused before any file is written or registered.
    let before: (i64,) = grantdesk::db::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .expect("n");
    let e = letter::write_call(
        &db.pool,
        &stamp(),
        CALL,
        &Agency::sample(),
        Some(Lang::Zh),
        &font,
        &dir,
        None,
        false,
        &db.path(),
        1,
        &|_, _| true,
    )
    .await
    .expect_err("the files exist");
    assert_eq!(grantdesk::Coded::code(&e), "file_exists");
    let after: (i64,) = grantdesk::db::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .expect("n");
    assert_eq!(before, after);

    // Cancelled before the first letter: nothing written, nothing registered.
    let other = db.dir.path().join("cancelled");
    let b = letter::write_call(
        &db.pool,
        &stamp(),
        CALL,
        &Agency::sample(),
        Some(Lang::En),
        &font,
        &other,
        None,
        false,
        &db.path(),
        1,
        &|_, _| false,
    )
    .await
    .expect("cancelled");
    assert!(b.cancelled && b.issued.is_empty());
    assert_eq!(std::fs::read_dir(&other).expect("dir").count(), 0);
}

/// The words of a PDF with their page and position in whole points, as `pdftotext -bbox`
/// reads them: a layout check that does not depend on the bytes.
fn positioned(pdf: &std::path::Path) -> String {
    let html = tool("pdftotext", &["-bbox", pdf.to_str().expect("p"), "-"]);
    let mut out = String::new();
    let mut page = 0;
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
        }
        let Some(rest) = line.strip_prefix("<word ") else {
            continue;
        };
        let attr = |name: &str| -> f64 {
            rest.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        let text = rest
            .split('>')
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap_or("");
        out.push_str(&format!(
            "{page} {:.0} {:.0} {}\n",
            attr("xMin"),
            attr("yMin"),
            text
        ));
    }
    out
}

/// Compares with `tests/it/golden/NAME`; `GRANTDESK_UPDATE_GOLDEN=1` rewrites it instead.
fn golden(name: &str, got: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(name);
    if std::env::var_os("GRANTDESK_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
        std::fs::write(&path, got).expect("golden written");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (GRANTDESK_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    if want != got {
        let first = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "the layout of {name} changed at line {}:\n  was: {:?}\n  now: {:?}\n(if intended, rerun with GRANTDESK_UPDATE_GOLDEN=1 and look at the pages)",
            first + 1,
            want.lines().nth(first),
            got.lines().nth(first)
        );
    }
}

#[tokio::test]
async fn the_layout_of_the_sample_letters_is_as_it_was_approved() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    let font = letter::font::Fonts::found().expect("a Chinese font");
    for (lang, name) in [(Lang::Zh, "letter-zh.txt"), (Lang::En, "letter-en.txt")] {
        let out = db.dir.path().join(name).with_extension("pdf");
        letter::write(
            &db.pool,
            &stamp(),
            &awards[0].number,
            &Agency::sample(),
            Some(lang),
            &font,
            &out,
            false,
            &db.path(),
        )
        .await
        .expect("written");
        golden(name, &positioned(&out));
    }
}

#[tokio::test]
async fn the_agency_s_settings_name_it_and_set_its_fonts_in_the_letters() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    let awards = grantdesk::decision::awards(&db.pool, CALL)
        .await
        .expect("awards");
    use grantdesk::settings::{AgencyForm, agency, set_agency};
    assert_eq!(
        agency(&db.pool).await.expect("agency"),
        Agency::sample(),
        "the sample's agency until one is set"
    );
    let good = AgencyForm {
        name_zh: "海淀区科学技术委员会".into(),
        name_en: "Haidian District Science and Technology Commission".into(),
        letterhead_zh: "海淀区科学技术委员会文件".into(),
        letterhead_en: "Haidian District Science and Technology Commission".into(),
        conditions_zh: "项目承担单位应按期报告。\n\n结余资金予以收回。".into(),
        conditions_en: "Report on time.\nUnspent funds are recovered.".into(),
        title_font: String::new(),
        body_font: String::new(),
    };
    // Bad input: every field named, nothing changed.
    let bad = AgencyForm {
        name_zh: "  ".into(),
        conditions_en: format!("{}\n", "x".repeat(401)),
        title_font: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".into(),
        body_font: "/nonexistent/font.ttf".into(),
        ..good.clone()
    };
    let e = set_agency(&db.pool, &stamp(), &bad)
        .await
        .expect_err("refused");
    let fields: Vec<String> = match &e {
        grantdesk::Error::Invalid(list) => list.iter().map(|i| i.field.clone()).collect(),
        other => panic!("{other:?}"),
    };
    let mut want = vec!["name_zh", "conditions_en", "body_font"];
    if std::path::Path::new(&bad.title_font).exists() {
        want.insert(2, "title_font");
    }
    assert_eq!(fields, want);
    assert_eq!(agency(&db.pool).await.expect("agency"), Agency::sample());

    let set = set_agency(&db.pool, &stamp(), &good).await.expect("set");
    assert_eq!(set.conditions_zh.len(), 2, "blank lines are not paragraphs");
    assert_eq!(agency(&db.pool).await.expect("agency"), set);
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'settings' AND entity_id = 'agency'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("n");
    assert_eq!(n, 1, "audited");
    let fonts = letter::font::Fonts::of(&set).expect("fonts");
    let out = db.dir.path().join("haidian.pdf");
    letter::write(
        &db.pool,
        &stamp(),
        &awards[0].number,
        &set,
        Some(Lang::Zh),
        &fonts,
        &out,
        false,
        &db.path(),
    )
    .await
    .expect("written");
    let text: String = tool("pdftotext", &[out.to_str().expect("p"), "-"])
        .split_whitespace()
        .collect();
    assert!(text.contains("海淀区科学技术委员会文件") && text.contains("二、结余资金予以收回。"));
    assert!(!text.contains("北京市科研资助管理中心"));

    // A title font apart (a bold serif, as agencies use 小标宋): two subset fonts.
    let bold = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc";
    if std::path::Path::new(bold).exists() {
        let set = set_agency(
            &db.pool,
            &stamp(),
            &AgencyForm {
                title_font: bold.into(),
                ..good.clone()
            },
        )
        .await
        .expect("set");
        let fonts = letter::font::Fonts::of(&set).expect("fonts");
        assert!(fonts.title.is_some());
        let out = db.dir.path().join("two-fonts.pdf");
        letter::write(
            &db.pool,
            &stamp(),
            &awards[1].number,
            &set,
            Some(Lang::Zh),
            &fonts,
            &out,
            false,
            &db.path(),
        )
        .await
        .expect("written");
        let listed = tool("pdffonts", &[out.to_str().expect("p")]);
        let rows: Vec<&str> = listed.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "{listed}");
        assert!(rows.iter().any(|r| r.contains("Bold")), "{listed}");
        assert!(
            rows.iter()
                .all(|r| r.contains("yes yes yes") && r.contains('+')),
            "{listed}"
        );
        let text: String = tool("pdftotext", &[out.to_str().expect("p"), "-"])
            .split_whitespace()
            .collect();
        assert!(text.contains(&awards[1].number) && text.contains("海淀区科学技术委员会文件"));
    }
}
