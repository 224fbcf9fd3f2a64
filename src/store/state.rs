//! Crawl bookkeeping per site and the scheduler's own notes.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::codec::{dec, enc, key};
use super::{Result, Store};
use crate::model::vn_now;

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

impl Store {
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
}
