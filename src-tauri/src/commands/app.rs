use super::prelude::*;

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    db_path: String,
    /// The language of the system locale, for the first start.
    system_lang: Lang,
    /// What the start found wrong; the window shows each until it is dismissed.
    warnings: Vec<grantdesk::startup::Warning>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        system_lang: crate::system_lang(),
        warnings: state.warnings.clone(),
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
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<SettingsView> {
    let zone = grantdesk::settings::time_zone(&state.pool())
        .await
        .or_fail(&state)?;
    state.set_zone(zone);
    Ok(SettingsView {
        time_zone: zone.name().to_string(),
        today: state.stamp().today().to_string(),
    })
}

/// Sets the agency's time zone (an IANA name such as Asia/Shanghai); every later act is dated
/// in it.
#[tauri::command]
pub async fn set_time_zone(state: State<'_, AppState>, zone: String) -> Reply<SettingsView> {
    let zone = grantdesk::settings::set_time_zone(&state.pool(), &state.stamp(), &zone)
        .await
        .or_fail(&state)?;
    state.set_zone(zone);
    Ok(SettingsView {
        time_zone: zone.name().to_string(),
        today: state.stamp().today().to_string(),
    })
}
