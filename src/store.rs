//! The sled database in `state_dir/db` (SPEC §7).
//!
//! Few trees, compact postcard values and no page bodies keep it small:
//! - `pages`:   url → what was extracted last time, validators, content hash
//! - `items`:   site \0 url → title, publication day, first seen
//! - `docs`:    site \0 url \0 number \0 signed → legal document, first seen
//! - `results`: YYYY-MM-DD \0 site → that day's results for the site
//! - `meta`:    crawl bookkeeping for the scheduler
//!
//! Results are keyed day first: the nightly file is one prefix scan and a
//! period summary one range scan, both in day order.

use std::path::Path;

use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::crawler::{CachedPage, PageCache, PageRole, SiteCrawl, Validators};
use crate::extract::{Item, LegalDocument, PageFacts};
use crate::model::{Evidence, ResultRecord, Severity, Status, vn_now};
use crate::rules::{KnownDocument, KnownItem};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    #[error("cannot encode a record: {0}")]
    Encode(#[from] postcard::Error),
    #[error("cannot compress a record: {0}")]
    Compress(#[source] std::io::Error),
    #[error(
        "database at {path} cannot be opened: {cause} (another sitewarden process, such as the daemon, may hold it; stop it or use `sitewarden report`)"
    )]
    Open { path: String, cause: sled::Error },
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PageRec {
    final_url: String,
    validators: Validators,
    content_hash: u64,
    fetched_at: i64,
    facts: PageFacts,
    feed_items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ItemRec {
    title: String,
    published: Option<NaiveDate>,
    first_seen: NaiveDate,
    seen_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DocRec {
    doc: LegalDocument,
    first_seen: NaiveDate,
    seen_on: String,
}

/// `ResultRecord` as stored: without the fields the key gives (site, day),
/// with the basis only when it is not the rule's current one, and without
/// serde attributes a non-self-describing format cannot round-trip.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ResultRec {
    rule: String,
    status: Status,
    severity: Severity,
    /// Unix seconds; results are stamped in Asia/Ho_Chi_Minh.
    checked_at: i64,
    basis: Option<String>,
    message: String,
    evidence: Vec<Evidence>,
    hint: Option<String>,
}

/// Tag of the value format of the `results` and `pages` trees: deflated postcard.
const RESULTS_V1: u8 = 1;
/// A day of one site's results inflates to far less than this; more is not ours.
const MAX_RESULTS_BYTES: u64 = 16 * 1024 * 1024;

/// A day of one site's results repeats its URLs and wording from rule to
/// rule, and a page's facts repeat the site's URL in every link; deflate
/// takes both to a fraction, which is what keeps a province's store small.
fn pack<T: Serialize + ?Sized>(recs: &T) -> Result<Vec<u8>> {
    use std::io::Write;
    let raw = enc(&recs)?;
    let mut z = flate2::write::DeflateEncoder::new(vec![RESULTS_V1], flate2::Compression::default());
    z.write_all(&raw).and_then(|_| z.finish()).map_err(StoreError::Compress)
}

fn unpack_with<R>(bytes: &[u8], decode: impl FnOnce(&[u8]) -> Option<R>) -> Option<R> {
    thread_local! {
        // A year's report inflates a few hundred thousand values: one
        // inflater and buffer per thread instead of one allocation each.
        static INFLATE: std::cell::RefCell<(flate2::Decompress, Vec<u8>)> =
            std::cell::RefCell::new((flate2::Decompress::new(false), Vec::with_capacity(64 * 1024)));
    }
    let (&tag, body) = bytes.split_first()?;
    if tag != RESULTS_V1 {
        tracing::warn!(tag, "skipping stored results in an unknown format");
        return None;
    }
    INFLATE.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (z, buf) = &mut *guard;
        z.reset(false);
        buf.clear();
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let input = body.get(consumed..).unwrap_or_default();
            if buf.len() == buf.capacity() {
                if buf.len() as u64 >= MAX_RESULTS_BYTES {
                    tracing::warn!("skipping stored results that inflate beyond the bound");
                    return None;
                }
                buf.reserve(buf.capacity().max(4096));
            }
            match z.decompress_vec(input, buf, flate2::FlushDecompress::Finish) {
                Ok(flate2::Status::StreamEnd) => break,
                Ok(_) if input.is_empty() && buf.len() < buf.capacity() => {
                    tracing::warn!("skipping stored results cut short");
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "skipping stored results that do not inflate");
                    return None;
                }
            }
        }
        decode(buf)
    })
}

fn unpack<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    unpack_with(bytes, dec)
}

/// The fields of a stored result an aggregate needs, borrowed from the
/// inflated bytes: no allocation for messages and evidence nobody reads.
#[derive(Deserialize)]
struct LeanRec<'a> {
    rule: &'a str,
    status: Status,
    severity: Severity,
    checked_at: i64,
    _basis: Option<&'a str>,
    _message: &'a str,
    _evidence: Vec<(&'a str, &'a str)>,
    _hint: Option<&'a str>,
}

/// Crawl bookkeeping per site, so a restart knows what finished.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlState {
    /// When the last crawl started; set before any request.
    pub started_at: Option<DateTime<FixedOffset>>,
    /// When the last crawl's results were stored and flushed.
    pub finished_at: Option<DateTime<FixedOffset>>,
}

impl CrawlState {
    /// A crawl started and never finished: it was interrupted.
    pub fn interrupted(&self) -> bool {
        match (self.started_at, self.finished_at) {
            (Some(s), Some(f)) => s > f,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

fn enc<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    Ok(postcard::to_allocvec(v)?)
}

/// A record that no longer decodes (written by another version) is skipped,
/// never fatal: the next crawl writes it again.
fn dec<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    match postcard::from_bytes(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "skipping a stored record that does not decode");
            None
        }
    }
}

fn key(parts: &[&str]) -> Vec<u8> {
    parts.join("\0").into_bytes()
}

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    pages: sled::Tree,
    items: sled::Tree,
    docs: sled::Tree,
    results: sled::Tree,
    meta: sled::Tree,
}

impl Store {
    pub fn open(path: &Path, cache_capacity_bytes: u64) -> Result<Store> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_capacity_bytes)
            .flush_every_ms(Some(1000))
            .open()
            .map_err(|cause| StoreError::Open {
                path: path.display().to_string(),
                cause,
            })?;
        Ok(Store {
            pages: db.open_tree("pages")?,
            items: db.open_tree("items")?,
            docs: db.open_tree("docs")?,
            results: db.open_tree("results")?,
            meta: db.open_tree("meta")?,
            db,
        })
    }

    /// Make everything written so far durable.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    /// Entries and key+value bytes per tree: what is stored, as against
    /// what sled's files take on disk.
    pub fn stats(&self) -> Vec<(&'static str, usize, u64)> {
        [
            ("pages", &self.pages),
            ("items", &self.items),
            ("docs", &self.docs),
            ("results", &self.results),
            ("meta", &self.meta),
        ]
        .into_iter()
        .map(|(name, tree)| {
            let (n, bytes) = tree
                .iter()
                .flatten()
                .fold((0usize, 0u64), |(n, b), (k, v)| (n + 1, b + (k.len() + v.len()) as u64));
            (name, n, bytes)
        })
        .collect()
    }

    /// Remember pages, items and documents of a finished crawl. `today` is
    /// the as-of day: the day a new item is first seen.
    pub fn save_crawl(&self, crawl: &SiteCrawl, today: NaiveDate) -> Result<()> {
        let site = crawl.site_id.as_str();
        for page in &crawl.pages {
            let mut found: Vec<(&str, &str, Option<NaiveDate>)> = page
                .facts
                .items
                .iter()
                .chain(&page.feed_items)
                .map(|i| (i.url.as_str(), i.title.as_str(), i.published.map(|p| p.date())))
                .collect();
            if page.role == PageRole::Article && page.facts.is_article {
                found.push((
                    page.url.as_str(),
                    page.facts.title.as_deref().unwrap_or(""),
                    page.facts.published.map(|p| p.date()),
                ));
            }
            for (url, title, published) in found {
                let k = key(&[site, url]);
                let old: Option<ItemRec> = self.items.get(&k)?.and_then(|v| dec(&v));
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
                    None => ItemRec {
                        title: title.to_string(),
                        published,
                        first_seen: today,
                        seen_on: page.url.clone(),
                    },
                };
                self.items.insert(k, enc(&rec)?)?;
            }
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

    /// Store one site's results for a day in one write, so a crash leaves
    /// either the old set or the new one, never half.
    pub fn save_results(&self, day: NaiveDate, site: &str, results: &[ResultRecord]) -> Result<()> {
        let recs: Vec<ResultRec> = results
            .iter()
            .map(|r| ResultRec {
                rule: r.rule.clone(),
                status: r.status,
                severity: r.severity,
                checked_at: r.checked_at.timestamp(),
                basis: match crate::rules::find(&r.rule) {
                    Some(def) if def.basis == r.basis => None,
                    _ => Some(r.basis.clone()),
                },
                message: r.message.clone(),
                evidence: r.evidence.clone(),
                hint: r.hint.clone(),
            })
            .collect();
        self.results.insert(key(&[&day.to_string(), site]), pack(&recs)?)?;
        Ok(())
    }

    fn decode_results(k: &[u8], v: &[u8], lean: bool) -> Option<(NaiveDate, Vec<ResultRecord>)> {
        let k = String::from_utf8_lossy(k);
        let (day, site) = k.split_once('\0')?;
        let day: NaiveDate = day.parse().ok()?;
        if lean {
            return Some((day, Store::decode_lean(site, day, v)?));
        }
        let recs: Vec<ResultRec> = unpack(v)?;
        let tz = crate::model::vn_offset();
        Some((
            day,
            recs.into_iter()
                .map(|r| ResultRecord {
                    site: site.to_string(),
                    basis: r
                        .basis
                        .unwrap_or_else(|| crate::rules::find(&r.rule).map(|d| d.basis.to_string()).unwrap_or_default()),
                    rule: r.rule,
                    status: r.status,
                    severity: r.severity,
                    as_of: day,
                    checked_at: DateTime::from_timestamp(r.checked_at, 0).unwrap_or_default().with_timezone(&tz),
                    message: r.message,
                    evidence: r.evidence,
                    hint: r.hint,
                })
                .collect(),
        ))
    }

    fn decode_lean(site: &str, day: NaiveDate, v: &[u8]) -> Option<Vec<ResultRecord>> {
        let tz = crate::model::vn_offset();
        unpack_with(v, |raw| {
            let recs: Vec<LeanRec> = match postcard::from_bytes(raw) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "skipping a stored record that does not decode");
                    return None;
                }
            };
            Some(
                recs.into_iter()
                    .map(|r| ResultRecord {
                        site: site.to_string(),
                        rule: r.rule.to_string(),
                        status: r.status,
                        severity: r.severity,
                        as_of: day,
                        checked_at: DateTime::from_timestamp(r.checked_at, 0).unwrap_or_default().with_timezone(&tz),
                        basis: String::new(),
                        message: String::new(),
                        evidence: Vec::new(),
                        hint: None,
                    })
                    .collect(),
            )
        })
    }

    pub fn results_for_day(&self, day: NaiveDate) -> Result<Vec<ResultRecord>> {
        let mut out = Vec::new();
        for kv in self.results.scan_prefix(key(&[&day.to_string(), ""])) {
            let (k, v) = kv?;
            if let Some((_, recs)) = Store::decode_results(&k, &v, false) {
                out.extend(recs);
            }
        }
        Ok(out)
    }

    /// Results from `from` to `to` inclusive, one day at a time, without
    /// loading the period into memory.
    pub fn results_by_day(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = Result<(NaiveDate, Vec<ResultRecord>)>> + '_ {
        self.days_in_range(from, to, false)
    }

    /// Like [`Store::results_by_day`] but only site, rule, status, severity
    /// and times are filled in (basis, message, evidence and hint are left
    /// empty): what a period summary counts, at a fraction of the cost.
    pub fn statuses_by_day(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = Result<(NaiveDate, Vec<ResultRecord>)>> + '_ {
        self.days_in_range(from, to, true)
    }

    fn days_in_range(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        lean: bool,
    ) -> impl Iterator<Item = Result<(NaiveDate, Vec<ResultRecord>)>> + '_ {
        let start = key(&[&from.to_string(), ""]);
        let end = key(&[&(to + Days::days(1)).to_string(), ""]);
        let mut range = self.results.range(start..end).peekable();
        std::iter::from_fn(move || {
            let mut day: Option<NaiveDate> = None;
            let mut acc = Vec::new();
            loop {
                let next_day = match range.peek() {
                    None => break,
                    Some(Err(_)) => {
                        return range.next().and_then(|r| r.err()).map(|e| Err(e.into()));
                    }
                    Some(Ok((k, _))) => String::from_utf8_lossy(k)
                        .split('\0')
                        .next()
                        .and_then(|d| d.parse::<NaiveDate>().ok()),
                };
                if day.is_some() && next_day != day {
                    break;
                }
                let Some(Ok((k, v))) = range.next() else { break };
                if let Some((d, recs)) = Store::decode_results(&k, &v, lean) {
                    day = Some(d);
                    acc.extend(recs);
                }
            }
            day.map(|d| Ok((d, acc)))
        })
    }

    /// The latest day before `day` that has stored results.
    pub fn previous_day_with_results(&self, day: NaiveDate) -> Result<Option<NaiveDate>> {
        let end = key(&[&day.to_string(), ""]);
        match self.results.range(..end).next_back() {
            Some(kv) => {
                let (k, _) = kv?;
                Ok(String::from_utf8_lossy(&k).split('\0').next().and_then(|d| d.parse().ok()))
            }
            None => Ok(None),
        }
    }

    /// The first day the store still holds results for.
    pub fn earliest_day(&self) -> Result<Option<NaiveDate>> {
        match self.results.first()? {
            Some((k, _)) => Ok(String::from_utf8_lossy(&k).split('\0').next().and_then(|d| d.parse().ok())),
            None => Ok(None),
        }
    }

    pub fn crawl_state(&self, site: &str) -> Result<CrawlState> {
        Ok(self.meta.get(key(&["crawl", site]))?.and_then(|v| dec(&v)).unwrap_or_default())
    }

    pub fn mark_started(&self, site: &str) -> Result<()> {
        let mut s = self.crawl_state(site)?;
        s.started_at = Some(vn_now());
        self.meta.insert(key(&["crawl", site]), enc(&s)?)?;
        Ok(())
    }

    pub fn mark_finished(&self, site: &str) -> Result<()> {
        let mut s = self.crawl_state(site)?;
        s.finished_at = Some(vn_now());
        self.meta.insert(key(&["crawl", site]), enc(&s)?)?;
        Ok(())
    }

    pub fn meta_get(&self, name: &str) -> Result<Option<String>> {
        Ok(self.meta.get(key(&["kv", name]))?.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn meta_set(&self, name: &str, value: &str) -> Result<()> {
        self.meta.insert(key(&["kv", name]), value.as_bytes())?;
        Ok(())
    }

    /// Drop results, items and documents older than `retention_days` before
    /// `today`, and pages not fetched in that time. Returns records removed.
    pub fn sweep(&self, today: NaiveDate, retention_days: u32) -> Result<usize> {
        let cutoff = today - Days::days(i64::from(retention_days));
        let mut removed = 0;
        let end = key(&[&cutoff.to_string(), ""]);
        let old: Vec<sled::IVec> = self.results.range(..end).keys().collect::<std::result::Result<_, _>>()?;
        for k in old {
            self.results.remove(k)?;
            removed += 1;
        }
        for kv in self.items.iter() {
            let (k, v) = kv?;
            if dec::<ItemRec>(&v).is_none_or(|r| r.first_seen < cutoff && r.published.is_none_or(|p| p < cutoff)) {
                self.items.remove(k)?;
                removed += 1;
            }
        }
        for kv in self.docs.iter() {
            let (k, v) = kv?;
            if dec::<DocRec>(&v).is_none_or(|r| r.first_seen < cutoff) {
                self.docs.remove(k)?;
                removed += 1;
            }
        }
        let page_cutoff = vn_now().timestamp() - i64::from(retention_days) * 86_400;
        for kv in self.pages.iter() {
            let (k, v) = kv?;
            if unpack::<PageRec>(&v).is_none_or(|r| r.fetched_at < page_cutoff) {
                self.pages.remove(k)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

impl PageCache for Store {
    fn remember(&self, url: &str, page: &CachedPage, content_hash: u64) {
        let rec = PageRec {
            final_url: page.final_url.clone(),
            validators: page.validators.clone(),
            content_hash,
            fetched_at: vn_now().timestamp(),
            facts: page.facts.clone(),
            feed_items: page.feed_items.clone(),
        };
        // A page that cannot be kept is fetched in full next time: worth a
        // log line, not a failed crawl.
        if let Err(e) = pack(&rec).and_then(|v| Ok(self.pages.insert(url.as_bytes(), v)?)) {
            tracing::warn!(url, error = %e, "cannot keep a fetched page for the next crawl");
        }
    }

    fn cached(&self, url: &str) -> Option<CachedPage> {
        let rec: PageRec = unpack(&self.pages.get(url.as_bytes()).ok()??)?;
        Some(CachedPage {
            final_url: rec.final_url,
            validators: rec.validators,
            facts: rec.facts,
            feed_items: rec.feed_items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vn_offset;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn result(site: &str, rule: &str, d: u32, status: Status) -> ResultRecord {
        let def = crate::rules::find(rule);
        ResultRecord {
            site: site.into(),
            rule: rule.into(),
            status,
            severity: def.map_or(Severity::Violation, |r| r.severity),
            as_of: day(d),
            checked_at: day(d)
                .and_hms_opt(1, 2, 3)
                .unwrap_or_default()
                .and_local_timezone(vn_offset())
                .single()
                .unwrap_or_default(),
            basis: def.map_or_else(|| "Thông tư cũ".to_string(), |r| r.basis.to_string()),
            message: "Không tìm thấy địa chỉ thư điện tử liên hệ".into(),
            evidence: vec![Evidence::new("https://a.gov.vn/", "footer has phone 0273 3873 333, no email")],
            hint: (status == Status::Fail).then(|| "Bổ sung địa chỉ thư điện tử.".to_string()),
        }
    }

    #[test]
    fn results_come_back_as_stored_day_by_day() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let a = vec![
            result("a", "disclosure.contact", 23, Status::Fail),
            result("a", "retired.rule", 23, Status::Pass),
        ];
        let b = vec![result("b", "site.reachable", 23, Status::Pass)];
        let c = vec![result("a", "disclosure.contact", 24, Status::Unknown)];
        store.save_results(day(23), "a", &a).expect("save");
        store.save_results(day(23), "b", &b).expect("save");
        store.save_results(day(24), "a", &c).expect("save");
        let mut got = store.results_for_day(day(23)).expect("read");
        got.sort_by(|x, y| (&x.site, &x.rule).cmp(&(&y.site, &y.rule)));
        let mut want = [a.clone(), b.clone()].concat();
        want.sort_by(|x, y| (&x.site, &x.rule).cmp(&(&y.site, &y.rule)));
        // A basis no rule has any more (a retired rule) is kept as written.
        assert_eq!(got, want);
        let days: Vec<(NaiveDate, usize)> = store
            .results_by_day(day(1), day(30))
            .map(|r| r.map(|(d, v)| (d, v.len())).expect("read"))
            .collect();
        assert_eq!(days, vec![(day(23), 3), (day(24), 1)]);
        // The lean form a period summary reads agrees on what it counts.
        let lean: Vec<(String, String, Status, Severity)> = store
            .statuses_by_day(day(23), day(23))
            .flat_map(|r| r.expect("read").1)
            .map(|r| (r.site, r.rule, r.status, r.severity))
            .collect();
        let full: Vec<(String, String, Status, Severity)> = store
            .results_by_day(day(23), day(23))
            .flat_map(|r| r.expect("read").1)
            .map(|r| (r.site, r.rule, r.status, r.severity))
            .collect();
        assert_eq!(lean, full);
        assert_eq!(store.previous_day_with_results(day(24)).expect("read"), Some(day(23)));
        assert_eq!(store.earliest_day().expect("read"), Some(day(23)));
    }

    #[test]
    fn a_value_in_an_unknown_format_is_skipped_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        store.results.insert(key(&["2026-11-23", "x"]), vec![9u8, 1, 2, 3]).expect("insert");
        store
            .save_results(day(23), "y", &[result("y", "site.reachable", 23, Status::Pass)])
            .expect("save");
        let got = store.results_for_day(day(23)).expect("read");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].site, "y");
    }

    #[test]
    fn sweep_drops_what_is_older_than_retention() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        store
            .save_results(day(1), "a", &[result("a", "site.reachable", 1, Status::Pass)])
            .expect("save");
        store
            .save_results(day(25), "a", &[result("a", "site.reachable", 25, Status::Pass)])
            .expect("save");
        let removed = store.sweep(day(26), 10).expect("sweep");
        assert!(removed >= 1);
        assert!(store.results_for_day(day(1)).expect("read").is_empty());
        assert_eq!(store.results_for_day(day(25)).expect("read").len(), 1);
    }
}
