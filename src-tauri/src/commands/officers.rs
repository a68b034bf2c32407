//! Officers on a shared server: who is signed in, the officers and their roles, and (for an
//! administrator) adding one. On the file: the one officer of the file, every role.

use super::prelude::*;
use grantdesk::officer::{self, Officer};

#[tauri::command]
pub async fn whoami(state: State<'_, AppState>) -> Reply<Officer> {
    officer::whoami(&state.pool()).await.or_fail(&state)
}

#[tauri::command]
pub async fn list_officers(state: State<'_, AppState>) -> Reply<Vec<Officer>> {
    officer::list(&state.pool()).await.or_fail(&state)
}

/// Creates the officer's sign-in role if new and grants the role (the administrator's duty).
#[tauri::command]
pub async fn add_officer(state: State<'_, AppState>, name: String, role: String) -> Reply<Officer> {
    officer::add(&state.pool(), &state.stamp(), &name, &role)
        .await
        .or_fail(&state)
}
