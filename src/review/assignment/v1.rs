//! The draw as it was until #17 (a full scan of the topic's pool for every proposal and a
//! breadth-first search with hash maps), kept for the tests: the new draw must keep every
//! guarantee this one gave, on the same random instances.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Draw, Expert, ShortReason, Shortfall, Slot, mix};

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
pub(super) fn draw(
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
