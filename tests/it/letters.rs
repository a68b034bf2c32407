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
