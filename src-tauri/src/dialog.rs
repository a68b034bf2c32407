//! The system's file dialogs (Tauri's dialog plugin), opened by the shell, never by the page:
//! the window asks "export this", "write this letter", "import a file", and the shell asks the
//! officer where with the native dialog, then reads or writes there itself. A path never comes
//! from the page, so the page holds no dialog or file-system permission at all, and a script
//! that got into it could not write or read a file the officer did not choose.
//!
//! TEST SEAM — the end-to-end tests cannot click a native dialog. In debug builds only, when
//! the environment names an answer file (`GRANTDESK_TEST_DIALOG`), no dialog opens: the file's
//! content is the officer's answer (a path; empty for "cancelled"), used once and removed.
//! Without an answer file, a save or folder dialog is answered with what it suggests and an
//! open dialog is cancelled. Release builds (the package) never read the variable.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use grantdesk::Lang;

/// Where the answers come from.
#[derive(Debug, Clone, Default)]
pub enum Answers {
    /// The officer, in the system's dialog.
    #[default]
    Native,
    /// The test seam: an answer file (see the module's note).
    File(PathBuf),
}

impl Answers {
    /// The test seam when a debug build is given an answer file; the native dialogs otherwise.
    pub fn from_env() -> Answers {
        if !cfg!(debug_assertions) {
            return Answers::Native;
        }
        match std::env::var_os("GRANTDESK_TEST_DIALOG") {
            Some(f) if !f.is_empty() => Answers::File(PathBuf::from(f)),
            _ => Answers::Native,
        }
    }

    /// The seam's answer: `None` when no answer was left (take the default), `Some(None)`
    /// for "cancelled".
    fn take(file: &Path) -> Option<Option<PathBuf>> {
        let text = std::fs::read_to_string(file).ok()?;
        let _ = std::fs::remove_file(file);
        let text = text.trim();
        Some((!text.is_empty()).then(|| PathBuf::from(text)))
    }
}

/// What a file dialog offers to choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A spreadsheet to import (CSV or XLSX).
    Sheet,
    Csv,
    Xlsx,
    Pdf,
    /// A GrantDesk database (a backup).
    Database,
    /// A font file for the letters.
    Font,
}

impl Kind {
    fn filter(self, lang: Lang) -> (&'static str, &'static [&'static str]) {
        let zh = lang == Lang::Zh;
        match self {
            Kind::Sheet => (
                if zh {
                    "表格（CSV、XLSX）"
                } else {
                    "Spreadsheets (CSV, XLSX)"
                },
                &["csv", "xlsx"],
            ),
            Kind::Csv => (if zh { "CSV 表格" } else { "CSV" }, &["csv"]),
            Kind::Xlsx => (
                if zh {
                    "Excel 工作簿"
                } else {
                    "Excel workbook"
                },
                &["xlsx"],
            ),
            Kind::Pdf => ("PDF", &["pdf"]),
            Kind::Database => (
                if zh {
                    "GrantDesk 数据库"
                } else {
                    "GrantDesk database"
                },
                &["db"],
            ),
            Kind::Font => (
                if zh { "字体文件" } else { "Font files" },
                &["ttf", "otf", "ttc", "otc"],
            ),
        }
    }

    /// The kind of an export by its file name.
    pub fn of_name(name: &str) -> Kind {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xlsx") {
            Kind::Xlsx
        } else if lower.ends_with(".pdf") {
            Kind::Pdf
        } else if lower.ends_with(".db") {
            Kind::Database
        } else {
            Kind::Csv
        }
    }
}

enum Ask<'a> {
    Open { start: &'a Path },
    Save { suggested: &'a Path },
    Folder { suggested: &'a Path },
}

async fn ask<R: Runtime>(
    app: &AppHandle<R>,
    answers: &Answers,
    lang: Lang,
    title: &str,
    kind: Option<Kind>,
    what: Ask<'_>,
) -> Option<PathBuf> {
    if let Answers::File(file) = answers {
        return match (Answers::take(file), what) {
            (Some(answer), _) => answer,
            (None, Ask::Open { .. }) => None,
            // The folder offered exists, as the system's dialog would have made it.
            (None, Ask::Save { suggested }) => {
                if let Some(dir) = suggested.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                Some(suggested.to_path_buf())
            }
            (None, Ask::Folder { suggested }) => {
                let _ = std::fs::create_dir_all(suggested);
                Some(suggested.to_path_buf())
            }
        };
    }
    let mut builder = app.dialog().file().set_title(title);
    if let Some(window) = app.get_webview_window("main") {
        builder = builder.set_parent(&window);
    }
    if let Some(kind) = kind {
        let (name, extensions) = kind.filter(lang);
        builder = builder.add_filter(name, extensions);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let send = move |p: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    };
    match what {
        Ask::Open { start } => builder.set_directory(start).pick_file(send),
        Ask::Save { suggested } => {
            if let Some(dir) = suggested.parent() {
                let _ = std::fs::create_dir_all(dir);
                builder = builder.set_directory(dir);
            }
            if let Some(name) = suggested.file_name() {
                builder = builder.set_file_name(name.to_string_lossy());
            }
            builder.save_file(send)
        }
        Ask::Folder { suggested } => {
            let _ = std::fs::create_dir_all(suggested);
            builder.set_directory(suggested).pick_folder(send)
        }
    }
    rx.await.ok().flatten()
}

/// A file to open, chosen by the officer (`None`: cancelled).
pub async fn open_file<R: Runtime>(
    app: &AppHandle<R>,
    answers: &Answers,
    lang: Lang,
    kind: Kind,
    start: &Path,
) -> Option<PathBuf> {
    let title = if lang == Lang::Zh {
        "选择文件"
    } else {
        "Choose a file"
    };
    ask(app, answers, lang, title, Some(kind), Ask::Open { start }).await
}

/// Where to save a file, `suggested` offered (`None`: cancelled).
pub async fn save_file<R: Runtime>(
    app: &AppHandle<R>,
    answers: &Answers,
    lang: Lang,
    suggested: &Path,
) -> Option<PathBuf> {
    let title = if lang == Lang::Zh {
        "保存到"
    } else {
        "Save as"
    };
    let name = suggested
        .file_name()
        .map(|n| n.to_string_lossy().to_string());
    let kind = Kind::of_name(name.as_deref().unwrap_or_default());
    ask(
        app,
        answers,
        lang,
        title,
        Some(kind),
        Ask::Save { suggested },
    )
    .await
}

/// A folder to write into, `suggested` offered (`None`: cancelled).
pub async fn pick_folder<R: Runtime>(
    app: &AppHandle<R>,
    answers: &Answers,
    lang: Lang,
    suggested: &Path,
) -> Option<PathBuf> {
    let title = if lang == Lang::Zh {
        "选择文件夹"
    } else {
        "Choose a folder"
    };
    ask(app, answers, lang, title, None, Ask::Folder { suggested }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seam_s_answer_is_used_once_and_an_empty_one_cancels() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("answer");
        assert_eq!(Answers::take(&file), None, "no answer left: the default");
        std::fs::write(&file, "/tmp/x.csv\n").expect("write");
        assert_eq!(
            Answers::take(&file),
            Some(Some(PathBuf::from("/tmp/x.csv")))
        );
        assert!(!file.exists(), "used once");
        std::fs::write(&file, "").expect("write");
        assert_eq!(Answers::take(&file), Some(None), "cancelled");
    }

    #[test]
    fn an_export_s_dialog_offers_its_own_kind_of_file() {
        assert_eq!(Kind::of_name("BJ-AIXR-2026-ranking.XLSX"), Kind::Xlsx);
        assert_eq!(Kind::of_name("a.csv"), Kind::Csv);
        assert_eq!(Kind::of_name("京科资〔2026〕第001号.pdf"), Kind::Pdf);
        assert_eq!(
            Kind::of_name("grantdesk-2026-11-30T101010.db"),
            Kind::Database
        );
        assert_eq!(Kind::Sheet.filter(Lang::En).1, ["csv", "xlsx"]);
    }
}
