//! Review and decisions from the command line: the draw, scores and ranking, the board,
//! the awards and their notice.

use crate::support::Cli;

#[test]
fn reviewers_are_drawn_and_reviews_ranked_from_the_command_line() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    for (i, topic) in ["AI", "AI", "AI", "AR", "AR", "AR", "VR", "VR", "VR"]
        .iter()
        .enumerate()
    {
        let file = cli.file(
            &format!("r{i}.toml"),
            &format!("name = \"专家{i}\"\naffiliation = \"某大学\"\nemail = \"r{i}@example.cn\"\nphone = \"1\"\ntopics = [\"{topic}\"]\n"),
        );
        assert!(
            cli.ok(&["reviewer", "add", "--file", &file])
                .starts_with(&format!("R{}", i + 1))
        );
    }
    let list = cli.ok(&["reviewer", "list", "--lang", "en"]);
    assert!(list.contains("专家8") && list.contains("active"), "{list}");
    let draw = cli.ok(&[
        "review",
        "assign",
        "--call",
        "BJ-AIXR-2026",
        "--seed",
        "11",
        "--cap",
        "25",
        "--json",
    ]);
    let d: serde_json::Value = serde_json::from_str(&draw).expect("json");
    assert_eq!(d["seed"], 11);
    assert_eq!(d["assigned"], 105);
    let bad = cli.file("bad.toml", "call = \"BJ-AIXR-2026\"\nreference = \"BJ-AIXR-2026-0001\"\nreviewer = \"R7\"\ncomment = \"\"\nrecommendation = \"fund\"\n[scores]\ninnovation = \"9\"\nfeasibility = \"9\"\nteam = \"9\"\nimpact = \"9\"\n");
    let err = cli.fails(&["review", "enter", "--file", &bad, "--lang", "en"]);
    assert!(
        err.contains("R7 is not assigned to BJ-AIXR-2026-0001"),
        "{err}"
    );
    let ranking = cli.ok(&["ranking", "--call", "BJ-AIXR-2026", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ranking)
            .expect("json")
            .as_array()
            .map(Vec::len),
        Some(0),
        "nothing reviewed yet"
    );
    let bench = cli.ok(&[
        "bench",
        "review",
        "--proposals",
        "300",
        "--reviewers",
        "30",
        "--reviews",
        "3",
    ]);
    assert!(bench.contains("900 assigned, 0 proposals short"), "{bench}");
}

#[test]
fn awards_are_decided_issued_and_exported_from_the_command_line() {
    let cli = Cli::new();
    cli.ok(&["demo", "--stage", "reviewed"]);
    let call = "BJ-AIXR-2026";
    let quotas = [
        "--quota", "AI=2..", "--quota", "AR=2..", "--quota", "VR=2..",
    ];
    let mut args = vec!["decide", "suggest", "--call", call, "--json"];
    args.extend(quotas);
    let s: serde_json::Value = serde_json::from_str(&cli.ok(&args)).expect("json");
    assert_eq!(s["proved_best"], true);
    assert_eq!(s["chosen"].as_array().map(Vec::len), Some(12));
    assert!(s["total"].is_string(), "money is a decimal string");

    let mut args = vec!["decide", "apply", "--call", call];
    args.extend(quotas);
    let board = cli.ok(&args);
    assert!(board.contains("12 / 12"), "{board}");

    // A thirteenth is refused with the rule's code; nothing changes.
    let e = cli.fails(&[
        "decide",
        "propose",
        "--call",
        call,
        "BJ-AIXR-2026-0023",
        "--json",
    ]);
    let e: serde_json::Value = serde_json::from_str(&e).expect("json error");
    assert_eq!(e["code"], "award_cap_reached");
    let zh = cli.fails(&[
        "decide",
        "propose",
        "--call",
        call,
        "BJ-AIXR-2026-0023",
        "--lang",
        "zh",
    ]);
    assert!(zh.contains("最多资助 12 项"), "{zh}");

    let awards = cli.ok(&[
        "decide",
        "award",
        "--call",
        call,
        "--start",
        "2027-01-01",
        "--decided-on",
        "2026-12-01",
    ]);
    assert!(awards.contains("京科资〔2026〕第001号"), "{awards}");
    let listed: serde_json::Value =
        serde_json::from_str(&cli.ok(&["awards", "--call", call, "--json"])).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(12));
    assert_eq!(listed[0]["end_on"], "2028-12-31");
    cli.ok(&["award", "accept", "京科资〔2026〕第001号"]);
    let e = cli.fails(&["award", "complete", "京科资〔2026〕第001号", "--lang", "en"]);
    assert!(e.contains("is accepted and cannot become completed"), "{e}");

    let csv = cli.dir.path().join("公示.csv");
    let csv_arg = csv.display().to_string();
    cli.ok(&["decide", "notice", "--call", call, "--out", &csv_arg]);
    let bytes = std::fs::read(&csv).expect("csv written");
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "BOM for Excel");
    assert_eq!(String::from_utf8_lossy(&bytes).lines().count(), 13);
    let xlsx = cli.dir.path().join("公示.xlsx");
    let xlsx_arg = xlsx.display().to_string();
    cli.ok(&["decide", "notice", "--call", call, "--out", &xlsx_arg]);
    assert_eq!(&std::fs::read(&xlsx).expect("xlsx written")[..2], b"PK");
    let verify = cli.ok(&["audit", "verify"]);
    assert!(verify.starts_with("OK"), "{verify}");
}

#[test]
fn the_sample_can_be_carried_to_the_awarded_stage() {
    let cli = Cli::new();
    let out = cli.ok(&["demo", "--stage", "awarded", "--lang", "en"]);
    assert!(
        out.contains("Sample call BJ-AIXR-2026 decided: 12 awards"),
        "{out}"
    );
    // Again: nothing more is created.
    let again = cli.ok(&["demo", "--stage", "awarded", "--lang", "en"]);
    assert!(again.contains("12 awards"), "{again}");
    let calls = cli.ok(&["calls", "--lang", "en"]);
    assert!(calls.contains("decided"), "{calls}");
}

/// `bench workflow` carries the sample through the core and reads its pages; with a test
/// server (make it-postgres) on the server too, whose scratch database is dropped after.
#[test]
fn the_review_benchmark_draws_at_scale_with_loose_and_tight_caps() {
    let cli = Cli::new();
    for (headroom, cap) in [("10", "cap 35"), ("0", "cap 25")] {
        let out = cli.ok(&[
            "bench",
            "review",
            "--proposals",
            "3000",
            "--reviewers",
            "600",
            "--reviews",
            "5",
            "--headroom",
            headroom,
        ]);
        assert!(
            out.contains("3000 proposals, 600 reviewers, 5 reviews each, "),
            "{out}"
        );
        assert!(out.contains(cap), "{out}");
        // Enough reviewers know each topic: every proposal is staffed, even with tight caps.
        assert!(out.contains("(15000 assigned, 0 proposals short)"), "{out}");
        assert!(
            out.contains("ranking:") && out.contains("(3000 proposals"),
            "{out}"
        );
    }
}

#[test]
fn the_workflow_benchmark_runs_the_sample_through_on_each_backend() {
    let cli = Cli::new();
    let server = std::env::var("GRANTDESK_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let mut args = vec!["bench", "workflow"];
    if let Some(url) = server.as_deref() {
        args.extend(["--server", url]);
    }
    let out = cli.ok(&args);
    let runs: Vec<&str> = out
        .split("workflow bench on a ")
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(runs.len(), if server.is_some() { 2 } else { 1 }, "{out}");
    for run in runs {
        assert!(
            run.contains("40 proposals registered and checked")
                && run.contains("(163 audited acts"),
            "{run}"
        );
        assert!(run.contains("(29 audited acts"), "{run}");
        assert_eq!(run.matches("  read: ").count(), 4, "{run}");
    }
    if let Some(url) = server {
        let left = std::process::Command::new("psql")
            .args([
                url.as_str(),
                "-Atc",
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'grantdesk_bench_%'",
            ])
            .output()
            .expect("psql");
        assert_eq!(String::from_utf8_lossy(&left.stdout).trim(), "0");
    }
}

#[test]
fn the_table_benchmark_orders_searches_and_reads_on_each_backend() {
    let cli = Cli::new();
    let server = std::env::var("GRANTDESK_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let mut args = vec!["bench", "table", "--proposals", "120"];
    if let Some(url) = server.as_deref() {
        args.extend(["--server", url]);
    }
    let out = cli.ok(&args);
    let runs: Vec<&str> = out
        .split("table bench on a ")
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(runs.len(), if server.is_some() { 2 } else { 1 }, "{out}");
    for run in runs {
        assert!(run.contains(": 120 proposals in the call"), "{run}");
        // Every column both ways, each giving all 120.
        assert_eq!(run.matches("ascending").count(), 7, "{run}");
        assert_eq!(run.matches("descending").count(), 7, "{run}");
        let ordered = run
            .lines()
            .filter(|l| l.contains("  order by "))
            .filter(|l| l.trim_end().ends_with(" 120 rows"))
            .count();
        assert_eq!(ordered, 14, "{run}");
        let one = run
            .lines()
            .find(|l| l.contains("（9999）"))
            .expect("the one-title search");
        assert!(
            one.trim_end().ends_with(" 0 rows"),
            "no 9999th of 120: {one}"
        );
        let nothing = run.lines().find(|l| l.contains("“zz”")).expect("zz");
        assert!(nothing.trim_end().ends_with(" 0 rows"), "{nothing}");
        assert!(run.contains("120 lines read at the top"), "{run}");
        assert!(run.contains("every line read"), "{run}");
        // Each step: its fastest run, then its median, never below it.
        for line in run.lines().filter(|l| l.trim_end().ends_with(" rows")) {
            let ms: Vec<f64> = line
                .split(" ms")
                .filter_map(|part| part.split_whitespace().last()?.parse().ok())
                .collect();
            assert_eq!(ms.len(), 2, "{line}");
            assert!(ms[0] <= ms[1], "{line}");
        }
    }
}
