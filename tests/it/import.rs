//! Importing proposals from spreadsheets: the committed fixtures (a GB18030 CSV, a UTF-8-BOM
//! CSV and an XLSX with Chinese headers, each with good and bad rows), exact error reports,
//! all-or-nothing, and re-import without duplicates.

use std::path::PathBuf;

use grantdesk::Coded;
use grantdesk::export::{Cell, Table};
use grantdesk::import::{self, Action, ImportRequest};
use grantdesk::money::Money;

use crate::support::{Db, open_call, stamp};

const CALL: &str = grantdesk::demo::CALL_CODE;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const ZH: [&str; 16] = [
    "项目名称",
    "研究方向",
    "申请单位",
    "统一社会信用代码",
    "开户银行",
    "银行账号",
    "联系人",
    "联系电话",
    "联系邮箱",
    "项目负责人",
    "负责人邮箱",
    "申请金额（元）",
    "设备费（第1年）",
    "业务费（第1年）",
    "劳务费（第2年）",
    "提交日期",
];
const EN: [&str; 16] = [
    "Title",
    "Topic",
    "Applicant",
    "Credit code",
    "Bank name",
    "Bank account",
    "Contact name",
    "Contact phone",
    "Contact email",
    "PI name",
    "PI email",
    "Requested",
    "Equipment year 1",
    "Operations year 1",
    "Personnel year 2",
    "Submitted on",
];

/// Four rows: two good, two bad (a wrong check character and an amount with three decimals;
/// an unknown topic and a bad e-mail).
fn rows() -> Vec<Vec<String>> {
    let s = grantdesk::demo::sample_proposals();
    let good = |i: usize, equipment: &str, operations: &str, personnel: &str| {
        let (f, on) = &s[i];
        let a = &f.applicant;
        vec![
            f.title.to_string(),
            f.topic.to_string(),
            a.name.to_string(),
            a.credit_code.to_string(),
            a.bank_name.to_string(),
            a.bank_account.to_string(),
            a.contact_name.to_string(),
            a.contact_phone.to_string(),
            a.contact_email.to_string(),
            f.pi_name.to_string(),
            f.pi_email.to_string(),
            "3000000".to_string(),
            equipment.to_string(),
            operations.to_string(),
            personnel.to_string(),
            on.to_string(),
        ]
    };
    let mut bad1 = good(2, "1000000.125", "1000000", "1000000");
    let code = bad1[3].clone();
    let last = code.chars().last().unwrap_or('0');
    let wrong = if last == '0' { '1' } else { '0' };
    bad1[3] = format!("{}{wrong}", &code[..17]);
    let mut bad2 = good(3, "1000000", "1000000", "1000000");
    bad2[1] = "量子计算".into();
    bad2[10] = "not-an-email".into();
    vec![
        good(0, "1000000", "1500000", "500000"),
        good(1, "500000", "2000000", "500000"),
        bad1,
        bad2,
    ]
}

/// The committed fixtures are what [`rows`] describes: the two CSVs byte for byte, the XLSX
/// cell for cell. `GRANTDESK_WRITE_FIXTURES=1 cargo test --test it fixtures` rewrites them.
#[test]
fn the_committed_fixtures_are_the_described_rows() {
    let rows = rows();
    // GB18030, Chinese headers, as Excel or WPS save "CSV" on a Chinese system.
    let mut text = ZH.join(",") + "\r\n";
    for r in &rows {
        text += &(r.join(",") + "\r\n");
    }
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    // UTF-8 with a BOM, English headers.
    let mut bom = String::from("\u{feff}") + &EN.join(",") + "\n";
    for r in &rows {
        bom += &(r.join(",") + "\n");
    }
    if std::env::var_os("GRANTDESK_WRITE_FIXTURES").is_some() {
        std::fs::write(fixture("proposals-gb18030.csv"), &gbk).expect("gb18030");
        std::fs::write(fixture("proposals-utf8-bom.csv"), &bom).expect("bom");
        // XLSX with Chinese headers and typed cells: money as numbers, dates as dates.
        let cells = rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| match i {
                        11..=14 => Money::parse(v).map_or_else(|_| Cell::text(v), Cell::Money),
                        15 => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                            .map_or_else(|_| Cell::text(v), Cell::Date),
                        _ => Cell::text(v),
                    })
                    .collect()
            })
            .collect();
        let table = Table {
            name: "申请书".into(),
            headers: ZH.iter().map(|h| (*h).to_string()).collect(),
            rows: cells,
        };
        std::fs::write(
            fixture("proposals-zh.xlsx"),
            grantdesk::export::xlsx(&[table]).expect("xlsx"),
        )
        .expect("write xlsx");
    }
    assert_eq!(
        std::fs::read(fixture("proposals-gb18030.csv")).expect("read"),
        gbk.as_ref()
    );
    assert_eq!(
        std::fs::read_to_string(fixture("proposals-utf8-bom.csv")).expect("read"),
        bom
    );
    let xlsx = import::read(&fixture("proposals-zh.xlsx")).expect("xlsx");
    assert_eq!(xlsx.headers, ZH.map(String::from).to_vec());
    let cells: Vec<Vec<String>> = xlsx.rows.into_iter().map(|r| r.cells).collect();
    assert_eq!(cells, rows);
}

fn request() -> ImportRequest {
    ImportRequest {
        call: CALL.into(),
        ..Default::default()
    }
}

async fn proposals(db: &Db) -> i64 {
    db.count("proposals").await
}

fn rules_of(report: &import::Report) -> Vec<(usize, String, String)> {
    report
        .issues
        .iter()
        .map(|i| (i.line, i.column.clone(), i.rule.clone()))
        .collect()
}

#[tokio::test]
async fn each_fixture_gives_the_exact_report_and_a_refused_import_writes_nothing() {
    let db = open_call().await;
    let audit = db.count("audit_log").await;
    let cases = [
        ("proposals-gb18030.csv", "GB18030", ZH),
        ("proposals-utf8-bom.csv", "UTF-8 (BOM)", EN),
        ("proposals-zh.xlsx", "XLSX", ZH),
    ];
    for (file, encoding, headers) in cases {
        let sheet = import::read(&fixture(file)).expect(file);
        assert_eq!(sheet.encoding, encoding);
        let report = import::dry_run(&db.pool, &sheet, &request())
            .await
            .expect("dry run");
        assert_eq!(
            (
                report.created,
                report.updated,
                report.unchanged,
                report.refused
            ),
            (2, 0, 0, 2),
            "{file}"
        );
        assert_eq!(
            rules_of(&report),
            vec![
                (4, headers[3].to_string(), "credit_code_check".to_string()),
                (4, headers[12].to_string(), "money_decimals".to_string()),
                (5, headers[10].to_string(), "email_format".to_string()),
                (5, headers[1].to_string(), "topic_unknown".to_string()),
            ],
            "{file}"
        );
        assert_eq!(report.issues[0].value, rows()[2][3]);
        assert_eq!(
            report.issues[1].value, "1000000.125",
            "{file}: never rounded"
        );
        assert!(
            report.issues[3]
                .message
                .zh
                .contains("不是本资助计划的研究方向")
        );
        assert!(report.ignored.is_empty() && report.missing.is_empty());
        assert!(!report.written);

        let e = import::import(&db.pool, &stamp(), &sheet, &request())
            .await
            .expect_err("all or nothing");
        assert_eq!(e.code(), "import_refused");
        assert!(e.message(grantdesk::Lang::Zh).contains("第 4 行"));
        assert!(
            e.message(grantdesk::Lang::En).contains("row 5, PI email")
                || file != "proposals-utf8-bom.csv"
        );
        assert_eq!(proposals(&db).await, 0, "{file}: nothing written");
        assert_eq!(db.count("audit_log").await, audit);
    }
}

fn good_csv(db: &Db, name: &str, headers: &[&str], rows: &[Vec<String>]) -> PathBuf {
    let mut text = headers.join(",") + "\n";
    for r in rows {
        text += &(r.join(",") + "\n");
    }
    let path = db.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[tokio::test]
async fn a_good_file_imports_once_and_again_creates_no_duplicates() {
    let db = open_call().await;
    let good = rows()[..2].to_vec();
    let path = good_csv(&db, "good.csv", &ZH, &good);
    let sheet = import::read(&path).expect("read");
    let report = import::import(&db.pool, &stamp(), &sheet, &request())
        .await
        .expect("import");
    assert!(report.written);
    assert_eq!((report.created, report.refused), (2, 0));
    assert_eq!(proposals(&db).await, 2);
    let p = grantdesk::proposal::get(&db.pool, CALL, &format!("{CALL}-0001"))
        .await
        .expect("first");
    assert_eq!(p.status, grantdesk::proposal::ProposalStatus::Submitted);
    assert_eq!(p.content.requested, Money::parse("3000000").expect("m"));
    assert_eq!(p.content.budget.len(), 3);
    assert_eq!(
        p.submitted_on.map(|d| d.to_string()),
        Some(good[0][15].clone())
    );
    grantdesk::audit::verify(&db.pool)
        .await
        .expect("chain intact");

    // The same file again: nothing new.
    let again = import::import(&db.pool, &stamp(), &sheet, &request())
        .await
        .expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(proposals(&db).await, 2);

    // One row changed: that proposal is updated, the other left alone.
    let mut changed = good.clone();
    changed[1][12] = "400000".into();
    changed[1][11] = "2900000".into();
    let path = good_csv(&db, "changed.csv", &ZH, &changed);
    let sheet = import::read(&path).expect("read");
    let dry = import::dry_run(&db.pool, &sheet, &request())
        .await
        .expect("dry");
    assert_eq!(
        dry.rows.iter().map(|r| r.action).collect::<Vec<_>>(),
        [Some(Action::Unchanged), Some(Action::Update)]
    );
    import::import(&db.pool, &stamp(), &sheet, &request())
        .await
        .expect("update");
    let p = grantdesk::proposal::get(&db.pool, CALL, &format!("{CALL}-0002"))
        .await
        .expect("second");
    assert_eq!(p.content.requested, Money::parse("2900000").expect("m"));
    assert_eq!(proposals(&db).await, 2);
    grantdesk::audit::verify(&db.pool)
        .await
        .expect("chain intact");
}

#[tokio::test]
async fn an_unknown_header_is_mapped_by_hand_once_and_remembered() {
    let db = open_call().await;
    let mut headers = ZH;
    headers[0] = "课题名称";
    let path = good_csv(&db, "wps.csv", &headers, &rows()[..2]);
    let sheet = import::read(&path).expect("read");
    let report = import::dry_run(&db.pool, &sheet, &request())
        .await
        .expect("dry");
    assert_eq!(report.missing, ["title"]);
    assert_eq!(report.ignored, ["课题名称"]);
    assert_eq!(report.refused, 2);

    let mut by_hand = request();
    by_hand.overrides.insert("课题名称".into(), "title".into());
    let done = import::import(&db.pool, &stamp(), &sheet, &by_hand)
        .await
        .expect("import");
    assert_eq!(done.created, 2);
    // The same source again, without saying anything: the saved mapping applies.
    let again = import::dry_run(&db.pool, &sheet, &request())
        .await
        .expect("dry");
    assert!(again.missing.is_empty());
    assert_eq!(again.unchanged, 2);

    let mut wrong = request();
    wrong.overrides.insert("课题名称".into(), "colour".into());
    let r = import::dry_run(&db.pool, &sheet, &wrong)
        .await
        .expect("dry");
    assert_eq!(r.issues[0].rule, "unknown_field");
}

/// Issue #11, item 4: one applicant on two rows with another bank account (where payments
/// go) and another contact: the second row is refused, naming the first and the columns.
#[tokio::test]
async fn one_applicant_with_differing_details_on_two_rows_is_refused_by_row_and_column() {
    let db = open_call().await;
    let all = rows();
    let first = all[0].clone();
    let mut second = all[1].clone();
    second[2] = first[2].clone();
    second[3] = first[3].clone();
    second[4] = first[4].clone();
    second[5] = "6222020200099999999".into();
    second[6] = first[6].clone();
    second[7] = "010-99999999".into();
    second[8] = first[8].clone();
    let mut text = EN.join(",") + "\n";
    for r in [&first, &second] {
        text += &(r.join(",") + "\n");
    }
    let sheet = import::sheet::read_csv("same-applicant.csv", text.as_bytes()).expect("csv");
    let report = import::dry_run(&db.pool, &sheet, &request())
        .await
        .expect("dry run");
    assert_eq!(
        rules_of(&report),
        [(
            3,
            "Bank account, Contact phone".to_string(),
            "applicant_differs".to_string()
        )]
    );
    assert!(
        report.issues[0].message.en.contains("than on row 2"),
        "{}",
        report.issues[0].message.en
    );
    assert!(report.issues[0].message.zh.contains("与第 2 行不同"));
    let e = import::import(&db.pool, &stamp(), &sheet, &request())
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "import_refused");
    assert_eq!(proposals(&db).await, 0, "nothing written");

    // The same details on both rows: two proposals of one applicant, both imported.
    let mut agreeing = second.clone();
    agreeing[5] = first[5].clone();
    agreeing[7] = first[7].clone();
    let mut text = EN.join(",") + "\n";
    for r in [&first, &agreeing] {
        text += &(r.join(",") + "\n");
    }
    let sheet = import::sheet::read_csv("same-applicant.csv", text.as_bytes()).expect("csv");
    let report = import::dry_run(&db.pool, &sheet, &request())
        .await
        .expect("dry run");
    assert!(
        report.issues.iter().all(|i| i.rule != "applicant_differs"),
        "{:?}",
        rules_of(&report)
    );
}

/// The bulk writer under the import, the migration and the audit log (multi-row INSERT on
/// SQLite, COPY on a server) gives back every value byte for byte, including what COPY's text
/// format reads specially.
#[tokio::test]
async fn rows_written_in_bulk_read_back_byte_for_byte() {
    use grantdesk::db::{self, Arg, Sql};
    let db = crate::support::db().await;
    let mut tx = grantdesk::store::begin_write(&db.pool)
        .await
        .expect("begin");
    db::query(Sql::per_backend(
        "CREATE TEMP TABLE bulk (n BIGINT, t TEXT, b BLOB)",
        "CREATE TEMP TABLE bulk (n BIGINT, t TEXT, b BYTEA)",
    ))
    .execute(&mut tx)
    .await
    .expect("table");
    let texts = [
        "tab\there",
        "line\nbreak\r\n",
        "back\\slash \\N \\.",
        "\\.",
        "中文，全角",
        "",
    ];
    let rows: Vec<Vec<Arg>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                Arg::from(i as i64 - 2),
                Arg::from(*t),
                Arg::Bytes(Some(vec![i as u8, 0, 0xff, b'\\', b'\n'])),
            ]
        })
        .chain([vec![Arg::Int(None), Arg::Text(None), Arg::Bytes(None)]])
        .collect();
    db::insert_rows(&mut tx, "INSERT INTO bulk (n, t, b) ", rows)
        .await
        .expect("insert");
    type Row = (Option<i64>, Option<String>, Option<Vec<u8>>);
    let back: Vec<Row> = db::query_as("SELECT n, t, b FROM bulk ORDER BY n NULLS LAST")
        .fetch_all(&mut tx)
        .await
        .expect("read");
    tx.rollback().await.expect("rollback");
    assert_eq!(back.len(), texts.len() + 1);
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(back[i].0, Some(i as i64 - 2));
        assert_eq!(back[i].1.as_deref(), Some(*t));
        assert_eq!(
            back[i].2.as_deref(),
            Some(&[i as u8, 0, 0xff, b'\\', b'\n'][..])
        );
    }
    assert_eq!(back[texts.len()], (None, None, None));
}

/// A large sheet with bad rows at the start, in the middle and at the end, and checks across
/// rows far apart: the report is the row-by-row one, in row order. (Checking rows on two
/// threads was tried against it for issue #17 and left out: it gained nothing measurable.)
#[tokio::test]
async fn a_large_sheet_is_checked_row_by_row_in_order() {
    let db = crate::support::db().await;
    import::bench::open_call(&db.pool, &stamp())
        .await
        .expect("call");
    let csv = import::bench::synthetic_csv(3_000);
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    // Line n of the file is lines[n - 1]; the header is line 1.
    fn cells(lines: &mut [String], line: usize, col: usize, value: &str) {
        let mut c: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
        c[col] = value.to_string();
        lines[line - 1] = c.join(",");
    }
    cells(&mut lines, 10, 10, "2026-13-01"); // no such date
    cells(&mut lines, 1501, 5, "pi@");
    cells(&mut lines, 1502, 6, "12.345");
    // Line 3's applicant, by another name.
    let line3: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells(&mut lines, 2500, 2, "另一个名称");
    cells(&mut lines, 2500, 3, &line3[3]);
    let line2 = lines[1].clone();
    lines[3000] = line2; // line 3001: line 2 again
    let path = db.dir.path().join("large.csv");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let sheet = import::read(&path).expect("read");
    assert_eq!(sheet.rows.len(), 3_000);
    let request = ImportRequest {
        call: import::bench::CODE.into(),
        ..Default::default()
    };
    let report = import::dry_run(&db.pool, &sheet, &request)
        .await
        .expect("dry run");
    let issues: Vec<(usize, &str)> = report
        .issues
        .iter()
        .map(|i| (i.line, i.rule.as_str()))
        .collect();
    assert_eq!(
        issues,
        vec![
            (10, "date_format"),
            (1501, "email_format"),
            (1502, "money_decimals"),
            (2500, "applicant_differs"),
            (3001, "duplicate_row"),
        ]
    );
    assert_eq!(report.issues[3].column, "申请单位");
    assert!(report.issues[4].message.en.contains("row 2"));
    assert_eq!((report.created, report.refused), (2_995, 5));
    let lines_seen: Vec<usize> = report.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines_seen, (2..=3_001).collect::<Vec<_>>());
    assert!(report.rows[1499].action.is_none() && report.rows[1498].action.is_some());
}

/// The import benchmark on a small scale: every round imports and inserts all rows, each round
/// gives its ratio, and the median is one of them.
#[tokio::test]
async fn the_import_benchmark_reports_each_rounds_ratio_and_their_median() {
    let dir = tempfile::tempdir().expect("dir");
    let mut place = grantdesk::scratch::Scratch::new(dir.path(), None, false);
    let f = import::bench::run(dir.path(), &mut place, 300, &stamp())
        .await
        .expect("bench");
    place.finish().await.expect("finish");
    assert_eq!((f.rows, f.rounds, f.ratios.len()), (300, 5, 5));
    assert!(f.ratios.iter().all(|r| r.is_finite() && *r > 0.0));
    assert!(f.ratios.contains(&f.median_ratio()));
    let below = f.ratios.iter().filter(|r| **r < f.median_ratio()).count();
    let above = f.ratios.iter().filter(|r| **r > f.median_ratio()).count();
    assert!(below <= 2 && above <= 2, "{:?}", f.ratios);
    assert!(f.plain > std::time::Duration::ZERO && f.import > std::time::Duration::ZERO);
}

/// The page cache of every connection the pool holds: (connections, their `cache_size`s).
async fn page_caches(pool: &grantdesk::store::Pool) -> Vec<i64> {
    let grantdesk::store::Pool::Sqlite(p) = pool else {
        panic!("a file's pool");
    };
    // Holding four at once (the pool's most) reaches whichever connection wrote.
    let mut held = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..4 {
        let mut c = p.acquire().await.expect("connection");
        let (kib,): (i64,) = sqlx::query_as("PRAGMA cache_size")
            .fetch_one(&mut *c)
            .await
            .expect("pragma");
        sizes.push(kib);
        held.push(c);
    }
    sizes
}

#[tokio::test]
async fn a_bulk_write_widens_the_page_cache_and_its_connection_comes_back_narrow_committed_or_not()
{
    if crate::support::on_server("page cache") {
        return;
    }
    let db = crate::support::db().await;
    import::bench::open_call(&db.pool, &stamp())
        .await
        .expect("call");
    let narrow = -i64::from(grantdesk::db::PAGE_CACHE_KIB);
    let wide = -i64::from(grantdesk::db::BULK_PAGE_CACHE_KIB);
    assert_eq!(page_caches(&db.pool).await, vec![narrow; 4]);

    let mut tx = grantdesk::store::begin_write(&db.pool).await.expect("tx");
    tx.widen_cache().await.expect("widen");
    let (inside,): (i64,) = grantdesk::db::query_as("PRAGMA cache_size")
        .fetch_one(&mut tx)
        .await
        .expect("pragma");
    assert_eq!(inside, wide);
    // Given up (a refused draw, a failed write): the connection comes back narrow too.
    drop(tx);
    assert_eq!(page_caches(&db.pool).await, vec![narrow; 4]);

    let path = db.dir.path().join("rows.csv");
    std::fs::write(&path, import::bench::synthetic_csv(200)).expect("write");
    let sheet = import::read(&path).expect("read");
    let request = ImportRequest {
        call: import::bench::CODE.into(),
        ..Default::default()
    };
    let report = import::import(&db.pool, &stamp(), &sheet, &request)
        .await
        .expect("import");
    assert_eq!(report.created, 200);
    assert_eq!(page_caches(&db.pool).await, vec![narrow; 4]);
}
