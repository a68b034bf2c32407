//! Disbursement from the command line: the schedule, a refused early payment in both
//! languages, a payment approved and paid, a milestone passed, the ledger and the cash-flow
//! plan as JSON for scripts.

use crate::support::Cli;

const CALL: &str = "BJ-AIXR-2026";

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("json")
}

#[test]
fn awards_are_paid_out_by_their_schedule_from_the_command_line() {
    let cli = Cli::new();
    cli.at("2026-12-01T10:00:00+08:00");
    cli.ok(&["demo", "--stage", "awarded"]);
    let awards = json(&cli.ok(&["awards", "--call", CALL, "--json"]));
    let number = awards[0]["number"].as_str().expect("number").to_string();
    let n = number.as_str();

    let shown = cli.ok(&["schedule", n, "--lang", "zh"]);
    assert!(
        shown.contains("签订任务书") && shown.contains("中期检查"),
        "{shown}"
    );
    let f = json(&cli.ok(&["schedule", n, "--json"]));
    let tranches = f["tranches"].as_array().expect("tranches");
    assert_eq!(tranches.len(), 3);
    let first = tranches[0]["amount"].as_str().expect("amount").to_string();

    cli.at("2027-01-05T10:00:00+08:00");
    let zh = cli.fails(&["pay", "approve", n, "--tranche", "2", "--lang", "zh"]);
    assert!(
        zh.contains("须待中期检查通过后方可拨付（计划 2028-01-01）"),
        "{zh}"
    );
    let en = cli.fails(&[
        "pay",
        "approve",
        n,
        "--tranche",
        "2",
        "--lang",
        "en",
        "--json",
    ]);
    assert_eq!(json(&en)["code"], "gate_shut", "{en}");

    let p = json(&cli.ok(&["pay", "approve", n, "--tranche", "1", "--json"]));
    assert_eq!(p["status"], "approved");
    assert_eq!(p["amount"], first.as_str());
    let id = p["id"].to_string();
    let paid = json(&cli.ok(&["pay", "paid", &id, "--ref", "BOC-20270106-01", "--json"]));
    assert_eq!(
        (paid["status"].as_str(), paid["paid_on"].as_str()),
        (Some("paid"), Some("2027-01-05"))
    );

    cli.at("2028-01-03T10:00:00+08:00");
    cli.ok(&[
        "milestone",
        "record",
        n,
        "midterm",
        "passed",
        "--note",
        "专家组同意通过",
    ]);
    cli.ok(&["pay", "approve", n, "--tranche", "2"]);
    let f = json(&cli.ok(&[
        "schedule",
        n,
        "split",
        "--tranche",
        "3",
        "--amount",
        "10000",
        "--due",
        "2028-06-30",
        "--json",
    ]));
    assert_eq!(f["tranches"].as_array().map(Vec::len), Some(4));

    // The ledger's call figures are top-level fields, money as decimal strings.
    let l = json(&cli.ok(&["ledger", "--call", CALL, "--json"]));
    assert_eq!(l["budget"], "60000000.00");
    assert_eq!(l["paid"], first.as_str());
    assert_eq!(l["recovered"], "0.00");
    assert!(l["awarded"].as_str().is_some_and(|a| a.ends_with(".00")));
    assert_eq!(l["balanced"], true);
    let table = cli.ok(&["ledger", "--call", CALL, "--lang", "zh"]);
    assert!(table.contains("未使用") && table.contains(n), "{table}");

    let plan = json(&cli.ok(&["cashflow", "--call", CALL, "--by", "year", "--json"]));
    assert_eq!(plan["warnings"][0]["year"], 2029);
    let text = cli.ok(&[
        "cashflow", "--call", CALL, "--by", "quarter", "--lang", "en",
    ]);
    assert!(
        text.contains("2027-Q1") && text.contains("⚠ 2029:"),
        "{text}"
    );
    let bad = cli.fails(&["cashflow", "--call", CALL, "--by", "week", "--lang", "en"]);
    assert!(bad.contains("group by month, quarter or year"), "{bad}");
}

#[test]
fn spending_is_reported_adjusted_and_closed_out_from_the_command_line() {
    let cli = Cli::new();
    cli.at("2026-12-01T10:00:00+08:00");
    cli.ok(&["demo", "--stage", "awarded"]);
    let awards = json(&cli.ok(&["awards", "--call", CALL, "--json"]));
    let n = awards[0]["number"].as_str().expect("number").to_string();
    let n = n.as_str();

    cli.at("2027-06-01T10:00:00+08:00");
    let f = json(&cli.ok(&[
        "report",
        n,
        "--year",
        "1",
        "--line",
        "operations=120000",
        "--line",
        "personnel=30000.50",
        "--json",
    ]));
    assert_eq!(f["spending"]["spent"], "150000.50");
    assert_eq!(f["ledger"]["spent"], "150000.50");
    let bad = cli.fails(&[
        "report", n, "--year", "1", "--line", "travel=1", "--lang", "en",
    ]);
    assert!(bad.contains("\"travel\" is not a budget category"), "{bad}");

    let zh = cli.fails(&[
        "adjust",
        "request",
        n,
        "--from",
        "operations",
        "--to",
        "indirect",
        "--amount",
        "1000",
        "--reason",
        "调增间接",
        "--lang",
        "zh",
    ]);
    assert!(zh.contains("间接费用不得调增"), "{zh}");
    let f = json(&cli.ok(&[
        "adjust",
        "request",
        n,
        "--from",
        "operations",
        "--to",
        "personnel",
        "--amount",
        "10000",
        "--reason",
        "增加研究生劳务",
        "--json",
    ]));
    assert_eq!(f["spending"]["version"], 2);
    let shown = cli.ok(&["schedule", n, "--lang", "zh"]);
    assert!(
        shown.contains("批复预算与支出 v2") && shown.contains("已备案"),
        "{shown}"
    );

    let other = awards[1]["number"].as_str().expect("number");
    let f = json(&cli.ok(&[
        "milestone",
        "move",
        other,
        "midterm",
        "--due",
        "2028-03-15",
        "--json",
    ]));
    assert_eq!(
        f["tranches"][1]["due_on"], "2028-03-15",
        "the mid-term tranche follows its review"
    );

    let mine = json(&cli.ok(&["ledger", "--call", CALL, "--award", n, "--json"]));
    assert_eq!(mine["number"], n);
    let other = cli.fails(&["ledger", "--call", "BJ-OTHER", "--award", n, "--lang", "en"]);
    assert!(other.contains("is not of call BJ-OTHER"), "{other}");

    let early = cli.fails(&["closeout", n, "--lang", "en"]);
    assert!(
        early.contains("its final acceptance has not been decided"),
        "{early}"
    );
}

#[test]
fn a_letter_is_written_and_verified_from_the_command_line() {
    let cli = Cli::new();
    cli.at("2026-12-01T10:00:00+08:00");
    cli.ok(&["demo", "--stage", "awarded"]);
    let awards = json(&cli.ok(&["awards", "--call", CALL, "--json"]));
    let n = awards[2]["number"].as_str().expect("number").to_string();
    let pdf = cli.dir.path().join("letter.pdf");
    let path = pdf.to_str().expect("path");
    let issued = json(&cli.ok(&["letter", &n, "--out", path, "--json"]));
    assert_eq!(issued["version"], 1);
    assert_eq!(issued["lang"], "zh", "Chinese unless asked");
    let said = cli.ok(&["letter", "verify", path, "--lang", "en"]);
    assert!(
        said.starts_with("Genuine: a letter GrantDesk issued for") && said.contains(&n),
        "{said}"
    );
    let mut bytes = std::fs::read(&pdf).expect("pdf");
    bytes.truncate(bytes.len() - 1);
    let edited = cli.dir.path().join("edited.pdf");
    std::fs::write(&edited, &bytes).expect("write");
    let said = cli.ok(&[
        "letter",
        "verify",
        edited.to_str().expect("path"),
        "--lang",
        "zh",
    ]);
    assert!(said.starts_with("不符"), "{said}");
    let e = cli.fails(&["letter", &n, "--out", path, "--lang", "en"]);
    assert!(e.contains("exists"), "an existing file is kept: {e}");
}

#[test]
fn a_call_s_letters_are_written_into_a_folder_quietly_when_piped() {
    let cli = Cli::new();
    cli.at("2026-12-01T10:00:00+08:00");
    cli.ok(&["demo", "--stage", "awarded"]);
    let dir = cli.dir.path().join("letters");
    let merged = cli.dir.path().join("all.pdf");
    let out = cli.run(&[
        "letters",
        "--call",
        CALL,
        "--out",
        dir.to_str().expect("p"),
        "--merged",
        merged.to_str().expect("p"),
        "--lang",
        "en",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No progress bar on a pipe: standard error stays empty.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Written: 12 letters into"), "{said}");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(files.len(), 12);
    assert!(files.iter().all(|f| f.ends_with("-en.pdf")), "{files:?}");
    let said = cli.ok(&[
        "letter",
        "verify",
        merged.to_str().expect("p"),
        "--lang",
        "en",
    ]);
    assert!(
        said.starts_with("Genuine: the merged letters GrantDesk wrote for call")
            && said.contains("12 letters"),
        "{said}"
    );
    let e = cli.fails(&[
        "letters",
        "--call",
        CALL,
        "--out",
        dir.to_str().expect("p"),
        "--lang",
        "en",
    ]);
    assert!(e.contains("exists"), "{e}");
    // The Chinese letters have their own names beside them.
    cli.ok(&["letters", "--call", CALL, "--out", dir.to_str().expect("p")]);
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 24);
}
