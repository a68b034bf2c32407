use super::*;
use crate::call::CallSpec;
use crate::demo;

fn call() -> CallSpec {
    demo::reference_call_form()
        .validate()
        .expect("valid reference call")
}

fn lump_sum_call() -> CallSpec {
    let mut f = demo::reference_call_form();
    f.funding_mode = "lump_sum".into();
    f.indirect_tiers.clear();
    f.validate().expect("valid lump-sum call")
}

fn sample(i: usize) -> ProposalForm {
    demo::sample_proposals().swap_remove(i).0
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

fn rules(form: &ProposalForm, call: &CallSpec) -> Vec<(String, &'static str)> {
    match form.validate(call) {
        Ok(_) => vec![],
        Err(ProposalError::Invalid(list)) => list.into_iter().map(|i| (i.field, i.rule)).collect(),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

/// The check's reasons for proposals received on the given dates.
fn assessed(call: &CallSpec, items: &[(ProposalContent, NaiveDate)]) -> Vec<Vec<Reason>> {
    let cands: Vec<Candidate<'_>> = items
        .iter()
        .map(|(c, d)| Candidate {
            reference: &c.reference,
            submitted_on: Some(*d),
            content: c,
        })
        .collect();
    assess(call, &cands)
}

fn reasons_of(call: &CallSpec, items: &[(ProposalContent, NaiveDate)]) -> Vec<Vec<String>> {
    assessed(call, items)
        .into_iter()
        .map(|r| r.into_iter().map(|x| x.code).collect())
        .collect()
}

fn content(i: usize) -> (ProposalContent, NaiveDate) {
    let (f, d) = demo::sample_proposals().swap_remove(i);
    (f.validate(&call()).expect("sample proposal is valid"), d)
}

#[test]
fn sample_proposals_validate_and_itemised_requests_equal_their_lines() {
    for (i, (f, _)) in demo::sample_proposals().into_iter().enumerate() {
        let c = f
            .validate(&call())
            .unwrap_or_else(|e| panic!("sample {i}: {e}"));
        if i != 39 {
            assert_eq!(c.lines_total(), Some(c.requested), "sample {i}");
        }
    }
}

#[test]
fn an_invalid_credit_code_is_refused_on_its_field() {
    let mut f = sample(0);
    f.applicant.credit_code = "91110108551385082X".into();
    assert_eq!(
        rules(&f, &call()),
        vec![("applicant.credit_code".to_string(), "credit_code_check")]
    );
}

#[test]
fn title_applicant_and_topic_are_required_and_topic_must_belong_to_the_call() {
    let mut f = sample(0);
    f.title = "".into();
    f.applicant.name = " ".into();
    f.topic = "QC".into();
    let r = rules(&f, &call());
    assert!(r.contains(&("title".into(), "required")), "{r:?}");
    assert!(r.contains(&("applicant.name".into(), "required")), "{r:?}");
    assert!(r.contains(&("topic".into(), "topic_unknown")), "{r:?}");
}

#[test]
fn budget_lines_are_checked_line_by_line() {
    let mut f = sample(0);
    f.budget[0].category = "travel".into();
    f.budget[1].year = "3".into();
    f.budget[2].amount = "12.345".into();
    let r = rules(&f, &call());
    assert!(
        r.contains(&("budget[1].category".into(), "category_unknown")),
        "{r:?}"
    );
    assert!(
        r.contains(&("budget[2].year".into(), "year_out_of_range")),
        "{r:?}"
    );
    assert!(
        r.contains(&("budget[3].amount".into(), "money_decimals")),
        "{r:?}"
    );
    let mut f = sample(0);
    f.budget[1] = f.budget[0].clone();
    assert!(rules(&f, &call()).contains(&("budget[2].category".into(), "duplicate")));
}

#[test]
fn chinese_category_names_are_understood() {
    let mut f = sample(0);
    for l in &mut f.budget {
        let c = Category::parse(l.category.as_str()).expect("category");
        l.category = c.label(Lang::Zh).into();
    }
    assert!(f.validate(&call()).is_ok());
}

#[test]
fn a_lump_sum_call_takes_only_a_total() {
    let mut f = sample(0);
    assert!(rules(&f, &lump_sum_call()).contains(&("budget".into(), "lump_sum_has_lines")));
    f.budget.clear();
    let c = f
        .validate(&lump_sum_call())
        .expect("a total alone is enough");
    assert!(c.budget.is_empty());
    f.requested = "".into();
    assert!(rules(&f, &lump_sum_call()).contains(&("requested".into(), "money_empty")));
}

#[test]
fn an_empty_request_in_an_itemised_call_is_the_sum_of_the_lines() {
    let mut f = sample(3);
    let want = f.validate(&call()).expect("valid").requested;
    f.requested = "".into();
    assert_eq!(f.validate(&call()).expect("valid").requested, want);
}

#[test]
fn eligible_samples_have_no_reasons() {
    let items: Vec<_> = (0..5).map(content).collect();
    assert!(reasons_of(&call(), &items).iter().all(Vec::is_empty));
}

#[test]
fn each_deliberately_ineligible_sample_has_its_reason() {
    let items: Vec<_> = (35..40).map(content).collect();
    let r = reasons_of(&call(), &items);
    assert_eq!(r[0], vec!["missing_fields"]);
    assert_eq!(r[1], vec!["late"]);
    assert_eq!(r[2], vec!["above_ceiling"]);
    assert_eq!(r[3], vec!["indirect_over_cap"]);
    assert_eq!(r[4], vec!["budget_inconsistent"]);
}

#[test]
fn below_the_floor_and_before_opening_are_reasons() {
    let (mut c, _) = content(0);
    c.requested = m("50万");
    c.budget.clear();
    let early = NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
    let r = reasons_of(&call(), &[(c, early)]);
    assert!(r[0].contains(&"below_floor".to_string()), "{r:?}");
    assert!(r[0].contains(&"early".to_string()), "{r:?}");
    assert!(r[0].contains(&"budget_inconsistent".to_string()), "{r:?}");
}

#[test]
fn an_applicant_beyond_the_limit_is_ineligible_for_its_later_proposals() {
    let (first, d1) = content(0);
    let (mut second, _) = content(1);
    let (mut third, _) = content(2);
    second.applicant = first.applicant.clone();
    third.applicant = first.applicant.clone();
    let later = d1 + chrono::Days::new(1);
    let earlier = d1 - chrono::Days::new(1);
    // `third` came first, then `first`, then `second`: the limit is 1, so only `third` counts.
    let r = reasons_of(&call(), &[(first, d1), (second, later), (third, earlier)]);
    assert_eq!(r[2], Vec::<String>::new());
    assert_eq!(r[0], vec!["duplicate_applicant"]);
    assert_eq!(r[1], vec!["duplicate_applicant"]);
}

#[test]
fn indirect_costs_exactly_at_the_cap_are_allowed_and_one_fen_more_is_not() {
    let (mut c, d) = content(0);
    let base = c
        .total(Category::Operations)
        .checked_add(c.total(Category::Personnel))
        .expect("sum");
    let cap = call().indirect_cap(base);
    let set_indirect = |c: &mut ProposalContent, total: Money| {
        c.budget.retain(|l| l.category != Category::Indirect);
        c.budget.push(BudgetLine {
            category: Category::Indirect,
            year: 1,
            amount: total,
        });
        c.requested = c.lines_total().expect("sum");
    };
    set_indirect(&mut c, cap);
    assert_eq!(
        reasons_of(&call(), &[(c.clone(), d)])[0],
        Vec::<String>::new()
    );
    set_indirect(&mut c, cap.checked_add(m("0.01")).expect("sum"));
    assert_eq!(reasons_of(&call(), &[(c, d)])[0], vec!["indirect_over_cap"]);
}

#[test]
fn reasons_read_in_both_languages() {
    let r = &assessed(&call(), &[content(37)])[0][0];
    assert!(
        r.message.zh.contains("超过单项资助上限 ¥8,000,000.00"),
        "{}",
        r.message.zh
    );
    assert!(
        r.message
            .en
            .contains("above the award ceiling of ¥8,000,000.00"),
        "{}",
        r.message.en
    );
}

#[test]
fn proposal_lifecycle_allows_only_its_moves() {
    use ProposalStatus::*;
    assert!(Draft.can_become(Submitted));
    assert!(Submitted.can_become(Eligible));
    assert!(Ineligible.can_become(Eligible));
    assert!(Eligible.can_become(Submitted));
    assert!(!Draft.can_become(Eligible));
    assert!(!Withdrawn.can_become(Submitted));
    assert!(!Eligible.can_become(Withdrawn));
    assert!(!Submitted.can_become(Draft));
}

#[test]
fn every_reason_code_has_a_short_label_in_both_languages() {
    for code in REASON_CODES {
        assert_ne!(reason_label(code, Lang::Zh), code);
        assert_ne!(reason_label(code, Lang::En), code);
    }
}

#[test]
fn the_budget_table_has_a_row_per_category_and_totals_both_ways() {
    let (c, _) = content(0);
    let t = c.budget_table(2);
    assert_eq!(t.years, vec![1, 2]);
    assert_eq!(t.rows.len(), 4);
    assert_eq!(t.total, c.requested);
    for row in &t.rows {
        let sum = Money::checked_sum(row.amounts.iter().flatten().copied()).expect("sum");
        assert_eq!(sum, row.total, "{:?}", row.category);
    }
    assert_eq!(
        Money::checked_sum(t.year_totals.iter().copied()),
        Some(t.total)
    );
    let empty = ProposalContent {
        budget: vec![],
        ..c
    };
    let t = empty.budget_table(3);
    assert_eq!(t.years, vec![1, 2, 3]);
    assert!(t.rows.iter().all(|r| r.amounts.iter().all(Option::is_none)));
}

#[test]
fn what_may_be_done_with_a_proposal_follows_its_call_and_its_lifecycle() {
    use crate::call::CallStatus;
    let a = Actions::of(CallStatus::Open, ProposalStatus::Draft);
    assert!(a.edit && a.submit && a.withdraw && !a.review);
    let a = Actions::of(CallStatus::Closed, ProposalStatus::Submitted);
    assert!(a.edit && !a.submit && a.withdraw && !a.review);
    let a = Actions::of(CallStatus::Closed, ProposalStatus::Eligible);
    assert!(!a.edit && !a.submit && !a.withdraw && a.review);
    let a = Actions::of(CallStatus::Decided, ProposalStatus::Draft);
    assert!(
        !a.edit && !a.submit && !a.withdraw && !a.review,
        "a decided call takes nothing"
    );
}
