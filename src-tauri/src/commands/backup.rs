use super::prelude::*;

#[derive(Serialize)]
pub struct BackupsView {
    db_path: String,
    dir: String,
    backups: Vec<grantdesk::backup::Listed>,
}

#[tauri::command]
pub fn list_backups(state: State<'_, AppState>) -> Reply<BackupsView> {
    let dir = grantdesk::backup::rolling_dir(&state.db_path);
    let backups = grantdesk::backup::list(&dir).or_fail(&state)?;
    Ok(BackupsView {
        db_path: state.db_path.display().to_string(),
        dir: dir.display().to_string(),
        backups,
    })
}

/// A backup now, into the backups folder beside the database.
#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Reply<grantdesk::backup::BackupInfo> {
    grantdesk::backup::take_now(&state.pool(), &state.db_path, &state.stamp())
        .await
        .or_fail(&state)
}

/// Checks a backup in the backups folder (by name) without changing anything.
#[tauri::command]
pub async fn check_backup(
    state: State<'_, AppState>,
    name: String,
) -> Reply<grantdesk::backup::BackupInfo> {
    let path = backup_path(&state, &name)?;
    grantdesk::backup::inspect(&path).await.or_fail(&state)
}

/// Replaces the database by a backup of the backups folder, once checked; the replaced one
/// is kept aside. The window goes on with the restored database.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    name: String,
) -> Reply<grantdesk::backup::Restored> {
    let path = backup_path(&state, &name)?;
    grantdesk::backup::inspect(&path).await.or_fail(&state)?;
    let old = state.pool();
    old.close().await;
    let restored = grantdesk::backup::restore(&state.db_path, &path, &state.stamp(), true).await;
    // Whatever happened, the window needs a database again.
    let pool = store::open(&state.db_path).await.or_fail(&state)?;
    state.set_pool(pool);
    restored.or_fail(&state)
}

/// Only names of files in the backups folder are accepted: the window cannot reach others.
pub(crate) fn backup_path(state: &AppState, name: &str) -> Reply<PathBuf> {
    grantdesk::backup::in_rolling_dir(&state.db_path, name).or_fail(state)
}
