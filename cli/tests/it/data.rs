//! Data in and out from the command line: imports, exports, backups and restores.

use std::process::Command;

use crate::support::Cli;

#[test]
fn proposals_are_imported_from_a_spreadsheet_dry_run_first() {
    let cli = Cli::new();
    let call_file = cli.file("call.toml", &cli.ok(&["call", "template"]));
    cli.ok(&["call", "new", "--file", &call_file]);
    cli.ok(&["call", "open", "BJ-AIXR-2026"]);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/proposals-gb18030.csv"
    );
    let dry = cli.ok(&[
        "import",
        "proposals",
        fixture,
        "--call",
        "BJ-AIXR-2026",
        "--dry-run",
        "--lang",
        "zh",
    ]);
    assert!(
        dry.contains("（GB18030）：新建 2，更新 0，不变 0，拒绝 2"),
        "{dry}"
    );
    assert!(dry.contains("第 5 行，研究方向“量子计算”"), "{dry}");
    assert!(dry.contains("试运行"), "{dry}");
    // The real import refuses the whole file, with the same report, in JSON too.
    let o = cli.run(&[
        "import",
        "proposals",
        fixture,
        "--call",
        "BJ-AIXR-2026",
        "--json",
    ]);
    assert!(!o.status.success());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("report json");
    assert_eq!(report["refused"], 2);
    assert_eq!(report["issues"][1]["rule"], "money_decimals");
    assert_eq!(report["issues"][1]["value"], "1000000.125");
    let err: serde_json::Value = serde_json::from_slice(&o.stderr).expect("error json");
    assert_eq!(err["code"], "import_refused");
    let listed: serde_json::Value =
        serde_json::from_str(&cli.ok(&["proposals", "--call", "BJ-AIXR-2026", "--json"]))
            .expect("json");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(0),
        "nothing was written"
    );
}

#[test]
fn a_backup_is_taken_checked_and_restored_from_the_command_line() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let copy = cli.dir.path().join("copy.db").display().to_string();
    let out = cli.ok(&["backup", &copy, "--lang", "en"]);
    assert!(out.contains("1 calls, 40 proposals"), "{out}");
    let check = cli.ok(&["restore", &copy, "--check", "--lang", "en"]);
    assert!(check.contains("chain intact"), "{check}");
    let bad = cli.file("bad.db", "not a database");
    let e = cli.fails(&["restore", &bad, "--lang", "en"]);
    assert!(e.contains("is not a GrantDesk database"), "{e}");
    // Later work the restore sets aside.
    cli.ok(&["call", "reopen", "BJ-AIXR-2026"]);
    let e = cli.fails(&["restore", &copy, "--lang", "en"]);
    assert!(e.contains("confirm it (--force)"), "{e}");
    let restored = cli.ok(&["restore", &copy, "--force", "--lang", "en"]);
    assert!(
        restored.contains("The replaced database is kept as"),
        "{restored}"
    );
    let calls = cli.ok(&["calls", "--lang", "en"]);
    assert!(
        calls.contains("closed"),
        "back to before the reopening: {calls}"
    );
    let verify = cli.ok(&["audit", "verify"]);
    assert!(verify.starts_with("OK"), "{verify}");
}

#[test]
fn a_reviewer_list_saved_as_gb18030_by_excel_is_read() {
    let cli = Cli::new();
    let text =
        "姓名,工作单位,电子邮箱,联系电话,研究方向\n王立新,北京理工大学,wang@example.cn,010-1,AI\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let path = cli.dir.path().join("reviewers.csv");
    std::fs::write(&path, &bytes).expect("write");
    let out = cli.ok(&[
        "reviewer",
        "import",
        &path.display().to_string(),
        "--dry-run",
        "--lang",
        "en",
    ]);
    assert!(
        out.contains("nothing written; reviewers that would be imported: 1"),
        "{out}"
    );
    let list = cli.ok(&["reviewer", "list", "--lang", "en"]);
    assert!(!list.contains("王立新"), "{list}");
    let out = cli.ok(&[
        "reviewer",
        "import",
        &path.display().to_string(),
        "--lang",
        "en",
    ]);
    assert!(out.contains("Reviewers imported: 1"), "{out}");
    let list = cli.ok(&["reviewer", "list", "--lang", "en"]);
    assert!(
        list.contains("王立新") && list.contains("北京理工大学"),
        "{list}"
    );
}

/// Issue #11, item 9: an export never replaces a file unless told to, and never the database.
#[test]
fn exports_never_overwrite_a_file_unasked_nor_ever_the_database() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let out = cli.file("proposals.csv", "an officer's own notes\n");
    let e = cli.fails(&[
        "export",
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--out",
        &out,
        "--lang",
        "en",
    ]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "an officer's own notes\n",
        "left alone"
    );
    cli.ok(&[
        "export",
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--out",
        &out,
        "--force",
    ]);
    assert!(
        std::fs::read_to_string(&out)
            .expect("read")
            .contains("BJ-AIXR-2026-0001")
    );
    // Filtered and sorted as the window's table: the five ineligible, the largest first.
    cli.ok(&[
        "export",
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--out",
        &out,
        "--force",
        "--status",
        "ineligible",
        "--sort",
        "requested",
        "--desc",
    ]);
    let text = std::fs::read_to_string(&out).expect("read");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("BJ-AIXR-2026-0038,"), "{text}");
    let e = cli.fails(&[
        "export",
        "proposals",
        "--call",
        "BJ-AIXR-2026",
        "--out",
        &out,
        "--force",
        "--status",
        "rejected",
        "--lang",
        "en",
    ]);
    assert!(e.contains("\"rejected\" is not a proposal status"), "{e}");
    let db = cli.dir.path().join("cli.db");
    let before = cli.ok(&["audit", "verify", "--lang", "en"]);
    // However it is spelled, the database in use is never written over.
    let spelled = cli
        .dir
        .path()
        .join(".")
        .join("cli.db")
        .display()
        .to_string();
    for target in [db.display().to_string(), spelled] {
        let e = cli.fails(&[
            "export",
            "ranking",
            "--call",
            "BJ-AIXR-2026",
            "--out",
            &target,
            "--force",
            "--lang",
            "en",
        ]);
        assert!(e.contains("is the database in use"), "{e}");
        let e = cli.fails(&[
            "decide",
            "notice",
            "--call",
            "BJ-AIXR-2026",
            "--out",
            &target,
            "--force",
            "--lang",
            "zh",
        ]);
        assert!(e.contains("正在使用的数据库"), "{e}");
    }
    let head = std::fs::read(&db).expect("db");
    assert!(head.starts_with(b"SQLite format 3\0"), "still a database");
    assert_eq!(
        cli.ok(&["audit", "verify", "--lang", "en"]),
        before,
        "unchanged"
    );
}

/// A backup restored where there is no database yet (a new machine): the folder and the
/// database are made, and the commands leave no write-ahead log behind.
#[test]
fn a_backup_restores_onto_a_new_machine_and_commands_leave_no_log_behind() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    assert!(
        !cli.dir.path().join("cli.db-wal").exists(),
        "the log is checkpointed when a command ends"
    );
    let copy = cli.dir.path().join("copy.db").display().to_string();
    cli.ok(&["backup", &copy]);
    let fresh = cli.dir.path().join("new/place/g.db").display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["--db", &fresh, "restore", &copy, "--lang", "en"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args(["--db", &fresh, "calls", "--json"])
        .output()
        .expect("run");
    let calls: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(calls.as_array().map(Vec::len), Some(1));
}
