//! Award letters from the window: one award's, or every issued award's of a call (progress
//! asked for by the window while it runs, and a way to stop), checking a file against the
//! register, the agency that issues them, and opening the folder they went to. The officer
//! chooses where in the system's dialog (`exports/letters/` beside the database offered).

use std::sync::atomic::Ordering;

use grantdesk::letter::{self, Batch, Issued, Verdict, font::Fonts};
use grantdesk::settings::{self as settings_core, AgencyForm};

use super::data::{Upload, bytes_of};
use super::prelude::*;

fn letters_dir(state: &AppState) -> PathBuf {
    export::dir_beside(&state.db_path).join("letters")
}

async fn agency_and_fonts(state: &AppState) -> Reply<(letter::Agency, Fonts)> {
    let agency = settings_core::agency(&state.pool()).await.or_fail(state)?;
    let fonts = Fonts::of(&agency)
        .map_err(|m| Error::invalid("font", "font_unavailable", m.zh, m.en))
        .or_fail(state)?;
    Ok((agency, fonts))
}

/// Writes one award's letter (in the call's letter language unless `lang` says otherwise),
/// registered, where the officer chooses; `None` when the dialog was cancelled.
#[tauri::command]
pub async fn write_letter<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    number: String,
    lang: Option<Lang>,
) -> Reply<Option<Issued>> {
    let (agency, fonts) = agency_and_fonts(&state).await?;
    let dir = letters_dir(&state);
    let lang = match lang {
        Some(l) => l,
        None => {
            letter::of_award(&state.pool(), &number, &agency, None)
                .await
                .or_fail(&state)?
                .lang
        }
    };
    let suggested = dir.join(letter::file_name(&number, lang));
    let Some(out) = dialog::save_file(&app, &state.answers, state.lang(), &suggested).await else {
        return Ok(None);
    };
    let issued = letter::write(
        &state.pool(),
        &state.stamp(),
        &number,
        &agency,
        Some(lang),
        &fonts,
        &out,
        true,
        &state.db_path,
    )
    .await
    .or_fail(&state)?;
    state.chose(&out);
    Ok(Some(issued))
}

/// How far the letters being written have come.
#[derive(Serialize)]
pub struct LettersProgress {
    running: bool,
    done: usize,
    total: usize,
}

/// Writes the letters of every issued award of a call into a folder `CALL/` of the folder the
/// officer chooses (`exports/letters/` offered), and with `merged` one PDF of them all beside
/// that folder; `None` when the dialog was cancelled. `letters_progress` tells how far it is;
/// `cancel_letters` stops it after the letters being written (those stay registered).
#[tauri::command]
pub async fn write_letters<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    call: String,
    lang: Option<Lang>,
    merged: bool,
) -> Reply<Option<Batch>> {
    let Some(base) =
        dialog::pick_folder(&app, &state.answers, state.lang(), &letters_dir(&state)).await
    else {
        return Ok(None);
    };
    let run = &state.letters;
    if run.running.swap(true, Ordering::SeqCst) {
        return Err(Error::invalid(
            "letters",
            "letters_running",
            "通知书正在生成中，请等待完成或取消",
            "letters are being written: wait for them or cancel",
        ))
        .or_fail(&state);
    }
    run.cancel.store(false, Ordering::SeqCst);
    run.done.store(0, Ordering::SeqCst);
    run.total.store(0, Ordering::SeqCst);
    let result = async {
        let (agency, fonts) = agency_and_fonts(&state).await?;
        let lang = match lang {
            Some(l) => l,
            None => {
                call::get(&state.pool(), &call)
                    .await
                    .or_fail(&state)?
                    .spec
                    .letter_lang
            }
        };
        let safe = letter::file_name(&call, Lang::Zh);
        let dir = base.join(safe.trim_end_matches(".pdf"));
        let merged_file = merged.then(|| base.join(letter::merged_file_name(&call, lang)));
        let progress = |done: usize, total: usize| {
            run.done.store(done, Ordering::SeqCst);
            run.total.store(total, Ordering::SeqCst);
            !run.cancel.load(Ordering::SeqCst)
        };
        letter::write_call(
            &state.pool(),
            &state.stamp(),
            &call,
            &agency,
            Some(lang),
            &fonts,
            &dir,
            merged_file.as_deref(),
            true,
            &state.db_path,
            std::thread::available_parallelism().map_or(1, usize::from),
            &progress,
        )
        .await
        .or_fail(&state)
    }
    .await;
    run.running.store(false, Ordering::SeqCst);
    state.chose_folder(&base);
    result.map(Some)
}

#[tauri::command]
pub fn letters_progress(state: State<'_, AppState>) -> LettersProgress {
    let run = &state.letters;
    LettersProgress {
        running: run.running.load(Ordering::SeqCst),
        done: run.done.load(Ordering::SeqCst),
        total: run.total.load(Ordering::SeqCst),
    }
}

#[tauri::command]
pub fn cancel_letters(state: State<'_, AppState>) {
    state.letters.cancel.store(true, Ordering::SeqCst);
}

/// Whether a file is a letter (or a merged file of letters) GrantDesk issued.
#[tauri::command]
pub async fn verify_letter(state: State<'_, AppState>, upload: Upload) -> Reply<Verdict> {
    let bytes = bytes_of(&state, &upload)?;
    letter::verify(&state.pool(), &bytes).await.or_fail(&state)
}

/// The agency that issues the letters, as its form.
#[tauri::command]
pub async fn get_agency(state: State<'_, AppState>) -> Reply<AgencyForm> {
    settings_core::agency(&state.pool())
        .await
        .map(|a| AgencyForm::of(&a))
        .or_fail(&state)
}

#[tauri::command]
pub async fn set_agency(state: State<'_, AppState>, form: AgencyForm) -> Reply<AgencyForm> {
    settings_core::set_agency(&state.pool(), &state.stamp(), &form)
        .await
        .map(|a| AgencyForm::of(&a))
        .or_fail(&state)
}

/// Asks for a font file in the system's dialog (from the system's fonts folder) for the
/// agency's settings: its path, shown in the form and checked by the core when saved; `None`
/// when cancelled.
#[tauri::command]
pub async fn choose_font<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Reply<Option<String>> {
    let start = PathBuf::from("/usr/share/fonts");
    Ok(
        dialog::open_file(&app, &state.answers, state.lang(), Kind::Font, &start)
            .await
            .map(|p| p.display().to_string()),
    )
}

/// Opens, in the system's file manager, a folder of the exports or one the officer chose in a
/// dialog during this run (nothing else).
#[tauri::command]
pub fn open_folder(state: State<'_, AppState>, path: String) -> Reply<()> {
    let exports = export::dir_beside(&state.db_path);
    let p = std::path::Path::new(&path);
    let folder = if p.is_dir() {
        p
    } else {
        p.parent().unwrap_or(p)
    };
    let inside = folder.canonicalize().ok().is_some_and(|f| {
        std::iter::once(exports.clone())
            .chain(state.chosen_folders())
            .filter_map(|e| e.canonicalize().ok())
            .any(|e| f.starts_with(e))
    });
    if !inside {
        return Err(Error::invalid(
            "path",
            "outside_exports",
            format!("只能打开导出文件夹 {} 中的位置", exports.display()),
            format!(
                "only places in the exports folder {} open",
                exports.display()
            ),
        ))
        .or_fail(&state);
    }
    let opener = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(folder)
        .spawn()
        .map(|_| ())
        .map_err(|e| grantdesk::error::FileError::Unreadable {
            path: folder.display().to_string(),
            reason: e.to_string(),
        })
        .or_fail(&state)
}
