//! Crawl memory: pages with their validators and facts, and the news items
//! and legal documents each site has shown.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codec::{PAGES_V2, ROBOTS_V1, dec, enc, key, pack, unpack};
use super::item_days::{self, ItemDayRec, ItemRec};
use super::{Result, Store};
use crate::crawler::limits::ItemLimits;
use crate::crawler::{CachedPage, CachedRobots, Missing, PageCache, PageRole, SiteCrawl, Validators};
use crate::extract::{Item, LegalDocument, PageFacts};
use crate::model::{KnownDocument, KnownItem, vn_now};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PageRec {
    role: PageRole,
    /// None when no redirect happened: the key says it.
    final_url: Option<String>,
    validators: Validators,
    content_hash: u64,
    pub(super) fetched_at: i64,
    facts: PageFacts,
    feed_items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct DocRec {
    doc: LegalDocument,
    pub(super) first_seen: NaiveDate,
    seen_on: String,
}

impl Store {
    /// Remember pages, items and documents of a finished crawl. `today` is
    /// the as-of day: the day a new item is first seen.
    pub fn save_crawl(&self, crawl: &SiteCrawl, today: NaiveDate) -> Result<()> {
        self.save_crawl_with(crawl, today, &ItemLimits::default())
    }

    /// [`Store::save_crawl`] keeping only what the rules can use: sitemap
    /// and feed entries within `limits.window_days` of `today`, and at most
    /// `limits.max_new_per_crawl` new items, so what a site serves cannot
    /// grow the store without bound.
    pub fn save_crawl_with(&self, crawl: &SiteCrawl, today: NaiveDate, limits: &ItemLimits) -> Result<()> {
        let site = crawl.site_id.as_str();
        let (mut stored, mut left) = (0usize, 0usize);
        // The items to write, by key: the day each had in the store before
        // (to move its count) and its new record. Later sightings of the
        // same item in this crawl see the pending record, as if written.
        let mut writes: HashMap<Vec<u8>, (Option<NaiveDate>, ItemRec)> = HashMap::new();
        let _held = self.hold_for_save()?;
        // The items the site's pages show first, then sitemap and feed
        // entries: a page's own list must not lose its place to a sitemap.
        for listed in [false, true] {
            for page in &crawl.pages {
                let mut found: Vec<(&str, &str, Option<NaiveDate>)> = Vec::new();
                if listed {
                    found.extend(
                        page.feed_items
                            .iter()
                            .map(|i| (i.url.as_str(), i.title.as_str(), i.published.map(|p| p.date())))
                            .filter(|(_, _, published)| limits.keeps(*published, today)),
                    );
                } else {
                    found.extend(
                        page.facts
                            .items
                            .iter()
                            .map(|i| (i.url.as_str(), i.title.as_str(), i.published.map(|p| p.date()))),
                    );
                    if page.role == PageRole::Article && page.facts.is_article {
                        found.push((
                            page.url.as_str(),
                            page.facts.title.as_deref().unwrap_or(""),
                            page.facts.published.map(|p| p.date()),
                        ));
                    }
                }
                for (url, title, published) in found {
                    let k = key(&[site, url]);
                    let (stored_day, old) = match writes.get(&k) {
                        Some((day, pending)) => (*day, Some(pending.clone())),
                        None => {
                            let old: Option<ItemRec> = self.items.get(&k)?.and_then(|v| dec(&v));
                            (old.as_ref().map(ItemRec::day), old)
                        }
                    };
                    let rec = match old {
                        // Rewriting an unchanged record every night is what
                        // makes a log-structured store grow.
                        Some(o) if o.published.is_some() || published.is_none() => {
                            if o.first_seen <= today {
                                continue;
                            }
                            ItemRec { first_seen: today, ..o }
                        }
                        Some(mut o) => {
                            o.published = published;
                            o.first_seen = o.first_seen.min(today);
                            o
                        }
                        None if stored >= limits.max_new_per_crawl => {
                            left += 1;
                            continue;
                        }
                        None => {
                            stored += 1;
                            ItemRec {
                                title: title.to_string(),
                                published,
                                first_seen: today,
                                seen_on: page.url.clone(),
                            }
                        }
                    };
                    writes.insert(k, (stored_day, rec));
                }
            }
        }
        self.write_items(site, writes)?;
        if left > 0 {
            tracing::info!(
                site,
                stored,
                left,
                "more new items than a crawl stores; those still listed are stored at the next crawl"
            );
        }
        for page in &crawl.pages {
            for doc in &page.facts.documents {
                let signed = doc.signed.to_string();
                let k = key(&[site, &doc.url, &doc.number, &signed]);
                let rec = match self.docs.get(&k)?.and_then(|v| dec::<DocRec>(&v)) {
                    Some(o) if o.first_seen <= today && (o.doc.posted.is_some() || doc.posted.is_none()) => continue,
                    Some(mut o) => {
                        if o.doc.posted.is_none() {
                            o.doc.posted = doc.posted;
                        }
                        o.first_seen = o.first_seen.min(today);
                        o
                    }
                    None => DocRec {
                        doc: doc.clone(),
                        first_seen: today,
                        seen_on: page.url.clone(),
                    },
                };
                self.docs.insert(k, enc(&rec)?)?;
            }
        }
        Ok(())
    }

    /// Write a crawl's new and changed items and move their day counts,
    /// in one transaction: a crash leaves both as they were or both new.
    fn write_items(&self, site: &str, writes: HashMap<Vec<u8>, (Option<NaiveDate>, ItemRec)>) -> Result<()> {
        use sled::Transactional;
        if writes.is_empty() {
            return Ok(());
        }
        let mut deltas = item_days::DayDeltas::default();
        let mut values = Vec::with_capacity(writes.len());
        for (k, (stored_day, rec)) in writes {
            deltas.note(stored_day, Some(rec.day()));
            values.push((k, enc(&rec)?));
        }
        self.check_item_day_counts(site)?;
        let days = self.item_days_tree()?;
        (&self.items, &days).transaction(|(it, dt)| {
            for (k, v) in &values {
                it.insert(k.as_slice(), v.as_slice())?;
            }
            item_days::apply(dt, site, &deltas)
        })?;
        Ok(())
    }

    pub fn known_items(&self, site: &str) -> Result<Vec<KnownItem>> {
        let prefix = key(&[site, ""]);
        let mut out = Vec::new();
        for kv in self.items.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let Some(rec) = dec::<ItemRec>(&v) else { continue };
            let url = String::from_utf8_lossy(k.get(prefix.len()..).unwrap_or_default()).into_owned();
            out.push(KnownItem {
                url,
                title: rec.title,
                published: rec.published,
                first_seen: rec.first_seen,
                seen_on: rec.seen_on,
            });
        }
        Ok(out)
    }

    /// The days of a site's items ([`KnownItem::day`]), each once, in
    /// order: what a period summary counts, read without the titles and
    /// URLs of [`Store::known_items`].
    pub fn known_item_days(&self, site: &str) -> Result<Vec<NaiveDate>> {
        if self.item_days_counted()? {
            return self.counted_item_days(site);
        }
        self.scanned_item_days(site)
    }

    /// [`Store::known_item_days`] from the items themselves: for a
    /// database whose items were never counted by day (see item_days.rs).
    pub(super) fn scanned_item_days(&self, site: &str) -> Result<Vec<NaiveDate>> {
        let mut days = Vec::new();
        for kv in self.items.scan_prefix(key(&[site, ""])) {
            let (_, v) = kv?;
            // As `dec`, for a record that borrows from its bytes.
            match postcard::from_bytes::<ItemDayRec>(&v) {
                Ok(rec) => days.push(rec.published.unwrap_or(rec.first_seen)),
                Err(e) => tracing::warn!(error = %e, "skipping a stored record that does not decode"),
            }
        }
        days.sort_unstable();
        days.dedup();
        Ok(days)
    }

    pub fn known_documents(&self, site: &str) -> Result<Vec<KnownDocument>> {
        let mut out = Vec::new();
        for kv in self.docs.scan_prefix(key(&[site, ""])) {
            let (_, v) = kv?;
            if let Some(rec) = dec::<DocRec>(&v) {
                out.push(KnownDocument {
                    doc: rec.doc,
                    first_seen: rec.first_seen,
                    seen_on: rec.seen_on,
                });
            }
        }
        Ok(out)
    }
}

impl PageCache for Store {
    fn remember(&self, url: &str, page: &CachedPage, content_hash: u64) {
        let rec = PageRec {
            role: page.role,
            final_url: (page.final_url != url).then(|| page.final_url.clone()),
            validators: page.validators.clone(),
            content_hash,
            fetched_at: vn_now().timestamp(),
            facts: page.facts.clone(),
            feed_items: page.feed_items.clone(),
        };
        // A page that cannot be kept is fetched in full next time: worth a
        // log line, not a failed crawl.
        if let Err(e) = pack(PAGES_V2, &rec).and_then(|v| Ok(self.pages.insert(url.as_bytes(), v)?)) {
            tracing::warn!(url, error = %e, "cannot keep a fetched page for the next crawl");
        }
    }

    // robots.txt and known-missing sitemaps and feeds are crawl bookkeeping
    // in `meta`, keyed by URL; like a page, one that cannot be kept only
    // costs a request next time.
    fn robots(&self, url: &str) -> Option<CachedRobots> {
        unpack(ROBOTS_V1, &self.meta.get(key(&["robots", url])).ok()??)
    }

    fn remember_robots(&self, url: &str, robots: &CachedRobots) {
        if let Err(e) = pack(ROBOTS_V1, robots).and_then(|v| Ok(self.meta.insert(key(&["robots", url]), v)?)) {
            tracing::warn!(url, error = %e, "cannot keep robots.txt for the next crawl");
        }
    }

    fn missing(&self, url: &str) -> Option<Missing> {
        dec(&self.meta.get(key(&["missing", url])).ok()??)
    }

    fn remember_missing(&self, url: &str, missing: Option<Missing>) {
        let k = key(&["missing", url]);
        let done = match missing {
            Some(m) => enc(&m).and_then(|v| Ok(self.meta.insert(k, v)?)).map(drop),
            None => self.meta.remove(k).map(drop).map_err(Into::into),
        };
        if let Err(e) = done {
            tracing::warn!(url, error = %e, "cannot keep whether a sitemap or feed is missing");
        }
    }

    fn cached(&self, url: &str) -> Option<CachedPage> {
        // A page kept by an older version is fetched in full once.
        let rec: PageRec = unpack(PAGES_V2, &self.pages.get(url.as_bytes()).ok()??)?;
        Some(CachedPage {
            role: rec.role,
            final_url: rec.final_url.unwrap_or_else(|| url.to_string()),
            validators: rec.validators,
            facts: rec.facts,
            feed_items: rec.feed_items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_days_are_the_known_items_days() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let d = |n: u32| NaiveDate::from_ymd_opt(2026, 3, n).unwrap_or_default();
        for (site, url, published, first_seen) in [
            ("a", "https://a.vn/1", Some(d(2)), d(5)),
            ("a", "https://a.vn/2", None, d(4)),
            ("a", "https://a.vn/3", Some(d(2)), d(2)),
            ("ab", "https://ab.vn/1", Some(d(9)), d(9)),
        ] {
            let rec = ItemRec {
                title: format!("Tin {url}"),
                published,
                first_seen,
                seen_on: format!("https://{site}.vn/tin-tuc/"),
            };
            store.items.insert(key(&[site, url]), enc(&rec).expect("enc")).expect("insert");
        }
        let mut want: Vec<NaiveDate> = store.known_items("a").expect("items").iter().map(KnownItem::day).collect();
        want.sort();
        want.dedup();
        assert_eq!(store.known_item_days("a").expect("days"), want);
        assert_eq!(want, vec![d(2), d(4)]);
    }
}
