//! What the window remembers between runs: its size and position, and the last call opened
//! on each database. It is the window's own state, not the agency's data, so it lives in the
//! user's configuration folder (`~/.config/cn.grantdesk.desktop/window.json`), never in the
//! database or its audit log. Written whole (a temporary file renamed over it) whenever it
//! changes, so a window that is killed keeps what it had.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

/// How many databases' last calls are kept (the oldest go first).
const DATABASES: usize = 20;

/// Where the window was, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Kept {
    window: Option<Place>,
    /// (database file, call code), the most recent last.
    #[serde(default)]
    last_call: Vec<(String, String)>,
}

#[derive(Default)]
pub struct Memory {
    file: OnceLock<PathBuf>,
    kept: Mutex<Kept>,
}

impl Memory {
    /// Reads what was kept in `file` (nothing, if it is missing or unreadable) and keeps
    /// writing there.
    pub fn open(&self, file: PathBuf) {
        let kept = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Kept>(&b).ok())
            .unwrap_or_default();
        if let Ok(mut k) = self.kept.lock() {
            *k = kept;
        }
        let _ = self.file.set(file);
    }

    pub fn window(&self) -> Option<Place> {
        self.kept.lock().ok().and_then(|k| k.window)
    }

    pub fn last_call(&self, db: &Path) -> Option<String> {
        let db = db.display().to_string();
        let k = self.kept.lock().ok()?;
        k.last_call
            .iter()
            .rev()
            .find(|(d, _)| *d == db)
            .map(|(_, c)| c.clone())
    }

    pub fn placed(&self, place: Place) {
        self.change(|k| k.window = Some(place));
    }

    pub fn opened_call(&self, db: &Path, code: &str) {
        let db = db.display().to_string();
        self.change(|k| {
            k.last_call.retain(|(d, _)| *d != db);
            k.last_call.push((db, code.to_string()));
            let extra = k.last_call.len().saturating_sub(DATABASES);
            k.last_call.drain(..extra);
        });
    }

    /// Applies a change and writes the whole if it changed anything. Failing to write is not
    /// worth an error in the window: the next change tries again.
    fn change(&self, f: impl FnOnce(&mut Kept)) {
        let Ok(mut k) = self.kept.lock() else { return };
        let before = k.clone();
        f(&mut k);
        if *k == before {
            return;
        }
        let Some(file) = self.file.get() else { return };
        let Ok(bytes) = serde_json::to_vec_pretty(&*k) else {
            return;
        };
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let temp = file.with_extension("json.partial");
        if std::fs::write(&temp, bytes).is_ok() {
            let _ = std::fs::rename(&temp, file);
        }
    }
}

/// Whether a window placed there would show its title bar on one of the screens (a monitor
/// unplugged since, or a smaller screen, must not leave it out of reach).
pub fn on_screen(place: &Place, screens: &[(i32, i32, u32, u32)]) -> bool {
    screens.iter().any(|&(x, y, w, h)| {
        let (right, bottom) = (x + w as i32, y + h as i32);
        place.x + 100 <= right
            && place.x + place.width as i32 >= x + 100
            && place.y >= y
            && place.y + 40 <= bottom
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_keeps_the_window_and_each_database_s_last_call_across_runs() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("conf").join("window.json");
        let m = Memory::default();
        m.open(file.clone());
        assert_eq!(m.window(), None);
        let place = Place {
            x: 30,
            y: 40,
            width: 1100,
            height: 700,
            maximized: false,
        };
        m.placed(place);
        m.opened_call(Path::new("/a.db"), "BJ-AIXR-2026");
        m.opened_call(Path::new("/b.db"), "SH-2027");
        m.opened_call(Path::new("/a.db"), "BJ-QC-2027");

        let again = Memory::default();
        again.open(file.clone());
        assert_eq!(again.window(), Some(place));
        assert_eq!(
            again.last_call(Path::new("/a.db")).as_deref(),
            Some("BJ-QC-2027")
        );
        assert_eq!(
            again.last_call(Path::new("/b.db")).as_deref(),
            Some("SH-2027")
        );
        assert_eq!(again.last_call(Path::new("/c.db")), None);

        for i in 0..30 {
            again.opened_call(Path::new(&format!("/t{i}.db")), "X");
        }
        let kept: Kept =
            serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
        assert_eq!(kept.last_call.len(), DATABASES, "the oldest databases go");
        assert_eq!(again.last_call(Path::new("/a.db")), None);

        // A broken file is a fresh start, not an error.
        std::fs::write(&file, b"{not json").expect("write");
        let broken = Memory::default();
        broken.open(file);
        assert_eq!(broken.window(), None);
    }

    #[test]
    fn a_window_off_every_screen_is_not_put_back_there() {
        let screen = [(0, 0, 1400, 900)];
        let at = |x, y| Place {
            x,
            y,
            width: 1280,
            height: 800,
            maximized: false,
        };
        assert!(on_screen(&at(60, 40), &screen));
        assert!(
            on_screen(&at(-1000, 10), &screen),
            "partly off to the left, title bar reachable"
        );
        assert!(
            !on_screen(&at(2000, 40), &screen),
            "on a screen unplugged since"
        );
        assert!(
            !on_screen(&at(60, -30), &screen),
            "title bar above the screen"
        );
        assert!(!on_screen(&at(60, 880), &screen));
        let two = [(0, 0, 1400, 900), (1400, 0, 1920, 1080)];
        assert!(on_screen(&at(2000, 40), &two));
    }
}
