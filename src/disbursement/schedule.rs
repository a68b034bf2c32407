//! The schedule (拨付计划): an award split into tranches by the call's template, and the
//! edits an officer may make to it. Pure: the store reads the slots, applies an edit here and
//! writes the result. Every plan and every edit keeps the sum of the tranches equal to the
//! award, to the fen, and leaves alone the tranches that approvals or payments hold.

use chrono::NaiveDate;
use serde::Serialize;

use crate::call::TrancheShare;
use crate::error::Invalid;
use crate::money::Money;

/// One tranche as the schedule's rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    /// The stored tranche, or none for one an edit creates.
    pub id: Option<i64>,
    pub amount: Money,
    pub due_on: NaiveDate,
    /// The milestone it waits for.
    pub gate: Option<i64>,
    /// Approvals or payments hold it: it stays as it is.
    pub frozen: bool,
}

/// Splits `award` by the template's shares. Each tranche gets its share rounded down to the
/// fen; the fen left over (fewer than the number of tranches) go to the last tranche with a
/// share, the one paid on final acceptance in the usual template, so the agency pays them
/// last. A tranche of 0% is left out. `milestone` gives the gate's id and due date.
pub fn plan(
    award: Money,
    template: &[TrancheShare],
    milestone: impl Fn(super::MilestoneKind) -> (i64, NaiveDate),
) -> Vec<Slot> {
    let total = award.fen();
    let last = template.iter().rposition(|t| t.share.basis_points() > 0);
    let mut handed = 0i64;
    let mut out = Vec::with_capacity(template.len());
    for (i, t) in template.iter().enumerate() {
        let bp = i64::from(t.share.basis_points());
        if bp == 0 {
            continue;
        }
        let fen = if Some(i) == last {
            total - handed
        } else {
            // Shares are at most 100%, so this never exceeds the award.
            ((i128::from(total) * i128::from(bp)) / 10_000) as i64
        };
        handed += fen;
        if fen <= 0 {
            continue;
        }
        let (gate, due_on) = milestone(t.milestone.into());
        out.push(Slot {
            id: None,
            amount: Money::from_fen(fen).unwrap_or_default(),
            due_on,
            gate: Some(gate),
            frozen: false,
        });
    }
    out.sort_by_key(|s| s.due_on);
    out
}

/// A change an officer makes to one award's schedule. Tranches are named by their position,
/// from 1. Adding a tranche is a split: its money comes out of another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Takes `amount` out of a tranche into a new one, due when given (else the same day)
    /// and gated as given (else like the one it came from).
    Split {
        tranche: u32,
        amount: Money,
        due_on: Option<NaiveDate>,
        gate: Option<Option<i64>>,
    },
    /// A new due date.
    Move { tranche: u32, due_on: NaiveDate },
    /// A new gate, or none.
    Regate { tranche: u32, gate: Option<i64> },
    /// Moves money from one tranche to another.
    Transfer { from: u32, to: u32, amount: Money },
    /// Folds a tranche into another.
    Merge { tranche: u32, into: u32 },
}

fn refuse(field: &str, rule: &'static str, zh: String, en: String) -> Vec<Invalid> {
    vec![Invalid::new(field, rule, zh, en)]
}

fn index(slots: &[Slot], field: &str, n: u32) -> Result<usize, Vec<Invalid>> {
    let i = (n as usize).wrapping_sub(1);
    match slots.get(i) {
        None => Err(refuse(
            field,
            "no_such_tranche",
            format!("没有第 {n} 笔拨款（共 {} 笔）", slots.len()),
            format!("there is no tranche {n} (the schedule has {})", slots.len()),
        )),
        Some(s) if s.frozen => Err(refuse(
            field,
            "tranche_frozen",
            format!("第 {n} 笔拨款已审批或已支付，不能再调整"),
            format!("tranche {n} is approved or paid: it can no longer be changed"),
        )),
        Some(_) => Ok(i),
    }
}

fn positive_below(amount: Money, of: Money, n: u32) -> Result<(), Vec<Invalid>> {
    if amount.is_zero() || amount >= of {
        return Err(refuse(
            "amount",
            "amount_not_within_tranche",
            format!(
                "金额 {} 须大于零且小于第 {n} 笔的 {}",
                amount.format_yuan(),
                of.format_yuan()
            ),
            format!(
                "the amount {} must be above zero and below tranche {n}'s {}",
                amount.format_yuan(),
                of.format_yuan()
            ),
        ));
    }
    Ok(())
}

fn not_before(due_on: NaiveDate, earliest: NaiveDate) -> Result<(), Vec<Invalid>> {
    if due_on < earliest {
        return Err(refuse(
            "due_on",
            "due_before_start",
            format!("计划日期 {due_on} 早于资助开始日 {earliest}"),
            format!("the due date {due_on} is before the award starts on {earliest}"),
        ));
    }
    Ok(())
}

/// Applies an edit. The result is in due-date order (ties keep their order) and sums to what
/// the schedule summed to; tranches held by approvals or payments are refused as targets.
/// `earliest` is the award's start: nothing falls due before it.
pub fn apply(slots: &[Slot], edit: &Edit, earliest: NaiveDate) -> Result<Vec<Slot>, Vec<Invalid>> {
    let mut out = slots.to_vec();
    match *edit {
        Edit::Split {
            tranche,
            amount,
            due_on,
            gate,
        } => {
            let i = index(&out, "tranche", tranche)?;
            positive_below(amount, out[i].amount, tranche)?;
            let due_on = due_on.unwrap_or(out[i].due_on);
            not_before(due_on, earliest)?;
            let rest = out[i].amount.checked_sub(amount).unwrap_or_default();
            out[i].amount = rest;
            let new = Slot {
                id: None,
                amount,
                due_on,
                gate: gate.unwrap_or(out[i].gate),
                frozen: false,
            };
            out.insert(i + 1, new);
        }
        Edit::Move { tranche, due_on } => {
            let i = index(&out, "tranche", tranche)?;
            not_before(due_on, earliest)?;
            out[i].due_on = due_on;
        }
        Edit::Regate { tranche, gate } => {
            let i = index(&out, "tranche", tranche)?;
            out[i].gate = gate;
        }
        Edit::Transfer { from, to, amount } => {
            let (i, j) = (index(&out, "tranche", from)?, index(&out, "to", to)?);
            if i == j {
                return Err(same(to));
            }
            positive_below(amount, out[i].amount, from)?;
            out[i].amount = out[i].amount.checked_sub(amount).unwrap_or_default();
            out[j].amount = out[j].amount.checked_add(amount).unwrap_or_default();
        }
        Edit::Merge { tranche, into } => {
            let (i, j) = (index(&out, "tranche", tranche)?, index(&out, "to", into)?);
            if i == j {
                return Err(same(into));
            }
            out[j].amount = out[j].amount.checked_add(out[i].amount).unwrap_or_default();
            out.remove(i);
        }
    }
    out.sort_by_key(|s| s.due_on);
    Ok(out)
}

fn same(n: u32) -> Vec<Invalid> {
    refuse(
        "to",
        "same_tranche",
        format!("不能在第 {n} 笔与其自身之间调整"),
        format!("tranche {n} cannot be moved into itself"),
    )
}

/// The sum of a schedule, if it does not overflow.
pub fn total(slots: &[Slot]) -> Option<Money> {
    Money::checked_sum(slots.iter().map(|s| s.amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::Milestone;
    use crate::disbursement::MilestoneKind;
    use crate::percent::Percent;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn share(m: Milestone, bp: u32) -> TrancheShare {
        TrancheShare {
            milestone: m,
            share: Percent::from_basis_points(bp).expect("bp"),
        }
    }

    fn usual() -> Vec<TrancheShare> {
        vec![
            share(Milestone::Signing, 4000),
            share(Milestone::Midterm, 3000),
            share(Milestone::Acceptance, 3000),
        ]
    }

    fn gates(k: MilestoneKind) -> (i64, NaiveDate) {
        match k {
            MilestoneKind::Signing => (1, d(2027, 1, 1)),
            MilestoneKind::Midterm => (2, d(2028, 1, 1)),
            _ => (3, d(2029, 3, 31)),
        }
    }

    fn fen(s: &[Slot]) -> Vec<i64> {
        s.iter().map(|x| x.amount.fen()).collect()
    }

    #[test]
    fn the_usual_template_splits_forty_thirty_thirty_and_the_odd_fen_go_last() {
        let s = plan(Money::from_fen(500_000_001).expect("m"), &usual(), gates);
        assert_eq!(fen(&s), [200_000_000, 150_000_000, 150_000_001]);
        assert_eq!(s[1].gate, Some(2));
        assert_eq!(s[1].due_on, d(2028, 1, 1));
        // Three thirds of a fen: the two fen left over both go to the last tranche.
        let thirds = vec![
            share(Milestone::Signing, 3333),
            share(Milestone::Midterm, 3333),
            share(Milestone::Acceptance, 3334),
        ];
        let s = plan(Money::from_fen(100).expect("m"), &thirds, gates);
        assert_eq!(fen(&s), [33, 33, 34]);
    }

    #[test]
    fn a_zero_share_is_left_out_and_its_fen_are_not_stranded() {
        let t = vec![
            share(Milestone::Signing, 5000),
            share(Milestone::Midterm, 5000),
            share(Milestone::Acceptance, 0),
        ];
        let s = plan(Money::from_fen(101).expect("m"), &t, gates);
        assert_eq!(fen(&s), [50, 51]);
    }

    #[test]
    fn frozen_tranches_refuse_every_edit_and_nothing_changes() {
        let mut s = plan(Money::yuan(1_000_000).expect("m"), &usual(), gates);
        s[0].frozen = true;
        let start = d(2027, 1, 1);
        let amount = Money::yuan(1).expect("m");
        for e in [
            Edit::Move {
                tranche: 1,
                due_on: d(2027, 2, 1),
            },
            Edit::Transfer {
                from: 2,
                to: 1,
                amount,
            },
            Edit::Merge {
                tranche: 1,
                into: 2,
            },
            Edit::Split {
                tranche: 1,
                amount,
                due_on: None,
                gate: None,
            },
        ] {
            let err = apply(&s, &e, start).expect_err("frozen");
            assert_eq!(err[0].rule, "tranche_frozen", "{e:?}");
        }
        let err = apply(
            &s,
            &Edit::Move {
                tranche: 2,
                due_on: d(2026, 12, 31),
            },
            start,
        )
        .expect_err("before the start");
        assert_eq!(
            (err[0].field.as_str(), err[0].rule),
            ("due_on", "due_before_start")
        );
        let err = apply(
            &s,
            &Edit::Split {
                tranche: 2,
                amount: s[1].amount,
                due_on: None,
                gate: None,
            },
            start,
        )
        .expect_err("all of it");
        assert_eq!(err[0].rule, "amount_not_within_tranche");
    }

    #[test]
    fn a_moved_tranche_takes_its_place_in_date_order() {
        let s = plan(Money::yuan(1_000_000).expect("m"), &usual(), gates);
        let moved = apply(
            &s,
            &Edit::Move {
                tranche: 3,
                due_on: d(2027, 6, 1),
            },
            d(2027, 1, 1),
        )
        .expect("move");
        assert_eq!(fen(&moved), [40_000_000, 30_000_000, 30_000_000]);
        assert_eq!(
            moved[1].gate,
            Some(3),
            "the acceptance tranche is now second"
        );
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let day = (0u64..1200).prop_map(|n| d(2026, 12, 1) + chrono::Days::new(n));
        prop_oneof![
            (
                1u32..6,
                1i64..5_000_000_000,
                proptest::option::of(day.clone())
            )
                .prop_map(|(t, f, due)| Edit::Split {
                    tranche: t,
                    amount: Money::from_fen(f).expect("m"),
                    due_on: due,
                    gate: None,
                }),
            (1u32..6, day).prop_map(|(t, due)| Edit::Move {
                tranche: t,
                due_on: due
            }),
            (1u32..6, proptest::option::of(1i64..4)).prop_map(|(t, g)| Edit::Regate {
                tranche: t,
                gate: g
            }),
            (1u32..6, 1u32..6, 1i64..5_000_000_000).prop_map(|(a, b, f)| Edit::Transfer {
                from: a,
                to: b,
                amount: Money::from_fen(f).expect("m"),
            }),
            (1u32..6, 1u32..6).prop_map(|(a, b)| Edit::Merge {
                tranche: a,
                into: b
            }),
        ]
    }

    proptest! {
        /// Any template, any award, any sequence of edits: the schedule sums to the award,
        /// every tranche is positive, frozen tranches never change, and a refused edit is
        /// refused whole.
        #[test]
        fn schedules_always_sum_to_the_award(
            award in 1i64..10_000_000_000,
            bps in proptest::collection::vec(0u32..=10_000, 1..5),
            frozen in proptest::collection::vec(any::<bool>(), 5),
            edits in proptest::collection::vec(edit(), 0..12),
        ) {
            let sum: u32 = bps.iter().sum();
            prop_assume!(sum > 0);
            // Scale the random shares to exactly 100%.
            let mut shares: Vec<u32> = bps.iter().map(|b| b * 10_000 / sum).collect();
            let short = 10_000 - shares.iter().sum::<u32>();
            if let Some(last) = shares.iter_mut().rev().find(|s| **s > 0) { *last += short; }
            let kinds = [Milestone::Signing, Milestone::Midterm, Milestone::Acceptance];
            let template: Vec<TrancheShare> = shares.iter().enumerate()
                .map(|(i, &bp)| share(kinds[i % 3], bp)).collect();
            let award = Money::from_fen(award).expect("m");
            let mut s = plan(award, &template, gates);
            prop_assert_eq!(total(&s), Some(award));
            prop_assert!(s.iter().all(|x| !x.amount.is_zero()));
            for (slot, f) in s.iter_mut().zip(&frozen) { slot.frozen = *f; }
            let held: Vec<Slot> = s.iter().filter(|x| x.frozen).cloned().collect();
            for e in &edits {
                match apply(&s, e, d(2026, 12, 1)) {
                    Ok(next) => s = next,
                    Err(why) => prop_assert!(!why.is_empty()),
                }
                prop_assert_eq!(total(&s), Some(award));
                prop_assert!(s.iter().all(|x| !x.amount.is_zero()));
                prop_assert!(s.windows(2).all(|w| w[0].due_on <= w[1].due_on));
                let still: Vec<Slot> = s.iter().filter(|x| x.frozen).cloned().collect();
                prop_assert_eq!(&still, &held);
            }
        }
    }
}
