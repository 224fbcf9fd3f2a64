//! Issue 14 item 2: no request whose answer is already known. A second
//! crawl of an unchanged site asks only conditionally and gets 304 for
//! everything that answered 200; robots.txt is not asked at all within 24
//! hours (RFC 9309 §2.4) and conditionally after; a sitemap or feed that
//! answered 404/410 is not asked again until `missing_recheck` has passed.

mod support;

use std::collections::HashMap;

use bytes::Bytes;
use sitewarden::crawler::{CachedPage, CachedRobots, Fetcher, Missing, PageCache, SiteCrawl, crawl_site};
use sitewarden::fixtures::{self, FixtureSet, RunningFixtures, Seen, ServerSettings, SiteFiles};
use sitewarden::registry::Site;
use sitewarden::store::Store;
use support::{config, site};
use tokio::sync::watch;

/// A portal whose robots.txt names one sitemap that is there and one that
/// is gone, and whose home page links one feed that is there and one gone.
fn portal() -> FixtureSet {
    let mut files = HashMap::new();
    files.insert(
        "/robots.txt".to_string(),
        Bytes::from("User-agent: *\nDisallow: /private/\nSitemap: /sitemap-present.xml\nSitemap: /sitemap-gone.xml\n"),
    );
    files.insert(
        "/index.html".to_string(),
        Bytes::from(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>UBND xã</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.rss\">\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed-gone.rss\"></head>\
             <body><h1>UBND xã</h1><a href=\"/tin-tuc/\">Tin tức</a>\
             <footer>Cổng thông tin điện tử UBND xã. Email: ubnd@example.gov.vn. ĐT: 0273 3873 333</footer></body></html>",
        ),
    );
    files.insert(
        "/tin-tuc/index.html".to_string(),
        Bytes::from("<!doctype html><html><head><meta charset=\"utf-8\"><title>Tin tức</title></head><body><h1>Tin tức</h1></body></html>"),
    );
    files.insert(
        "/sitemap-present.xml".to_string(),
        Bytes::from("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"></urlset>"),
    );
    files.insert(
        "/feed.rss".to_string(),
        Bytes::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Tin</title><link>/</link></channel></rss>"),
    );
    let mut set = FixtureSet::default();
    set.sites.insert(
        "portal".into(),
        SiteFiles {
            files,
            settings: ServerSettings::default(),
        },
    );
    set
}

fn since(running: &RunningFixtures, before: usize) -> Vec<Seen> {
    running.requests().into_iter().skip(before).collect()
}

fn paths(seen: &[Seen]) -> Vec<(String, u16, bool)> {
    seen.iter().map(|r| (r.path.clone(), r.status, r.conditional)).collect()
}

fn failed_urls(c: &SiteCrawl) -> Vec<(String, Option<u16>)> {
    let mut v: Vec<_> = c.failures.iter().map(|(u, f)| (u.clone(), f.status)).collect();
    v.sort();
    v
}

async fn setup() -> (RunningFixtures, Site, std::sync::Arc<Fetcher>, tempfile::TempDir, Store) {
    let running = fixtures::serve(&portal()).await.expect("fixture server");
    let base = running.base("portal").expect("base");
    let mut s = site("portal", &format!("{base}/"));
    s.per_host_rate = None;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("db"), 4 << 20).expect("store");
    (running, s, fetcher, dir, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_crawl_asks_nothing_whose_answer_is_known() {
    let (running, s, fetcher, _dir, store) = setup().await;
    let (_tx, rx) = watch::channel(false);

    let first = crawl_site(fetcher.clone(), &s, &store, rx.clone()).await;
    assert_eq!(first.home, Ok(()));
    let first_seen = since(&running, 0);
    let asked = |seen: &[Seen], p: &str| seen.iter().filter(|r| r.path == p).count();
    // The first crawl did meet every case.
    for (p, st) in [
        ("/robots.txt", 200),
        ("/sitemap-present.xml", 200),
        ("/sitemap-gone.xml", 404),
        ("/feed.rss", 200),
        ("/feed-gone.rss", 404),
    ] {
        assert!(
            first_seen.iter().any(|r| r.path == p && r.status == st),
            "{p} not answered {st} in the first crawl: {:?}",
            paths(&first_seen)
        );
    }

    let before = running.requests().len();
    let second = crawl_site(fetcher, &s, &store, rx).await;
    assert_eq!(second.home, Ok(()));
    let again = since(&running, before);
    assert_eq!(
        asked(&again, "/robots.txt"),
        0,
        "robots.txt asked again within 24 h: {:?}",
        paths(&again)
    );
    assert_eq!(
        asked(&again, "/sitemap-gone.xml"),
        0,
        "a missing sitemap asked again: {:?}",
        paths(&again)
    );
    assert_eq!(
        asked(&again, "/feed-gone.rss"),
        0,
        "a missing feed asked again: {:?}",
        paths(&again)
    );
    assert!(!again.is_empty());
    assert!(
        again.iter().all(|r| r.conditional && r.status == 304),
        "every re-request conditional and answered 304: {:?}",
        paths(&again)
    );
    assert_eq!(second.not_modified as usize, again.len());
    assert_eq!(second.requests as usize, again.len());
    assert!(
        second.requests < first.requests,
        "{} requests, first {}",
        second.requests,
        first.requests
    );
    // What the rules read is the same: robots, the pages, the missing feed.
    assert_eq!(second.robots, first.robots);
    assert_eq!(failed_urls(&second), failed_urls(&first));
    let urls = |c: &SiteCrawl| {
        let mut v: Vec<String> = c.pages.iter().map(|p| p.url.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(urls(&second), urls(&first));
}

/// The store as it would read 25 hours and 8 days later: its robots.txt
/// older than a day, its missing sitemaps and feeds older than a week.
struct Later<'a>(&'a Store);

impl PageCache for Later<'_> {
    fn cached(&self, url: &str) -> Option<CachedPage> {
        self.0.cached(url)
    }
    fn remember(&self, url: &str, page: &CachedPage, content_hash: u64) {
        self.0.remember(url, page, content_hash)
    }
    fn robots(&self, url: &str) -> Option<CachedRobots> {
        self.0.robots(url).map(|r| CachedRobots {
            fetched_at: r.fetched_at - 25 * 3600,
            ..r
        })
    }
    fn remember_robots(&self, url: &str, robots: &CachedRobots) {
        self.0.remember_robots(url, robots)
    }
    fn missing(&self, url: &str) -> Option<Missing> {
        self.0.missing(url).map(|m| Missing {
            since: m.since - 8 * 86_400,
            ..m
        })
    }
    fn remember_missing(&self, url: &str, missing: Option<Missing>) {
        self.0.remember_missing(url, missing)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_day_robots_is_asked_conditionally_and_after_a_week_missing_ones_again() {
    let (running, s, fetcher, _dir, store) = setup().await;
    let (_tx, rx) = watch::channel(false);
    let first = crawl_site(fetcher.clone(), &s, &store, rx.clone()).await;
    assert_eq!(first.home, Ok(()));

    let before = running.requests().len();
    let later = crawl_site(fetcher.clone(), &s, &Later(&store), rx.clone()).await;
    assert_eq!(later.home, Ok(()));
    let again = since(&running, before);
    let robots: Vec<_> = again.iter().filter(|r| r.path == "/robots.txt").collect();
    assert_eq!(robots.len(), 1, "{:?}", paths(&again));
    assert!(robots.iter().all(|r| r.conditional && r.status == 304), "{:?}", paths(&again));
    assert_eq!(later.robots, first.robots);
    // A week on, the missing ones are asked again, and are still missing.
    for p in ["/sitemap-gone.xml", "/feed-gone.rss"] {
        assert!(
            again.iter().any(|r| r.path == p && r.status == 404 && !r.conditional),
            "{p} not asked again after a week: {:?}",
            paths(&again)
        );
    }
    // Everything that answered 200 before answers 304 now.
    assert!(
        again.iter().filter(|r| r.status != 404).all(|r| r.conditional && r.status == 304),
        "{:?}",
        paths(&again)
    );
    assert_eq!(failed_urls(&later), failed_urls(&first));

    // The 304 renewed the kept robots.txt: within the day again, not asked.
    let before = running.requests().len();
    let third = crawl_site(fetcher, &s, &store, rx).await;
    assert_eq!(third.home, Ok(()));
    let again = since(&running, before);
    assert!(again.iter().all(|r| r.path != "/robots.txt"), "{:?}", paths(&again));
    // The missing ones were just asked again: not for another week.
    assert!(again.iter().all(|r| r.status == 304), "{:?}", paths(&again));
}
