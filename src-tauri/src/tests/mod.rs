//! Command tests on Tauri's mock runtime: what the window sends in, what it gets back.

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

use super::{AppState, with_commands};
use grantdesk::Lang;

mod dialogs;
mod letters;
mod officers;

struct Harness {
    window: WebviewWindow<tauri::test::MockRuntime>,
    dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shell.db");
    let pool = tauri::async_runtime::block_on(grantdesk::store::open(&path)).expect("open");
    // The file dialogs answered by the test seam: each takes what it offers (exports/).
    let answers = crate::dialog::Answers::File(dir.path().join("dialog-answer"));
    let state = AppState::new(pool, path, Lang::En)
        .answering(answers)
        .keeping(crate::connection::Keyring::TestFile(
            dir.path().join("keyring.json"),
        ))
        .remembering_server_in(dir.path().join("server.json"));
    let app = with_commands(mock_builder().manage(state))
        .build(tauri::generate_context!())
        .expect("mock app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    Harness { window, dir }
}

fn invoke(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_from(h, "tauri://localhost", cmd, args)
}

fn invoke_from(h: &Harness, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &h.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json reply"))
}

#[test]
fn the_sample_loads_and_money_comes_back_as_decimal_strings() {
    let h = harness();
    assert_eq!(invoke(&h, "list_calls", json!({})), Ok(json!([])));
    let loaded = invoke(&h, "load_sample", json!({})).expect("load");
    assert_eq!(loaded["proposals_total"], 40);
    let d = invoke(&h, "call_dashboard", json!({ "code": "BJ-AIXR-2026" })).expect("dashboard");
    assert_eq!(d["call"]["total_budget"], "60000000.00");
    assert_eq!(d["call"]["max_awards"], 12);
    assert!(d["proposals"]["requested"].is_string());
}

/// Issue #11, item 10: the fictional sample never goes into a database that holds real work.
#[test]
fn the_sample_is_refused_on_a_database_that_is_not_empty() {
    let h = harness();
    let mut reference = serde_json::to_value(grantdesk::demo::reference_call_form()).expect("json");
    reference["code"] = json!("BJ-REAL-2027");
    invoke(&h, "create_call", json!({ "form": reference })).expect("a real call");
    let e = invoke(&h, "load_sample", json!({})).expect_err("refused");
    assert_eq!(e["code"], "sample_needs_empty_database");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("holds 1 calls")),
        "{e}"
    );
    let calls = invoke(&h, "list_calls", json!({})).expect("calls");
    assert_eq!(calls.as_array().map(Vec::len), Some(1), "nothing added");
}

#[test]
fn errors_cross_as_code_message_and_fields_in_the_chosen_language() {
    let h = harness();
    let e = invoke(&h, "get_call", json!({ "code": "NOPE-1" })).expect_err("missing");
    assert_eq!(
        e,
        json!({ "code": "call_not_found", "message": "no call with code NOPE-1", "fields": [] })
    );
    invoke(&h, "set_lang", json!({ "lang": "zh" })).expect("set lang");
    let mut form = invoke(&h, "call_form", json!({})).expect("starter form");
    form["code"] = json!("X-1");
    let e = invoke(&h, "create_call", json!({ "form": form })).expect_err("incomplete");
    assert_eq!(e["code"], "call_invalid");
    assert_eq!(e["fields"][0]["field"], "title_zh");
    assert_eq!(e["fields"][0]["message"], "必填项不能为空");
    assert_eq!(
        invoke(&h, "list_calls", json!({})),
        Ok(json!([])),
        "nothing was written"
    );
}

#[test]
fn a_proposal_page_carries_its_budget_table_and_capitals() {
    let h = harness();
    invoke(&h, "load_sample", json!({})).expect("load");
    let p = invoke(
        &h,
        "get_proposal",
        json!({ "call": "BJ-AIXR-2026", "reference": "BJ-AIXR-2026-0038" }),
    )
    .expect("proposal");
    assert_eq!(p["requested"], "9000000.00");
    assert_eq!(p["requested_capital"], "人民币玖佰万元整");
    assert_eq!(p["budget_table"]["total"], "9000000.00");
    assert_eq!(p["budget_table"]["years"], json!([1, 2]));
    let e = invoke(
        &h,
        "submit_proposal",
        json!({ "call": "BJ-AIXR-2026", "reference": "BJ-AIXR-2026-0038", "on": "yesterday" }),
    )
    .expect_err("bad date");
    assert_eq!(
        e["code"], "invalid_input",
        "a core code, not one the shell made up"
    );
    assert_eq!(e["fields"][0]["field"], "on");
    assert_eq!(e["fields"][0]["rule"], "date_format");
}

#[test]
fn a_page_from_elsewhere_may_call_nothing() {
    let h = harness();
    let e =
        invoke_from(&h, "https://example.com", "list_calls", json!({})).expect_err("remote origin");
    assert!(e.as_str().is_some_and(|m| m.contains("not allowed")), "{e}");
}

#[test]
fn the_decision_commands_carry_forms_limits_and_awards() {
    let h = harness();
    invoke(&h, "load_sample", json!({ "stage": "reviewed" })).expect("load");
    let quotas: Vec<Value> = ["AI", "AR", "VR"]
        .iter()
        .map(|t| json!({ "topic": t, "min": "2" }))
        .collect();
    let form = json!({ "call": "BJ-AIXR-2026", "mode": "exact", "order": "mean", "cut": "", "quotas": quotas });
    let s = invoke(&h, "decision_suggest", json!({ "form": form })).expect("suggest");
    assert_eq!(s["proved_best"], true);
    assert!(s["total"].is_string());
    let b = invoke(&h, "decision_apply", json!({ "form": form })).expect("apply");
    assert_eq!(b["awards"], 12);
    assert_eq!(b["committed"], s["total"]);
    // The window reads the board's top rows and every decision below them: a national call
    // ranks 100,000 proposals.
    let top = invoke(
        &h,
        "decision_board",
        json!({ "call": "BJ-AIXR-2026", "limit": 5 }),
    )
    .expect("top");
    let all = b["rows"].as_array().expect("rows");
    let rows = top["rows"].as_array().expect("rows");
    assert_eq!(
        (top["ranked"].clone(), b["ranked"].clone()),
        (json!(35), json!(35))
    );
    assert_eq!(
        all.len(),
        35,
        "the default page holds the sample's whole board"
    );
    assert_eq!(rows[..5], all[..5], "the top five");
    let proposed = |rows: &[Value]| -> Vec<Value> {
        rows.iter()
            .filter(|r| !r["proposed"].is_null())
            .map(|r| r["reference"].clone())
            .collect()
    };
    assert_eq!(proposed(rows).len(), 12);
    assert_eq!(
        proposed(rows),
        proposed(all),
        "every proposed award, in rank order"
    );
    assert!(
        rows[5..].iter().all(|r| !r["proposed"].is_null()),
        "below the top, only decisions"
    );
    // And the proposals the page asks for by reference (the suggestion's), wherever they rank.
    let unproposed: Vec<Value> = all
        .iter()
        .filter(|r| r["proposed"].is_null())
        .map(|r| r["reference"].clone())
        .collect();
    let last = unproposed.last().expect("one not proposed").clone();
    let with = invoke(
        &h,
        "decision_board",
        json!({ "call": "BJ-AIXR-2026", "limit": 5, "also": [last] }),
    )
    .expect("top and one more");
    let with = with["rows"].as_array().expect("rows");
    assert_eq!(with.len(), rows.len() + 1);
    assert_eq!(with.last().map(|r| r["reference"].clone()), Some(last));
    let e = invoke(
        &h,
        "decision_propose",
        json!({ "form": { "call": "BJ-AIXR-2026", "reference": "BJ-AIXR-2026-0023" } }),
    )
    .expect_err("13th");
    assert_eq!(e["code"], "award_cap_reached");
    let bad = json!({ "call": "BJ-AIXR-2026", "mode": "greedy" });
    let e = invoke(&h, "decision_suggest", json!({ "form": bad })).expect_err("mode");
    assert_eq!(e["fields"][0]["field"], "mode");
    let r = invoke(
        &h,
        "decision_robustness",
        json!({ "form": form, "draws": 50, "seed": 1 }),
    )
    .expect("robustness");
    assert_eq!(r["draws"], 50);
    // The rows name what some draw funds; the others are counted.
    let listed = r["rows"].as_array().expect("rows").len() as u64;
    assert!(listed >= 12, "at least the suggestion's");
    assert_eq!(listed + r["never_funded"].as_u64().expect("count"), 35);
    let awards = invoke(
        &h,
        "issue_awards",
        json!({ "form": { "call": "BJ-AIXR-2026", "start_on": "2027-01-01", "decided_on": "2026-12-01" } }),
    )
    .expect("issue");
    assert_eq!(awards[0]["number"], "京科资〔2026〕第001号");
    let a = invoke(
        &h,
        "set_award_status",
        json!({ "number": "京科资〔2026〕第001号", "to": "accepted" }),
    )
    .expect("accept");
    assert_eq!(a["status"], "accepted");
    let x = invoke(
        &h,
        "export_notice",
        json!({ "call": "BJ-AIXR-2026", "xlsx": true }),
    )
    .expect("export");
    assert_eq!(x["funded"], 12);
    let path = x["path"].as_str().expect("path");
    assert!(
        path.ends_with("exports/BJ-AIXR-2026-公示名单.xlsx"),
        "{path}"
    );
    assert_eq!(&std::fs::read(path).expect("written")[..2], b"PK");
}

#[test]
fn reviewer_lists_and_score_sheets_come_in_as_gb18030_csv_or_xlsx() {
    use base64::Engine;
    let h = harness();
    invoke(&h, "load_sample", json!({})).expect("load");
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let (gbk, _, _) = encoding_rs::GB18030
        .encode("姓名,工作单位,电子邮箱,研究方向\n王立新,北京理工大学,wang@example.cn,AI\n");
    // Checked only: the count that would be imported, nothing written.
    let n = invoke(
        &h,
        "import_reviewers",
        json!({ "upload": { "call": "", "name": "专家.csv", "data": b64(&gbk), "dry_run": true } }),
    )
    .expect("dry run");
    assert_eq!(n, 1);
    let list = invoke(&h, "list_reviewers", json!({})).expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    let n = invoke(
        &h,
        "import_reviewers",
        json!({ "upload": { "call": "", "name": "专家.csv", "data": b64(&gbk) } }),
    )
    .expect("gb18030 reviewers");
    assert_eq!(n, 1);
    let table = grantdesk::export::Table {
        name: "专家".into(),
        headers: ["姓名", "工作单位", "电子邮箱", "研究方向"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            ["李雅静", "北京交通大学", "li@example.cn", "AR"]
                .map(grantdesk::export::Cell::text)
                .to_vec(),
        ],
    };
    let xlsx = grantdesk::export::xlsx(&[table]).expect("xlsx");
    let n = invoke(
        &h,
        "import_reviewers",
        json!({ "upload": { "call": "", "name": "专家.xlsx", "data": b64(&xlsx) } }),
    )
    .expect("xlsx reviewers");
    assert_eq!(n, 1);
    let list = invoke(&h, "list_reviewers", json!({})).expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    // A refused row names its number; nothing is written.
    let bad = "姓名,工作单位,电子邮箱,研究方向\n张三,某单位,not-an-email,AI\n";
    let e = invoke(
        &h,
        "import_reviewers",
        json!({ "upload": { "call": "", "name": "bad.csv", "data": b64(bad.as_bytes()) } }),
    )
    .expect_err("refused");
    assert_eq!(e["code"], "import_refused");
    let list = invoke(&h, "list_reviewers", json!({})).expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(2));
}

/// The command line of this workspace, built beside this test (`cargo test --workspace`
/// builds it with the core's integration tests).
fn cli() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        std::path::PathBuf::from,
    );
    let exe = target.join("debug").join("grantdesk");
    assert!(exe.exists(), "the CLI is built first: {}", exe.display());
    exe
}

fn cli_json(h: &Harness, args: &[&str]) -> Result<Value, Value> {
    let out = std::process::Command::new(cli())
        .args(args)
        .args(["--json", "--lang", "en"])
        .env("GRANTDESK_DB", h.dir.path().join("shell.db"))
        .output()
        .expect("run the CLI");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("json on stdout"))
    } else {
        Err(serde_json::from_slice(&out.stderr).expect("json error on stderr"))
    }
}

/// Issue #12: the window and the command line are two front ends of one core, so the same
/// operations give the same figures and the same failure the same error through both.
#[test]
fn the_window_and_the_command_line_agree_on_figures_and_errors() {
    let h = harness();
    invoke(&h, "load_sample", json!({ "stage": "reviewed" })).expect("load");
    // One more proposal, withdrawn: neither front end counts it (the command line used to).
    let mut form = invoke(
        &h,
        "proposal_form",
        json!({ "call": "BJ-AIXR-2026", "reference": "BJ-AIXR-2026-0001" }),
    )
    .expect("form");
    form["reference"] = json!("");
    form["title"] = json!("撤回的申请书");
    let p = invoke(&h, "create_proposal", json!({ "form": form })).expect("create");
    invoke(
        &h,
        "withdraw_proposal",
        json!({ "call": "BJ-AIXR-2026", "reference": p["reference"] }),
    )
    .expect("withdraw");
    let d = invoke(&h, "call_dashboard", json!({ "code": "BJ-AIXR-2026" })).expect("dashboard");
    let shown = cli_json(&h, &["call", "show", "BJ-AIXR-2026"]).expect("call show");
    assert_eq!(shown["requested"], d["proposals"]["requested"]);
    assert_eq!(shown["proposals"], d["proposals"]["count"]);
    assert_eq!(shown["proposals"], 40, "the withdrawn 41st is left out");

    // The window reads the ranking as the page does: the order, then the lines by handle.
    let order = invoke(
        &h,
        "ranking_order",
        json!({ "call": "BJ-AIXR-2026", "by": "mean" }),
    )
    .expect("ranking order");
    assert_eq!(order["total"], 35, "the eligible proposals");
    let window = invoke(
        &h,
        "ranking_rows",
        json!({ "call": "BJ-AIXR-2026", "by": "mean", "version": order["version"], "ids": order["rows"] }),
    )
    .expect("ranking rows");
    let line = cli_json(&h, &["ranking", "--call", "BJ-AIXR-2026"]).expect("ranking");
    let figures = |v: &Value| -> Vec<(String, String, u64)> {
        v.as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["reference"].as_str().unwrap_or_default().to_string(),
                    r["mean"].to_string(),
                    r["rank"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(figures(&window), figures(&line));
    assert_eq!(figures(&window).len(), 35);

    let board = invoke(&h, "decision_board", json!({ "call": "BJ-AIXR-2026" })).expect("board");
    let cli_board = cli_json(&h, &["decide", "board", "--call", "BJ-AIXR-2026"]).expect("board");
    for key in ["committed", "remaining", "awards", "budget", "unreviewed"] {
        assert_eq!(board[key], cli_board[key], "{key}");
    }

    // The same failures, the same codes.
    let e = invoke(&h, "get_call", json!({ "code": "NOPE-1" })).expect_err("missing");
    let c = cli_json(&h, &["call", "show", "NOPE-1"]).expect_err("missing");
    assert_eq!(
        (e["code"].clone(), e["message"].clone()),
        (c["code"].clone(), c["message"].clone())
    );
    let e = invoke(
        &h,
        "export_table",
        json!({ "call": "BJ-AIXR-2026", "what": "everything", "xlsx": false }),
    )
    .expect_err("unknown table");
    let out = h.dir.path().join("x.csv").display().to_string();
    let c = cli_json(
        &h,
        &[
            "export",
            "everything",
            "--call",
            "BJ-AIXR-2026",
            "--out",
            &out,
        ],
    )
    .expect_err("unknown table");
    assert_eq!(
        e["code"], "invalid_input",
        "never silently the awards table"
    );
    assert_eq!(
        (e["code"].clone(), e["fields"].clone()),
        (c["code"].clone(), c["fields"].clone())
    );
}

/// Issue #12: the command list is written once (`commands/list.rs`); the capability grants
/// the window exactly those commands, no more and no fewer.
#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let text = include_str!("../../capabilities/default.json");
    let cap: Value = serde_json::from_str(text).expect("capability json");
    let mut granted: Vec<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    granted.sort();
    let mut listed: Vec<String> = super::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    // Beyond the commands, only hearing the shell's `changed` events (a shared server's).
    listed.extend([
        "core:event:allow-listen".into(),
        "core:event:allow-unlisten".into(),
    ]);
    listed.sort();
    assert_eq!(granted, listed);
}

/// Every disbursement command, called with what the window's views send, on the sample a year
/// into its awards (the window opened with `--now 2028-02-01T10:00:00+08:00`).
#[test]
fn every_disbursement_command_takes_what_the_window_sends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shell.db");
    let pool = tauri::async_runtime::block_on(grantdesk::store::open(&path)).expect("open");
    let now = chrono::DateTime::parse_from_rfc3339("2028-02-01T10:00:00+08:00")
        .expect("now")
        .with_timezone(&chrono::Utc);
    let answers = crate::dialog::Answers::File(dir.path().join("dialog-answer"));
    let state = AppState::new(pool, path, Lang::En)
        .at(Some(now))
        .answering(answers);
    let app = with_commands(mock_builder().manage(state))
        .build(tauri::generate_context!())
        .expect("mock app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    let h = Harness { window, dir };
    let call = "BJ-AIXR-2026";
    invoke(&h, "load_sample", json!({ "stage": "disbursing" })).expect("sample");
    let two = "京科资〔2026〕第002号";
    let f = invoke(&h, "award_finance", json!({ "number": two })).expect("award");
    assert_eq!(f["today"], "2028-02-01");
    assert_eq!(f["tranches"].as_array().map(Vec::len), Some(3));
    let edit = |action: &str, extra: Value| {
        let mut form = json!({ "award": two, "action": action, "tranche": "3", "to": "", "amount": "", "due_on": "", "milestone": "" });
        for (k, v) in extra.as_object().expect("object") {
            form[k] = v.clone();
        }
        invoke(&h, "edit_schedule", json!({ "form": form }))
    };
    let f = edit("split", json!({ "amount": "1000" })).expect("split");
    assert_eq!(f["tranches"].as_array().map(Vec::len), Some(4));
    invoke(
        &h,
        "add_milestone",
        json!({ "form": { "award": two, "name": "现场核查", "due_on": "2028-06-01" } }),
    )
    .expect("add");
    invoke(
        &h,
        "move_milestone",
        json!({ "form": { "award": two, "milestone": "现场核查", "due_on": "2028-07-01" } }),
    )
    .expect("move");
    invoke(&h, "record_outcome", json!({ "form": { "award": two, "milestone": "midterm", "outcome": "passed", "decided_on": "", "rectify_by": "", "note": "" } })).expect("outcome");
    let p = invoke(
        &h,
        "approve_payment",
        json!({ "form": { "award": two, "tranche": "2", "amount": "" } }),
    )
    .expect("approve");
    assert_eq!(p["status"], "approved");
    let b = invoke(
        &h,
        "create_batch",
        json!({ "form": { "call": call, "from": "", "to": "" } }),
    )
    .expect("batch");
    let reference = b["reference"].as_str().expect("reference").to_string();
    assert_eq!(
        invoke(&h, "get_batch", json!({ "reference": reference })).expect("get")["rows"][0]["payment"],
        p["id"]
    );
    let exported = invoke(
        &h,
        "export_batch",
        json!({ "reference": reference, "xlsx": true }),
    )
    .expect("export");
    assert!(std::path::Path::new(exported["path"].as_str().expect("path")).exists());
    let paid = invoke(
        &h,
        "batch_paid",
        json!({ "form": { "batch": reference, "on": "", "bank_ref": "ICBC-1" } }),
    )
    .expect("paid");
    assert_eq!(paid["rows"][0]["status"], "paid");
    let e = invoke(&h, "move_payment", json!({ "form": { "payment": p["id"].to_string(), "on": "", "note": "x" }, "to": "failed" })).expect_err("paid is final");
    assert_eq!(e["code"], "illegal_payment_transition");
    invoke(
        &h,
        "record_clawback",
        json!({ "form": { "award": two, "amount": "1000", "reason": "收回", "on": "" } }),
    )
    .expect("clawback");
    let late = "京科资〔2026〕第008号";
    let f = invoke(&h, "submit_report", json!({ "form": { "award": late, "year": "1", "final": "", "submitted_on": "", "note": "", "lines": [{ "category": "operations", "amount": "1000" }] } })).expect("report");
    assert!(
        f["holds"].as_array().is_some_and(Vec::is_empty),
        "the late report's hold lifted: {}",
        f["holds"]
    );
    invoke(&h, "adjust_budget", json!({ "form": { "award": late, "year": "1", "from": "operations", "to": "personnel", "amount": "100", "reason": "r" } })).expect("adjust");
    let f = invoke(
        &h,
        "decide_adjustment",
        json!({ "form": { "adjustment": "2", "decision": "approve", "note": "" } }),
    )
    .expect("decide");
    assert_eq!(f["spending"]["adjustments"][0]["status"], "approved");
    let e = invoke(
        &h,
        "close_out",
        json!({ "form": { "award": "京科资〔2026〕第004号", "note": "" } }),
    )
    .expect_err("no final report");
    assert_eq!(e["code"], "not_ready_to_complete");
    let page = invoke(&h, "call_finance", json!({ "call": call, "by": "year" })).expect("page");
    assert_eq!(page["cash"]["by"], "year");
    assert_eq!(page["ledger"]["balanced"], true);
    let e = invoke(&h, "call_finance", json!({ "call": call, "by": "week" }))
        .expect_err("bad grouping");
    assert_eq!(e["code"], "invalid_input");
}
