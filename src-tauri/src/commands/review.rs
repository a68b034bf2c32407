use super::prelude::*;

#[tauri::command]
pub async fn list_reviewers(state: State<'_, AppState>) -> Reply<Vec<Reviewer>> {
    pool::list(&state.pool()).await.or_fail(&state)
}

#[tauri::command]
pub async fn create_reviewer(state: State<'_, AppState>, form: ReviewerForm) -> Reply<Reviewer> {
    pool::create(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

/// The form to edit reviewer `id` with, and the version it was read at.
#[tauri::command]
pub async fn reviewer_form(state: State<'_, AppState>, id: i64) -> Reply<ReviewerForm> {
    pool::edit_form(&state.pool(), id).await.or_fail(&state)
}

#[tauri::command]
pub async fn update_reviewer(
    state: State<'_, AppState>,
    id: i64,
    form: ReviewerForm,
) -> Reply<Reviewer> {
    pool::update(&state.pool(), &state.stamp(), id, &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn set_reviewer_active(
    state: State<'_, AppState>,
    id: i64,
    active: bool,
) -> Reply<Reviewer> {
    pool::set_active(&state.pool(), &state.stamp(), id, active)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn run_draw(
    state: State<'_, AppState>,
    call: String,
    seed: Option<u64>,
    cap: u32,
) -> Reply<review::DrawReport> {
    review::assign(&state.pool(), &state.stamp(), &call, seed, cap)
        .await
        .or_fail(&state)
}

/// The ranked proposals of a call in the order of `by`, best first, as row handles: the page
/// then reads the lines it shows with `ranking_rows`.
#[tauri::command]
pub async fn ranking_order(
    state: State<'_, AppState>,
    call: String,
    by: Aggregate,
) -> Reply<review::table::Order> {
    state
        .rankings
        .order(&state.pool(), &call, by)
        .await
        .or_fail(&state)
}

/// The ranking's lines of the proposals the handles name, in their order (`null` for a handle
/// that names no ranked proposal), for the order of that `version`: refused with
/// `ranking_changed` once the ranking changed, and the page asks for the order again.
#[tauri::command]
pub async fn ranking_rows(
    state: State<'_, AppState>,
    call: String,
    by: Aggregate,
    version: String,
    ids: Vec<i64>,
) -> Reply<Vec<Option<review::RankRow>>> {
    state
        .rankings
        .rows(&state.pool(), &call, by, &version, &ids)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn proposal_panel(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<review::Panel> {
    review::panel(&state.pool(), &call, &reference)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn add_panel_reviewer(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    reviewer: i64,
) -> Reply<()> {
    review::add_reviewer(&state.pool(), &state.stamp(), &call, &reference, reviewer)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn release_panel_reviewer(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    reviewer: i64,
    declined: bool,
) -> Reply<()> {
    review::release_reviewer(
        &state.pool(),
        &state.stamp(),
        &call,
        &reference,
        reviewer,
        declined,
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn decline_panel_reviewer(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    reviewer: i64,
) -> Reply<review::DrawReport> {
    review::decline(&state.pool(), &state.stamp(), &call, &reference, reviewer)
        .await
        .or_fail(&state)
}

/// Declares a conflict of a reviewer with a proposal, or with its applicant organisation.
#[tauri::command]
pub async fn declare_conflict(
    state: State<'_, AppState>,
    reviewer: i64,
    call: String,
    reference: String,
    organisation: bool,
    reason: String,
) -> Reply<usize> {
    let with = if organisation {
        pool::ConflictWith::ApplicantOf { call, reference }
    } else {
        pool::ConflictWith::Proposal { call, reference }
    };
    let declared = pool::Declared {
        reviewer,
        with,
        reason,
        declared_on: None,
    };
    pool::declare(&state.pool(), &state.stamp(), &declared)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn review_matrix(
    state: State<'_, AppState>,
    call: String,
    from: Option<usize>,
    count: Option<usize>,
) -> Reply<review::Matrix> {
    review::matrix(
        &state.pool(),
        &call,
        from.unwrap_or(0),
        count.unwrap_or(review::MATRIX_PAGE),
    )
    .await
    .or_fail(&state)
}

#[tauri::command]
pub async fn enter_review(state: State<'_, AppState>, form: review::ReviewForm) -> Reply<()> {
    review::enter_review(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}
