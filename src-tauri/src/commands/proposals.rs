use super::prelude::*;

#[derive(Deserialize)]
pub struct ProposalQuery {
    call: String,
    topic: Option<String>,
    status: Option<ProposalStatus>,
    search: Option<String>,
    #[serde(default)]
    sort: proposal::table::Sort,
}

/// The matching proposals of a call, sorted, as row handles: the page then reads the lines
/// it shows with `proposal_rows`.
#[tauri::command]
pub async fn order_proposals(
    state: State<'_, AppState>,
    query: ProposalQuery,
) -> Reply<proposal::table::Order> {
    let filter = proposal::Filter {
        call: query.call,
        topic: query.topic,
        status: query.status,
        search: query.search,
    };
    proposal::table::order(&state.pool(), &filter, query.sort)
        .await
        .or_fail(&state)
}

/// The lines of the proposals the handles name, in their order (`null` for a handle that no
/// longer names one).
#[tauri::command]
pub async fn proposal_rows(
    state: State<'_, AppState>,
    call: String,
    ids: Vec<i64>,
) -> Reply<Vec<Option<ProposalSummary>>> {
    proposal::table::rows(&state.pool(), &call, &ids)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn get_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<proposal::Page> {
    proposal::page(&state.pool(), &call, &reference)
        .await
        .or_fail(&state)
}

/// The form to edit a proposal with (with the version it was read at), or an empty one for
/// the call.
#[tauri::command]
pub async fn proposal_form(
    state: State<'_, AppState>,
    call: String,
    reference: Option<String>,
) -> Reply<ProposalForm> {
    match reference {
        Some(r) => proposal::edit_form(&state.pool(), &call, &r)
            .await
            .or_fail(&state),
        None => Ok(ProposalForm {
            call: call.as_str().into(),
            ..ProposalForm::default()
        }),
    }
}

#[tauri::command]
pub async fn create_proposal(state: State<'_, AppState>, form: ProposalForm) -> Reply<Proposal> {
    proposal::create(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn update_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    form: ProposalForm,
) -> Reply<Proposal> {
    proposal::update(&state.pool(), &state.stamp(), &call, &reference, &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn submit_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    on: Option<String>,
) -> Reply<Proposal> {
    let on = match on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Error::parse_date("on", s).or_fail(&state)?),
    };
    proposal::submit(&state.pool(), &state.stamp(), &call, &reference, on)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn withdraw_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<Proposal> {
    proposal::withdraw(&state.pool(), &state.stamp(), &call, &reference)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn check_eligibility(
    state: State<'_, AppState>,
    call: String,
) -> Reply<proposal::CheckReport> {
    proposal::check_eligibility(&state.pool(), &state.stamp(), &call)
        .await
        .or_fail(&state)
}
