use chrono::NaiveDate;
use grantdesk::call;
use grantdesk::collate;
use grantdesk::proposal::table::{self, Column, Order, Sort};
use grantdesk::proposal::{self, Filter, ProposalStatus, ProposalSummary};
use grantdesk::{Coded, Lang, demo};

use crate::support::{db, open_call, stamp};

fn sample(i: usize) -> proposal::ProposalForm {
    demo::sample_proposals().swap_remove(i).0
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[tokio::test]
async fn a_proposal_is_stored_with_its_applicant_and_budget_lines() {
    let db = open_call().await;
    let p = proposal::create(&db.pool, &stamp(), &sample(0))
        .await
        .expect("create");
    assert_eq!(p.status, ProposalStatus::Draft);
    assert_eq!(p.content.budget.len(), 8);
    let read = proposal::get(&db.pool, demo::CALL_CODE, &p.content.reference)
        .await
        .expect("get");
    assert_eq!(read, p);
    assert_eq!(read.content.lines_total(), Some(read.content.requested));
    assert_eq!(db.count("applicants").await, 1);
    assert_eq!(db.count("budget_lines").await, 8);
}

#[tokio::test]
async fn an_invalid_credit_code_is_refused_and_nothing_is_written() {
    let db = open_call().await;
    let audit_before = db.count("audit_log").await;
    let mut form = sample(0);
    form.applicant.credit_code = "911101085513850820".into();
    let err = proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect_err("bad code");
    assert_eq!(err.code(), "proposal_invalid");
    assert_eq!(err.invalid_fields()[0].field, "applicant.credit_code");
    assert!(
        err.message(Lang::Zh).contains("校验码"),
        "{}",
        err.message(Lang::Zh)
    );
    assert_eq!(db.count("proposals").await, 0);
    assert_eq!(db.count("applicants").await, 0);
    assert_eq!(db.count("audit_log").await, audit_before);
}

#[tokio::test]
async fn a_draft_call_takes_no_proposals() {
    let db = db().await;
    call::create(&db.pool, &stamp(), &demo::reference_call_form())
        .await
        .expect("create");
    let err = proposal::create(&db.pool, &stamp(), &sample(0))
        .await
        .expect_err("draft call");
    assert_eq!(err.code(), "call_not_accepting");
    assert!(
        err.message(Lang::Zh).contains("草稿"),
        "{}",
        err.message(Lang::Zh)
    );
}

#[tokio::test]
async fn references_are_unique_within_a_call_and_given_when_left_empty() {
    let db = open_call().await;
    proposal::create(&db.pool, &stamp(), &sample(0))
        .await
        .expect("first");
    let err = proposal::create(&db.pool, &stamp(), &sample(0))
        .await
        .expect_err("same reference");
    assert_eq!(err.code(), "proposal_duplicate_reference");
    let mut form = sample(1);
    form.reference = "".into();
    let p = proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect("auto reference");
    assert_eq!(p.content.reference, "BJ-AIXR-2026-0002");
}

#[tokio::test]
async fn the_same_applicant_is_one_record_updated_in_place_with_an_audit_entry() {
    let db = open_call().await;
    let first = sample(0);
    proposal::create(&db.pool, &stamp(), &first)
        .await
        .expect("first");
    let mut second = sample(1);
    second.applicant = first.applicant.clone();
    second.applicant.contact_phone = "010-88888888".into();
    proposal::create(&db.pool, &stamp(), &second)
        .await
        .expect("second");
    assert_eq!(db.count("applicants").await, 1);
    let history = grantdesk::audit::history(
        &db.pool,
        Some(("applicant", first.applicant.credit_code.as_str())),
        10,
    )
    .await
    .expect("history");
    let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["update", "create"]);
    assert!(
        history[0]
            .after_json
            .as_deref()
            .is_some_and(|j| j.contains("010-88888888"))
    );
}

#[tokio::test]
async fn submit_edit_and_withdraw_follow_the_lifecycle() {
    let db = open_call().await;
    let p = proposal::create(&db.pool, &stamp(), &sample(0))
        .await
        .expect("create");
    let r = &p.content.reference;
    let s = proposal::submit(
        &db.pool,
        &stamp(),
        demo::CALL_CODE,
        r,
        Some(day("2026-04-01")),
    )
    .await
    .expect("submit");
    assert_eq!(
        (s.status, s.submitted_on),
        (ProposalStatus::Submitted, Some(day("2026-04-01")))
    );
    let err = proposal::submit(
        &db.pool,
        &stamp(),
        demo::CALL_CODE,
        r,
        Some(day("2026-04-02")),
    )
    .await
    .expect_err("twice");
    assert_eq!(err.code(), "proposal_illegal_transition");
    assert!(
        err.message(Lang::En)
            .contains("from submitted to submitted"),
        "{}",
        err.message(Lang::En)
    );

    let mut edit = sample(0);
    edit.title = "修改后的题目".into();
    let e = proposal::update(&db.pool, &stamp(), demo::CALL_CODE, r, &edit)
        .await
        .expect("edit submitted");
    assert_eq!(e.content.title, "修改后的题目");
    assert_eq!(
        e.submitted_on,
        Some(day("2026-04-01")),
        "an edit keeps the submission date"
    );

    proposal::check_eligibility(&db.pool, &stamp(), demo::CALL_CODE)
        .await
        .expect("check");
    let err = proposal::update(&db.pool, &stamp(), demo::CALL_CODE, r, &edit)
        .await
        .expect_err("checked");
    assert_eq!(err.code(), "proposal_not_editable");
    let err = proposal::withdraw(&db.pool, &stamp(), demo::CALL_CODE, r)
        .await
        .expect_err("eligible");
    assert_eq!(err.code(), "proposal_illegal_transition");

    let d = proposal::create(&db.pool, &stamp(), &sample(1))
        .await
        .expect("another");
    let w = proposal::withdraw(&db.pool, &stamp(), demo::CALL_CODE, &d.content.reference)
        .await
        .expect("withdraw");
    assert_eq!(w.status, ProposalStatus::Withdrawn);
}

#[tokio::test]
async fn the_eligibility_check_records_reasons_and_a_rerun_changes_nothing() {
    let db = open_call().await;
    for (i, (form, received)) in demo::sample_proposals().into_iter().enumerate().skip(33) {
        let p = proposal::create(&db.pool, &stamp(), &form)
            .await
            .expect("create");
        if i != 34 {
            proposal::submit(
                &db.pool,
                &stamp(),
                demo::CALL_CODE,
                &p.content.reference,
                Some(received),
            )
            .await
            .expect("submit");
        }
    }
    let report = proposal::check_eligibility(&db.pool, &stamp(), demo::CALL_CODE)
        .await
        .expect("check");
    assert_eq!(
        (report.checked, report.eligible, report.ineligible),
        (6, 1, 5)
    );
    let late = proposal::get(&db.pool, demo::CALL_CODE, "BJ-AIXR-2026-0037")
        .await
        .expect("get");
    assert_eq!(late.status, ProposalStatus::Ineligible);
    let reasons = late.eligibility.expect("checked");
    assert_eq!(reasons[0].code, "late");
    assert!(reasons[0].message.zh.contains("晚于截止日期 2026-04-30"));
    let draft = proposal::get(&db.pool, demo::CALL_CODE, "BJ-AIXR-2026-0035")
        .await
        .expect("get");
    assert_eq!(
        (draft.status, draft.eligibility),
        (ProposalStatus::Draft, None),
        "drafts are not checked"
    );

    let audit_before = db.count("audit_log").await;
    let again = proposal::check_eligibility(&db.pool, &stamp(), demo::CALL_CODE)
        .await
        .expect("rerun");
    assert!(again.changed.is_empty());
    assert_eq!(db.count("audit_log").await, audit_before);
}

#[tokio::test]
async fn the_table_filters_by_topic_status_and_search() {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("sample");
    let all = |f: Filter| {
        let pool = db.pool.clone();
        async move { proposal::list(&pool, &f).await.expect("list") }
    };
    let base = Filter {
        call: demo::CALL_CODE.into(),
        ..Default::default()
    };
    assert_eq!(all(base.clone()).await.len(), 40);
    let ar = all(Filter {
        topic: Some("ar".into()),
        ..base.clone()
    })
    .await;
    assert!(!ar.is_empty() && ar.iter().all(|p| p.topic == "AR"));
    let bad = all(Filter {
        status: Some(ProposalStatus::Ineligible),
        ..base.clone()
    })
    .await;
    assert_eq!(bad.len(), 5);
    assert!(bad.iter().all(|p| !p.reasons.is_empty()));
    let by_title = all(Filter {
        search: Some("手术".into()),
        ..base.clone()
    })
    .await;
    assert_eq!(by_title.len(), 1);
    assert_eq!(by_title[0].title, "高保真虚拟手术训练系统");
    let by_applicant = all(Filter {
        search: Some("京华理工".into()),
        ..base.clone()
    })
    .await;
    assert_eq!(by_applicant[0].applicant, "京华理工大学");
    let none = all(Filter {
        search: Some("no such words".into()),
        ..base
    })
    .await;
    assert!(none.is_empty());
}

/// The references of the lines `order` names, read back a window at a time.
async fn references(pool: &grantdesk::store::Pool, order: &Order) -> Vec<String> {
    let mut out = Vec::new();
    for ids in order.rows.chunks(7) {
        for line in table::rows(pool, demo::CALL_CODE, ids).await.expect("rows") {
            out.push(line.expect("every handle names a line").reference);
        }
    }
    out
}

/// The table's order worked out another way: every line read (`list`), then sorted by the
/// collator's pairwise comparison (not by sort keys), ties by reference.
fn expected(lines: &[ProposalSummary], sort: Sort) -> Vec<String> {
    let rank = |s: ProposalStatus| ProposalStatus::ALL.iter().position(|x| *x == s);
    let mut v = lines.to_vec();
    v.sort_by(|a, b| {
        let by = match sort.column {
            Column::Reference => collate::compare(&a.reference, &b.reference),
            Column::Title => collate::compare(&a.title, &b.title),
            Column::Applicant => collate::compare(&a.applicant, &b.applicant),
            Column::PiName => collate::compare(&a.pi_name, &b.pi_name),
            Column::Topic => collate::compare(&a.topic, &b.topic),
            Column::Requested => a.requested.cmp(&b.requested),
            Column::Status => rank(a.status).cmp(&rank(b.status)),
        };
        let by = if sort.descending { by.reverse() } else { by };
        by.then_with(|| collate::compare(&a.reference, &b.reference))
    });
    v.into_iter().map(|p| p.reference).collect()
}

#[tokio::test]
async fn the_core_sorts_every_column_both_ways_as_the_collator_compares() {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("sample");
    let base = Filter {
        call: demo::CALL_CODE.into(),
        ..Default::default()
    };
    let all = proposal::list(&db.pool, &base).await.expect("list");
    assert_eq!(all.len(), 40);
    let statuses: std::collections::HashSet<_> = all.iter().map(|p| p.status.as_str()).collect();
    assert!(
        statuses.len() >= 2,
        "the sample has statuses to sort: {statuses:?}"
    );
    for column in Column::ALL {
        for descending in [false, true] {
            let sort = Sort { column, descending };
            let order = table::order(&db.pool, &base, sort).await.expect("order");
            assert_eq!(order.total, 40);
            assert_eq!(
                references(&db.pool, &order).await,
                expected(&all, sort),
                "{sort:?}"
            );
        }
    }
    // The export's and the command line's list is the table's first view.
    let first = table::order(&db.pool, &base, Sort::default())
        .await
        .expect("order");
    assert_eq!(
        all.iter().map(|p| p.reference.clone()).collect::<Vec<_>>(),
        references(&db.pool, &first).await
    );
}

#[tokio::test]
async fn chinese_sorts_by_pinyin_references_by_number_and_filters_keep_the_total() {
    let db = open_call().await;
    // (reference, title, investigator, applicant), created in this order.
    let made = [
        ("P-10", "中关村智能交通", "Zhou Yi", "北京泓视科技有限公司"),
        ("P-2", "阿尔茨海默症早期筛查", "李娜", "京华理工大学"),
        ("P-9", "北京城市大脑", "王芳", "燕山师范大学"),
        // Quotes and a backslash: text the order's JSON carries escaped.
        (
            "P-02",
            "Zebra \"AR\" glasses \\ v2",
            "阿明",
            "北京数衡智能科技有限公司",
        ),
        ("Q-1", "人工智能辅助诊断", "张伟", "北辰大学"),
    ];
    for (i, (reference, title, pi, applicant)) in made.iter().enumerate() {
        let mut form = sample(i);
        form.reference = (*reference).into();
        form.title = (*title).into();
        form.pi_name = (*pi).into();
        form.applicant.name = (*applicant).into();
        proposal::create(&db.pool, &stamp(), &form)
            .await
            .expect("create");
    }
    proposal::submit(&db.pool, &stamp(), demo::CALL_CODE, "P-9", None)
        .await
        .expect("submit");
    proposal::withdraw(&db.pool, &stamp(), demo::CALL_CODE, "P-10")
        .await
        .expect("withdraw");
    let base = Filter {
        call: demo::CALL_CODE.into(),
        ..Default::default()
    };
    let sorted = |column, descending, filter: Filter| {
        let pool = db.pool.clone();
        async move {
            let order = table::order(&pool, &filter, Sort { column, descending })
                .await
                .expect("order");
            (order.total, references(&pool, &order).await)
        }
    };
    let order = table::order(&db.pool, &base, Sort::default())
        .await
        .expect("order");
    let lines = table::rows(&db.pool, demo::CALL_CODE, &order.rows)
        .await
        .expect("rows");
    assert!(
        lines
            .iter()
            .flatten()
            .any(|l| l.title == "Zebra \"AR\" glasses \\ v2")
    );
    // Numbers by value; P-2 and P-02 collate alike and keep their order of creation.
    assert_eq!(
        sorted(Column::Reference, false, base.clone()).await.1,
        ["P-2", "P-02", "P-9", "P-10", "Q-1"]
    );
    // An empty topic, as a form sends "every topic", filters nothing out.
    let every = Filter {
        topic: Some(" ".into()),
        ..base.clone()
    };
    assert_eq!(sorted(Column::Reference, false, every).await.1.len(), 5);
    // 阿 a < 北 bei < 人 ren < 中 zhong, then Latin.
    assert_eq!(
        sorted(Column::Title, false, base.clone()).await.1,
        ["P-2", "P-9", "Q-1", "P-10", "P-02"]
    );
    assert_eq!(
        sorted(Column::Title, true, base.clone()).await.1,
        ["P-02", "P-10", "Q-1", "P-9", "P-2"]
    );
    // 阿明 a < 李娜 li < 王芳 wang < 张伟 zhang < Zhou Yi.
    assert_eq!(
        sorted(Column::PiName, false, base.clone()).await.1,
        ["P-02", "P-2", "P-9", "Q-1", "P-10"]
    );
    // 北辰 beichen < 北京泓视 beijing hong < 北京数衡 beijing shu < 京华 jing < 燕山 yan.
    assert_eq!(
        sorted(Column::Applicant, false, base.clone()).await.1,
        ["Q-1", "P-10", "P-02", "P-2", "P-9"]
    );
    // The lifecycle: drafts, submitted, withdrawn; drafts by reference.
    assert_eq!(
        sorted(Column::Status, false, base.clone()).await.1,
        ["P-2", "P-02", "Q-1", "P-9", "P-10"]
    );
    // A search finds references too, without regard to case; the total stays the call's.
    assert_eq!(
        sorted(
            Column::Reference,
            false,
            Filter {
                search: Some(" p-1 ".into()),
                ..base.clone()
            }
        )
        .await,
        (5, vec!["P-10".to_string()])
    );
    assert_eq!(
        sorted(
            Column::Title,
            false,
            Filter {
                search: Some("智能".into()),
                ..base.clone()
            }
        )
        .await,
        (5, ["Q-1", "P-10", "P-02"].map(String::from).to_vec()),
        "two titles and an applicant (北京数衡智能…) hold the word"
    );
    assert_eq!(
        sorted(
            Column::Reference,
            true,
            Filter {
                status: Some(ProposalStatus::Draft),
                ..base.clone()
            }
        )
        .await
        .1,
        ["Q-1", "P-2", "P-02"],
        "descending: P-2 and P-02 keep their order of creation whichever way"
    );
}

#[tokio::test]
async fn lines_are_read_by_handle_in_the_order_asked_and_a_stale_handle_reads_as_none() {
    let db = db().await;
    demo::load(&db.pool, &stamp()).await.expect("sample");
    let base = Filter {
        call: demo::CALL_CODE.into(),
        ..Default::default()
    };
    let order = table::order(&db.pool, &base, Sort::default())
        .await
        .expect("order");
    let (first, last) = (order.rows[0], order.rows[39]);
    let unknown = order.rows.iter().max().expect("rows") + 1_000;
    let lines = table::rows(&db.pool, demo::CALL_CODE, &[last, unknown, first, last])
        .await
        .expect("rows");
    let all = proposal::list(&db.pool, &base).await.expect("list");
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0].as_ref(), all.last());
    assert_eq!(lines[1], None);
    assert_eq!(lines[2].as_ref(), all.first());
    assert_eq!(lines[3], lines[0], "a handle asked for twice reads twice");
    assert!(
        table::rows(&db.pool, demo::CALL_CODE, &[])
            .await
            .expect("none")
            .is_empty()
    );
    let too_many = vec![first; table::MAX_ROWS + 1];
    let err = table::rows(&db.pool, demo::CALL_CODE, &too_many)
        .await
        .expect_err("too many");
    assert_eq!(err.invalid_fields()[0].field, "ids");
    assert!(err.message(Lang::Zh).contains("一次最多读取 500 行"));
    let err = table::rows(&db.pool, "NO-SUCH-CALL", &[first])
        .await
        .expect_err("no call");
    assert_eq!(err.code(), "call_not_found");
}

/// Issue #12: "today" is the agency's date. An act at 23:30 UTC on 29 April is dated 30 April
/// in Beijing (the default time zone), and 29 April for an agency set to UTC.
#[tokio::test]
async fn a_submission_without_a_date_is_dated_the_agency_s_today() {
    use chrono::TimeZone;
    let db = open_call().await;
    let (form, _) = demo::sample_proposals().swap_remove(0);
    let p = proposal::create(&db.pool, &stamp(), &form)
        .await
        .expect("create");
    let late = chrono::Utc
        .with_ymd_and_hms(2026, 4, 29, 23, 30, 0)
        .single()
        .expect("time");
    let at = grantdesk::store::Stamp::new("officer", late);
    let s = proposal::submit(&db.pool, &at, demo::CALL_CODE, &p.content.reference, None)
        .await
        .expect("submit");
    assert_eq!(
        s.submitted_on,
        Some(day("2026-04-30")),
        "07:30 on 30 April in Beijing"
    );

    grantdesk::settings::set_time_zone(&db.pool, &stamp(), "UTC")
        .await
        .expect("set the zone");
    let stamp_now = grantdesk::store::Stamp::now(&db.pool).await.expect("stamp");
    assert_eq!(
        stamp_now.zone,
        chrono_tz::UTC,
        "front ends take the agency's zone"
    );
    let e = grantdesk::settings::set_time_zone(&db.pool, &stamp(), "Mars/Olympus")
        .await
        .expect_err("unknown zone");
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.invalid_fields()[0].rule, "time_zone_unknown");
}
