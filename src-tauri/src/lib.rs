//! The desktop shell. Each command only translates: IPC payload → core input → core call →
//! reply. No SQL, no arithmetic, no business rule lives here: the core decides, and the views
//! it returns say what the user may do next.

mod commands;
mod connection;
mod dialog;
mod light;
mod memory;

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use tauri::Runtime;

use grantdesk::store::{self, Pool, Stamp};
use grantdesk::{Coded, Error, Lang};

/// What every command shares: the pool and the language errors are written in.
pub struct AppState {
    /// Swapped only by a restore; every command takes a handle (a cheap clone) first.
    pool: RwLock<Pool>,
    pub db_path: PathBuf,
    lang: Mutex<Lang>,
    /// What the start found wrong (a broken audit chain, a failed backup): shown until closed.
    /// The record's checks run after the window opens and add theirs when they end.
    warnings: Mutex<Vec<grantdesk::startup::Warning>>,
    /// Whether those checks have ended (their warnings are in).
    record_checked: std::sync::atomic::AtomicBool,
    /// The agency's time zone (a setting), read at start and when it is changed: every act is
    /// dated in it.
    zone: Mutex<chrono_tz::Tz>,
    /// The moment `--now` fixes (like `GRANTDESK_NOW`), for demonstrations and tests.
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// The letters being written, for the window's progress bar and its cancel button.
    letters: LettersRun,
    /// The window's place and the last call opened, kept between runs.
    memory: memory::Memory,
    /// Who answers the file dialogs: the officer, or the end-to-end tests' seam (`dialog`).
    answers: dialog::Answers,
    /// The last ranking the window asked for, reused while nothing changed.
    pub rankings: grantdesk::review::table::Rankings,
    /// The folders the officer chose in a dialog during this run, the latest first: where the
    /// next dialog starts, and what `open_folder` may open besides the exports.
    chosen: Mutex<Vec<PathBuf>>,
    /// A backup file the officer chose to restore from, checked and waiting for the go-ahead.
    chosen_backup: Mutex<Option<PathBuf>>,
    /// Where the server passwords chosen in the settings are kept (the tests' seam, or the
    /// system keyring).
    keyring: connection::Keyring,
    /// Where the server chosen in the settings is kept (`server.json`).
    server_file: Option<PathBuf>,
    /// The database as people read it: the file's path, or the server's without a password.
    location: String,
}

/// A run of letters: how far it is, and whether the officer asked it to stop.
#[derive(Default)]
pub struct LettersRun {
    running: std::sync::atomic::AtomicBool,
    cancel: std::sync::atomic::AtomicBool,
    done: std::sync::atomic::AtomicUsize,
    total: std::sync::atomic::AtomicUsize,
}

impl AppState {
    pub fn new(pool: Pool, db_path: PathBuf, lang: Lang) -> AppState {
        AppState {
            pool: RwLock::new(pool),
            location: db_path.display().to_string(),
            db_path,
            lang: Mutex::new(lang),
            warnings: Mutex::new(Vec::new()),
            record_checked: std::sync::atomic::AtomicBool::new(false),
            zone: Mutex::new(grantdesk::settings::DEFAULT_TIME_ZONE),
            now: None,
            letters: LettersRun::default(),
            memory: memory::Memory::default(),
            answers: dialog::Answers::Native,
            rankings: grantdesk::review::table::Rankings::new(),
            chosen: Mutex::new(Vec::new()),
            chosen_backup: Mutex::new(None),
            keyring: connection::Keyring::from_env(),
            server_file: connection::saved_file(),
        }
    }

    /// The database as the settings page names it.
    pub fn located(mut self, location: String) -> AppState {
        self.location = location;
        self
    }

    /// Where passwords go (the tests give a file; by default the system keyring).
    pub fn keeping(mut self, keyring: connection::Keyring) -> AppState {
        self.keyring = keyring;
        self
    }

    /// Where the chosen server is kept (the tests give their own folder).
    pub fn remembering_server_in(mut self, file: PathBuf) -> AppState {
        self.server_file = Some(file);
        self
    }

    /// Every act dated at this moment instead of the clock's (`--now`).
    pub fn at(mut self, now: Option<chrono::DateTime<chrono::Utc>>) -> AppState {
        self.now = now;
        self
    }

    pub fn in_zone(self, zone: chrono_tz::Tz) -> AppState {
        self.set_zone(zone);
        self
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.zone
            .lock()
            .map(|z| *z)
            .unwrap_or(grantdesk::settings::DEFAULT_TIME_ZONE)
    }

    fn set_zone(&self, zone: chrono_tz::Tz) {
        if let Ok(mut z) = self.zone.lock() {
            *z = zone;
        }
    }

    /// Who acts and when, in the agency's time zone.
    fn stamp(&self) -> Stamp {
        match self.now {
            Some(at) => Stamp::new(store::os_account(), at).in_zone(self.zone()),
            None => Stamp::now_for_os_user().in_zone(self.zone()),
        }
    }

    /// Who answers the file dialogs (the tests' seam, or the officer).
    pub fn answering(mut self, answers: dialog::Answers) -> AppState {
        self.answers = answers;
        self
    }

    /// A file the officer chose or saved in a dialog: its folder is remembered.
    fn chose(&self, file: &std::path::Path) {
        if let Some(dir) = file.parent() {
            self.chose_folder(dir);
        }
    }

    fn chose_folder(&self, dir: &std::path::Path) {
        if let Ok(mut c) = self.chosen.lock() {
            c.retain(|d| d != dir);
            c.insert(0, dir.to_path_buf());
            c.truncate(50);
        }
    }

    fn chosen_folders(&self) -> Vec<PathBuf> {
        self.chosen.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Where an open dialog starts: the last folder chosen, else the officer's home.
    fn last_folder(&self) -> PathBuf {
        self.chosen_folders()
            .into_iter()
            .next()
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_else(|| grantdesk::export::dir_beside(&self.db_path))
    }

    pub fn with_warnings(self, warnings: Vec<grantdesk::startup::Warning>) -> AppState {
        self.add_warnings(warnings);
        self
    }

    /// Adds what a check found; returns every warning so far.
    fn add_warnings(
        &self,
        found: Vec<grantdesk::startup::Warning>,
    ) -> Vec<grantdesk::startup::Warning> {
        let mut w = self
            .warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.extend(found);
        w.clone()
    }

    fn warnings(&self) -> Vec<grantdesk::startup::Warning> {
        self.warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
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

/// A core result as a reply, its error in the window's language: `state.reply(core_call.await)`.
trait OrFail<T> {
    fn or_fail(self, state: &AppState) -> Reply<T>;
}

impl<T, E: Into<Error>> OrFail<T> for Result<T, E> {
    fn or_fail(self, state: &AppState) -> Reply<T> {
        self.map_err(|e| state.fail(e.into()))
    }
}

/// The commands of the window, from the one list in `commands/list.rs`.
macro_rules! commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        /// Every command the window may call, by name.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Registers the commands with a Tauri builder.
        pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
            builder.invoke_handler(tauri::generate_handler![$(commands::$area::$name),*])
        }
    };
}

include!("commands/list.rs");

pub(crate) fn system_lang() -> Lang {
    Lang::from_locale(&[
        std::env::var("LC_ALL").ok(),
        std::env::var("LC_MESSAGES").ok(),
        std::env::var("LANG").ok(),
    ])
}

/// A flag's value from the command line: `--name VALUE` or `--name=VALUE`.
fn flag(args: &[String], name: &str) -> Option<String> {
    let eq = format!("{name}=");
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix(&eq))
                .map(str::to_string)
        })
}

/// `--db PATH` from the command line, as for the CLI.
fn db_flag(args: &[String]) -> Option<String> {
    flag(args, "--db")
}

/// `--now 2028-02-01T10:00:00+08:00`: the moment every act is dated at, as `GRANTDESK_NOW`
/// does for the command line — for demonstrations and the end-to-end tests, which must see
/// the same dates on any day.
fn now_flag(args: &[String]) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    flag(args, "--now")
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| {
                    format!("--now {s}: {e} (use RFC 3339, e.g. 2028-02-01T10:00:00+08:00)")
                })
        })
        .transpose()
}

/// The configuration and the page's files, embedded once (the bare window uses them too).
fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

/// Starts the window on the database chosen by `--db`, `GRANTDESK_DB` or the data directory.
pub fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    // First, while this is the only thread: the environment WebKitGTK's processes inherit.
    light::tune_environment(&args);
    if args.iter().any(|a| a == "--bare-window") {
        return light::run_bare(context(), !light::keep_defaults(&args));
    }
    // A file (created when missing), or a PostgreSQL server's database (postgres://…): the
    // flag's, the environment's, else the server chosen in the settings, else the file.
    let keyring = connection::Keyring::from_env();
    let (location, pool, unreached) = tauri::async_runtime::block_on(connection::open_at_start(
        db_flag(&args),
        std::env::var(store::DB_ENV).ok(),
        &keyring,
    ))
    .map_err(|e| e.message(Lang::En))?;
    let path = location.anchor();
    let zone = tauri::async_runtime::block_on(grantdesk::settings::time_zone(&pool))
        .map_err(|e| e.message(Lang::En))?;
    let now = now_flag(&args)?;
    let stamp = match now {
        Some(at) => Stamp::new(store::os_account(), at).in_zone(zone),
        None => Stamp::now_for_os_user().in_zone(zone),
    };
    // What must precede an officer's first act; the audit chain and the day's backup are
    // checked once the window is open (check_the_record).
    let mut warnings = tauri::async_runtime::block_on(grantdesk::startup::prepare(&pool, &stamp));
    warnings.extend(unreached);
    for w in &warnings {
        eprintln!("GrantDesk: {}", w.message.en);
    }
    let state = AppState::new(pool, path, system_lang())
        .located(location.describe())
        .keeping(keyring)
        .answering(dialog::Answers::from_env())
        .with_warnings(warnings)
        .in_zone(zone)
        .at(now);
    let light = !light::keep_defaults(&args);
    with_commands(tauri::Builder::default().manage(state))
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            use tauri::Manager;
            if let Ok(dir) = app.path().app_config_dir() {
                app.state::<AppState>().memory.open(dir.join("window.json"));
            }
            if let Some(window) = app.get_webview_window("main") {
                if light {
                    light::lighten(&window);
                }
                put_back(&window, &app.state::<AppState>().memory);
            }
            hear_other_officers(app.handle().clone(), app.state::<AppState>().pool());
            check_the_record(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            use tauri::{Manager, WindowEvent};
            if matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_))
                && let Some(place) = place_of(window)
            {
                window.state::<AppState>().memory.placed(place);
            }
        })
        .run(context())
        .map_err(|e| e.to_string())
}

/// Verifies the audit chain and takes the day's backup while the officer already works (on a
/// national programme's database, seconds); what they find joins the warnings, and the page
/// hears of it (`warnings`, with every warning so far).
fn check_the_record<R: Runtime>(app: tauri::AppHandle<R>) {
    use tauri::{Emitter, Manager};
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let (pool, stamp) = (state.pool(), state.stamp());
        let mut found = grantdesk::startup::check_record(&pool, &state.db_path, &stamp).await;
        if pool.is_closed() {
            // A restore replaced the database meanwhile (it waited for the chain's walk to
            // end): what was found, or the backup refused on the closed pool, is of data no
            // longer in use, and the restore checked the data it brought in.
            found.clear();
        }
        for w in &found {
            eprintln!("GrantDesk: {}", w.message.en);
        }
        let all = state.add_warnings(found);
        state
            .record_checked
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = app.emit("warnings", &all);
    });
}

/// On a server's database: every change another officer commits reaches the page as a
/// `changed` event (which refreshes what it shows). Nothing on a file.
fn hear_other_officers<R: Runtime>(app: tauri::AppHandle<R>, pool: Pool) {
    use tauri::Emitter;
    tauri::async_runtime::spawn(async move {
        let mut listener = match grantdesk::live::listen(&pool).await {
            Ok(Some(l)) => l,
            Ok(None) => return,
            Err(e) => {
                eprintln!("GrantDesk: live updates are off: {}", e.message(Lang::En));
                return;
            }
        };
        loop {
            match listener.next().await {
                Ok(change) => {
                    let _ = app.emit("changed", &change);
                }
                Err(e) => {
                    eprintln!("GrantDesk: live updates stopped: {}", e.message(Lang::En));
                    return;
                }
            }
        }
    });
}

/// Where the window is now (while it is neither minimised nor maximised, its own size and
/// position; maximised, the size it had before with the flag).
fn place_of<R: Runtime>(window: &tauri::Window<R>) -> Option<memory::Place> {
    use tauri::Manager;
    if window.is_minimized().unwrap_or(false) {
        return None;
    }
    let maximized = window.is_maximized().unwrap_or(false);
    if maximized {
        let before = window.state::<AppState>().memory.window();
        return before.map(|p| memory::Place {
            maximized: true,
            ..p
        });
    }
    let at = window.outer_position().ok()?;
    let size = window.inner_size().ok()?;
    Some(memory::Place {
        x: at.x,
        y: at.y,
        width: size.width,
        height: size.height,
        maximized: false,
    })
}

/// Puts the window back where it was, if that is still on a screen.
fn put_back<R: Runtime>(window: &tauri::WebviewWindow<R>, memory: &memory::Memory) {
    let Some(place) = memory.window() else { return };
    let screens: Vec<(i32, i32, u32, u32)> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            (
                m.position().x,
                m.position().y,
                m.size().width,
                m.size().height,
            )
        })
        .collect();
    if !memory::on_screen(&place, &screens) {
        return;
    }
    let _ = window.set_size(tauri::PhysicalSize::new(place.width, place.height));
    let _ = window.set_position(tauri::PhysicalPosition::new(place.x, place.y));
    if place.maximized {
        let _ = window.maximize();
    }
}

#[cfg(test)]
mod tests;
