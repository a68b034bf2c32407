//! Integration tests of the core against real SQLite files in temporary directories, through
//! the public API only. One binary (see DESIGN §7).

mod audit_log;
mod backup;
mod calls;
mod cli;
mod crash;
mod decisions;
mod exports;
mod import;
mod proposals;
mod review;
mod sample;
mod support;
