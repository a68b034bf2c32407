//! The database the window works on, chosen in the settings: this computer's file or a shared
//! server (its password kept in the system keyring), taken at the next start.

use super::prelude::*;
use crate::connection;
use grantdesk::officer::{self, Officer};

#[derive(Serialize)]
pub struct Connection {
    /// The database open now, as people read it (no password).
    now: String,
    /// Whether it is a server's.
    on_server: bool,
    /// The server chosen in the settings for the next start, if any (no password).
    saved: Option<String>,
    /// Whether the keyring holds a password for it.
    saved_password: bool,
}

#[tauri::command]
pub fn server_connection(state: State<'_, AppState>) -> Connection {
    let saved = connection::saved(state.server_file.as_deref()).map(|s| s.url);
    let saved_password = saved.as_deref().is_some_and(|u| {
        state
            .keyring
            .get(&connection::account(u))
            .is_ok_and(|p| p.is_some())
    });
    Connection {
        now: state.location.clone(),
        on_server: state.pool().backend() == grantdesk::db::Backend::Postgres,
        saved,
        saved_password,
    }
}

/// Signs in to the server's database to check the address and the password, then keeps the
/// address (settings) and the password (keyring) for the next start; nothing is kept when
/// the sign-in fails. Replies who the server says the officer is.
#[tauri::command]
pub async fn connect_to_server(
    state: State<'_, AppState>,
    url: String,
    password: String,
) -> Reply<Officer> {
    let url = connection::check_url(&url).or_fail(&state)?;
    let pool = grantdesk::store::sign_in_once(&url, Some(&password))
        .await
        .map_err(grantdesk::Error::from)
        .or_fail(&state)?;
    let who = officer::whoami(&pool).await;
    pool.close().await;
    let who = who.or_fail(&state)?;
    connection::save(
        state.server_file.as_deref(),
        &state.keyring,
        &url,
        Some(&password),
    )
    .or_fail(&state)?;
    Ok(who)
}

/// This computer's file again at the next start; the server's password leaves the keyring.
#[tauri::command]
pub fn forget_server(state: State<'_, AppState>) -> Reply<()> {
    connection::forget(state.server_file.as_deref(), &state.keyring).or_fail(&state)
}

/// Starts the window again (on the database the settings now name).
#[tauri::command]
pub fn restart_app<R: Runtime>(app: AppHandle<R>) {
    app.restart();
}
