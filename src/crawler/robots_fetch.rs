//! robots.txt for one crawl (RFC 9309): the kept copy while it is fresh,
//! else a conditional request, else the whole file.

use std::time::Duration;

use url::Url;

use super::fetch::Fetcher;
use super::robots::{MAX_ROBOTS_BYTES, Robots};
use super::{CachedRobots, PageCache, RobotsOutcome, RobotsStatus, charset};
use crate::model::{FailureKind, FetchFailure, vn_now};

/// RFC 9309 §2.4: a robots.txt may be used this long without asking again.
const ROBOTS_FRESH_SECS: i64 = 24 * 3600;

/// What [`fetch_robots`] found, with the requests it took.
pub(super) struct RobotsFetch {
    pub(super) outcome: RobotsOutcome,
    pub(super) robots: Robots,
    pub(super) failure: Option<FetchFailure>,
    pub(super) requests: u32,
    pub(super) bytes: u64,
    /// Answered 304 to the kept validators.
    pub(super) not_modified: bool,
}

/// robots.txt for `home`: the kept copy while it is under 24 hours old,
/// else asked for with the kept validators (a 304 renews the copy), else in
/// full. 2xx and 4xx answers are kept; 5xx and failures never are, so the
/// next crawl asks again.
pub(super) async fn fetch_robots(fetcher: &Fetcher, home: &Url, interval: Duration, cache: &dyn PageCache) -> RobotsFetch {
    let url = home.join("/robots.txt").unwrap_or_else(|_| home.clone());
    let done = |status, robots: Robots, failure: Option<FetchFailure>, requests, bytes, not_modified| RobotsFetch {
        outcome: RobotsOutcome {
            url: url.to_string(),
            home_allowed: failure.is_none() && robots.allowed(home),
            status,
            crawl_delay: robots.crawl_delay,
            rule_line: robots.disallows.first().map(|d| format!("Disallow: {d}")),
        },
        robots,
        failure,
        requests,
        bytes,
        not_modified,
    };
    let from_kept = |kept: &CachedRobots| {
        if (200..300).contains(&kept.status) {
            (RobotsStatus::Parsed, Robots::parse(&kept.body))
        } else {
            (RobotsStatus::Missing(kept.status), Robots::allow_all())
        }
    };
    let now = vn_now().timestamp();
    let kept = cache.robots(url.as_str());
    if let Some(k) = &kept
        && (0..ROBOTS_FRESH_SECS).contains(&(now - k.fetched_at))
    {
        let (status, robots) = from_kept(k);
        return done(status, robots, None, 0, 0, false);
    }
    // Only a kept text can answer a 304, and only validators the server
    // gave can earn one.
    let kept = kept.filter(|k| (200..300).contains(&k.status) && (k.validators.etag.is_some() || k.validators.last_modified.is_some()));
    let resp = fetcher
        .get(&url, kept.as_ref().map(|k| &k.validators), interval, MAX_ROBOTS_BYTES)
        .await;
    if let (Ok(r), Some(mut k)) = (&resp, kept)
        && r.not_modified()
    {
        k.fetched_at = now;
        cache.remember_robots(url.as_str(), &k);
        let (status, robots) = from_kept(&k);
        return done(status, robots, None, r.requests, 0, true);
    }
    match resp {
        Ok(r) if (200..300).contains(&r.status) => {
            let text = charset::decode_text(&r.body, r.content_type.as_deref());
            let robots = Robots::parse(&text);
            cache.remember_robots(
                url.as_str(),
                &CachedRobots {
                    status: r.status,
                    body: text,
                    validators: r.validators.clone(),
                    fetched_at: now,
                },
            );
            done(RobotsStatus::Parsed, robots, None, r.requests, r.body.len() as u64, false)
        }
        Ok(r) if (400..500).contains(&r.status) => {
            cache.remember_robots(
                url.as_str(),
                &CachedRobots {
                    status: r.status,
                    body: String::new(),
                    validators: Default::default(),
                    fetched_at: now,
                },
            );
            done(
                RobotsStatus::Missing(r.status),
                Robots::allow_all(),
                None,
                r.requests,
                r.body.len() as u64,
                false,
            )
        }
        Ok(r) => {
            // RFC 9309 §2.3.1.4: a server error means "disallow everything".
            // A server that cannot serve robots.txt is failing, so the home
            // page is reported with that status rather than as merely blocked.
            let f = FetchFailure {
                kind: FailureKind::HttpStatus,
                status: Some(r.status),
                detail: format!(
                    "{url} trả về mã HTTP {}; theo RFC 9309 không được tải gì thêm nên chưa yêu cầu trang chủ",
                    r.status
                ),
            };
            done(
                RobotsStatus::Unavailable(f.clone()),
                Robots::deny_all(),
                Some(f),
                r.requests,
                r.body.len() as u64,
                false,
            )
        }
        Err(f) => done(RobotsStatus::Unavailable(f.clone()), Robots::deny_all(), Some(f), 1, 0, false),
    }
}
