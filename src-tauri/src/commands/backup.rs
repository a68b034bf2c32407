use super::prelude::*;

#[derive(Serialize)]
pub struct BackupsView {
    db_path: String,
    dir: String,
    backups: Vec<grantdesk::backup::Listed>,
}

#[tauri::command]
pub fn list_backups(state: State<'_, AppState>) -> Reply<BackupsView> {
    // On a server: its own tools do it (the pg_dump and pg_restore commands, said).
    if let Some(server) = grantdesk::backup::server_way(&state.pool()) {
        return Err(server).or_fail(&state);
    }
    let dir = grantdesk::backup::rolling_dir(&state.db_path);
    let backups = grantdesk::backup::list(&dir).or_fail(&state)?;
    Ok(BackupsView {
        // The database as people read it (a server's without its password).
        db_path: state.location.clone(),
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

/// A backup where the officer chooses (a USB stick, a network folder; `exports/` offered);
/// `None` when the dialog was cancelled. An existing file is never overwritten.
#[tauri::command]
pub async fn backup_to<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Reply<Option<grantdesk::backup::BackupInfo>> {
    let suggested =
        export::dir_beside(&state.db_path).join(grantdesk::backup::dated_name(&state.stamp()));
    let Some(dest) = dialog::save_file(&app, &state.answers, state.lang(), &suggested).await else {
        return Ok(None);
    };
    let info = grantdesk::backup::create(&state.pool(), &dest)
        .await
        .or_fail(&state)?;
    state.chose(&dest);
    Ok(Some(info))
}

/// A backup file chosen in the system's dialog, checked; kept for `restore_chosen`.
#[derive(Serialize)]
pub struct ChosenBackup {
    path: String,
    info: grantdesk::backup::BackupInfo,
}

/// Asks for a backup file anywhere (the officer's choice) and checks it without changing
/// anything; `restore_chosen` then restores it. `None` when the dialog was cancelled.
#[tauri::command]
pub async fn choose_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Reply<Option<ChosenBackup>> {
    let start = state.last_folder();
    let Some(path) =
        dialog::open_file(&app, &state.answers, state.lang(), Kind::Database, &start).await
    else {
        return Ok(None);
    };
    let info = grantdesk::backup::inspect(&path).await.or_fail(&state)?;
    state.chose(&path);
    if let Ok(mut c) = state.chosen_backup.lock() {
        *c = Some(path.clone());
    }
    Ok(Some(ChosenBackup {
        path: path.display().to_string(),
        info,
    }))
}

/// Restores the backup chosen with `choose_backup` (checked again first), as `restore_backup`.
#[tauri::command]
pub async fn restore_chosen(state: State<'_, AppState>) -> Reply<grantdesk::backup::Restored> {
    let chosen = state.chosen_backup.lock().ok().and_then(|mut c| c.take());
    let Some(path) = chosen else {
        return Err(Error::invalid(
            "backup",
            "no_backup_chosen",
            "请先选择要恢复的备份文件",
            "choose the backup file to restore first",
        ))
        .or_fail(&state);
    };
    restore_from(&state, &path).await
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
    restore_from(&state, &path).await
}

/// Checks a backup, then replaces the database by it; the window goes on with the restored one.
async fn restore_from(
    state: &AppState,
    path: &std::path::Path,
) -> Reply<grantdesk::backup::Restored> {
    grantdesk::backup::inspect(path).await.or_fail(state)?;
    let old = state.pool();
    old.close().await;
    let restored = grantdesk::backup::restore(&state.db_path, path, &state.stamp(), true).await;
    // Whatever happened, the window needs a database again.
    let pool = store::open(&state.db_path).await.or_fail(state)?;
    state.set_pool(pool);
    restored.or_fail(state)
}

/// Only names of files in the backups folder are accepted: the window cannot reach others.
pub(crate) fn backup_path(state: &AppState, name: &str) -> Reply<PathBuf> {
    grantdesk::backup::in_rolling_dir(&state.db_path, name).or_fail(state)
}
