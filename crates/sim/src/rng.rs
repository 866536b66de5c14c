//! The simulator's only source of randomness: a seeded xoshiro256** generator.
//!
//! Every stream of the simulation (the world, each account/region/5-minute slice of background,
//! each injected attack, file names, the in-file shuffle) gets its own generator derived from the
//! run seed and the stream's coordinates with [`Rng::derive`], so a stream's output never depends
//! on how much randomness another stream consumed: the background is the same with or without
//! attacks, and the records are the same in both output layouts.

/// SplitMix64 step: the finaliser used to seed xoshiro and to hash stream coordinates.
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes a list of integers into one well-spread 64-bit value.
pub(crate) fn mix(parts: &[u64]) -> u64 {
    let mut state = 0x6A09_E667_F3BC_C909u64;
    let mut out = splitmix(&mut state);
    for &p in parts {
        state ^= p.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        out ^= splitmix(&mut state);
    }
    out
}

/// xoshiro256** (Blackman and Vigna, <https://prng.di.unimi.it/>).
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded from one value through SplitMix64 (never all-zero state).
    pub(crate) fn new(seed: u64) -> Rng {
        let mut st = seed;
        let s = [
            splitmix(&mut st),
            splitmix(&mut st),
            splitmix(&mut st),
            splitmix(&mut st),
        ];
        Rng { s }
    }

    /// The generator of the stream at `coords` of the run seeded with `seed`.
    pub(crate) fn derive(seed: u64, coords: &[u64]) -> Rng {
        let mut all = Vec::with_capacity(coords.len() + 1);
        all.push(seed);
        all.extend_from_slice(coords);
        Rng::new(mix(&all))
    }

    /// The next 64 random bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` (`0` when `n` is 0), by Lemire's multiply-high reduction.
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A uniform index into a collection of `len` items (`0` when empty).
    #[inline]
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A uniform integer in `lo..=hi`.
    #[inline]
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// A uniform float in `[0, 1)` with 53 bits of precision.
    #[inline]
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    #[inline]
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item of a non-empty slice, uniformly.
    ///
    /// Every table the simulator picks from is built non-empty (see `world.rs` and the static
    /// catalogues), so the index is always in bounds; an empty slice would be a programming error
    /// caught by the tests.
    #[inline]
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.index(items.len());
        &items[i]
    }
}

/// A weighted choice over a fixed table, by binary search over cumulative weights.
#[derive(Clone, Debug)]
pub(crate) struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T> Weighted<T> {
    /// A table from `(item, weight)` pairs; zero weights are dropped.
    pub(crate) fn new(pairs: impl IntoIterator<Item = (T, u64)>) -> Weighted<T> {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0u64;
        for (item, w) in pairs {
            if w == 0 {
                continue;
            }
            total += w;
            items.push(item);
            cumulative.push(total);
        }
        Weighted { items, cumulative }
    }

    /// The sum of the weights.
    pub(crate) fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Whether the table has no item.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Items and their weights.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&T, u64)> {
        let mut prev = 0;
        self.items
            .iter()
            .zip(self.cumulative.iter())
            .map(move |(item, &c)| {
                let w = c - prev;
                prev = c;
                (item, w)
            })
    }

    /// One item, with probability proportional to its weight. The table must not be empty.
    #[inline]
    pub(crate) fn pick(&self, rng: &mut Rng) -> &T {
        let x = rng.below(self.total());
        let i = self.cumulative.partition_point(|&c| c <= x);
        // `x < total` so some cumulative value exceeds it: `i < len`.
        &self.items[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_different_seeds_differ() {
        let cases: [(u64, u64, bool); 3] = [(1, 1, true), (1, 2, false), (0, u64::MAX, false)];
        for (a, b, same) in cases {
            let xs: Vec<u64> = {
                let mut r = Rng::new(a);
                (0..8).map(|_| r.next_u64()).collect()
            };
            let ys: Vec<u64> = {
                let mut r = Rng::new(b);
                (0..8).map(|_| r.next_u64()).collect()
            };
            assert_eq!(xs == ys, same, "seeds {a} {b}");
        }
    }

    #[test]
    fn derived_streams_are_independent_of_each_other() {
        let mut a = Rng::derive(7, &[1, 2]);
        let mut b = Rng::derive(7, &[1, 3]);
        let mut c = Rng::derive(7, &[1, 2]);
        assert_ne!(a.next_u64(), b.next_u64());
        let _ = b.next_u64();
        assert_eq!(Rng::derive(7, &[1, 2]).next_u64(), c.next_u64());
    }

    #[test]
    fn below_and_range_stay_in_bounds() {
        let mut r = Rng::new(3);
        for n in [1u64, 2, 3, 10, 1000, u64::MAX] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
        for _ in 0..1000 {
            let x = r.range(5, 9);
            assert!((5..=9).contains(&x));
        }
    }

    #[test]
    fn weighted_follows_weights() {
        let table = Weighted::new([("a", 1), ("skip", 0), ("b", 3)]);
        assert_eq!(table.total(), 4);
        assert_eq!(
            table.entries().map(|(i, w)| (*i, w)).collect::<Vec<_>>(),
            vec![("a", 1), ("b", 3)]
        );
        let mut r = Rng::new(11);
        let n = 40_000;
        let b = (0..n).filter(|_| *table.pick(&mut r) == "b").count();
        let share = b as f64 / n as f64;
        assert!((share - 0.75).abs() < 0.02, "{share}");
    }

    #[test]
    fn unit_is_in_range_and_roughly_uniform() {
        let mut r = Rng::new(5);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = r.unit();
            assert!((0.0..1.0).contains(&x));
            sum += x;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.01);
    }
}
