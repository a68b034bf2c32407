//! `grantdesk settings`: the agency's settings: its time zone, and the agency that issues
//! the letters (names, letterhead, standard conditions, fonts). Fields not given keep their
//! values.

use grantdesk::settings::{AgencyForm, agency, set_agency};

use crate::prelude::*;

#[derive(Args)]
pub(crate) struct SettingsArgs {
    /// Set the agency's time zone (an IANA name such as Asia/Shanghai)
    #[arg(long)]
    time_zone: Option<String>,
    /// The agency's name in Chinese (机构名称)
    #[arg(long)]
    name_zh: Option<String>,
    /// The agency's name in English
    #[arg(long)]
    name_en: Option<String>,
    /// The issuing-authority mark of Chinese letters (发文机关标志), e.g. …委员会文件
    #[arg(long)]
    letterhead_zh: Option<String>,
    /// The letterhead of English letters
    #[arg(long)]
    letterhead_en: Option<String>,
    /// A text file of the standard conditions in Chinese, one paragraph a line
    #[arg(long)]
    conditions_zh_file: Option<PathBuf>,
    /// A text file of the standard conditions in English, one paragraph a line
    #[arg(long)]
    conditions_en_file: Option<PathBuf>,
    /// The font file of titles (e.g. 小标宋); an empty value: the body's
    #[arg(long)]
    title_font: Option<String>,
    /// The font file of the body (e.g. 仿宋); an empty value: one found on the machine
    #[arg(long)]
    body_font: Option<String>,
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| {
        FileError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
        .into()
    })
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    a: SettingsArgs,
    out: &Out,
) -> Result<(), Error> {
    let zone = match &a.time_zone {
        Some(z) => grantdesk::settings::set_time_zone(pool, stamp, z).await?,
        None => grantdesk::settings::time_zone(pool).await?,
    };
    let current = agency(pool).await?;
    let mut form = AgencyForm::of(&current);
    let mut changed = false;
    for (given, field) in [
        (&a.name_zh, &mut form.name_zh),
        (&a.name_en, &mut form.name_en),
        (&a.letterhead_zh, &mut form.letterhead_zh),
        (&a.letterhead_en, &mut form.letterhead_en),
        (&a.title_font, &mut form.title_font),
        (&a.body_font, &mut form.body_font),
    ] {
        if let Some(v) = given {
            *field = v.clone();
            changed = true;
        }
    }
    if let Some(p) = &a.conditions_zh_file {
        form.conditions_zh = read(p)?;
        changed = true;
    }
    if let Some(p) = &a.conditions_en_file {
        form.conditions_en = read(p)?;
        changed = true;
    }
    let agency = if changed {
        set_agency(pool, stamp, &form).await?
    } else {
        current
    };
    let today = stamp.clone().in_zone(zone).today();
    #[derive(Serialize)]
    struct Shown {
        time_zone: String,
        today: NaiveDate,
        agency: grantdesk::letter::Agency,
    }
    let shown = Shown {
        time_zone: zone.name().to_string(),
        today,
        agency,
    };
    out.show(&shown, |s| {
        let a = &s.agency;
        println!("{}: {}", out.t("机构时区", "Time zone"), s.time_zone);
        println!("{}: {}", out.t("机构今日", "The agency's today"), s.today);
        println!(
            "{}: {} / {}",
            out.t("机构名称", "Agency"),
            a.name.zh,
            a.name.en
        );
        println!(
            "{}: {} / {}",
            out.t("发文机关标志", "Letterhead"),
            a.letterhead.zh,
            a.letterhead.en
        );
        println!(
            "{}: {} / {}",
            out.t("通知书条款", "Standard conditions"),
            a.conditions_zh.len(),
            a.conditions_en.len()
        );
        let found = out.t("本机找到的中文字体", "a Chinese font found on this machine");
        println!(
            "{}: {}",
            out.t("正文字体", "Body font"),
            a.body_font.as_deref().unwrap_or(found)
        );
        println!(
            "{}: {}",
            out.t("标题字体", "Title font"),
            a.title_font
                .as_deref()
                .unwrap_or(out.t("同正文", "the body's"))
        );
    })
}
