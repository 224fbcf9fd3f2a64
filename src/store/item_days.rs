//! How many of a site's items fall on each day, kept beside the items in
//! `item_days`: site → its days and their counts, one value a site. A
//! period summary needs only which days a site published on, and reading
//! a year of a province's items for that (half a million records, most of
//! the bytes titles and URLs) was most of the report's time.
//!
//! The counts are trusted only once they cover every stored item, which a
//! note in `meta` says. A database written before they existed has no note
//! and is read item by item as before, until the first save of a crawl
//! counts its items. Every process that writes items counts them all once
//! more, at its first save: a version from before the counts, run against
//! the database in between (after a rollback, say), adds items without
//! counting them, and nothing else would notice. A year of a province is
//! counted in a second or two, once a run of the daemon or of `check`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codec::{ITEM_DAYS_V1, dec, enc, key};
use super::{Result, Store, StoreError};

/// A stored item (`items`: site \0 url → this). Its day is what the
/// counts here count, so the record lives beside them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ItemRec {
    pub(super) title: String,
    pub(super) published: Option<NaiveDate>,
    pub(super) first_seen: NaiveDate,
    pub(super) seen_on: String,
}

/// The leading fields of an [`ItemRec`], borrowed: postcard reads fields
/// in order and leaves the rest (`seen_on`) unread.
#[derive(Deserialize)]
pub(super) struct ItemDayRec<'a> {
    #[serde(borrow)]
    _title: &'a str,
    pub(super) published: Option<NaiveDate>,
    pub(super) first_seen: NaiveDate,
}

impl ItemRec {
    /// The item's day, as [`crate::model::KnownItem::day`].
    pub(super) fn day(&self) -> NaiveDate {
        self.published.unwrap_or(self.first_seen)
    }
}

pub(super) const TREE: &str = "item_days";
/// In `meta`: [`COUNTED_AS`] once `item_days` counts every stored item.
const COUNTED: &str = "items.days_counted";
/// The layout of the counts the note vouches for: counts of another
/// layout are counted again.
const COUNTED_AS: &str = "site-values-1";

/// Taken while items or their counts change, so that counting every item
/// never races a crawl's save or the sweep: shared by the saves of
/// different sites (each moves only its own site's counts, in a
/// transaction), exclusive for a recount and the sweep. It holds the
/// databases whose items this process has counted.
static WRITER: RwLock<Vec<PathBuf>> = RwLock::new(Vec::new());

/// The exclusive hold: a recount, the sweep.
pub(super) type Writer = RwLockWriteGuard<'static, Vec<PathBuf>>;

/// The shared hold of one site's save.
pub(super) type Saver = RwLockReadGuard<'static, Vec<PathBuf>>;

pub(super) fn writer() -> Writer {
    WRITER.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn reader() -> Saver {
    WRITER.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One site's counts: day (as days from the Common Era, which postcard
/// keeps in two or three bytes) → items on that day.
type Counts = BTreeMap<i32, u32>;

fn decode(v: &[u8]) -> Option<Counts> {
    let (&tag, body) = v.split_first()?;
    if tag != ITEM_DAYS_V1 {
        return None;
    }
    let days: Vec<(i32, u32)> = postcard::from_bytes(body).ok()?;
    Some(days.into_iter().collect())
}

fn encode(counts: &Counts) -> Result<Vec<u8>> {
    let days: Vec<(i32, u32)> = counts.iter().map(|(d, n)| (*d, *n)).collect();
    let mut v = vec![ITEM_DAYS_V1];
    v.extend_from_slice(&enc(&days)?);
    Ok(v)
}

/// How a change of one site's items moves its counts: per day, items
/// added (or taken away, negative).
#[derive(Default)]
pub(super) struct DayDeltas(BTreeMap<i32, i64>);

impl DayDeltas {
    pub(super) fn note(&mut self, old: Option<NaiveDate>, new: Option<NaiveDate>) {
        if old == new {
            return;
        }
        if let Some(d) = old {
            *self.0.entry(d.num_days_from_ce()).or_default() -= 1;
        }
        if let Some(d) = new {
            *self.0.entry(d.num_days_from_ce()).or_default() += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.values().all(|d| *d == 0)
    }
}

/// Apply `site`'s `deltas` inside a transaction on the `item_days` tree.
pub(super) fn apply(tree: &sled::transaction::TransactionalTree, site: &str, deltas: &DayDeltas) -> std::result::Result<(), Abort> {
    if deltas.is_empty() {
        return Ok(());
    }
    let k = key(&[site]);
    // The caller checked under the lock that the value decodes (see
    // `Store::check_item_day_counts`).
    let mut counts = tree.get(&k)?.as_deref().and_then(decode).unwrap_or_default();
    for (d, delta) in &deltas.0 {
        let now = counts.get(d).map_or(0, |n| i64::from(*n)) + delta;
        if now > 0 {
            counts.insert(*d, u32::try_from(now).unwrap_or(u32::MAX));
        } else {
            counts.remove(d);
        }
    }
    if counts.is_empty() {
        tree.remove(k)?;
    } else {
        tree.insert(k, encode(&counts).map_err(Abort::Abort)?)?;
    }
    Ok(())
}

pub(super) type Abort = sled::transaction::ConflictableTransactionError<StoreError>;

impl Store {
    pub(super) fn item_days_tree(&self) -> Result<sled::Tree> {
        Ok(self.db.open_tree(TREE)?)
    }

    /// Whether `item_days` counts every stored item.
    pub(super) fn item_days_counted(&self) -> Result<bool> {
        Ok(self.meta_get(COUNTED)?.as_deref() == Some(COUNTED_AS))
    }

    /// A site's counts from its items themselves.
    fn count_site_items(&self, site: &str) -> Result<Counts> {
        let mut counts = Counts::new();
        for kv in self.items.scan_prefix(key(&[site, ""])) {
            let (_, v) = kv?;
            if let Some(rec) = dec::<ItemRec>(&v) {
                *counts.entry(rec.day().num_days_from_ce()).or_default() += 1;
            }
        }
        Ok(counts)
    }

    /// Before counts move: a site's value that does not decode (damaged,
    /// or written by another version) is counted again from its items.
    /// The caller holds [`writer`].
    pub(super) fn check_item_day_counts(&self, site: &str) -> Result<()> {
        let tree = self.item_days_tree()?;
        if tree.get(key(&[site]))?.is_some_and(|v| decode(&v).is_none()) {
            tracing::warn!(site, "item day counts that do not decode; counting the site's items again");
            tree.insert(key(&[site]), encode(&self.count_site_items(site)?)?)?;
        }
        Ok(())
    }

    /// The hold for saving one site's items: shared with other sites'
    /// saves, after every stored item was counted once in this process.
    /// A sweep or another recount may run between the count and the hold;
    /// both leave the counts whole.
    pub(super) fn hold_for_save(&self) -> Result<Saver> {
        {
            let shared = reader();
            if shared.contains(&self.path) && self.item_days_counted()? {
                return Ok(shared);
            }
        }
        self.count_item_days_once(&mut writer())?;
        Ok(reader())
    }

    /// Count every stored item, once in this process (see the module's
    /// comment), with the lock `held`.
    pub(super) fn count_item_days_once(&self, held: &mut Writer) -> Result<()> {
        if held.contains(&self.path) && self.item_days_counted()? {
            return Ok(());
        }
        self.count_item_days()?;
        held.push(self.path.clone());
        Ok(())
    }

    /// Count every stored item, anew.
    fn count_item_days(&self) -> Result<()> {
        // Readers go back to the items until the counts are whole again.
        self.meta.remove(key(&["kv", COUNTED]))?;
        let started = std::time::Instant::now();
        let tree = self.item_days_tree()?;
        tree.clear()?;
        // Items are keyed site first: one site's days at a time.
        let mut site: Option<String> = None;
        let mut counts = Counts::new();
        let write = |site: &str, counts: &mut Counts| -> Result<()> {
            tree.insert(key(&[site]), encode(&std::mem::take(counts))?)?;
            Ok(())
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
                    write(done, &mut counts)?;
                }
                site = Some(s.into_owned());
            }
            *counts.entry(rec.day().num_days_from_ce()).or_default() += 1;
            items += 1;
        }
        if let Some(done) = &site {
            write(done, &mut counts)?;
        }
        self.meta_set(COUNTED, COUNTED_AS)?;
        tracing::info!(items, ms = started.elapsed().as_millis() as u64, "counted the stored items by day");
        Ok(())
    }

    /// Remove an item (whose record is `rec`, if it decodes) and, when the
    /// items are counted, its count with it. The caller holds [`writer`].
    pub(super) fn remove_item(&self, k: &[u8], rec: Option<&ItemRec>, counted: bool) -> Result<()> {
        use sled::Transactional;
        let site = k.split(|b| *b == 0).next().map(String::from_utf8_lossy);
        let (Some(site), Some(rec), true) = (site, rec, counted) else {
            self.items.remove(k)?;
            return Ok(());
        };
        let mut deltas = DayDeltas::default();
        deltas.note(Some(rec.day()), None);
        self.check_item_day_counts(&site)?;
        let days = self.item_days_tree()?;
        (&self.items, &days).transaction(|(it, dt)| {
            it.remove(k)?;
            apply(dt, &site, &deltas)
        })?;
        Ok(())
    }

    /// A site's item days from its counts, in order.
    pub(super) fn counted_item_days(&self, site: &str) -> Result<Vec<NaiveDate>> {
        let Some(v) = self.item_days_tree()?.get(key(&[site]))? else {
            return Ok(Vec::new());
        };
        let Some(counts) = decode(&v) else {
            tracing::warn!(site, "item day counts that do not decode; reading the site's items instead");
            return self.scanned_item_days(site);
        };
        Ok(counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .filter_map(|(d, _)| NaiveDate::from_num_days_from_ce_opt(d))
            .collect())
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
    use chrono::{Datelike, NaiveDate};

    use crate::crawler::{CrawledPage, PageRole, RobotsOutcome, RobotsStatus, SiteCrawl, Validators};
    use crate::extract::{DateSource, Item, LegalDocument, PageFacts};
    use crate::model::KnownItem;
    use crate::store::Store;
    use crate::store::codec::key;

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

        // Counts that do not decode are not trusted: read from the items,
        // and counted again before they next move.
        store
            .item_days_tree()
            .expect("tree")
            .insert(key(&["a"]), vec![super::ITEM_DAYS_V1 + 1, 1, 2])
            .expect("insert");
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(1), d(2), d(3)]);
        store
            .save_crawl(&crawl("a", vec![item(&format!("{a}4"), None)], Vec::new()), d(8))
            .expect("save");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(1), d(2), d(3), d(8)]);

        // An item written by a version that does not count (rolled back
        // to, in between) is counted by the next process's first save.
        let written = store.items.get(key(&["a", &format!("{a}4")])).expect("get").expect("item a4");
        store.items.insert(key(&["a", &format!("{a}5")]), written).expect("insert");
        super::writer().retain(|p| *p != store.path);
        store.save_crawl(&crawl("ab", Vec::new(), Vec::new()), d(9)).expect("save");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.counted_item_days("a").expect("days"), vec![d(1), d(2), d(3), d(8)],);
        let stored = store
            .item_days_tree()
            .expect("tree")
            .get(key(&["a"]))
            .expect("get")
            .expect("counts");
        assert_eq!(super::decode(&stored).expect("decode").get(&d(8).num_days_from_ce()), Some(&2));

        // The sweep takes the counts of the items it drops (first seen
        // before the 6th): the one first seen then stays, on its own day.
        store.sweep(d(14), 8).expect("sweep");
        assert_counts_agree(&store, &["a", "ab", "b"]);
        assert_eq!(store.known_item_days("a").expect("days"), vec![d(1), d(8)]);
        assert_eq!(store.known_item_days("ab").expect("days"), Vec::<NaiveDate>::new());
    }
}
