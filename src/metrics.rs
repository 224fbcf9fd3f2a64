pub fn record_site_checked(_c: &crate::crawler::SiteCrawl, _r: &[crate::model::ResultRecord]) {}
