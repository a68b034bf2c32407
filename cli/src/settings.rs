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
    if out.json {
        #[derive(Serialize)]
        struct Shown {
            time_zone: String,
            today: NaiveDate,
        }
        return out.json(&Shown {
            time_zone: zone.name().to_string(),
            today,
        });
    }
    println!("{}: {}", out.t("机构时区", "Time zone"), zone.name());
    println!("{}: {today}", out.t("机构今日", "The agency's today"));
    Ok(())
}
