//! The window's binary as an officer starts it, up to the point where a window would open:
//! a bad flag is refused with a message naming it, before any window, with exit status 1.
//! (Having an integration test also makes `cargo test` build this binary with the features
//! the tests resolve, so that the end-to-end tests drive that very build: `make e2e`.)

use std::process::Command;

#[test]
fn a_bad_now_flag_is_refused_naming_the_flag_before_any_window() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_grantdesk-app"))
        .args(["--db"])
        .arg(dir.path().join("g.sqlite"))
        .args(["--now", "next tuesday"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--now next tuesday") && err.contains("RFC 3339"),
        "{err}"
    );
}
