//! The reviewer draw (分配评审专家): for every proposal, the call's minimum number of reviewers
//! who know its topic, never one with a conflict of interest, under a per-reviewer cap.
//!
//! First a balanced draw: proposals in a seeded random order, each taking the least-loaded
//! eligible reviewers (seeded random tie-break). Then, for any proposal still short, augmenting
//! paths move reviewers between proposals (a reviewer leaves proposal B for A when another
//! eligible reviewer with room can take B's place): this is a maximum flow, so a proposal is
//! left short only when no assignment at all could serve it. Pure and deterministic: the same
//! input and seed give the same draw.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::Serialize;

/// A proposal to staff: its topic and the reviewers it already has (kept as they are).
#[derive(Debug, Clone)]
pub struct Slot {
    pub proposal: i64,
    pub topic: String,
    pub existing: Vec<i64>,
}

/// An active reviewer of the pool with the topics they know and their current load.
#[derive(Debug, Clone)]
pub struct Expert {
    pub reviewer: i64,
    pub topics: Vec<String>,
    pub load: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortReason {
    /// Nobody in the pool knows the topic.
    NoExpertise,
    /// Everyone who knows the topic is conflicted (or already on the proposal).
    AllConflicted,
    /// Eligible reviewers exist but all are at their cap.
    CapsReached,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub proposal: i64,
    pub missing: u32,
    pub reason: ShortReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Draw {
    /// New (proposal, reviewer) pairs, sorted.
    pub assigned: Vec<(i64, i64)>,
    pub short: Vec<Shortfall>,
}

/// SplitMix64: a small, well-mixed generator; the draw must not change between versions.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The draw in progress: who is on which proposal, and the loads.
struct Board<'a> {
    slots: &'a [Slot],
    experts: &'a [Expert],
    conflicted: &'a HashSet<(i64, i64)>,
    by_topic: HashMap<&'a str, Vec<usize>>,
    cap: u32,
    /// Reviewers on each slot (existing ones included).
    on: Vec<HashSet<i64>>,
    /// Experts this draw added to each slot: only these may move.
    new: Vec<Vec<usize>>,
    /// Slots each expert was newly given.
    serving: Vec<Vec<usize>>,
    load: Vec<u32>,
}

impl<'a> Board<'a> {
    fn new(
        slots: &'a [Slot],
        experts: &'a [Expert],
        conflicted: &'a HashSet<(i64, i64)>,
        cap: u32,
    ) -> Self {
        let mut by_topic: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in experts.iter().enumerate() {
            for t in &e.topics {
                let list = by_topic.entry(t.as_str()).or_default();
                // A topic named twice in an expert's tags still lists them once.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Board {
            slots,
            experts,
            conflicted,
            by_topic,
            cap,
            on: slots
                .iter()
                .map(|s| s.existing.iter().copied().collect())
                .collect(),
            new: vec![Vec::new(); slots.len()],
            serving: vec![Vec::new(); experts.len()],
            load: experts.iter().map(|e| e.load).collect(),
        }
    }

    fn pool(&self, s: usize) -> Vec<usize> {
        self.by_topic
            .get(self.slots[s].topic.as_str())
            .cloned()
            .unwrap_or_default()
    }

    fn eligible(&self, s: usize, e: usize) -> bool {
        let r = self.experts[e].reviewer;
        !self.on[s].contains(&r) && !self.conflicted.contains(&(r, self.slots[s].proposal))
    }

    fn give(&mut self, s: usize, e: usize) {
        self.on[s].insert(self.experts[e].reviewer);
        self.new[s].push(e);
        self.serving[e].push(s);
    }

    fn take(&mut self, s: usize, e: usize) {
        self.on[s].remove(&self.experts[e].reviewer);
        self.new[s].retain(|&x| x != e);
        self.serving[e].retain(|&x| x != s);
    }

    /// One augmenting path from slot `start`: a breadth-first search over slots, where a
    /// reviewer newly given to slot y may move to slot x if y can find another.
    fn augment(&mut self, start: usize) -> bool {
        // parent[y] = (slot y was reached from, expert who would move from y to it)
        let mut parent: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut seen: HashSet<usize> = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(x) = queue.pop_front() {
            for e in self.pool(x) {
                if !self.eligible(x, e) {
                    continue;
                }
                if self.load[e] < self.cap {
                    // Give e to x, then shift each reviewer along the path back to the start.
                    self.give(x, e);
                    self.load[e] += 1;
                    let mut y = x;
                    while let Some(&(prev, moved)) = parent.get(&y) {
                        self.take(y, moved);
                        self.give(prev, moved);
                        y = prev;
                    }
                    return true;
                }
                for &y in &self.serving[e] {
                    if y != x && seen.insert(y) {
                        parent.insert(y, (x, e));
                        queue.push_back(y);
                    }
                }
            }
        }
        false
    }
}

/// Draws reviewers so that each slot has `need` in all (existing ones included).
/// `conflicted` holds (reviewer, proposal) pairs that may never meet.
pub fn draw(
    slots: &[Slot],
    experts: &[Expert],
    conflicted: &HashSet<(i64, i64)>,
    need: u32,
    cap: u32,
    seed: u64,
) -> Draw {
    let mut b = Board::new(slots, experts, conflicted, cap);

    // Balanced first pass, in a seeded order.
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&s| mix(seed ^ mix(slots[s].proposal as u64)));
    for &s in &order {
        let want = need.saturating_sub(b.on[s].len() as u32) as usize;
        if want == 0 {
            continue;
        }
        let salt = mix(seed ^ mix(slots[s].proposal as u64));
        let mut cands: Vec<(u32, u64, usize)> = b
            .pool(s)
            .into_iter()
            .filter(|&e| b.load[e] < cap && b.eligible(s, e))
            .map(|e| (b.load[e], mix(salt ^ experts[e].reviewer as u64), e))
            .collect();
        if cands.len() > want {
            cands.select_nth_unstable(want - 1);
            cands.truncate(want);
        }
        for (_, _, e) in cands {
            b.give(s, e);
            b.load[e] += 1;
        }
    }

    // Augmenting paths for the slots still short.
    let mut short = Vec::new();
    for &s in &order {
        while (b.on[s].len() as u32) < need && b.augment(s) {}
        let missing = need.saturating_sub(b.on[s].len() as u32);
        if missing > 0 {
            let pool = b.pool(s);
            let reason = if pool.is_empty() {
                ShortReason::NoExpertise
            } else if pool.iter().all(|&e| !b.eligible(s, e)) {
                ShortReason::AllConflicted
            } else {
                ShortReason::CapsReached
            };
            short.push(Shortfall {
                proposal: slots[s].proposal,
                missing,
                reason,
            });
        }
    }
    let mut assigned: Vec<(i64, i64)> = b
        .new
        .iter()
        .enumerate()
        .flat_map(|(s, es)| {
            es.iter()
                .map(move |&e| (slots[s].proposal, experts[e].reviewer))
        })
        .collect();
    assigned.sort_unstable();
    short.sort_by_key(|x| x.proposal);
    Draw { assigned, short }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slot(p: i64, topic: &str) -> Slot {
        Slot {
            proposal: p,
            topic: topic.into(),
            existing: vec![],
        }
    }

    fn expert(r: i64, topics: &[&str]) -> Expert {
        Expert {
            reviewer: r,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            load: 0,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_draw_and_loads_are_balanced() {
        let slots: Vec<Slot> = (0..30)
            .map(|p| slot(p, ["AI", "AR", "VR"][p as usize % 3]))
            .collect();
        let experts: Vec<Expert> = (0..15)
            .map(|r| expert(100 + r, &[["AI", "AR", "VR"][r as usize % 3]]))
            .collect();
        let a = draw(&slots, &experts, &HashSet::new(), 3, 10, 7);
        assert_eq!(a, draw(&slots, &experts, &HashSet::new(), 3, 10, 7));
        assert!(a.short.is_empty());
        assert_eq!(a.assigned.len(), 90);
        let mut loads: HashMap<i64, u32> = HashMap::new();
        for (_, r) in &a.assigned {
            *loads.entry(*r).or_default() += 1;
        }
        // 10 proposals × 3 reviews per topic, 5 reviewers per topic: 6 each.
        assert!(loads.values().all(|&l| l == 6), "{loads:?}");
    }

    #[test]
    fn a_conflicted_reviewer_is_never_drawn_and_shortfalls_say_why() {
        let slots = vec![slot(1, "AI"), slot(2, "QC"), slot(3, "VR")];
        let experts = vec![
            expert(10, &["AI"]),
            expert(11, &["AI"]),
            expert(12, &["VR"]),
        ];
        let conflicts = HashSet::from([(11, 1), (12, 3)]);
        let d = draw(&slots, &experts, &conflicts, 2, 5, 1);
        assert_eq!(d.assigned, vec![(1, 10)]);
        assert_eq!(
            d.short,
            vec![
                Shortfall {
                    proposal: 1,
                    missing: 1,
                    reason: ShortReason::AllConflicted
                },
                Shortfall {
                    proposal: 2,
                    missing: 2,
                    reason: ShortReason::NoExpertise
                },
                Shortfall {
                    proposal: 3,
                    missing: 2,
                    reason: ShortReason::AllConflicted
                },
            ]
        );
        let capped = draw(
            &[slot(1, "AI"), slot(2, "AI")],
            &[expert(10, &["AI"])],
            &HashSet::new(),
            1,
            1,
            3,
        );
        assert_eq!(capped.short[0].reason, ShortReason::CapsReached);
    }

    #[test]
    fn reviewers_are_moved_when_greed_would_leave_a_proposal_short() {
        // Proposal 2 can only be served by reviewer 10; proposal 1 by 10 or 11. With cap 1 a
        // greedy draw that gives 10 to proposal 1 must be repaired.
        let slots = vec![slot(1, "AI"), slot(2, "AR")];
        let experts = vec![expert(10, &["AI", "AR"]), expert(11, &["AI"])];
        for seed in 0..20 {
            let d = draw(&slots, &experts, &HashSet::new(), 1, 1, seed);
            assert!(d.short.is_empty(), "seed {seed}: {d:?}");
            assert_eq!(d.assigned, vec![(1, 11), (2, 10)]);
        }
    }

    /// An independent maximum flow (Edmonds–Karp on a dense matrix) for small instances.
    fn max_flow(
        slots: &[Slot],
        experts: &[Expert],
        conflicted: &HashSet<(i64, i64)>,
        need: u32,
        cap: u32,
    ) -> u32 {
        let (ns, ne) = (slots.len(), experts.len());
        let n = ns + ne + 2;
        let (src, sink) = (n - 2, n - 1);
        let mut c = vec![vec![0i64; n]; n];
        for (s, sl) in slots.iter().enumerate() {
            c[src][s] = i64::from(need);
            for (e, ex) in experts.iter().enumerate() {
                if ex.topics.contains(&sl.topic)
                    && !conflicted.contains(&(ex.reviewer, sl.proposal))
                {
                    c[s][ns + e] = 1;
                }
            }
        }
        for e in 0..ne {
            c[ns + e][sink] = i64::from(cap);
        }
        let mut flow = 0;
        loop {
            let mut prev = vec![usize::MAX; n];
            prev[src] = src;
            let mut q = VecDeque::from([src]);
            while let Some(u) = q.pop_front() {
                for v in 0..n {
                    if prev[v] == usize::MAX && c[u][v] > 0 {
                        prev[v] = u;
                        q.push_back(v);
                    }
                }
            }
            if prev[sink] == usize::MAX {
                return flow;
            }
            let mut v = sink;
            while v != src {
                let u = prev[v];
                c[u][v] -= 1;
                c[v][u] += 1;
                v = u;
            }
            flow += 1;
        }
    }

    proptest! {
        #[test]
        fn draws_respect_conflicts_and_caps_and_reach_the_maximum(
            topics in proptest::collection::vec(0usize..3, 1..25),
            pool in proptest::collection::vec(proptest::collection::vec(0usize..3, 1..3), 1..12),
            conflicts in proptest::collection::vec((0usize..12, 0usize..25), 0..30),
            need in 1u32..4,
            cap in 1u32..6,
            seed in any::<u64>(),
        ) {
            let names = ["AI", "AR", "VR"];
            let slots: Vec<Slot> = topics.iter().enumerate().map(|(p, &t)| slot(p as i64, names[t])).collect();
            let experts: Vec<Expert> = pool
                .iter()
                .enumerate()
                .map(|(r, ts)| expert(100 + r as i64, &ts.iter().map(|&t| names[t]).collect::<Vec<_>>()))
                .collect();
            let conflicted: HashSet<(i64, i64)> = conflicts
                .iter()
                .filter(|(r, p)| *r < experts.len() && *p < slots.len())
                .map(|&(r, p)| (100 + r as i64, p as i64))
                .collect();
            let d = draw(&slots, &experts, &conflicted, need, cap, seed);
            let mut loads: HashMap<i64, u32> = HashMap::new();
            let mut pairs = HashSet::new();
            for &(p, r) in &d.assigned {
                prop_assert!(!conflicted.contains(&(r, p)), "conflicted pair ({}, {})", r, p);
                prop_assert!(pairs.insert((p, r)), "pair drawn twice");
                let e = experts.iter().find(|e| e.reviewer == r).expect("drawn from the pool");
                prop_assert!(e.topics.contains(&slots[p as usize].topic), "expertise");
                *loads.entry(r).or_default() += 1;
            }
            prop_assert!(loads.values().all(|&l| l <= cap), "cap exceeded: {:?}", loads);
            let mut per: HashMap<i64, u32> = HashMap::new();
            for &(p, _) in &d.assigned {
                *per.entry(p).or_default() += 1;
            }
            prop_assert!(per.values().all(|&n| n <= need));
            let best = max_flow(&slots, &experts, &conflicted, need, cap);
            prop_assert_eq!(d.assigned.len() as u32, best, "not a maximum assignment");
            let missing: u32 = d.short.iter().map(|s| s.missing).sum();
            prop_assert_eq!(missing, need * slots.len() as u32 - best);
        }
    }
}
