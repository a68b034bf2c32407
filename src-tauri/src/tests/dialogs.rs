//! The system's file dialogs as the commands use them, answered by the test seam.

use serde_json::{Value, json};

use super::{harness, invoke};

/// Issue #15: files go where the officer says in the system's dialog (answered here by the
/// test seam); a cancelled dialog writes nothing; a chosen file is read by the shell.
#[test]
fn exports_go_where_the_dialog_says_and_a_cancelled_one_writes_nothing() {
    let h = harness();
    invoke(&h, "load_sample", json!({})).expect("load");
    let answer = h.dir.path().join("dialog-answer");
    let chosen = h.dir.path().join("stick").join("our proposals.csv");
    std::fs::create_dir_all(h.dir.path().join("stick")).expect("dir");
    std::fs::write(&answer, chosen.display().to_string()).expect("answer");
    let args = json!({ "call": "BJ-AIXR-2026", "what": "proposals", "xlsx": false });
    let r = invoke(&h, "export_table", args.clone()).expect("export");
    assert_eq!(r["path"], chosen.display().to_string());
    assert_eq!(r["rows"], 40);
    let written = std::fs::read(&chosen).expect("written there");
    assert!(!answer.exists(), "an answer is used once");

    std::fs::write(&answer, "").expect("answer");
    assert_eq!(invoke(&h, "export_table", args.clone()), Ok(Value::Null));
    assert!(
        !h.dir.path().join("exports").exists(),
        "nothing written when cancelled"
    );
    // No answer left: the dialog's offer is taken (exports/ beside the database).
    let r = invoke(&h, "export_table", args).expect("export");
    assert!(
        r["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("exports/BJ-AIXR-2026-申请书.csv")),
        "{r}"
    );

    // An open dialog: the shell reads the chosen file for the window; cancelled, nothing.
    std::fs::write(&answer, chosen.display().to_string()).expect("answer");
    let f = invoke(&h, "choose_file", json!({ "kind": "sheet" })).expect("chosen");
    assert_eq!(f["name"], "our proposals.csv");
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD
        .decode(f["data"].as_str().expect("data"))
        .expect("base64");
    assert_eq!(data, written);
    assert_eq!(
        invoke(&h, "choose_file", json!({ "kind": "sheet" })),
        Ok(Value::Null),
        "no answer: an open dialog is cancelled"
    );
    // The folder chosen may now be opened; others outside the exports still may not.
    let e = invoke(&h, "open_folder", json!({ "path": "/etc" })).expect_err("outside");
    assert_eq!(e["code"], "invalid_input");
}
