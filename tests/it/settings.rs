//! The first run's questions: the agency, its letterhead and its time zone, kept together.

use grantdesk::letter::Agency;
use grantdesk::settings::{self, FirstRunForm};

use crate::support::{db, stamp};

fn form() -> FirstRunForm {
    FirstRunForm {
        name_zh: "北京市科学技术委员会".into(),
        name_en: "Beijing Municipal Science and Technology Commission".into(),
        letterhead_zh: "北京市科学技术委员会文件".into(),
        letterhead_en: "Beijing Municipal Science and Technology Commission".into(),
        time_zone: "Asia/Urumqi".into(),
    }
}

#[tokio::test]
async fn the_first_run_keeps_the_agency_and_its_time_zone_together_or_nothing() {
    let db = db().await;
    assert!(!settings::agency_is_set(&db.pool).await.expect("asked"));

    // Every bad field named at once, the time zone among them; nothing written.
    let bad = FirstRunForm {
        name_en: " ".into(),
        letterhead_zh: "文".repeat(31),
        time_zone: "Beijing".into(),
        ..form()
    };
    let e = settings::first_run(&db.pool, &stamp(), &bad)
        .await
        .expect_err("refused");
    let fields: Vec<&str> = e
        .invalid_fields()
        .iter()
        .map(|i| i.field.as_str())
        .collect();
    assert_eq!(fields, ["name_en", "letterhead_zh", "time_zone"]);
    assert!(!settings::agency_is_set(&db.pool).await.expect("asked"));
    assert_eq!(
        settings::time_zone(&db.pool).await.expect("zone"),
        settings::DEFAULT_TIME_ZONE
    );
    assert_eq!(db.count("audit_log").await, 0);

    let (agency, zone) = settings::first_run(&db.pool, &stamp(), &form())
        .await
        .expect("kept");
    assert!(settings::agency_is_set(&db.pool).await.expect("asked"));
    assert_eq!(zone, chrono_tz::Asia::Urumqi);
    assert_eq!(settings::time_zone(&db.pool).await.expect("zone"), zone);
    let kept = settings::agency(&db.pool).await.expect("agency");
    assert_eq!(kept, agency);
    assert_eq!(kept.name.zh, "北京市科学技术委员会");
    assert_eq!(kept.letterhead.en, form().letterhead_en);
    // The standard conditions are not asked: the sample's stand until changed in settings.
    assert_eq!(kept.conditions_zh, Agency::sample().conditions_zh);
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'settings' AND entity_id IN ('agency', 'time_zone')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("n");
    assert_eq!(n, 2, "one entry for each setting");
    grantdesk::audit::verify(&db.pool).await.expect("chain");
}

/// A real call's letters never go out in the name of the sample's fictional agency: until the
/// agency is set they are refused, naming the setting; once set, they are written.
#[tokio::test]
async fn a_real_call_s_letters_wait_for_the_agency() {
    let db = db().await;
    grantdesk::demo::load_awarded(&db.pool, &stamp())
        .await
        .expect("awarded");
    // The sample's awards under another code: a real call as far as the letters know.
    grantdesk::db::query("UPDATE calls SET code = 'BJ-REAL-2027'")
        .execute(&db.pool)
        .await
        .expect("renamed");
    let agency = settings::agency(&db.pool).await.expect("agency");
    let e = grantdesk::letter::of_call(&db.pool, "BJ-REAL-2027", None, &agency, None)
        .await
        .expect_err("refused");
    assert_eq!(e.invalid_fields()[0].field, "agency");
    assert_eq!(e.invalid_fields()[0].rule, "agency_not_set");

    settings::first_run(&db.pool, &stamp(), &form())
        .await
        .expect("kept");
    let agency = settings::agency(&db.pool).await.expect("agency");
    let letters = grantdesk::letter::of_call(&db.pool, "BJ-REAL-2027", None, &agency, None)
        .await
        .expect("written");
    assert_eq!(letters.len(), 12);
    assert_eq!(letters[0].agency, "北京市科学技术委员会");
}
