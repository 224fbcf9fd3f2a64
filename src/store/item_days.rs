//! How many of a site's items fall on each day, kept beside the items in
//! `item_days`: site \0 YYYY-MM-DD → count (u32, big-endian). A period
//! summary needs only which days a site published on, and reading a year
//! of a province's items for that (half a million records, most of the
//! bytes titles and URLs) was most of the report's time.
//!
//! The counts are trusted only once they cover every stored item, which a
//! note in `meta` says. A database written before they existed has no note
//! and is read item by item as before, until the first save of a crawl
//! counts its items (once, under the same lock as every later change).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;

use super::codec::{dec, key};
use super::pages::ItemRec;
use super::{Result, Store, StoreError};

const TREE: &str = "item_days";
/// In `meta`: present once `item_days` counts every stored item.
const COUNTED: &str = "items.days_counted";

/// Held while items or their counts change, so that counting every item
/// (on first use, and after a sweep) never races a crawl's save.
static WRITER: Mutex<()> = Mutex::new(());

pub(super) fn writer() -> MutexGuard<'static, ()> {
    WRITER.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn day_key(site: &str, day: NaiveDate) -> Vec<u8> {
    key(&[site, &day.to_string()])
}

fn count_of(v: Option<&[u8]>) -> u32 {
    v.and_then(|v| <[u8; 4]>::try_from(v).ok()).map_or(0, u32::from_be_bytes)
}

/// How a change of items moves the counts: per day key, items added (or
/// taken away, negative).
pub(super) type DayDeltas = BTreeMap<Vec<u8>, i64>;

pub(super) fn note_change(deltas: &mut DayDeltas, site: &str, old: Option<NaiveDate>, new: Option<NaiveDate>) {
    if old == new {
        return;
    }
    if let Some(d) = old {
        *deltas.entry(day_key(site, d)).or_default() -= 1;
    }
    if let Some(d) = new {
        *deltas.entry(day_key(site, d)).or_default() += 1;
    }
}

/// Apply `deltas` inside a transaction on the `item_days` tree.
pub(super) fn apply(
    tree: &sled::transaction::TransactionalTree,
    deltas: &DayDeltas,
) -> std::result::Result<(), sled::transaction::UnabortableTransactionError> {
    for (k, delta) in deltas {
        let now = i64::from(count_of(tree.get(k)?.as_deref())) + delta;
        if now > 0 {
            tree.insert(k.as_slice(), &u32::try_from(now).unwrap_or(u32::MAX).to_be_bytes())?;
        } else {
            tree.remove(k.as_slice())?;
        }
    }
    Ok(())
}

impl Store {
    pub(super) fn item_days_tree(&self) -> Result<sled::Tree> {
        Ok(self.db.open_tree(TREE)?)
    }

    /// Whether `item_days` counts every stored item.
    pub(super) fn item_days_counted(&self) -> Result<bool> {
        Ok(self.meta_get(COUNTED)?.is_some())
    }

    /// Count every stored item, when that was never done (a database from
    /// before the counts) or was interrupted. The caller holds [`writer`].
    pub(super) fn count_item_days_once(&self) -> Result<()> {
        if self.item_days_counted()? {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let tree = self.item_days_tree()?;
        tree.clear()?;
        // Items are keyed site first: one site's days at a time.
        let mut site: Option<String> = None;
        let mut days: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        let write = |site: &str, days: &mut BTreeMap<NaiveDate, u32>| -> Result<()> {
            let mut batch = sled::Batch::default();
            for (d, n) in std::mem::take(days) {
                batch.insert(day_key(site, d), &n.to_be_bytes());
            }
            Ok(tree.apply_batch(batch)?)
        };
        let mut items = 0usize;
        for kv in self.items.iter() {
            let (k, v) = kv?;
            let Some(s) = k.split(|b| *b == 0).next().map(String::from_utf8_lossy) else {
                continue;
            };
            let Some(rec) = dec::<ItemRec>(&v) else { continue };
            if site.as_deref() != Some(&*s) {
                if let Some(done) = &site {
                    write(done, &mut days)?;
                }
                site = Some(s.into_owned());
            }
            *days.entry(rec.day()).or_default() += 1;
            items += 1;
        }
        if let Some(done) = &site {
            write(done, &mut days)?;
        }
        self.meta_set(COUNTED, "1")?;
        tracing::info!(items, ms = started.elapsed().as_millis() as u64, "counted the stored items by day");
        Ok(())
    }

    /// Remove an item (whose record is `rec`, if it decodes) and, when the
    /// items are counted, its count with it. The caller holds [`writer`].
    pub(super) fn remove_item(&self, k: &[u8], rec: Option<&ItemRec>, counted: bool) -> Result<()> {
        use sled::Transactional;
        let site = k.split(|b| *b == 0).next().map(String::from_utf8_lossy);
        let mut deltas = DayDeltas::new();
        if let (true, Some(site), Some(rec)) = (counted, site, rec) {
            note_change(&mut deltas, &site, Some(rec.day()), None);
        }
        if deltas.is_empty() {
            self.items.remove(k)?;
            return Ok(());
        }
        let days = self.item_days_tree()?;
        (&self.items, &days).transaction(|(it, dt)| {
            it.remove(k)?;
            apply(dt, &deltas)?;
            Ok::<_, sled::transaction::ConflictableTransactionError<StoreError>>(())
        })?;
        Ok(())
    }

    /// A site's item days from the counts, in order.
    pub(super) fn counted_item_days(&self, site: &str) -> Result<Vec<NaiveDate>> {
        let prefix = key(&[site, ""]);
        let mut days = Vec::new();
        for kv in self.item_days_tree()?.scan_prefix(&prefix) {
            let (k, v) = kv?;
            if count_of(Some(&v)) == 0 {
                continue;
            }
            match std::str::from_utf8(k.get(prefix.len()..).unwrap_or_default()).map(str::parse::<NaiveDate>) {
                Ok(Ok(d)) => days.push(d),
                _ => tracing::warn!("skipping an item day count that does not decode"),
            }
        }
        days.sort_unstable();
        days.dedup();
        Ok(days)
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> StoreError {
        match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => StoreError::Sled(e),
        }
    }
}

#[cfg(test)]
impl Store {
    /// The store as a version without the counts left it: items only.
    pub(crate) fn forget_item_day_counts(&self) -> Result<()> {
        self.meta.remove(key(&["kv", COUNTED]))?;
        self.db.drop_tree(TREE)?;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::NaiveDate;

    use crate::crawler::{CrawledPage, PageRole, RobotsOutcome, RobotsStatus, SiteCrawl, Validators};
    use crate::extract::{DateSource, Item, LegalDocument, PageFacts};
    use crate::model::KnownItem;
    use crate::store::Store;

    fn d(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, n).unwrap_or_default()
    }

    pub(crate) fn item(url: &str, published: Option<NaiveDate>) -> Item {
        Item {
            url: url.into(),
            title: format!("Tin {url}"),
            published: published.and_then(|p| p.and_hms_opt(8, 0, 0)),
            source: DateSource::Text,
        }
    }

    /// A crawl of `site` listing `listed` on its news page and `fed` in its feed.
    fn crawl(site: &str, listed: Vec<Item>, fed: Vec<Item>) -> SiteCrawl {
        crawl_with_documents(site, listed, fed, Vec::new())
    }

    /// [`crawl`] with a document listing showing `documents`.
    pub(crate) fn crawl_with_documents(site: &str, listed: Vec<Item>, fed: Vec<Item>, documents: Vec<LegalDocument>) -> SiteCrawl {
        let page = |url: String, facts: PageFacts, feed_items: Vec<Item>| CrawledPage {
            final_url: url.clone(),
            url,
            role: PageRole::Listing,
            facts,
            feed_items,
            truncated: false,
            not_modified: false,
            validators: Validators::default(),
            content_hash: 0,
        };
        let home = format!("https://{site}.vn/");
        SiteCrawl {
            site_id: site.into(),
            home_url: home.clone(),
            home: Ok(()),
            robots: RobotsOutcome {
                url: format!("{home}robots.txt"),
                status: RobotsStatus::Missing(404),
                home_allowed: true,
                crawl_delay: None,
                rule_line: None,
            },
            pages: vec![
                page(
                    format!("{home}tin-tuc/"),
                    PageFacts {
                        items: listed,
                        ..Default::default()
                    },
                    Vec::new(),
                ),
                page(format!("{home}rss"), PageFacts::default(), fed),
                page(
                    format!("{home}van-ban/"),
                    PageFacts {
                        documents,
                        ..Default::default()
                    },
                    Vec::new(),
                ),
            ],
            failures: Vec::new(),
            partial: Vec::new(),
            requests: 2,
            bytes: 0,
            not_modified: 0,
            duration_ms: 0,
        }
    }

    /// The days of a site's items as its full records give them.
    fn days_of_items(store: &Store, site: &str) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = store.known_items(site).expect("items").iter().map(KnownItem::day).collect();
        days.sort();
        days.dedup();
        days
    }

    fn assert_counts_agree(store: &Store, sites: &[&str]) {
        assert!(store.item_days_counted().expect("meta"));
        for site in sites {
            let want = days_of_items(store, site);
            assert_eq!(store.counted_item_days(site).expect("counted"), want, "{site}");
            assert_eq!(store.scanned_item_days(site).expect("scanned"), want, "{site}");
            assert_eq!(store.known_item_days(site).expect("days"), want, "{site}");
        }
    }

    #[test]
    fn item_days_read_the_same_before_and_after_they_are_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let a = "https://a.vn/tin-tuc/";
        store
            .save_crawl(
                &crawl(
                    "a",
                    vec![item(&format!("{a}1"), Some(d(2))), item(&format!("{a}2"), None)],
                    // Seen in the feed too, with its date: the day moves within one crawl.
                    vec![item(&format!("{a}2"), Some(d(3)))],
                ),
                d(5),
            )
            .expect("save");
        store
            .save_crawl(&crawl("ab", vec![item("https://ab.vn/1", None)], Vec::new()), d(5))
            .expect("save");
        store
            .save_crawl(&crawl("a", vec![item(&format!("{a}3"), None)], Vec::new()), d(6))
            .expect("save");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(2), d(3), d(6)]);

        // As a version without the counts left the store: read item by
        // item, with the same days, until a save counts them.
        store.forget_item_day_counts().expect("forget");
        assert!(!store.item_days_counted().expect("meta"));
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(2), d(3), d(6)]);
        assert_eq!(store.known_item_days("ab").expect("days"), vec![d(5)]);
        // An item first seen on the 6th shows its publication day later:
        // its count moves from the 6th to the 1st.
        store
            .save_crawl(&crawl("a", vec![item(&format!("{a}3"), Some(d(1)))], Vec::new()), d(7))
            .expect("save");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(1), d(2), d(3)]);

        // The sweep takes the counts of the items it drops (first seen
        // before the 6th): the one first seen then stays, on its own day.
        store.sweep(d(14), 8).expect("sweep");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(1)]);
        assert_eq!(store.known_item_days("ab").expect("days"), Vec::<NaiveDate>::new());
    }
}
