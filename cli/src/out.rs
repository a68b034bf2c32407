//! Showing answers: tables on a terminal, JSON for scripts (`--json`), errors in the core's
//! one wire shape; and the small helpers every area uses.

use crate::prelude::*;

pub(crate) struct Out {
    pub(crate) lang: Lang,
    pub(crate) json: bool,
    /// `--lang` was given (not taken from the locale): what a letter is written in.
    pub(crate) chosen: bool,
}

impl Out {
    pub(crate) fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// The one way an answer is shown: as JSON for scripts (`--json`), else as the text the
    /// area writes for a terminal.
    pub(crate) fn show<T: Serialize>(&self, v: &T, text: impl FnOnce(&T)) -> Result<(), Error> {
        if self.json {
            self.json(v)
        } else {
            text(v);
            Ok(())
        }
    }

    pub(crate) fn json<T: Serialize>(&self, v: &T) -> Result<(), Error> {
        let text =
            serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        println!("{text}");
        Ok(())
    }
}

/// Output into a pipe whose reader has gone (`grantdesk … | head`) ends the program quietly,
/// with the status a shell gives a program stopped by SIGPIPE, instead of a panic message.
pub(crate) fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

pub(crate) fn report(e: &Error, out: &Out) {
    if out.json {
        let f = grantdesk::error::Wire::of(e, out.lang);
        eprintln!("{}", serde_json::to_string_pretty(&f).unwrap_or_default());
    } else {
        eprintln!("{}{}", out.t("错误：", "error: "), e.message(out.lang));
    }
}

pub(crate) fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `--by`: a ranking figure by the core's own names (mean, trimmed, calibrated); anything
/// else is refused as the arguments are read, never taken as the mean.
pub(crate) fn aggregate(s: &str) -> Result<Aggregate, String> {
    Aggregate::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a ranking figure: mean, trimmed or calibrated / 排序依据应为 mean、trimmed 或 calibrated")
    })
}

/// A refused argument: the core's request error (`invalid_input`), naming the field.
pub(crate) fn invalid(field: &str, rule: &'static str, zh: &str, en: &str) -> Error {
    Error::invalid(field, rule, zh, en)
}

/// "Reviewers imported: 3", or after a dry run "Checked, nothing written; reviewers that would
/// be imported: 3"; `what` names the rows: Chinese, English as a heading, English in a sentence.
pub(crate) fn print_imported(
    out: &Out,
    n: usize,
    dry_run: bool,
    (zh, heading, en): (&str, &str, &str),
) {
    match (dry_run, out.lang) {
        (true, Lang::Zh) => println!("检查通过，未写入；可导入的{zh}：{n}"),
        (true, Lang::En) => println!("Checked, nothing written; {en} that would be imported: {n}"),
        (false, Lang::Zh) => println!("已导入{zh} {n}"),
        (false, Lang::En) => println!("{heading} imported: {n}"),
    }
}

/// A text file in UTF-8 (with or without a BOM) or GB18030/GBK.
pub(crate) fn read_text(file: &PathBuf) -> Result<String, Error> {
    let bytes = std::fs::read(file).map_err(|e| FileError::Unreadable {
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(grantdesk::import::sheet::decode(&bytes).0)
}

pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(file: &PathBuf) -> Result<T, Error> {
    let path = file.display().to_string();
    let text = read_text(file)?;
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let reason = match line {
            Some(n) => format!("line {n}: {}", e.message()),
            None => e.message().to_string(),
        };
        Error::File(FileError::Malformed { path, reason })
    })
}

/// Columns a character takes on a terminal: CJK and full-width forms take two.
pub(crate) fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u);
            if wide { 2 } else { 1 }
        })
        .sum()
}

pub(crate) fn print_table(head: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(c));
            }
        }
    }
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let line = |w: &mut std::io::StdoutLock<'_>, cells: &[&str]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i].saturating_sub(width(c)) + 2));
            }
        }
        let _ = writeln!(w, "{}", s.trim_end());
    };
    line(&mut w, head);
    let rule: Vec<String> = widths.iter().map(|n| "─".repeat(*n)).collect();
    line(&mut w, &rule.iter().map(String::as_str).collect::<Vec<_>>());
    for r in &rows {
        line(&mut w, &r.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
