//! How stable is each place near the funding line? Resample every proposal's reviews with
//! replacement (a seeded bootstrap), rank again, select again under the same limits, and count
//! how often each proposal is funded.

use std::collections::HashMap;

use serde::Serialize;

use super::optimiser::Candidate;
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
    /// The proposals some draw funds, or the suggestion does, in rank order.
    pub rows: Vec<Stability>,
    /// The other proposals: no draw funds them (stable out, 0%). A national call ranks tens
    /// of thousands; the rows name the few near the line.
    pub never_funded: usize,
}

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64: small, seeded, reproducible, and its state after n numbers is known.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The generator of `seed` after `taken` numbers were taken from it.
    fn at(seed: u64, taken: u64) -> Rng {
        Rng(seed.wrapping_add(GAMMA.wrapping_mul(taken)))
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What every draw shares: the entries, what no draw changes of them, the limits.
struct Draw<'a> {
    entries: &'a [Entry],
    /// Each entry's award (none: it cannot be funded), topic and review values.
    fixed: &'a [(Option<i64>, usize, &'a [f64])],
    /// Where each id sits in `entries`.
    at: &'a HashMap<i64, usize>,
    limits: &'a super::optimiser::Limits,
    options: &'a Options,
}

impl Draw<'_> {
    /// `count` draws from `rng` on: how many of them fund each entry.
    fn run(&self, mut rng: Rng, count: u32) -> Vec<u32> {
        let (entries, options) = (self.entries, self.options);
        let mut funded = vec![0u32; entries.len()];
        let mut sample = Vec::new();
        let mut figures = vec![0.0f64; entries.len()];
        let mut order: Vec<usize> = (0..entries.len()).collect();
        let mut cands = Vec::with_capacity(entries.len());
        for _ in 0..count {
            // Each entry's reviews drawn again, in the entries' order (the seed's stream).
            for (i, (e, (_, _, vs))) in entries.iter().zip(self.fixed).enumerate() {
                sample.clear();
                sample.extend((0..vs.len()).map(|_| vs[rng.below(vs.len())]));
                figures[i] = if vs.is_empty() {
                    e.figure
                } else {
                    ranking::aggregate(&sample, options.order)
                };
            }
            // Strict rank order walks the ranking of this draw; the exact search orders the
            // candidates itself (and only which it chooses counts here).
            if options.mode == suggest::Mode::StrictRank {
                order.sort_unstable_by(|&a, &b| {
                    figures[b]
                        .total_cmp(&figures[a])
                        .then(entries[a].id.cmp(&entries[b].id))
                });
            }
            cands.clear();
            cands.extend(order.iter().filter_map(|&i| {
                let (cost, topic, _) = self.fixed[i];
                Some(Candidate {
                    id: entries[i].id,
                    topic,
                    cost: cost?,
                    value: suggest::value_of(figures[i]),
                })
            }));
            for id in suggest::select(&cands, self.limits, options.mode).chosen {
                if let Some(&i) = self.at.get(&id) {
                    funded[i] += 1;
                }
            }
        }
        funded
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
    let limits = suggest::limits_of(rules, options);
    // What no draw changes: each entry's award (none: it cannot be funded), topic and review
    // values; and where each id sits in `entries`.
    let fixed: Vec<(Option<i64>, usize, &[f64])> = entries
        .iter()
        .map(|e| {
            (
                suggest::amount_for(e.requested, options.cut, rules).map(|a| a.fen()),
                suggest::topic_index(rules, &e.topic),
                values.get(&e.id).map(Vec::as_slice).unwrap_or(&[]),
            )
        })
        .collect();
    let at: HashMap<i64, usize> = entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    let draw = Draw {
        entries,
        fixed: &fixed,
        at: &at,
        limits: &limits,
        options,
    };
    // Each draw takes as many numbers from the stream as there are review values, so where
    // each draw's numbers begin is known: the draws are shared among the cores, and every
    // draw gets the numbers it would get one after the other.
    let per_draw: u64 = fixed.iter().map(|f| f.2.len() as u64).sum();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let share = draws
        .div_ceil(u32::try_from(cores).unwrap_or(1).clamp(1, 8))
        .max(1);
    let funded = std::thread::scope(|scope| {
        let parts: Vec<_> = (0..draws)
            .step_by(share as usize)
            .map(|first| {
                let draw = &draw;
                let count = share.min(draws - first);
                let rng = Rng::at(seed, u64::from(first).wrapping_mul(per_draw));
                scope.spawn(move || draw.run(rng, count))
            })
            .collect();
        let mut funded = vec![0u32; entries.len()];
        for part in parts {
            // A draw that panicked panics here, as it would have one after the other.
            let part = part.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (f, n) in funded.iter_mut().zip(part) {
                *f += n;
            }
        }
        funded
    });
    let rows: Vec<Stability> = entries
        .iter()
        .zip(funded)
        .filter_map(|(e, n)| {
            let funded_now = now.chosen.iter().any(|c| c.reference == e.reference);
            if n == 0 && !funded_now {
                return None;
            }
            let per_mille = if draws == 0 {
                0
            } else {
                (u64::from(n) * 1000 / u64::from(draws)) as u32
            };
            Some(Stability {
                reference: e.reference.clone(),
                rank: e.rank,
                funded_now,
                per_mille,
                verdict: match per_mille {
                    900.. => "stable_in",
                    0..=100 => "stable_out",
                    _ => "uncertain",
                },
            })
        })
        .collect();
    Robustness {
        draws,
        seed,
        never_funded: entries.len() - rows.len(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use proptest::prelude::*;

    /// The bootstrap as first written, each draw's entries cloned and ranked whole: the
    /// reference the faster one must match share for share.
    fn bootstrap_by_clones(
        entries: &[Entry],
        values: &HashMap<i64, Vec<f64>>,
        rules: &Rules,
        options: &Options,
        draws: u32,
        seed: u64,
    ) -> Vec<u32> {
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
        funded
    }

    #[test]
    fn the_generator_is_where_its_numbers_say_after_any_count() {
        let mut one_by_one = super::Rng(2026);
        for taken in 0..1000u64 {
            assert_eq!(
                super::Rng::at(2026, taken).next(),
                one_by_one.next(),
                "{taken}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Random calls (three topics, requests around the floor and the ceiling, some
        /// proposals without values), both modes, with and without a cut and quotas.
        #[test]
        fn the_bootstrap_funds_what_the_first_one_did_draw_for_draw(
            props in proptest::collection::vec(
                (0usize..3, 1i64..80, proptest::collection::vec(0u8..101, 0..6)),
                0..40,
            ),
            exact in any::<bool>(),
            cut in proptest::option::of(0u32..40),
            min_each in 0usize..3,
            seed in any::<u64>(),
        ) {
            let topics = ["AI", "AR", "VR"];
            let m = |y: i64| Money::yuan(y).expect("m");
            let rules = Rules {
                budget: m(200),
                max_awards: 5,
                floor: m(10),
                ceiling: m(60),
                topics: topics.iter().map(|t| (*t).to_string()).collect(),
            };
            let values: HashMap<i64, Vec<f64>> = props
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.2.is_empty())
                .map(|(i, p)| (i as i64 + 1, p.2.iter().map(|&v| f64::from(v)).collect()))
                .collect();
            let mut entries: Vec<Entry> = props
                .iter()
                .enumerate()
                .map(|(i, (t, y, vs))| Entry {
                    id: i as i64 + 1,
                    reference: format!("P{i}"),
                    topic: topics[*t].to_string(),
                    rank: 0,
                    figure: if vs.is_empty() {
                        50.0
                    } else {
                        vs.iter().map(|&v| f64::from(v)).sum::<f64>() / vs.len() as f64
                    },
                    requested: m(*y),
                })
                .collect();
            entries.sort_by(|a, b| b.figure.total_cmp(&a.figure).then(a.id.cmp(&b.id)));
            for (i, e) in entries.iter_mut().enumerate() {
                e.rank = i + 1;
            }
            let options = Options {
                mode: if exact { suggest::Mode::Exact } else { suggest::Mode::StrictRank },
                cut: cut.map(|p| crate::percent::Percent::from_basis_points(p * 100).expect("cut")),
                quotas: topics
                    .iter()
                    .map(|t| suggest::Quota { topic: (*t).to_string(), min: min_each, max: 3 })
                    .collect(),
                ..Options::default()
            };
            let got = bootstrap(&entries, &values, &rules, &options, 30, seed);
            let want = bootstrap_by_clones(&entries, &values, &rules, &options, 30, seed);
            // Each entry's share; those left out of the rows were funded in no draw.
            let shares: Vec<u32> = entries
                .iter()
                .map(|e| got.rows.iter().find(|r| r.reference == e.reference).map_or(0, |r| r.per_mille))
                .collect();
            let expected: Vec<u32> = want.iter().map(|&n| n * 1000 / 30).collect();
            prop_assert_eq!(shares, expected);
            let never = want.iter().zip(&entries).filter(|(n, e)| {
                **n == 0 && !got.rows.iter().any(|r| r.reference == e.reference && r.funded_now)
            }).count();
            prop_assert_eq!(got.never_funded, never);
        }
    }

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
        // No draw funds P4: it is counted, not listed.
        assert!(r.rows.iter().all(|x| x.reference != "P4"));
        assert_eq!((r.rows.len(), r.never_funded), (3, 1));
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
