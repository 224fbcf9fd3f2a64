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
            "site checked"
        );
        metrics::record_site_checked(c, self.results);
    }
}
