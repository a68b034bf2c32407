use super::prelude::*;

#[tauri::command]
pub async fn list_calls(state: State<'_, AppState>) -> Reply<Vec<Call>> {
    call::list(&state.pool()).await.or_fail(&state)
}

#[tauri::command]
pub async fn get_call(state: State<'_, AppState>, code: String) -> Reply<Call> {
    call::get(&state.pool(), &code).await.or_fail(&state)
}

#[tauri::command]
pub async fn call_dashboard(state: State<'_, AppState>, code: String) -> Reply<Dashboard> {
    let d = dashboard::of_call(&state.pool(), &code)
        .await
        .or_fail(&state)?;
    // The call the window opens on next time, on this database.
    state.memory.opened_call(&state.db_path, &code);
    Ok(d)
}

/// The form to edit a call with (its current definition), or a new call's starter form.
#[tauri::command]
pub async fn call_form(state: State<'_, AppState>, code: Option<String>) -> Reply<CallForm> {
    match code {
        Some(code) => call::edit_form(&state.pool(), &code).await.or_fail(&state),
        None => Ok(CallForm::starter()),
    }
}

#[tauri::command]
pub async fn create_call(state: State<'_, AppState>, form: CallForm) -> Reply<Call> {
    call::create(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn update_call(state: State<'_, AppState>, code: String, form: CallForm) -> Reply<Call> {
    call::update(&state.pool(), &state.stamp(), &code, &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn set_call_status(
    state: State<'_, AppState>,
    code: String,
    status: CallStatus,
) -> Reply<Call> {
    call::set_status(&state.pool(), &state.stamp(), &code, status)
        .await
        .or_fail(&state)
}
