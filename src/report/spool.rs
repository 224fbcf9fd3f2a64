//! A `check`'s own results, kept on disk as each site finishes, for the
//! findings file written at the end (issue 14).
//!
//! Reading them back from the database instead made sled load every verdict
//! of the day into memory a second time, and it keeps what it loads: 10 to
//! 18 MB more at 10,000 sites than the crawl itself. The spool is an
//! unlinked temporary file in the state directory, so a `kill -9` leaves
//! nothing behind, and the kernel's page cache, not the process, holds what
//! is read back.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::SiteResults;
use crate::model::ResultRecord;

pub struct Spool {
    file: File,
    /// Where each site's results start in the file, and their length.
    at: HashMap<Box<str>, (u64, usize)>,
    end: u64,
}

impl Spool {
    /// A new, empty spool in `dir` (which must exist and be writable).
    pub fn create_in(dir: &Path) -> io::Result<Spool> {
        Ok(Spool {
            file: tempfile::tempfile_in(dir)?,
            at: HashMap::new(),
            end: 0,
        })
    }

    /// Keep one site's results. A site checked twice keeps its last.
    pub fn add(&mut self, results: &[ResultRecord]) -> io::Result<()> {
        let Some(site) = results.first().map(|r| r.site.as_str()) else {
            return Ok(());
        };
        // JSON rather than postcard: a `ResultRecord` carries serde
        // attributes that only a self-describing format round-trips.
        let bytes = serde_json::to_vec(results).map_err(io::Error::other)?;
        self.file.write_all(&bytes)?;
        self.at.insert(site.into(), (self.end, bytes.len()));
        self.end += bytes.len() as u64;
        Ok(())
    }

    /// The spooled results walked in the order of `sites` (the findings
    /// file's); a site not in the spool is skipped.
    pub fn in_order(self, sites: Vec<String>) -> SpooledDay {
        SpooledDay { spool: self, sites }
    }
}

pub struct SpooledDay {
    spool: Spool,
    sites: Vec<String>,
}

impl SiteResults for SpooledDay {
    fn each_site(&self, each: &mut dyn FnMut(&[ResultRecord]) -> io::Result<()>) -> io::Result<()> {
        let mut buf = Vec::new();
        for site in &self.sites {
            let Some(&(offset, len)) = self.spool.at.get(site.as_str()) else {
                continue;
            };
            buf.resize(len, 0);
            self.spool.file.read_exact_at(&mut buf, offset)?;
            let rs: Vec<ResultRecord> = serde_json::from_slice(&buf)
                .map_err(|e| io::Error::other(format!("cannot read this run's results back from its spool file: {e}")))?;
            each(&rs)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, Severity, Status};

    fn record(site: &str, rule: &str, status: Status) -> ResultRecord {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        ResultRecord {
            site: site.to_string(),
            rule: rule.to_string(),
            status,
            severity: Severity::Violation,
            as_of: day,
            checked_at: day
                .and_hms_opt(2, 5, 9)
                .expect("time")
                .and_local_timezone(crate::model::vn_offset())
                .single()
                .expect("offset"),
            basis: "Nghị định 147/2024/NĐ-CP, Điều 24".to_string(),
            message: "Không tìm thấy số điện thoại trên trang chủ".to_string(),
            evidence: vec![Evidence::new("https://so.gov.vn/", "Chân trang: \"Địa chỉ: 23 Lê Lợi\"")],
            hint: None,
        }
    }

    fn walk(day: &SpooledDay) -> Vec<Vec<ResultRecord>> {
        let mut seen = Vec::new();
        day.each_site(&mut |rs| {
            seen.push(rs.to_vec());
            Ok(())
        })
        .expect("walk");
        seen
    }

    #[test]
    fn sites_come_back_whole_in_the_findings_order_not_the_finishing_order() {
        let dir = tempfile::tempdir().expect("dir");
        let mut spool = Spool::create_in(dir.path()).expect("spool");
        let xa = vec![
            record("xa", "site.reachable", Status::Pass),
            record("xa", "disclosure.contact", Status::Fail),
        ];
        let so = vec![record("so", "site.reachable", Status::Unknown)];
        spool.add(&xa).expect("add");
        spool.add(&[]).expect("nothing to add");
        spool.add(&so).expect("add");
        let day = spool.in_order(vec!["so".into(), "khong-kiem-tra".into(), "xa".into()]);
        // Twice: the HTML file walks the day once for its overview, once for its sections.
        for _ in 0..2 {
            assert_eq!(walk(&day), vec![so.clone(), xa.clone()]);
        }
    }

    #[test]
    fn a_site_checked_twice_shows_its_last_check() {
        let dir = tempfile::tempdir().expect("dir");
        let mut spool = Spool::create_in(dir.path()).expect("spool");
        spool.add(&[record("xa", "site.reachable", Status::Fail)]).expect("add");
        let last = vec![record("xa", "site.reachable", Status::Pass)];
        spool.add(&last).expect("add");
        assert_eq!(walk(&spool.in_order(vec!["xa".into()])), vec![last]);
    }

    #[test]
    fn leaves_no_file_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let mut spool = Spool::create_in(dir.path()).expect("spool");
        spool.add(&[record("xa", "site.reachable", Status::Pass)]).expect("add");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
    }
}
