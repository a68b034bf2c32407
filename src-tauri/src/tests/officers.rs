//! The officers' page and the stale-edit versions as the window sends and receives them.

use serde_json::json;

use super::{harness, invoke};

/// On the file: its one officer holds every role, and officers are a server's matter, said
/// in the window's language.
#[test]
fn on_the_file_the_officer_holds_every_role_and_officers_are_a_servers_matter() {
    let h = harness();
    let me = invoke(&h, "whoami", json!({})).expect("whoami");
    assert_eq!(me["backend"], "sqlite");
    assert_eq!(
        me["roles"],
        json!([
            "viewer",
            "programme",
            "finance",
            "director",
            "administrator"
        ])
    );
    assert_eq!(me["superuser"], false);
    let e = invoke(
        &h,
        "add_officer",
        json!({ "name": "li_wei", "role": "finance" }),
    )
    .expect_err("file");
    assert_eq!(e["code"], "officers_server_only");
    let e = invoke(&h, "list_officers", json!({})).expect_err("file");
    assert_eq!(e["code"], "officers_server_only");
    let vocab = invoke(&h, "vocabulary", json!({})).expect("vocabulary");
    assert_eq!(
        vocab["role"][2],
        json!({ "code": "finance", "zh": "财务", "en": "finance" })
    );
}

/// The edit forms carry the version they were read at; saving on a stale one is refused with
/// the officer's name, and the reloaded form saves.
#[test]
fn an_edit_form_carries_its_version_and_a_stale_save_is_refused() {
    let h = harness();
    invoke(&h, "load_sample", json!({ "stage": "reviewed" })).expect("load");
    let first = invoke(&h, "reviewer_form", json!({ "id": 1 })).expect("form");
    assert!(
        first["seen_version"].as_i64().is_some_and(|v| v > 0),
        "{first}"
    );
    let mut edited = first.clone();
    edited["phone"] = json!("010-99999999");
    invoke(&h, "update_reviewer", json!({ "id": 1, "form": edited })).expect("first save");
    let mut stale = first.clone();
    stale["affiliation"] = json!("北京大学");
    let e = invoke(&h, "update_reviewer", json!({ "id": 1, "form": stale })).expect_err("stale");
    assert_eq!(e["code"], "changed_by_another");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("reviewer 1 was changed by another officer")),
        "{e}"
    );
    let again = invoke(&h, "reviewer_form", json!({ "id": 1 })).expect("form");
    assert_eq!(again["phone"], "010-99999999");
    let p = invoke(
        &h,
        "proposal_form",
        json!({ "call": "BJ-AIXR-2026", "reference": "BJ-AIXR-2026-0001" }),
    )
    .expect("proposal form");
    assert!(p["seen_version"].as_i64().is_some_and(|v| v > 0), "{p}");
    assert_eq!(p["call"], "BJ-AIXR-2026");
    let blank = invoke(&h, "proposal_form", json!({ "call": "BJ-AIXR-2026" })).expect("new");
    assert!(blank.get("seen_version").is_none(), "{blank}");
}

/// The settings' server connection: what is typed is checked (a server URL, no password in
/// it), a server that does not answer keeps nothing, and the file stays the database.
#[test]
fn a_server_is_kept_for_the_next_start_only_once_it_answered() {
    let h = harness();
    let c = invoke(&h, "server_connection", json!({})).expect("connection");
    assert_eq!(c["on_server"], false);
    assert!(
        c["now"].as_str().is_some_and(|p| p.ends_with("shell.db")),
        "{c}"
    );
    assert_eq!(c["saved"], json!(null));
    let refused = |url: &str| {
        invoke(
            &h,
            "connect_to_server",
            json!({ "url": url, "password": "s3cret" }),
        )
        .expect_err(url)
    };
    let e = refused("db.agency/grantdesk");
    assert_eq!(e["fields"][0]["field"], "url");
    assert_eq!(e["fields"][0]["rule"], "server_url");
    let e = refused("postgres://li_wei:s3cret@db.agency/grantdesk");
    assert_eq!(e["fields"][0]["rule"], "password_in_url");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.contains("s3cret")),
        "{e}"
    );
    // Nothing listens on port 1: refused by the network, nothing kept.
    let e = refused("postgres://li_wei@127.0.0.1:1/grantdesk");
    assert!(e["code"].as_str().is_some(), "{e}");
    assert!(!h.dir.path().join("server.json").exists());
    assert!(!h.dir.path().join("keyring.json").exists());
    assert_eq!(
        invoke(&h, "server_connection", json!({}))
            .expect("connection")
            .get("saved"),
        Some(&json!(null))
    );
    invoke(&h, "forget_server", json!({})).expect("nothing to forget");
}
