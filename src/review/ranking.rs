//! Ranking (排序): from reviews to one figure per proposal, three ways.
//!
//! - A review's **weighted score** is Σ wᵢ·sᵢ/maxᵢ over the criteria it scored, divided by
//!   Σ wᵢ over the same criteria, on a 0–100 scale: an explicit n/a is left out and the
//!   weights renormalise; it never counts as zero.
//! - Per proposal: the **mean** of its reviews' weighted scores; the **trimmed mean**, which
//!   drops the highest and the lowest from five reviews up; and the **calibrated** score,
//!   the mean of the reviews' z-scores, each z taken over all the scores that reviewer gave,
//!   so that a harsh and a lenient reviewer weigh the same.
//! - The **standard deviation** of the weighted scores, and a disagreement flag when it is
//!   above the call's threshold.
//!
//! Scores are statistics, not money: `f64` is right here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One criterion's score in a review: points, or n/a.
pub type Score = Option<u32>;

/// What ranking needs of one review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewInput {
    pub proposal: i64,
    pub reviewer: i64,
    /// The review's weighted score, 0–100 (see [`weighted_score`]).
    pub weighted: f64,
}

/// (weight in basis points, maximum score) of each criterion of the rubric, in order.
pub fn weighted_score(rubric: &[(u32, u32)], scores: &[Score]) -> Option<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    for (&(weight, max), score) in rubric.iter().zip(scores) {
        if let Some(s) = score {
            let w = f64::from(weight);
            num += w * f64::from(*s) / f64::from(max.max(1));
            den += w;
        }
    }
    (den > 0.0).then(|| 100.0 * num / den)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    #[default]
    Mean,
    TrimmedMean,
    Calibrated,
}

impl Aggregate {
    pub fn parse(s: &str) -> Option<Aggregate> {
        match s.trim() {
            "mean" => Some(Aggregate::Mean),
            "trimmed" | "trimmed_mean" => Some(Aggregate::TrimmedMean),
            "calibrated" | "z" => Some(Aggregate::Calibrated),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub proposal: i64,
    pub reviews: usize,
    pub mean: f64,
    pub trimmed_mean: f64,
    pub calibrated: f64,
    pub std_dev: f64,
    pub disagreement: bool,
    /// Competition ranking on the chosen aggregate: equal figures share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub tied: bool,
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Sample standard deviation (n − 1); 0 with fewer than two values.
fn std_dev(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

fn trimmed_mean(xs: &[f64]) -> f64 {
    if xs.len() < 5 {
        return mean(xs);
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    mean(&v[1..v.len() - 1])
}

/// Figures are compared after rounding to 1e-9, so that sums taken in another order still tie.
fn key(x: f64) -> i64 {
    (x * 1e9).round() as i64
}

/// Each review's z-score: how far its weighted score lies from the reviewer's own mean, in
/// the reviewer's own spread (population SD over all the scores they gave), in input order.
/// A reviewer who gave one score, or the same score throughout, says nothing about relative
/// merit: their z is 0.
pub fn z_scores(reviews: &[ReviewInput]) -> Vec<f64> {
    let mut by_reviewer: HashMap<i64, Vec<f64>> = HashMap::new();
    for r in reviews {
        by_reviewer.entry(r.reviewer).or_default().push(r.weighted);
    }
    let stats: HashMap<i64, (f64, f64)> = by_reviewer
        .into_iter()
        .map(|(id, xs)| {
            let m = mean(&xs);
            let sd = if xs.len() < 2 {
                0.0
            } else {
                (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
            };
            (id, (m, sd))
        })
        .collect();
    reviews
        .iter()
        .map(|r| {
            let (m, sd) = stats.get(&r.reviewer).copied().unwrap_or((r.weighted, 0.0));
            if sd > 1e-12 {
                (r.weighted - m) / sd
            } else {
                0.0
            }
        })
        .collect()
}

/// Each proposal's review values on the scale of `order`: the weighted scores for the mean
/// and the trimmed mean, the z-scores for the calibrated figure. [`aggregate`] of a
/// proposal's values is its figure; the robustness view resamples them.
pub fn review_values(reviews: &[ReviewInput], order: Aggregate) -> HashMap<i64, Vec<f64>> {
    let zs = z_scores(reviews);
    let mut out: HashMap<i64, Vec<f64>> = HashMap::new();
    for (r, z) in reviews.iter().zip(zs) {
        let v = if order == Aggregate::Calibrated {
            z
        } else {
            r.weighted
        };
        out.entry(r.proposal).or_default().push(v);
    }
    out
}

/// The figure of one proposal from its review values (see [`review_values`]).
pub fn aggregate(values: &[f64], order: Aggregate) -> f64 {
    match order {
        Aggregate::TrimmedMean => trimmed_mean(values),
        Aggregate::Mean | Aggregate::Calibrated => mean(values),
    }
}

/// Ranks the proposals that have at least one review. Proposals are ordered by the chosen
/// aggregate, highest first; ties keep the proposal id order and share their rank.
pub fn rank(reviews: &[ReviewInput], threshold: f64, order: Aggregate) -> Vec<Ranked> {
    let mut by_proposal: HashMap<i64, (Vec<f64>, Vec<f64>)> = HashMap::new();
    for (r, z) in reviews.iter().zip(z_scores(reviews)) {
        let e = by_proposal.entry(r.proposal).or_default();
        e.0.push(r.weighted);
        e.1.push(z);
    }

    let mut out: Vec<Ranked> = by_proposal
        .into_iter()
        .map(|(proposal, (scores, zs))| {
            let sd = std_dev(&scores);
            Ranked {
                proposal,
                reviews: scores.len(),
                mean: mean(&scores),
                trimmed_mean: trimmed_mean(&scores),
                calibrated: mean(&zs),
                std_dev: sd,
                disagreement: sd > threshold,
                rank: 0,
                tied: false,
            }
        })
        .collect();
    let figure = |r: &Ranked| match order {
        Aggregate::Mean => r.mean,
        Aggregate::TrimmedMean => r.trimmed_mean,
        Aggregate::Calibrated => r.calibrated,
    };
    out.sort_by(|a, b| {
        key(figure(b))
            .cmp(&key(figure(a)))
            .then(a.proposal.cmp(&b.proposal))
    });
    // Sorted, equal figures stand together: one pass gives each group its first position.
    let keys: Vec<i64> = out.iter().map(|r| key(figure(r))).collect();
    let mut start = 0;
    while start < out.len() {
        let end = (start..out.len())
            .find(|&j| keys[j] != keys[start])
            .unwrap_or(out.len());
        for r in &mut out[start..end] {
            r.rank = start + 1;
            r.tied = end - start > 1;
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RUBRIC: [(u32, u32); 4] = [(3000, 10), (2500, 10), (2000, 10), (2500, 10)];

    #[test]
    fn n_a_is_left_out_and_the_weights_renormalise() {
        assert_eq!(
            weighted_score(&RUBRIC, &[Some(10), Some(10), Some(10), Some(10)]),
            Some(100.0)
        );
        // n/a on the 20% criterion: 8 and 6 on 30/25/25 → (0.3·0.8+0.25·0.6+0.25·0.8)/0.8.
        let s = weighted_score(&RUBRIC, &[Some(8), Some(6), None, Some(8)]).expect("scored");
        assert!((s - 73.75).abs() < 1e-9, "{s}");
        // A zero is a score, not an n/a.
        let z = weighted_score(&RUBRIC, &[Some(8), Some(6), Some(0), Some(8)]).expect("scored");
        assert!((z - 59.0).abs() < 1e-9, "{z}");
        assert_eq!(weighted_score(&RUBRIC, &[None, None, None, None]), None);
    }

    fn r(proposal: i64, reviewer: i64, weighted: f64) -> ReviewInput {
        ReviewInput {
            proposal,
            reviewer,
            weighted,
        }
    }

    #[test]
    fn the_trimmed_mean_drops_the_extremes_from_five_reviews_up() {
        let four = [r(1, 1, 10.0), r(1, 2, 50.0), r(1, 3, 60.0), r(1, 4, 100.0)];
        let x = &rank(&four, 100.0, Aggregate::Mean)[0];
        assert_eq!(x.trimmed_mean, x.mean);
        let five = [
            r(1, 1, 10.0),
            r(1, 2, 50.0),
            r(1, 3, 60.0),
            r(1, 4, 70.0),
            r(1, 5, 100.0),
        ];
        let x = &rank(&five, 100.0, Aggregate::Mean)[0];
        assert!((x.trimmed_mean - 60.0).abs() < 1e-9);
        assert!((x.mean - 58.0).abs() < 1e-9);
    }

    #[test]
    fn disagreement_is_flagged_above_the_threshold() {
        let split = [r(1, 1, 90.0), r(1, 2, 40.0), r(2, 1, 70.0), r(2, 2, 72.0)];
        let ranked = rank(&split, 15.0, Aggregate::Mean);
        let p1 = ranked.iter().find(|x| x.proposal == 1).expect("p1");
        let p2 = ranked.iter().find(|x| x.proposal == 2).expect("p2");
        assert!(p1.disagreement && !p2.disagreement);
        assert!((p1.std_dev - 35.355_339).abs() < 1e-5);
    }

    #[test]
    fn ties_share_a_rank_and_say_so() {
        let reviews = [r(1, 1, 80.0), r(2, 1, 70.0), r(3, 1, 80.0), r(4, 1, 60.0)];
        let ranked = rank(&reviews, 100.0, Aggregate::Mean);
        let ranks: Vec<(i64, usize, bool)> = ranked
            .iter()
            .map(|x| (x.proposal, x.rank, x.tied))
            .collect();
        assert_eq!(
            ranks,
            vec![(1, 1, true), (3, 1, true), (2, 3, false), (4, 4, false)]
        );
    }

    #[test]
    fn calibration_evens_out_a_harsh_reviewer() {
        // Reviewer 1 is harsh, reviewer 2 lenient; each reviews a different pair of proposals
        // and both think their first proposal is the better one by the same margin.
        let reviews = [r(1, 1, 50.0), r(2, 1, 40.0), r(3, 2, 90.0), r(4, 2, 80.0)];
        let by_mean = rank(&reviews, 100.0, Aggregate::Mean);
        assert_eq!(by_mean[0].proposal, 3);
        let by_z = rank(&reviews, 100.0, Aggregate::Calibrated);
        let top: Vec<(i64, usize)> = by_z.iter().map(|x| (x.proposal, x.rank)).collect();
        assert_eq!(top, vec![(1, 1), (3, 1), (2, 3), (4, 3)]);
    }

    proptest! {
        #[test]
        fn calibrated_ranking_ignores_a_reviewer_shifting_all_their_scores(
            scores in proptest::collection::vec((0i64..30, 0i64..8, 0.0f64..100.0), 1..120),
            who in 0i64..8,
            shift in -40.0f64..40.0,
        ) {
            let base: Vec<ReviewInput> = scores.iter().map(|&(p, rv, w)| r(p, rv, w)).collect();
            let shifted: Vec<ReviewInput> = base
                .iter()
                .map(|x| if x.reviewer == who { r(x.proposal, x.reviewer, x.weighted + shift) } else { x.clone() })
                .collect();
            let a = rank(&base, 15.0, Aggregate::Calibrated);
            let b: HashMap<i64, f64> = rank(&shifted, 15.0, Aggregate::Calibrated)
                .into_iter()
                .map(|x| (x.proposal, x.calibrated))
                .collect();
            prop_assert_eq!(a.len(), b.len());
            for x in &a {
                let y = b.get(&x.proposal).copied().unwrap_or(f64::NAN);
                prop_assert!((x.calibrated - y).abs() < 1e-6, "{} vs {}", x.calibrated, y);
            }
        }

        #[test]
        fn ranks_are_competition_ranks_over_the_chosen_order(
            scores in proptest::collection::vec((0i64..40, 0i64..10, 0u32..20), 1..150),
        ) {
            // Coarse scores make ties frequent.
            let reviews: Vec<ReviewInput> = scores.iter().map(|&(p, rv, w)| r(p, rv, f64::from(w * 5))).collect();
            let ranked = rank(&reviews, 15.0, Aggregate::Mean);
            for (i, x) in ranked.iter().enumerate() {
                let better = ranked.iter().filter(|y| key(y.mean) > key(x.mean)).count();
                prop_assert_eq!(x.rank, better + 1);
                if i > 0 {
                    prop_assert!(key(ranked[i - 1].mean) >= key(x.mean));
                }
            }
        }
    }
}
