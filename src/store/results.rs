//! Results per day and site, as references into verdicts stored once each;
//! the first format (a whole day deflated) is still read.

use std::collections::HashMap;

use chrono::{DateTime, Duration as Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codec::{RESULTS_V1, RESULTS_V2, VERDICTS_V1, dec, deflate, enc, key, unpack, unpack_prefix, unpack_with};
use super::{Result, Store, StoreError};
use crate::model::{Evidence, ResultRecord, Severity, Status};

/// `ResultRecord` as the first format stored it, a day's set deflated in
/// one value: without the fields the key gives (site, day), with the basis
/// only when it is not the rule's current one, and without serde attributes
/// a non-self-describing format cannot round-trip. Read, no longer written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ResultRec {
    pub(super) rule: String,
    pub(super) status: Status,
    pub(super) severity: Severity,
    /// Unix seconds; results are stamped in Asia/Ho_Chi_Minh.
    pub(super) checked_at: i64,
    pub(super) basis: Option<String>,
    pub(super) message: String,
    pub(super) evidence: Vec<Evidence>,
    pub(super) hint: Option<String>,
}

/// One rule's verdict as kept in `verdicts`: a `ResultRecord` without site,
/// day and time, so that the same verdict on another day is the same bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct VerdictRec {
    pub(super) rule: String,
    pub(super) status: Status,
    pub(super) severity: Severity,
    pub(super) basis: Option<String>,
    pub(super) message: String,
    pub(super) evidence: Vec<Evidence>,
    pub(super) hint: Option<String>,
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

/// One stored result as a period summary counts it (see [`Store::visit_statuses`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked<'a> {
    pub rule: &'a str,
    pub status: Status,
    pub severity: Severity,
}

/// A verdict's key: 32 bits of its hash, moved on past any other verdict
/// already there. Short keys matter: a day's record is mostly keys.
pub(super) type VerdictKey = [u8; 4];

/// A site's results for a day: which verdicts, checked when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct DayRec {
    /// Unix seconds of the earliest check; results are stamped in Asia/Ho_Chi_Minh.
    pub(super) checked_at: i64,
    /// Per rule, in order: its verdict and seconds after `checked_at`.
    pub(super) rules: Vec<(VerdictKey, u32)>,
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

/// The basis a rule cited before bases depended on the date. Records
/// written then left it out when it was this one, so it is restored here
/// as they cited it (a stored result keeps the text it was decided under).
pub(super) fn legacy_basis(rule: &str) -> String {
    const LEGACY: &[(&str, &str)] = &[
        (
            "attribution.details",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP), Điều 20 khoản 2",
        ),
        (
            "attribution.source",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP), Điều 20 khoản 2",
        ),
        (
            "disclosure.contact",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT; Nghị định 42/2022/NĐ-CP, Điều 4 (cơ quan nhà nước)",
        ),
        (
            "disclosure.editorial_board",
            "Chỉ thị của UBND tỉnh về cổng thông tin điện tử (ví dụ 11/CT-UBND tỉnh Tiền Giang năm 2015, mục 5c); Nghị định 42/2022/NĐ-CP, Điều 4",
        ),
        (
            "disclosure.governing_agency",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT; Nghị định 42/2022/NĐ-CP, Điều 4 (cơ quan nhà nước)",
        ),
        (
            "disclosure.license",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT",
        ),
        (
            "disclosure.responsible_person",
            "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT; Nghị định 42/2022/NĐ-CP, Điều 4 (cơ quan nhà nước)",
        ),
        (
            "site.crawlable",
            "RFC 9309 (Robots Exclusion Protocol); điều kiện để kiểm tra tự động",
        ),
        (
            "site.reachable",
            "Điều kiện để kiểm tra các quy định khác (không có điều khoản riêng)",
        ),
        (
            "update.daily",
            "Thông tư 26/2009/TT-BTTTT, Điều 12 (đã được ghi là hết hiệu lực; áp dụng theo thiết kế)",
        ),
        (
            "update.legal_documents",
            "Thông tư 26/2009/TT-BTTTT, Điều 12 (đã được ghi là hết hiệu lực; áp dụng theo thiết kế); Nghị định 52/2015/NĐ-CP, Điều 16 (cách tính ngày làm việc)",
        ),
    ];
    LEGACY
        .iter()
        .find(|(id, _)| *id == rule)
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

impl Store {
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
                // Always stored: the basis depends on the day and the kind.
                basis: Some(r.basis.clone()),
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
            basis: r.basis.unwrap_or_else(|| legacy_basis(&r.rule)),
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

    pub(super) fn verdict(&self, vk: VerdictKey) -> Option<VerdictRec> {
        unpack(VERDICTS_V1, &self.verdicts.get(vk).ok()??)
    }

    fn lean_verdict(&self, vk: VerdictKey, memo: &mut LeanMemo) -> Option<(String, Status, Severity)> {
        if let Some(hit) = memo.get(&vk) {
            return hit.clone();
        }
        let got = self
            .lean_verdict_raw(vk)
            .map(|(rule, status, severity)| (rule.into(), status, severity));
        memo.insert(vk, got.clone());
        got
    }

    /// What a summary counts of one verdict, read without its message and evidence.
    fn lean_verdict_raw(&self, vk: VerdictKey) -> Option<(Box<str>, Status, Severity)> {
        let v = self.verdicts.get(vk).ok()??;
        let lean = |raw: &[u8]| {
            let r: LeanVerdict = postcard::from_bytes(raw).ok()?;
            Some((r.rule.into(), r.status, r.severity))
        };
        // The leading fields are all a summary reads; a verdict whose rule
        // name does not fit the prefix is inflated whole.
        unpack_prefix(VERDICTS_V1, &v, lean).or_else(|| unpack_with(VERDICTS_V1, &v, lean))
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

    /// One site's results for a day (empty when it has none): what the
    /// findings files read, a site at a time, so a province's day is never
    /// in memory whole.
    pub fn site_results(&self, day: NaiveDate, site: &str) -> Result<Vec<ResultRecord>> {
        let k = key(&[&day.to_string(), site]);
        Ok(match self.results.get(&k)? {
            Some(v) => self.decode_results(&k, &v, None).map(|(_, recs)| recs).unwrap_or_default(),
            None => Vec::new(),
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

    /// What a period summary counts of the results from `from` to `to`
    /// inclusive, in day order: `visit(day, site, results)` once per site
    /// and day, with each result as (rule, status, severity) borrowed from
    /// what was read. No [`ResultRecord`] is built and nothing is copied per
    /// result: a year of a province is millions of them.
    pub fn visit_statuses(&self, from: NaiveDate, to: NaiveDate, mut visit: impl FnMut(NaiveDate, &str, &[Checked<'_>])) -> Result<()> {
        let start = key(&[&from.to_string(), ""]);
        let end = key(&[&(to + Days::days(1)).to_string(), ""]);
        // Verdicts repeat from day to day: each is inflated once per period,
        // into `seen`, which the memo indexes. Within one day they do not
        // (a verdict is one site's), so a day's visit keeps none past its
        // site: a province's day is 90,000 of them.
        let remember = from < to;
        let mut memo: HashMap<VerdictKey, Option<usize>> = HashMap::new();
        let mut seen: Vec<(Box<str>, Status, Severity)> = Vec::new();
        let mut refs: Vec<usize> = Vec::new();
        for kv in self.results.range(start..end) {
            let (k, v) = kv?;
            if !remember {
                memo.clear();
                seen.clear();
            }
            let Some((day, site)) = std::str::from_utf8(&k).ok().and_then(|k| k.split_once('\0')) else {
                continue;
            };
            let Ok(day) = day.parse::<NaiveDate>() else { continue };
            match v.first() {
                Some(&RESULTS_V2) => {
                    let Some(rec) = v.get(1..).and_then(dec::<DayRec>) else { continue };
                    refs.clear();
                    for (vk, _) in &rec.rules {
                        let at = match memo.get(vk) {
                            Some(at) => *at,
                            None => {
                                let got = self.lean_verdict_raw(*vk).map(|r| {
                                    seen.push(r);
                                    seen.len() - 1
                                });
                                memo.insert(*vk, got);
                                got
                            }
                        };
                        match at {
                            Some(at) => refs.push(at),
                            None => tracing::warn!(site, %day, "a stored result refers to a verdict that cannot be read; skipped"),
                        }
                    }
                    let checked: Vec<Checked> = refs
                        .iter()
                        .filter_map(|&at| seen.get(at))
                        .map(|(rule, status, severity)| Checked {
                            rule,
                            status: *status,
                            severity: *severity,
                        })
                        .collect();
                    visit(day, site, &checked);
                }
                Some(&RESULTS_V1) => {
                    unpack_with(RESULTS_V1, &v, |raw| {
                        match postcard::from_bytes::<Vec<LeanRec>>(raw) {
                            Ok(recs) => {
                                let checked: Vec<Checked> = recs
                                    .iter()
                                    .map(|r| Checked {
                                        rule: r.rule,
                                        status: r.status,
                                        severity: r.severity,
                                    })
                                    .collect();
                                visit(day, site, &checked);
                            }
                            Err(e) => tracing::warn!(error = %e, "skipping a stored record that does not decode"),
                        }
                        Some(())
                    });
                }
                tag => tracing::warn!(tag = tag.copied(), site, %day, "skipping stored results in an unknown format"),
            }
        }
        Ok(())
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
}
