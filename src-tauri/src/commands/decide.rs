use super::prelude::*;

#[tauri::command]
pub async fn decision_board(
    state: State<'_, AppState>,
    call: String,
    order: Option<Aggregate>,
    limit: Option<usize>,
    also: Option<Vec<String>>,
) -> Reply<decision::Board> {
    decision::board(
        &state.pool(),
        &state.rankings,
        &call,
        order.unwrap_or_default(),
        rows(limit, &also),
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn decision_propose(
    state: State<'_, AppState>,
    form: decision::DecisionForm,
    limit: Option<usize>,
    also: Option<Vec<String>>,
) -> Reply<decision::Board> {
    decision::propose(
        &state.pool(),
        &state.rankings,
        &state.stamp(),
        &form,
        rows(limit, &also),
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn decision_withdraw(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    limit: Option<usize>,
    also: Option<Vec<String>>,
) -> Reply<decision::Board> {
    decision::withdraw(
        &state.pool(),
        &state.rankings,
        &state.stamp(),
        &call,
        &reference,
        rows(limit, &also),
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn decision_suggest(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
) -> Reply<Suggestion> {
    decision::suggest(&state.pool(), &state.rankings, &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn decision_apply(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
    limit: Option<usize>,
    also: Option<Vec<String>>,
) -> Reply<decision::Board> {
    decision::apply(
        &state.pool(),
        &state.rankings,
        &state.stamp(),
        &form,
        rows(limit, &also),
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn decision_robustness(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
    draws: Option<u32>,
    seed: Option<u64>,
) -> Reply<Robustness> {
    decision::robustness(&state.pool(), &state.rankings, &form, draws, seed)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn issue_awards(
    state: State<'_, AppState>,
    form: decision::IssueForm,
) -> Reply<Vec<decision::Award>> {
    decision::issue(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn list_awards(state: State<'_, AppState>, call: String) -> Reply<Vec<decision::Award>> {
    decision::awards(&state.pool(), &call).await.or_fail(&state)
}

#[tauri::command]
pub async fn set_award_status(
    state: State<'_, AppState>,
    number: String,
    to: decision::AwardStatus,
) -> Reply<decision::Award> {
    decision::set_award_status(&state.pool(), &state.stamp(), &number, to)
        .await
        .or_fail(&state)
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
    funded: usize,
    unfunded: usize,
}

/// Writes the public-notice list where the officer chooses (`exports/` offered): XLSX with both lists,
/// or CSV with one (`unfunded: true` for the proposals not funded).
#[tauri::command]
pub async fn export_notice<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    call: String,
    xlsx: bool,
    unfunded: Option<bool>,
) -> Reply<Option<Exported>> {
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    let (n, file) = decision::notice_file(&state.pool(), &call, format, unfunded.unwrap_or(false))
        .await
        .or_fail(&state)?;
    let Some(path) = super::data::save_export(&app, &state, &file).await? else {
        return Ok(None);
    };
    Ok(Some(Exported {
        path,
        funded: n.funded,
        unfunded: n.unfunded,
    }))
}

/// The board cut to its first `limit` rows (and every decision beyond): a national call's
/// board is read a page of the ranking at a time.
/// The rows a page of the board shows: its first `limit` (a page by default), the decisions
/// below them, and the proposals `also` names (the suggestion's, while it is on screen).
fn rows(limit: Option<usize>, also: &Option<Vec<String>>) -> decision::Rows<'_> {
    decision::Rows {
        first: Some(limit.unwrap_or(decision::BOARD_PAGE)),
        also: also.as_deref().unwrap_or_default(),
    }
}
