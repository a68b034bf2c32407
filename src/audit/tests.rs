use super::*;
use proptest::prelude::*;

/// The first version of the canonical form, kept as the reference the chains of existing
/// databases were hashed with.
fn canonical(e: &Entry) -> String {
    serde_json::json!({
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "before": e.before_json,
        "after": e.after_json,
    })
    .to_string()
}

proptest! {
    #[test]
    fn the_streamed_canonical_form_is_the_reference_byte_for_byte(
        seq in any::<i64>(),
        texts in proptest::collection::vec(any::<String>(), 6),
        before in proptest::option::of(any::<String>()),
        after in proptest::option::of("\\PC{0,40}|\\{\"[a-z]\":\"[\\\\\"\\u{0}-\\u{1f}中文]{0,5}\"\\}"),
    ) {
        let e = Entry {
            seq,
            at: texts[0].clone(),
            actor: texts[1].clone(),
            entity: texts[2].clone(),
            entity_id: texts[3].clone(),
            action: texts[4].clone(),
            before_json: before,
            after_json: after,
            prev_hash: texts[5].clone(),
            hash: String::new(),
        };
        let streamed = serde_json::to_string(&Canonical::from(&e)).expect("json");
        prop_assert_eq!(&streamed, &canonical(&e));
        let mut h = Sha256::new();
        h.update(format!("{}\n{}", e.prev_hash, canonical(&e)).as_bytes());
        let expected: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(hash_of(&e.prev_hash, &e), expected);
    }
}

#[test]
fn the_hash_is_lowercase_hex_of_sha256_as_it_always_was() {
    let e = Entry {
        seq: 1,
        at: "2026-11-27T00:00:00Z".into(),
        actor: "officer".into(),
        entity: "call".into(),
        entity_id: "BJ-AIXR-2026".into(),
        action: "create".into(),
        before_json: None,
        after_json: Some("{\"a\":1}".into()),
        prev_hash: GENESIS.into(),
        hash: String::new(),
    };
    let mut h = Sha256::new();
    h.update(format!("{GENESIS}\n{}", canonical(&e)).as_bytes());
    let expected: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash_of(GENESIS, &e), expected);
}

fn chain(n: usize) -> Vec<Entry> {
    let mut prev = GENESIS.to_string();
    (1..=n)
        .map(|i| {
            let mut e = Entry {
                seq: i as i64,
                at: format!("2026-01-01T00:00:0{}Z", i % 10),
                actor: "li".into(),
                entity: "call".into(),
                entity_id: "1".into(),
                action: "update".into(),
                before_json: Some(format!("{{\"n\":{}}}", i - 1)),
                after_json: Some(format!("{{\"n\":{i}}}")),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = hash_of(&prev, &e);
            prev = e.hash.clone();
            e
        })
        .collect()
}

fn head(c: &[Entry]) -> (i64, String) {
    (
        c.len() as i64,
        c.last().map_or(GENESIS.into(), |e| e.hash.clone()),
    )
}

#[test]
fn an_intact_chain_verifies_with_its_count() {
    let c = chain(5);
    let (s, h) = head(&c);
    assert_eq!(verify_entries(&c, s, &h).map(|v| v.entries), Ok(5));
    assert_eq!(verify_entries(&[], 0, GENESIS).map(|v| v.entries), Ok(0));
}

#[test]
fn altering_any_field_of_any_entry_is_detected_at_that_entry() {
    let c = chain(4);
    let (s, h) = head(&c);
    for i in 0..c.len() {
        for field in 0..4 {
            let mut bad = c.clone();
            match field {
                0 => bad[i].actor = "someone else".into(),
                1 => bad[i].after_json = Some("{\"n\":999}".into()),
                2 => bad[i].at = "2020-01-01T00:00:00Z".into(),
                _ => bad[i].action = "delete".into(),
            }
            let err = verify_entries(&bad, s, &h).expect_err("tampering");
            assert_eq!(
                err,
                AuditError::Tampered {
                    seq: i as i64 + 1,
                    reason: crate::error::Msg::new(
                        "其内容与哈希值不符",
                        "its content does not match its hash"
                    )
                }
            );
        }
    }
}

#[test]
fn deleting_or_reordering_entries_is_detected() {
    let c = chain(4);
    let (s, h) = head(&c);
    let mut deleted = c.clone();
    deleted.remove(1);
    assert!(matches!(
        verify_entries(&deleted, s, &h),
        Err(AuditError::Tampered { seq: 2, .. })
    ));
    let mut swapped = c.clone();
    swapped.swap(1, 2);
    assert!(verify_entries(&swapped, s, &h).is_err());
    let mut renumbered = c.clone();
    swapped.swap(1, 2);
    renumbered[1].seq = 3;
    renumbered[2].seq = 2;
    renumbered.swap(1, 2);
    assert!(verify_entries(&renumbered, s, &h).is_err());
    let truncated = &c[..3];
    assert_eq!(
        verify_entries(truncated, s, &h),
        Err(AuditError::Truncated {
            expected: 4,
            found: 3
        })
    );
}
