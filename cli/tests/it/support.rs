//! The command line as a user runs it: a real binary on a real database file in its own
//! temporary directory.

use std::process::{Command, Output};

use tempfile::TempDir;

pub struct Cli {
    pub dir: TempDir,
    /// The moment the commands run at (`GRANTDESK_NOW`), if not the clock's.
    now: std::cell::RefCell<Option<String>>,
}

impl Cli {
    pub fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().expect("temp dir"),
            now: std::cell::RefCell::new(None),
        }
    }

    /// Runs the following commands at this moment (RFC 3339), as if the clock said so.
    pub fn at(&self, now: &str) {
        *self.now.borrow_mut() = Some(now.to_string());
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_grantdesk"));
        c.args(args)
            .env("GRANTDESK_DB", self.dir.path().join("cli.db"))
            // Anyone can set $USER: the audit log must not believe it.
            .env("USER", "mallory");
        if let Some(now) = self.now.borrow().as_deref() {
            c.env("GRANTDESK_NOW", now);
        }
        c.output().expect("run grantdesk")
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).expect("utf-8")
    }

    pub fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(!o.status.success(), "{args:?} should fail");
        String::from_utf8(o.stderr).expect("utf-8")
    }

    pub fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.display().to_string()
    }
}
