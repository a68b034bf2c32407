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
            let l = letter::of_award(&db.pool, &a.number, &agency, lang)
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
    let mut l = letter::of_award(&db.pool, &awards[0].number, &Agency::sample(), Lang::Zh)
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
    let font = letter::font::LetterFont::find().expect("a Chinese font (fonts-noto-cjk)");
    let out = db.dir.path().join("letter.pdf");
    let issued = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Lang::Zh,
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
        Lang::En,
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
        Lang::Zh,
        &font,
        &out,
        false,
        &db.path(),
    )
    .await
    .expect_err("exists");
    assert_eq!(grantdesk::Coded::code(&e), "file_exists");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'letter'")
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
    let font = letter::font::LetterFont::find().expect("a Chinese font");
    // A rare name (outside the basic plane) and a private-use character no font has.
    sqlx::query("UPDATE proposals SET pi_name = '吉𠮷龘\u{E000}' WHERE reference = $1")
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
        Lang::Zh,
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
        zh.contains("缺少通知书中的字符") && zh.contains('\u{E000}') && zh.contains(&font.family),
        "{zh}"
    );
    assert!(en.contains("has no glyph for"), "{en}");
    assert!(!out.exists(), "nothing written");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'letter'")
        .fetch_one(&db.pool)
        .await
        .expect("n");
    assert_eq!(n, 0, "nothing registered");
    // Without the private-use character the rare name prints, if the font has it.
    sqlx::query("UPDATE proposals SET pi_name = '吉𠮷龘' WHERE reference = $1")
        .bind(&a.reference)
        .execute(&db.pool)
        .await
        .expect("name");
    let lacks = font.missing(&['𠮷', '龘']);
    let r = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Lang::Zh,
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
    // An unwritable folder: a clear error, no file, nothing registered.
    let e = letter::write(
        &db.pool,
        &stamp(),
        &a.number,
        &Agency::sample(),
        Lang::Zh,
        &font,
        std::path::Path::new("/nonexistent-dir/x.pdf"),
        false,
        &db.path(),
    )
    .await
    .expect_err("unwritable");
    assert_eq!(grantdesk::Coded::code(&e), "file_unwritable");
}
