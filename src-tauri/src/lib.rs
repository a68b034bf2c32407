//! The desktop shell. Each command only translates: IPC payload → core input → core call →
//! reply. No SQL, no arithmetic, no business rule lives here (DESIGN §5).

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use serde::{Deserialize, Serialize};
use tauri::{Runtime, State};

use grantdesk::call::{self, Call, CallForm, CallStatus};
use grantdesk::dashboard::{self, Dashboard};
use grantdesk::decision::{self, robustness::Robustness, suggest::Suggestion};
use grantdesk::demo::{self, Loaded};
use grantdesk::export::{self, Format};
use grantdesk::proposal::{self, Proposal, ProposalForm, ProposalStatus, ProposalSummary};
use grantdesk::review;
use grantdesk::review::pool::{self, Reviewer, ReviewerForm};
use grantdesk::review::ranking::Aggregate;
use grantdesk::store::{self, Pool, Stamp};
use grantdesk::vocabulary::Vocabulary;
use grantdesk::{Coded, Error, Lang, audit};

/// What every command shares: the pool and the language errors are written in.
pub struct AppState {
    /// Swapped only by a restore; every command takes a handle (a cheap clone) first.
    pool: RwLock<Pool>,
    pub db_path: PathBuf,
    lang: Mutex<Lang>,
    /// What the start found wrong (a broken audit chain, a failed backup): shown until closed.
    warnings: Vec<grantdesk::startup::Warning>,
    /// The agency's time zone (a setting), read at start: every act is dated in it.
    zone: chrono_tz::Tz,
}

impl AppState {
    pub fn new(pool: Pool, db_path: PathBuf, lang: Lang) -> AppState {
        AppState {
            pool: RwLock::new(pool),
            db_path,
            lang: Mutex::new(lang),
            warnings: Vec::new(),
            zone: grantdesk::settings::DEFAULT_TIME_ZONE,
        }
    }

    pub fn in_zone(mut self, zone: chrono_tz::Tz) -> AppState {
        self.zone = zone;
        self
    }

    /// Who acts and when, in the agency's time zone.
    fn stamp(&self) -> Stamp {
        Stamp::now_for_os_user().in_zone(self.zone)
    }

    pub fn with_warnings(mut self, warnings: Vec<grantdesk::startup::Warning>) -> AppState {
        self.warnings = warnings;
        self
    }

    pub fn pool(&self) -> Pool {
        match self.pool.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_pool(&self, pool: Pool) {
        match self.pool.write() {
            Ok(mut p) => *p = pool,
            Err(poisoned) => *poisoned.into_inner() = pool,
        }
    }

    fn lang(&self) -> Lang {
        self.lang.lock().map(|l| *l).unwrap_or_default()
    }

    fn fail(&self, e: Error) -> IpcError {
        IpcError::of(&e, self.lang())
    }
}

/// An error as the UI receives it: the core's one wire shape `{code, message, fields}`, the
/// same as the command line's `--json`.
pub type IpcError = grantdesk::error::Wire;

type Reply<T> = Result<T, IpcError>;

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
fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        system_lang: system_lang(),
        warnings: state.warnings.clone(),
    }
}

#[tauri::command]
fn set_lang(state: State<'_, AppState>, lang: Lang) {
    if let Ok(mut l) = state.lang.lock() {
        *l = lang;
    }
}

/// Loads the sample call into an empty database (refused otherwise); `stage: "reviewed"`
/// carries it through the review, `"awarded"` through the decision.
#[tauri::command]
async fn load_sample(state: State<'_, AppState>, stage: Option<String>) -> Reply<Loaded> {
    demo::ensure_empty(&state.pool())
        .await
        .map_err(|e| state.fail(e))?;
    match stage.as_deref() {
        Some("reviewed") => demo::load_reviewed(&state.pool(), &state.stamp())
            .await
            .map(|r| r.loaded),
        Some("awarded") => demo::load_awarded(&state.pool(), &state.stamp())
            .await
            .map(|r| r.reviewed.loaded),
        _ => demo::load(&state.pool(), &state.stamp()).await,
    }
    .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn list_reviewers(state: State<'_, AppState>) -> Reply<Vec<Reviewer>> {
    pool::list(&state.pool()).await.map_err(|e| state.fail(e))
}

#[tauri::command]
async fn create_reviewer(state: State<'_, AppState>, form: ReviewerForm) -> Reply<Reviewer> {
    pool::create(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn update_reviewer(
    state: State<'_, AppState>,
    id: i64,
    form: ReviewerForm,
) -> Reply<Reviewer> {
    pool::update(&state.pool(), &state.stamp(), id, &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn set_reviewer_active(state: State<'_, AppState>, id: i64, active: bool) -> Reply<Reviewer> {
    pool::set_active(&state.pool(), &state.stamp(), id, active)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn run_draw(
    state: State<'_, AppState>,
    call: String,
    seed: Option<u64>,
    cap: u32,
) -> Reply<review::DrawReport> {
    review::assign(&state.pool(), &state.stamp(), &call, seed, cap)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn call_ranking(
    state: State<'_, AppState>,
    call: String,
    by: Aggregate,
) -> Reply<Vec<review::RankRow>> {
    review::rank_call(&state.pool(), &call, by)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn proposal_panel(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<review::Panel> {
    review::panel(&state.pool(), &call, &reference)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn add_panel_reviewer(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    reviewer: i64,
) -> Reply<()> {
    review::add_reviewer(&state.pool(), &state.stamp(), &call, &reference, reviewer)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn release_panel_reviewer(
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
    .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decline_panel_reviewer(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    reviewer: i64,
) -> Reply<review::DrawReport> {
    review::decline(&state.pool(), &state.stamp(), &call, &reference, reviewer)
        .await
        .map_err(|e| state.fail(e))
}

/// Declares a conflict of a reviewer with a proposal, or with its applicant organisation.
#[tauri::command]
async fn declare_conflict(
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
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn review_matrix(state: State<'_, AppState>, call: String) -> Reply<review::Matrix> {
    review::matrix(&state.pool(), &call)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn enter_review(state: State<'_, AppState>, form: review::ReviewForm) -> Reply<()> {
    review::enter_review(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn list_calls(state: State<'_, AppState>) -> Reply<Vec<Call>> {
    call::list(&state.pool()).await.map_err(|e| state.fail(e))
}

#[tauri::command]
async fn get_call(state: State<'_, AppState>, code: String) -> Reply<Call> {
    call::get(&state.pool(), &code)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn call_dashboard(state: State<'_, AppState>, code: String) -> Reply<Dashboard> {
    dashboard::of_call(&state.pool(), &code)
        .await
        .map_err(|e| state.fail(e))
}

/// The form to edit a call with (its current definition), or a new call's starter form.
#[tauri::command]
async fn call_form(state: State<'_, AppState>, code: Option<String>) -> Reply<CallForm> {
    match code {
        Some(code) => call::get(&state.pool(), &code)
            .await
            .map(|c| CallForm::from(&c.spec))
            .map_err(|e| state.fail(e)),
        None => Ok(CallForm::starter()),
    }
}

#[tauri::command]
async fn create_call(state: State<'_, AppState>, form: CallForm) -> Reply<Call> {
    call::create(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn update_call(state: State<'_, AppState>, code: String, form: CallForm) -> Reply<Call> {
    call::update(&state.pool(), &state.stamp(), &code, &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn set_call_status(
    state: State<'_, AppState>,
    code: String,
    status: CallStatus,
) -> Reply<Call> {
    call::set_status(&state.pool(), &state.stamp(), &code, status)
        .await
        .map_err(|e| state.fail(e))
}

#[derive(Deserialize)]
pub struct ProposalQuery {
    call: String,
    topic: Option<String>,
    status: Option<ProposalStatus>,
    search: Option<String>,
}

#[tauri::command]
async fn list_proposals(
    state: State<'_, AppState>,
    query: ProposalQuery,
) -> Reply<Vec<ProposalSummary>> {
    let filter = proposal::Filter {
        call: query.call,
        topic: query.topic,
        status: query.status,
        search: query.search,
    };
    proposal::list(&state.pool(), &filter)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn get_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<proposal::Page> {
    proposal::page(&state.pool(), &call, &reference)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
fn vocabulary() -> Vocabulary {
    grantdesk::vocabulary::vocabulary()
}

/// The form to edit a proposal with, or an empty one for the call.
#[tauri::command]
async fn proposal_form(
    state: State<'_, AppState>,
    call: String,
    reference: Option<String>,
) -> Reply<ProposalForm> {
    let mut form = match reference {
        Some(r) => proposal::get(&state.pool(), &call, &r)
            .await
            .map(|p| ProposalForm::from(&p.content))
            .map_err(|e| state.fail(e))?,
        None => ProposalForm::default(),
    };
    form.call = call.as_str().into();
    Ok(form)
}

#[tauri::command]
async fn create_proposal(state: State<'_, AppState>, form: ProposalForm) -> Reply<Proposal> {
    proposal::create(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn update_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    form: ProposalForm,
) -> Reply<Proposal> {
    proposal::update(&state.pool(), &state.stamp(), &call, &reference, &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn submit_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
    on: Option<String>,
) -> Reply<Proposal> {
    let on = match on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Error::parse_date("on", s).map_err(|e| state.fail(e))?),
    };
    proposal::submit(&state.pool(), &state.stamp(), &call, &reference, on)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn withdraw_proposal(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<Proposal> {
    proposal::withdraw(&state.pool(), &state.stamp(), &call, &reference)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn check_eligibility(
    state: State<'_, AppState>,
    call: String,
) -> Reply<proposal::CheckReport> {
    proposal::check_eligibility(&state.pool(), &state.stamp(), &call)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn audit_verify(state: State<'_, AppState>) -> Reply<audit::Verified> {
    audit::verify(&state.pool())
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_board(
    state: State<'_, AppState>,
    call: String,
    order: Option<Aggregate>,
) -> Reply<decision::Board> {
    decision::board(&state.pool(), &call, order.unwrap_or_default())
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_propose(
    state: State<'_, AppState>,
    form: decision::DecisionForm,
) -> Reply<decision::Board> {
    decision::propose(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_withdraw(
    state: State<'_, AppState>,
    call: String,
    reference: String,
) -> Reply<decision::Board> {
    decision::withdraw(&state.pool(), &state.stamp(), &call, &reference)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_suggest(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
) -> Reply<Suggestion> {
    decision::suggest(&state.pool(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_apply(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
) -> Reply<decision::Board> {
    decision::apply(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn decision_robustness(
    state: State<'_, AppState>,
    form: decision::SuggestForm,
    draws: Option<u32>,
    seed: Option<u64>,
) -> Reply<Robustness> {
    decision::robustness(&state.pool(), &form, draws, seed)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn issue_awards(
    state: State<'_, AppState>,
    form: decision::IssueForm,
) -> Reply<Vec<decision::Award>> {
    decision::issue(&state.pool(), &state.stamp(), &form)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn list_awards(state: State<'_, AppState>, call: String) -> Reply<Vec<decision::Award>> {
    decision::awards(&state.pool(), &call)
        .await
        .map_err(|e| state.fail(e))
}

#[tauri::command]
async fn set_award_status(
    state: State<'_, AppState>,
    number: String,
    to: decision::AwardStatus,
) -> Reply<decision::Award> {
    decision::set_award_status(&state.pool(), &state.stamp(), &number, to)
        .await
        .map_err(|e| state.fail(e))
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
    funded: usize,
    unfunded: usize,
}

/// Writes the public-notice list into `exports/` beside the database: XLSX with both lists,
/// or CSV with one (`unfunded: true` for the proposals not funded).
#[tauri::command]
async fn export_notice(
    state: State<'_, AppState>,
    call: String,
    xlsx: bool,
    unfunded: Option<bool>,
) -> Reply<Exported> {
    let format = if xlsx { Format::Xlsx } else { Format::Csv };
    let (n, file) = decision::notice_file(&state.pool(), &call, format, unfunded.unwrap_or(false))
        .await
        .map_err(|e| state.fail(e))?;
    let path = write_export(&state, &file)?;
    Ok(Exported {
        path,
        funded: n.funded,
        unfunded: n.unfunded,
    })
}

#[derive(Serialize)]
pub struct BackupsView {
    db_path: String,
    dir: String,
    backups: Vec<grantdesk::backup::Listed>,
}

#[tauri::command]
fn list_backups(state: State<'_, AppState>) -> Reply<BackupsView> {
    let dir = grantdesk::backup::rolling_dir(&state.db_path);
    let backups = grantdesk::backup::list(&dir).map_err(|e| state.fail(e))?;
    Ok(BackupsView {
        db_path: state.db_path.display().to_string(),
        dir: dir.display().to_string(),
        backups,
    })
}

/// A backup now, into the backups folder beside the database.
#[tauri::command]
async fn backup_now(state: State<'_, AppState>) -> Reply<grantdesk::backup::BackupInfo> {
    grantdesk::backup::take_now(&state.pool(), &state.db_path, &state.stamp())
        .await
        .map_err(|e| state.fail(e))
}

/// Checks a backup in the backups folder (by name) without changing anything.
#[tauri::command]
async fn check_backup(
    state: State<'_, AppState>,
    name: String,
) -> Reply<grantdesk::backup::BackupInfo> {
    let path = backup_path(&state, &name)?;
    grantdesk::backup::inspect(&path)
        .await
        .map_err(|e| state.fail(e))
}

/// Replaces the database by a backup of the backups folder, once checked; the replaced one
/// is kept aside. The window goes on with the restored database.
#[tauri::command]
async fn restore_backup(
    state: State<'_, AppState>,
    name: String,
) -> Reply<grantdesk::backup::Restored> {
    let path = backup_path(&state, &name)?;
    grantdesk::backup::inspect(&path)
        .await
        .map_err(|e| state.fail(e))?;
    let old = state.pool();
    old.close().await;
    let restored = grantdesk::backup::restore(&state.db_path, &path, &state.stamp(), true).await;
    // Whatever happened, the window needs a database again.
    let pool = store::open(&state.db_path)
        .await
        .map_err(|e| state.fail(e.into()))?;
    state.set_pool(pool);
    restored.map_err(|e| state.fail(e))
}

/// Only names of files in the backups folder are accepted: the window cannot reach others.
fn backup_path(state: &AppState, name: &str) -> Reply<PathBuf> {
    grantdesk::backup::in_rolling_dir(&state.db_path, name).map_err(|e| state.fail(e))
}

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

fn bytes_of(state: &AppState, u: &Upload) -> Reply<Vec<u8>> {
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

fn sheet_of(state: &AppState, u: &Upload) -> Reply<grantdesk::import::Sheet> {
    let bytes = bytes_of(state, u)?;
    grantdesk::import::sheet::read_named(&u.name, &bytes).map_err(|e| state.fail(e.into()))
}

fn request_of(u: &Upload) -> grantdesk::import::ImportRequest {
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
async fn import_preview(state: State<'_, AppState>, upload: Upload) -> Reply<ImportPreview> {
    let sheet = sheet_of(&state, &upload)?;
    let call = call::get(&state.pool(), &upload.call)
        .await
        .map_err(|e| state.fail(e))?;
    let report = grantdesk::import::dry_run(&state.pool(), &sheet, &request_of(&upload))
        .await
        .map_err(|e| state.fail(e))?;
    Ok(ImportPreview {
        report,
        headers: sheet.headers,
        fields: grantdesk::import::mapping::fields_for(call.years),
    })
}

/// The import itself: every row or none.
#[tauri::command]
async fn import_commit(
    state: State<'_, AppState>,
    upload: Upload,
) -> Reply<grantdesk::import::Report> {
    let sheet = sheet_of(&state, &upload)?;
    grantdesk::import::import(&state.pool(), &state.stamp(), &sheet, &request_of(&upload))
        .await
        .map_err(|e| state.fail(e))
}

/// A reviewer list (CSV or XLSX): every row or none; refused rows are named by number. With
/// `dry_run`, the same checks and nothing written.
#[tauri::command]
async fn import_reviewers(state: State<'_, AppState>, upload: Upload) -> Reply<usize> {
    let sheet = sheet_of(&state, &upload)?;
    let rows = review::sheet::reviewer_list(&sheet).map_err(|e| state.fail(e.into()))?;
    pool::import(&state.pool(), &state.stamp(), &rows, upload.dry_run)
        .await
        .map_err(|e| state.fail(e))
}

/// Score sheets of a call (CSV or XLSX): every row or none (or, with `dry_run`, none).
#[tauri::command]
async fn import_scores(state: State<'_, AppState>, upload: Upload) -> Reply<usize> {
    let sheet = sheet_of(&state, &upload)?;
    let c = call::get(&state.pool(), &upload.call)
        .await
        .map_err(|e| state.fail(e))?;
    let rows = review::sheet::score_sheet(&sheet, c.spec.code.as_str(), &c.spec)
        .map_err(|e| state.fail(e.into()))?;
    review::import_reviews(&state.pool(), &state.stamp(), &rows, upload.dry_run)
        .await
        .map_err(|e| state.fail(e))
}

#[derive(Serialize)]
pub struct ExportedTable {
    path: String,
    rows: usize,
}

/// Writes an export into `exports/` beside the database; returns where it went.
fn write_export(state: &AppState, file: &export::File) -> Reply<String> {
    export::write_beside(&state.db_path, file)
        .map(|p| p.display().to_string())
        .map_err(|e| state.fail(e.into()))
}

/// Writes a table (proposals, ranking or awards) into `exports/` beside the database.
#[tauri::command]
async fn export_table(
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
    .map_err(|e| state.fail(e))?;
    Ok(ExportedTable {
        path: write_export(&state, &file)?,
        rows: file.rows,
    })
}

/// The commands the window may call; `build.rs` lists the same names for their permissions.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        app_info,
        vocabulary,
        set_lang,
        load_sample,
        list_calls,
        get_call,
        call_dashboard,
        call_form,
        create_call,
        update_call,
        set_call_status,
        list_proposals,
        get_proposal,
        proposal_form,
        create_proposal,
        update_proposal,
        submit_proposal,
        withdraw_proposal,
        check_eligibility,
        audit_verify,
        list_reviewers,
        create_reviewer,
        update_reviewer,
        set_reviewer_active,
        run_draw,
        call_ranking,
        proposal_panel,
        add_panel_reviewer,
        release_panel_reviewer,
        enter_review,
        decline_panel_reviewer,
        review_matrix,
        declare_conflict,
        decision_board,
        decision_propose,
        decision_withdraw,
        decision_suggest,
        decision_apply,
        decision_robustness,
        issue_awards,
        list_awards,
        set_award_status,
        export_notice,
        list_backups,
        backup_now,
        check_backup,
        restore_backup,
        import_preview,
        import_commit,
        export_table,
        import_reviewers,
        import_scores,
    ])
}

fn system_lang() -> Lang {
    Lang::from_locale(&[
        std::env::var("LC_ALL").ok(),
        std::env::var("LC_MESSAGES").ok(),
        std::env::var("LANG").ok(),
    ])
}

/// `--db PATH` from the command line, as for the CLI.
fn db_flag(args: &[String]) -> Option<PathBuf> {
    args.iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--db="))
                .map(PathBuf::from)
        })
}

/// Starts the window on the database chosen by `--db`, `GRANTDESK_DB` or the data directory.
pub fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let path = store::resolve_path(db_flag(&args), std::env::var(store::DB_ENV).ok())
        .map_err(|e| e.message(Lang::En))?;
    let pool =
        tauri::async_runtime::block_on(store::open(&path)).map_err(|e| e.message(Lang::En))?;
    // The audit chain verified and one backup a day (the last seven kept): what fails is shown
    // in the window, not only here.
    let zone = tauri::async_runtime::block_on(grantdesk::settings::time_zone(&pool))
        .map_err(|e| e.message(Lang::En))?;
    let stamp = Stamp::now_for_os_user().in_zone(zone);
    let warnings = tauri::async_runtime::block_on(grantdesk::startup::check(&pool, &path, &stamp));
    for w in &warnings {
        eprintln!("GrantDesk: {}", w.message.en);
    }
    let state = AppState::new(pool, path, system_lang())
        .with_warnings(warnings)
        .in_zone(zone);
    with_commands(tauri::Builder::default().manage(state))
        .run(tauri::generate_context!())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
