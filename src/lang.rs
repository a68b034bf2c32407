//! The two languages officers work in. Every message the core produces exists in both.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 简体中文
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Parses `zh`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en_US`… (case-insensitive).
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::Zh)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a POSIX locale as found in `LC_ALL`, `LC_MESSAGES` or `LANG`:
    /// Chinese when the locale is Chinese, English otherwise.
    pub fn from_locale(vars: &[Option<String>]) -> Lang {
        vars.iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(v))
            .unwrap_or(Lang::En)
    }

    /// Picks one of two texts.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_locales_choose_chinese_and_others_english() {
        assert_eq!(
            Lang::from_locale(&[None, Some("zh_CN.UTF-8".into())]),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale(&[Some("en_GB.UTF-8".into())]), Lang::En);
        assert_eq!(Lang::from_locale(&[Some("C".into())]), Lang::En);
        assert_eq!(
            Lang::from_locale(&[Some(String::new()), Some("zh_TW".into())]),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale(&[]), Lang::En);
    }
}
