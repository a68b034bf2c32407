//! The command line run as a user would: tables and JSON, calls and proposals, refusals,
//! the database path, the audit log, the agency's day and its time zone.

use std::process::Command;

use crate::support::Cli;

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    // A reader that has already gone, as `grantdesk proposals … | head -1` once head is done.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["proposals", "--call", "BJ-AIXR-2026"])
        .env("GRANTDESK_DB", cli.dir.path().join("cli.db"))
        .stdout(writer)
        .output()
        .expect("run grantdesk");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(141), "{stderr}");
}

#[test]
fn demo_then_tables_in_either_language() {
    let cli = Cli::new();
    let out = cli.ok(&["demo", "--lang", "en"]);
    assert!(
        out.contains("Sample call BJ-AIXR-2026 — 40 proposals"),
        "{out}"
    );
    assert!(out.contains("¥60,000,000.00"), "{out}");
    let zh = cli.ok(&["calls", "--lang", "zh"]);
    assert!(zh.contains("总预算") && zh.contains("资助项数上限"), "{zh}");
    let en = cli.ok(&["calls", "--lang", "en"]);
    assert!(
        en.contains("budget") && en.contains("max awards") && !en.contains("总预算"),
        "{en}"
    );
    let vr = cli.ok(&[
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--topic",
        "VR",
        "--status",
        "ineligible",
        "--lang",
        "zh",
    ]);
    assert!(vr.contains("超过资助上限") && vr.contains("2 份"), "{vr}");
    // Sorted by the core, as the window sorts: the largest request first.
    let json = cli.ok(&[
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--sort",
        "requested",
        "--desc",
        "--json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    let amounts: Vec<grantdesk::Money> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            r["requested"]
                .as_str()
                .expect("text")
                .parse()
                .expect("amount")
        })
        .collect();
    assert_eq!(amounts.len(), 40);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert_eq!(rows[0]["reference"], "BJ-AIXR-2026-0038");
    let bad = cli.fails(&[
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--sort",
        "budget",
        "--lang",
        "zh",
    ]);
    assert!(bad.contains("不能按“budget”排序"), "{bad}");
}

#[test]
fn json_output_carries_money_as_decimal_strings() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let out = cli.ok(&["proposals", "--call", "BJ-AIXR-2026", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 40);
    assert!(rows[0]["requested"].is_string(), "{}", rows[0]);
    let show = cli.ok(&["call", "show", "BJ-AIXR-2026", "--json"]);
    let call: serde_json::Value = serde_json::from_str(&show).expect("json");
    assert_eq!(call["total_budget"], "60000000.00");
    assert_eq!(call["max_awards"], 12);
    assert_eq!(call["proposals"], 40);
}

#[test]
fn a_call_is_created_from_its_template_and_moved_along() {
    let cli = Cli::new();
    let template = cli
        .ok(&["call", "template"])
        .replace("BJ-AIXR-2026", "BJ-TEST-2027");
    let file = cli.file("call.toml", &template);
    let out = cli.ok(&["call", "new", "--file", &file, "--lang", "en"]);
    assert!(out.contains("BJ-TEST-2027: draft"), "{out}");
    assert!(
        cli.ok(&["call", "open", "BJ-TEST-2027", "--lang", "zh"])
            .contains("受理中")
    );
    let err = cli.fails(&["call", "reopen", "BJ-TEST-2027", "--lang", "en"]);
    assert!(err.contains("cannot go from open to open"), "{err}");
}

#[test]
fn a_proposal_is_registered_submitted_and_checked() {
    let cli = Cli::new();
    let template = cli.ok(&["call", "template"]);
    cli.ok(&["call", "new", "--file", &cli.file("call.toml", &template)]);
    cli.ok(&["call", "open", "BJ-AIXR-2026"]);
    let p = cli.ok(&["proposal", "template"]);
    let out = cli.ok(&[
        "proposal",
        "new",
        "--file",
        &cli.file("p.toml", &p),
        "--lang",
        "en",
    ]);
    assert!(
        out.contains("Registered proposal BJ-AIXR-2026-0001 (draft)"),
        "{out}"
    );
    cli.ok(&[
        "proposal",
        "submit",
        "BJ-AIXR-2026",
        "BJ-AIXR-2026-0001",
        "--on",
        "2026-04-01",
    ]);
    let check = cli.ok(&["proposal", "check", "--call", "BJ-AIXR-2026", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&check).expect("json");
    assert_eq!(
        (r["checked"].as_u64(), r["eligible"].as_u64()),
        (Some(1), Some(1))
    );
    let show = cli.ok(&[
        "proposal",
        "show",
        "BJ-AIXR-2026",
        "BJ-AIXR-2026-0001",
        "--lang",
        "zh",
    ]);
    assert!(
        show.contains("形式审查：合格") && show.contains("第1年") && show.contains("人民币"),
        "{show}"
    );
}

#[test]
fn refusals_name_the_field_and_the_rule_and_change_nothing() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let p = cli
        .ok(&["proposal", "template"])
        .replace("91110108", "91110108X")
        .replace("12110108", "12110108X");
    let file = cli.file("bad.toml", &p);
    let err = cli.fails(&["proposal", "new", "--file", &file, "--lang", "zh"]);
    assert!(
        err.contains("applicant.credit_code") && err.contains("统一社会信用代码应为 18 位"),
        "{err}"
    );
    let json = cli.fails(&["proposal", "new", "--file", &file, "--json"]);
    let e: serde_json::Value = serde_json::from_str(&json).expect("json error");
    assert_eq!(e["code"], "proposal_invalid");
    assert_eq!(e["fields"][0]["field"], "applicant.credit_code");
    let count = cli.ok(&["proposals", "--call", "BJ-AIXR-2026", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&count)
            .expect("json")
            .as_array()
            .map(Vec::len),
        Some(40)
    );
}

#[test]
fn a_malformed_file_is_reported_with_its_line() {
    let cli = Cli::new();
    let file = cli.file("broken.toml", "code = \"X-1\"\ntotal_budget = 12.5\n");
    let err = cli.fails(&["call", "new", "--file", &file, "--lang", "en"]);
    assert!(err.contains("line 2") && err.contains("quotes"), "{err}");
}

#[test]
fn audit_verify_reports_the_count_and_detects_tampering() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let ok = cli.ok(&["audit", "verify", "--lang", "en"]);
    assert!(ok.starts_with("OK — 163 audit entries"), "{ok}");
    let db = cli.dir.path().join("cli.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pool = grantdesk::store::open(&db).await.expect("open");
        grantdesk::db::query("UPDATE audit_log SET actor = 'x' WHERE seq = 42")
            .execute(&pool)
            .await
            .expect("tamper");
        pool.close().await;
    });
    let err = cli.fails(&["audit", "verify", "--lang", "en"]);
    assert!(err.contains("#42"), "{err}");
    let log = cli.ok(&["audit", "log", "--limit", "3", "--lang", "en"]);
    assert!(log.contains("163"), "{log}");
    assert!(
        log.contains(&grantdesk::store::os_account()) && !log.contains("mallory"),
        "the actor is the account of the user id, not $USER: {log}"
    );
}

#[test]
fn the_database_path_follows_flag_then_environment() {
    let cli = Cli::new();
    let env_path = cli.ok(&["where"]);
    assert!(env_path.trim().ends_with("cli.db"), "{env_path}");
    let flag = cli.ok(&["where", "--db", "/tmp/elsewhere.db"]);
    assert_eq!(flag.trim(), "/tmp/elsewhere.db");
}

/// Issue #11, item 11: a command that only reads on a database that is not there says so and
/// creates nothing; a file with no column GrantDesk knows is refused at its header, once.
#[test]
fn a_mistyped_database_creates_nothing_and_an_unknown_file_is_refused_at_its_header() {
    let cli = Cli::new();
    let typo = cli.dir.path().join("mistyped/dir/g.db");
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["--db", &typo.display().to_string(), "calls", "--lang", "en"])
        .output()
        .expect("run");
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("there is no database at"), "{e}");
    assert!(
        !cli.dir.path().join("mistyped").exists(),
        "no folder was created"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["--db", &typo.display().to_string(), "calls", "--json"])
        .output()
        .expect("run");
    let err: serde_json::Value = serde_json::from_slice(&o.stderr).expect("json");
    assert_eq!(err["code"], "store_missing");
    // `call template` needs no database at all.
    let t = cli.ok(&["call", "template"]);
    assert!(t.contains("BJ-AIXR-2026"));
    assert!(!cli.dir.path().join("cli.db").exists());

    cli.ok(&["demo"]);
    let passwd = cli.file(
        "passwd",
        &(0..23)
            .map(|i| format!("user{i}:x:{i}:{i}:User {i}:/home/user{i}:/bin/sh\n"))
            .collect::<String>(),
    );
    let o = cli.run(&[
        "import",
        "proposals",
        &passwd,
        "--call",
        "BJ-AIXR-2026",
        "--lang",
        "en",
    ]);
    assert!(!o.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("the header lacks required columns: title (项目名称)"),
        "{text}"
    );
    assert!(
        text.contains("columns not recognised: user0:x:0:0:User 0:/home/user0:/bin/sh"),
        "{text}"
    );
    assert!(
        text.lines().count() <= 8,
        "refused once, not row by row: {text}"
    );
}

/// Issue #12: the command line dates an act in the agency's time zone, as the window does:
/// at 23:30 UTC on 29 April it is already 30 April in Beijing (it used to record the 29th).
#[test]
fn the_command_line_dates_an_act_on_the_agency_s_day() {
    let cli = Cli::new();
    let template = cli.ok(&["call", "template"]);
    cli.ok(&["call", "new", "--file", &cli.file("call.toml", &template)]);
    cli.ok(&["call", "open", "BJ-AIXR-2026"]);
    let p = cli.ok(&["proposal", "template"]);
    cli.ok(&["proposal", "new", "--file", &cli.file("p.toml", &p)]);
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["proposal", "submit", "BJ-AIXR-2026", "BJ-AIXR-2026-0001"])
        .env("GRANTDESK_DB", cli.dir.path().join("cli.db"))
        .env(grantdesk::store::NOW_ENV, "2026-04-29T23:30:00Z")
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("(2026-04-30)"), "the Beijing date: {out}");
}

/// Issue #12: a choice the core does not know is refused as the arguments are read, in every
/// command alike (`export --by` and `decide board --by` used to take it as the mean).
#[test]
fn an_unknown_choice_is_refused_never_taken_for_a_default() {
    let cli = Cli::new();
    cli.ok(&["demo", "--stage", "reviewed"]);
    let out = cli.dir.path().join("r.csv").display().to_string();
    for args in [
        vec![
            "export",
            "ranking",
            "--call",
            "BJ-AIXR-2026",
            "--out",
            &out,
            "--by",
            "median",
        ],
        vec![
            "decide",
            "board",
            "--call",
            "BJ-AIXR-2026",
            "--by",
            "median",
        ],
        vec!["ranking", "--call", "BJ-AIXR-2026", "--by", "median"],
    ] {
        let e = cli.fails(&args);
        assert!(
            e.contains("\"median\" is not a ranking figure"),
            "{args:?}: {e}"
        );
    }
    assert!(!std::path::Path::new(&out).exists(), "nothing exported");
    let e = cli.fails(&["demo", "--stage", "everything"]);
    assert!(e.contains("invalid value 'everything'"), "{e}");
    let e = cli.fails(&["award", "finish", "京科资〔2026〕第001号"]);
    assert!(e.contains("invalid value 'finish'"), "{e}");
}

/// Issue #12: the agency's time zone is a setting the command line shows and changes; an
/// unknown zone is refused by name and changes nothing.
#[test]
fn the_time_zone_is_a_setting_and_dates_follow_it() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let shown = cli.ok(&["settings", "--lang", "en"]);
    assert!(shown.contains("Time zone: Asia/Shanghai"), "{shown}");
    let e = cli.fails(&["settings", "--time-zone", "Mars/Olympus", "--lang", "en"]);
    assert!(
        e.contains("\"Mars/Olympus\" is not a time-zone name"),
        "{e}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["settings", "--time-zone", "UTC", "--json"])
        .env("GRANTDESK_DB", cli.dir.path().join("cli.db"))
        .env(grantdesk::store::NOW_ENV, "2026-04-29T23:30:00Z")
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["time_zone"], "UTC");
    assert_eq!(
        v["today"], "2026-04-29",
        "23:30 UTC is still the 29th in UTC"
    );
    let log = cli.ok(&["audit", "log", "--entity", "settings", "--id", "time_zone"]);
    assert!(log.contains("update"), "the change is audited: {log}");
}

/// Issue #16: the command line on a PostgreSQL server's database (`--db postgres://…`), with
/// the same sample, the same chain, the signed-in role as the actor, the password never
/// printed, and `backup` pointing at the server's own tools. Run by `make it-postgres`
/// against its throwaway server; without one there is no server to run it on.
#[test]
fn on_a_server_the_same_commands_work_and_backups_are_the_server_s() {
    let Some(admin) = std::env::var("GRANTDESK_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!("no test server (GRANTDESK_TEST_PG): run by make it-postgres");
        return;
    };
    let name = format!("cli_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pool = grantdesk::store::connect_server_plain(&admin)
            .await
            .expect("server");
        grantdesk::db::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .expect("create database");
        pool.close().await;
    });
    let base = admin.rsplit_once('/').expect("a database in the URL").0;
    let (scheme, rest) = base.split_once("://").expect("URL");
    let (user, host) = rest.split_once('@').expect("user@host");
    // A password in the URL (trust ignores it) must never be shown.
    let url = format!("{scheme}://{user}:not-to-be-shown@{host}/{name}");
    let cli = Cli::new();
    let at = |args: &[&str]| {
        let mut all = vec!["--db", url.as_str()];
        all.extend_from_slice(args);
        all.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: &[&str]| {
        let a = at(args);
        cli.ok(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    run(&["demo"]);
    let calls = run(&["calls", "--lang", "en"]);
    assert!(calls.contains("BJ-AIXR-2026"), "{calls}");
    let ok = run(&["audit", "verify", "--lang", "en"]);
    assert!(ok.starts_with("OK — 163 audit entries"), "{ok}");
    let log = run(&["audit", "log", "--limit", "3", "--lang", "en"]);
    assert!(log.contains(user) && !log.contains("mallory"), "{log}");
    let place = run(&["where"]);
    assert_eq!(place.trim(), format!("postgres://{user}@{host}/{name}"));
    let me = run(&["whoami", "--lang", "en"]);
    assert!(
        me.starts_with(&format!("{user} — viewer, programme officer")),
        "{me}"
    );
    assert!(me.contains("a server superuser"), "{me}");
    let officer = format!("wang_{}", std::process::id());
    let added = run(&[
        "officer", "add", &officer, "--role", "director", "--lang", "en",
    ]);
    assert_eq!(added.trim(), format!("{officer} — director"));
    let listed = run(&["officer", "list", "--lang", "zh"]);
    assert!(
        listed.contains(&officer) && listed.contains("审批"),
        "{listed}"
    );
    // A file moved to another, empty, server database: the chain and the totals checked.
    let moved = format!("{name}_moved");
    rt.block_on(async {
        let pool = grantdesk::store::connect_server_plain(&admin)
            .await
            .expect("server");
        grantdesk::db::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {moved}")))
            .execute(&pool)
            .await
            .expect("create database");
        pool.close().await;
    });
    let file = Cli::new();
    file.ok(&["demo", "--stage", "awarded"]);
    let report = file.ok(&[
        "migrate",
        "--to",
        &format!("{scheme}://{user}@{host}/{moved}"),
        "--lang",
        "en",
    ]);
    assert!(
        report.contains("awards") && report.contains("amount_fen ¥"),
        "{report}"
    );
    assert!(
        report.contains("audit entries, hash chain intact"),
        "{report}"
    );
    let a = at(&["backup", "--lang", "en"]);
    let err = cli.fails(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("pg_dump") && err.contains(&name), "{err}");
    assert!(!err.contains("not-to-be-shown"), "{err}");
}

#[test]
fn on_a_file_whoami_is_the_account_and_officers_are_a_server_s() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let me = cli.ok(&["whoami", "--lang", "en"]);
    assert!(
        me.starts_with(&format!("{} — ", grantdesk::store::os_account()))
            && me.contains("this account holds every role"),
        "{me}"
    );
    let err = cli.fails(&["officer", "list", "--lang", "en"]);
    assert!(err.contains("PostgreSQL"), "{err}");
}
