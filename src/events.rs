//! Internal events: one struct per event, which both logs and counts, so a
//! log line and its metric can never disagree.

use crate::crawler::SiteCrawl;
use crate::metrics;
use crate::model::{ResultRecord, Status};

pub struct SiteChecked<'a> {
    pub crawl: &'a SiteCrawl,
    pub results: &'a [ResultRecord],
}

impl SiteChecked<'_> {
    pub fn emit(&self) {
        let c = self.crawl;
        let count = |s: Status| self.results.iter().filter(|r| r.status == s).count();
        tracing::info!(
            site = %c.site_id,
            pages = c.pages.len(),
            requests = c.requests,
            bytes = c.bytes,
            not_modified = c.not_modified,
            failures = c.failures.len(),
            duration_ms = c.duration_ms,
            pass = count(Status::Pass),
            fail = count(Status::Fail),
            unknown = count(Status::Unknown),
            partial = !c.partial.is_empty(),
            outcome = metrics::crawl_outcome(c),
            "site checked"
        );
        metrics::record_site_checked(c, self.results);
    }
}

/// A site's slot came while its previous crawl (or its wait for a free
/// crawl slot) was still going: the slot is skipped, not queued twice.
pub struct SlotSkipped<'a> {
    pub site: &'a str,
}

impl SlotSkipped<'_> {
    pub fn emit(&self) {
        tracing::warn!(site = %self.site, "previous crawl still running; skipping this slot");
        metrics::record_skipped_slot(self.site);
    }
}

/// The findings files of a day were written (or could not be).
pub struct ReportWritten<'a> {
    pub date: chrono::NaiveDate,
    pub files: &'a [std::path::PathBuf],
    pub results: usize,
    pub error: Option<&'a str>,
}

impl ReportWritten<'_> {
    pub fn emit(&self) {
        match self.error {
            None => {
                let files: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
                tracing::info!(date = %self.date, results = self.results, files = %files.join(" "), "findings written");
            }
            Some(e) => {
                tracing::error!(date = %self.date, error = %e, "cannot write the findings files")
            }
        }
        metrics::record_report(self.error.is_none());
    }
}

/// SIGHUP: the configuration and registry were re-read, or the new files
/// were refused and the running ones kept.
pub struct Reloaded<'a> {
    pub sites: usize,
    pub error: Option<&'a str>,
}

impl Reloaded<'_> {
    pub fn emit(&self) {
        match self.error {
            None => tracing::info!(sites = self.sites, "configuration reloaded"),
            Some(e) => {
                tracing::error!(error = %e, "new configuration refused; keeping the running one")
            }
        }
        metrics::record_reload(self.error.is_none());
    }
}
