//! Pairwise covering arrays with "don't care" cells: every pair of levels
//! of two factors in the same group appears together in some row where both
//! factors matter, so a variant that only breaks in combination with one
//! other choice is built at least once, without the full product.
//!
//! Which factors matter in a row depends only on a few gate factors (the
//! kind of site, where its dates come from, ...): a pair is required only
//! when some setting of the gates makes both of its factors matter.

/// A small deterministic generator (xorshift64*): the matrix must be the
/// same on every run, and the tests have no `rand`.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

pub struct Model {
    /// Number of levels of each factor.
    pub levels: Vec<usize>,
    /// Factors whose pairs must be covered, group by group.
    pub groups: Vec<Vec<usize>>,
    /// The factors `relevant` reads; it must read no other.
    pub gates: Vec<usize>,
    /// Whether factor `f` matters in `row`.
    pub relevant: fn(&[usize], usize) -> bool,
}

struct PairSet {
    f: usize,
    g: usize,
    /// Index a * levels[g] + b: still to cover.
    open: Vec<bool>,
}

impl Model {
    fn gate_rows(&self) -> Vec<Vec<usize>> {
        let mut rows = vec![vec![0; self.levels.len()]];
        for &gate in &self.gates {
            let mut next = Vec::new();
            for row in &rows {
                for v in 0..self.levels[gate] {
                    let mut r = row.clone();
                    r[gate] = v;
                    next.push(r);
                }
            }
            rows = next;
        }
        rows
    }

    /// The pairs to cover: only those some gate setting makes matter.
    fn required(&self) -> Vec<PairSet> {
        let gate_rows: Vec<(Vec<usize>, u64)> = self
            .gate_rows()
            .into_iter()
            .map(|r| {
                let m = self.mask(&r);
                (r, m)
            })
            .collect();
        let is_gate = |f: usize| self.gates.contains(&f);
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for group in &self.groups {
            for (i, &f) in group.iter().enumerate() {
                for &g in group.iter().skip(i + 1) {
                    let (f, g) = (f.min(g), f.max(g));
                    if f == g || !seen.insert((f, g)) {
                        continue;
                    }
                    let mut open = vec![false; self.levels[f] * self.levels[g]];
                    for a in 0..self.levels[f] {
                        for b in 0..self.levels[g] {
                            open[a * self.levels[g] + b] = gate_rows.iter().any(|(r, m)| {
                                (!is_gate(f) || r[f] == a) && (!is_gate(g) || r[g] == b) && m & (1 << f) != 0 && m & (1 << g) != 0
                            });
                        }
                    }
                    out.push(PairSet { f, g, open });
                }
            }
        }
        out
    }

    /// Which factors matter in `row`, as a bit mask (gates decide it).
    fn mask(&self, row: &[usize]) -> u64 {
        (0..self.levels.len())
            .filter(|&f| (self.relevant)(row, f))
            .fold(0, |m, f| m | 1 << f)
    }

    /// Rows covering every required pair, then random rows up to
    /// `min_rows`; also how many rows the covering itself took.
    pub fn generate(&self, seed: u64, min_rows: usize) -> (Vec<Vec<usize>>, usize) {
        let mut rng = Rng::new(seed);
        let mut pairs = self.required();
        let n = self.levels.len();
        let mut by_factor: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in pairs.iter().enumerate() {
            by_factor[p.f].push(i);
            by_factor[p.g].push(i);
        }
        let mut rows: Vec<Vec<usize>> = Vec::new();
        const CANDIDATES: usize = 12;
        loop {
            let open: Vec<(usize, usize)> = pairs
                .iter()
                .enumerate()
                .flat_map(|(i, p)| p.open.iter().enumerate().filter(|(_, o)| **o).map(move |(k, _)| (i, k)))
                .collect();
            if open.is_empty() {
                break;
            }
            let mut best: Option<(usize, Vec<usize>)> = None;
            for _ in 0..CANDIDATES {
                // Start from an open pair so every row makes progress.
                let (pi, k) = open[rng.below(open.len())];
                let p = &pairs[pi];
                let mut row = vec![0; n];
                let mut assigned = vec![false; n];
                row[p.f] = k / self.levels[p.g];
                row[p.g] = k % self.levels[p.g];
                assigned[p.f] = true;
                assigned[p.g] = true;
                // Gates at random until the seed pair matters.
                let mut tries = 0;
                loop {
                    for &gate in &self.gates {
                        if gate != p.f && gate != p.g {
                            row[gate] = rng.below(self.levels[gate]);
                        }
                    }
                    tries += 1;
                    if ((self.relevant)(&row, p.f) && (self.relevant)(&row, p.g)) || tries > 200 {
                        break;
                    }
                }
                for &gate in &self.gates {
                    assigned[gate] = true;
                }
                let mask = self.mask(&row);
                let matters = |f: usize| mask & (1 << f) != 0;
                // The other factors greedily, in random order.
                let mut order: Vec<usize> = (0..n).filter(|f| !assigned[*f]).collect();
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i + 1));
                }
                for f in order {
                    assigned[f] = true;
                    let mut best_v = rng.below(self.levels[f]);
                    if matters(f) {
                        let mut best_gain = None;
                        let start = rng.below(self.levels[f]);
                        for off in 0..self.levels[f] {
                            let v = (start + off) % self.levels[f];
                            let g = by_factor[f]
                                .iter()
                                .map(|&pi| &pairs[pi])
                                .filter(|p| {
                                    let other = if p.f == f { p.g } else { p.f };
                                    assigned[other] && matters(other)
                                })
                                .filter(|p| {
                                    let (a, b) = if p.f == f { (v, row[p.g]) } else { (row[p.f], v) };
                                    p.open[a * self.levels[p.g] + b]
                                })
                                .count();
                            if best_gain.is_none_or(|b| g > b) {
                                best_gain = Some(g);
                                best_v = v;
                            }
                        }
                    }
                    row[f] = best_v;
                }
                let g = pairs
                    .iter()
                    .filter(|p| matters(p.f) && matters(p.g) && p.open[row[p.f] * self.levels[p.g] + row[p.g]])
                    .count();
                if best.as_ref().is_none_or(|(b, _)| g > *b) {
                    best = Some((g, row));
                }
            }
            let Some((_, row)) = best else { break };
            let mask = self.mask(&row);
            for p in &mut pairs {
                if mask & (1 << p.f) != 0 && mask & (1 << p.g) != 0 {
                    let k = row[p.f] * self.levels[p.g] + row[p.g];
                    p.open[k] = false;
                }
            }
            rows.push(row);
        }
        let covering = rows.len();
        while rows.len() < min_rows {
            rows.push(self.levels.iter().map(|&l| rng.below(l)).collect());
        }
        (rows, covering)
    }
}
