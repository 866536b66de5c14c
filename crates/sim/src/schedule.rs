//! When background events happen: a diurnal, weekday-weighted split of the run's events over
//! 5-minute buckets, and sorted arrival times inside a bucket generated one at a time.

use crate::clock::Civil;
use crate::rng::Rng;

/// The length of a CloudTrail delivery bucket, in seconds.
pub(crate) const BUCKET_SECS: i64 = 300;
const BUCKET_MS: i64 = BUCKET_SECS * 1000;

/// Relative activity at `t` (UTC): a night floor, a working-day peak, quieter weekends.
pub(crate) fn activity(t: i64) -> f64 {
    let c = Civil::of(t);
    let hour = f64::from(c.hour) + f64::from(c.minute) / 60.0;
    // A smooth bump centred on 13:00 UTC, half-width ~5 h, over a floor of 0.35.
    let d = (hour - 13.0) / 5.0;
    let day = 0.35 + (-d * d).exp();
    if Civil::weekday(t) >= 5 {
        day * 0.45
    } else {
        day
    }
}

/// Splits `events` over the buckets of a run in proportion to [`activity`], exactly.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    start: i64,
    buckets: u64,
    events: u64,
    total: f64,
    next: u64,
    cumulative: f64,
    allocated: u64,
}

impl Schedule {
    /// A schedule of `events` over `buckets` buckets from `start` (a bucket boundary).
    pub(crate) fn new(start: i64, buckets: u64, events: u64) -> Schedule {
        let total = (0..buckets)
            .map(|b| activity(start + b as i64 * BUCKET_SECS))
            .sum();
        Schedule {
            start,
            buckets,
            events,
            total,
            next: 0,
            cumulative: 0.0,
            allocated: 0,
        }
    }

    /// The next bucket's start time and event count, or `None` after the last.
    pub(crate) fn next_bucket(&mut self) -> Option<(i64, u64)> {
        if self.next >= self.buckets {
            return None;
        }
        let t = self.start + self.next as i64 * BUCKET_SECS;
        self.next += 1;
        self.cumulative += activity(t);
        let target = if self.next == self.buckets || self.total <= 0.0 {
            self.events
        } else {
            ((self.events as f64) * (self.cumulative / self.total))
                .round()
                .min(self.events as f64) as u64
        };
        let n = target.saturating_sub(self.allocated);
        self.allocated += n;
        Some((t, n))
    }
}

/// `n` sorted uniform arrival times in a bucket, drawn one at a time (order statistics by
/// successive minima), so a bucket's events never need to be held to be sorted.
#[derive(Clone, Debug)]
pub(crate) struct Arrivals {
    left: u64,
    x: f64,
    base_ms: i64,
}

impl Arrivals {
    /// Arrivals of `n` events in the bucket starting at `bucket_start` (seconds).
    pub(crate) fn new(bucket_start: i64, n: u64) -> Arrivals {
        Arrivals {
            left: n,
            x: 0.0,
            base_ms: bucket_start * 1000,
        }
    }

    /// The next arrival in milliseconds since the epoch, never decreasing.
    pub(crate) fn next(&mut self, rng: &mut Rng) -> Option<i64> {
        if self.left == 0 {
            return None;
        }
        // The minimum of k uniforms on [x, 1) is x + (1 - x)(1 - V^(1/k)), V uniform on (0, 1].
        let v = 1.0 - rng.unit();
        self.x += (1.0 - self.x) * (1.0 - v.powf(1.0 / self.left as f64));
        self.left -= 1;
        let offset = ((self.x * BUCKET_MS as f64) as i64).clamp(0, BUCKET_MS - 1);
        Some(self.base_ms + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_allocates_exactly_and_follows_the_day() {
        for (days, events) in [(1u64, 0u64), (1, 1), (1, 10_000), (7, 123_457), (2, 5)] {
            let buckets = days * 288;
            let start = 1_704_067_200; // 2024-01-01T00:00:00Z, a Monday
            let mut s = Schedule::new(start, buckets, events);
            let mut total = 0;
            let mut per_hour = [0u64; 24];
            let mut n_buckets = 0;
            while let Some((t, n)) = s.next_bucket() {
                assert_eq!((t - start) % BUCKET_SECS, 0);
                total += n;
                per_hour[Civil::of(t).hour as usize] += n;
                n_buckets += 1;
            }
            assert_eq!(n_buckets, buckets);
            assert_eq!(total, events);
            if events >= 10_000 {
                assert!(per_hour[13] > 2 * per_hour[2], "{per_hour:?}");
            }
        }
    }

    #[test]
    fn arrivals_are_sorted_inside_the_bucket() {
        let mut rng = Rng::new(4);
        for n in [0u64, 1, 2, 100, 10_000] {
            let mut a = Arrivals::new(1000, n);
            let mut prev = 1_000_000;
            let mut count = 0;
            let mut sum = 0.0;
            while let Some(t) = a.next(&mut rng) {
                assert!(t >= prev && t < 1_000_000 + BUCKET_MS, "{t}");
                sum += (t - 1_000_000) as f64;
                prev = t;
                count += 1;
            }
            assert_eq!(count, n);
            if n == 10_000 {
                let mean = sum / n as f64 / BUCKET_MS as f64;
                assert!((mean - 0.5).abs() < 0.02, "{mean}");
            }
        }
    }

    #[test]
    fn weekends_are_quieter() {
        let monday_noon = 1_704_110_400; // 2024-01-01T12:00:00Z
        let saturday_noon = monday_noon + 5 * 86_400;
        assert!(activity(saturday_noon) < activity(monday_noon) * 0.5);
        assert!(activity(monday_noon + 12 * 3600) < activity(monday_noon));
    }
}
