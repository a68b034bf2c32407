use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use grantdesk::call;
use grantdesk::credit_code::CreditCode;
use grantdesk::decision::Rows;
use grantdesk::form::Text;
use grantdesk::proposal::{self, Filter, ProposalStatus};
use grantdesk::review::pool::{self, ConflictWith, Declared, ReviewerForm};
use grantdesk::review::ranking::Aggregate;
use grantdesk::review::table::Rankings;
use grantdesk::review::{self, ReviewForm};
use grantdesk::{Coded, audit, demo};

use crate::support::{Db, db, stamp};

fn reviewer(name: &str, affiliation: &str, code: &str, topics: &str) -> ReviewerForm {
    ReviewerForm {
        name: name.into(),
        affiliation: affiliation.into(),
        affiliation_code: code.into(),
        email: Text(format!(
            "{}@review.example.cn",
            name.to_lowercase().replace(' ', ".")
        )),
        phone: "010-00000000".into(),
        topics: vec![topics.into()],
        seen_version: None,
    }
}

/// The sample call (closed, 35 eligible) and a pool of 15 reviewers, five per topic; the
/// first AI reviewer works for the applicant of BJ-AIXR-2026-0001.
async fn reviewed_call() -> (Db, Vec<i64>) {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("sample");
    let first = proposal::get(&db.pool, demo::CALL_CODE, "BJ-AIXR-2026-0001")
        .await
        .expect("p1");
    let own = first.content.applicant.credit_code.to_string();
    let mut ids = Vec::new();
    for (i, topic) in ["AI", "AR", "VR"].iter().enumerate() {
        for k in 0..5 {
            let code = if i == 0 && k == 0 {
                own.clone()
            } else {
                String::new()
            };
            let f = reviewer(&format!("Expert {topic}{k}"), "某研究院", &code, topic);
            ids.push(
                pool::create(&db.pool, &stamp(), &f)
                    .await
                    .expect("reviewer")
                    .id,
            );
        }
    }
    (db, ids)
}

/// Every review of `reference` scored full marks again, on the connection `on` (another
/// officer's): the proposal goes to the top of the ranking.
async fn rescore_at_the_top(db: &Db, on: &grantdesk::store::Pool, reference: &str) {
    for (p, r) in pairs(db).await.iter().filter(|(p, _)| p == reference) {
        review::enter_review(on, &stamp(), &review_form(p, *r, ["10"; 4], "fund"))
            .await
            .expect("rescore");
    }
}

async fn pairs(db: &Db) -> Vec<(String, i64)> {
    grantdesk::db::query_as(
        "SELECT p.reference, s.reviewer_id FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         WHERE s.status = 'assigned' ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
    .expect("pairs")
}

#[tokio::test]
async fn the_draw_staffs_every_eligible_proposal_without_conflicts_and_is_reproducible() {
    let (db, ids) = reviewed_call().await;
    let report = review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(42), 30)
        .await
        .expect("draw");
    assert_eq!(report.seed, 42);
    assert_eq!(report.need, 3);
    assert!(report.short.is_empty(), "{:?}", report.short);
    assert_eq!(report.assigned, 35 * 3);
    assert!(
        report.recusals >= 1,
        "the affiliated reviewer recused from 0001"
    );
    let drawn = pairs(&db).await;
    assert!(
        !drawn.contains(&("BJ-AIXR-2026-0001".into(), ids[0])),
        "conflicted reviewer drawn"
    );
    let eligible = proposal::list(
        &db.pool,
        &Filter {
            call: demo::CALL_CODE.into(),
            status: Some(ProposalStatus::Eligible),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    let staffed: HashSet<&str> = drawn.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(staffed.len(), eligible.len());

    let (again, _) = reviewed_call().await;
    review::assign(&again.pool, &stamp(), demo::CALL_CODE, Some(42), 30)
        .await
        .expect("draw");
    assert_eq!(pairs(&again).await, drawn, "same seed, same draw");
    let entry = &audit::history(&db.pool, Some(("draw", &report.draw.to_string())), 1)
        .await
        .expect("history")[0];
    assert!(
        entry
            .after_json
            .as_deref()
            .is_some_and(|j| j.contains("\"seed\":\"42\""))
    );
    assert!(audit::verify(&db.pool).await.is_ok());
}

#[tokio::test]
async fn a_draw_waits_for_the_call_to_close_and_names_what_it_could_not_staff() {
    let db = crate::support::open_call().await;
    let err = review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(1), 10)
        .await
        .expect_err("open call");
    assert_eq!(err.code(), "call_not_closed");

    let (db, _) = reviewed_call().await;
    let vr: Vec<i64> = pool::list(&db.pool)
        .await
        .expect("pool")
        .iter()
        .filter(|r| r.topics == ["VR"])
        .map(|r| r.id)
        .collect();
    for id in vr {
        pool::set_active(&db.pool, &stamp(), id, false)
            .await
            .expect("deactivate");
    }
    let report = review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(7), 30)
        .await
        .expect("draw");
    assert!(!report.short.is_empty());
    assert!(report.short.iter().all(|s| {
        s.missing == 3
            && s.message
                .en
                .contains("no active reviewer in the pool knows VR")
    }));
}

#[tokio::test]
async fn a_conflicted_reviewer_is_refused_and_the_refusal_is_audited() {
    let (db, ids) = reviewed_call().await;
    let declared = Declared {
        reviewer: ids[1],
        with: ConflictWith::Proposal {
            call: demo::CALL_CODE.into(),
            reference: "BJ-AIXR-2026-0002".into(),
        },
        reason: "former doctoral student of the investigator".into(),
        declared_on: NaiveDate::from_ymd_opt(2026, 5, 10),
    };
    pool::declare(&db.pool, &stamp(), &declared)
        .await
        .expect("declare");
    let err = review::add_reviewer(
        &db.pool,
        &stamp(),
        demo::CALL_CODE,
        "BJ-AIXR-2026-0002",
        ids[1],
    )
    .await
    .expect_err("conflict");
    assert_eq!(err.code(), "conflict_of_interest");
    assert!(err.to_string().contains("former doctoral student"), "{err}");
    let err = review::add_reviewer(
        &db.pool,
        &stamp(),
        demo::CALL_CODE,
        "BJ-AIXR-2026-0001",
        ids[0],
    )
    .await
    .expect_err("own org");
    assert!(
        err.to_string().contains("belongs to the applicant"),
        "{err}"
    );
    assert!(pairs(&db).await.is_empty(), "nothing assigned");
    let refusals = audit::history(&db.pool, Some(("conflict", &ids[1].to_string())), 10)
        .await
        .expect("history");
    assert_eq!(
        refusals
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        vec!["refuse", "declare"]
    );
    // An organisation-wide declaration covers every proposal of that applicant.
    let p3 = proposal::get(&db.pool, demo::CALL_CODE, "BJ-AIXR-2026-0003")
        .await
        .expect("p3");
    let org = Declared {
        reviewer: ids[2],
        with: ConflictWith::Organisation(
            CreditCode::parse(p3.content.applicant.credit_code.as_str()).expect("code"),
        ),
        reason: "adjunct professor there".into(),
        declared_on: NaiveDate::from_ymd_opt(2026, 5, 10),
    };
    pool::declare(&db.pool, &stamp(), &org)
        .await
        .expect("declare org");
    review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(3), 30)
        .await
        .expect("draw");
    let drawn = pairs(&db).await;
    for (r, who) in [
        ("BJ-AIXR-2026-0001", ids[0]),
        ("BJ-AIXR-2026-0002", ids[1]),
        ("BJ-AIXR-2026-0003", ids[2]),
    ] {
        assert!(
            !drawn.contains(&(r.to_string(), who)),
            "{r} drawn with conflicted R{who}"
        );
    }
}

fn review_form(
    reference: &str,
    reviewer: i64,
    scores: [&str; 4],
    recommendation: &str,
) -> ReviewForm {
    let keys = ["innovation", "feasibility", "team", "impact"];
    ReviewForm {
        call: demo::CALL_CODE.into(),
        reference: reference.into(),
        reviewer: Text(format!("R{reviewer}")),
        scores: keys
            .iter()
            .zip(scores)
            .map(|(k, s)| (k.to_string(), Text::from(s)))
            .collect::<BTreeMap<_, _>>(),
        comment: "意见".into(),
        recommendation: recommendation.into(),
    }
}

#[tokio::test]
async fn scores_are_checked_against_the_rubric_and_the_assignment() {
    let (db, _) = reviewed_call().await;
    review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(5), 30)
        .await
        .expect("draw");
    let drawn = pairs(&db).await;
    let (reference, r) = drawn[0].clone();
    let not_assigned = pool::list(&db.pool)
        .await
        .expect("pool")
        .into_iter()
        .map(|x| x.id)
        .find(|id| !drawn.contains(&(reference.clone(), *id)))
        .expect("someone else");

    let err = review::enter_review(
        &db.pool,
        &stamp(),
        &review_form(&reference, not_assigned, ["8", "7", "6", "9"], "fund"),
    )
    .await
    .expect_err("not assigned");
    assert!(
        matches!(err.code(), "not_assigned" | "conflict_of_interest"),
        "{err}"
    );
    let err = review::enter_review(
        &db.pool,
        &stamp(),
        &review_form(&reference, r, ["11", "7", "", "9"], "fund"),
    )
    .await
    .expect_err("bad scores");
    let rules: Vec<(&str, &str)> = err
        .invalid_fields()
        .iter()
        .map(|i| (i.field.as_str(), i.rule))
        .collect();
    assert_eq!(
        rules,
        vec![
            ("scores.innovation", "score_out_of_range"),
            ("scores.team", "score_missing")
        ]
    );
    let err = review::enter_review(
        &db.pool,
        &stamp(),
        &review_form(&reference, r, ["8", "7", "6", "9"], "maybe"),
    )
    .await
    .expect_err("recommendation");
    assert_eq!(err.invalid_fields()[0].rule, "recommendation_unknown");
    let (n,): (i64,) = grantdesk::db::query_as("SELECT COUNT(*) FROM reviews")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing written");

    review::enter_review(
        &db.pool,
        &stamp(),
        &review_form(&reference, r, ["8", "n/a", "6", "9"], "fund"),
    )
    .await
    .expect("n/a is a valid entry");
    let (na,): (i64,) =
        grantdesk::db::query_as("SELECT COUNT(*) FROM review_scores WHERE score IS NULL")
            .fetch_one(&db.pool)
            .await
            .expect("count");
    assert_eq!(na, 1);
}

#[tokio::test]
async fn the_ranking_follows_the_reviews_and_explains_its_figures() {
    let (db, _) = reviewed_call().await;
    review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(9), 30)
        .await
        .expect("draw");
    let drawn = pairs(&db).await;
    // Proposal 0001 gets top marks from all its reviewers, 0002 middling ones with one n/a.
    for (reference, r) in drawn.iter().filter(|(p, _)| p == "BJ-AIXR-2026-0001") {
        review::enter_review(
            &db.pool,
            &stamp(),
            &review_form(reference, *r, ["10", "9", "10", "9"], "fund"),
        )
        .await
        .expect("review");
    }
    for (reference, r) in drawn.iter().filter(|(p, _)| p == "BJ-AIXR-2026-0002") {
        review::enter_review(
            &db.pool,
            &stamp(),
            &review_form(reference, *r, ["6", "n/a", "6", "6"], "fund_if_budget"),
        )
        .await
        .expect("review");
    }
    let ranking = review::rank_call(&db.pool, demo::CALL_CODE, Aggregate::Mean)
        .await
        .expect("ranking");
    assert_eq!(ranking.len(), 2, "only reviewed proposals are ranked");
    assert_eq!(ranking[0].reference, "BJ-AIXR-2026-0001");
    assert_eq!(
        (ranking[0].figures.rank, ranking[0].figures.reviews),
        (1, 3)
    );
    // 10·30% + 9·25% + 10·20% + 9·25% = 9.5 of 10.
    assert!(
        (ranking[0].figures.mean - 95.0).abs() < 1e-9,
        "{}",
        ranking[0].figures.mean
    );
    // n/a is left out, not counted as zero: 6/10 on every scored criterion is 60.
    assert!(
        (ranking[1].figures.mean - 60.0).abs() < 1e-9,
        "{}",
        ranking[1].figures.mean
    );
    assert!(!ranking[1].figures.disagreement);
}

#[tokio::test]
async fn a_score_sheet_is_imported_whole_or_not_at_all() {
    let (db, ids) = reviewed_call().await;
    review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(5), 30)
        .await
        .expect("draw");
    let drawn = pairs(&db).await;
    let c = call::get(&db.pool, demo::CALL_CODE).await.expect("call");
    let mut text =
        String::from("申请书编号,专家编号,创新性,可行性,团队,应用前景,评审建议,评审意见\n");
    for (reference, r) in drawn.iter().take(4) {
        text.push_str(&format!("{reference},R{r},8,7,n/a,9,建议资助,好\n"));
    }
    // Row 6: a score out of range; row 7: the conflicted reviewer on 0001.
    text.push_str(&format!("{},R{},12,7,6,9,fund,\n", drawn[0].0, drawn[0].1));
    text.push_str(&format!("BJ-AIXR-2026-0001,R{},8,8,8,8,fund,\n", ids[0]));
    let rows = review::sheet::score_sheet(&csv(&text), demo::CALL_CODE, &c.spec).expect("sheet");
    // A dry run reports the same rows and writes nothing, not even the refusal.
    let head = audit::verify(&db.pool).await.expect("chain");
    let dry = review::import_reviews(&db.pool, &stamp(), &rows, true)
        .await
        .expect_err("bad rows");
    assert!(dry.to_string().contains("row 6:") && dry.to_string().contains("row 7:"));
    let good: Vec<_> = rows.iter().take(4).cloned().collect();
    assert_eq!(
        review::import_reviews(&db.pool, &stamp(), &good, true)
            .await
            .expect("dry run"),
        4
    );
    assert_eq!(audit::verify(&db.pool).await.expect("chain"), head);
    let err = review::import_reviews(&db.pool, &stamp(), &rows, false)
        .await
        .expect_err("bad rows");
    assert_eq!(err.code(), "import_refused");
    let msg = err.to_string();
    assert!(
        msg.contains("row 6:") && msg.contains("from 0 to 10"),
        "{msg}"
    );
    assert!(
        msg.contains("row 7:") && msg.contains("belongs to the applicant"),
        "{msg}"
    );
    assert!(!msg.contains("row 2:"), "good rows are not reported: {msg}");
    let (n,): (i64,) = grantdesk::db::query_as("SELECT COUNT(*) FROM reviews")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 0, "nothing imported");
    let refusals = audit::history(&db.pool, Some(("conflict", &ids[0].to_string())), 5)
        .await
        .expect("history");
    assert_eq!(refusals[0].action, "refuse");

    let good: Vec<_> = rows.into_iter().take(4).collect();
    assert_eq!(
        review::import_reviews(&db.pool, &stamp(), &good, false)
            .await
            .expect("import"),
        4
    );
    let (n,): (i64,) = grantdesk::db::query_as("SELECT COUNT(*) FROM reviews")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 4);
}

fn csv(text: &str) -> grantdesk::import::Sheet {
    grantdesk::import::sheet::read_csv("r.csv", text.as_bytes()).expect("csv")
}

#[tokio::test]
async fn a_refused_reviewer_row_is_named_by_its_row_in_the_workbook() {
    use grantdesk::export::{Cell, Table};
    let db = db().await;
    let row = |cells: [&str; 5]| cells.iter().map(|c| Cell::text(*c)).collect::<Vec<_>>();
    let table = Table {
        name: "专家".into(),
        headers: ["姓名", "工作单位", "统一社会信用代码", "邮箱", "擅长方向"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            row(["王一", "某大学", "", "w1@example.cn", "AI"]),
            row(["", "", "", "", ""]),
            row(["", "", "", "", ""]),
            row(["李二", "某研究所", "", "not-an-email", "AR"]),
        ],
    };
    let bytes = grantdesk::export::xlsx(&[table]).expect("xlsx");
    let sheet = grantdesk::import::sheet::read_named("专家.xlsx", &bytes).expect("sheet");
    let rows = review::sheet::reviewer_list(&sheet).expect("list");
    let err = pool::import(&db.pool, &stamp(), &rows, false)
        .await
        .expect_err("bad email");
    assert!(err.to_string().contains("row 5:"), "{err}");
    assert!(pool::list(&db.pool).await.expect("pool").is_empty());
}

#[tokio::test]
async fn a_reviewer_list_is_imported_whole_or_not_at_all() {
    let db = db().await;
    let text = "姓名,工作单位,统一社会信用代码,邮箱,电话,擅长方向\n王一,某大学,,w1@example.cn,1,\"AI,VR\"\n李二,某研究所,91110108551385082X,l2@example.cn,2,AR\n";
    let rows = review::sheet::reviewer_list(&csv(text)).expect("list");
    let err = pool::import(&db.pool, &stamp(), &rows, false)
        .await
        .expect_err("bad credit code");
    assert!(err.to_string().contains("row 3:"), "{err}");
    assert!(pool::list(&db.pool).await.expect("pool").is_empty());
    let fixed = text.replace("91110108551385082X", "91110108551385082Q");
    let rows = review::sheet::reviewer_list(&csv(&fixed)).expect("list");
    let head = audit::verify(&db.pool).await.expect("chain");
    assert_eq!(
        pool::import(&db.pool, &stamp(), &rows, true)
            .await
            .expect("dry run"),
        2
    );
    assert!(
        pool::list(&db.pool).await.expect("pool").is_empty(),
        "dry run"
    );
    assert_eq!(audit::verify(&db.pool).await.expect("chain"), head);
    assert_eq!(
        pool::import(&db.pool, &stamp(), &rows, false)
            .await
            .expect("import"),
        2
    );
    let all = pool::list(&db.pool).await.expect("pool");
    assert_eq!(all[0].topics, vec!["AI", "VR"]);
}

#[tokio::test]
async fn a_declined_reviewer_is_replaced_and_the_matrix_shows_it() {
    let (db, ids) = reviewed_call().await;
    review::assign(&db.pool, &stamp(), demo::CALL_CODE, Some(8), 30)
        .await
        .expect("draw");
    let drawn = pairs(&db).await;
    let (reference, who) = drawn
        .iter()
        .find(|(r, _)| r == "BJ-AIXR-2026-0001")
        .cloned()
        .expect("on 0001");
    let report = review::decline(&db.pool, &stamp(), demo::CALL_CODE, &reference, who)
        .await
        .expect("decline");
    assert_eq!(report.assigned, 1, "one replacement");
    assert_eq!(report.cap, 30, "the last draw's cap");
    let now = pairs(&db).await;
    let on: Vec<i64> = now
        .iter()
        .filter(|(r, _)| *r == reference)
        .map(|(_, x)| *x)
        .collect();
    assert_eq!(on.len(), 3);
    assert!(
        !on.contains(&who) && !on.contains(&ids[0]),
        "neither the decliner nor the conflicted reviewer"
    );
    let m = review::matrix(&db.pool, demo::CALL_CODE, 0, review::MATRIX_PAGE)
        .await
        .expect("matrix");
    assert_eq!((m.total, m.from, m.proposals.len()), (35, 0, 35));
    let p = m
        .proposals
        .iter()
        .position(|(r, _)| *r == reference)
        .expect("row");
    let col = |id: i64| {
        m.reviewers
            .iter()
            .position(|(r, _, _)| *r == id)
            .expect("column")
    };
    let cell = |r: usize| {
        m.cells
            .iter()
            .find(|(a, b, _)| *a == p && *b == r)
            .map(|c| c.2)
    };
    assert_eq!(cell(col(who)), Some(review::Cell::Declined));
    assert_eq!(cell(col(ids[0])), Some(review::Cell::Conflict));
    assert_eq!(
        m.cells
            .iter()
            .filter(|c| c.0 == p && c.2 == review::Cell::Assigned)
            .count(),
        3
    );
}

#[tokio::test]
async fn a_reviewer_is_edited_with_an_audit_entry_and_keeps_a_unique_email() {
    let (db, ids) = reviewed_call().await;
    let mut form = reviewer("Expert AI1", "新单位", "", "AI, AR");
    let r = pool::update(&db.pool, &stamp(), ids[1], &form)
        .await
        .expect("edit");
    assert_eq!(
        (r.affiliation.as_str(), r.topics.clone()),
        ("新单位", vec!["AI".to_string(), "AR".to_string()])
    );
    let entries = audit::history(&db.pool, Some(("reviewer", &ids[1].to_string())), 5)
        .await
        .expect("history");
    assert_eq!(entries[0].action, "update");
    form.email = "expert.ai2@review.example.cn".into();
    let err = pool::update(&db.pool, &stamp(), ids[1], &form)
        .await
        .expect_err("taken");
    assert_eq!(err.code(), "reviewer_duplicate_email");
}

async fn reviews_of(db: &Db, reference: &str) -> usize {
    review::rank_call(&db.pool, demo::CALL_CODE, Aggregate::Mean)
        .await
        .expect("ranking")
        .iter()
        .find(|r| r.reference == reference)
        .map_or(0, |r| r.figures.reviews)
}

/// Issue #11, item 2: a conflict that becomes known after the reviewer scored — declared, or
/// through a new affiliation — takes the review out of every aggregate, marks the assignment
/// recused with the reason, and the draw's top-up finds a replacement.
#[tokio::test]
async fn a_conflict_found_after_scoring_takes_the_review_out_of_every_aggregate() {
    let db = db().await;
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("sample reviewed");
    let call = demo::CALL_CODE;
    let target = format!("{call}-0010");
    let before = reviews_of(&db, &target).await;
    assert_eq!(before, 3, "three complete reviews to begin with");
    let panel = review::panel(&db.pool, call, &target).await.expect("panel");
    let scorer = panel
        .members
        .iter()
        .find(|m| m.review.is_some())
        .expect("a member who scored")
        .reviewer;
    let declared = Declared {
        reviewer: scorer,
        with: ConflictWith::Proposal {
            call: call.into(),
            reference: target.clone(),
        },
        reason: "co-author of the investigator".into(),
        declared_on: NaiveDate::from_ymd_opt(2026, 6, 1),
    };
    let recused = pool::declare(&db.pool, &stamp(), &declared)
        .await
        .expect("declare");
    assert_eq!(recused, 1, "the one assignment it forbids");
    assert_eq!(reviews_of(&db, &target).await, 2, "the ranking left it out");

    // The decision board and the optimiser see it short of reviews.
    let board =
        grantdesk::decision::board(&db.pool, &Rankings::new(), call, Aggregate::Mean, Rows::ALL)
            .await
            .expect("board");
    let row = board
        .rows
        .iter()
        .find(|r| r.reference == target)
        .expect("row");
    assert!(!row.reviewed && row.reviews == 2);
    let err = grantdesk::decision::propose(
        &db.pool,
        &Rankings::new(),
        &stamp(),
        &grantdesk::decision::DecisionForm {
            call: call.into(),
            reference: target.as_str().into(),
            ..Default::default()
        },
        Rows::ALL,
    )
    .await
    .expect_err("short of reviews");
    assert_eq!(err.code(), "proposal_not_reviewed");
    let suggestion = grantdesk::decision::suggest(
        &db.pool,
        &Rankings::new(),
        &grantdesk::decision::SuggestForm {
            call: call.into(),
            ..Default::default()
        },
    )
    .await
    .expect("suggest");
    assert!(
        suggestion.chosen.iter().all(|c| c.reference != target),
        "the optimiser never funds it on two reviews"
    );

    // The panel shows the recusal with its reason and the review that no longer counts.
    let panel = review::panel(&db.pool, call, &target).await.expect("panel");
    let member = panel
        .members
        .iter()
        .find(|m| m.reviewer == scorer)
        .expect("still shown");
    assert_eq!((panel.serving, panel.need), (2, 3), "one short now");
    let why = member.recused.as_ref().expect("marked recused");
    assert!(why.en.contains("co-author"), "{}", why.en);
    assert!(member.review.is_some(), "the review stays on record");
    let entries = audit::history(
        &db.pool,
        Some(("assignment", &format!("{target}/{scorer}"))),
        5,
    )
    .await
    .expect("history");
    assert_eq!(entries[0].action, "recuse");

    // The top-up draws a replacement, never the recused reviewer again.
    review::assign(&db.pool, &stamp(), call, Some(7), 30)
        .await
        .expect("top-up");
    let panel = review::panel(&db.pool, call, &target).await.expect("panel");
    let active: Vec<i64> = panel
        .members
        .iter()
        .filter(|m| m.recused.is_none())
        .map(|m| m.reviewer)
        .collect();
    assert_eq!(active.len(), 3, "back to three reviewers");
    assert!(!active.contains(&scorer));

    // A new affiliation that is the applicant's own does the same.
    let other = format!("{call}-0014");
    let p = proposal::get(&db.pool, call, &other).await.expect("p14");
    let panel = review::panel(&db.pool, call, &other).await.expect("panel");
    let member = panel
        .members
        .iter()
        .find(|m| m.review.is_some())
        .expect("a scorer");
    let r = pool::list(&db.pool)
        .await
        .expect("pool")
        .into_iter()
        .find(|r| r.id == member.reviewer)
        .expect("reviewer");
    let before = reviews_of(&db, &other).await;
    let form = ReviewerForm {
        name: r.name.as_str().into(),
        affiliation: p.content.applicant.name.as_str().into(),
        affiliation_code: p.content.applicant.credit_code.as_str().into(),
        email: r.email.as_str().into(),
        phone: r.phone.as_str().into(),
        topics: r.topics.iter().map(|t| t.as_str().into()).collect(),
        seen_version: None,
    };
    pool::update(&db.pool, &stamp(), r.id, &form)
        .await
        .expect("edit");
    assert_eq!(reviews_of(&db, &other).await, before - 1);
    let panel = review::panel(&db.pool, call, &other).await.expect("panel");
    assert!(
        panel
            .members
            .iter()
            .find(|m| m.reviewer == r.id)
            .and_then(|m| m.recused.as_ref())
            .is_some_and(|w| w.en.contains("belongs to the applicant"))
    );
    audit::verify(&db.pool).await.expect("chain intact");
}

/// Issue #11, item 7: declining is one transaction with its redraw, and only while the call
/// is under review: on a decided call nothing is released.
#[tokio::test]
async fn a_decline_on_a_call_no_longer_under_review_changes_nothing() {
    let db = db().await;
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("sample reviewed");
    let call = demo::CALL_CODE;
    let target = format!("{call}-0010");
    let panel = review::panel(&db.pool, call, &target).await.expect("panel");
    let extra = panel.candidates[0].reviewer;
    review::add_reviewer(&db.pool, &stamp(), call, &target, extra)
        .await
        .expect("a fourth reviewer, not yet scored");
    grantdesk::db::query("UPDATE calls SET status = 'decided' WHERE code = $1")
        .bind(call)
        .execute(&db.pool)
        .await
        .expect("as if decided since");
    let head = audit::verify(&db.pool).await.expect("chain").entries;
    let e = review::decline(&db.pool, &stamp(), call, &target, extra)
        .await
        .expect_err("not under review");
    assert_eq!(e.code(), "call_not_closed");
    let e = review::release_reviewer(&db.pool, &stamp(), call, &target, extra, false)
        .await
        .expect_err("not under review");
    assert_eq!(e.code(), "call_not_closed");
    let (status,): (String,) = grantdesk::db::query_as(
        "SELECT s.status FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         WHERE p.reference = $1 AND s.reviewer_id = $2",
    )
    .bind(&target)
    .bind(extra)
    .fetch_one(&db.pool)
    .await
    .expect("assignment");
    assert_eq!(status, "assigned", "nothing released");
    assert_eq!(
        audit::verify(&db.pool).await.expect("chain").entries,
        head,
        "nothing written"
    );
}

/// Issue #12: a conflict with the organisation behind a proposal is worked out by the core
/// (the window used to look the applicant up itself) and recorded as that organisation.
#[tokio::test]
async fn a_conflict_with_the_applicant_of_a_proposal_is_recorded_as_its_organisation() {
    let (db, ids) = reviewed_call().await;
    let p3 = proposal::get(&db.pool, demo::CALL_CODE, "BJ-AIXR-2026-0003")
        .await
        .expect("p3");
    let declared = Declared {
        reviewer: ids[2],
        with: ConflictWith::ApplicantOf {
            call: demo::CALL_CODE.into(),
            reference: "BJ-AIXR-2026-0003".into(),
        },
        reason: "adjunct professor there".into(),
        declared_on: None,
    };
    pool::declare(&db.pool, &stamp(), &declared)
        .await
        .expect("declare");
    let entry = audit::history(&db.pool, Some(("conflict", &ids[2].to_string())), 1)
        .await
        .expect("history");
    let after = entry[0].after_json.as_deref().unwrap_or_default();
    assert!(
        after.contains(p3.content.applicant.credit_code.as_str()) && after.contains("organisation"),
        "{after}"
    );
    assert!(
        after.contains("2026-05-06"),
        "dated the agency's today by default: {after}"
    );
    let err = review::add_reviewer(
        &db.pool,
        &stamp(),
        demo::CALL_CODE,
        "BJ-AIXR-2026-0003",
        ids[2],
    )
    .await
    .expect_err("conflicted");
    assert_eq!(err.code(), "conflict_of_interest");
}

#[tokio::test]
async fn the_ranking_table_reads_windows_of_one_ranking_and_follows_every_change() {
    let db = db().await;
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("reviewed");
    let rankings = Rankings::new();
    let mut by_mean = None;
    for by in [
        Aggregate::Mean,
        Aggregate::TrimmedMean,
        Aggregate::Calibrated,
    ] {
        let whole = review::rank_call(&db.pool, demo::CALL_CODE, by)
            .await
            .expect("ranking");
        let order = rankings
            .order(&db.pool, demo::CALL_CODE, by)
            .await
            .expect("order");
        assert_eq!(order.total, 35, "the eligible proposals");
        assert_eq!(order.rows.len(), whole.len());
        // Read a window at a time, as the page scrolls: the same lines as the whole ranking.
        let mut read = Vec::new();
        for window in order.rows.chunks(7) {
            let lines = rankings
                .rows(&db.pool, demo::CALL_CODE, by, &order.version, window)
                .await
                .expect("rows");
            read.extend(lines.into_iter().map(|l| l.expect("a ranked line")));
        }
        assert_eq!(read, whole, "{by:?}");
        if by == Aggregate::Mean {
            by_mean = Some(order);
        }
    }
    assert_eq!(
        rankings.reads(),
        1,
        "the reviews read once: each order and its windows made from them"
    );
    let by_mean = by_mean.expect("the mean's order");

    // A handle that names no ranked proposal reads as nothing; one asked twice reads twice.
    let first = by_mean.rows[0];
    let lines = rankings
        .rows(
            &db.pool,
            demo::CALL_CODE,
            Aggregate::Mean,
            &by_mean.version,
            &[first, 999_999, first],
        )
        .await
        .expect("rows");
    assert!(lines[0].is_some() && lines[1].is_none());
    assert_eq!(lines[0], lines[2]);
    assert_eq!(
        rankings.reads(),
        1,
        "the mean ranked again from the kept reviews"
    );

    // Another officer, on another connection, rescores the last proposal's reviews at the top:
    // lines for the order shown are refused, so that new figures never show in the old order;
    // the new order puts it first.
    let last = rankings
        .rows(
            &db.pool,
            demo::CALL_CODE,
            Aggregate::Mean,
            &by_mean.version,
            &by_mean.rows[by_mean.rows.len() - 1..],
        )
        .await
        .expect("last")
        .remove(0)
        .expect("ranked");
    let other = db.other().await;
    rescore_at_the_top(&db, &other, &last.reference).await;
    let err = rankings
        .rows(
            &db.pool,
            demo::CALL_CODE,
            Aggregate::Mean,
            &by_mean.version,
            &[last.figures.proposal],
        )
        .await
        .expect_err("changed");
    assert_eq!(err.code(), "ranking_changed");
    let order = rankings
        .order(&db.pool, demo::CALL_CODE, Aggregate::Mean)
        .await
        .expect("order");
    assert_ne!(order.version, by_mean.version);
    assert_eq!(order.rows[0], last.figures.proposal);
    let now = rankings
        .rows(
            &db.pool,
            demo::CALL_CODE,
            Aggregate::Mean,
            &order.version,
            &order.rows[..1],
        )
        .await
        .expect("rescored")
        .remove(0)
        .expect("ranked");
    assert_eq!((now.figures.mean, now.figures.rank), (100.0, 1), "{now:?}");
    assert_eq!(rankings.reads(), 2, "read again once, after the change");

    // Past the limit of one read: refused, naming the field.
    let many = vec![first; 501];
    let err = rankings
        .rows(
            &db.pool,
            demo::CALL_CODE,
            Aggregate::Mean,
            &order.version,
            &many,
        )
        .await
        .expect_err("too many");
    assert_eq!(err.invalid_fields()[0].field, "ids");
}

#[tokio::test]
async fn the_decision_acts_keep_the_reviews_between_them_and_follow_every_change() {
    use grantdesk::decision::{self, DecisionForm, SuggestForm};
    let db = db().await;
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("reviewed");
    let code = demo::CALL_CODE;
    let mean = Aggregate::Mean;
    let whole = decision::board(&db.pool, &Rankings::new(), code, mean, Rows::ALL)
        .await
        .expect("whole board");
    assert_eq!((whole.ranked, whole.rows.len()), (35, 35));

    // A window's board: the first five rows, with their texts, and the count of them all.
    let kept = Rankings::new();
    let b = decision::board(&db.pool, &kept, code, mean, Rows::first(5))
        .await
        .expect("top five");
    assert_eq!(b.rows, whole.rows[..5], "the same rows, texts and figures");
    assert!(
        b.rows
            .iter()
            .all(|r| !r.title.is_empty() && !r.applicant.is_empty())
    );
    assert_eq!((b.ranked, b.unreviewed), (35, whole.unreviewed));

    // An award proposed below the five shows after them, in its place.
    let tenth = &whole.rows[9];
    let b = decision::propose(
        &db.pool,
        &kept,
        &stamp(),
        &DecisionForm {
            call: code.into(),
            reference: tenth.reference.as_str().into(),
            ..Default::default()
        },
        Rows::first(5),
    )
    .await
    .expect("propose");
    assert_eq!(b.rows.len(), 6);
    assert_eq!(b.rows[..5], whole.rows[..5]);
    assert_eq!(
        (&b.rows[5].reference, &b.rows[5].title, b.rows[5].rank),
        (&tenth.reference, &tenth.title, tenth.rank)
    );
    assert_eq!(
        b.rows[5].proposed.as_ref().map(|p| p.amount),
        Some(tenth.requested)
    );

    // The suggestion applied: every award it chose is on the board, however far down.
    let form = SuggestForm {
        call: code.into(),
        ..Default::default()
    };
    let s = decision::suggest(&db.pool, &kept, &form)
        .await
        .expect("suggest");
    // While the suggestion is on screen, its proposals show wherever they rank.
    let refs: Vec<String> = s.chosen.iter().map(|c| c.reference.clone()).collect();
    let b = decision::board(
        &db.pool,
        &kept,
        code,
        mean,
        Rows {
            first: Some(1),
            also: &refs,
        },
    )
    .await
    .expect("board with the suggestion");
    let mut shown: Vec<&str> = b.rows.iter().map(|r| r.reference.as_str()).collect();
    let mut expected: Vec<&str> = refs.iter().map(String::as_str).collect();
    expected.push(whole.rows[0].reference.as_str());
    expected.push(tenth.reference.as_str());
    expected.sort_by_key(|c| whole.rows.iter().position(|r| r.reference == *c));
    expected.dedup();
    assert_eq!(
        shown, expected,
        "the first, the proposed and the suggested, in rank order"
    );
    shown.retain(|r| refs.iter().any(|x| x == r));
    assert_eq!(shown.len(), refs.len());
    let b = decision::apply(&db.pool, &kept, &stamp(), &form, Rows::first(1))
        .await
        .expect("apply");
    assert_eq!(b.awards, s.chosen.len());
    let proposed: Vec<&str> = b
        .rows
        .iter()
        .filter(|r| r.proposed.is_some())
        .map(|r| r.reference.as_str())
        .collect();
    let mut chosen: Vec<&str> = s.chosen.iter().map(|c| c.reference.as_str()).collect();
    chosen.sort_by_key(|c| whole.rows.iter().position(|r| r.reference == *c));
    assert_eq!(proposed, chosen, "in rank order");
    let first = &s.chosen[0].reference;
    let b = decision::withdraw(&db.pool, &kept, &stamp(), code, first, Rows::first(1))
        .await
        .expect("withdraw");
    assert_eq!(b.awards, s.chosen.len() - 1);
    // A refused act changes nothing and keeps nothing wrong.
    let err = decision::withdraw(&db.pool, &kept, &stamp(), code, first, Rows::first(1))
        .await
        .expect_err("not proposed");
    assert_eq!(err.code(), "not_proposed");
    assert_eq!(
        kept.reads(),
        1,
        "every act after the first used the reviews kept: its own audit entry moved the record, \
         not the reviews"
    );
    let pool = &db.pool;
    let fresh = |limit| async move {
        decision::board(pool, &Rankings::new(), code, mean, limit)
            .await
            .expect("fresh board")
    };
    assert_eq!(
        decision::board(&db.pool, &kept, code, mean, Rows::first(5))
            .await
            .expect("board"),
        fresh(Rows::first(5)).await
    );

    // Another officer, on another connection, rescores the last proposal at the top: the next
    // board reads the reviews again and ranks it first.
    let last = &whole.rows[whole.rows.len() - 1].reference;
    let other = db.other().await;
    rescore_at_the_top(&db, &other, last).await;
    let b = decision::board(&db.pool, &kept, code, mean, Rows::first(5))
        .await
        .expect("board after the rescoring");
    assert_eq!(&b.rows[0].reference, last);
    assert_eq!(b, fresh(Rows::first(5)).await);
    assert_eq!(kept.reads(), 2);

    // Another officer's decision, with that window's own kept reviews: seen here too.
    let second = &whole.rows[1].reference;
    decision::propose(
        &other,
        &Rankings::new(),
        &stamp(),
        &DecisionForm {
            call: code.into(),
            reference: second.as_str().into(),
            ..Default::default()
        },
        Rows::ALL,
    )
    .await
    .expect("the other officer proposes");
    let b = decision::board(&db.pool, &kept, code, mean, Rows::ALL)
        .await
        .expect("board after the other's decision");
    assert!(
        b.rows
            .iter()
            .any(|r| &r.reference == second && r.proposed.is_some())
    );
    assert_eq!(b, fresh(Rows::ALL).await);
}

#[tokio::test]
async fn scores_move_to_the_keyed_table_whole() {
    // SQLite only: the server's table has no row ids to drop.
    let db = db().await;
    if db.pool.sqlite().is_none() {
        return;
    }
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("reviewed");
    type Score = (i64, i64, String, Option<i64>);
    let scores = |pool: grantdesk::store::Pool| async move {
        let s: Vec<Score> = grantdesk::db::query_as(
            "SELECT proposal_id, reviewer_id, criterion, score FROM review_scores ORDER BY 1, 2, 3",
        )
        .fetch_all(&pool)
        .await
        .expect("scores");
        s
    };
    let shape = |pool: grantdesk::store::Pool| async move {
        let (sql,): (String,) = grantdesk::db::query_as(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'review_scores'",
        )
        .fetch_one(&pool)
        .await
        .expect("table");
        sql
    };
    assert!(shape(db.pool.clone()).await.contains("WITHOUT ROWID"));
    let before = scores(db.pool.clone()).await;
    assert!(before.len() > 400, "{}", before.len());
    let ranking = review::rank_call(&db.pool, demo::CALL_CODE, Aggregate::Mean)
        .await
        .expect("ranking");

    // The table as it was before the migration, with the same scores; then the migration.
    let mut tx = db.pool.read().await.expect("tx");
    for sql in [
        "CREATE TABLE review_scores_old (proposal_id INTEGER NOT NULL, reviewer_id INTEGER NOT NULL,
            criterion TEXT NOT NULL, score INTEGER CHECK (score IS NULL OR score >= 0),
            PRIMARY KEY (proposal_id, reviewer_id, criterion),
            FOREIGN KEY (proposal_id, reviewer_id) REFERENCES reviews (proposal_id, reviewer_id))",
        "INSERT INTO review_scores_old SELECT * FROM review_scores",
        "DROP TABLE review_scores",
        "ALTER TABLE review_scores_old RENAME TO review_scores",
    ] {
        grantdesk::db::query(sql)
            .execute(&mut tx)
            .await
            .expect("the old table");
    }
    tx.commit().await.expect("commit");
    assert!(!shape(db.pool.clone()).await.contains("WITHOUT ROWID"));
    let mut tx = db.pool.read().await.expect("tx");
    let migration = include_str!("../../migrations/sqlite/0013_review_scores_lean.sql");
    let code: Vec<&str> = migration
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect();
    for sql in code
        .join("\n")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        grantdesk::db::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut tx)
            .await
            .expect("the migration");
    }
    tx.commit().await.expect("commit");
    assert!(shape(db.pool.clone()).await.contains("WITHOUT ROWID"));
    assert_eq!(
        scores(db.pool.clone()).await,
        before,
        "every score, unchanged"
    );
    assert_eq!(
        review::rank_call(&db.pool, demo::CALL_CODE, Aggregate::Mean)
            .await
            .expect("ranking"),
        ranking
    );
}

#[tokio::test]
async fn the_matrix_is_read_a_page_of_proposals_at_a_time_with_the_reviewers_they_meet() {
    let db = db().await;
    demo::load_reviewed(&db.pool, &stamp())
        .await
        .expect("reviewed");
    let whole = review::matrix(&db.pool, demo::CALL_CODE, 0, review::MATRIX_PAGE)
        .await
        .expect("whole");
    assert_eq!((whole.total, whole.proposals.len()), (35, 35));
    // Cells as (reference, reviewer id, cell), whatever the page.
    let named = |m: &review::Matrix| -> Vec<(String, i64, review::Cell)> {
        m.cells
            .iter()
            .map(|&(p, r, c)| (m.proposals[p].0.clone(), m.reviewers[r].0, c))
            .collect()
    };
    let mut paged = Vec::new();
    let mut rows = Vec::new();
    for from in (0..35).step_by(10) {
        let m = review::matrix(&db.pool, demo::CALL_CODE, from, 10)
            .await
            .expect("page");
        assert_eq!((m.total, m.from), (35, from));
        assert_eq!(m.proposals.len(), (35 - from).min(10));
        // Its columns are exactly the reviewers with a cell on its rows, by number.
        let met: HashSet<i64> = m.cells.iter().map(|&(_, r, _)| m.reviewers[r].0).collect();
        assert_eq!(met.len(), m.reviewers.len());
        assert!(m.reviewers.windows(2).all(|w| w[0].0 < w[1].0));
        rows.extend(m.proposals.clone());
        paged.extend(named(&m));
    }
    assert_eq!(
        rows, whole.proposals,
        "the pages together are the whole, in order"
    );
    assert_eq!(paged, named(&whole));
    assert!(named(&whole).iter().any(|c| c.2 == review::Cell::Conflict));
    // Past the end: no rows, the total still told. A page of none, or too many, is refused.
    let end = review::matrix(&db.pool, demo::CALL_CODE, 99, 10)
        .await
        .expect("past the end");
    assert_eq!(
        (
            end.total,
            end.from,
            end.proposals.len(),
            end.reviewers.len()
        ),
        (35, 35, 0, 0)
    );
    for count in [0, review::MATRIX_PAGE_MAX + 1] {
        let err = review::matrix(&db.pool, demo::CALL_CODE, 0, count)
            .await
            .expect_err("refused");
        assert_eq!(err.invalid_fields()[0].field, "count");
    }
}
