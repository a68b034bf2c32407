use super::prelude::*;

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    db_path: String,
    /// The language of the system locale, for the first start.
    system_lang: Lang,
    /// What the start found wrong; the window shows each until it is dismissed.
    warnings: Vec<grantdesk::startup::Warning>,
    /// Whether the checks of the record run after the start (the audit chain, the day's
    /// backup) have ended; until then more warnings may come (the `warnings` event).
    record_checked: bool,
    /// The call last opened on this database, to open on again.
    last_call: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        system_lang: crate::system_lang(),
        record_checked: state
            .record_checked
            .load(std::sync::atomic::Ordering::SeqCst),
        warnings: state.warnings(),
        last_call: state.memory.last_call(&state.db_path),
    }
}

#[tauri::command]
pub fn set_lang(state: State<'_, AppState>, lang: Lang) {
    if let Ok(mut l) = state.lang.lock() {
        *l = lang;
    }
}

/// Loads the sample call into an empty database (refused otherwise); `stage: "reviewed"`
/// carries it through the review, `"awarded"` through the decision.
#[tauri::command]
pub async fn load_sample(state: State<'_, AppState>, stage: Option<String>) -> Reply<Loaded> {
    demo::ensure_empty(&state.pool()).await.or_fail(&state)?;
    match stage.as_deref() {
        Some("reviewed") => demo::load_reviewed(&state.pool(), &state.stamp())
            .await
            .map(|r| r.loaded),
        Some("awarded") => demo::load_awarded(&state.pool(), &state.stamp())
            .await
            .map(|r| r.reviewed.loaded),
        Some("disbursing") => demo::load_disbursing(&state.pool(), &state.stamp())
            .await
            .map(|r| r.awarded.reviewed.loaded),
        _ => demo::load(&state.pool(), &state.stamp()).await,
    }
    .or_fail(&state)
}

#[tauri::command]
pub fn vocabulary() -> Vocabulary {
    grantdesk::vocabulary::vocabulary()
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Reply<audit::Verified> {
    audit::verify(&state.pool()).await.or_fail(&state)
}

/// The agency's settings as the settings page shows them.
#[derive(Serialize)]
pub struct SettingsView {
    time_zone: String,
    /// The agency's today in that zone.
    today: String,
    /// Whether the agency has been named (the start screen asks until it is).
    agency_set: bool,
}

async fn settings_view(state: &AppState, zone: chrono_tz::Tz) -> Reply<SettingsView> {
    state.set_zone(zone);
    Ok(SettingsView {
        time_zone: zone.name().to_string(),
        today: state.stamp().today().to_string(),
        agency_set: grantdesk::settings::agency_is_set(&state.pool())
            .await
            .or_fail(state)?,
    })
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<SettingsView> {
    let zone = grantdesk::settings::time_zone(&state.pool())
        .await
        .or_fail(&state)?;
    settings_view(&state, zone).await
}

/// Sets the agency's time zone (an IANA name such as Asia/Shanghai); every later act is dated
/// in it.
#[tauri::command]
pub async fn set_time_zone(state: State<'_, AppState>, zone: String) -> Reply<SettingsView> {
    let zone = grantdesk::settings::set_time_zone(&state.pool(), &state.stamp(), &zone)
        .await
        .or_fail(&state)?;
    settings_view(&state, zone).await
}

/// The first run's answers: the agency's names, its letterhead and its time zone, kept
/// together (or nothing, each bad field named).
#[tauri::command]
pub async fn first_run(
    state: State<'_, AppState>,
    form: grantdesk::settings::FirstRunForm,
) -> Reply<SettingsView> {
    let (_, zone) = grantdesk::settings::first_run(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)?;
    settings_view(&state, zone).await
}
