//! `grantdesk settings [--time-zone ZONE]`: the agency's settings.

use crate::prelude::*;

#[derive(Args)]
pub(crate) struct SettingsArgs {
    /// Set the agency's time zone (an IANA name such as Asia/Shanghai)
    #[arg(long)]
    time_zone: Option<String>,
}

pub(crate) async fn run(
    pool: &Pool,
    stamp: &Stamp,
    a: SettingsArgs,
    out: &Out,
) -> Result<(), Error> {
    let zone = match a.time_zone {
        Some(z) => grantdesk::settings::set_time_zone(pool, stamp, &z).await?,
        None => grantdesk::settings::time_zone(pool).await?,
    };
    let today = stamp.clone().in_zone(zone).today();
    #[derive(Serialize)]
    struct Shown {
        time_zone: String,
        today: NaiveDate,
    }
    let shown = Shown {
        time_zone: zone.name().to_string(),
        today,
    };
    out.show(&shown, |s| {
        println!("{}: {}", out.t("机构时区", "Time zone"), s.time_zone);
        println!("{}: {}", out.t("机构今日", "The agency's today"), s.today);
    })
}
