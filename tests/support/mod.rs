//! The harness of the fault tests (tests/faults.rs): sites and crawl
//! settings for loopback, the healthy fixture site, and the servers that
//! misbehave on purpose. Other test binaries may use it with `mod support;`.
//!
//! - [`raw`]: a raw-TCP HTTP server whose answers may break HTTP (drip,
//!   reset, endless bodies, garbage), and a keep-alive server that watches
//!   its connections close;
//! - [`tls`]: a normal site behind a self-signed certificate;
//! - [`gzip`]: a hand-made gzip bomb.
//!
//! Well-behaved sites are served by the library's own loopback server
//! (`sitewarden::fixtures::serve`, `serve_loopback`), not from here.

// Each test binary that says `mod support;` compiles all of this and uses a
// part of it; what one binary leaves unused is not dead for the others.
#![allow(dead_code)]

pub mod gzip;
pub mod raw;
pub mod tls;

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use sitewarden::calendar::Calendar;
use sitewarden::config::{CrawlConfig, Rate, RulesConfig};
use sitewarden::crawler::SiteCrawl;
use sitewarden::fixtures::{FixtureSet, ServerSettings, SiteFiles};
use sitewarden::model::{FailureKind, Kind, ResultRecord, vn_now};
use sitewarden::registry::Site;
use sitewarden::rules::{self, RuleContext};
use url::Url;

/// A government site registered with nothing but its home page.
pub fn site(id: &str, url: &str) -> Site {
    Site::new(id, id, Url::parse(url).expect("url"), Kind::Government)
}

/// Short timeouts and a 10-page cap; `allow_private` lets it crawl loopback.
pub fn config(allow_private: bool) -> CrawlConfig {
    CrawlConfig {
        per_host_rate: Rate {
            count: 50,
            per: Duration::from_secs(1),
        },
        max_pages_per_site: 10,
        request_timeout: Duration::from_secs(2),
        max_body_bytes: 1_000_000,
        allow_private_addresses: allow_private,
        max_crawl_delay: Duration::from_secs(2),
        max_retry_after: Duration::from_secs(3),
        ..CrawlConfig::default()
    }
}

/// The `site.reachable` result a check stores for this crawl (the same
/// `rules::evaluate` call `Engine::check_site` makes).
pub fn reachable_result(site: &Site, crawl: &SiteCrawl) -> ResultRecord {
    let config = RulesConfig::default();
    let calendar = Calendar::builtin();
    let ctx = RuleContext {
        site,
        crawl,
        items: &[],
        documents: &[],
        as_of: NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        config: &config,
        calendar: &calendar,
    };
    rules::evaluate(&ctx, vn_now())
        .into_iter()
        .find(|r| r.rule == "site.reachable")
        .expect("site.reachable applies to every site")
}

/// How the home page failed, if it did.
pub fn kind_of(c: &SiteCrawl) -> Option<FailureKind> {
    c.home.as_ref().err().map(|f| f.kind)
}

/// A small Vietnamese portal page linking to `links`.
pub fn html_page(title: &str, links: &[String]) -> String {
    let mut s = format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><ul>");
    for l in links {
        s.push_str(&format!("<li><a href=\"{l}\">Tin tức {l}</a></li>"));
    }
    s.push_str("</ul><footer>Cổng thông tin điện tử UBND tỉnh. Email: ubnd@example.gov.vn. ĐT: 0273 3873 333</footer></body></html>");
    s
}

/// The healthy site: served by the fixture server (ETag/304, request log).
pub fn healthy_fixture() -> FixtureSet {
    let mut files = HashMap::new();
    let news: Vec<String> = (1..=5).map(|i| format!("/tin-tuc/{i}/")).collect();
    files.insert("/robots.txt".to_string(), Bytes::from("User-agent: *\nDisallow: /private/\n"));
    files.insert("/index.html".to_string(), Bytes::from(html_page("UBND tỉnh Tiền Giang", &news)));
    for n in &news {
        files.insert(format!("{n}index.html"), Bytes::from(html_page("Tin tức", &[])));
    }
    files.insert("/private/index.html".to_string(), Bytes::from(html_page("secret", &[])));
    let mut set = FixtureSet::default();
    set.sites.insert(
        "healthy".into(),
        SiteFiles {
            files,
            settings: ServerSettings::default(),
        },
    );
    set
}

/// The healthy site's registry entry: five listings and a robots-disallowed
/// page, at 5 requests per second.
pub fn healthy_site(base: &str) -> Site {
    let mut s = site("healthy", &format!("{base}/"));
    s.news = (1..=5).map(|i| Url::parse(&format!("{base}/tin-tuc/{i}/")).expect("url")).collect();
    s.news.push(Url::parse(&format!("{base}/private/")).expect("url"));
    // 5 per second: the politeness assertion of the fault test checks this pace.
    s.per_host_rate = Some(Rate {
        count: 5,
        per: Duration::from_secs(1),
    });
    s
}
