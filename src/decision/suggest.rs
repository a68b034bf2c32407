//! The optimiser's suggestion for a call: which proposals to fund and at what amount, under
//! the budget, the award cap, the floor and ceiling and optional topic quotas, with the reason
//! each proposal near the funding line is in or out. Pure: the store gathers the inputs.

use serde::Serialize;

use super::optimiser::{self, Candidate, Limits};
use crate::error::Msg;
use crate::money::{Money, Rounding};
use crate::percent::Percent;
use crate::review::ranking::Aggregate;

/// How the suggestion is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The set with the largest total score that fits every limit (proved best).
    #[default]
    Exact,
    /// Down the ranking, skipping what no longer fits.
    StrictRank,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim() {
            "" | "exact" | "optimal" => Some(Mode::Exact),
            "strict" | "strict_rank" | "rank" => Some(Mode::StrictRank),
            _ => None,
        }
    }
}

/// At least `min` and at most `max` awards in one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quota {
    pub topic: String,
    pub min: usize,
    pub max: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Options {
    pub mode: Mode,
    pub order: Aggregate,
    /// A uniform cut of every award (核减比例); `None` funds the request.
    pub cut: Option<Percent>,
    pub quotas: Vec<Quota>,
}

/// One reviewed proposal the suggestion may fund.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub reference: String,
    pub topic: String,
    pub rank: usize,
    /// The ranking figure on the chosen aggregate.
    pub figure: f64,
    pub requested: Money,
}

/// The call's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub budget: Money,
    pub max_awards: usize,
    pub floor: Money,
    pub ceiling: Money,
    pub topics: Vec<String>,
}

/// The award a proposal would get: its request, cut uniformly if asked (rounded down to the
/// fen), never below the floor nor above the ceiling or the request. `None` when the request
/// itself is below the floor.
pub fn amount_for(requested: Money, cut: Option<Percent>, rules: &Rules) -> Option<Money> {
    if requested < rules.floor || requested.is_zero() {
        return None;
    }
    let mut amount = match cut {
        Some(p) => requested.percent(
            Percent::from_basis_points(10_000 - p.basis_points().min(10_000)).ok()?,
            Rounding::Down,
        ),
        None => requested,
    };
    amount = amount.max(rules.floor).min(rules.ceiling).min(requested);
    (!amount.is_zero()).then_some(amount)
}

/// Scores are compared exactly as integers: millionths of a point.
pub(crate) fn value_of(figure: f64) -> i64 {
    (figure * 1e6).round() as i64
}

pub(crate) fn limits_of(rules: &Rules, options: &Options) -> Limits {
    Limits {
        budget: rules.budget.fen(),
        max_awards: rules.max_awards,
        quotas: rules
            .topics
            .iter()
            .map(|t| {
                options
                    .quotas
                    .iter()
                    .find(|q| &q.topic == t)
                    .map(|q| (q.min, q.max))
            })
            .collect(),
    }
}

pub(crate) fn topic_index(rules: &Rules, topic: &str) -> usize {
    rules
        .topics
        .iter()
        .position(|t| t == topic)
        .unwrap_or(rules.topics.len())
}

/// The candidates with their awards, in the order of `entries`; entries whose award would
/// fall outside the limits are left out.
pub(crate) fn candidates_of(entries: &[Entry], rules: &Rules, options: &Options) -> Vec<Candidate> {
    entries
        .iter()
        .filter_map(|e| {
            let amount = amount_for(e.requested, options.cut, rules)?;
            Some(Candidate {
                id: e.id,
                topic: topic_index(rules, &e.topic),
                cost: amount.fen(),
                value: value_of(e.figure),
            })
        })
        .collect()
}

/// Which candidates a selection funds: ids, in no particular order, and the search size.
pub(crate) struct Selection {
    pub chosen: Vec<i64>,
    pub nodes: u64,
    pub feasible: bool,
    /// The search ran to the end (always, for strict rank order).
    pub complete: bool,
}

/// Funds down the ranking (the candidates are in rank order), skipping what does not fit.
fn strict(cands: &[Candidate], limits: &Limits) -> Selection {
    let mut chosen = Vec::new();
    let mut left = limits.budget;
    let mut counts = vec![0usize; limits.quotas.len() + 1];
    for c in cands {
        let max = limits
            .quotas
            .get(c.topic)
            .copied()
            .flatten()
            .map_or(usize::MAX, |q| q.1);
        if chosen.len() < limits.max_awards && c.cost <= left && counts[c.topic] < max {
            chosen.push(c.id);
            left -= c.cost;
            counts[c.topic] += 1;
        }
    }
    let feasible = limits
        .quotas
        .iter()
        .enumerate()
        .all(|(t, q)| q.is_none_or(|(min, _)| counts[t] >= min));
    Selection {
        chosen,
        nodes: cands.len() as u64,
        feasible,
        complete: true,
    }
}

pub(crate) fn select(cands: &[Candidate], limits: &Limits, mode: Mode) -> Selection {
    match mode {
        Mode::StrictRank => strict(cands, limits),
        Mode::Exact => match optimiser::optimise(cands, limits) {
            Some(c) => Selection {
                complete: c.complete,
                chosen: c.chosen,
                nodes: c.nodes,
                feasible: true,
            },
            None => Selection {
                chosen: Vec::new(),
                nodes: 0,
                feasible: false,
                complete: true,
            },
        },
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggested {
    pub reference: String,
    pub amount: Money,
}

/// Why a proposal near the funding line is in or out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub reference: String,
    pub rank: usize,
    pub funded: bool,
    /// `rank`, `budget`, `cap`, `quota_min`, `quota_max`, `score`, `below_floor`, `set`.
    pub reason: &'static str,
    pub message: Msg,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub options: Options,
    /// Exact mode: this is the best set under the limits, proved by the search.
    pub proved_best: bool,
    /// False when no set meets the minimum quotas (exact) or the ranking walk leaves one unmet
    /// (strict).
    pub feasible: bool,
    pub nodes: u64,
    pub chosen: Vec<Suggested>,
    pub total: Money,
    /// Σ of the chosen proposals' figures.
    pub score: f64,
    pub remaining: Money,
    pub explanations: Vec<Explanation>,
    pub warnings: Vec<Msg>,
}

fn y(fen: i64) -> String {
    Money::from_fen(fen.max(0))
        .unwrap_or_default()
        .format_yuan()
}

fn pts(v: i64) -> String {
    format!("{:.2}", v as f64 / 1e6)
}

/// Best total value with candidate `id` forced in (`Some(true)`) or out (`Some(false)`).
fn best_with(cands: &[Candidate], limits: &Limits, id: i64, forced_in: bool) -> Option<i64> {
    let me = cands.iter().find(|c| c.id == id)?;
    let others: Vec<Candidate> = cands.iter().filter(|c| c.id != id).cloned().collect();
    if !forced_in {
        return optimiser::optimise(&others, limits).map(|c| c.value);
    }
    if me.cost > limits.budget || limits.max_awards == 0 {
        return None;
    }
    let mut quotas = limits.quotas.clone();
    if let Some(Some((min, max))) = quotas.get_mut(me.topic) {
        if *max == 0 {
            return None;
        }
        *min = min.saturating_sub(1);
        *max -= 1;
    }
    let reduced = Limits {
        budget: limits.budget - me.cost,
        max_awards: limits.max_awards - 1,
        quotas,
    };
    optimiser::optimise(&others, &reduced).map(|c| c.value + me.value)
}

/// The suggestion for `entries` (in rank order) under `rules`.
pub fn suggest(entries: &[Entry], rules: &Rules, options: &Options) -> Suggestion {
    let limits = limits_of(rules, options);
    let plain = candidates_of(entries, rules, options);
    let sel = select(&plain, &limits, options.mode);
    let chosen_set: std::collections::HashSet<i64> = sel.chosen.iter().copied().collect();
    let cost_of = |id: i64| plain.iter().find(|c| c.id == id).map_or(0, |c| c.cost);
    let total_fen: i64 = sel.chosen.iter().map(|&id| cost_of(id)).sum();
    let left = rules.budget.fen() - total_fen;
    let best_value: i64 = plain
        .iter()
        .filter(|c| chosen_set.contains(&c.id))
        .map(|c| c.value)
        .sum();

    let mut warnings = Vec::new();
    let mut counts = vec![0usize; rules.topics.len() + 1];
    for c in plain.iter().filter(|c| chosen_set.contains(&c.id)) {
        counts[c.topic] += 1;
    }
    for q in &options.quotas {
        let t = topic_index(rules, &q.topic);
        if counts[t] < q.min {
            warnings.push(Msg::new(
                format!(
                    "领域 {} 至少应资助 {} 项，建议方案只有 {} 项",
                    q.topic, q.min, counts[t]
                ),
                format!(
                    "topic {} needs at least {} awards; the suggestion has {}",
                    q.topic, q.min, counts[t]
                ),
            ));
        }
    }

    // Near the line: from three places above the first proposal left out to five below the
    // last one funded, in rank order.
    let funded_pos: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| chosen_set.contains(&e.id))
        .map(|(i, _)| i)
        .collect();
    let first_out = (0..entries.len())
        .find(|i| !chosen_set.contains(&entries[*i].id))
        .unwrap_or(entries.len());
    let from = first_out.saturating_sub(3);
    let to = funded_pos
        .last()
        .map_or(first_out + 5, |&l| l.max(first_out) + 5)
        .min(entries.len());
    let mut explanations = Vec::new();
    for e in &entries[from..to] {
        let funded = chosen_set.contains(&e.id);
        let cand = plain.iter().find(|c| c.id == e.id);
        let (reason, message) = match cand {
            None => (
                "below_floor",
                Msg::new(
                    format!("申请金额低于单项资助下限 {}", rules.floor.format_yuan()),
                    format!(
                        "the request is below the floor of {}",
                        rules.floor.format_yuan()
                    ),
                ),
            ),
            Some(c) => explain(
                c,
                e,
                funded,
                (&plain, &chosen_set),
                &limits,
                options,
                left,
                best_value,
                &counts,
            ),
        };
        explanations.push(Explanation {
            reference: e.reference.clone(),
            rank: e.rank,
            funded,
            reason,
            message,
        });
    }

    let chosen: Vec<Suggested> = entries
        .iter()
        .filter(|e| chosen_set.contains(&e.id))
        .map(|e| Suggested {
            reference: e.reference.clone(),
            amount: Money::from_fen(cost_of(e.id)).unwrap_or_default(),
        })
        .collect();
    let feasible = sel.feasible && warnings.is_empty();
    if !sel.complete {
        warnings.push(Msg::new(
            format!(
                "搜索在 {} 个分支后停止：以下为已找到的最好方案，未证明最优",
                sel.nodes
            ),
            format!(
                "the search stopped after {} branches: this is the best set found, not proved best",
                sel.nodes
            ),
        ));
    }
    Suggestion {
        options: options.clone(),
        proved_best: options.mode == Mode::Exact && sel.feasible && sel.complete,
        feasible,
        nodes: sel.nodes,
        total: Money::from_fen(total_fen).unwrap_or_default(),
        score: entries
            .iter()
            .filter(|e| chosen_set.contains(&e.id))
            .map(|e| e.figure)
            .sum(),
        remaining: Money::from_fen(left).unwrap_or_default(),
        chosen,
        explanations,
        warnings,
    }
}

#[allow(clippy::too_many_arguments)]
fn explain(
    c: &Candidate,
    e: &Entry,
    funded: bool,
    (plain, chosen): (&[Candidate], &std::collections::HashSet<i64>),
    limits: &Limits,
    options: &Options,
    left: i64,
    best_value: i64,
    counts: &[usize],
) -> (&'static str, Msg) {
    let quota = limits.quotas.get(c.topic).copied().flatten();
    let n_chosen = counts.iter().sum::<usize>();
    if options.mode == Mode::StrictRank {
        // What was taken before its turn came.
        let before: Vec<&Candidate> = plain
            .iter()
            .take_while(|x| x.id != c.id)
            .filter(|x| chosen.contains(&x.id))
            .collect();
        let left_then = limits.budget - before.iter().map(|x| x.cost).sum::<i64>();
        let topic_then = before.iter().filter(|x| x.topic == c.topic).count();
        return if funded {
            (
                "rank",
                Msg::new(
                    format!("按排名第 {} 位依次资助，预算与名额足够", e.rank),
                    format!(
                        "rank {}: funded in rank order, budget and cap allow",
                        e.rank
                    ),
                ),
            )
        } else if before.len() >= limits.max_awards {
            (
                "cap",
                Msg::new(
                    format!("{} 个资助名额已由排名在前的项目用完", limits.max_awards),
                    format!(
                        "the {} awards went to higher-ranked proposals",
                        limits.max_awards
                    ),
                ),
            )
        } else if quota.is_some_and(|(_, max)| topic_then >= max) {
            (
                "quota_max",
                Msg::new(
                    format!("领域 {} 已达资助上限", e.topic),
                    format!("topic {} has reached its maximum", e.topic),
                ),
            )
        } else {
            (
                "budget",
                Msg::new(
                    format!(
                        "需 {}，轮到它时剩余预算仅 {}，跳过",
                        y(c.cost),
                        y(left_then)
                    ),
                    format!(
                        "needs {}; skipped, only {} was left when its turn came",
                        y(c.cost),
                        y(left_then)
                    ),
                ),
            )
        };
    }
    if funded {
        let without = best_with(plain, limits, c.id, false);
        if quota.is_some_and(|(min, _)| counts[c.topic] <= min) && without.is_none() {
            return (
                "quota_min",
                Msg::new(
                    format!("领域 {} 的最低资助数量需要它", e.topic),
                    format!("needed for the minimum number of {} awards", e.topic),
                ),
            );
        }
        let loss = without.map_or(best_value, |w| best_value - w);
        return (
            "set",
            Msg::new(
                format!(
                    "排名第 {} 位；去掉它，最优方案总分将减少 {}",
                    e.rank,
                    pts(loss)
                ),
                format!(
                    "rank {}; without it the best total score would be {} lower",
                    e.rank,
                    pts(loss)
                ),
            ),
        );
    }
    if c.value <= 0 && n_chosen < limits.max_awards && c.cost <= left {
        return (
            "score",
            Msg::new(
                "评分不高于平均水平，资助它不会提高总分".to_string(),
                "its score is not above average: funding it would not raise the total".to_string(),
            ),
        );
    }
    match best_with(plain, limits, c.id, true) {
        None => (
            "quota_max",
            Msg::new(
                format!("领域 {} 的名额限制不允许再资助它", e.topic),
                format!("the {} quota leaves no room for it", e.topic),
            ),
        ),
        Some(with) => {
            let loss = pts(best_value - with);
            if n_chosen >= limits.max_awards {
                (
                    "cap",
                    Msg::new(
                        format!(
                            "{} 个名额已用完；资助它须替换其他项目，总分至少减少 {loss}",
                            limits.max_awards
                        ),
                        format!(
                            "all {} awards are used; funding it means dropping others and at least {loss} points",
                            limits.max_awards
                        ),
                    ),
                )
            } else if quota.is_some_and(|(_, max)| counts[c.topic] >= max) {
                (
                    "quota_max",
                    Msg::new(
                        format!(
                            "领域 {} 已达资助上限；替换同领域项目总分减少 {loss}",
                            e.topic
                        ),
                        format!(
                            "topic {} is at its maximum; swapping costs {loss} points",
                            e.topic
                        ),
                    ),
                )
            } else {
                (
                    "budget",
                    Msg::new(
                        format!(
                            "需 {}，剩余预算 {}；腾出预算须放弃其他项目，总分至少减少 {loss}",
                            y(c.cost),
                            y(left)
                        ),
                        format!(
                            "needs {} with {} left; making room costs at least {loss} points",
                            y(c.cost),
                            y(left)
                        ),
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i64) -> Money {
        Money::yuan(y).expect("amount")
    }

    fn rules() -> Rules {
        Rules {
            budget: m(10_000_000),
            max_awards: 3,
            floor: m(1_000_000),
            ceiling: m(5_000_000),
            topics: vec!["AI".into(), "AR".into(), "VR".into()],
        }
    }

    fn entry(id: i64, topic: &str, figure: f64, requested: i64) -> Entry {
        Entry {
            id,
            reference: format!("P{id}"),
            topic: topic.into(),
            rank: id as usize,
            figure,
            requested: m(requested),
        }
    }

    #[test]
    fn a_uniform_cut_rounds_down_and_stays_inside_floor_and_ceiling() {
        let r = rules();
        let cut = Percent::parse("10").ok();
        assert_eq!(amount_for(m(3_000_000), cut, &r), Some(m(2_700_000)));
        assert_eq!(
            amount_for(Money::parse("3333333.33").expect("m"), cut, &r),
            Some(Money::parse("2999999.99").expect("m"))
        );
        assert_eq!(amount_for(m(1_050_000), cut, &r), Some(m(1_000_000)));
        assert_eq!(amount_for(m(900_000), cut, &r), None);
        assert_eq!(amount_for(m(6_000_000), None, &r), Some(m(5_000_000)));
    }

    #[test]
    fn strict_rank_order_skips_what_no_longer_fits_and_exact_beats_it() {
        let entries = vec![
            entry(1, "AI", 90.0, 5_000_000),
            entry(2, "AI", 85.0, 4_000_000),
            entry(3, "AR", 80.0, 3_000_000),
            entry(4, "VR", 79.0, 1_000_000),
            entry(5, "VR", 78.0, 2_500_000),
        ];
        let r = rules();
        let strict = suggest(
            &entries,
            &r,
            &Options {
                mode: Mode::StrictRank,
                ..Options::default()
            },
        );
        let refs: Vec<&str> = strict.chosen.iter().map(|s| s.reference.as_str()).collect();
        assert_eq!(refs, ["P1", "P2", "P4"]);
        assert!(!strict.proved_best);
        let p3 = strict
            .explanations
            .iter()
            .find(|x| x.reference == "P3")
            .expect("P3 explained");
        assert_eq!((p3.funded, p3.reason), (false, "budget"));
        assert!(p3.message.en.contains("¥3,000,000.00"), "{}", p3.message.en);

        let exact = suggest(&entries, &r, &Options::default());
        let refs: Vec<&str> = exact.chosen.iter().map(|s| s.reference.as_str()).collect();
        // P1 + P2 + P4 = 254 points for ¥10m: three awards, the best total.
        assert_eq!(refs, ["P1", "P2", "P4"]);
        assert!(exact.proved_best && exact.feasible);
        assert_eq!(exact.total, m(10_000_000));
        assert_eq!(exact.remaining, Money::ZERO);
    }

    #[test]
    fn quotas_change_the_set_and_the_reasons_say_so() {
        let entries = vec![
            entry(1, "AI", 90.0, 3_000_000),
            entry(2, "AI", 88.0, 3_000_000),
            entry(3, "AI", 86.0, 3_000_000),
            entry(4, "AR", 70.0, 3_000_000),
        ];
        let options = Options {
            quotas: vec![Quota {
                topic: "AR".into(),
                min: 1,
                max: 3,
            }],
            ..Options::default()
        };
        let s = suggest(&entries, &rules(), &options);
        let refs: Vec<&str> = s.chosen.iter().map(|c| c.reference.as_str()).collect();
        assert_eq!(refs, ["P1", "P2", "P4"]);
        let why = |r: &str| {
            s.explanations
                .iter()
                .find(|x| x.reference == r)
                .map(|x| x.reason)
        };
        assert_eq!(why("P4"), Some("quota_min"));
        assert_eq!(why("P3"), Some("cap"));
        let impossible = Options {
            quotas: vec![Quota {
                topic: "VR".into(),
                min: 1,
                max: 3,
            }],
            ..Options::default()
        };
        let s = suggest(&entries, &rules(), &impossible);
        assert!(!s.feasible && s.chosen.is_empty());
    }
}
