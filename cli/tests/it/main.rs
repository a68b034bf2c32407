//! The command line run as a user would: a real binary on real database files, and its crash
//! safety under SIGKILL. One test binary.

mod basics;
mod crash;
mod data;
mod decisions;
mod disbursements;
mod support;
