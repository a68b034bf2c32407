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

#[derive(Serialize)]
pub struct ExportedTable {
    pub(crate) path: String,
    pub(crate) rows: usize,
}

/// Writes an export into `exports/` beside the database; returns where it went.
pub(crate) fn write_export(state: &AppState, file: &export::File) -> Reply<String> {
    export::write_beside(&state.db_path, file)
        .map(|p| p.display().to_string())
        .or_fail(state)
}

/// Writes a table (proposals, ranking or awards) into `exports/` beside the database.
#[tauri::command]
pub async fn export_table(
    state: State<'_, AppState>,
    call: String,
    what: String,
    xlsx: bool,
    order: Option<Aggregate>,
) -> Reply<ExportedTable> {
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    let file = export::table_file(
        &state.pool(),
        &call,
        &what,
        order.unwrap_or_default(),
        format,
    )
    .await
    .or_fail(&state)?;
    Ok(ExportedTable {
        path: super::data::write_export(&state, &file)?,
        rows: file.rows,
    })
}
