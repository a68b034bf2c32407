//! Integration tests of the core against real SQLite files in temporary directories, through
//! the public API only. One binary. The command line's own tests (run as a binary, crash
//! safety) are in `cli/tests/`.

mod audit_log;
mod backup;
mod calls;
mod decisions;
mod disbursements;
mod exports;
mod import;
mod letters;
mod live;
mod migrate;
mod officers;
mod proposals;
mod review;
mod sample;
mod settings;
mod stale;
mod support;
