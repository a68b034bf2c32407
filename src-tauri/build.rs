// The app commands get `allow-<command>` permissions only when listed here; the capability in
// `capabilities/default.json` grants exactly these to the main window.
const COMMANDS: &[&str] = &[
    "app_info",
    "vocabulary",
    "set_lang",
    "load_sample",
    "list_calls",
    "get_call",
    "call_dashboard",
    "call_form",
    "create_call",
    "update_call",
    "set_call_status",
    "list_proposals",
    "get_proposal",
    "proposal_form",
    "create_proposal",
    "update_proposal",
    "submit_proposal",
    "withdraw_proposal",
    "check_eligibility",
    "audit_verify",
    "list_reviewers",
    "create_reviewer",
    "update_reviewer",
    "set_reviewer_active",
    "run_draw",
    "call_ranking",
    "proposal_panel",
    "add_panel_reviewer",
    "release_panel_reviewer",
    "enter_review",
    "decline_panel_reviewer",
    "review_matrix",
    "declare_conflict",
    "decision_board",
    "decision_propose",
    "decision_withdraw",
    "decision_suggest",
    "decision_apply",
    "decision_robustness",
    "issue_awards",
    "list_awards",
    "set_award_status",
    "export_notice",
    "list_backups",
    "backup_now",
    "check_backup",
    "restore_backup",
    "import_preview",
    "import_commit",
    "export_table",
    "import_reviewers",
    "import_scores",
];

fn main() {
    println!("cargo:rerun-if-changed=../ui");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
