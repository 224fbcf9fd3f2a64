//! Per-host politeness: one `governor` limiter per host:port, shared by every
//! site that lives on that host and by redirects that land there.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

struct HostPace {
    interval: Duration,
    limiter: Arc<DefaultDirectRateLimiter>,
}

#[derive(Default)]
pub struct HostLimits {
    hosts: Mutex<HashMap<String, HostPace>>,
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
            let mut hosts = match self.hosts.lock() {
                Ok(h) => h,
                Err(poisoned) => poisoned.into_inner(),
            };
            match hosts.get(host) {
                Some(p) if p.interval >= interval => (p.limiter.clone(), false),
                existing => {
                    // Replacing a limiter that has just let a request through
                    // must not grant a free burst: the new one starts "used".
                    let had_one = existing.is_some();
                    let lim = Arc::new(limiter(interval));
                    hosts.insert(
                        host.to_string(),
                        HostPace {
                            interval,
                            limiter: lim.clone(),
                        },
                    );
                    (lim, had_one)
                }
            }
        };
        if fresh {
            lim.until_ready().await;
        }
        lim.until_ready().await;
    }

    /// Forget hosts after a pass so a province's worth of limiters is not kept forever.
    pub fn clear(&self) {
        if let Ok(mut h) = self.hosts.lock() {
            h.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

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
}
