use super::*;
use crate::demo;

fn rules(form: &CallForm) -> Vec<(String, &'static str)> {
    match form.validate() {
        Ok(_) => vec![],
        Err(CallError::Invalid(list)) => list.into_iter().map(|i| (i.field, i.rule)).collect(),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

fn has(form: &CallForm, field: &str, rule: &str) -> bool {
    rules(form).iter().any(|(f, r)| f == field && *r == rule)
}

#[test]
fn the_reference_call_is_valid() {
    let spec = demo::reference_call_form()
        .validate()
        .expect("valid reference call");
    assert_eq!(spec.total_budget, Money::parse("60000000").expect("amount"));
    assert_eq!(spec.max_awards, 12);
    assert_eq!(spec.years(), 2);
    assert_eq!(spec.topics.len(), 3);
}

#[test]
fn budget_must_be_positive_and_present() {
    let mut f = demo::reference_call_form();
    f.total_budget = "0".into();
    assert!(has(&f, "total_budget", "not_positive"));
    f.total_budget = "".into();
    assert!(has(&f, "total_budget", "money_empty"));
    f.total_budget = "-5".into();
    assert!(has(&f, "total_budget", "money_negative"));
}

#[test]
fn max_awards_must_be_at_least_one() {
    let mut f = demo::reference_call_form();
    f.max_awards = "0".into();
    assert!(has(&f, "max_awards", "out_of_range"));
    f.max_awards = "twelve".into();
    assert!(has(&f, "max_awards", "out_of_range"));
}

#[test]
fn floor_must_not_exceed_ceiling_nor_ceiling_the_budget() {
    let mut f = demo::reference_call_form();
    f.award_floor = "900万".into();
    assert!(has(&f, "award_floor", "floor_above_ceiling"));
    let mut f = demo::reference_call_form();
    f.award_ceiling = "7000万".into();
    assert!(has(&f, "award_ceiling", "ceiling_above_budget"));
}

#[test]
fn opening_must_precede_closing() {
    let mut f = demo::reference_call_form();
    f.closes_on = f.opens_on.clone();
    assert!(has(&f, "closes_on", "closes_before_opening"));
    f.closes_on = "2026-02-30".into();
    assert!(has(&f, "closes_on", "date_format"));
}

#[test]
fn duration_is_one_to_one_hundred_twenty_months() {
    for (months, ok) in [("0", false), ("1", true), ("120", true), ("121", false)] {
        let mut f = demo::reference_call_form();
        f.duration_months = months.into();
        assert_eq!(f.validate().is_ok(), ok, "{months} months");
    }
}

#[test]
fn rubric_weights_must_sum_to_one_hundred() {
    let mut f = demo::reference_call_form();
    f.rubric[0].weight = "31".into();
    let e = f.validate().expect_err("101%");
    let CallError::Invalid(list) = e else {
        panic!("invalid")
    };
    let w = list
        .iter()
        .find(|i| i.rule == "weights_not_100")
        .expect("weights rule");
    assert_eq!(w.field, "rubric");
    assert!(w.message.en.contains("101%"), "{}", w.message.en);
    assert!(w.message.zh.contains("101%"), "{}", w.message.zh);
}

#[test]
fn indirect_tiers_must_be_well_formed() {
    let mut f = demo::reference_call_form();
    f.indirect_tiers[1].up_to = "400万".into(); // below the first tier's 500万
    assert!(has(&f, "indirect_tiers[2].up_to", "tiers_not_increasing"));
    let mut f = demo::reference_call_form();
    f.indirect_tiers[2].up_to = "2000万".into();
    assert!(has(&f, "indirect_tiers[3].up_to", "last_tier_bounded"));
    let mut f = demo::reference_call_form();
    f.indirect_tiers[0].up_to = "".into();
    assert!(has(&f, "indirect_tiers[1].up_to", "tier_unbounded"));
    let mut f = demo::reference_call_form();
    f.indirect_tiers[0].rate = "130".into();
    assert!(has(&f, "indirect_tiers[1].rate", "percent_invalid"));
    let mut f = demo::reference_call_form();
    f.indirect_tiers.clear();
    assert!(has(&f, "indirect_tiers", "required"));
    f.funding_mode = "lump_sum".into();
    assert!(f.validate().is_ok(), "a lump-sum call needs no tiers");
}

#[test]
fn tranche_shares_and_appropriations_must_add_up() {
    let mut f = demo::reference_call_form();
    f.tranches[0].share = "50".into();
    assert!(has(&f, "tranches", "shares_not_100"));
    let mut f = demo::reference_call_form();
    f.appropriations[0].amount = "1000万".into();
    assert!(has(&f, "appropriations", "appropriations_not_budget"));
    f.tranches[0].milestone = "whenever".into();
    assert!(has(&f, "tranches[1].milestone", "milestone_unknown"));
}

#[test]
fn codes_titles_and_topics_are_checked() {
    let mut f = demo::reference_call_form();
    f.code = "bad code!".into();
    f.title_en = " ".into();
    f.topics[1].code = "AI".into();
    let r = rules(&f);
    assert!(r.contains(&("code".into(), "code_format")), "{r:?}");
    assert!(r.contains(&("title_en".into(), "required")), "{r:?}");
    assert!(r.contains(&("topics[2].code".into(), "duplicate")), "{r:?}");
    f.topics[0].code = "".into();
    assert!(has(&f, "topics[1].code", "required"));
    f.topics[0].code = "A I".into();
    assert!(has(&f, "topics[1].code", "topic_code_format"));
    f.topics.clear();
    assert!(has(&f, "topics", "required"));
}

#[test]
fn all_broken_rules_are_reported_at_once() {
    let f = CallForm::default();
    let r = rules(&f);
    for field in [
        "code",
        "title_zh",
        "title_en",
        "topics",
        "total_budget",
        "max_awards",
        "duration_months",
        "opens_on",
        "closes_on",
    ] {
        assert!(
            r.iter().any(|(f, _)| f == field),
            "{field} missing from {r:?}"
        );
    }
}

#[test]
fn indirect_cap_follows_the_tiers() {
    let spec = demo::reference_call_form().validate().expect("valid");
    let m = |s: &str| Money::parse(s).expect("amount");
    // 30% up to 500万, 25% from 500万 to 1000万, 20% above.
    assert_eq!(spec.indirect_cap(m("100万")), m("30万"));
    assert_eq!(spec.indirect_cap(m("500万")), m("150万"));
    assert_eq!(spec.indirect_cap(m("800万")), m("225万"));
    assert_eq!(spec.indirect_cap(m("1200万")), m("315万"));
    assert_eq!(spec.indirect_cap(m("0.05")), m("0.02")); // 0.015 rounds half-up
}

#[test]
fn lifecycle_allows_only_its_moves() {
    use CallStatus::*;
    assert!(Draft.can_become(Open));
    assert!(Open.can_become(Closed));
    assert!(Closed.can_become(Open));
    assert!(!Draft.can_become(Closed));
    assert!(!Open.can_become(Draft));
    assert!(!Decided.can_become(Open));
    let e = CallError::IllegalTransition {
        code: "X".into(),
        from: Draft,
        to: Closed,
    };
    assert!(e.message(Lang::En).contains("draft") && e.message(Lang::En).contains("closed"));
    assert!(e.message(Lang::Zh).contains("草稿") && e.message(Lang::Zh).contains("已截止"));
}

#[test]
fn a_spec_round_trips_through_its_form() {
    let spec = demo::reference_call_form().validate().expect("valid");
    assert_eq!(CallForm::from(&spec).validate(), Ok(spec));
}

#[test]
fn the_starter_form_asks_only_for_what_is_particular_to_a_call() {
    let r = rules(&CallForm::starter());
    let fields: Vec<&str> = r.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "code",
            "title_zh",
            "title_en",
            "topics[1].code",
            "topics[1].name_zh",
            "topics[1].name_en",
            "total_budget",
            "max_awards",
            "opens_on",
            "closes_on"
        ]
    );
}

#[test]
fn the_award_number_pattern_is_checked_and_defaults_to_the_agency_one() {
    let mut f = demo::reference_call_form();
    f.award_number_pattern = "京科资〔{year}〕".into();
    assert!(has(&f, "award_number_pattern", "bad_pattern"));
    f.award_number_pattern = "".into();
    let spec = f.validate().expect("valid");
    assert_eq!(spec.award_number_pattern, "京科资〔{year}〕第{seq:3}号");
    f.award_number_pattern = "BJ-AIXR-{year}-{seq:2}".into();
    assert_eq!(
        f.validate().expect("valid").award_number_pattern,
        "BJ-AIXR-{year}-{seq:2}"
    );
}

#[test]
fn a_definition_covers_what_is_committed_only_up_to_its_budget_and_cap() {
    let spec = demo::reference_call_form().validate().expect("valid");
    let m = |s: &str| Money::parse(s).expect("amount");
    let at = |amount: &str, awards: usize| Committed {
        amount: m(amount),
        awards,
    };
    assert!(spec.covers(at("60000000", 12)).is_empty(), "exactly full");
    let refused = spec.covers(at("60000000.01", 13));
    let over: Vec<(&str, &str)> = refused.iter().map(|i| (i.field.as_str(), i.rule)).collect();
    assert_eq!(
        over,
        [
            ("total_budget", "below_committed"),
            ("max_awards", "below_committed")
        ]
    );
    let one = spec.covers(at("60000000.01", 1));
    assert_eq!(one.len(), 1);
    assert!(
        one[0].message.en.contains("¥60,000,000.01"),
        "{}",
        one[0].message.en
    );
}

#[test]
fn a_call_is_decided_only_by_issuing_its_awards_never_by_hand() {
    use CallStatus::*;
    assert_eq!(Draft.moves_by_hand(), [Open]);
    assert_eq!(Open.moves_by_hand(), [Closed]);
    assert_eq!(
        Closed.moves_by_hand(),
        [Open],
        "not Decided: issuing does that"
    );
    assert!(Decided.moves_by_hand().is_empty());
    let a = CallActions::of(Closed);
    assert!(a.review && a.take_proposals && !a.edit && !a.awarded);
    let a = CallActions::of(Draft);
    assert!(a.edit && !a.take_proposals && !a.review);
}

#[test]
fn spending_rules_default_to_the_reform_and_refuse_what_makes_no_sense() {
    let spec = demo::reference_call_form().validate().expect("valid");
    assert_eq!(spec.spend_tolerance.basis_points(), 1000);
    assert_eq!(spec.adjust_approval, [crate::proposal::Category::Equipment]);
    assert_eq!(spec.unspent, super::Unspent::KeepIfPassed);
    assert_eq!(CallForm::from(&spec).validate().expect("round trip"), spec);
    let mut f = demo::reference_call_form();
    f.adjust_approval = "设备费、indirect".into();
    assert!(has(&f, "adjust_approval", "indirect_never_raised"));
    f.adjust_approval = "travel".into();
    assert!(has(&f, "adjust_approval", "category_unknown"));
    f.adjust_approval = "".into();
    f.unspent = "keep".into();
    assert!(has(&f, "unspent", "unspent_unknown"));
    f.unspent = "recover".into();
    f.spend_tolerance = "120".into();
    assert!(has(&f, "spend_tolerance", "percent_invalid"));
    f.spend_tolerance = "5".into();
    let spec = f.validate().expect("valid");
    assert!(
        spec.adjust_approval.is_empty(),
        "no category needs approval"
    );
    assert_eq!(spec.unspent, super::Unspent::Recover);
    assert_eq!(
        spec.letter_lang,
        crate::lang::Lang::Zh,
        "Chinese letters by default"
    );
    f.letter_lang = "fr".into();
    assert!(has(&f, "letter_lang", "letter_lang_unknown"));
    f.letter_lang = "en".into();
    let spec = f.validate().expect("valid");
    assert_eq!(spec.letter_lang, crate::lang::Lang::En);
    assert_eq!(CallForm::from(&spec).letter_lang.as_str(), "en");
}
