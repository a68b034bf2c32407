use super::prelude::*;

/// A spreadsheet sent by the window: its name (for the format and the report) and its bytes
/// in base64.
#[derive(Deserialize)]
pub struct Upload {
    call: String,
    name: String,
    data: String,
    #[serde(default)]
    overrides: std::collections::BTreeMap<String, String>,
    /// Reviewer lists and score sheets: check every row, write nothing.
    #[serde(default)]
    dry_run: bool,
}

pub(crate) fn bytes_of(state: &AppState, u: &Upload) -> Reply<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(u.data.as_bytes())
        .map_err(|e| {
            state.fail(Error::invalid(
                "upload",
                "upload_invalid",
                format!("文件内容无法读取：{e}"),
                format!("the file's content could not be read: {e}"),
            ))
        })
}

pub(crate) fn sheet_of(state: &AppState, u: &Upload) -> Reply<grantdesk::import::Sheet> {
    let bytes = bytes_of(state, u)?;
    grantdesk::import::sheet::read_named(&u.name, &bytes).or_fail(state)
}

pub(crate) fn request_of(u: &Upload) -> grantdesk::import::ImportRequest {
    grantdesk::import::ImportRequest {
        call: u.call.clone(),
        overrides: u.overrides.clone(),
    }
}

#[derive(Serialize)]
pub struct ImportPreview {
    report: grantdesk::import::Report,
    headers: Vec<String>,
    /// What a column can be mapped to.
    fields: Vec<String>,
}

/// The dry run of an import: what would be created, updated or refused, row by row.
#[tauri::command]
pub async fn import_preview(state: State<'_, AppState>, upload: Upload) -> Reply<ImportPreview> {
    let sheet = sheet_of(&state, &upload)?;
    let call = call::get(&state.pool(), &upload.call)
        .await
        .or_fail(&state)?;
    let report = grantdesk::import::dry_run(&state.pool(), &sheet, &request_of(&upload))
        .await
        .or_fail(&state)?;
    Ok(ImportPreview {
        report,
        headers: sheet.headers,
        fields: grantdesk::import::mapping::fields_for(call.years),
    })
}

/// The import itself: every row or none.
#[tauri::command]
pub async fn import_commit(
    state: State<'_, AppState>,
    upload: Upload,
) -> Reply<grantdesk::import::Report> {
    let sheet = sheet_of(&state, &upload)?;
    grantdesk::import::import(&state.pool(), &state.stamp(), &sheet, &request_of(&upload))
        .await
        .or_fail(&state)
}

/// A reviewer list (CSV or XLSX): every row or none; refused rows are named by number. With
/// `dry_run`, the same checks and nothing written.
#[tauri::command]
pub async fn import_reviewers(state: State<'_, AppState>, upload: Upload) -> Reply<usize> {
    let sheet = sheet_of(&state, &upload)?;
    pool::import_sheet(&state.pool(), &state.stamp(), &sheet, upload.dry_run)
        .await
        .or_fail(&state)
}

/// Score sheets of a call (CSV or XLSX): every row or none (or, with `dry_run`, none).
#[tauri::command]
pub async fn import_scores(state: State<'_, AppState>, upload: Upload) -> Reply<usize> {
    let sheet = sheet_of(&state, &upload)?;
    review::import_score_sheet(
        &state.pool(),
        &state.stamp(),
        &upload.call,
        &sheet,
        upload.dry_run,
    )
    .await
    .or_fail(&state)
}

/// A file the officer chose in the system's dialog, read for the window: its name and bytes
/// in base64 (what an upload carries).
#[derive(Serialize)]
pub struct Chosen {
    name: String,
    data: String,
}

/// The largest file the window reads for an import or a check (a 100,000-proposal workbook
/// is about 30 MB).
const LARGEST: u64 = 256 * 1024 * 1024;

/// Asks the officer for a file to import (`kind`: `sheet`) or to check (`pdf`) in the
/// system's dialog and reads it; `None` when the dialog was cancelled.
#[tauri::command]
pub async fn choose_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    kind: String,
) -> Reply<Option<Chosen>> {
    let kind = if kind == "pdf" {
        Kind::Pdf
    } else {
        Kind::Sheet
    };
    let start = state.last_folder();
    let Some(path) = dialog::open_file(&app, &state.answers, state.lang(), kind, &start).await
    else {
        return Ok(None);
    };
    let unreadable = |reason: String| grantdesk::error::FileError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let size = std::fs::metadata(&path)
        .map_err(|e| unreadable(e.to_string()))
        .or_fail(&state)?
        .len();
    if size > LARGEST {
        return Err(unreadable(format!("{size} bytes: larger than {LARGEST}"))).or_fail(&state);
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| unreadable(e.to_string()))
        .or_fail(&state)?;
    state.chose(&path);
    use base64::Engine;
    Ok(Some(Chosen {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    }))
}

#[derive(Serialize)]
pub struct ExportedTable {
    pub(crate) path: String,
    pub(crate) rows: usize,
}

/// Asks where to save an export (`exports/` beside the database offered) and writes it there
/// whole; `None` when the officer cancelled. The dialog has asked before replacing a file.
pub(crate) async fn save_export<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    file: &export::File,
) -> Reply<Option<String>> {
    let suggested = export::dir_beside(&state.db_path).join(&file.name);
    let Some(path) = dialog::save_file(app, &state.answers, state.lang(), &suggested).await else {
        return Ok(None);
    };
    export::write(&path, &file.bytes, true, &state.db_path).or_fail(state)?;
    state.chose(&path);
    Ok(Some(path.display().to_string()))
}

/// Writes a table (proposals, ranking or awards) where the officer chooses; `None` when the
/// dialog was cancelled.
#[tauri::command]
pub async fn export_table<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    call: String,
    what: String,
    xlsx: bool,
    view: Option<export::View>,
) -> Reply<Option<ExportedTable>> {
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    let file = export::table_file(
        &state.pool(),
        &call,
        &what,
        &view.unwrap_or_default(),
        format,
    )
    .await
    .or_fail(&state)?;
    let Some(path) = save_export(&app, &state, &file).await? else {
        return Ok(None);
    };
    Ok(Some(ExportedTable {
        path,
        rows: file.rows,
    }))
}
