//! Issue #16, item 6: a window on a server hears another officer's change within a second,
//! and not its own.

use std::time::Duration;

use grantdesk::call::{self, CallStatus};
use grantdesk::demo;

use crate::support::stamp;

#[tokio::test]
async fn another_officer_s_change_is_heard_within_a_second_and_one_s_own_is_not() {
    if crate::support::server().is_none() {
        eprintln!("live updates are a server's: run by make it-postgres");
        let db = crate::support::db().await;
        assert!(
            grantdesk::live::listen(&db.pool)
                .await
                .expect("listen")
                .is_none()
        );
        return;
    }
    let db = crate::support::open_call().await;
    let mut window = grantdesk::live::listen(&db.pool)
        .await
        .expect("listen")
        .expect("a server");
    // The window's own change is not news to it.
    call::set_status(&db.pool, &stamp(), demo::CALL_CODE, CallStatus::Closed)
        .await
        .expect("closed here");
    let other = db.other().await;
    call::set_status(&other, &stamp(), demo::CALL_CODE, CallStatus::Open)
        .await
        .expect("reopened by another officer");
    let heard = tokio::time::timeout(Duration::from_secs(1), window.next())
        .await
        .expect("within a second")
        .expect("a change");
    assert_eq!(heard.entity, "call");
    assert_eq!(heard.call.as_deref(), Some(demo::CALL_CODE));
    assert_eq!(
        heard.action, "open",
        "the other's change, not the window's own close"
    );
    assert_eq!(heard.actor, crate::support::actor());
}
