//! The letter commands as the window calls them.

use serde_json::json;

use super::{harness, invoke};

/// The letter commands with what the window's letters module sends.
#[test]
fn the_letter_commands_take_what_the_window_sends() {
    let h = harness();
    invoke(&h, "load_sample", json!({ "stage": "awarded" })).expect("sample");
    let number = "京科资〔2026〕第001号";
    let one = invoke(
        &h,
        "write_letter",
        json!({ "number": number, "lang": "zh" }),
    )
    .expect("one letter");
    assert_eq!(one["version"], 1);
    let path = one["path"].as_str().expect("path").to_string();
    assert!(path.contains("exports") && path.ends_with(".pdf"), "{path}");

    let batch = invoke(
        &h,
        "write_letters",
        json!({ "call": "BJ-AIXR-2026", "lang": "en", "merged": true }),
    )
    .expect("all letters");
    assert_eq!(batch["issued"].as_array().map(Vec::len), Some(12));
    assert_eq!(batch["cancelled"], false);
    assert!(batch["merged"]["path"].as_str().is_some());
    let progress = invoke(&h, "letters_progress", json!({})).expect("progress");
    assert_eq!(
        progress,
        json!({ "running": false, "done": 12, "total": 12 })
    );
    invoke(&h, "cancel_letters", json!({})).expect("cancel");
    // A run after a cancel request starts afresh (the flag is cleared at the start).
    let again = invoke(
        &h,
        "write_letters",
        json!({ "call": "BJ-AIXR-2026", "lang": "zh", "merged": false }),
    )
    .expect("again");
    assert_eq!(again["cancelled"], false);

    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&path).expect("pdf"));
    let v = invoke(
        &h,
        "verify_letter",
        json!({ "upload": { "call": "", "name": "l.pdf", "data": data } }),
    )
    .expect("verdict");
    assert_eq!(v["issued"]["number"], number);
    assert_eq!(v["superseded"], true, "the batch issued later versions");

    let mut form = invoke(&h, "get_agency", json!({})).expect("agency");
    assert_eq!(form["name_zh"], "北京市科研资助管理中心");
    form["name_en"] = json!("");
    let e = invoke(&h, "set_agency", json!({ "form": form.clone() })).expect_err("refused");
    assert_eq!(e["fields"][0]["field"], "name_en");
    form["name_en"] = json!("Haidian District Science and Technology Commission");
    let back = invoke(&h, "set_agency", json!({ "form": form })).expect("set");
    assert_eq!(
        back["name_en"],
        "Haidian District Science and Technology Commission"
    );

    let e = invoke(&h, "open_folder", json!({ "path": "/etc" })).expect_err("outside");
    assert_eq!(e["fields"][0]["field"], "path", "{e}");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("exports")),
        "{e}"
    );
    assert!(h.dir.path().join("exports/letters").is_dir());
}
