//! A shared server chosen in the window's settings. Its URL (never a password) is kept in the
//! window's configuration folder (`server.json` beside `window.json`); its password in the
//! operating system's keyring (the Secret Service of the desktop: GNOME Keyring, KWallet),
//! never in a plain file. At the next start the window opens that server's database unless
//! `--db` or `GRANTDESK_DB` says otherwise.
//!
//! Test seam (debug builds only, like the file dialogs'): with `GRANTDESK_TEST_KEYRING` set to
//! a file, the "keyring" is that file, so that the tests run where no Secret Service is.

use std::path::{Path, PathBuf};

use grantdesk::startup::Warning;
use grantdesk::store::{Location, Pool};
use grantdesk::{Coded, Error};
use serde::{Deserialize, Serialize};

/// The keyring's service name for GrantDesk's server passwords.
const SERVICE: &str = "GrantDesk";

/// Where passwords are kept.
#[derive(Debug, Clone)]
pub enum Keyring {
    /// The desktop's Secret Service.
    System,
    /// The tests' seam: a JSON map in this file.
    TestFile(PathBuf),
}

fn keyring_error(reason: impl std::fmt::Display) -> Error {
    Error::invalid(
        "password",
        "keyring_unavailable",
        format!("无法使用系统钥匙串保存密码（{reason}）：密码未保存"),
        format!("the system keyring cannot keep the password ({reason}): it was not saved"),
    )
}

impl Keyring {
    pub fn from_env() -> Keyring {
        match std::env::var_os("GRANTDESK_TEST_KEYRING") {
            Some(f) if cfg!(debug_assertions) => Keyring::TestFile(PathBuf::from(f)),
            _ => Keyring::System,
        }
    }

    fn test_map(file: &PathBuf) -> std::collections::BTreeMap<String, String> {
        std::fs::read(file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The password kept for `account`, if any.
    pub fn get(&self, account: &str) -> Result<Option<String>, Error> {
        match self {
            Keyring::System => {
                let entry = keyring::Entry::new(SERVICE, account).map_err(keyring_error)?;
                match entry.get_password() {
                    Ok(p) => Ok(Some(p)),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(keyring_error(e)),
                }
            }
            Keyring::TestFile(f) => Ok(Self::test_map(f).get(account).cloned()),
        }
    }

    pub fn set(&self, account: &str, password: &str) -> Result<(), Error> {
        match self {
            Keyring::System => keyring::Entry::new(SERVICE, account)
                .and_then(|e| e.set_password(password))
                .map_err(keyring_error),
            Keyring::TestFile(f) => {
                let mut map = Self::test_map(f);
                map.insert(account.to_string(), password.to_string());
                write_json(f, &map)
            }
        }
    }

    pub fn delete(&self, account: &str) -> Result<(), Error> {
        match self {
            Keyring::System => {
                match keyring::Entry::new(SERVICE, account).and_then(|e| e.delete_credential()) {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(keyring_error(e)),
                }
            }
            Keyring::TestFile(f) => {
                let mut map = Self::test_map(f);
                map.remove(account);
                write_json(f, &map)
            }
        }
    }
}

fn write_json(file: &Path, value: &impl Serialize) -> Result<(), Error> {
    let unwritable = |e: std::io::Error| {
        Error::from(grantdesk::error::FileError::Unwritable {
            path: file.display().to_string(),
            reason: e.to_string(),
        })
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(unwritable)?;
    }
    let text = serde_json::to_vec_pretty(value).unwrap_or_default();
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(unwritable)?;
    std::fs::rename(&tmp, file).map_err(unwritable)
}

/// The server the window opens when nothing else is said: its URL, without a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub url: String,
}

/// `server.json` in the window's configuration folder (Tauri's `app_config_dir`:
/// `$XDG_CONFIG_HOME/cn.grantdesk.desktop`), read before the window exists.
pub fn saved_file() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("cn.grantdesk.desktop").join("server.json"))
}

/// The server kept in `file` ([`saved_file`]), if any.
pub fn saved(file: Option<&Path>) -> Option<Saved> {
    let bytes = std::fs::read(file?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The keyring's account for a server database: `user@host:port/database`, no password.
pub fn account(url: &str) -> String {
    grantdesk::store::Location::Server(url.to_string()).describe()
}

/// Checks what the officer typed: a server URL, and no password in it (the password has its
/// own field and goes to the keyring).
pub fn check_url(url: &str) -> Result<String, Error> {
    let url = url.trim();
    if !grantdesk::store::is_server_url(url) {
        return Err(Error::invalid(
            "url",
            "server_url",
            "请填写服务器数据库地址，如 postgres://li_wei@db.agency:5432/grantdesk",
            "give the server's database as postgres://li_wei@db.agency:5432/grantdesk",
        ));
    }
    if grantdesk::store::url_has_password(url) {
        return Err(Error::invalid(
            "url",
            "password_in_url",
            "地址中不要写密码：请填在密码栏，它保存在系统钥匙串中",
            "leave the password out of the address: type it in the password field, which keeps it in the system keyring",
        ));
    }
    Ok(url.to_string())
}

/// Remembers `url` for the next start, with its password in the keyring (none: forgets any
/// kept for it).
pub fn save(
    file: Option<&Path>,
    keyring: &Keyring,
    url: &str,
    password: Option<&str>,
) -> Result<(), Error> {
    let file = file.ok_or_else(|| keyring_error("no configuration folder"))?;
    match password.filter(|p| !p.is_empty()) {
        Some(p) => keyring.set(&account(url), p)?,
        None => keyring.delete(&account(url))?,
    }
    write_json(
        file,
        &Saved {
            url: url.to_string(),
        },
    )
}

/// Back to this computer's file at the next start; the server's password leaves the keyring.
pub fn forget(file: Option<&Path>, keyring: &Keyring) -> Result<(), Error> {
    if let Some(s) = saved(file) {
        keyring.delete(&account(&s.url))?;
    }
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
    Ok(())
}

/// The database the window opens: `--db`, else `GRANTDESK_DB`, else the server saved in the
/// settings (with its password from the keyring), else this computer's file. A saved server
/// that cannot be reached is said in a warning, and the window opens the file meanwhile, so
/// that an officer is never locked out of the window by a server that is down.
pub async fn open_at_start(
    flag: Option<String>,
    env: Option<String>,
    keyring: &Keyring,
) -> Result<(Location, Pool, Vec<Warning>), Error> {
    let env = env.filter(|e| !e.trim().is_empty());
    if flag.is_none()
        && env.is_none()
        && let Some(s) = saved(saved_file().as_deref())
    {
        let password = keyring.get(&account(&s.url));
        match grantdesk::store::connect_server_as(&s.url, password.ok().flatten().as_deref()).await
        {
            Ok(pool) => return Ok((Location::Server(s.url), pool, Vec::new())),
            Err(e) => {
                let e = Error::from(e);
                let warning = Warning {
                    code: "server_unreachable".into(),
                    message: grantdesk::error::Msg::new(
                        format!(
                            "无法连接设置中的服务器 {}（{}）：现在打开的是本机文件",
                            account(&s.url),
                            e.message(grantdesk::Lang::Zh)
                        ),
                        format!(
                            "the server chosen in the settings, {}, could not be reached ({}): this computer's file is open instead",
                            account(&s.url),
                            e.message(grantdesk::Lang::En)
                        ),
                    ),
                };
                let file = Location::resolve(None, None)?;
                let pool = file.open(true).await?;
                return Ok((file, pool, vec![warning]));
            }
        }
    }
    let location = Location::resolve(flag, env)?;
    let pool = location.open(true).await?;
    Ok((location, pool, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop's Secret Service for real: `make test` runs this in a D-Bus session of its
    /// own with GNOME Keyring unlocked (`GRANTDESK_TEST_SECRET_SERVICE=1`, .ci/keyring). Without
    /// that session there is no keyring to talk to and the test says so.
    #[test]
    fn the_system_keyring_keeps_a_password_and_forgets_it() {
        if std::env::var_os("GRANTDESK_TEST_SECRET_SERVICE").is_none() {
            eprintln!("no Secret Service session: run through .ci/keyring");
            return;
        }
        let k = Keyring::System;
        let account = format!("tester@127.0.0.1:5432/t{}", std::process::id());
        assert_eq!(k.get(&account).expect("read"), None);
        k.set(&account, "s3cret").expect("keep");
        assert_eq!(k.get(&account).expect("read").as_deref(), Some("s3cret"));
        k.delete(&account).expect("forget");
        assert_eq!(k.get(&account).expect("read"), None);
        k.delete(&account).expect("forgetting twice is fine");
    }
}
