//! The retention sweep (SPEC §7: results kept 400 days by default).

use std::collections::HashSet;

use chrono::{Duration as Days, NaiveDate};

use super::codec::{PAGES_V2, RESULTS_V2, dec, key, unpack};
use super::item_days::ItemRec;
use super::pages::{DocRec, PageRec};
use super::results::{DayRec, VerdictKey};
use super::{Result, Store};
use crate::model::vn_now;

impl Store {
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
        {
            // Items leave with their day counts (see item_days.rs).
            let _held = super::item_days::writer();
            let counted = self.item_days_counted()?;
            for kv in self.items.iter() {
                let (k, v) = kv?;
                let rec = dec::<ItemRec>(&v);
                if rec
                    .as_ref()
                    .is_none_or(|r| r.first_seen < cutoff && r.published.is_none_or(|p| p < cutoff))
                {
                    self.remove_item(&k, rec.as_ref(), counted)?;
                    removed += 1;
                }
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
