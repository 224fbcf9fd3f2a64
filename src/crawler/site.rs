//! One crawl of one site: robots.txt, the home page, then the pages the rules
//! need, breadth-first within the page cap.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use url::Url;

use super::discover::{classify, listing_priority, same_site};
use super::fetch::{Fetcher, Response};
use super::limits;
use super::quirks;
use super::robots_fetch::{RobotsFetch, fetch_robots};
use super::{CachedPage, CrawledPage, Missing, PageCache, PageRole, RobotsStatus, SiteCrawl, charset};
use crate::extract::{self, Link, PageFacts};
use crate::model::{FailureKind, FetchFailure, vn_now};
use crate::registry::Site;

/// How many pages of each kind one crawl visits at most, so articles never
/// crowd out the pages the disclosure and update rules need.
const MAX_DISCLOSURE_PAGES: usize = 6;
const MAX_FEEDS: usize = 3;
const MAX_SITEMAPS: usize = 3;
/// Child sitemaps followed from one sitemap index; an index of indexes is
/// not followed further.
const MAX_CHILD_SITEMAPS: usize = 5;
const MAX_LISTINGS: usize = 8;

fn http_failure(r: &Response) -> Option<FetchFailure> {
    if quirks::is_bot_challenge(r.status, &r.body) {
        return Some(FetchFailure {
            kind: FailureKind::BotProtection,
            status: Some(r.status),
            detail: format!(
                "{} trả về trang thử thách của dịch vụ chống bot, không phải nội dung của trang",
                r.final_url
            ),
        });
    }
    if r.status >= 400 {
        return Some(FetchFailure {
            kind: FailureKind::HttpStatus,
            status: Some(r.status),
            detail: format!("{} trả về mã HTTP {}", r.final_url, r.status),
        });
    }
    None
}

/// Crawl one site. Never fails: every problem becomes part of the result.
pub async fn crawl_site(fetcher: Arc<Fetcher>, site: &Site, cache: &dyn PageCache, mut shutdown: watch::Receiver<bool>) -> SiteCrawl {
    let fetcher = fetcher.for_site(&site.url);
    let started = Instant::now();
    let cfg = fetcher.config().clone();
    let mut interval = site.per_host_rate.unwrap_or(cfg.per_host_rate).interval();
    let home = site.url.clone();
    let mut crawl = SiteCrawl::nothing_yet(&site.id, home.as_str(), Ok(()), RobotsStatus::Missing(404), true);

    let RobotsFetch {
        outcome,
        robots,
        failure: robots_failure,
        requests,
        bytes,
        not_modified,
    } = fetch_robots(&fetcher, &home, interval, cache).await;
    crawl.robots = outcome;
    crawl.requests += requests;
    crawl.bytes += bytes;
    crawl.not_modified += u32::from(not_modified);
    if let Some(f) = robots_failure {
        crawl.home = Err(f);
        crawl.duration_ms = started.elapsed().as_millis() as u64;
        return crawl;
    }
    if let Some(delay) = robots.crawl_delay {
        let wanted = Duration::from_secs_f64(delay.min(86_400.0));
        if wanted > cfg.max_crawl_delay {
            crawl.partial.push(format!(
                "robots.txt yêu cầu Crawl-delay {delay} giây, vượt mức tối đa {} giây; đã thu thập với giãn cách tối đa đó",
                cfg.max_crawl_delay.as_secs()
            ));
        }
        interval = interval.max(wanted.min(cfg.max_crawl_delay));
    }
    if !crawl.robots.home_allowed {
        crawl.home = Err(FetchFailure {
            kind: FailureKind::RobotsDenied,
            status: None,
            detail: format!(
                "{} không cho tác tử sitewarden truy cập {}{}",
                crawl.robots.url,
                home.path(),
                crawl.robots.rule_line.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
            ),
        });
        crawl.duration_ms = started.elapsed().as_millis() as u64;
        return crawl;
    }

    let mut queue: VecDeque<(Url, PageRole)> = VecDeque::new();
    let mut queued: HashSet<String> = HashSet::new();
    let enqueue = |q: &mut VecDeque<(Url, PageRole)>, queued: &mut HashSet<String>, url: Url, role: PageRole| {
        let mut url = url;
        url.set_fragment(None);
        if queued.insert(url.to_string()) {
            q.push_back((url, role));
        }
    };
    enqueue(&mut queue, &mut queued, home.clone(), PageRole::Home);
    for u in &site.news {
        enqueue(&mut queue, &mut queued, u.clone(), PageRole::Listing);
    }
    for u in &site.documents {
        enqueue(&mut queue, &mut queued, u.clone(), PageRole::DocumentListing);
    }
    let robots_base = home.join("/robots.txt").unwrap_or_else(|_| home.clone());
    let mut sitemaps: Vec<Url> = robots
        .sitemaps
        .iter()
        .filter_map(|s| robots_base.join(s).ok())
        .filter(|u| same_site(&home, u))
        .collect();
    if sitemaps.is_empty()
        && let Ok(u) = home.join("/sitemap.xml")
    {
        sitemaps.push(u);
    }
    for u in sitemaps.into_iter().take(MAX_SITEMAPS) {
        enqueue(&mut queue, &mut queued, u, PageRole::Sitemap);
    }

    let mut counts = [0usize; 7];
    let cap = cfg.max_pages_per_site;
    let missing_recheck = i64::try_from(cfg.missing_recheck.as_secs()).unwrap_or(i64::MAX);
    let mut skipped_for_cap: Vec<PageRole> = Vec::new();
    let mut articles: VecDeque<Url> = VecDeque::new();
    // Menu links that look like listings beyond MAX_LISTINGS: fetched last,
    // if the page cap leaves room, since a category may hold what no
    // listing showed; never before an article.
    let mut extra: VecDeque<(Url, PageRole)> = VecDeque::new();
    let mut child_sitemaps: HashSet<String> = HashSet::new();

    loop {
        if *shutdown.borrow_and_update() {
            crawl
                .partial
                .push("dừng giữa chừng vì chương trình được tắt trước khi thu thập xong".into());
            break;
        }
        let from_extra = queue.is_empty() && articles.is_empty();
        let (url, role) = match queue.pop_front() {
            Some(next) => next,
            None => match articles.pop_front() {
                Some(u) => (u, PageRole::Article),
                None => match extra.pop_front() {
                    Some(next) => next,
                    None => break,
                },
            },
        };
        if crawl.pages.len() + crawl.failures.len() >= cap {
            // The extras were never owed a visit (they were dropped before
            // there was room for them): only what the rules need counts.
            if from_extra {
                break;
            }
            skipped_for_cap.push(role);
            skipped_for_cap.extend(queue.drain(..).map(|(_, r)| r));
            skipped_for_cap.extend(articles.drain(..).map(|_| PageRole::Article));
            break;
        }
        if !robots.allowed(&url) {
            if role != PageRole::Sitemap {
                crawl.failures.push((
                    url.to_string(),
                    FetchFailure {
                        kind: FailureKind::RobotsDenied,
                        status: None,
                        detail: format!("robots.txt không cho phép tải {url}"),
                    },
                ));
            }
            continue;
        }
        let is_html = !matches!(role, PageRole::Feed | PageRole::Sitemap);
        // A sitemap or feed that answered 404/410 lately is not asked again
        // (`missing_recheck`); a feed's absence is reported as asking would.
        let missing = if is_html { None } else { cache.missing(url.as_str()) };
        if let Some(m) = missing
            && (0..missing_recheck).contains(&(vn_now().timestamp() - m.since))
        {
            if !(role == PageRole::Sitemap && m.status == 404) {
                crawl.failures.push((
                    url.to_string(),
                    FetchFailure {
                        kind: FailureKind::HttpStatus,
                        status: Some(m.status),
                        detail: format!("{url} trả về mã HTTP {}", m.status),
                    },
                ));
            }
            continue;
        }
        let cached = cache.cached(url.as_str()).filter(|c| c.role == role);
        let resp = match fetcher
            .get(&url, cached.as_ref().map(|c| &c.validators), interval, cfg.max_body_bytes)
            .await
        {
            Ok(r) => r,
            Err(f) => {
                if role == PageRole::Home {
                    crawl.home = Err(f);
                    break;
                }
                crawl.failures.push((url.to_string(), f));
                continue;
            }
        };
        crawl.requests += resp.requests;
        crawl.bytes += resp.body.len() as u64;
        if !is_html && matches!(resp.status, 404 | 410) {
            let since = vn_now().timestamp();
            cache.remember_missing(
                url.as_str(),
                Some(Missing {
                    status: resp.status,
                    since,
                }),
            );
        } else if missing.is_some() {
            cache.remember_missing(url.as_str(), None);
        }
        if let Some(f) = http_failure(&resp) {
            if role == PageRole::Home {
                crawl.home = Err(f);
                break;
            }
            // A missing guessed sitemap is not a problem worth reporting.
            if !(role == PageRole::Sitemap && resp.status == 404) {
                crawl.failures.push((url.to_string(), f));
            }
            continue;
        }
        // A 304 is an answer only to our validators: without a kept copy
        // there is no page to read, and an empty one would fail every rule.
        if resp.not_modified() && cached.is_none() {
            let f = FetchFailure {
                kind: FailureKind::HttpStatus,
                status: Some(resp.status),
                detail: format!("{url} trả về mã HTTP 304 cho một yêu cầu không kèm ETag hay Last-Modified: không có trang để đọc"),
            };
            if role == PageRole::Home {
                crawl.home = Err(f);
                break;
            }
            crawl.failures.push((url.to_string(), f));
            continue;
        }
        let mut page = CrawledPage {
            url: url.to_string(),
            final_url: resp.final_url.to_string(),
            role,
            facts: PageFacts::default(),
            feed_items: Vec::new(),
            truncated: resp.truncated,
            not_modified: false,
            validators: resp.validators.clone(),
            content_hash: xxhash_rust::xxh3::xxh3_64(&resp.body),
        };
        match (resp.not_modified(), cached) {
            (true, Some(c)) => {
                crawl.not_modified += 1;
                page.not_modified = true;
                page.final_url = c.final_url;
                page.facts = c.facts;
                page.feed_items = c.feed_items;
                page.validators = c.validators;
            }
            _ => {
                let base = resp.final_url.clone();
                let content_type = resp.content_type.clone();
                let mut body = charset::without_cut_char(resp.body, resp.truncated);
                // The parser's memory grows with the tags it is given, not
                // the bytes: a page with more tags than any real one is cut.
                let tag_cut = if is_html { limits::tag_cut(&body) } else { None };
                if let Some(at) = tag_cut {
                    body.truncate(at);
                    crawl.partial.push(format!(
                        "{url}: more than {} tags; analysed only the first {at} bytes",
                        limits::MAX_PARSED_TAGS
                    ));
                }
                // Parsing is CPU work: more pages parsed at once than cores
                // only adds DOMs in memory, so wait for a core first. A big
                // page waits for more (see analysis_weight).
                let slot = analysis_slots().acquire_many(analysis_weight(body.len())).await;
                let home_url = home.clone();
                let analysed = tokio::task::spawn_blocking(move || {
                    analyse(role, &base, content_type.as_deref(), &body).map(|(facts, items, cut)| {
                        // A sitemap of 50,000 URLs is kept (here and for the
                        // next crawl's 304) as the entries the rules can use.
                        let items = if is_html { items } else { limits::keep_listed(items, &home_url) };
                        (facts, items, cut)
                    })
                })
                .await;
                drop(slot);
                match analysed {
                    Ok(Ok((facts, items, cut))) => {
                        page.facts = facts;
                        page.feed_items = items;
                        if let Some(cut) = cut {
                            crawl.partial.push(format!(
                                "{url}: các thẻ HTML lồng nhau sâu quá {} cấp; chỉ phân tích {cut} byte đầu",
                                extract::nesting::MAX_NESTING
                            ));
                        }
                    }
                    Ok(Err(what)) => {
                        crawl.failures.push((
                            url.to_string(),
                            FetchFailure {
                                kind: FailureKind::Other,
                                status: Some(resp.status),
                                detail: format!("{url}: là {what}, không phải trang HTML"),
                            },
                        ));
                        continue;
                    }
                    Err(e) => {
                        tracing::error!(url = %url, error = %e, "analysis task failed");
                        continue;
                    }
                }
            }
        }
        if page.truncated {
            crawl
                .partial
                .push(format!("{url}: nội dung bị cắt ở {} byte (too_large)", cfg.max_body_bytes));
        }
        let final_url = Url::parse(&page.final_url).unwrap_or_else(|_| url.clone());
        // The URL only ordered the queue: what the page is, and so what it
        // counts as and where discovery goes from it, is what it shows.
        let fetched_as = role;
        let role = content_role(fetched_as, &page.facts, &final_url);
        page.role = role;
        tracing::debug!(url = %url, fetched_as = ?fetched_as, content = ?role, "page role");
        counts[role as usize] += 1;
        if role == PageRole::Sitemap && !child_sitemaps.contains(url.as_str()) {
            // One level of a sitemap index, same site, a few children.
            let children: Vec<Url> = page
                .facts
                .links
                .iter()
                .filter_map(|l| Url::parse(&l.url).ok())
                .filter(|u| same_site(&home, u))
                .take(MAX_CHILD_SITEMAPS)
                .collect();
            for u in children {
                child_sitemaps.insert(u.to_string());
                enqueue(&mut queue, &mut queued, u, PageRole::Sitemap);
            }
        }
        if is_html {
            for feed in &page.facts.feeds {
                if counts[PageRole::Feed as usize] + queue.iter().filter(|(_, r)| *r == PageRole::Feed).count() >= MAX_FEEDS {
                    break;
                }
                if let Ok(u) = Url::parse(feed)
                    && same_site(&home, &u)
                {
                    enqueue(&mut queue, &mut queued, u, PageRole::Feed);
                }
            }
            let mut listings = queue
                .iter()
                .filter(|(_, r)| matches!(r, PageRole::Listing | PageRole::DocumentListing))
                .count();
            let mut disclosures = queue.iter().filter(|(_, r)| *r == PageRole::Disclosure).count();
            // Only the links this page leads to are worth keeping for the next
            // crawl's 304: a listing's menus and footers are not.
            let mut followed: Vec<Link> = Vec::new();
            let mut home_listings: Vec<(u8, Url, PageRole, bool)> = Vec::new();
            for link in std::mem::take(&mut page.facts.links) {
                let Some(kind) = classify(&final_url, &link).filter(|k| follows(role, *k, &link)) else {
                    continue;
                };
                let Ok(u) = Url::parse(&link.url) else { continue };
                let reads_as_headline = headline(&link.text);
                let priority = listing_priority(&link);
                followed.push(link);
                match kind {
                    PageRole::Disclosure if disclosures < MAX_DISCLOSURE_PAGES => {
                        disclosures += 1;
                        enqueue(&mut queue, &mut queued, u, kind);
                    }
                    // Chosen below, the surest first.
                    PageRole::Listing | PageRole::DocumentListing if role == PageRole::Home => {
                        home_listings.push((priority, u, kind, reads_as_headline));
                    }
                    // On a listing, a headline that only looks like a
                    // listing (an article at a clean URL ending in `/`).
                    PageRole::Article | PageRole::Listing | PageRole::DocumentListing if articles.len() < cap => {
                        let mut u = u;
                        u.set_fragment(None);
                        if queued.insert(u.to_string()) {
                            articles.push_back(u);
                        }
                    }
                    _ => {}
                }
            }
            // A home page may offer more listings than a crawl visits (a
            // portal's menu of forty categories before "Tin tức"): those its
            // words call news or documents go first, then those its paths
            // do; the rest wait after the articles, headlines with them.
            home_listings.sort_by_key(|(priority, ..)| std::cmp::Reverse(*priority));
            for (_, u, kind, reads_as_headline) in home_listings {
                if listings < MAX_LISTINGS {
                    listings += 1;
                    enqueue(&mut queue, &mut queued, u, kind);
                    continue;
                }
                let mut u = u;
                u.set_fragment(None);
                if !queued.insert(u.to_string()) {
                    continue;
                }
                if reads_as_headline && articles.len() < cap {
                    articles.push_back(u);
                } else if extra.len() < cap {
                    extra.push_back((u, kind));
                }
            }
            page.facts.links = followed;
        }
        // The disclosure rules look at the home and disclosure pages only
        // (SPEC §5), while every article repeats the site's footer.
        if !matches!(role, PageRole::Home | PageRole::Disclosure) {
            page.facts.disclosures = Default::default();
        }
        let kept = CachedPage {
            role: fetched_as,
            final_url: page.final_url.clone(),
            validators: page.validators.clone(),
            facts: std::mem::take(&mut page.facts),
            feed_items: std::mem::take(&mut page.feed_items),
        };
        if !page.not_modified {
            cache.remember(&page.url, &kept, page.content_hash);
        }
        page.facts = kept.facts;
        page.feed_items = kept.feed_items;
        // Links served discovery; the rules never read them, and a crawl of
        // 64 sites at once would otherwise hold thousands of them.
        page.facts.links = Vec::new();
        crawl.pages.push(page);
    }

    if !skipped_for_cap.is_empty() {
        let needed = skipped_for_cap.iter().filter(|r| **r != PageRole::Article).count();
        let arts = skipped_for_cap.len() - needed;
        crawl.partial.push(format!(
            "đã đạt giới hạn {cap} trang: còn {needed} trang danh sách, giới thiệu hoặc feed và {arts} bài viết chưa xem"
        ));
    }
    let failed_needed = crawl.failures.iter().filter(|(_, f)| f.kind != FailureKind::RobotsDenied).count();
    if failed_needed > 0 {
        crawl.partial.push(format!("{failed_needed} trang không tải được"));
    }
    let _ = shutdown.has_changed();
    crawl.duration_ms = started.elapsed().as_millis() as u64;
    crawl
}

/// Facts, feed or sitemap items, and where an absurdly nested page was cut
/// (see [`quirks::cut_deep_nesting`]).
pub type Analysed = (PageFacts, Vec<extract::Item>, Option<usize>);

/// Process-wide parse slots, one per core: the crawls of every site share them.
fn analysis_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(analysis_slot_count() as usize))
}

fn analysis_slot_count() -> u32 {
    std::thread::available_parallelism().map_or(2, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// Slots a page of `len` bytes takes: one per started megabyte, at most all
/// of them. A parse's memory follows its input (up to tens of megabytes for
/// a 5 MB page even within the tag bound), so this keeps the bytes being
/// parsed at once near a megabyte per core: on a machine with many cores,
/// many sites serving 5 MB pages at once are parsed a few at a time, not
/// one per core.
fn analysis_weight(len: usize) -> u32 {
    u32::try_from(1 + len / (1 << 20)).unwrap_or(u32::MAX).min(analysis_slot_count())
}

/// CPU-bound part of a page: decode and extract. Runs off the async threads.
/// Public so the property tests run exactly what the crawler runs.
pub fn analyse(role: PageRole, base: &Url, content_type: Option<&str>, body: &[u8]) -> Result<Analysed, &'static str> {
    match role {
        PageRole::Feed => Ok((PageFacts::default(), extract::feeds::parse_feed(body, base), None)),
        PageRole::Sitemap => {
            // A sitemap index names child sitemaps instead of pages: they
            // travel as the page's links, for the crawler to follow.
            let (items, children) = extract::feeds::parse_sitemap(body, base);
            let facts = PageFacts {
                links: children.into_iter().map(|url| Link { url, text: String::new() }).collect(),
                ..PageFacts::default()
            };
            Ok((facts, items, None))
        }
        _ => {
            if let Some(what) = quirks::sniff_not_html(body) {
                return Err(what);
            }
            let html = limits::without_nul(charset::decode_html(body, content_type));
            let (facts, cut) = extract::analyze_html_bounded(base, &html);
            Ok((facts, Vec::new(), cut))
        }
    }
}

/// Links to other pages of the site that read like headlines: what a listing
/// is made of, whether or not it dates them.
const LISTING_MIN_HEADLINES: usize = 5;

/// Link text that reads like a headline (four words or more), not like a
/// menu entry or a page number.
fn headline(text: &str) -> bool {
    text.split_whitespace().count() >= 4
}

/// What a fetched page is, from its content: an article (typed metadata, its
/// own heading with its own date or a source line), a legal-document
/// listing, or a listing (dated links, or many headline links). The home
/// page and the disclosure pages stay what they were fetched as, since the
/// rules look for them by that; a page that shows none of these signs keeps
/// the role its URL suggested.
fn content_role(fetched: PageRole, facts: &PageFacts, url: &Url) -> PageRole {
    if !matches!(fetched, PageRole::Listing | PageRole::DocumentListing | PageRole::Article) {
        return fetched;
    }
    if facts.is_article {
        return PageRole::Article;
    }
    if !facts.documents.is_empty() {
        return PageRole::DocumentListing;
    }
    let headlines = facts
        .links
        .iter()
        .filter(|l| headline(&l.text) && l.text.chars().count() >= 20)
        .filter(|l| matches!(classify(url, l), Some(PageRole::Article | PageRole::Listing)))
        .count();
    if facts.items.len() >= 3 || headlines >= LISTING_MIN_HEADLINES {
        return PageRole::Listing;
    }
    fetched
}

/// Where discovery goes from a page that is a `from` (SPEC §5): disclosure
/// pages and listings one hop from the home page, articles from the home
/// page and listings. On a listing, a headline whose URL looks like a
/// listing (`/tin-tuc/chi-tiet/12/`) is an article to fetch; short links
/// there (pagination, menus) are not followed.
fn follows(from: PageRole, to: PageRole, link: &Link) -> bool {
    match to {
        PageRole::Disclosure | PageRole::DocumentListing => from == PageRole::Home,
        PageRole::Listing => from == PageRole::Home || from == PageRole::Listing && headline(&link.text),
        PageRole::Article => matches!(from, PageRole::Home | PageRole::Listing),
        PageRole::Home | PageRole::Feed | PageRole::Sitemap => false,
    }
}

/// A cache that knows nothing: every page is fetched in full.
pub struct NoCache;

impl PageCache for NoCache {
    fn cached(&self, _url: &str) -> Option<CachedPage> {
        None
    }
}
