//! The desktop shell. Each command only translates: IPC payload → core input → core call →
//! reply. No SQL, no arithmetic, no business rule lives here: the core decides, and the views
//! it returns say what the user may do next.

mod commands;

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
    warnings: Vec<grantdesk::startup::Warning>,
    /// The agency's time zone (a setting), read at start and when it is changed: every act is
    /// dated in it.
    zone: Mutex<chrono_tz::Tz>,
    /// The moment `--now` fixes (like `GRANTDESK_NOW`), for demonstrations and tests.
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// The letters being written, for the window's progress bar and its cancel button.
    letters: LettersRun,
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
            db_path,
            lang: Mutex::new(lang),
            warnings: Vec::new(),
            zone: Mutex::new(grantdesk::settings::DEFAULT_TIME_ZONE),
            now: None,
            letters: LettersRun::default(),
        }
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
fn db_flag(args: &[String]) -> Option<PathBuf> {
    flag(args, "--db").map(PathBuf::from)
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
    let now = now_flag(&args)?;
    let stamp = match now {
        Some(at) => Stamp::new(store::os_account(), at).in_zone(zone),
        None => Stamp::now_for_os_user().in_zone(zone),
    };
    let warnings = tauri::async_runtime::block_on(grantdesk::startup::check(&pool, &path, &stamp));
    for w in &warnings {
        eprintln!("GrantDesk: {}", w.message.en);
    }
    let state = AppState::new(pool, path, system_lang())
        .with_warnings(warnings)
        .in_zone(zone)
        .at(now);
    with_commands(tauri::Builder::default().manage(state))
        .run(tauri::generate_context!())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
