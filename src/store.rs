//! The sled database in `state_dir/db` (SPEC §7).
//!
//! Few trees, compact postcard values and no page bodies keep it small:
//! - `pages`:   url → what was extracted last time, validators, content hash
//! - `items`:   site \0 url → title, publication day, first seen
//! - `docs`:    site \0 url \0 number \0 signed → legal document, first seen
//! - `results`: YYYY-MM-DD \0 site → that day's results for the site, as
//!   references into `verdicts` with the time they were checked
//! - `verdicts`: hash → one rule's verdict (status, message, evidence), each
//!   distinct one stored once
//! - `meta`:    crawl bookkeeping for the scheduler
//!
//! Results are keyed day first: the nightly file is one prefix scan and a
//! period summary one range scan, both in day order. Most of a site's
//! verdicts read the same night after night (its footer does not move), so
//! a day's record is ~100 bytes of references; the retention sweep removes
//! verdicts no day refers to any more.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

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
    role: PageRole,
    /// None when no redirect happened: the key says it.
    final_url: Option<String>,
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

/// `ResultRecord` as the first format stored it, a day's set deflated in
/// one value: without the fields the key gives (site, day), with the basis
/// only when it is not the rule's current one, and without serde attributes
/// a non-self-describing format cannot round-trip. Read, no longer written.
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

/// One rule's verdict as kept in `verdicts`: a `ResultRecord` without site,
/// day and time, so that the same verdict on another day is the same bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct VerdictRec {
    rule: String,
    status: Status,
    severity: Severity,
    basis: Option<String>,
    message: String,
    evidence: Vec<Evidence>,
    hint: Option<String>,
}

impl From<ResultRec> for VerdictRec {
    fn from(r: ResultRec) -> VerdictRec {
        VerdictRec {
            rule: r.rule,
            status: r.status,
            severity: r.severity,
            basis: r.basis,
            message: r.message,
            evidence: r.evidence,
            hint: r.hint,
        }
    }
}

/// What a period summary counts of a verdict, borrowed from its bytes: the
/// first fields of a `VerdictRec` (postcard leaves the rest unread).
#[derive(Deserialize)]
struct LeanVerdict<'a> {
    rule: &'a str,
    status: Status,
    severity: Severity,
}

/// A verdict's key: 32 bits of its hash, moved on past any other verdict
/// already there. Short keys matter: a day's record is mostly keys.
type VerdictKey = [u8; 4];

/// A site's results for a day: which verdicts, checked when.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DayRec {
    /// Unix seconds of the earliest check; results are stamped in Asia/Ho_Chi_Minh.
    checked_at: i64,
    /// Per rule, in order: its verdict and seconds after `checked_at`.
    rules: Vec<(VerdictKey, u32)>,
}

// The first byte of a value says its format, so a newer version can read
// what an older one wrote.

/// `results`, first format: deflated postcard `Vec<ResultRec>` (read only).
const RESULTS_V1: u8 = 1;
/// `results`: postcard `DayRec`.
const RESULTS_V2: u8 = 2;
/// `pages`: deflated postcard `PageRec` (with the role it was fetched as).
const PAGES_V2: u8 = 3;
/// `verdicts`: deflated postcard `VerdictRec`.
const VERDICTS_V1: u8 = 4;
/// A day of one site's results inflates to far less than this; more is not ours.
const MAX_RESULTS_BYTES: u64 = 16 * 1024 * 1024;

/// A day of one site's results repeats its URLs and wording from rule to
/// rule, and a page's facts repeat the site's URL in every link; deflate
/// takes both to a fraction, which is what keeps a province's store small.
fn pack<T: Serialize + ?Sized>(tag: u8, recs: &T) -> Result<Vec<u8>> {
    deflate(tag, &enc(&recs)?)
}

fn deflate(tag: u8, raw: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(vec![tag], flate2::Compression::default());
    z.write_all(raw).and_then(|_| z.finish()).map_err(StoreError::Compress)
}

/// Inflate a value written by [`pack`] with `tag`. A value of another
/// format is None: the caller knows whether that is worth a word.
fn unpack_with<R>(tag: u8, bytes: &[u8], decode: impl FnOnce(&[u8]) -> Option<R>) -> Option<R> {
    thread_local! {
        // A year's report inflates a few hundred thousand values: one
        // inflater and buffer per thread instead of one allocation each.
        static INFLATE: std::cell::RefCell<(flate2::Decompress, Vec<u8>)> =
            std::cell::RefCell::new((flate2::Decompress::new(false), Vec::with_capacity(64 * 1024)));
    }
    let (&found, body) = bytes.split_first()?;
    if found != tag {
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

fn unpack<T: DeserializeOwned>(tag: u8, bytes: &[u8]) -> Option<T> {
    unpack_with(tag, bytes, dec)
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

/// Verdicts a period summary has read, by key; None for one that is unreadable.
type LeanMemo = HashMap<VerdictKey, Option<(String, Status, Severity)>>;

fn current_basis(rule: &str) -> String {
    crate::rules::find(rule).map(|d| d.basis.to_string()).unwrap_or_default()
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
    verdicts: sled::Tree,
    meta: sled::Tree,
    /// Held while a day's verdicts are looked up and referenced, and while
    /// the sweep collects unreferenced ones, so it never takes a verdict a
    /// save is about to refer to.
    verdict_lock: Arc<Mutex<()>>,
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
            verdicts: db.open_tree("verdicts")?,
            meta: db.open_tree("meta")?,
            verdict_lock: Arc::new(Mutex::new(())),
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
            ("verdicts", &self.verdicts),
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

    /// Store one site's results for a day. The day's record and the new
    /// verdicts it refers to go in one transaction, so a crash leaves either
    /// the old set or the new one, never half.
    pub fn save_results(&self, day: NaiveDate, site: &str, results: &[ResultRecord]) -> Result<()> {
        use sled::Transactional;
        use sled::transaction::ConflictableTransactionError as Abort;
        let checked_at = results.iter().map(|r| r.checked_at.timestamp()).min().unwrap_or_default();
        let mut verdicts = Vec::with_capacity(results.len());
        for r in results {
            let rec = VerdictRec {
                rule: r.rule.clone(),
                status: r.status,
                severity: r.severity,
                basis: match crate::rules::find(&r.rule) {
                    Some(def) if def.basis == r.basis => None,
                    _ => Some(r.basis.clone()),
                },
                message: r.message.clone(),
                evidence: r.evidence.clone(),
                hint: r.hint.clone(),
            };
            let raw = enc(&rec)?;
            let late = u32::try_from(r.checked_at.timestamp() - checked_at).unwrap_or(u32::MAX);
            let hash = xxhash_rust::xxh3::xxh3_64(&raw) as u32;
            verdicts.push((hash, deflate(VERDICTS_V1, &raw)?, raw, late));
        }
        let day_key = key(&[&day.to_string(), site]);
        let _held = self.verdict_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (&self.verdicts, &self.results)
            .transaction(|(vt, rt)| {
                let mut rules = Vec::with_capacity(verdicts.len());
                for (hash, packed, raw, late) in &verdicts {
                    // Equal hashes of different verdicts are told apart by
                    // their bytes and the later one moves to the next key.
                    let mut h = *hash;
                    let vk = loop {
                        let vk = h.to_be_bytes();
                        match vt.get(vk)? {
                            None => {
                                vt.insert(&vk, packed.as_slice())?;
                                break vk;
                            }
                            Some(v) if unpack_with(VERDICTS_V1, &v, |b| Some(b == raw.as_slice())) == Some(true) => break vk,
                            Some(_) => h = h.wrapping_add(1),
                        }
                    };
                    rules.push((vk, *late));
                }
                let rec = enc(&DayRec { checked_at, rules }).map_err(Abort::Abort)?;
                let mut value = Vec::with_capacity(rec.len() + 1);
                value.push(RESULTS_V2);
                value.extend_from_slice(&rec);
                rt.insert(day_key.as_slice(), value)?;
                Ok(())
            })
            .map_err(|e| match e {
                sled::transaction::TransactionError::Abort(e) => e,
                sled::transaction::TransactionError::Storage(e) => StoreError::Sled(e),
            })
    }

    /// A site's results for a day from its stored value, in either format.
    /// `lean` fills in only what a period summary counts (see
    /// [`Store::statuses_by_day`]) and remembers each verdict it read there.
    fn decode_results(&self, k: &[u8], v: &[u8], lean: Option<&mut LeanMemo>) -> Option<(NaiveDate, Vec<ResultRecord>)> {
        let k = String::from_utf8_lossy(k);
        let (day, site) = k.split_once('\0')?;
        let day: NaiveDate = day.parse().ok()?;
        let tz = crate::model::vn_offset();
        let record = |rule: String, status, severity, checked_at: i64| ResultRecord {
            site: site.to_string(),
            rule,
            status,
            severity,
            as_of: day,
            checked_at: DateTime::from_timestamp(checked_at, 0).unwrap_or_default().with_timezone(&tz),
            basis: String::new(),
            message: String::new(),
            evidence: Vec::new(),
            hint: None,
        };
        let full = |r: VerdictRec, checked_at: i64| ResultRecord {
            basis: r.basis.unwrap_or_else(|| current_basis(&r.rule)),
            message: r.message,
            evidence: r.evidence,
            hint: r.hint,
            ..record(r.rule, r.status, r.severity, checked_at)
        };
        match (v.first(), lean) {
            (Some(&RESULTS_V1), Some(_)) => Some((day, Store::decode_lean_v1(v, record)?)),
            (Some(&RESULTS_V1), None) => {
                let recs: Vec<ResultRec> = unpack(RESULTS_V1, v)?;
                Some((
                    day,
                    recs.into_iter()
                        .map(|r| {
                            let at = r.checked_at;
                            full(r.into(), at)
                        })
                        .collect(),
                ))
            }
            (Some(&RESULTS_V2), lean) => {
                let rec: DayRec = dec(v.get(1..)?)?;
                let mut out = Vec::with_capacity(rec.rules.len());
                let mut memo = lean;
                for (vk, late) in rec.rules {
                    let at = rec.checked_at + i64::from(late);
                    let got = match memo.as_deref_mut() {
                        Some(memo) => self
                            .lean_verdict(vk, memo)
                            .map(|(rule, status, severity)| record(rule, status, severity, at)),
                        None => self.verdict(vk).map(|r| full(r, at)),
                    };
                    match got {
                        Some(r) => out.push(r),
                        None => tracing::warn!(site, %day, "a stored result refers to a verdict that cannot be read; skipped"),
                    }
                }
                Some((day, out))
            }
            (tag, _) => {
                tracing::warn!(tag = tag.copied(), site, %day, "skipping stored results in an unknown format");
                None
            }
        }
    }

    fn verdict(&self, vk: VerdictKey) -> Option<VerdictRec> {
        unpack(VERDICTS_V1, &self.verdicts.get(vk).ok()??)
    }

    fn lean_verdict(&self, vk: VerdictKey, memo: &mut LeanMemo) -> Option<(String, Status, Severity)> {
        if let Some(hit) = memo.get(&vk) {
            return hit.clone();
        }
        let v = self.verdicts.get(vk).ok()?;
        let got = v.and_then(|v| {
            unpack_with(VERDICTS_V1, &v, |raw| {
                let r: LeanVerdict = postcard::from_bytes(raw).ok()?;
                Some((r.rule.to_string(), r.status, r.severity))
            })
        });
        memo.insert(vk, got.clone());
        got
    }

    fn decode_lean_v1(v: &[u8], record: impl Fn(String, Status, Severity, i64) -> ResultRecord) -> Option<Vec<ResultRecord>> {
        unpack_with(RESULTS_V1, v, |raw| {
            let recs: Vec<LeanRec> = match postcard::from_bytes(raw) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "skipping a stored record that does not decode");
                    return None;
                }
            };
            Some(
                recs.into_iter()
                    .map(|r| record(r.rule.to_string(), r.status, r.severity, r.checked_at))
                    .collect(),
            )
        })
    }

    pub fn results_for_day(&self, day: NaiveDate) -> Result<Vec<ResultRecord>> {
        let mut out = Vec::new();
        for kv in self.results.scan_prefix(key(&[&day.to_string(), ""])) {
            let (k, v) = kv?;
            if let Some((_, recs)) = self.decode_results(&k, &v, None) {
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
        // Verdicts repeat from day to day: each is inflated once per period.
        let mut memo = LeanMemo::new();
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
                if let Some((d, recs)) = self.decode_results(&k, &v, lean.then_some(&mut memo)) {
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
            if unpack::<PageRec>(PAGES_V2, &v).is_none_or(|r| r.fetched_at < page_cutoff) {
                self.pages.remove(k)?;
                removed += 1;
            }
        }
        removed += self.collect_verdicts()?;
        Ok(removed)
    }

    /// Remove the verdicts no day's results refer to any more.
    fn collect_verdicts(&self) -> Result<usize> {
        let _held = self.verdict_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut live: HashSet<VerdictKey> = HashSet::new();
        for v in self.results.iter().values() {
            let v = v?;
            if v.first() == Some(&RESULTS_V2)
                && let Some(rec) = v.get(1..).and_then(dec::<DayRec>)
            {
                live.extend(rec.rules.iter().map(|(vk, _)| *vk));
            }
        }
        let mut removed = 0;
        for k in self.verdicts.iter().keys() {
            let k = k?;
            if !<VerdictKey>::try_from(k.as_ref()).is_ok_and(|vk| live.contains(&vk)) {
                self.verdicts.remove(k)?;
                removed += 1;
            }
        }
        Ok(removed)
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

    fn count(tree: &sled::Tree) -> usize {
        tree.iter().count()
    }

    #[test]
    fn a_verdict_repeated_day_after_day_is_stored_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        for d in 1..=30 {
            let mut daily = result("a", "update.daily", d, Status::Fail);
            daily.message = format!("Không có tin, bài mới trong ngày làm việc: {d:02}/11/2026");
            let same = ResultRecord {
                // Same verdict, another day and time: still the same verdict.
                as_of: day(d),
                ..result("a", "disclosure.contact", 1, Status::Fail)
            };
            let same = ResultRecord {
                checked_at: same.checked_at + Days::days(i64::from(d) - 1) + Days::seconds(5),
                ..same
            };
            store.save_results(day(d), "a", &[same, daily]).expect("save");
        }
        // One contact verdict for thirty days, one daily verdict a day.
        assert_eq!(count(&store.verdicts), 31);
        let got = store.results_for_day(day(17)).expect("read");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].rule, "disclosure.contact");
        assert_eq!(got[0].as_of, day(17));
        // Each result keeps its own time, to the second.
        assert_eq!(got[0].checked_at, got[1].checked_at + Days::seconds(5));
        assert_eq!(got[1].checked_at, result("a", "update.daily", 17, Status::Fail).checked_at);
        assert_eq!(got[0].evidence, result("a", "disclosure.contact", 1, Status::Fail).evidence);
        assert_eq!(got[1].message, "Không có tin, bài mới trong ngày làm việc: 17/11/2026");

        // The sweep drops the days and the verdicts only they referred to,
        // and keeps the verdict later days still share.
        store.sweep(day(30), 10).expect("sweep");
        assert_eq!(count(&store.verdicts), 1 + 11);
        assert_eq!(store.results_for_day(day(25)).expect("read").len(), 2);
        assert!(store.results_for_day(day(19)).expect("read").is_empty());
    }

    #[test]
    fn two_verdicts_whose_hashes_meet_are_both_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let r = result("a", "disclosure.contact", 23, Status::Fail);
        let raw = enc(&VerdictRec {
            rule: r.rule.clone(),
            status: r.status,
            severity: r.severity,
            basis: None,
            message: r.message.clone(),
            evidence: r.evidence.clone(),
            hint: r.hint.clone(),
        })
        .expect("encode");
        // Another verdict already sits where this one hashes to.
        let other = VerdictRec {
            rule: "site.reachable".into(),
            status: Status::Pass,
            severity: Severity::Violation,
            basis: None,
            message: "Trang truy cập được".into(),
            evidence: Vec::new(),
            hint: None,
        };
        let vk = (xxhash_rust::xxh3::xxh3_64(&raw) as u32).to_be_bytes();
        store.verdicts.insert(vk, pack(VERDICTS_V1, &other).expect("pack")).expect("insert");
        store.save_results(day(23), "a", std::slice::from_ref(&r)).expect("save");
        assert_eq!(store.results_for_day(day(23)).expect("read"), vec![r]);
        assert_eq!(store.verdict(vk).map(|v| v.message), Some("Trang truy cập được".to_string()));
    }

    #[test]
    fn results_in_the_first_format_are_still_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let r = result("a", "disclosure.contact", 23, Status::Fail);
        let v1 = vec![ResultRec {
            rule: r.rule.clone(),
            status: r.status,
            severity: r.severity,
            checked_at: r.checked_at.timestamp(),
            basis: None,
            message: r.message.clone(),
            evidence: r.evidence.clone(),
            hint: r.hint.clone(),
        }];
        store
            .results
            .insert(key(&["2026-11-23", "a"]), pack(RESULTS_V1, &v1).expect("pack"))
            .expect("insert");
        assert_eq!(store.results_for_day(day(23)).expect("read"), vec![r.clone()]);
        let lean: Vec<(String, Status)> = store
            .statuses_by_day(day(23), day(23))
            .flat_map(|d| d.expect("read").1)
            .map(|x| (x.rule, x.status))
            .collect();
        assert_eq!(lean, vec![(r.rule, r.status)]);
    }
}
