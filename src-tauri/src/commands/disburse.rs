//! Disbursement: an award's milestones, schedule, payments and spending; the call's finance
//! page; payment batches. Each command passes the form to the core and returns its view.

use grantdesk::disbursement::{
    self as d, AdjustDecisionForm, AdjustForm, ApproveForm, AwardFinance, Batch, BatchForm,
    BatchPaidForm, CallFinance, ClawbackForm, CloseoutForm, EditForm, MilestoneForm, OutcomeForm,
    PaidForm, Payment, Period, ReportForm,
};

use super::prelude::*;

#[tauri::command]
pub async fn award_finance(state: State<'_, AppState>, number: String) -> Reply<AwardFinance> {
    let today = state.stamp().today();
    d::award_finance(&state.pool(), &number, today)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn call_finance(
    state: State<'_, AppState>,
    call: String,
    by: Option<String>,
) -> Reply<CallFinance> {
    let by = Period::of(by.as_deref().unwrap_or("")).or_fail(&state)?;
    let today = state.stamp().today();
    d::call_finance(&state.pool(), &call, by, today)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn edit_schedule(state: State<'_, AppState>, form: EditForm) -> Reply<AwardFinance> {
    d::edit_schedule(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn record_outcome(state: State<'_, AppState>, form: OutcomeForm) -> Reply<AwardFinance> {
    d::record_outcome(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn move_milestone(
    state: State<'_, AppState>,
    form: d::MoveMilestoneForm,
) -> Reply<AwardFinance> {
    d::move_milestone(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn add_milestone(state: State<'_, AppState>, form: MilestoneForm) -> Reply<AwardFinance> {
    d::add_milestone(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn approve_payment(state: State<'_, AppState>, form: ApproveForm) -> Reply<Payment> {
    d::approve(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

/// Moves a payment: `paid` (note = the bank's reference), `failed` or `cancelled` (note = the
/// reason), or `approved` again after a failure.
#[tauri::command]
pub async fn move_payment(
    state: State<'_, AppState>,
    form: PaidForm,
    to: String,
) -> Reply<Payment> {
    let (pool, stamp) = (state.pool(), state.stamp());
    match to.as_str() {
        "paid" => d::paid(&pool, &stamp, &form).await,
        "failed" => d::failed(&pool, &stamp, &form).await,
        "cancelled" => d::cancel(&pool, &stamp, &form).await,
        "approved" => d::again(&pool, &stamp, &form).await,
        other => Err(Error::invalid(
            "to",
            "unknown_move",
            format!("“{other}”不是拨款记录的去向"),
            format!("\"{other}\" is not where a payment can go"),
        )),
    }
    .or_fail(&state)
}

#[tauri::command]
pub async fn record_clawback(state: State<'_, AppState>, form: ClawbackForm) -> Reply<Payment> {
    d::clawback(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn submit_report(state: State<'_, AppState>, form: ReportForm) -> Reply<AwardFinance> {
    d::report(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn adjust_budget(state: State<'_, AppState>, form: AdjustForm) -> Reply<AwardFinance> {
    d::adjust(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn decide_adjustment(
    state: State<'_, AppState>,
    form: AdjustDecisionForm,
) -> Reply<AwardFinance> {
    d::decide_adjustment(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn close_out(state: State<'_, AppState>, form: CloseoutForm) -> Reply<AwardFinance> {
    d::closeout(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn create_batch(state: State<'_, AppState>, form: BatchForm) -> Reply<Batch> {
    d::create_batch(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

#[tauri::command]
pub async fn get_batch(state: State<'_, AppState>, reference: String) -> Reply<Batch> {
    d::batch(&state.pool(), &reference).await.or_fail(&state)
}

#[tauri::command]
pub async fn batch_paid(state: State<'_, AppState>, form: BatchPaidForm) -> Reply<Batch> {
    d::batch_paid(&state.pool(), &state.stamp(), &form)
        .await
        .or_fail(&state)
}

/// Writes a batch for the finance office where the officer chooses (`exports/` offered); `None` when cancelled.
#[tauri::command]
pub async fn export_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    reference: String,
    xlsx: bool,
) -> Reply<Option<super::data::ExportedTable>> {
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    let file = d::batch_file(&state.pool(), &reference, format)
        .await
        .or_fail(&state)?;
    let Some(path) = super::data::save_export(&app, &state, &file).await? else {
        return Ok(None);
    };
    Ok(Some(super::data::ExportedTable {
        path,
        rows: file.rows,
    }))
}
