//! Fetches one registered site politely: robots.txt, per-host rate, conditional
//! requests, bounded bodies, and discovery of the pages the rules need.

pub mod charset;
pub mod discover;
pub mod fetch;
pub mod guard;
pub mod limits;
pub mod quirks;
pub mod rate;
pub mod robots;
mod robots_fetch;
pub mod site;

use serde::{Deserialize, Serialize};

pub use fetch::{Fetcher, Validators};
pub use site::crawl_site;

use crate::extract::{Item, PageFacts};
use crate::model::FetchFailure;

/// What the store kept of a page from an earlier crawl: enough to send a
/// conditional request and to reuse the facts on a 304.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedPage {
    /// What the page was fetched as: its facts were trimmed for that role,
    /// so they answer a 304 only when the page is fetched as the same.
    pub role: PageRole,
    pub final_url: String,
    pub validators: Validators,
    pub facts: PageFacts,
    pub feed_items: Vec<Item>,
}

/// What the store kept of a site's robots.txt: RFC 9309 §2.4 lets a
/// crawler use it for 24 hours without asking, and after that the
/// validators make the request conditional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedRobots {
    /// The status of the last full answer: 2xx (with `body`) or 4xx
    /// (everything allowed, no body). 5xx and unreachable are never kept.
    pub status: u16,
    /// The text as decoded and parsed, within `MAX_ROBOTS_BYTES`.
    pub body: String,
    pub validators: Validators,
    /// Unix seconds of the server's last answer (full, 304 or 4xx).
    pub fetched_at: i64,
}

/// A sitemap or feed that answered 404 or 410, and since when (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub status: u16,
    pub since: i64,
}

/// Where the crawler looks up earlier fetches; the store implements it, so
/// the crawler does not depend on the store.
pub trait PageCache: Send + Sync {
    fn cached(&self, url: &str) -> Option<CachedPage>;
    /// Keep a freshly fetched page for the next crawl's conditional request.
    /// Called as each page is analysed, so the crawl itself need not hold
    /// every page's links until it ends.
    fn remember(&self, _url: &str, _page: &CachedPage, _content_hash: u64) {}
    /// The robots.txt at `url` as last answered.
    fn robots(&self, _url: &str) -> Option<CachedRobots> {
        None
    }
    fn remember_robots(&self, _url: &str, _robots: &CachedRobots) {}
    /// Whether the sitemap or feed at `url` last answered 404 or 410.
    fn missing(&self, _url: &str) -> Option<Missing> {
        None
    }
    /// Record that `url` answered 404 or 410, or with `None` that it is there again.
    fn remember_missing(&self, _url: &str, _missing: Option<Missing>) {}
}

/// Why a page was fetched; disclosure pages are the one-hop introduction /
/// contact / editorial-board pages of SPEC §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageRole {
    Home,
    Disclosure,
    Listing,
    DocumentListing,
    Article,
    Feed,
    Sitemap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawledPage {
    /// The URL requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    pub role: PageRole,
    pub facts: PageFacts,
    /// Items from a feed or sitemap (HTML pages carry theirs in `facts.items`).
    pub feed_items: Vec<Item>,
    /// The body was cut at `max_body_bytes`.
    pub truncated: bool,
    /// Answered 304: facts are those stored from the previous crawl.
    pub not_modified: bool,
    pub validators: Validators,
    /// xxh3 of the body as fetched (0 for a 304).
    pub content_hash: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RobotsStatus {
    /// robots.txt was read; `home_allowed` says whether `/` is allowed to us.
    Parsed,
    /// 4xx: everything allowed (RFC 9309 §2.3.1.3).
    Missing(u16),
    /// 5xx or unreachable: nothing allowed for this crawl (RFC 9309 §2.3.1.4).
    Unavailable(FetchFailure),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobotsOutcome {
    pub url: String,
    pub status: RobotsStatus,
    pub home_allowed: bool,
    /// `Crawl-delay` for our group, in seconds, as written.
    pub crawl_delay: Option<f64>,
    /// The matching `Disallow` line, for evidence.
    pub rule_line: Option<String>,
}

/// Everything one crawl of one site saw; the rules read only this (plus the
/// items the store remembers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteCrawl {
    pub site_id: String,
    pub home_url: String,
    /// Ok = the home page was fetched (maybe after redirects); Err = why not.
    pub home: Result<(), FetchFailure>,
    pub robots: RobotsOutcome,
    pub pages: Vec<CrawledPage>,
    /// Pages that could not be fetched, with why.
    pub failures: Vec<(String, FetchFailure)>,
    /// Why coverage is partial (page cap, errors, crawl-delay cap), in
    /// Vietnamese since it ends up in evidence; empty when complete.
    pub partial: Vec<String>,
    pub requests: u32,
    pub bytes: u64,
    pub not_modified: u32,
    pub duration_ms: u64,
}

impl SiteCrawl {
    /// A crawl of `site_id` that has fetched nothing yet: robots.txt as
    /// given, no pages, no counts.
    pub fn nothing_yet(
        site_id: &str,
        home_url: &str,
        home: Result<(), FetchFailure>,
        robots: RobotsStatus,
        home_allowed: bool,
    ) -> SiteCrawl {
        SiteCrawl {
            site_id: site_id.to_string(),
            home_url: home_url.to_string(),
            home,
            robots: RobotsOutcome {
                url: String::new(),
                status: robots,
                home_allowed,
                crawl_delay: None,
                rule_line: None,
            },
            pages: Vec::new(),
            failures: Vec::new(),
            partial: Vec::new(),
            requests: 0,
            bytes: 0,
            not_modified: 0,
            duration_ms: 0,
        }
    }

    pub fn home_page(&self) -> Option<&CrawledPage> {
        self.pages.iter().find(|p| p.role == PageRole::Home)
    }

    /// One line for evidence: empty when the crawl was complete.
    pub fn partial_note(&self) -> Option<String> {
        if self.partial.is_empty() {
            None
        } else {
            Some(format!("thu thập chưa đầy đủ: {}", self.partial.join("; ")))
        }
    }
}
