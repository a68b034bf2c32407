//! How stable is each place near the funding line? Resample every proposal's reviews with
//! replacement (a seeded bootstrap), rank again, select again under the same limits, and count
//! how often each proposal is funded.

use std::collections::HashMap;

use serde::Serialize;

use super::suggest::{self, Entry, Options, Rules};
use crate::review::ranking;

/// How many times the reviews are drawn again unless the officer says otherwise.
pub const DEFAULT_DRAWS: u32 = 1000;
/// The most draws a run may ask for (10,000 already takes seconds on a large call).
pub const MAX_DRAWS: u32 = 10_000;
/// The seed unless the officer gives one: the same seed gives the same figures.
pub const DEFAULT_SEED: u64 = 2026;

/// One proposal's share of the draws in which it is funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    pub reference: String,
    pub rank: usize,
    pub funded_now: bool,
    /// Per mille of the draws that fund it (0–1000).
    pub per_mille: u32,
    /// `stable_in` (≥ 90%), `stable_out` (≤ 10%) or `uncertain`.
    pub verdict: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Robustness {
    pub draws: u32,
    pub seed: u64,
    pub rows: Vec<Stability>,
}

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `entries` in rank order; `values` each proposal's review values on the scale of
/// `options.order` (see [`ranking::review_values`]).
pub fn bootstrap(
    entries: &[Entry],
    values: &HashMap<i64, Vec<f64>>,
    rules: &Rules,
    options: &Options,
    draws: u32,
    seed: u64,
) -> Robustness {
    let now = suggest::suggest(entries, rules, options);
    let mut funded = vec![0u32; entries.len()];
    let mut rng = Rng(seed);
    let mut sample = Vec::new();
    for _ in 0..draws {
        let mut resampled: Vec<Entry> = entries
            .iter()
            .map(|e| {
                let vs = values.get(&e.id).map(Vec::as_slice).unwrap_or(&[]);
                sample.clear();
                sample.extend((0..vs.len()).map(|_| vs[rng.below(vs.len())]));
                Entry {
                    figure: if vs.is_empty() {
                        e.figure
                    } else {
                        ranking::aggregate(&sample, options.order)
                    },
                    ..e.clone()
                }
            })
            .collect();
        // Strict rank order walks the ranking of this draw.
        resampled.sort_by(|a, b| b.figure.total_cmp(&a.figure).then(a.id.cmp(&b.id)));
        let limits = suggest::limits_of(rules, options);
        let cands = suggest::candidates_of(&resampled, rules, options);
        let chosen = suggest::select(&cands, &limits, options.mode).chosen;
        for (i, e) in entries.iter().enumerate() {
            if chosen.contains(&e.id) {
                funded[i] += 1;
            }
        }
    }
    let rows = entries
        .iter()
        .zip(funded)
        .map(|(e, n)| {
            let per_mille = if draws == 0 {
                0
            } else {
                (u64::from(n) * 1000 / u64::from(draws)) as u32
            };
            Stability {
                reference: e.reference.clone(),
                rank: e.rank,
                funded_now: now.chosen.iter().any(|c| c.reference == e.reference),
                per_mille,
                verdict: match per_mille {
                    900.. => "stable_in",
                    0..=100 => "stable_out",
                    _ => "uncertain",
                },
            }
        })
        .collect();
    Robustness { draws, seed, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    #[test]
    fn clear_winners_are_stable_and_a_close_call_is_uncertain() {
        let m = |y| Money::yuan(y).expect("m");
        let rules = Rules {
            budget: m(6_000_000),
            max_awards: 2,
            floor: m(1),
            ceiling: m(3_000_000),
            topics: vec!["AI".into()],
        };
        let spec = [
            (1, vec![95.0, 94.0, 96.0]),
            (2, vec![70.0, 90.0, 50.0]),
            (3, vec![72.0, 88.0, 52.0]),
            (4, vec![20.0, 21.0, 19.0]),
        ];
        let values: HashMap<i64, Vec<f64>> = spec.iter().cloned().collect();
        let mut entries: Vec<Entry> = spec
            .iter()
            .map(|(id, vs)| Entry {
                id: *id,
                reference: format!("P{id}"),
                topic: "AI".into(),
                rank: 0,
                figure: vs.iter().sum::<f64>() / vs.len() as f64,
                requested: m(3_000_000),
            })
            .collect();
        entries.sort_by(|a, b| b.figure.total_cmp(&a.figure));
        for (i, e) in entries.iter_mut().enumerate() {
            e.rank = i + 1;
        }
        let r = bootstrap(&entries, &values, &rules, &Options::default(), 1000, 7);
        let verdict = |p: &str| {
            r.rows
                .iter()
                .find(|x| x.reference == p)
                .map(|x| (x.verdict, x.per_mille))
                .expect("row")
        };
        assert_eq!(verdict("P1"), ("stable_in", 1000));
        assert_eq!(verdict("P4").0, "stable_out");
        let (v2, s2) = verdict("P2");
        let (v3, s3) = verdict("P3");
        assert_eq!((v2, v3), ("uncertain", "uncertain"));
        // One of the two takes the second award in every draw.
        assert!((999..=1000).contains(&(s2 + s3)), "{s2} + {s3}");
        // Seeded: the same seed gives the same shares.
        assert_eq!(
            r,
            bootstrap(&entries, &values, &rules, &Options::default(), 1000, 7)
        );
    }
}
