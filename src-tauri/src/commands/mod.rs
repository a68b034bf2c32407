//! The window's commands, one module per area of the core. Each only translates: IPC payload
//! → core input → core call → reply (`.or_fail(&state)` puts a core error into the window's
//! language). The list of them is written once, in `list.rs`.

pub mod app;
pub mod backup;
pub mod calls;
pub mod data;
pub mod decide;
pub mod disburse;
pub mod letters;
pub mod officers;
pub mod proposals;
pub mod review;
pub mod server;

/// What every command module uses.
mod prelude {
    pub(crate) use std::path::PathBuf;

    pub(crate) use serde::{Deserialize, Serialize};
    pub(crate) use tauri::{AppHandle, Runtime, State};

    pub(crate) use grantdesk::call::{self, Call, CallForm, CallStatus};
    pub(crate) use grantdesk::dashboard::{self, Dashboard};
    pub(crate) use grantdesk::decision::{self, robustness::Robustness, suggest::Suggestion};
    pub(crate) use grantdesk::demo::{self, Loaded};
    pub(crate) use grantdesk::export::{self, Format};
    pub(crate) use grantdesk::proposal::{
        self, Proposal, ProposalForm, ProposalStatus, ProposalSummary,
    };
    pub(crate) use grantdesk::review;
    pub(crate) use grantdesk::review::pool::{self, Reviewer, ReviewerForm};
    pub(crate) use grantdesk::review::ranking::Aggregate;
    pub(crate) use grantdesk::store;
    pub(crate) use grantdesk::vocabulary::Vocabulary;
    pub(crate) use grantdesk::{Error, Lang, audit};

    pub(crate) use crate::dialog::{self, Kind};
    pub(crate) use crate::{AppState, OrFail, Reply};
}
