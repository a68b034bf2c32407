// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = grantdesk_app::run() {
        eprintln!("GrantDesk: {e}");
        std::process::exit(1);
    }
}
