use grantdesk::call::{self, CallStatus};
use grantdesk::proposal::{self, Filter};
use grantdesk::{Money, audit, demo};

use crate::support::{db, stamp};

#[tokio::test]
async fn the_sample_holds_the_reference_call_and_forty_proposals() {
    let db = db().await;
    let loaded = demo::load(&db.pool, &stamp()).await.expect("load");
    assert!(loaded.call_created);
    assert_eq!((loaded.proposals_created, loaded.proposals_total), (40, 40));
    assert_eq!((loaded.eligible, loaded.ineligible), (35, 5));
    let c = call::get(&db.pool, demo::CALL_CODE).await.expect("call");
    assert_eq!(c.status, CallStatus::Closed);
    assert_eq!(c.spec.total_budget.format_yuan(), "¥60,000,000.00");
    assert_eq!(c.spec.max_awards, 12);
    assert_eq!(c.spec.award_ceiling, Money::parse("800万").expect("amount"));
    assert_eq!(
        c.spec.title_zh,
        "北京市人工智能与增强/虚拟现实科研专项 2026"
    );
    let rows = proposal::list(
        &db.pool,
        &Filter {
            call: demo::CALL_CODE.into(),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    let mut applicants: Vec<_> = rows.iter().map(|r| r.credit_code.clone()).collect();
    applicants.sort();
    applicants.dedup();
    assert_eq!(applicants.len(), 40, "distinct applicant organisations");
    for topic in ["AI", "AR", "VR"] {
        assert!(rows.iter().any(|r| r.topic == topic), "topic {topic}");
    }
    assert!(audit::verify(&db.pool).await.is_ok());
}

#[tokio::test]
async fn loading_the_sample_again_changes_nothing() {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("load");
    let entries = audit::verify(&db.pool).await.expect("intact").entries;
    let again = demo::load(&db.pool, &stamp()).await.expect("reload");
    assert!(!again.call_created);
    assert_eq!(again.proposals_created, 0);
    assert_eq!(
        audit::verify(&db.pool).await.expect("intact").entries,
        entries
    );
}

#[tokio::test]
async fn the_sample_is_the_same_in_every_database() {
    let (a, b) = (db().await, db().await);
    demo::load(&a.pool, &stamp()).await.expect("load a");
    demo::load(&b.pool, &stamp()).await.expect("load b");
    let f = Filter {
        call: demo::CALL_CODE.into(),
        ..Default::default()
    };
    let ja = serde_json::to_string(&proposal::list(&a.pool, &f).await.expect("a")).expect("json");
    let jb = serde_json::to_string(&proposal::list(&b.pool, &f).await.expect("b")).expect("json");
    assert_eq!(ja, jb);
}

#[tokio::test]
async fn the_dashboard_adds_up_to_the_proposals_table() {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("load");
    let d = grantdesk::dashboard::of_call(&db.pool, demo::CALL_CODE)
        .await
        .expect("dashboard");
    let rows = proposal::list(
        &db.pool,
        &Filter {
            call: demo::CALL_CODE.into(),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    let requested = Money::checked_sum(rows.iter().map(|r| r.requested)).expect("sum");
    assert_eq!(d.proposals.count, 40);
    assert_eq!(d.proposals.requested, requested);
    assert_eq!((d.eligible.count, d.ineligible.count), (35, 5));
    let topics: Vec<_> = d.by_topic.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(topics, vec!["AI", "AR", "VR"]);
    assert_eq!(d.by_topic.iter().map(|t| t.all.count).sum::<u64>(), 40);
    let topic_sum =
        Money::checked_sum(d.by_topic.iter().map(|t| t.eligible.requested)).expect("sum");
    assert_eq!(topic_sum, d.eligible.requested);
    assert_eq!(d.by_status.len(), 5);
    // Requests are about 3.3 times the budget: the bar says so in tenths of a percent.
    let want = (requested.fen() as i128 * 1000 / 6_000_000_000) as u64;
    assert_eq!(d.requested_permille, want);
    assert!(d.requested_permille > 1000);
}

#[tokio::test]
async fn withdrawn_proposals_do_not_count_on_the_dashboard() {
    let db = crate::support::open_call().await;
    let (form, _) = demo::sample_proposals().swap_remove(0);
    let p = proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect("create");
    proposal::withdraw(&db.pool, &stamp(), demo::CALL_CODE, &p.content.reference)
        .await
        .expect("withdraw");
    let d = grantdesk::dashboard::of_call(&db.pool, demo::CALL_CODE)
        .await
        .expect("dashboard");
    assert_eq!(d.proposals.count, 0);
    assert_eq!(d.proposals.requested, Money::ZERO);
    assert_eq!(
        d.by_status
            .iter()
            .find(|s| s.status == proposal::ProposalStatus::Withdrawn)
            .map(|s| s.tally.count),
        Some(1)
    );
}

#[tokio::test]
async fn the_reviewed_stage_is_drawn_without_conflicts_and_fully_scored() {
    let db = db().await;
    let r = demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("reviewed");
    assert_eq!((r.reviewers, r.assignments, r.reviews), (30, 105, 105));
    // R28 works for the applicant of 0001, R30 declared a conflict with 0012.
    let (bad,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         WHERE (s.reviewer_id = 28 AND p.reference = 'BJ-AIXR-2026-0001')
            OR (s.reviewer_id = 30 AND p.reference = 'BJ-AIXR-2026-0012')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("count");
    assert_eq!(bad, 0);
    let ranking = grantdesk::review::rank_call(
        &db.pool,
        demo::CALL_CODE,
        grantdesk::review::ranking::Aggregate::Mean,
    )
    .await
    .expect("ranking");
    assert_eq!(ranking.len(), 35);
    assert!(
        ranking.iter().any(|x| x.figures.disagreement),
        "the sample shows some disagreement"
    );
    let again = demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("again");
    assert_eq!(again.reviews, 105, "loading again adds nothing");
    let other = crate::support::db().await;
    demo::load_reviewed(&other.pool, &stamp())
        .await
        .expect("reviewed");
    let ranking_b = grantdesk::review::rank_call(
        &other.pool,
        demo::CALL_CODE,
        grantdesk::review::ranking::Aggregate::Mean,
    )
    .await
    .expect("ranking");
    let refs = |v: &[grantdesk::review::RankRow]| {
        v.iter()
            .map(|x| (x.reference.clone(), x.figures.rank))
            .collect::<Vec<_>>()
    };
    assert_eq!(refs(&ranking), refs(&ranking_b), "deterministic");
    assert!(audit::verify(&db.pool).await.is_ok());
}
