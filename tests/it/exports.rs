//! Exports of the proposals, the ranking and the awards: CSV with a BOM and escaped formulas,
//! XLSX with typed cells.

use grantdesk::export;
use grantdesk::review::ranking::Aggregate;

use crate::support::{db, stamp};

const CALL: &str = grantdesk::demo::CALL_CODE;

fn unzip(bytes: Vec<u8>, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).expect(name), &mut s).expect("read");
    s
}

#[tokio::test]
async fn proposals_ranking_and_awards_export_with_typed_cells_and_no_live_formulas() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");

    let every = grantdesk::proposal::Filter {
        call: CALL.into(),
        ..Default::default()
    };
    let p = export::proposals(&db.pool, &every, Default::default())
        .await
        .expect("proposals");
    assert_eq!(p.rows.len(), 40);
    let csv = String::from_utf8(export::csv(&p).expect("csv")[3..].to_vec()).expect("utf-8");
    assert!(csv.starts_with("申请编号,项目名称,申请单位"), "{csv}");
    assert!(csv.contains("BJ-AIXR-2026-0001,面向城市治理的多模态大模型关键技术研究"));
    assert!(
        csv.contains("形式审查不合格") || csv.contains("不合格"),
        "statuses in Chinese"
    );

    let r = export::ranking(&db.pool, CALL, Aggregate::Mean)
        .await
        .expect("ranking");
    assert_eq!(r.rows.len(), 35);
    let csv = String::from_utf8(export::csv(&r).expect("csv")[3..].to_vec()).expect("utf-8");
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("1,BJ-AIXR-2026-0010,")),
        "{csv}"
    );
    // The mean and the trimmed mean (columns 7 and 8) with two decimals, on every row.
    for line in csv.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        for cell in &cells[6..8] {
            let (whole, frac) = cell.split_once('.').expect("a decimal point");
            assert!(
                whole.parse::<u32>().is_ok() && frac.len() == 2 && frac.parse::<u32>().is_ok(),
                "scores with two decimals: {line}"
            );
        }
    }

    let a = export::awards(&db.pool, CALL).await.expect("awards");
    assert_eq!(a.rows.len(), 12);
    let sheet = unzip(
        export::xlsx(&[a]).expect("xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    // 2027-01-01 is Excel day 46388: a date cell, not text.
    assert!(sheet.contains("<v>46388</v>"), "dates as dates");
    assert!(sheet.contains("<v>2556000</v>"), "money as a number");
}

#[test]
fn formula_like_text_never_becomes_a_formula() {
    let t = export::Table {
        name: "t".into(),
        headers: vec!["项目名称".into()],
        rows: vec![
            vec![export::Cell::text("=HYPERLINK(\"http://evil\",\"x\")")],
            vec![export::Cell::text("+1+1")],
            vec![export::Cell::text("@SUM(A1)")],
            vec![export::Cell::text("-2")],
        ],
    };
    let csv = String::from_utf8(export::csv(&t).expect("csv")[3..].to_vec()).expect("utf-8");
    for line in csv.lines().skip(1) {
        assert!(line.starts_with("\"'") || line.starts_with('\''), "{line}");
    }
    let sheet = unzip(
        export::xlsx(&[t]).expect("xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    assert!(!sheet.contains("<f>"), "no formula cell: {sheet}");
}

/// The proposals table exports as the window shows it: the officer's filter and sort, not
/// the whole call.
#[tokio::test]
async fn the_proposals_export_follows_the_table_s_filter_and_sort() {
    let db = db().await;
    grantdesk::demo::load(&db.pool, &stamp())
        .await
        .expect("sample");
    let view = export::View {
        status: Some(grantdesk::proposal::ProposalStatus::Ineligible),
        sort: grantdesk::proposal::table::Sort {
            column: grantdesk::proposal::table::Column::Requested,
            descending: true,
        },
        ..Default::default()
    };
    let f = export::table_file(&db.pool, CALL, "proposals", &view, export::Format::Csv)
        .await
        .expect("export");
    assert_eq!(f.rows, 5);
    let text = String::from_utf8(f.bytes[3..].to_vec()).expect("utf-8");
    let references: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(references.len(), 5, "{text}");
    assert_eq!(
        references[0], "BJ-AIXR-2026-0038",
        "the largest request first"
    );
    assert!(
        text.lines().skip(1).all(|l| l.contains("形式审查不合格")),
        "{text}"
    );
    // The window sends its view as JSON; parts left out are the whole call by reference.
    let sent: export::View = serde_json::from_value(
        serde_json::json!({ "search": "手术", "sort": { "column": "title" } }),
    )
    .expect("view");
    let f = export::table_file(&db.pool, CALL, "proposals", &sent, export::Format::Csv)
        .await
        .expect("export");
    assert_eq!(f.rows, 1);
    let whole: export::View = serde_json::from_value(serde_json::json!({})).expect("view");
    let f = export::table_file(&db.pool, CALL, "proposals", &whole, export::Format::Csv)
        .await
        .expect("export");
    assert_eq!(f.rows, 40);
}
