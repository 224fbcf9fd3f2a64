//! Per-host politeness: one `governor` limiter per host:port, shared by every
//! site that lives on that host and by redirects that land there.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

struct HostPace {
    interval: Duration,
    limiter: Arc<DefaultDirectRateLimiter>,
    /// When the last request it let through went.
    last: Instant,
}

impl HostPace {
    /// Nothing waits on it and its interval has passed since the last
    /// request: a fresh limiter would let the next one through as soon, so
    /// forgetting it changes no pace.
    fn idle(&self, now: Instant) -> bool {
        Arc::strong_count(&self.limiter) == 1 && now.saturating_duration_since(self.last) > self.interval
    }
}

/// Hosts kept before the idle ones are looked for.
const PRUNE_FROM: usize = 256;

#[derive(Default)]
pub struct HostLimits {
    hosts: Mutex<Hosts>,
}

#[derive(Default)]
struct Hosts {
    map: HashMap<String, HostPace>,
    /// Look for idle hosts once the map is this large: a pass over a
    /// province meets every host once, and the limiters of hosts whose
    /// crawls are done would otherwise pile up until the pass ends
    /// (issue 14: memory follows the sites in flight, not the registry).
    prune_at: usize,
}

fn limiter(interval: Duration) -> DefaultDirectRateLimiter {
    let quota = Quota::with_period(interval.max(Duration::from_micros(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::MIN);
    RateLimiter::direct(quota)
}

impl HostLimits {
    /// Wait until `host` may be sent another request at no faster than one per
    /// `interval`. A stricter interval (a per-site override or a robots.txt
    /// `Crawl-delay`) replaces a looser one and never the other way round.
    pub async fn until_ready(&self, host: &str, interval: Duration) {
        let (lim, fresh) = {
            let mut hosts = self.lock();
            match hosts.map.get(host) {
                Some(p) if p.interval >= interval => (p.limiter.clone(), false),
                existing => {
                    // Replacing a limiter that has just let a request through
                    // must not grant a free burst: the new one starts "used".
                    let had_one = existing.is_some();
                    let lim = Arc::new(limiter(interval));
                    hosts.map.insert(
                        host.to_string(),
                        HostPace {
                            interval,
                            limiter: lim.clone(),
                            last: Instant::now(),
                        },
                    );
                    if hosts.map.len() >= hosts.prune_at.max(PRUNE_FROM) {
                        let now = Instant::now();
                        hosts.map.retain(|_, p| !p.idle(now));
                        hosts.prune_at = hosts.map.len() * 2;
                    }
                    (lim, had_one)
                }
            }
        };
        if fresh {
            lim.until_ready().await;
        }
        lim.until_ready().await;
        if let Some(p) = self.lock().map.get_mut(host).filter(|p| Arc::ptr_eq(&p.limiter, &lim)) {
            p.last = Instant::now();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Hosts> {
        match self.hosts.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Forget hosts after a pass so a province's worth of limiters is not kept forever.
    pub fn clear(&self) {
        *self.lock() = Hosts::default();
    }

    #[cfg(test)]
    fn hosts(&self) -> usize {
        self.lock().map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn paces_requests_per_host() {
        let l = HostLimits::default();
        let t = Instant::now();
        for _ in 0..3 {
            l.until_ready("a:80", Duration::from_millis(50)).await;
        }
        // Another host is not slowed by the first.
        l.until_ready("b:80", Duration::from_millis(50)).await;
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(95), "{took:?}");
    }

    #[tokio::test]
    async fn stricter_interval_takes_over_without_burst() {
        let l = HostLimits::default();
        l.until_ready("a:80", Duration::from_millis(10)).await;
        let t = Instant::now();
        l.until_ready("a:80", Duration::from_millis(80)).await;
        assert!(t.elapsed() >= Duration::from_millis(70), "{:?}", t.elapsed());
    }

    #[tokio::test]
    async fn limiters_of_idle_hosts_are_forgotten_during_a_pass() {
        let l = HostLimits::default();
        let pace = Duration::from_millis(1);
        for i in 0..PRUNE_FROM * 4 {
            l.until_ready(&format!("h{i}:80"), pace).await;
            if i % 64 == 0 {
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        l.until_ready("last:80", pace).await;
        assert!(l.hosts() < PRUNE_FROM * 2, "{} hosts kept", l.hosts());
    }

    #[tokio::test]
    async fn a_host_within_its_interval_is_not_forgotten() {
        let l = HostLimits::default();
        let slow = Duration::from_millis(300);
        l.until_ready("slow:80", slow).await;
        for i in 0..PRUNE_FROM * 2 {
            l.until_ready(&format!("h{i}:80"), Duration::from_micros(1)).await;
        }
        // Pruned meanwhile, it would answer at once.
        let t = Instant::now();
        l.until_ready("slow:80", slow).await;
        assert!(t.elapsed() >= Duration::from_millis(100), "{:?}", t.elapsed());
    }
}
